//! Partners see their own organizations only; staff see all. Anything else is 404.

use shared::Role;

use crate::helpers::{assert_error, json, spawn_app};

#[tokio::test]
async fn a_partner_sees_only_their_organizations_and_404_for_others() {
    let app = spawn_app().await;
    let mine = app.create_organization("ООО Моя").await;
    let theirs = app.create_organization("ООО Чужая").await;
    let a = app.cabinet(&app.create_user(Role::Partner, &[mine]).await).await;
    let b = app.cabinet(&app.create_user(Role::Partner, &[theirs]).await).await;

    let list = json(a.get("/organizations").await).await;
    let ids: Vec<_> =
        list["data"].as_array().expect("data").iter().map(|o| o["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(ids, vec![mine.to_string()]);

    let detail = a.get(&format!("/organizations/{mine}")).await;
    assert_eq!(detail.status(), 200);
    let detail = json(detail).await;
    assert!(detail["webhook_secret"].as_str().expect("secret").starts_with("whsec_"));
    let terms: Vec<_> = detail["terminals"]
        .as_array()
        .expect("terminals")
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {} {}",
                t["type"], t["service_fee_percent"], t["bank_fee_percent"], t["total_fee_percent"], t["min_fee"]
            )
        })
        .collect();
    assert_eq!(
        terms,
        vec![
            r#""aft" "0.5" "0.45" "0.95" "45.00""#,
            r#""oct" "0.6" "0.45" "1.05" "45.00""#,
            r#""ecom" "0.7" "0.45" "1.15" "45.00""#
        ]
    );

    // User A against user B, both ways; an id that exists nowhere looks the same.
    assert_error(a.get(&format!("/organizations/{theirs}")).await, 404, "not_found").await;
    assert_error(b.get(&format!("/organizations/{mine}")).await, 404, "not_found").await;
    assert_error(a.get("/organizations/00000000-0000-0000-0000-000000000000").await, 404, "not_found").await;
    assert_error(a.get("/organizations/not-a-uuid").await, 404, "not_found").await;
}

#[tokio::test]
async fn staff_see_every_organization_and_the_status_filter_works() {
    let app = spawn_app().await;
    let one = app.create_organization("ООО Первая").await;
    let two = app.create_organization("ООО Вторая").await;
    let admin = app.admin().await;
    assert_eq!(json(admin.get("/organizations").await).await["data"].as_array().expect("data").len(), 2);
    assert_eq!(
        admin.patch(&format!("/admin/organizations/{two}"), serde_json::json!({"status": "blocked"})).await.status(),
        200
    );
    let active = json(admin.get("/organizations?status=active").await).await;
    assert_eq!(active["data"].as_array().expect("data").len(), 1);
    assert_eq!(active["data"][0]["id"], one.to_string());
    assert_error(admin.get("/organizations?status=bogus").await, 400, "invalid_request").await;
    assert_eq!(admin.get(&format!("/organizations/{two}")).await.status(), 200);
}
