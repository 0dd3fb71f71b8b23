//! Refunds: partial, several, race-free, and the refund-fails card.

use crate::helpers::{assert_error, json, spawn_app};

#[tokio::test]
async fn partial_refunds_then_the_rest_end_refunded() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4242424242424242", "100.00").await;
    let id = p["id"].as_str().expect("id");
    let r1 = m
        .post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "40.00", "reason": "returned item"}))
        .await;
    assert_eq!(r1.status(), 201);
    let r1 = json(r1).await;
    assert_eq!(
        (r1["object"].as_str(), r1["status"].as_str(), r1["amount"].as_str()),
        (Some("refund"), Some("succeeded"), Some("40.00"))
    );
    assert_eq!(r1["payment_id"], id);
    assert!(
        r1.as_object().expect("object").contains_key("error") && r1["error"].is_null(),
        "error is null, not absent"
    );
    assert_eq!(r1["reason"], "returned item");
    let after_one = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(
        (after_one["status"].as_str(), after_one["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("40.00"))
    );
    assert_eq!(after_one["fee"], "45.00", "refunds return no fee");

    let over = m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "60.01"})).await;
    assert_error(over, 422, "refund_exceeds_payment").await;
    let rest = json(m.post(&format!("/payments/{id}/refunds"), serde_json::json!({})).await).await;
    assert_eq!(rest["amount"], "60.00", "an omitted amount refunds the rest");
    let done = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!((done["status"].as_str(), done["refunded_amount"].as_str()), (Some("refunded"), Some("100.00")));
    assert_error(
        m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "1.00"})).await,
        422,
        "invalid_state",
    )
    .await;

    let list = json(m.get(&format!("/payments/{id}/refunds")).await).await;
    let amounts: Vec<_> = list["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|r| r["amount"].as_str().expect("amount").to_owned())
        .collect();
    assert_eq!(amounts, ["60.00", "40.00"], "newest first");
    assert_eq!(json(m.get(&format!("/refunds/{}", r1["id"].as_str().expect("id"))).await).await, r1);
    let events: Vec<String> =
        sqlx::query_scalar("SELECT type FROM events ORDER BY created_at, id").fetch_all(&app.db).await.expect("events");
    assert_eq!(
        events,
        ["payment.succeeded", "refund.succeeded", "payment.refunded", "refund.succeeded", "payment.refunded"]
    );
    let rows: Vec<(String, Option<uuid::Uuid>)> =
        sqlx::query_as("SELECT type, parent_id FROM operations WHERE type = 'refund'")
            .fetch_all(&app.db)
            .await
            .expect("rows");
    assert!(
        rows.iter().all(|r| r.1.map(|u| u.to_string()) == Some(id.to_owned())),
        "a refund is its own operation, linked"
    );
}

#[tokio::test]
async fn only_succeeded_payments_can_be_refunded_and_payouts_never() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    for card in ["4000000000000002", "4000000000003220", "4000000000000119"] {
        let p = m.pay(card, "100.00").await;
        let res = m.post(&format!("/payments/{}/refunds", p["id"].as_str().expect("id")), serde_json::json!({})).await;
        assert_error(res, 422, "invalid_state").await;
    }
    let payout = json(
        m.post(
            "/payouts",
            serde_json::json!({"amount": "10.00", "currency": "RUB", "card": {"number": "4242424242424242"}}),
        )
        .await,
    )
    .await;
    let res = m.post(&format!("/payments/{}/refunds", payout["id"].as_str().expect("id")), serde_json::json!({})).await;
    assert_error(res, 404, "not_found").await;
}

#[tokio::test]
async fn on_the_refund_fails_card_every_refund_fails_and_releases_its_amount() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000005126", "100.00").await;
    assert_eq!(p["status"], "succeeded");
    let id = p["id"].as_str().expect("id");
    for _ in 0..2 {
        let r = json(m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "100.00"})).await).await;
        assert_eq!((r["status"].as_str(), r["error"]["code"].as_str()), (Some("failed"), Some("refund_failed")));
        assert!(r["error"]["message"].is_string(), "{r}");
    }
    let after = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!((after["status"].as_str(), after["refunded_amount"].as_str()), (Some("succeeded"), Some("0.00")));
    let failed: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE type = 'refund.failed'")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(failed, 2);
}

#[tokio::test]
async fn fifty_concurrent_refunds_never_exceed_the_payment() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4242424242424242", "100.00").await;
    let id = p["id"].as_str().expect("id").to_owned();
    // 50 × 3.00 = 150.00 asked against 100.00.
    let path = format!("/payments/{id}/refunds");
    let requests = (0..50).map(|_| m.post(&path, serde_json::json!({"amount": "3.00"})));
    let responses = futures_util::future::join_all(requests).await;
    let (mut ok, mut refused) = (0, 0);
    for res in responses {
        match res.status().as_u16() {
            201 => ok += 1,
            422 => {
                assert_eq!(json(res).await["error"]["code"], "refund_exceeds_payment");
                refused += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((ok, refused), (33, 17));
    let (refunded, sum): (String, String) = sqlx::query_as(
        "SELECT p.refunded_amount::text, (SELECT sum(amount) FROM operations WHERE parent_id = p.id AND status = 'succeeded')::text
           FROM operations p WHERE p.id = $1::uuid",
    )
    .bind(&id)
    .fetch_one(&app.db)
    .await
    .expect("sums");
    assert_eq!((refunded.as_str(), sum.as_str()), ("99.00", "99.00"));
}
