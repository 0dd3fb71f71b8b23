//! `database.read_url`: the cabinet's lists, charts and exports read from a replica; the payment
//! API and every write stay on the primary. The test command runs the cabinet's API tests once
//! more against a real streaming replica (synchronous_commit = remote_apply), with this module.

use serde_json::json;

use crate::helpers::{REPLICA_ENV, spawn_app};

#[tokio::test]
async fn cabinet_lists_read_the_replica_and_see_a_write_at_once() {
    let app = spawn_app().await;
    let replica = std::env::var(REPLICA_ENV).is_ok();
    let recovering = |pool: sqlx::PgPool| async move {
        sqlx::query_scalar::<_, bool>("SELECT pg_is_in_recovery()").fetch_one(&pool).await.expect("ask")
    };
    assert!(!recovering(app.db.clone()).await, "writes go to the primary");
    assert_eq!(recovering(app.state.read_db.clone()).await, replica, "the lists' pool is the replica when one is set");

    let org = app.create_organization("ООО Ромашка").await;
    let merchant = app.merchant(&app.api_key(org).await);
    let paid = merchant.pay("4242424242424242", "100.00").await;
    let admin = app.admin().await;
    // The list (read where read_url points) shows the payment committed a moment ago.
    let list = crate::helpers::json(admin.get(&format!("/transactions?organization_id={org}")).await).await;
    let ids: Vec<&str> = list["data"].as_array().expect("data").iter().filter_map(|t| t["id"].as_str()).collect();
    assert!(ids.contains(&paid["id"].as_str().expect("id")), "{list}");
    // A write through the cabinet still works (it goes to the primary).
    let res = admin.patch(&format!("/admin/organizations/{org}"), json!({"name": "ООО Ромашка-2"})).await;
    assert_eq!(res.status(), 200);
}
