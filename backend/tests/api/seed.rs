//! The demo seed: the manual's organization, terminals and fees, the two users and a key.

use std::os::unix::fs::PermissionsExt;

use clickpay::configuration::Settings;
use clickpay::seed;
use rust_decimal::Decimal;
use sqlx::PgPool;

use crate::helpers::fresh_database;

#[tokio::test]
async fn seed_demo_builds_the_manuals_organization_once() {
    let url = fresh_database().await;
    let data = tempfile::tempdir().expect("tempdir");
    let settings = Settings::with_overrides(&[
        ("database.url", &url),
        ("data_dir", data.path().to_str().expect("path")),
        ("demo_password", "Demo-password-123"),
    ])
    .expect("settings");
    let db = PgPool::connect(&url).await.expect("connect");

    let seeded = seed::seed_demo(&db, &settings).await.expect("seed").expect("seeded on an empty database");
    assert_eq!(seeded.organization.name, "ООО \"МКК КЛИКСЕРВИС\"");
    assert_eq!(seeded.password, "Demo-password-123");
    assert!(seeded.api_key.starts_with("sk_"));
    assert!(seed::seed_demo(&db, &settings).await.expect("second seed").is_none(), "the seed runs once");

    let terminals: Vec<(String, Decimal, Decimal, Decimal)> = sqlx::query_as(
        "SELECT t.type, tf.service_fee_percent, tf.bank_fee_percent, tf.min_fee
           FROM terminals t JOIN tariffs tf ON tf.terminal_id = t.id ORDER BY t.type",
    )
    .fetch_all(&db)
    .await
    .expect("terminals");
    let shown: Vec<_> =
        terminals.iter().map(|(t, s, b, m)| format!("{t} {} {} {}", s.normalize(), b.normalize(), m)).collect();
    assert_eq!(shown, vec!["aft 0.5 0.45 45.00", "ecom 0.7 0.45 45.00", "oct 0.6 0.45 45.00"]);

    type UserRow = (String, String, String, Option<String>, Option<String>);
    let users: Vec<UserRow> = sqlx::query_as("SELECT login, role, full_name, phone, email FROM users ORDER BY login")
        .fetch_all(&db)
        .await
        .expect("users");
    assert_eq!(users[0].0, "admin");
    assert_eq!(users[0].1, "admin");
    assert_eq!(
        users[1],
        (
            "partner".to_owned(),
            "partner".to_owned(),
            "Тестовый пользователь".to_owned(),
            Some("+79990000001".to_owned()),
            Some("partner@clickpay.local".to_owned())
        )
    );
    let memberships: i64 = sqlx::query_scalar("SELECT count(*) FROM memberships").fetch_one(&db).await.expect("count");
    assert_eq!(memberships, 1);
    let keys: i64 = sqlx::query_scalar("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL")
        .fetch_one(&db)
        .await
        .expect("count");
    assert_eq!(keys, 1);

    let creds = seed::credentials_path(data.path());
    let text = std::fs::read_to_string(&creds).expect("credentials file");
    assert!(text.contains("Demo-password-123") && text.contains(&seeded.api_key));
    assert_eq!(std::fs::metadata(&creds).expect("meta").permissions().mode() & 0o777, 0o600);
}
