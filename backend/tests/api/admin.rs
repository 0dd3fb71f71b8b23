//! The admin API: provisioning, every action audited, partners refused everywhere.

use shared::Role;

use crate::helpers::{PASSWORD, assert_error, json, spawn_app};

fn new_org(inn: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "ООО \"Рога и копыта\"", "inn": inn, "notification_url": "https://shop.example/hooks",
        "bank_name": "АО БАНК «СНГБ»",
        "terminals": [
            {"type": "ecom", "service_fee_percent": "0.7", "bank_fee_percent": "0.45", "min_fee": "45.00"},
            {"type": "oct", "service_fee_percent": "0.6", "bank_fee_percent": "0.45", "min_fee": "45.00", "amount_limit": "50000.00"}
        ]
    })
}

#[tokio::test]
async fn staff_create_an_organization_with_terminals_and_fees() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let res = admin.post("/admin/organizations", new_org("7707083893")).await;
    assert_eq!(res.status(), 201);
    let org = json(res).await;
    assert_eq!(org["status"], "active");
    assert_eq!(org["notification_url"], "https://shop.example/hooks");
    assert!(org["webhook_secret"].as_str().expect("secret").starts_with("whsec_"));
    assert_eq!(org["terminals"].as_array().expect("terminals").len(), 2);
    assert_eq!(org["terminals"][0]["type"], "oct");
    assert_eq!(org["terminals"][0]["amount_limit"], "50000.00");
    assert_eq!(org["terminals"][1]["amount_limit"], "1000000.00");

    assert_eq!(
        assert_error(admin.post("/admin/organizations", new_org("7707083893")).await, 409, "conflict").await["error"]["param"],
        "inn"
    );
    let mut twice = new_org("7707083894");
    twice["terminals"][1]["type"] = "ecom".into();
    assert_error(admin.post("/admin/organizations", twice).await, 400, "invalid_request").await;
    let mut bad_url = new_org("7707083895");
    bad_url["notification_url"] = "ftp://x".into();
    assert_eq!(
        assert_error(admin.post("/admin/organizations", bad_url).await, 400, "invalid_request").await["error"]["param"],
        "notification_url"
    );
    let mut bad_fee = new_org("7707083896");
    bad_fee["terminals"][0]["min_fee"] = 45.into();
    assert_error(admin.post("/admin/organizations", bad_fee).await, 400, "invalid_request").await;
    let mut extra = new_org("7707083897");
    extra["status"] = "blocked".into();
    assert_eq!(
        assert_error(admin.post("/admin/organizations", extra).await, 400, "invalid_request").await["error"]["param"],
        "status"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM organizations").fetch_one(&app.db).await.expect("count");
    assert_eq!(count, 1, "refused requests change nothing");
}

#[tokio::test]
async fn a_new_tariff_applies_to_new_operations_and_old_tariffs_stay() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let admin = app.admin().await;
    let res = admin
        .patch(
            &format!("/admin/organizations/{org}/terminals/ecom"),
            serde_json::json!({"service_fee_percent": "0.8", "amount_limit": "5000.00"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let detail = json(res).await;
    let ecom =
        detail["terminals"].as_array().expect("terminals").iter().find(|t| t["type"] == "ecom").expect("ecom").clone();
    assert_eq!(
        (ecom["service_fee_percent"].as_str(), ecom["bank_fee_percent"].as_str(), ecom["total_fee_percent"].as_str()),
        (Some("0.8"), Some("0.45"), Some("1.25"))
    );
    assert_eq!(ecom["amount_limit"], "5000.00");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM tariffs tf JOIN terminals t ON t.id = tf.terminal_id WHERE t.organization_id = $1 AND t.type = 'ecom'")
        .bind(org)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 2, "the old tariff is kept for the operations that used it");

    let off = json(
        admin.patch(&format!("/admin/organizations/{org}/terminals/aft"), serde_json::json!({"enabled": false})).await,
    )
    .await;
    assert_eq!(off["terminals"][0]["enabled"], false);
    assert_error(
        admin.patch(&format!("/admin/organizations/{org}/terminals/sbp"), serde_json::json!({})).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        admin
            .patch(
                "/admin/organizations/00000000-0000-0000-0000-000000000000/terminals/ecom",
                serde_json::json!({"enabled": true}),
            )
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        admin
            .patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"amount_limit": "0"}))
            .await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn api_keys_are_shown_once_work_and_stop_working_when_revoked() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let admin = app.admin().await;
    let res = admin.post(&format!("/admin/organizations/{org}/api-keys"), serde_json::json!({"name": "prod"})).await;
    assert_eq!(res.status(), 201);
    let issued = json(res).await;
    let key = issued["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("sk_") && key.len() >= 40);
    assert!(key.starts_with(issued["prefix"].as_str().expect("prefix")));

    let listed = json(admin.get(&format!("/admin/organizations/{org}/api-keys")).await).await;
    assert_eq!(listed["data"].as_array().expect("data").len(), 1);
    assert!(!listed.to_string().contains(&key), "the key is never shown again");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT key_hash FROM api_keys").fetch_one(&app.db).await.expect("hash");
    assert_ne!(stored, key.as_bytes(), "only a hash is stored");

    let merchant = app.merchant(&key);
    assert_error(merchant.get("/no-such-endpoint").await, 404, "not_found").await;
    let res = admin.delete(&format!("/admin/api-keys/{}", issued["id"].as_str().expect("id"))).await;
    assert_eq!(res.status(), 200);
    assert!(json(res).await["revoked_at"].is_string());
    assert_error(merchant.get("/payments").await, 401, "invalid_api_key").await;
    assert_error(admin.delete("/admin/api-keys/00000000-0000-0000-0000-000000000000").await, 404, "not_found").await;
}

#[tokio::test]
async fn staff_create_users_who_can_then_sign_in() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let admin = app.admin().await;
    let body = serde_json::json!({
        "login": "m.ivanova", "email": "M.Ivanova@Shop.ru", "phone": "+7 912 345-67-89", "full_name": "Мария Иванова",
        "password": "Secret-pass-2024", "role": "partner", "organization_ids": [org], "time_zone": "Asia/Yekaterinburg"
    });
    let res = admin.post("/admin/users", body.clone()).await;
    assert_eq!(res.status(), 201);
    let user = json(res).await;
    assert_eq!(user["email"], "m.ivanova@shop.ru");
    assert_eq!(user["phone"], "+79123456789");
    assert_eq!(user["time_zone"], "Asia/Yekaterinburg");
    assert!(user.get("password").is_none());
    assert_eq!(app.login("phone", "89123456789", "Secret-pass-2024").await.status(), 200);

    assert_eq!(
        assert_error(admin.post("/admin/users", body.clone()).await, 409, "conflict").await["error"]["param"],
        "login"
    );
    for (field, value) in [
        ("time_zone", serde_json::json!("Mars/Olympus")),
        ("password", serde_json::json!("short1")),
        ("organization_ids", serde_json::json!(["00000000-0000-0000-0000-000000000000"])),
        ("role", serde_json::json!("root")),
    ] {
        let mut b = body.clone();
        b["login"] = "other.user".into();
        b["email"] = "other@shop.ru".into();
        b["phone"] = "+79120000000".into();
        b[field] = value;
        assert_error(admin.post("/admin/users", b).await, 400, "invalid_request").await;
    }
    let listed = json(admin.get("/admin/users").await).await;
    assert_eq!(listed["data"].as_array().expect("data").len(), 2);
}

#[tokio::test]
async fn partners_are_refused_on_every_admin_endpoint() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let partner = app.create_user(Role::Partner, &[org]).await;
    let cab = app.cabinet(&partner).await;
    let id = partner.id;
    let empty = serde_json::json!({});
    let checks = [
        cab.post("/admin/organizations", new_org("7707083893")).await,
        cab.patch(&format!("/admin/organizations/{org}"), serde_json::json!({"status": "blocked"})).await,
        cab.patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"enabled": false})).await,
        cab.post(&format!("/admin/organizations/{org}/api-keys"), empty.clone()).await,
        cab.get(&format!("/admin/organizations/{org}/api-keys")).await,
        cab.delete("/admin/api-keys/00000000-0000-0000-0000-000000000000").await,
        cab.post(
            "/admin/users",
            serde_json::json!({"login": "x", "full_name": "x", "password": PASSWORD, "role": "admin"}),
        )
        .await,
        cab.get("/admin/users").await,
        cab.patch(&format!("/admin/users/{id}"), serde_json::json!({"role": "admin"})).await,
        cab.post(&format!("/admin/users/{id}/reset-password"), empty).await,
        cab.get("/admin/audit").await,
    ];
    for res in checks {
        let url = res.url().to_string();
        assert_eq!(res.status(), 403, "{url}");
        assert_eq!(json(res).await["error"]["code"], "forbidden", "{url}");
    }
    let unchanged: (String, i64) =
        sqlx::query_as("SELECT role, (SELECT count(*) FROM api_keys) FROM users WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(unchanged, ("partner".to_owned(), 0));
}

#[tokio::test]
async fn every_admin_action_is_audited_with_who_and_where() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let org = json(admin.post("/admin/organizations", new_org("7707083893")).await).await;
    let org_id = org["id"].as_str().expect("id");
    admin.patch(&format!("/admin/organizations/{org_id}"), serde_json::json!({"notification_url": null})).await;
    admin.patch(&format!("/admin/organizations/{org_id}/terminals/ecom"), serde_json::json!({"enabled": false})).await;
    let key = json(admin.post(&format!("/admin/organizations/{org_id}/api-keys"), serde_json::json!({})).await).await;
    admin.delete(&format!("/admin/api-keys/{}", key["id"].as_str().expect("id"))).await;
    let user = json(
        admin
            .post("/admin/users", serde_json::json!({"login": "new.user", "full_name": "Новый", "password": PASSWORD, "role": "partner", "organization_ids": [org_id]}))
            .await,
    )
    .await;
    let uid = user["id"].as_str().expect("id");
    admin.patch(&format!("/admin/users/{uid}"), serde_json::json!({"full_name": "Новый Пользователь"})).await;
    admin.post(&format!("/admin/users/{uid}/reset-password"), serde_json::json!({})).await;

    let rows: Vec<(String, bool, Option<String>)> = sqlx::query_as(
        "SELECT action, actor_user_id IS NOT NULL, host(ip) FROM audit_log WHERE action NOT LIKE 'login.%' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    let actions: Vec<_> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "organization.created",
            "organization.updated",
            "terminal.updated",
            "api_key.issued",
            "api_key.revoked",
            "user.created",
            "user.updated",
            "user.password_reset"
        ]
    );
    assert!(rows.iter().all(|r| r.1 && r.2.as_deref() == Some("127.0.0.1")));
    let cleared: Option<String> =
        sqlx::query_scalar("SELECT notification_url FROM organizations").fetch_one(&app.db).await.expect("url");
    assert_eq!(cleared, None, "null clears the notification URL");
}

#[tokio::test]
async fn staff_edit_the_inn_and_the_bank_and_a_taken_inn_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let a = json(admin.post("/admin/organizations", new_org("7707083893")).await).await;
    json(admin.post("/admin/organizations", new_org("500100732259")).await).await;
    let id = a["id"].as_str().expect("id");
    let res = admin
        .patch(
            &format!("/admin/organizations/{id}"),
            serde_json::json!({"inn": "7736207543", "bank_name": "АО «Банк Б»"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let org = json(res).await;
    assert_eq!((org["inn"].as_str(), org["bank_name"].as_str()), (Some("7736207543"), Some("АО «Банк Б»")));
    assert_error(
        admin.patch(&format!("/admin/organizations/{id}"), serde_json::json!({"inn": "500100732259"})).await,
        409,
        "conflict",
    )
    .await;
    assert_error(
        admin.patch(&format!("/admin/organizations/{id}"), serde_json::json!({"inn": "12345"})).await,
        400,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn the_audit_log_reads_by_actor_action_organization_and_dates_in_numbered_pages() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let first = json(admin.post("/admin/organizations", new_org("7707083893")).await).await;
    let org = first["id"].as_str().expect("id").to_owned();
    for i in 0..3 {
        admin.post(&format!("/admin/organizations/{org}/api-keys"), serde_json::json!({"name": format!("k{i}")})).await;
    }
    let all = json(admin.get("/admin/audit?per_page=2").await).await;
    assert_eq!((all["page"].as_u64(), all["per_page"].as_u64()), (Some(1), Some(2)));
    assert!(all["total"].as_u64().expect("total") >= 4, "{all}");
    assert_eq!(all["data"].as_array().map(Vec::len), Some(2));
    let newest = &all["data"][0];
    assert_eq!(newest["action"], "api_key.issued");
    assert!(newest["actor"].as_str().is_some_and(|a| a.ends_with(')')), "the staff member who did it: {newest}");
    assert!(newest["details"].is_object());
    let second = json(admin.get("/admin/audit?per_page=2&page=2").await).await;
    assert_ne!(second["data"][0]["id"], all["data"][0]["id"]);

    let keys = json(admin.get(&format!("/admin/audit?action=api_key.issued&organization_id={org}")).await).await;
    assert_eq!(keys["total"], 3);
    let family = json(admin.get("/admin/audit?action=organization.").await).await;
    assert!(
        family["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|e| e["action"].as_str().is_some_and(|a| a.starts_with("organization.")))
    );
    assert_eq!(json(admin.get("/admin/audit?actor=nobody-like-this").await).await["total"], 0);
    assert_eq!(json(admin.get("/admin/audit?from=2020-01-01&to=2020-01-31").await).await["total"], 0);
    assert_error(admin.get("/admin/audit?from=2024-02-01&to=2024-01-01").await, 400, "invalid_request").await;
    assert_error(admin.get("/admin/audit?page=0").await, 400, "invalid_request").await;
    assert_error(admin.get("/admin/audit?surprise=1").await, 400, "invalid_request").await;
}
