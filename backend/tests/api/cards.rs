//! Saved cards, recurring charges and payouts.

use clickpay::workers::settlement as settle;
use time::Duration;

use crate::helpers::{LOG_FILE, assert_error, json, payment_body, spawn_app};

#[tokio::test]
async fn a_saved_card_charges_again_without_cvc_or_3ds_until_revoked() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4000 0000 0000 3220", "100.00");
    body["card"]["number"] = "4242424242424242".into();
    body["save_card"] = true.into();
    let p = json(m.post("/payments", body.clone()).await).await;
    let token = p["card_token"].as_str().expect("card_token").to_owned();
    assert!(token.starts_with("ct_"));
    assert_eq!(p["recurring"], false);
    let again = json(m.post("/payments", body).await).await;
    assert_eq!(again["card_token"], token, "the same card is saved once");

    let t = json(m.get(&format!("/card-tokens/{token}")).await).await;
    assert_eq!(t["object"], "card_token");
    assert_eq!(t["card"]["mask"], "424242******4242");
    assert!(t["revoked_at"].is_null());
    assert!(!t.to_string().contains("4242424242424242"));

    let charge = json(
        m.post(
            "/payments",
            serde_json::json!({"type": "ecom", "amount": "55.00", "currency": "RUB", "card_token": token}),
        )
        .await,
    )
    .await;
    assert_eq!((charge["status"].as_str(), charge["recurring"].as_bool()), (Some("succeeded"), Some(true)));
    assert_eq!(charge["card_token"], token);
    assert_eq!(charge["card"]["mask"], "424242******4242");

    let revoked = m.delete(&format!("/card-tokens/{token}")).await;
    assert_eq!(revoked.status(), 200);
    assert!(json(revoked).await["revoked_at"].is_string());
    let refused = m
        .post(
            "/payments",
            serde_json::json!({"type": "ecom", "amount": "55.00", "currency": "RUB", "card_token": token}),
        )
        .await;
    assert_error(refused, 422, "card_token_revoked").await;
    let payout =
        m.post("/payouts", serde_json::json!({"amount": "5.00", "currency": "RUB", "card_token": token})).await;
    assert_error(payout, 422, "card_token_revoked").await;
}

/// A card saved by a payment becomes a token only once that payment passed its CVC and 3-D
/// Secure and succeeded: no token stands for a card whose challenge is open or failed.
#[tokio::test]
async fn a_saved_card_becomes_a_token_only_when_its_payment_succeeds() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4000000000003220", "100.00");
    body["save_card"] = true.into();
    let first = json(m.post("/payments", body.clone()).await).await;
    assert_eq!(first["status"], "authentication");
    assert!(first["card_token"].is_null(), "no token while the challenge is open: {first}");
    let waiting: String = sqlx::query_scalar("SELECT token FROM card_tokens").fetch_one(&app.db).await.expect("token");
    let bypass = m
        .post(
            "/payments",
            serde_json::json!({"type": "aft", "amount": "10.00", "currency": "RUB", "card_token": waiting}),
        )
        .await;
    assert_error(bypass, 404, "not_found").await;
    assert_error(m.get(&format!("/card-tokens/{waiting}")).await, 404, "not_found").await;

    // A wrong code fails the payment, and the card it saved is gone.
    let id = first["id"].as_str().expect("id");
    let wrong = app.submit_3ds_code(id, "000000").await;
    assert!(wrong.status().is_redirection());
    assert!(json(m.get(&format!("/payments/{id}")).await).await["card_token"].is_null());
    let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM card_tokens").fetch_one(&app.db).await.expect("count");
    assert_eq!(kept, 0);

    // The right code: the payment succeeds and the token exists; a recurring charge then needs
    // no challenge and no CVC.
    let second = json(m.post("/payments", body).await).await;
    let id = second["id"].as_str().expect("id");
    let right = app.submit_3ds_code(id, "123456").await;
    assert!(right.status().is_redirection());
    let paid = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(paid["status"], "succeeded");
    let token = paid["card_token"].as_str().expect("token after success");
    let charge = json(
        m.post(
            "/payments",
            serde_json::json!({"type": "aft", "amount": "10.00", "currency": "RUB", "card_token": token}),
        )
        .await,
    )
    .await;
    assert_eq!(charge["status"], "succeeded");
}

async fn submit_code(app: &crate::helpers::TestApp, payment: &serde_json::Value, code: &str) {
    let res = app.submit_3ds_code(payment["id"].as_str().expect("id"), code).await;
    assert!(res.status().is_redirection());
}

#[tokio::test]
async fn a_failed_payment_keeps_no_card_and_touches_no_other_token() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4000000000003220", "100.00");
    body["save_card"] = true.into();
    let first = json(m.post("/payments", body.clone()).await).await;
    submit_code(&app, &first, "123456").await;
    let id = first["id"].as_str().expect("id");
    let token = json(m.get(&format!("/payments/{id}")).await).await["card_token"].as_str().expect("token").to_owned();
    // The same card again, saved again, and this attempt fails its challenge.
    let second = json(m.post("/payments", body).await).await;
    submit_code(&app, &second, "000000").await;
    let failed = json(m.get(&format!("/payments/{}", second["id"].as_str().expect("id"))).await).await;
    assert_eq!(failed["status"], "failed");
    assert!(failed["card_token"].is_null());
    // The good token is untouched and still charges.
    let t = json(m.get(&format!("/card-tokens/{token}")).await).await;
    assert!(t["revoked_at"].is_null(), "{t}");
    let charge = json(
        m.post(
            "/payments",
            serde_json::json!({"type": "ecom", "amount": "1.00", "currency": "RUB", "card_token": token}),
        )
        .await,
    )
    .await;
    assert_eq!(charge["status"], "succeeded");
    let cards: i64 = sqlx::query_scalar("SELECT count(*) FROM card_tokens").fetch_one(&app.db).await.expect("count");
    assert_eq!(cards, 1, "the failed attempt's card was not kept");
}

#[tokio::test]
async fn the_pan_is_stored_only_encrypted_and_the_cvc_nowhere() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("5555555555554444", "100.00");
    body["card"]["cvc"] = "987".into();
    body["save_card"] = true.into();
    m.post("/payments", body).await;
    let dump: String = sqlx::query_scalar(
        "SELECT concat_ws('|', (SELECT string_agg(t::text, '|') FROM operations t), (SELECT string_agg(c::text, '|') FROM card_tokens c),
                (SELECT string_agg(e::text, '|') FROM events e), (SELECT string_agg(i::text, '|') FROM idempotency_records i),
                (SELECT string_agg(h::text, '|') FROM operation_status_history h))",
    )
    .fetch_one(&app.db)
    .await
    .expect("dump");
    assert!(!dump.contains("5555555555554444"), "no clear PAN anywhere in the database");
    assert!(!dump.contains("cvc") && !dump.contains("\"987\""), "no CVC anywhere in the database");
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public'")
            .fetch_all(&app.db)
            .await
            .expect("columns");
    assert!(!columns.iter().any(|c| c.contains("cvc") || c.contains("cvv")));
}

#[tokio::test]
async fn the_idempotency_record_does_not_keep_the_pan_or_cvc() {
    // The saved request body is compared on replays; card data in it would be stored in clear.
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    m.post_with_key("/payments", payment_body("2200000000000004", "10.00"), "card-body").await;
    let text: String =
        sqlx::query_scalar("SELECT i::text FROM idempotency_records i").fetch_one(&app.db).await.expect("row");
    assert!(!text.contains("2200000000000004") && !text.contains("\"123\""), "{text}");
    let replay = m.post_with_key("/payments", payment_body("2200000000000004", "10.00"), "card-body").await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let other_card = m.post_with_key("/payments", payment_body("4242424242424242", "10.00"), "card-body").await;
    assert_error(other_card, 409, "idempotency_key_reused").await;
}

#[tokio::test]
async fn payouts_follow_the_test_cards() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let table = [
        ("4242424242424242", "succeeded", None),
        ("4000000000000002", "failed", Some("card_declined")),
        ("4000000000009995", "succeeded", None),
        ("4000000000000119", "processing", None),
        ("2200000000000004", "succeeded", None),
    ];
    for (card, status, code) in table {
        let res = m
            .post("/payouts", serde_json::json!({"amount": "1000.00", "currency": "RUB", "order_id": "w-1", "card": {"number": card, "holder": "IVAN IVANOV"}}))
            .await;
        assert_eq!(res.status(), 201);
        let p = json(res).await;
        assert_eq!(
            (p["object"].as_str(), p["type"].as_str(), p["status"].as_str()),
            (Some("payout"), Some("oct"), Some(status)),
            "{card}"
        );
        assert_eq!(p["error"]["code"].as_str(), code);
        assert_eq!(p["fee"], if status == "failed" { "0.00" } else { "45.00" });
        assert_eq!(p["card"]["holder"], "IVAN IVANOV");
    }
    app.clock.advance(Duration::seconds(10));
    assert_eq!(settle::settle_due(&app.state).await.expect("settle"), 1);
    let list = json(m.get("/payouts?status=processing").await).await;
    assert_eq!(list["data"].as_array().expect("data").len(), 0, "the timed-out payout settled");
    let all = json(m.get("/payouts").await).await;
    assert_eq!(all["data"].as_array().expect("data").len(), 5);
    assert_error(
        m.post("/payouts", serde_json::json!({"amount": "1.00", "currency": "RUB"})).await,
        400,
        "invalid_request",
    )
    .await;
    let bad = m
        .post(
            "/payouts",
            serde_json::json!({"amount": "1.00", "currency": "RUB", "card": {"number": "4000000000000001"}}),
        )
        .await;
    assert_error(bad, 400, "invalid_card_number").await;
}

#[tokio::test]
async fn card_tokens_of_another_organization_do_not_exist() {
    let app = spawn_app().await;
    let (_, a) = app.merchant_of_new_org().await;
    let (_, b) = app.merchant_of_new_org().await;
    let mut body = payment_body("4242424242424242", "10.00");
    body["save_card"] = true.into();
    let token = json(a.post("/payments", body).await).await["card_token"].as_str().expect("token").to_owned();
    assert_error(b.get(&format!("/card-tokens/{token}")).await, 404, "not_found").await;
    assert_error(b.delete(&format!("/card-tokens/{token}")).await, 404, "not_found").await;
    let charge = b
        .post(
            "/payments",
            serde_json::json!({"type": "ecom", "amount": "1.00", "currency": "RUB", "card_token": token}),
        )
        .await;
    assert_error(charge, 404, "not_found").await;
    assert!(json(a.get(&format!("/card-tokens/{token}")).await).await["revoked_at"].is_null(), "b could not revoke it");
}

#[tokio::test]
async fn lists_page_newest_first_with_cursors_and_filters() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut body = payment_body(if i == 2 { "4000000000000002" } else { "4242424242424242" }, "10.00");
        body["order_id"] = format!("order-{i}").into();
        ids.push(json(m.post("/payments", body).await).await["id"].as_str().expect("id").to_owned());
        app.clock.advance(Duration::seconds(60));
    }
    let page1 = json(m.get("/payments?limit=2").await).await;
    assert_eq!(page1["object"], "list");
    assert_eq!(page1["has_more"], true);
    let got: Vec<_> =
        page1["data"].as_array().expect("data").iter().map(|p| p["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(got, [ids[4].clone(), ids[3].clone()]);
    let page2 = json(m.get(&format!("/payments?limit=2&starting_after={}", ids[3])).await).await;
    let got: Vec<_> =
        page2["data"].as_array().expect("data").iter().map(|p| p["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(got, [ids[2].clone(), ids[1].clone()]);
    let page3 = json(m.get(&format!("/payments?limit=2&starting_after={}", ids[1])).await).await;
    assert_eq!(page3["has_more"], false);
    assert_eq!(page3["data"].as_array().expect("data").len(), 1);

    let failed = json(m.get("/payments?status=failed").await).await;
    assert_eq!(failed["data"][0]["id"], ids[2]);
    let by_order = json(m.get("/payments?order_id=order-3").await).await;
    assert_eq!(by_order["data"][0]["id"], ids[3]);
    let created = json(m.get("/payments?limit=100").await).await;
    let t3 = created["data"][1]["created_at"].as_str().expect("time").to_owned();
    let window = json(
        m.get(&format!(
            "/payments?created_gte={t3}&created_lt={}",
            created["data"][0]["created_at"].as_str().expect("t")
        ))
        .await,
    )
    .await;
    assert_eq!(window["data"].as_array().expect("data").len(), 1);
    assert_eq!(window["data"][0]["id"], ids[3]);
    for bad in ["limit=0", "limit=101", "status=weird", "created_gte=yesterday", "starting_after=nope", "colour=red"] {
        assert_error(m.get(&format!("/payments?{bad}")).await, 400, "invalid_request").await;
    }
}

#[tokio::test]
async fn the_logs_never_hold_a_pan_or_a_cvc() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("5555555555554444", "77.00");
    body["card"]["cvc"] = "913".into();
    body["save_card"] = true.into();
    let p = json(m.post("/payments", body).await).await;
    m.get(&format!("/card-tokens/{}", p["card_token"].as_str().expect("token"))).await;
    m.post("/payments", payment_body("4242 4242 4242 4242", "1.00")).await;
    let log = std::fs::read_to_string(&*LOG_FILE).expect("test log");
    assert!(log.contains("/api/v1/card-tokens/{token}"), "the route template is logged");
    for secret in ["5555555555554444", "4242424242424242", "4242 4242 4242 4242", "\"913\"", "cvc", &m.key] {
        assert!(!log.contains(secret), "{secret} found in the logs");
    }
}

#[tokio::test]
async fn the_same_card_saved_by_concurrent_payments_is_one_token() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4242424242424242", "10.00");
    body["save_card"] = true.into();
    let answers = futures_util::future::join_all((0..6).map(|_| m.post("/payments", body.clone()))).await;
    let mut tokens = std::collections::HashSet::new();
    for res in answers {
        tokens.insert(json(res).await["card_token"].as_str().expect("token").to_owned());
    }
    assert_eq!(tokens.len(), 1, "{tokens:?}");
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM card_tokens").fetch_one(&app.db).await.expect("count");
    assert_eq!(rows, 1);
}
