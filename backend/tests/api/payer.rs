//! The payer's pages over HTTP: the 3-D Secure challenge and the hosted payment page.

use crate::helpers::{TestApp, json, spawn_app};

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", v.replace(' ', "+"))).collect::<Vec<_>>().join("&")
}

pub async fn post_form(app: &TestApp, path: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn the_right_code_passes_3ds_and_sends_the_payer_back() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4000000000003220", "100.00").await;
    let id = p["id"].as_str().expect("id");
    let page = app.get(&format!("/3ds/{id}")).await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.contains("form-action 'self' https://shop.example"), "{csp}");
    let html = page.text().await.expect("body");
    assert!(html.contains("100,00\u{a0}₽") && html.contains("ООО Ромашка") && html.contains("400000******3220"));
    let res = post_form(&app, &format!("/3ds/{id}"), form(&[("code", "123456")])).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("https://shop.example/return?payment_id={id}"));
    let done = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!((done["status"].as_str(), done["fee"].as_str()), (Some("succeeded"), Some("45.00")));
    assert!(done["confirmation"].is_null());
    // A second submit changes nothing and charges nothing.
    let again = post_form(&app, &format!("/3ds/{id}"), form(&[("code", "000000")])).await;
    assert_eq!(again.status(), 303);
    assert_eq!(json(m.get(&format!("/payments/{id}")).await).await["status"], "succeeded");
    let types: Vec<String> =
        sqlx::query_scalar("SELECT type FROM events ORDER BY created_at, id").fetch_all(&app.db).await.expect("events");
    assert_eq!(types, ["payment.authentication_required", "payment.succeeded"]);
}

#[tokio::test]
async fn a_wrong_code_fails_the_payment_with_authentication_failed() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let id = m.pay("4000000000003220", "100.00").await["id"].as_str().expect("id").to_owned();
    let res = post_form(&app, &format!("/3ds/{id}"), form(&[("code", "111111")])).await;
    assert_eq!(res.status(), 303);
    let failed = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(
        (failed["status"].as_str(), failed["error"]["code"].as_str()),
        (Some("failed"), Some("authentication_failed"))
    );
    assert_eq!(failed["fee"], "0.00");
}

#[tokio::test]
async fn the_hosted_page_takes_a_card_and_declines_show_on_the_page() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let hosted = |save: bool| {
        serde_json::json!({"type": "ecom", "amount": "1500.00", "currency": "RUB", "description": "Заказ №7", "save_card": save,
            "return_url": "https://shop.example/done?order=7"})
    };
    let p = json(m.post("/payments", hosted(true)).await).await;
    let id = p["id"].as_str().expect("id");
    let html = app.get(&format!("/pay/{id}")).await.text().await.expect("body");
    for needle in [
        "autocomplete=\"cc-number\"",
        "autocomplete=\"cc-exp\"",
        "autocomplete=\"cc-csc\"",
        "autocomplete=\"cc-name\"",
        "1\u{a0}500,00\u{a0}₽",
        "Заказ №7",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    let bad = post_form(
        &app,
        &format!("/pay/{id}"),
        form(&[("number", "4242 4242 4242 4241"), ("exp", "12/30"), ("cvc", "123")]),
    )
    .await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("body").contains("Проверьте номер карты"));
    assert_eq!(json(m.get(&format!("/payments/{id}")).await).await["status"], "created", "a typo changes nothing");

    let ok = post_form(
        &app,
        &format!("/pay/{id}"),
        form(&[("number", "5555 5555 5555 4444"), ("exp", "12/30"), ("cvc", "123"), ("holder", "Ivan Ivanov")]),
    )
    .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"], format!("https://shop.example/done?order=7&payment_id={id}"));
    let paid = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(
        (paid["status"].as_str(), paid["card"]["mask"].as_str(), paid["card"]["holder"].as_str()),
        (Some("succeeded"), Some("555555******4444"), Some("IVAN IVANOV"))
    );
    assert!(
        paid["card_token"].as_str().is_some_and(|t| t.starts_with("ct_")),
        "save_card works on the hosted page too"
    );

    let declined = json(m.post("/payments", hosted(false)).await).await;
    let did = declined["id"].as_str().expect("id");
    let res = post_form(
        &app,
        &format!("/pay/{did}"),
        form(&[("number", "4000 0000 0000 9995"), ("exp", "12/30"), ("cvc", "123")]),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("body").contains("Недостаточно средств на карте"));
    let failed = json(m.get(&format!("/payments/{did}")).await).await;
    assert_eq!(
        (failed["status"].as_str(), failed["error"]["code"].as_str()),
        (Some("failed"), Some("insufficient_funds"))
    );
    let retry = post_form(
        &app,
        &format!("/pay/{did}"),
        form(&[("number", "4242 4242 4242 4242"), ("exp", "12/30"), ("cvc", "123")]),
    )
    .await;
    assert_eq!(retry.status(), 303, "a failed payment is not paid again");
    assert_eq!(json(m.get(&format!("/payments/{did}")).await).await["status"], "failed");
}

#[tokio::test]
async fn a_3ds_card_on_the_hosted_page_continues_to_the_challenge() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = json(m.post("/payments", serde_json::json!({"type": "ecom", "amount": "10.00", "currency": "RUB", "return_url": "https://shop.example/r"})).await).await;
    let id = p["id"].as_str().expect("id");
    let res = post_form(
        &app,
        &format!("/pay/{id}"),
        form(&[("number", "4000000000003220"), ("exp", "12/2030"), ("cvc", "123")]),
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("/3ds/{id}"));
    let waiting = json(m.get(&format!("/payments/{id}")).await).await;
    assert_eq!(waiting["status"], "authentication");
    assert_eq!(
        waiting["confirmation"]["url"],
        format!("{}/3ds/{id}", app.address),
        "confirmation.url now points at the challenge"
    );
    assert_eq!(app.get(&format!("/pay/{id}")).await.status(), 303);
}

#[tokio::test]
async fn concurrent_submits_of_the_hosted_page_charge_once() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = json(m.post("/payments", serde_json::json!({"type": "ecom", "amount": "10.00", "currency": "RUB", "return_url": "https://shop.example/r"})).await).await;
    let path = format!("/pay/{}", p["id"].as_str().expect("id"));
    let body = form(&[("number", "4242424242424242"), ("exp", "12/30"), ("cvc", "123")]);
    let submits = (0..5).map(|_| post_form(&app, &path, body.clone()));
    for res in futures_util::future::join_all(submits).await {
        assert_eq!(res.status(), 303);
    }
    assert_eq!(app.bank_authorizations().await, 1);
    let succeeded: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE type = 'payment.succeeded'")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(succeeded, 1);
}

#[tokio::test]
async fn unknown_and_foreign_ids_get_a_not_found_page() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let payout = json(
        m.post(
            "/payouts",
            serde_json::json!({"amount": "1.00", "currency": "RUB", "card": {"number": "4242424242424242"}}),
        )
        .await,
    )
    .await;
    for path in [
        "/pay/not-an-id".to_owned(),
        "/3ds/00000000-0000-0000-0000-000000000000".to_owned(),
        format!("/pay/{}", payout["id"].as_str().expect("id")),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.text().await.expect("body").contains("Платёж не найден"));
    }
}
