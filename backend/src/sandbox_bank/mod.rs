//! The sandbox bank: a process of its own (`clickpay sandbox-bank`) with its own database, as a
//! real acquirer would be. The gateway reaches it only over HTTP (`acquirer::http`). It books
//! each (reference, type) once, commits the outcome to an append-only register (`GET /ledger`)
//! before it answers, and takes fault settings at run time (`/faults`), so tests can make it slow,
//! silent, failing or lossy.

pub mod api;
pub mod book;
pub mod cards;
pub mod faults;
pub mod register;
pub mod wire;

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use sqlx::PgPool;
use sqlx::migrate::Migrator;

/// The bank's own migrations, apart from the gateway's.
pub static MIGRATOR: Migrator = sqlx::migrate!("src/sandbox_bank/migrations");

/// The acquiring bank's name, as the cabinet and the API show it.
pub const BANK_NAME: &str = "АО БАНК «СНГБ»";

#[derive(Clone)]
pub struct BankState {
    pub db: PgPool,
    pub faults: Arc<faults::Faults>,
    /// How long an unanswered request is held.
    pub hang: Duration,
    /// The local merchant endpoint's last notifications (`/webhooks`).
    pub webhooks: Arc<std::sync::Mutex<std::collections::VecDeque<serde_json::Value>>>,
}

#[derive(Debug, Clone)]
pub struct BankOptions {
    pub host: String,
    pub port: u16,
    pub database_url: String,
    pub hang: Duration,
    /// Exit when standard input closes: a test harness that dies takes its bank with it.
    pub exit_with_stdin: bool,
}

/// Migrates the bank's database and serves its API until the process is stopped.
pub async fn serve(opts: BankOptions) -> anyhow::Result<()> {
    let db = crate::db::pool_options(20, Duration::from_secs(10)).connect(&opts.database_url).await?;
    MIGRATOR.run(&db).await?;
    if opts.exit_with_stdin {
        std::thread::spawn(|| {
            let mut buf = [0u8; 256];
            while matches!(std::io::stdin().read(&mut buf), Ok(n) if n > 0) {}
            std::process::exit(0);
        });
    }
    let listener = TcpListener::bind((opts.host.as_str(), opts.port))?;
    let port = listener.local_addr()?.port();
    let state = web::Data::new(BankState {
        db,
        faults: Arc::new(faults::Faults::default()),
        hang: opts.hang,
        webhooks: Arc::default(),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::JsonConfig::default().limit(64 * 1024))
            .wrap(from_fn(crate::telemetry::request_middleware))
            .configure(api::config)
    })
    .shutdown_timeout(5)
    .listen(listener)?
    .run();
    tracing::info!(port, "sandbox bank listening");
    println!("sandbox bank listening on {}:{port}", opts.host);
    server.await?;
    Ok(())
}
