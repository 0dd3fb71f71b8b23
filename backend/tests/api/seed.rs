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
    // The history comes with its ledger, posted by the same rules as live operations.
    let report = clickpay::ledger::verify::run(&db).await.expect("verify");
    assert!(report.ok() && report.postings > 1000, "{}", report.render());
    let hook: String =
        sqlx::query_scalar("SELECT notification_url FROM organizations").fetch_one(&db).await.expect("url");
    assert_eq!(
        hook, "http://127.0.0.1:8081/webhooks",
        "the demo notifies the sandbox's local receiver, no third party"
    );

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

    // A year of history: enough operations, every final status, realistic errors, fees
    // exactly as the tariffs say, and nothing for the workers to pick up.
    let (ops, oldest, newest): (i64, time::OffsetDateTime, time::OffsetDateTime) =
        sqlx::query_as("SELECT count(*), min(created_at), max(created_at) FROM operations")
            .fetch_one(&db)
            .await
            .expect("count");
    assert!(ops >= 5_000, "{ops} operations");
    let now = time::OffsetDateTime::now_utc();
    assert!(oldest >= now - time::Duration::days(366) && newest <= now);
    assert!(newest - oldest > time::Duration::days(300), "spread over the year");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM operations ORDER BY 1").fetch_all(&db).await.expect("statuses");
    assert_eq!(statuses, ["failed", "partially_refunded", "refunded", "succeeded"], "final states only");
    let types: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT type FROM operations ORDER BY 1").fetch_all(&db).await.expect("types");
    assert_eq!(types, ["aft", "ecom", "oct", "refund"]);
    let errors: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT error_code FROM operations WHERE error_code IS NOT NULL ORDER BY 1")
            .fetch_all(&db)
            .await
            .expect("errors");
    assert_eq!(
        errors,
        ["authentication_failed", "card_declined", "expired_card", "insufficient_funds", "refund_failed"]
    );
    let wrong_fees: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM operations o JOIN tariffs t ON t.id = o.tariff_id
          WHERE o.status <> 'failed'
            AND o.fee <> greatest(round(o.amount * (t.service_fee_percent + t.bank_fee_percent) / 100, 2), t.min_fee)",
    )
    .fetch_one(&db)
    .await
    .expect("fees");
    assert_eq!(wrong_fees, 0, "every fee follows its tariff");
    let bad_refunds: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM operations p WHERE p.refunded_amount <>
            coalesce((SELECT sum(r.amount) FROM operations r WHERE r.parent_id = p.id AND r.status = 'succeeded'), 0)",
    )
    .fetch_one(&db)
    .await
    .expect("refunds");
    assert_eq!(bad_refunds, 0);
    let (outbox, history_gaps): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM events),
                (SELECT count(*) FROM operations o WHERE NOT EXISTS (SELECT 1 FROM operation_status_history h WHERE h.operation_id = o.id AND h.to_status = o.status))",
    )
    .fetch_one(&db)
    .await
    .expect("outbox");
    assert_eq!((outbox, history_gaps), (0, 0), "no outbox rows; every operation has its timeline");

    let creds = seed::credentials_path(data.path());
    let text = std::fs::read_to_string(&creds).expect("credentials file");
    assert!(text.contains("Demo-password-123") && text.contains(&seeded.api_key));
    assert_eq!(std::fs::metadata(&creds).expect("meta").permissions().mode() & 0o777, 0o600);
}
