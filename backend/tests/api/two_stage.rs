//! Two-stage payments over HTTP against the real sandbox bank: hold, capture (whole or part,
//! once), cancel, the hold's expiry, refunds of the captured amount, the races between them, a
//! lost capture or release sent again, and each new event verified as receivers verify it.

use clickpay::sandbox_bank::wire::FaultRule;
use serde_json::{Value, json as j};
use time::Duration;

use crate::bank::unique_card;
use crate::clients::{Merchant, payment_body};
use crate::helpers::{TestApp, assert_error, json, spawn_app, spawn_app_with};
use crate::payer::{form, post_form};

/// A two-stage payment with this card.
pub async fn hold(m: &Merchant, card: &str, amount: &str) -> Value {
    let mut body = payment_body(card, amount);
    body["capture"] = j!(false);
    let res = m.post("/payments", body).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

fn id(p: &Value) -> String {
    p["id"].as_str().expect("id").to_owned()
}

/// The bank's register for one payment, as `(type, amount, status)`.
async fn booked(app: &TestApp, payment: &str) -> Vec<(String, String, String)> {
    app.bank
        .ledger_for(&[payment.to_owned()])
        .await
        .into_iter()
        .map(|e| (e.kind.as_str().to_owned(), e.amount.to_string(), e.status))
        .collect()
}

fn entry(kind: &str, amount: &str) -> (String, String, String) {
    (kind.to_owned(), amount.to_owned(), "approved".to_owned())
}

async fn event_types(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT type FROM events ORDER BY created_at, id").fetch_all(&app.db).await.expect("events")
}

#[tokio::test]
async fn a_hold_is_captured_in_part_charged_its_fee_on_what_was_taken_and_refunded_up_to_it() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    let p = hold(&m, &card, "10000.00").await;
    let pid = id(&p);
    assert_eq!(p["status"], "authorized");
    assert!(p["captured_amount"].is_null(), "nothing is taken yet: {p}");
    assert_eq!(p["fee"], "0.00", "the fee is charged at capture, on what is captured");
    assert_eq!(p["amount"], "10000.00");
    assert!(p["bank"]["transaction_id"].is_string());
    assert_eq!(booked(&app, &pid).await, [entry("hold", "10000.00")]);

    // Refunds wait for a capture; a capture is at most the hold.
    assert_error(m.post(&format!("/payments/{pid}/refunds"), j!({})).await, 422, "invalid_state").await;
    let over = assert_error(
        m.post(&format!("/payments/{pid}/capture"), j!({"amount": "10000.01"})).await,
        422,
        "capture_exceeds_authorization",
    )
    .await;
    assert_eq!(over["error"]["param"], "amount");
    assert_error(m.post(&format!("/payments/{pid}/capture"), j!({"amount": "0.00"})).await, 400, "invalid_request")
        .await;

    let res = m.post(&format!("/payments/{pid}/capture"), j!({"amount": "6000.00"})).await;
    assert_eq!(res.status(), 200);
    let captured = json(res).await;
    assert_eq!(
        (captured["status"].as_str(), captured["amount"].as_str(), captured["captured_amount"].as_str()),
        (Some("succeeded"), Some("10000.00"), Some("6000.00"))
    );
    // The tariff: 0.7 % + 0.45 %, at least 45.00, on what was captured (115.00 on the whole hold).
    assert_eq!(captured["fee"], "69.00");
    assert_eq!(json(m.get(&format!("/payments/{pid}")).await).await, captured);
    assert_eq!(booked(&app, &pid).await, [entry("hold", "10000.00"), entry("capture", "6000.00")]);
    // Once.
    assert_error(m.post(&format!("/payments/{pid}/capture"), j!({})).await, 422, "invalid_state").await;
    assert_error(m.post(&format!("/payments/{pid}/cancel"), j!({})).await, 422, "invalid_state").await;

    // Refunds return the captured amount, no more.
    assert_error(
        m.post(&format!("/payments/{pid}/refunds"), j!({"amount": "6000.01"})).await,
        422,
        "refund_exceeds_payment",
    )
    .await;
    let r = json(m.post(&format!("/payments/{pid}/refunds"), j!({"amount": "1000.00"})).await).await;
    assert_eq!(r["status"], "succeeded");
    let rest = json(m.post(&format!("/payments/{pid}/refunds"), j!({})).await).await;
    assert_eq!(rest["amount"], "5000.00", "the rest of the captured amount");
    let done = json(m.get(&format!("/payments/{pid}")).await).await;
    assert_eq!((done["status"].as_str(), done["refunded_amount"].as_str()), (Some("refunded"), Some("6000.00")));
    assert_eq!(done["fee"], "69.00", "refunds return no fee");
    assert_eq!(
        event_types(&app).await,
        [
            "payment.authorized",
            "payment.succeeded",
            "refund.succeeded",
            "payment.refunded",
            "refund.succeeded",
            "payment.refunded"
        ]
    );
    // The database keeps refunds within the captured amount whatever the code does.
    let broken = sqlx::query("UPDATE operations SET refunded_amount = 6000.01 WHERE id = $1::uuid")
        .bind(&pid)
        .execute(&app.db)
        .await;
    assert!(broken.is_err(), "refunded_amount <= captured_amount is a CHECK");
}

#[tokio::test]
async fn a_whole_capture_takes_the_amount_and_a_cancel_releases_the_hold() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let whole = hold(&m, &unique_card(), "20000.00").await;
    assert_eq!(whole["fee"], "0.00", "no fee before the capture");
    let captured = json(m.post(&format!("/payments/{}/capture", id(&whole)), j!({})).await).await;
    assert_eq!((captured["captured_amount"].as_str(), captured["fee"].as_str()), (Some("20000.00"), Some("230.00")));

    let p = hold(&m, &unique_card(), "300.00").await;
    let pid = id(&p);
    let res = m.post(&format!("/payments/{pid}/cancel"), j!({})).await;
    assert_eq!(res.status(), 200);
    let canceled = json(res).await;
    assert_eq!(
        (canceled["status"].as_str(), canceled["fee"].as_str(), canceled["captured_amount"].as_null()),
        (Some("canceled"), Some("0.00"), Some(()))
    );
    assert!(canceled["error"].is_null());
    assert_eq!(booked(&app, &pid).await, [entry("hold", "300.00"), entry("release", "300.00")]);
    for path in ["capture", "cancel", "refunds"] {
        assert_error(m.post(&format!("/payments/{pid}/{path}"), j!({})).await, 422, "invalid_state").await;
    }
    // A cancel needs no body at all; a one-stage payment cannot be captured or canceled.
    let one_stage = m.pay(&unique_card(), "10.00").await;
    assert_eq!(one_stage["captured_amount"], "10.00");
    for path in ["capture", "cancel"] {
        assert_error(m.post(&format!("/payments/{}/{path}", id(&one_stage)), j!({})).await, 422, "invalid_state").await;
    }
    // Another organization's payment does not exist for this merchant.
    let (_, other) = app.merchant_of_new_org().await;
    let theirs = hold(&other, &unique_card(), "10.00").await;
    assert_error(m.post(&format!("/payments/{}/capture", id(&theirs)), j!({})).await, 404, "not_found").await;
    assert_error(m.post(&format!("/payments/{}/cancel", id(&theirs)), j!({})).await, 404, "not_found").await;
    assert_error(
        m.post(&format!("/payments/{pid}/capture"), j!({"amount": "1", "x": 1})).await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn a_capture_replays_under_its_key_and_a_new_key_is_refused() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let pid = id(&hold(&m, &unique_card(), "100.00").await);
    let path = format!("/payments/{pid}/capture");
    let first = m.post_with_key(&path, j!({"amount": "50.00"}), "cap-1").await;
    assert_eq!(first.status(), 200);
    let first = first.text().await.expect("body");
    let again = m.post_with_key(&path, j!({"amount": "50.00"}), "cap-1").await;
    assert_eq!((again.status().as_u16(), again.headers()["idempotent-replayed"].to_str().ok()), (200, Some("true")));
    assert_eq!(again.text().await.expect("body"), first, "byte for byte");
    assert_error(m.post_with_key(&path, j!({"amount": "50.00"}), "cap-2").await, 422, "invalid_state").await;
    assert_eq!(booked(&app, &pid).await, [entry("hold", "100.00"), entry("capture", "50.00")]);
}

#[tokio::test]
async fn a_hold_not_captured_in_seven_days_is_released_and_the_payment_canceled() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let old = id(&hold(&m, &unique_card(), "100.00").await);
    app.clock.advance(Duration::days(6));
    let young = id(&hold(&m, &unique_card(), "100.00").await);
    app.clock.advance(Duration::days(1));
    assert!(!clickpay::workers::expiry::release_expired_holds(&app.state).await.expect("expiry"));
    let expired = json(m.get(&format!("/payments/{old}")).await).await;
    assert_eq!((expired["status"].as_str(), expired["fee"].as_str()), (Some("canceled"), Some("0.00")));
    assert_eq!(booked(&app, &old).await, [entry("hold", "100.00"), entry("release", "100.00")]);
    assert_eq!(json(m.get(&format!("/payments/{young}")).await).await["status"], "authorized");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'payment.hold_expired'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn capture_cancel_and_expiry_racing_have_exactly_one_winner() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    for round in 0..6 {
        let pid = id(&hold(&m, &unique_card(), "100.00").await);
        let capture_path = format!("/payments/{pid}/capture");
        let cancel_path = format!("/payments/{pid}/cancel");
        let (a, b) = tokio::join!(m.post(&capture_path, j!({"amount": "70.00"})), m.post(&cancel_path, j!({})));
        let statuses = [a.status().as_u16(), b.status().as_u16()];
        assert!(statuses.contains(&200) && statuses.contains(&422), "round {round}: {statuses:?}");
        let end = json(m.get(&format!("/payments/{pid}")).await).await;
        let entries = booked(&app, &pid).await;
        if statuses[0] == 200 {
            assert_eq!((end["status"].as_str(), entries[1].0.as_str()), (Some("succeeded"), "capture"));
        } else {
            assert_eq!((end["status"].as_str(), entries[1].0.as_str()), (Some("canceled"), "release"));
        }
        assert_eq!(entries.len(), 2, "one second step reached the bank: {entries:?}");
    }
    // A capture against the expiry.
    let mut winners = Vec::new();
    for _ in 0..4 {
        let pid = id(&hold(&m, &unique_card(), "100.00").await);
        app.clock.advance(Duration::days(8));
        let path = format!("/payments/{pid}/capture");
        let (res, _) =
            tokio::join!(m.post(&path, j!({})), clickpay::workers::expiry::release_expired_holds(&app.state));
        let end = json(m.get(&format!("/payments/{pid}")).await).await;
        let entries = booked(&app, &pid).await;
        assert_eq!(entries.len(), 2, "{entries:?}");
        match res.status().as_u16() {
            200 => assert_eq!((end["status"].as_str(), entries[1].0.as_str()), (Some("succeeded"), "capture")),
            422 => assert_eq!((end["status"].as_str(), entries[1].0.as_str()), (Some("canceled"), "release")),
            s => panic!("status {s}"),
        }
        winners.push(end["status"].as_str().expect("status").to_owned());
    }
    assert_eq!(winners.len(), 4);
}

#[tokio::test]
async fn holds_work_with_3ds_on_the_hosted_page_and_on_saved_cards() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    // 3-D Secure: the challenge, then the hold.
    let p = hold(&m, "4000000000003220", "100.00").await;
    let pid = id(&p);
    assert_eq!(p["status"], "authentication");
    let res = post_form(&app, &format!("/3ds/{pid}"), form(&[("code", "123456")])).await;
    assert_eq!(res.status(), 303);
    assert_eq!(json(m.get(&format!("/payments/{pid}")).await).await["status"], "authorized");
    assert_eq!(booked(&app, &pid).await[0].0, "hold");

    // The hosted page.
    let res = m
        .post(
            "/payments",
            j!({"type": "ecom", "amount": "250.00", "currency": "RUB", "capture": false, "return_url": "https://shop.example/r"}),
        )
        .await;
    let hosted = id(&json(res).await);
    let card = unique_card();
    let res = post_form(
        &app,
        &format!("/pay/{hosted}"),
        form(&[("number", &card), ("exp", "12/30"), ("cvc", "123"), ("holder", "Ivan Ivanov")]),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(json(m.get(&format!("/payments/{hosted}")).await).await["status"], "authorized");
    assert_eq!(booked(&app, &hosted).await, [entry("hold", "250.00")]);

    // A saved card: its token exists once the hold is approved, and charges a hold of its own.
    let mut body = payment_body(&unique_card(), "40.00");
    body["capture"] = j!(false);
    body["save_card"] = j!(true);
    let saved = json(m.post("/payments", body).await).await;
    assert_eq!(saved["status"], "authorized");
    let token = saved["card_token"].as_str().expect("a token once authorized").to_owned();
    let res = m
        .post(
            "/payments",
            j!({"type": "ecom", "amount": "15.00", "currency": "RUB", "card_token": token, "capture": false}),
        )
        .await;
    let recurring = json(res).await;
    assert_eq!((recurring["status"].as_str(), recurring["recurring"].as_bool()), (Some("authorized"), Some(true)));
    let taken = json(m.post(&format!("/payments/{}/capture", id(&recurring)), j!({})).await).await;
    assert_eq!(taken["status"], "succeeded");
    let after = json(m.post(&format!("/payments/{}/capture", id(&saved)), j!({})).await).await;
    assert_eq!(after["card_token"].as_str(), Some(token.as_str()), "capturing keeps the token");
}

#[tokio::test]
async fn a_lost_capture_or_release_is_sent_again_and_settles() {
    let app = spawn_app_with(|s| s.acquirer.timeout_seconds = 1).await;
    let (_, m) = app.merchant_of_new_org().await;
    for (step, body, end, kind) in
        [("capture", j!({"amount": "80.00"}), "succeeded", "capture"), ("cancel", j!({}), "canceled", "release")]
    {
        for fault in ["drop", "no_answer"] {
            let card = unique_card();
            let pid = id(&hold(&m, &card, "100.00").await);
            let rule = match fault {
                "drop" => FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() },
                _ => FaultRule { cards: vec![card.clone()], no_answer_rate: 1.0, ..Default::default() },
            };
            app.bank.set_fault(&card, rule).await;
            let res = m.post(&format!("/payments/{pid}/{step}"), body.clone()).await;
            assert_eq!(res.status(), 200);
            assert_eq!(json(res).await["status"], "processing", "{step} {fault}: waiting for the bank");
            // Another step is refused while this one is at the bank.
            assert_error(m.post(&format!("/payments/{pid}/cancel"), j!({})).await, 422, "invalid_state").await;
            app.bank.remove_fault(&card).await;
            app.clock.advance(Duration::seconds(10));
            clickpay::workers::settlement::settle_due(&app.state).await.expect("settle");
            let settled = json(m.get(&format!("/payments/{pid}")).await).await;
            assert_eq!(settled["status"], end, "{step} {fault}");
            let entries = booked(&app, &pid).await;
            assert_eq!(entries.len(), 2, "{entries:?}");
            assert_eq!(entries[1].0, kind);
            if step == "capture" {
                assert_eq!(settled["captured_amount"], "80.00");
            }
        }
    }
}

#[tokio::test]
async fn each_new_event_is_signed_as_the_standard_webhooks_library_verifies() {
    let app = spawn_app().await;
    app.clock.advance(time::OffsetDateTime::now_utc() - clickpay::domain::clock::Clock::now(&*app.clock));
    let (org, m) = app.merchant_of_new_org().await;
    let server = crate::webhooks::receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let captured = id(&hold(&m, &unique_card(), "100.00").await);
    m.post(&format!("/payments/{captured}/capture"), j!({"amount": "10.00"})).await;
    let canceled = id(&hold(&m, &unique_card(), "100.00").await);
    m.post(&format!("/payments/{canceled}/cancel"), j!({})).await;
    while app.deliver().await > 0 {}
    let wh = standardwebhooks::Webhook::new(&app.webhook_secret(org).await).expect("secret");
    let mut seen = Vec::new();
    for req in server.received_requests().await.expect("requests") {
        wh.verify(&req.body, &req.headers).expect("standardwebhooks accepts the delivery");
        let event: Value = serde_json::from_slice(&req.body).expect("json");
        seen.push((event["type"].as_str().expect("type").to_owned(), event["data"]["status"].clone()));
        if event["type"] == "payment.succeeded" {
            assert_eq!(event["data"]["captured_amount"], "10.00");
        }
    }
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let listed = json(m.get("/events?type=payment.canceled").await).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed["data"][0]["data"]["id"], canceled.as_str());
    assert_eq!(
        seen,
        [
            ("payment.authorized".to_owned(), j!("authorized")),
            ("payment.authorized".to_owned(), j!("authorized")),
            ("payment.canceled".to_owned(), j!("canceled")),
            ("payment.succeeded".to_owned(), j!("succeeded")),
        ]
    );
}

#[tokio::test]
async fn the_cabinet_captures_and_cancels_for_those_who_see_the_payment() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let partner_user = app.create_user(shared::Role::Partner, &[org]).await;
    let partner = app.cabinet(&partner_user).await;
    let other_org = app.create_organization("ООО Другая").await;
    let stranger = app.cabinet(&app.create_user(shared::Role::Partner, &[other_org]).await).await;

    let pid = id(&hold(&m, &unique_card(), "10000.00").await);
    // Capturing and canceling take the same right as refunds: «Возвраты».
    assert_error(partner.post(&format!("/transactions/{pid}/capture"), j!({})).await, 403, "forbidden").await;
    assert_error(partner.post(&format!("/transactions/{pid}/cancel"), j!({})).await, 403, "forbidden").await;
    sqlx::query("UPDATE users SET can_refund = true WHERE id = $1")
        .bind(partner_user.id)
        .execute(&app.db)
        .await
        .expect("grant");
    let detail = json(partner.get(&format!("/transactions/{pid}")).await).await;
    assert_eq!(detail["status"], "authorized");
    assert!(detail["captured_amount"].is_null() && detail["hold_expires"]["local"].is_string(), "{detail}");
    assert_error(stranger.post(&format!("/transactions/{pid}/capture"), j!({})).await, 404, "not_found").await;
    assert_error(stranger.post(&format!("/transactions/{pid}/cancel"), j!({})).await, 404, "not_found").await;
    assert_error(
        partner.post(&format!("/transactions/{pid}/capture"), j!({"amount": "10000.01"})).await,
        422,
        "capture_exceeds_authorization",
    )
    .await;
    let res = partner.post(&format!("/transactions/{pid}/capture"), j!({"amount": "2500.50"})).await;
    assert_eq!(res.status(), 200);
    let done = json(res).await;
    assert_eq!((done["status"].as_str(), done["captured_amount"].as_str()), (Some("succeeded"), Some("2500.50")));
    assert!(done["hold_expires"].is_null());
    assert_error(partner.post(&format!("/transactions/{pid}/cancel"), j!({})).await, 422, "invalid_state").await;

    let second = id(&hold(&m, &unique_card(), "100.00").await);
    let res = app.admin().await.post(&format!("/transactions/{second}/cancel"), j!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["status"], "canceled");
    let actors: Vec<(String, Option<uuid::Uuid>)> = sqlx::query_as(
        "SELECT action, actor_user_id FROM audit_log WHERE action IN ('payment.capture', 'payment.cancel') ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(actors.len(), 2);
    assert!(actors.iter().all(|(_, user)| user.is_some()), "the cabinet's steps name their user");
}

#[tokio::test]
async fn reports_count_a_hold_as_no_volume_and_a_capture_as_what_was_taken() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    hold(&m, &unique_card(), "10000.00").await;
    let captured = id(&hold(&m, &unique_card(), "10000.00").await);
    m.post(&format!("/payments/{captured}/capture"), j!({"amount": "6000.00"})).await;
    let canceled = id(&hold(&m, &unique_card(), "500.00").await);
    m.post(&format!("/payments/{canceled}/cancel"), j!({})).await;
    let cab = app.cabinet(&app.create_user(shared::Role::Partner, &[org]).await).await;
    for zone in ["Europe/Moscow", "Asia/Kolkata"] {
        // Moscow reads the hourly totals; a half-hour zone reads the operations themselves.
        sqlx::query("UPDATE users SET time_zone = $1").bind(zone).execute(&app.db).await.expect("zone");
        let nov = json(cab.get("/reports/analytics?period=month&date=2026-11-15").await).await;
        let cards = &nov["cards"];
        assert_eq!(
            (cards["volume"].as_str(), cards["fees"].as_str(), cards["count"].as_u64()),
            (Some("6000.00"), Some("69.00"), Some(1)),
            "{zone}: {cards}"
        );
        let slices: Vec<(String, u64, String)> = nov["by_status"]
            .as_array()
            .expect("by_status")
            .iter()
            .map(|s| {
                (
                    s["status"].as_str().unwrap_or("").to_owned(),
                    s["count"].as_u64().unwrap_or(0),
                    s["amount"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        for want in [("authorized", 1, "10000.00"), ("canceled", 1, "500.00"), ("succeeded", 1, "6000.00")] {
            assert!(slices.contains(&(want.0.to_owned(), want.1, want.2.to_owned())), "{zone}: {slices:?}");
        }
    }
}

#[tokio::test]
async fn a_capture_the_bank_declines_releases_the_hold_and_keeps_why() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let pid = id(&hold(&m, &unique_card(), "100.00").await);
    // Make the gateway believe in a bigger hold than the bank booked, so the bank declines.
    sqlx::query("UPDATE operations SET amount = 200.00 WHERE id = $1::uuid")
        .bind(&pid)
        .execute(&app.db)
        .await
        .expect("amount");
    let res = json(m.post(&format!("/payments/{pid}/capture"), j!({"amount": "150.00"})).await).await;
    assert_eq!(res["status"], "processing", "the hold is being released: {res}");
    // The capture's decline is booked for good; a second capture would only replay it.
    assert_error(m.post(&format!("/payments/{pid}/capture"), j!({})).await, 422, "invalid_state").await;
    clickpay::workers::settlement::settle_due(&app.state).await.expect("settle");
    let end = json(m.get(&format!("/payments/{pid}")).await).await;
    assert_eq!((end["status"].as_str(), end["fee"].as_str()), (Some("canceled"), Some("0.00")));
    let why: Option<String> = sqlx::query_scalar("SELECT error_code FROM operations WHERE id = $1::uuid")
        .bind(&pid)
        .fetch_one(&app.db)
        .await
        .expect("error");
    assert_eq!(why.as_deref(), Some("amount_exceeds_authorization"));
    let entries = booked(&app, &pid).await;
    assert_eq!(entries[1], ("capture".to_owned(), "150.00".to_owned(), "declined".to_owned()));
    assert_eq!(entries[2], entry("release", "100.00"));
}

#[tokio::test]
async fn a_late_answer_about_the_hold_cannot_settle_its_capture() {
    use clickpay::acquirer::{BookingKind, Outcome};
    let app = spawn_app_with(|s| s.acquirer.timeout_seconds = 1).await;
    let (_, m) = app.merchant_of_new_org().await;
    let card = unique_card();
    let pid = id(&hold(&m, &card, "100.00").await);
    app.bank.set_fault(&card, FaultRule { cards: vec![card.clone()], drop_rate: 1.0, ..Default::default() }).await;
    let res = json(m.post(&format!("/payments/{pid}/capture"), j!({"amount": "40.00"})).await).await;
    assert_eq!(res["status"], "processing");
    app.bank.remove_fault(&card).await;
    // A settlement pass that asked about the hold long ago answers only now.
    let late = Outcome::Approved { bank_transaction_id: "stale".to_owned() };
    let op: shared::ids::OperationId = pid.parse().expect("id");
    let row = clickpay::operations::apply_outcome(&app.state, op, BookingKind::Hold, late, None).await.expect("apply");
    assert_eq!(row.status, shared::OperationStatus::Processing, "ignored: the payment waits for its capture");
    assert!(booked(&app, &pid).await.iter().all(|e| e.0 != "capture"), "the capture never reached the bank");
    app.clock.advance(Duration::seconds(10));
    clickpay::workers::settlement::settle_due(&app.state).await.expect("settle");
    let end = json(m.get(&format!("/payments/{pid}")).await).await;
    assert_eq!((end["status"].as_str(), end["captured_amount"].as_str()), (Some("succeeded"), Some("40.00")));
    assert_eq!(booked(&app, &pid).await, [entry("hold", "100.00"), entry("capture", "40.00")]);
}

#[tokio::test]
async fn two_expiry_passes_at_once_release_each_hold_once() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(id(&hold(&m, &unique_card(), "10.00").await));
    }
    app.clock.advance(Duration::days(8));
    let (a, b) = tokio::join!(
        clickpay::operations::holds::release_expired(&app.state, 100),
        clickpay::operations::holds::release_expired(&app.state, 100)
    );
    assert_eq!(a.expect("a") + b.expect("b"), 6, "each hold claimed by one pass");
    for pid in &ids {
        assert_eq!(json(m.get(&format!("/payments/{pid}")).await).await["status"], "canceled");
        assert_eq!(booked(&app, pid).await, [entry("hold", "10.00"), entry("release", "10.00")]);
    }
}

#[tokio::test]
async fn a_blocked_organization_takes_no_money_in_the_cabinet_but_may_release_a_hold() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let partner_user = app.create_user(shared::Role::Partner, &[org]).await;
    sqlx::query("UPDATE users SET can_refund = true WHERE id = $1")
        .bind(partner_user.id)
        .execute(&app.db)
        .await
        .expect("grant");
    let partner = app.cabinet(&partner_user).await;
    let first = id(&hold(&m, &unique_card(), "100.00").await);
    let second = id(&hold(&m, &unique_card(), "100.00").await);
    sqlx::query("UPDATE organizations SET status = 'blocked' WHERE id = $1")
        .bind(org)
        .execute(&app.db)
        .await
        .expect("block");
    // The API key's cache learns of the block by the change feed.
    let caches = app.state.caches.clone();
    crate::helpers::eventually("the cache flush", || caches.cached_keys() == 0).await;
    assert_error(partner.post(&format!("/transactions/{first}/capture"), j!({})).await, 403, "organization_blocked")
        .await;
    let res = partner.post(&format!("/transactions/{second}/cancel"), j!({})).await;
    assert_eq!(res.status(), 200);
    assert_error(m.post(&format!("/payments/{first}/capture"), j!({})).await, 403, "organization_blocked").await;
}
