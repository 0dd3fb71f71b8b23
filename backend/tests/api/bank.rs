//! The sandbox bank for the API tests: the real `clickpay sandbox-bank` process over a database
//! of its own. One is shared by every test of a run (each test uses its own references, and
//! scopes its faults by its own cards); a test that kills a bank starts one of its own.

use std::net::TcpListener;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use clickpay::sandbox_bank::wire::{Answer, AnswerStatus, FaultRule, LedgerPage};
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::OnceCell;

use crate::helpers::{base_database_url, url_with_database};

/// A running bank process.
pub struct BankProcess {
    pub url: String,
    pub port: u16,
    pub database_url: String,
    child: Child,
    /// Held open: when the test process dies, the bank sees its stdin close and exits.
    _stdin: Option<ChildStdin>,
}

impl BankProcess {
    /// Starts a bank over a new database.
    pub async fn start() -> BankProcess {
        let name = format!("test_bank_{}", uuid::Uuid::new_v4().simple());
        let base = base_database_url();
        let mut conn = PgConnection::connect(&url_with_database(&base, "postgres")).await.expect("connect");
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str()).await.expect("create bank database");
        Self::start_on(url_with_database(&base, &name), free_port()).await
    }

    /// Starts a bank over an existing database on a given port.
    pub async fn start_on(database_url: String, port: u16) -> BankProcess {
        let log_path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("sandbox-bank-{port}.log"));
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&log_path).expect("bank log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_clickpay"))
            .args(["sandbox-bank", "--port", &port.to_string(), "--hang-seconds", "30", "--exit-with-stdin"])
            .env("SANDBOX_BANK_DATABASE_URL", &database_url)
            .env_remove("SANDBOX_BANK_PORT")
            .stdin(Stdio::piped())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start the sandbox bank");
        let stdin = child.stdin.take();
        let bank = BankProcess { url: format!("http://127.0.0.1:{port}"), port, database_url, child, _stdin: stdin };
        bank.wait_ready().await;
        bank
    }

    async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(res) = client.get(format!("{}/healthz", self.url)).send().await
                && res.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the sandbox bank on {} did not come up", self.url);
    }

    /// `kill -9`: the process dies wherever it is.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the bank");
        self.child.wait().expect("reap the bank");
    }

    /// Starts the bank again over the same database and port.
    pub async fn restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let again = Self::start_on(self.database_url.clone(), self.port).await;
        let old = std::mem::replace(self, again);
        drop(old);
    }

    pub fn client(&self) -> BankClient {
        BankClient { url: self.url.clone(), client: reqwest::Client::new() }
    }
}

impl Drop for BankProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

static SHARED: OnceCell<String> = OnceCell::const_new();
static KEEP: Mutex<Vec<BankProcess>> = Mutex::new(Vec::new());

/// The URL of the bank every test shares: `CLICKPAY_ACQUIRER_URL` when set, else one started
/// for this test run.
pub async fn shared_bank_url() -> String {
    SHARED
        .get_or_init(|| async {
            if let Ok(url) = std::env::var("CLICKPAY_ACQUIRER_URL") {
                return url;
            }
            let bank = BankProcess::start().await;
            let url = bank.url.clone();
            KEEP.lock().expect("bank list").push(bank);
            url
        })
        .await
        .clone()
}

/// The bank's API, as tests call it directly.
#[derive(Clone)]
pub struct BankClient {
    pub url: String,
    pub client: reqwest::Client,
}

impl BankClient {
    pub async fn shared() -> BankClient {
        BankClient { url: shared_bank_url().await, client: reqwest::Client::new() }
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.client.post(format!("{}{path}", self.url)).json(&body).send().await.expect("bank request")
    }

    /// A request as the caller labelled `label` (a gateway's merchant account at the bank).
    pub async fn post_as(&self, label: &str, path: &str, body: Value) -> Answer {
        let res = self
            .client
            .post(format!("{}{path}", self.url))
            .header("x-sandbox-label", label)
            .json(&body)
            .send()
            .await
            .expect("bank request");
        assert_eq!(res.status(), 200, "{path} as {label}");
        res.json().await.expect("answer")
    }

    /// The register of the caller labelled `label`, every page.
    pub async fn ledger_as(&self, label: &str) -> Vec<clickpay::sandbox_bank::wire::LedgerEntry> {
        let mut out = Vec::new();
        let mut after = String::new();
        loop {
            let page = self.ledger_page(&format!("limit=1000{after}"), Some(label)).await;
            out.extend(page.data);
            match page.next {
                Some(next) => after = format!("&after={next}"),
                None => return out,
            }
        }
    }

    pub async fn answer(&self, path: &str, body: Value) -> Answer {
        let res = self.post(path, body).await;
        assert_eq!(res.status(), 200, "{path}");
        res.json().await.expect("answer")
    }

    /// What the bank booked under (reference, type).
    pub async fn status(&self, reference: &str, kind: &str) -> Answer {
        let res = self.client.get(format!("{}/v1/status/{reference}/{kind}", self.url)).send().await.expect("status");
        assert_eq!(res.status(), 200);
        res.json().await.expect("answer")
    }

    /// How many requests for (reference, type) reached the bank (0 when none did).
    pub async fn requests(&self, reference: &str, kind: &str) -> i32 {
        let a = self.status(reference, kind).await;
        if a.status == AnswerStatus::Unknown { 0 } else { a.requests }
    }

    pub async fn set_fault(&self, label: &str, rule: FaultRule) {
        let res = self.client.put(format!("{}/faults/{label}", self.url)).json(&rule).send().await.expect("fault");
        assert_eq!(res.status(), 200, "set fault {label}");
    }

    pub async fn remove_fault(&self, label: &str) {
        self.client.delete(format!("{}/faults/{label}", self.url)).send().await.expect("fault");
    }

    pub async fn ledger(&self, query: &str) -> LedgerPage {
        self.ledger_page(query, None).await
    }

    /// A page of the register, asked again while the bank says it is settling (503: an older
    /// transaction somewhere in the cluster, a test's CREATE DATABASE say, still runs).
    async fn ledger_page(&self, query: &str, label: Option<&str>) -> LedgerPage {
        for _ in 0..60 {
            let mut req = self.client.get(format!("{}/ledger?{query}", self.url));
            if let Some(label) = label {
                req = req.header("x-sandbox-label", label);
            }
            let res = req.send().await.expect("ledger");
            if res.status() == 503 {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                continue;
            }
            assert_eq!(res.status(), 200, "ledger?{query}");
            return res.json().await.expect("ledger page");
        }
        panic!("the register kept settling: ledger?{query}");
    }

    /// Every register line for these references, oldest first.
    pub async fn ledger_for(&self, references: &[String]) -> Vec<clickpay::sandbox_bank::wire::LedgerEntry> {
        let mut out = Vec::new();
        let mut after = String::new();
        loop {
            let page = self.ledger(&format!("limit=1000{after}")).await;
            out.extend(page.data.into_iter().filter(|e| references.contains(&e.reference)));
            match page.next {
                Some(next) => after = format!("&after={next}"),
                None => return out,
            }
        }
    }
}

/// A Luhn-valid card number nobody else uses: it succeeds (the contract's "any other valid
/// number") and lets a test scope faults to itself.
pub fn unique_card() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 10_000_000_000_000u128;
    let body = format!("55{n:013}");
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}
