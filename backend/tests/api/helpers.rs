//! `spawn_app()`: a real server on port 0 over a database of its own.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use crate::bank::{BankClient, shared_bank_url};
pub use crate::clients::{Cabinet, Merchant, assert_error, json, payment_body};
use clickpay::auth::password;
use clickpay::configuration::Settings;
use clickpay::db;
use clickpay::domain::clock::ManualClock;
use clickpay::domain::fees::Tariff;
use clickpay::startup::Application;
use clickpay::state::AppState;
use secrecy::SecretString;
use shared::ids::{OrganizationId, UserId};
use shared::{Amount, Percent, Role, TerminalType};
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

/// Set by the test command to a streaming replica of `DATABASE_URL`'s server: the app then
/// reads the cabinet's lists, charts and exports there (`database.read_url`).
pub const REPLICA_ENV: &str = "CLICKPAY_TEST_REPLICA_URL";

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
    /// The sandbox bank this app talks to (shared by the tests of a run).
    pub bank: BankClient,
    /// The app's state, to run the background jobs by hand.
    pub state: AppState,
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
    spawn_app_full(adjust, Arc::new(clickpay::webhooks::ssrf::SystemResolver)).await
}

/// Spawns the app with a name resolver of the test's own.
pub async fn spawn_app_full(
    adjust: impl FnOnce(&mut Settings),
    resolver: Arc<dyn clickpay::webhooks::ssrf::HostResolver>,
) -> TestApp {
    LazyLock::force(&LOG_FILE);
    let database_url = fresh_database().await;
    let data_dir = tempfile::tempdir().expect("tempdir");
    let static_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(static_dir.path().join("index.html"), FAKE_INDEX).expect("write index");
    std::fs::write(static_dir.path().join("app.css"), "body{}").expect("write css");
    let bank_url = shared_bank_url().await;
    let mut settings = Settings::with_overrides(&[
        ("acquirer.url", &bank_url),
        ("database.url", &database_url),
        ("server.port", "0"),
        ("server.static_dir", static_dir.path().to_str().expect("utf-8 path")),
        ("data_dir", data_dir.path().to_str().expect("utf-8 path")),
        ("server.allow_private_webhook_targets", "true"),
        // Tests raise the login limits; the rate-limit tests lower them again.
        ("rate_limits.login_per_account_per_minute", "1000"),
        ("rate_limits.login_per_ip_per_minute", "1000"),
        ("rate_limits.api_per_key_per_minute", "100000"),
        // Tests drive settlement and expiries themselves, with the manual clock.
        ("workers.enabled", "false"),
    ])
    .expect("settings");
    if let Ok(replica) = std::env::var(REPLICA_ENV) {
        // The test command's run against a streaming replica: the same database, read there.
        let name = database_url.rsplit('/').next().expect("database name");
        settings.database.read_url = Some(url_with_database(&replica, name).into());
    }
    adjust(&mut settings);
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-28 12:00 UTC)));
    let bank = BankClient::shared().await;
    let app = Application::build_full(settings, clock.clone(), None, resolver).await.expect("build app");
    let port = app.port();
    let db = app.state().db.clone();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("client");
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        database_url,
        clock,
        client,
        data_dir,
        static_dir,
        bank,
        state,
    }
}

impl TestApp {
    /// How many authorizations (debits and credits) of this app's operations reached the bank.
    pub async fn bank_authorizations(&self) -> i32 {
        let refs: Vec<(String, String)> = sqlx::query_as(
            "SELECT acquirer_reference, type::text FROM operations WHERE type IN ('ecom', 'aft', 'oct')",
        )
        .fetch_all(&self.db)
        .await
        .expect("operations");
        let mut n = 0;
        for (reference, kind) in refs {
            n += self.bank.requests(&reference, if kind == "oct" { "credit" } else { "debit" }).await;
        }
        n
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// The payer types a 3-D Secure code on the challenge page of a payment.
    pub async fn submit_3ds_code(&self, payment_id: &str, code: &str) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/3ds/{payment_id}")))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("code={code}"))
            .send()
            .await
            .expect("submit")
    }
}

pub const PASSWORD: &str = "Test-password-123";

/// A user made directly in the database, with a known password.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: UserId,
    pub login: String,
    pub email: String,
    pub phone: String,
    pub password: String,
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn unique() -> u64 {
    COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed) * 1000 + (std::process::id() as u64 % 1000)
}

impl TestApp {
    /// An organization with the manual's three terminals.
    pub async fn create_organization(&self, name: &str) -> OrganizationId {
        let mut tx = self.db.begin().await.expect("tx");
        let n = unique();
        let inn = format!("{:010}", 7_700_000_000u64 + n % 99_999_999);
        let org = db::organizations::insert(
            &mut tx,
            &db::organizations::NewOrganization {
                name,
                inn: &inn,
                bank_name: "АО БАНК «СНГБ»",
                notification_url: Some("https://merchant.example/hooks"),
                webhook_secret: &clickpay::webhooks::generate_secret(),
                registered_on: None,
            },
        )
        .await
        .expect("organization");
        for (t, service, bank) in [
            (TerminalType::Aft, "0.5", "0.45"),
            (TerminalType::Oct, "0.6", "0.45"),
            (TerminalType::Ecom, "0.7", "0.45"),
        ] {
            let terminal =
                db::organizations::insert_terminal(&mut tx, org, t, Amount::parse("1000000").expect("amount"))
                    .await
                    .expect("terminal");
            let tariff = Tariff {
                service_fee_percent: Percent::parse(service).expect("percent"),
                bank_fee_percent: Percent::parse(bank).expect("percent"),
                min_fee: Amount::parse("45").expect("amount"),
            };
            db::organizations::insert_tariff(&mut tx, terminal, &tariff, datetime!(2022-01-01 0:00 UTC))
                .await
                .expect("tariff");
        }
        tx.commit().await.expect("commit");
        org
    }

    pub async fn create_user(&self, role: Role, orgs: &[OrganizationId]) -> TestUser {
        let n = unique();
        let user = TestUser {
            id: UserId(uuid::Uuid::nil()),
            login: format!("user{n}"),
            email: format!("user{n}@example.ru"),
            phone: format!("+7999{n:07}"),
            password: PASSWORD.to_owned(),
        };
        let hash = password::hash(SecretString::from(user.password.clone())).await.expect("hash");
        let mut tx = self.db.begin().await.expect("tx");
        let id = db::users::insert(
            &mut tx,
            &db::users::NewUser {
                login: &user.login,
                email: Some(&user.email),
                phone: Some(&user.phone),
                full_name: "Иван Петров",
                password_hash: &hash,
                role,
                time_zone: "Europe/Moscow",
                must_change_password: false,
                can_refund: false,
            },
        )
        .await
        .expect("user");
        for org in orgs {
            db::users::add_membership(&mut tx, id, *org).await.expect("membership");
        }
        tx.commit().await.expect("commit");
        TestUser { id, ..user }
    }

    pub async fn login(&self, method: &str, identifier: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/cabinet/api/v1/auth/login"))
            .json(&serde_json::json!({"method": method, "identifier": identifier, "password": password}))
            .send()
            .await
            .expect("request")
    }

    /// Signs in and returns a client that sends the session as a bearer token.
    pub async fn cabinet(&self, user: &TestUser) -> Cabinet {
        let res = self.login("login", &user.login, &user.password).await;
        assert_eq!(res.status(), 200, "login of {}", user.login);
        let body: serde_json::Value = res.json().await.expect("json");
        Cabinet {
            base: self.address.clone(),
            token: body["token"].as_str().expect("token").to_owned(),
            client: reqwest::Client::new(),
        }
    }

    /// A staff member, signed in.
    pub async fn admin(&self) -> Cabinet {
        let admin = self.create_user(Role::Admin, &[]).await;
        self.cabinet(&admin).await
    }

    /// Issues an API key for an organization straight in the database.
    pub async fn api_key(&self, org: OrganizationId) -> String {
        let key = clickpay::auth::api_keys::issue();
        db::api_keys::insert(&self.db, org, &key, None, None).await.expect("api key");
        key.key
    }

    pub fn merchant(&self, key: &str) -> Merchant {
        Merchant { base: self.address.clone(), key: key.to_owned(), client: reqwest::Client::new() }
    }
}

impl TestApp {
    /// An organization with its key: what most payment tests start from.
    pub async fn merchant_of_new_org(&self) -> (OrganizationId, Merchant) {
        let org = self.create_organization("ООО Ромашка").await;
        let key = self.api_key(org).await;
        (org, self.merchant(&key))
    }
}

impl TestApp {
    /// Points an organization's notifications at a URL.
    pub async fn notify_to(&self, org: OrganizationId, url: &str) {
        sqlx::query("UPDATE organizations SET notification_url = $2 WHERE id = $1")
            .bind(org)
            .bind(url)
            .execute(&self.db)
            .await
            .expect("url");
    }

    /// The organization's signing secret.
    pub async fn webhook_secret(&self, org: OrganizationId) -> String {
        sqlx::query_scalar("SELECT webhook_secret FROM organizations WHERE id = $1")
            .bind(org)
            .fetch_one(&self.db)
            .await
            .expect("secret")
    }

    /// Runs one delivery pass, as the worker does.
    pub async fn deliver(&self) -> usize {
        clickpay::webhooks::delivery::deliver_due(&self.state).await.expect("delivery")
    }
}

/// Waits (up to 5 s) for `done`; the change feed works in milliseconds.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}
