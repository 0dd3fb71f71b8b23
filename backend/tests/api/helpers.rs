//! `spawn_app()`: a real server on port 0 over a database of its own.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use clickpay::configuration::Settings;
use clickpay::domain::clock::ManualClock;
use clickpay::startup::Application;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Executor, PgConnection, PgPool};
use time::macros::datetime;

/// The test log goes to a file (or stdout with TEST_LOG=1), so tests can grep it for secrets.
pub static LOG_FILE: LazyLock<PathBuf> = LazyLock::new(|| {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("api-tests.log");
    if std::env::var("TEST_LOG").is_ok() {
        clickpay::telemetry::init("info,sqlx=warn", std::io::stdout);
    } else {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).expect("open test log");
        clickpay::telemetry::init("info,sqlx=warn", std::sync::Mutex::new(file));
    }
    path
});

pub fn base_database_url() -> String {
    std::env::var("DATABASE_URL").expect("DATABASE_URL must point at a PostgreSQL server (scripts/test sets it)")
}

/// Swaps the database name of a URL.
pub fn url_with_database(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{db}")
}

/// A new, migrated, empty database; returns its URL.
pub async fn fresh_database() -> String {
    let base = base_database_url();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&url_with_database(&base, "postgres")).await.expect("connect to postgres");
    conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str()).await.expect("create database");
    let url = url_with_database(&base, &name);
    let pool = PgPoolOptions::new().max_connections(1).connect(&url).await.expect("connect to test db");
    clickpay::db::migrate(&pool).await.expect("migrate");
    pool.close().await;
    url
}

// Not every test reads every field.
#[allow(dead_code)]
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: PgPool,
    pub database_url: String,
    pub clock: Arc<ManualClock>,
    pub client: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    pub static_dir: tempfile::TempDir,
}

/// An `index.html` shaped like Trunk's, with its inline module loader.
pub const FAKE_INDEX: &str = r#"<!doctype html><html><head><title>ClickPay</title>
<script type="module">import init from '/frontend.js';init('/frontend_bg.wasm');</script>
</head><body></body></html>"#;

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app after letting the test adjust its settings.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    LazyLock::force(&LOG_FILE);
    let database_url = fresh_database().await;
    let data_dir = tempfile::tempdir().expect("tempdir");
    let static_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(static_dir.path().join("index.html"), FAKE_INDEX).expect("write index");
    std::fs::write(static_dir.path().join("app.css"), "body{}").expect("write css");
    let mut settings = Settings::with_overrides(&[
        ("database.url", &database_url),
        ("server.port", "0"),
        ("server.static_dir", static_dir.path().to_str().expect("utf-8 path")),
        ("data_dir", data_dir.path().to_str().expect("utf-8 path")),
        ("server.allow_private_webhook_targets", "true"),
    ])
    .expect("settings");
    adjust(&mut settings);
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-28 12:00 UTC)));
    let app = Application::build_with_clock(settings, clock.clone()).await.expect("build app");
    let port = app.port();
    let db = app.state().db.clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp { address: format!("http://127.0.0.1:{port}"), port, db, database_url, clock, client, data_dir, static_dir }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }
}
