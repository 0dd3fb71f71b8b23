//! «Вернуть» in the cabinet: the same refund flow as the API, for staff and for partners granted
//! «Возвраты», guarded against a double submit, audited.

use serde_json::json;
use shared::Role;

use crate::helpers::{assert_error, json, spawn_app};

#[tokio::test]
async fn a_partner_granted_refunds_refunds_once_per_look_and_within_the_payment() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let user = app.create_user(Role::Partner, &[org]).await;
    let partner = app.cabinet(&user).await;
    let pid = m.pay("4242424242424242", "100.00").await["id"].as_str().expect("id").to_owned();
    let path = format!("/transactions/{pid}/refunds");

    let page = json(partner.get(&format!("/transactions/{pid}")).await).await;
    assert_eq!(page["refundable"], "100.00");
    assert_error(partner.post(&path, json!({"seen_refunded": "0.00"})).await, 403, "forbidden").await;

    // Staff grant «Возвраты».
    let me = json(partner.get("/auth/me").await).await;
    assert_eq!(me["can_refund"], false);
    let res = app
        .admin()
        .await
        .patch(&format!("/admin/users/{}", me["id"].as_str().expect("id")), json!({"can_refund": true}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(partner.get("/auth/me").await).await["can_refund"], true);

    let res =
        partner.post(&path, json!({"amount": "40.00", "reason": "Возврат товара", "seen_refunded": "0.00"})).await;
    assert_eq!(res.status(), 200);
    let after = json(res).await;
    assert_eq!(
        (after["status"].as_str(), after["refunded_amount"].as_str()),
        (Some("partially_refunded"), Some("40.00"))
    );
    assert_eq!(after["refundable"], "60.00");
    assert_eq!(after["refunds"].as_array().map(Vec::len), Some(1));
    // The same click again (the page still says 0.00 refunded): refused, nothing refunded twice.
    assert_error(partner.post(&path, json!({"amount": "40.00", "seen_refunded": "0.00"})).await, 409, "conflict").await;
    assert_error(
        partner.post(&path, json!({"amount": "60.01", "seen_refunded": "40.00"})).await,
        422,
        "refund_exceeds_payment",
    )
    .await;
    assert_error(
        partner.post(&path, json!({"amount": "0.00", "seen_refunded": "40.00"})).await,
        400,
        "invalid_request",
    )
    .await;
    // The rest by default.
    let done = json(partner.post(&path, json!({"seen_refunded": "40.00"})).await).await;
    assert_eq!((done["status"].as_str(), done["refundable"].as_null()), (Some("refunded"), Some(())));
    // The API sees the same refunds; the audit names the user.
    let refunds = json(m.get(&format!("/payments/{pid}/refunds")).await).await;
    assert_eq!(refunds["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(refunds["data"][1]["reason"], "Возврат товара");
    let audited: Vec<Option<uuid::Uuid>> =
        sqlx::query_scalar("SELECT actor_user_id FROM audit_log WHERE action = 'refund.create' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .expect("audit");
    assert_eq!(audited.len(), 2);
    assert!(audited.iter().all(|u| u.map(|u| u.to_string()) == me["id"].as_str().map(str::to_owned)));
}

#[tokio::test]
async fn strangers_blocked_organizations_and_uncharged_payments_get_no_refund() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    let other = app.create_organization("ООО Чужая").await;
    let stranger_user = app.create_user(Role::Partner, &[other]).await;
    let stranger = app.cabinet(&stranger_user).await;
    let sid = json(stranger.get("/auth/me").await).await["id"].as_str().expect("id").to_owned();
    admin.patch(&format!("/admin/users/{sid}"), json!({"can_refund": true})).await;
    let pid = m.pay("4242424242424242", "100.00").await["id"].as_str().expect("id").to_owned();
    assert_error(
        stranger.post(&format!("/transactions/{pid}/refunds"), json!({"seen_refunded": "0.00"})).await,
        404,
        "not_found",
    )
    .await;
    let failed = m.pay("4000000000000002", "100.00").await["id"].as_str().expect("id").to_owned();
    assert_error(
        admin.post(&format!("/transactions/{failed}/refunds"), json!({"seen_refunded": "0.00"})).await,
        422,
        "invalid_state",
    )
    .await;
    sqlx::query("UPDATE organizations SET status = 'blocked' WHERE id = $1")
        .bind(org)
        .execute(&app.db)
        .await
        .expect("block");
    assert_error(
        admin.post(&format!("/transactions/{pid}/refunds"), json!({"seen_refunded": "0.00"})).await,
        403,
        "organization_blocked",
    )
    .await;
}

#[tokio::test]
async fn a_partly_captured_hold_refunds_what_was_captured() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    let mut body = crate::clients::payment_body("4242424242424242", "500.00");
    body["capture"] = json!(false);
    let pid = json(m.post("/payments", body).await).await["id"].as_str().expect("id").to_owned();
    assert!(
        json(admin.get(&format!("/transactions/{pid}")).await).await["refundable"].is_null(),
        "a hold is not refundable"
    );
    admin.post(&format!("/transactions/{pid}/capture"), json!({"amount": "200.00"})).await;
    let page = json(admin.get(&format!("/transactions/{pid}")).await).await;
    assert_eq!(page["refundable"], "200.00");
    let done = json(admin.post(&format!("/transactions/{pid}/refunds"), json!({"seen_refunded": "0.00"})).await).await;
    assert_eq!((done["status"].as_str(), done["refunded_amount"].as_str()), (Some("refunded"), Some("200.00")));
}
