//! «Отчетность»: analytics figures and the xlsx report, read back by a real reader.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use clickpay::domain::clock::Clock;
use shared::Role;
use time::Duration;

use crate::helpers::{assert_error, json, payment_body, spawn_app};

#[tokio::test]
async fn analytics_match_hand_computed_figures_across_a_time_zone_boundary() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    // 28 Nov (Moscow): 100.00 ecom (fee 45.00, the minimum), a 10 000.00 payout (1.05 % = 105.00),
    // a decline, and a 40.00 refund of the first payment.
    let p = m.pay("4242424242424242", "100.00").await;
    m.post(
        "/payouts",
        serde_json::json!({"amount": "10000.00", "currency": "RUB", "card": {"number": "4242424242424242"}}),
    )
    .await;
    m.pay("4000000000000002", "500.00").await;
    m.post(&format!("/payments/{}/refunds", p["id"].as_str().expect("id")), serde_json::json!({"amount": "40.00"}))
        .await;
    // 30 Nov 21:30 UTC is 1 Dec 00:30 in Moscow: December's, not November's.
    app.clock.advance(Duration::hours(2 * 24 + 9) + Duration::minutes(30));
    m.pay("4242424242424242", "300.00").await;
    let cab = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;

    let nov = json(cab.get("/reports/analytics?period=month&date=2026-11-15").await).await;
    assert_eq!(nov["buckets"].as_array().expect("buckets").len(), 30);
    let day28 = &nov["buckets"][27];
    assert_eq!(
        (day28["date"].as_str(), day28["count"].as_u64(), day28["volume"].as_str(), day28["fees"].as_str()),
        (Some("2026-11-28"), Some(2), Some("10100.00"), Some("150.00"))
    );
    assert_eq!(nov["buckets"][29]["count"], 0, "the 30th (Moscow) saw nothing");
    let cards = &nov["cards"];
    assert_eq!(
        (cards["volume"].as_str(), cards["fees"].as_str(), cards["count"].as_u64()),
        (Some("10100.00"), Some("150.00"), Some(2))
    );
    assert_eq!(cards["average_ticket"], "5050.00");
    assert_eq!(cards["success_rate"], "66.7", "2 executed of 3 finished");
    assert_eq!((nov["refunds"]["count"].as_u64(), nov["refunds"]["amount"].as_str()), (Some(1), Some("40.00")));

    let dec = json(cab.get("/reports/analytics?period=month&date=2026-12-01").await).await;
    assert_eq!(dec["buckets"][0]["count"], 1);
    assert_eq!(dec["cards"]["volume"], "300.00");
    let year = json(cab.get("/reports/analytics?period=year&date=2026-06-01").await).await;
    assert_eq!(year["buckets"].as_array().expect("buckets").len(), 12);
    assert_eq!(
        (year["buckets"][10]["volume"].as_str(), year["buckets"][11]["volume"].as_str()),
        (Some("10100.00"), Some("300.00"))
    );

    let (other_org, _) = app.merchant_of_new_org().await;
    assert_error(cab.get(&format!("/reports/analytics?organization_id={other_org}")).await, 404, "not_found").await;
    assert_error(cab.get("/reports/analytics?period=week").await, 400, "invalid_request").await;
}

fn sheet_xml(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("xlsx is a zip");
    let mut xml = String::new();
    zip.by_name(name).expect("sheet").read_to_string(&mut xml).expect("xml");
    xml
}

#[tokio::test]
async fn the_xlsx_report_reads_back_with_numbers_dates_totals_and_no_formulas() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    m.pay("4242424242424242", "1234.56").await;
    let mut evil = payment_body("4000000000000002", "10.00");
    evil["order_id"] = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
    m.post("/payments", evil).await;
    let admin = app.admin().await;
    let res =
        admin.get(&format!("/reports/transactions.xlsx?organization_id={org}&from=2026-11-28&to=2026-11-28")).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(res.headers()["content-disposition"].to_str().expect("ascii").contains("attachment"));
    let bytes = res.bytes().await.expect("body").to_vec();

    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).expect("a real reader opens it");
    assert_eq!(book.sheet_names(), ["Операции", "Сводка"]);
    let ops = book.worksheet_range("Операции").expect("operations");
    let rows: Vec<_> = ops.rows().collect();
    assert_eq!(rows.len(), 3, "header and two operations");
    assert_eq!(rows[0][0], Data::String("ID".into()));
    assert_eq!(rows[0][5], Data::String("Сумма".into()));
    let ok = rows.iter().find(|r| r[4] == Data::String("Успешно".into())).expect("the success row");
    assert_eq!(ok[5], Data::Float(1234.56), "amounts are numbers");
    assert_eq!(ok[6], Data::Float(45.0));
    assert!(matches!(ok[1], Data::DateTime(_)), "dates are dates: {:?}", ok[1]);
    let evil_row = rows.iter().find(|r| r[4] == Data::String("Ошибка".into())).expect("the decline row");
    assert_eq!(evil_row[8], Data::String("=HYPERLINK(\"http://evil.example\",\"x\")".into()), "kept as text");
    assert_eq!(evil_row[13], Data::String("card_declined".into()));
    let xml = sheet_xml(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!xml.contains("<f>"), "no cell of the operations is a formula");
    assert!(xml.contains("<pane") && xml.contains("state=\"frozen\""), "the header is frozen");
    let workbook_xml = sheet_xml(&bytes, "xl/workbook.xml");
    assert!(workbook_xml.contains("_xlnm._FilterDatabase"), "the operations have an autofilter");

    let summary = book.worksheet_range("Сводка").expect("summary");
    let cells: Vec<String> = summary.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    for needed in ["По статусам", "По типам", "Успешно", "Ошибка", "ECOM"] {
        assert!(cells.iter().any(|c| c == needed), "{needed} missing from the summary");
    }
    let drawings =
        zip::ZipArchive::new(Cursor::new(&bytes)).expect("zip").file_names().any(|n| n.starts_with("xl/charts/chart"));
    assert!(drawings, "the summary has a native chart");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'report.exported'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_partner_exports_only_their_organizations() {
    let app = spawn_app().await;
    let (org_a, a) = app.merchant_of_new_org().await;
    let (org_b, b) = app.merchant_of_new_org().await;
    a.pay("4242424242424242", "10.00").await;
    b.pay("4242424242424242", "20.00").await;
    let user_a = app.cabinet(&app.create_user(Role::Partner, &[org_a]).await).await;
    assert_error(user_a.get(&format!("/reports/transactions.xlsx?organization_id={org_b}")).await, 404, "not_found")
        .await;
    let bytes = user_a.get("/reports/transactions.xlsx").await.bytes().await.expect("body").to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx");
    let ops = book.worksheet_range("Операции").expect("operations");
    assert_eq!(ops.rows().count(), 2, "header and org A's one operation");
    assert_error(user_a.get("/reports/transactions.xlsx?from=2026-11-30&to=2026-11-01").await, 400, "invalid_request")
        .await;
}

#[tokio::test]
async fn hourly_totals_stay_equal_to_the_operations_and_odd_zones_read_the_operations() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    for card in ["4242424242424242", "4000000000000002", "4000000000003220", "4000000000000119", "5555555555554444"] {
        m.pay(card, "150.00").await;
        app.clock.advance(Duration::minutes(37));
    }
    let p = m.pay("4242424242424242", "900.00").await;
    m.post(&format!("/payments/{}/refunds", p["id"].as_str().expect("id")), serde_json::json!({"amount": "100.00"}))
        .await;
    app.clock.advance(Duration::seconds(10));
    clickpay::workers::settlement::settle_due(&app.state).await.expect("settle");
    // Half the deltas folded, half not: readers must see the same totals either way.
    clickpay::reports::analytics::compact(&app.db).await.expect("compact");
    m.pay("4000000000009995", "75.00").await;
    let mismatches: i64 = sqlx::query_scalar(
        "WITH raw AS (SELECT organization_id, date_trunc('hour', created_at, 'UTC') AS hour, type, status, count(*) AS n, sum(amount) AS a, sum(fee) AS f
                        FROM operations GROUP BY 1, 2, 3, 4),
              s AS (SELECT organization_id, hour, type, status, sum(operations) AS operations, sum(amount) AS amount, sum(fee) AS fee
                      FROM (SELECT organization_id, hour, type, status, operations, amount, fee FROM operation_stats_hourly
                            UNION ALL SELECT organization_id, hour, type, status, operations, amount, fee FROM operation_stats_deltas) u
                     GROUP BY 1, 2, 3, 4 HAVING sum(operations) <> 0 OR sum(amount) <> 0)
         SELECT count(*) FROM (SELECT * FROM raw FULL JOIN s USING (organization_id, hour, type, status)
                               WHERE coalesce(raw.n, 0) <> coalesce(s.operations, 0) OR coalesce(raw.a, 0) <> coalesce(s.amount, 0)
                                  OR coalesce(raw.f, 0) <> coalesce(s.fee, 0)) d",
    )
    .fetch_one(&app.db)
    .await
    .expect("compare");
    assert_eq!(mismatches, 0, "the trigger keeps the hourly totals exact");

    // Kolkata is +05:30: its days cut hours in half, so its report reads the operations.
    let admin = app.admin().await;
    admin
        .post("/admin/users", serde_json::json!({"login": "in.user", "full_name": "Kolkata", "password": "Secret-pass-2024", "role": "partner", "organization_ids": [org], "time_zone": "Asia/Kolkata"}))
        .await;
    let token = json(app.login("login", "in.user", "Secret-pass-2024").await).await["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let kolkata: serde_json::Value = reqwest::Client::new()
        .get(app.url("/cabinet/api/v1/reports/analytics?period=month&date=2026-11-01"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let moscow = json(
        app.cabinet(&app.create_user(Role::Partner, &[org]).await)
            .await
            .get("/reports/analytics?period=month&date=2026-11-01")
            .await,
    )
    .await;
    assert_eq!(kolkata["cards"], moscow["cards"], "the same month, counted two ways, gives the same totals");
}

#[tokio::test]
async fn a_big_export_runs_in_the_background_and_the_synchronous_one_stops_at_its_limit() {
    let app = crate::helpers::spawn_app_with(|s| s.workers.sync_export_limit = 2).await;
    let (org, m) = app.merchant_of_new_org().await;
    for amount in ["10.00", "20.00", "30.00"] {
        m.pay("4242424242424242", amount).await;
    }
    let user = app.create_user(Role::Partner, &[org]).await;
    let cab = app.cabinet(&user).await;
    // Three rows against a limit of two: the synchronous file says so.
    let res = cab.get("/reports/transactions.xlsx?from=2026-11-28&to=2026-11-28").await;
    crate::helpers::assert_error(res, 422, "export_too_large").await;

    let res = cab.post("/exports?from=2026-11-28&to=2026-11-28&status=succeeded", serde_json::json!({})).await;
    assert_eq!(res.status(), 202);
    let queued = json(res).await;
    assert_eq!(queued["status"], "queued");
    let id = queued["id"].as_str().expect("id").to_owned();
    assert!(clickpay::reports::exports::pass(&app.state).await.expect("pass"), "the worker built it");
    let done = json(cab.get(&format!("/exports/{id}")).await).await;
    assert_eq!(
        (done["status"].as_str(), done["rows_done"].as_u64(), done["rows_total"].as_u64()),
        (Some("done"), Some(3), Some(3))
    );
    let file = cab.get(&format!("/exports/{id}/file")).await;
    assert_eq!(file.status(), 200);
    assert!(file.headers()["content-disposition"].to_str().expect("ascii").contains(".xlsx"));
    let length: usize = file.headers()["content-length"].to_str().expect("ascii").parse().expect("length");
    let bytes = file.bytes().await.expect("bytes");
    assert_eq!(&bytes[..2], b"PK");
    assert_eq!(bytes.len(), length);
    let kept: i64 =
        sqlx::query_scalar("SELECT sum(length(data)) FROM export_chunks").fetch_one(&app.db).await.expect("n");
    assert_eq!(kept as usize, bytes.len(), "the file is kept in chunks, not whole");
    // At most two of a user's exports wait at once.
    for _ in 0..2 {
        assert_eq!(cab.post("/exports?from=2026-11-28&to=2026-11-28", serde_json::json!({})).await.status(), 202);
    }
    crate::helpers::assert_error(cab.post("/exports?from=2026-11-28", serde_json::json!({})).await, 409, "conflict")
        .await;
    // The audit keeps that a search was made, never its text (a customer's e-mail, a phone).
    while clickpay::reports::exports::pass(&app.state).await.expect("pass") {}
    assert_eq!(cab.post("/exports?q=buyer@example.ru", serde_json::json!({})).await.status(), 202);
    let logged: Vec<serde_json::Value> =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'report.export_queued'")
            .fetch_all(&app.db)
            .await
            .expect("audit");
    assert!(logged.iter().all(|d| !d.to_string().contains("buyer")), "{logged:?}");
    assert!(logged.iter().any(|d| d["search"] == true), "{logged:?}");
    // Another user sees nothing of it; after 24 hours it is gone.
    let other = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    crate::helpers::assert_error(other.get(&format!("/exports/{id}")).await, 404, "not_found").await;
    crate::helpers::assert_error(other.get(&format!("/exports/{id}/file")).await, 404, "not_found").await;
    app.clock.advance(Duration::hours(25));
    assert!(!clickpay::reports::exports::pass(&app.state).await.expect("pass"));
    let cab = app.cabinet(&user).await;
    crate::helpers::assert_error(cab.get(&format!("/exports/{id}")).await, 404, "not_found").await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM exports").fetch_one(&app.db).await.expect("count");
    assert_eq!(left, 0, "expired files are deleted");
}

#[tokio::test]
async fn an_export_past_the_row_limit_fails_at_once_and_files_are_served_chunk_by_chunk() {
    let app = crate::helpers::spawn_app_with(|s| s.workers.export_row_limit = 2).await;
    let (org, m) = app.merchant_of_new_org().await;
    for amount in ["10.00", "20.00", "30.00"] {
        m.pay("4242424242424242", amount).await;
    }
    let user = app.create_user(Role::Partner, &[org]).await;
    let cab = app.cabinet(&user).await;
    let id = json(cab.post("/exports?from=2026-11-28&to=2026-11-28", serde_json::json!({})).await).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert!(clickpay::reports::exports::pass(&app.state).await.expect("pass"));
    let failed = json(cab.get(&format!("/exports/{id}")).await).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(
        failed["error"],
        "The filter matches 3 operations; an export holds at most 2. Narrow the dates or the filter."
    );
    crate::helpers::assert_error(cab.get(&format!("/exports/{id}/file")).await, 404, "not_found").await;

    // A file of several chunks comes back whole and in order.
    let parts: [&[u8]; 3] = [b"PK first ", b"second ", b"third"];
    let stored = uuid::Uuid::now_v7();
    let now = app.clock.now();
    sqlx::query(
        "INSERT INTO exports (id, user_id, filter, status, file_name, size_bytes, created_at, expires_at)
         VALUES ($1, $2, '{}', 'done', 'x.xlsx', $3, $4, $4 + interval '1 day')",
    )
    .bind(stored)
    .bind(user.id)
    .bind(parts.iter().map(|p| p.len() as i64).sum::<i64>())
    .bind(now)
    .execute(&app.db)
    .await
    .expect("export");
    for (seq, data) in parts.iter().enumerate().rev() {
        sqlx::query("INSERT INTO export_chunks (export_id, seq, data) VALUES ($1, $2, $3)")
            .bind(stored)
            .bind(seq as i32)
            .bind(*data)
            .execute(&app.db)
            .await
            .expect("chunk");
    }
    let file = cab.get(&format!("/exports/{stored}/file")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(&file.bytes().await.expect("bytes")[..], b"PK first second third");
}
