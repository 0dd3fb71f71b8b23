//! The cabinet's transactions: filters, search, paging, time zones, and scope.

use shared::Role;
use time::Duration;

use crate::helpers::{assert_error, json, payment_body, spawn_app};

#[tokio::test]
async fn the_list_filters_searches_and_pages_on_the_server() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    // Yesterday (Moscow): two payments; today: a success, a decline, a refund, a payout.
    app.clock.advance(Duration::days(-1));
    m.pay("4242424242424242", "10.00").await;
    m.pay("4242424242424242", "11.00").await;
    app.clock.advance(Duration::days(1));
    let ok = m.pay("5555555555554444", "100.00").await;
    let mut declined = payment_body("4000000000000002", "200.00");
    declined["order_id"] = "order-77".into();
    m.post("/payments", declined).await;
    m.post(&format!("/payments/{}/refunds", ok["id"].as_str().expect("id")), serde_json::json!({"amount": "30.00"}))
        .await;
    m.post(
        "/payouts",
        serde_json::json!({"amount": "500.00", "currency": "RUB", "card": {"number": "2200000000000004"}}),
    )
    .await;
    let cab = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;

    let today = json(cab.get("/transactions").await).await;
    assert_eq!(today["total"], 4, "today by default: {today}");
    assert_eq!(today["total_capped"], false);
    let first = &today["data"][0];
    assert_eq!(first["type"], "oct", "newest first");
    assert_eq!(first["organization_name"], "ООО Ромашка");
    assert_eq!(first["created"]["offset"], "+03:00", "in the user's zone");
    assert_eq!(first["created"]["local"], "28.11.2026 15:00");

    let both_days = json(cab.get("/transactions?from=2026-11-27&to=2026-11-28").await).await;
    assert_eq!(both_days["total"], 6);
    let failed = json(cab.get("/transactions?from=2026-11-27&to=2026-11-28&status=failed").await).await;
    assert_eq!(failed["total"], 1);
    assert_eq!(failed["data"][0]["error_code"], "card_declined");
    let refunds = json(cab.get("/transactions?type=refund").await).await;
    assert_eq!((refunds["total"].as_u64(), refunds["data"][0]["amount"].as_str()), (Some(1), Some("30.00")));
    let by_order = json(cab.get("/transactions?q=order-77").await).await;
    assert_eq!(by_order["total"], 1);
    let by_last4 = json(cab.get("/transactions?from=2026-11-27&q=4444").await).await;
    assert_eq!(by_last4["total"], 2, "the payment and its refund carry the card");
    let executed = json(cab.get("/transactions?date_field=executed&from=2026-11-27").await).await;
    assert_eq!(executed["total"], 6);

    let page1 = json(cab.get("/transactions?from=2026-11-27&per_page=4").await).await;
    let page2 = json(cab.get("/transactions?from=2026-11-27&per_page=4&page=2").await).await;
    assert_eq!((page1["data"].as_array().map(Vec::len), page2["data"].as_array().map(Vec::len)), (Some(4), Some(2)));
    assert_eq!(page2["total"], 6);
    assert_ne!(page1["data"][3]["id"], page2["data"][0]["id"]);

    for bad in [
        "from=28.11.2026",
        "status=paid",
        "type=sbp",
        "date_field=updated",
        "per_page=500",
        "page=0",
        "from=2026-11-28&to=2026-11-01",
        "colour=red",
    ] {
        assert_error(cab.get(&format!("/transactions?{bad}")).await, 400, "invalid_request").await;
    }
}

#[tokio::test]
async fn the_users_time_zone_decides_the_days_and_the_display() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    // 20:30 UTC on the 28th is already the 29th in Yekaterinburg (+05:00), still the 28th in Moscow.
    app.clock.advance(Duration::minutes(8 * 60 + 30));
    m.pay("4242424242424242", "10.00").await;
    let admin = app.admin().await;
    let user = json(
        admin
            .post("/admin/users", serde_json::json!({"login": "ekb.user", "full_name": "Екатеринбург", "password": "Secret-pass-2024", "role": "partner", "organization_ids": [org], "time_zone": "Asia/Yekaterinburg"}))
            .await,
    )
    .await;
    assert_eq!(user["time_zone"], "Asia/Yekaterinburg");
    let res = app.login("login", "ekb.user", "Secret-pass-2024").await;
    let token = json(res).await["token"].as_str().expect("token").to_owned();
    let c = reqwest::Client::new();
    let get = |q: &'static str| c.get(app.url(&format!("/cabinet/api/v1/transactions?{q}"))).bearer_auth(&token).send();
    let on_29 = json(get("from=2026-11-29&to=2026-11-29").await.expect("request")).await;
    assert_eq!(on_29["total"], 1);
    assert_eq!(on_29["data"][0]["created"]["local"], "29.11.2026 01:30");
    assert_eq!(on_29["data"][0]["created"]["offset"], "+05:00");
    assert_eq!(on_29["data"][0]["created"]["utc"], "2026-11-28T20:30:00Z");
    let moscow = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    assert_eq!(json(moscow.get("/transactions?from=2026-11-28&to=2026-11-28").await).await["total"], 1);
}

#[tokio::test]
async fn partners_see_only_their_organizations_transactions() {
    let app = spawn_app().await;
    let (org_a, a) = app.merchant_of_new_org().await;
    let (org_b, b) = app.merchant_of_new_org().await;
    let pa = a.pay("4242424242424242", "10.00").await;
    b.pay("4242424242424242", "20.00").await;
    let user_a = app.cabinet(&app.create_user(Role::Partner, &[org_a]).await).await;
    let user_b = app.cabinet(&app.create_user(Role::Partner, &[org_b]).await).await;
    let admin = app.admin().await;

    let list_a = json(user_a.get("/transactions").await).await;
    assert_eq!(list_a["total"], 1);
    assert_eq!(list_a["data"][0]["amount"], "10.00");
    assert_eq!(json(admin.get("/transactions").await).await["total"], 2, "staff see every organization");
    assert_eq!(json(admin.get(&format!("/transactions?organization_id={org_b}")).await).await["total"], 1);

    let id = pa["id"].as_str().expect("id");
    assert_eq!(user_a.get(&format!("/transactions/{id}")).await.status(), 200);
    assert_error(user_b.get(&format!("/transactions/{id}")).await, 404, "not_found").await;
    assert_error(user_b.get(&format!("/transactions?organization_id={org_a}")).await, 404, "not_found").await;
    assert_error(user_b.get(&format!("/operations/{id}/events")).await, 404, "not_found").await;
    assert_error(user_b.get("/transactions/00000000-0000-0000-0000-000000000000").await, 404, "not_found").await;
}

#[tokio::test]
async fn the_detail_has_the_manuals_fields_the_timeline_and_the_refunds() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let p = m.pay("4242424242424242", "100.00").await;
    let id = p["id"].as_str().expect("id");
    app.clock.advance(Duration::minutes(1));
    let r = json(
        m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "100.00", "reason": "брак"})).await,
    )
    .await;
    let cab = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;

    let d = json(cab.get(&format!("/transactions/{id}")).await).await;
    assert_eq!(
        (d["status"].as_str(), d["fee"].as_str(), d["refunded_amount"].as_str()),
        (Some("refunded"), Some("45.00"), Some("100.00"))
    );
    assert_eq!((d["card_holder"].as_str(), d["card_mask"].as_str()), (Some("IVAN IVANOV"), Some("424242******4242")));
    assert_eq!(d["bank_name"], "АО БАНК «СНГБ»");
    assert!(d["bank_transaction_id"].as_str().is_some_and(|t| t.len() == 12));
    assert_eq!(d["created"]["local"], "28.11.2026 15:00");
    assert!(d["executed"]["local"].is_string());
    let steps: Vec<_> =
        d["timeline"].as_array().expect("timeline").iter().map(|t| t["to"].as_str().expect("to").to_owned()).collect();
    assert_eq!(steps, ["processing", "succeeded", "refunded"]);
    assert_eq!(d["refunds"][0]["id"], r["id"]);
    assert!(d["parent"].is_null());

    let rd = json(cab.get(&format!("/transactions/{}", r["id"].as_str().expect("id"))).await).await;
    assert_eq!((rd["type"].as_str(), rd["reason"].as_str()), (Some("refund"), Some("брак")));
    assert_eq!(rd["parent"]["id"], id);
}

#[tokio::test]
async fn the_search_finds_by_every_identifier_across_all_dates_unless_narrowed() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    // Sixty days ago: the payment a customer calls about today.
    app.clock.advance(Duration::days(-60));
    let mut body = payment_body("5555555555554444", "321.00");
    body["order_id"] = "order-old-1".into();
    body["customer"] = serde_json::json!({"email": "Buyer@Example.RU", "phone": "+7 (999) 000-00-01"});
    let old = json(m.post("/payments", body).await).await;
    app.clock.advance(Duration::days(60));
    m.pay("4242424242424242", "10.00").await;
    let cab = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let id = old["id"].as_str().expect("id");
    let bank_id = old["bank"]["transaction_id"].as_str().expect("bank id");
    for q in
        [id, "order-old-1", "4444", "buyer@example.ru", "BUYER@example.ru", "+79990000001", "8 999 000 00 01", bank_id]
    {
        let found = json(cab.get(&format!("/transactions?q={}", urlencode(q))).await).await;
        assert_eq!((found["total"].as_u64(), found["all_dates"].as_bool()), (Some(1), Some(true)), "{q}: {found}");
        assert_eq!(found["data"][0]["id"], id, "{q}");
    }
    // Narrowed to today, it is not there; the list without a search is today's.
    let narrowed = json(cab.get("/transactions?q=order-old-1&from=2026-11-28&to=2026-11-28").await).await;
    assert_eq!((narrowed["total"].as_u64(), narrowed["all_dates"].as_bool()), (Some(0), Some(false)));
    assert_eq!(json(cab.get("/transactions").await).await["total"], 1);
    // Another organization's operation is not found by its id.
    let (_, other) = app.merchant_of_new_org().await;
    let theirs = other.pay("4242424242424242", "5.00").await;
    let q = theirs["id"].as_str().expect("id");
    assert_eq!(json(cab.get(&format!("/transactions?q={q}")).await).await["total"], 0);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
