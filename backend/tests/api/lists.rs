//! The lists: refunds across payments, the type and e-mail filters, and paging backwards.

use crate::helpers::{assert_error, json, payment_body, spawn_app};

fn ids(list: &serde_json::Value) -> Vec<String> {
    list["data"].as_array().expect("data").iter().map(|o| o["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn refunds_are_listed_across_payments_and_pages_go_both_ways() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut refunds = Vec::new();
    for _ in 0..2 {
        let p = m.pay("4242424242424242", "100.00").await;
        for amount in ["10.00", "20.00"] {
            let r = json(
                m.post(
                    &format!("/payments/{}/refunds", p["id"].as_str().expect("id")),
                    serde_json::json!({"amount": amount}),
                )
                .await,
            )
            .await;
            refunds.push(r["id"].as_str().expect("id").to_owned());
            app.clock.advance(time::Duration::seconds(1));
        }
    }
    refunds.reverse(); // newest first
    let all = json(m.get("/refunds").await).await;
    assert_eq!(ids(&all), refunds);
    let first = json(m.get("/refunds?limit=2").await).await;
    assert_eq!(ids(&first), refunds[..2]);
    assert_eq!(first["has_more"], true);
    let second = json(m.get(&format!("/refunds?limit=2&starting_after={}", refunds[1])).await).await;
    assert_eq!(ids(&second), refunds[2..]);
    // Back from the second page to the first, newest first still.
    let back = json(m.get(&format!("/refunds?limit=2&ending_before={}", refunds[2])).await).await;
    assert_eq!(ids(&back), refunds[..2]);
    assert_eq!(back["has_more"], false, "nothing newer than the first page");
    let middle = json(m.get(&format!("/refunds?limit=1&ending_before={}", refunds[2])).await).await;
    assert_eq!((ids(&middle), middle["has_more"].as_bool()), (vec![refunds[1].clone()], Some(true)));
    let both = m.get(&format!("/refunds?starting_after={}&ending_before={}", refunds[0], refunds[1])).await;
    assert_error(both, 400, "invalid_request").await;
}

#[tokio::test]
async fn payments_filter_by_type_and_customer_email() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut ecom = payment_body("4242424242424242", "10.00");
    ecom["customer"] = serde_json::json!({"email": "Ivan@Example.ru"});
    let e = json(m.post("/payments", ecom).await).await;
    let mut aft = payment_body("4242424242424242", "20.00");
    aft["type"] = "aft".into();
    let a = json(m.post("/payments", aft).await).await;
    assert_eq!(ids(&json(m.get("/payments?type=aft").await).await), [a["id"].as_str().expect("id")]);
    assert_eq!(ids(&json(m.get("/payments?type=ecom").await).await), [e["id"].as_str().expect("id")]);
    assert_eq!(
        ids(&json(m.get("/payments?customer_email=ivan@example.ru").await).await),
        [e["id"].as_str().expect("id")]
    );
    assert_error(m.get("/payments?type=oct").await, 400, "invalid_request").await;
    assert_error(m.get("/payouts?type=ecom").await, 400, "invalid_request").await;
    assert_error(m.get("/payouts?customer_email=a@b.ru").await, 400, "invalid_request").await;
}

#[tokio::test]
async fn events_page_backwards_too() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    for _ in 0..3 {
        m.pay("4242424242424242", "1.00").await;
        app.clock.advance(time::Duration::seconds(1));
    }
    let all = ids(&json(m.get("/events").await).await);
    assert_eq!(all.len(), 3);
    let back = json(m.get(&format!("/events?limit=1&ending_before={}", all[2])).await).await;
    assert_eq!((ids(&back), back["has_more"].as_bool()), (vec![all[1].clone()], Some(true)));
}
