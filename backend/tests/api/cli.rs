//! The server binary's CLI, run as a process.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use sqlx::PgPool;

use crate::helpers::fresh_database;

fn clickpay(database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_clickpay"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("CLICKPAY__DATA_DIR", data_dir.path())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn clickpay");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

#[tokio::test]
async fn create_admin_makes_an_argon2id_admin_and_refuses_duplicates_and_weak_passwords() {
    let url = fresh_database().await;
    let out = clickpay(&url, &["create-admin", "--login", "ops", "--password", "Strong-password-1"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // The password may also come from standard input.
    let out = clickpay(&url, &["create-admin", "--login", "ops2"], Some("Another-password-2\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let db = PgPool::connect(&url).await.expect("connect");
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT login, role, password_hash FROM users ORDER BY login")
            .fetch_all(&db)
            .await
            .expect("users");
    assert_eq!(rows.len(), 2);
    for (_, role, hash) in &rows {
        assert_eq!(role, "admin");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
    }
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'user.created'")
        .fetch_one(&db)
        .await
        .expect("audit");
    assert_eq!(audited, 2);

    let dup = clickpay(&url, &["create-admin", "--login", "OPS", "--password", "Strong-password-1"], None);
    assert!(!dup.status.success(), "a login differing only in case is taken");
    let weak = clickpay(&url, &["create-admin", "--login", "ops3", "--password", "short1"], None);
    assert!(!weak.status.success());
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&db).await.expect("count");
    assert_eq!(count, 2, "refused commands change nothing");
}

#[tokio::test]
async fn migrate_is_idempotent() {
    let url = fresh_database().await;
    for _ in 0..2 {
        let out = clickpay(&url, &["migrate"], None);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}
