//! The database itself enforces the invariants the code relies on.

use sqlx::PgPool;

use crate::helpers::fresh_database;

async fn pool() -> PgPool {
    PgPool::connect(&fresh_database().await).await.expect("connect")
}

async fn org_with_ecom_terminal(db: &PgPool) -> (uuid::Uuid, uuid::Uuid, uuid::Uuid) {
    let org = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO organizations (id, name, inn, webhook_secret, bank_name) VALUES ($1, 'Org', '7707083893', 'whsec_x', 'Bank')")
        .bind(org)
        .execute(db)
        .await
        .expect("org");
    let terminal = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO terminals (id, organization_id, type) VALUES ($1, $2, 'ecom')")
        .bind(terminal)
        .bind(org)
        .execute(db)
        .await
        .expect("terminal");
    let tariff = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO tariffs (id, terminal_id, service_fee_percent, bank_fee_percent, min_fee) VALUES ($1, $2, 0.7, 0.45, 45)")
        .bind(tariff)
        .bind(terminal)
        .execute(db)
        .await
        .expect("tariff");
    (org, terminal, tariff)
}

fn constraint_of(e: sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => d.constraint().unwrap_or_default().to_owned(),
        other => panic!("expected a database error, got {other:?}"),
    }
}

#[tokio::test]
async fn one_terminal_per_type_per_organization() {
    let db = pool().await;
    let (org, _, _) = org_with_ecom_terminal(&db).await;
    let err = sqlx::query("INSERT INTO terminals (id, organization_id, type) VALUES ($1, $2, 'ecom')")
        .bind(uuid::Uuid::now_v7())
        .bind(org)
        .execute(&db)
        .await
        .expect_err("a second ecom terminal");
    assert_eq!(constraint_of(err), "terminals_organization_type_key");
}

#[tokio::test]
async fn refunded_amount_can_never_exceed_the_captured_amount() {
    let db = pool().await;
    let (org, terminal, tariff) = org_with_ecom_terminal(&db).await;
    let op = uuid::Uuid::now_v7();
    sqlx::query(
        "INSERT INTO operations (id, organization_id, type, terminal_id, tariff_id, status, amount, currency, acquirer_reference,
            captured_amount)
         VALUES ($1, $2, 'ecom', $3, $4, 'succeeded', 100.00, 'RUB', 'ref-1', 100.00)",
    )
    .bind(op)
    .bind(org)
    .bind(terminal)
    .bind(tariff)
    .execute(&db)
    .await
    .expect("operation");
    let err = sqlx::query("UPDATE operations SET refunded_amount = 100.01 WHERE id = $1")
        .bind(op)
        .execute(&db)
        .await
        .expect_err("over-refund");
    assert_eq!(constraint_of(err), "operations_refunded_le_captured");
    // A partial capture: refunds stop at what was taken, not at the amount asked for.
    sqlx::query("UPDATE operations SET captured_amount = 60.00, capture = false WHERE id = $1")
        .bind(op)
        .execute(&db)
        .await
        .expect("partial capture");
    let err = sqlx::query("UPDATE operations SET refunded_amount = 60.01 WHERE id = $1")
        .bind(op)
        .execute(&db)
        .await
        .expect_err("over-refund of a partial capture");
    assert_eq!(constraint_of(err), "operations_refunded_le_captured");
    let err = sqlx::query("UPDATE operations SET captured_amount = 100.01 WHERE id = $1")
        .bind(op)
        .execute(&db)
        .await
        .expect_err("capture over the hold");
    assert_eq!(constraint_of(err), "operations_captured_le_amount");
    let err = sqlx::query(
        "UPDATE operations SET status = 'failed', captured_amount = NULL, fee = 45, fee_bank = 0.45, fee_service = 44.55
          WHERE id = $1",
    )
    .bind(op)
    .execute(&db)
    .await
    .expect_err("a failed operation with a fee");
    assert_eq!(constraint_of(err), "operations_failed_has_no_fee");
}

#[tokio::test]
async fn idempotency_keys_are_unique_per_organization() {
    let db = pool().await;
    let (org, _, _) = org_with_ecom_terminal(&db).await;
    let insert = || {
        sqlx::query("INSERT INTO idempotency_records (organization_id, key, method, path, request_hash, locked_at) VALUES ($1, 'k-1', 'POST', '/api/v1/payments', sha256('x'), now())")
            .bind(org)
            .execute(&db)
    };
    insert().await.expect("first");
    let err = insert().await.expect_err("second");
    assert_eq!(constraint_of(err), "idempotency_records_pkey");
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let db = pool().await;
    sqlx::query("INSERT INTO audit_log (action) VALUES ('test')").execute(&db).await.expect("insert");
    assert!(sqlx::query("UPDATE audit_log SET action = 'x'").execute(&db).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&db).await.is_err());
}
