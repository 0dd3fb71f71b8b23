//! The server binary's commands: `serve`, `migrate`, `create-admin`, `seed-demo`, `generate`,
//! `ledger verify`, `sandbox-bank`.

use std::io::BufRead;

use clap::{Parser, Subcommand};
use secrecy::SecretString;
use shared::Role;

use crate::auth::password;
use crate::configuration::Settings;
use crate::db::{self, users::NewUser};
use crate::domain::validation;
use crate::startup::Application;

#[derive(Debug, Parser)]
#[command(name = "clickpay", version, about = "ClickPay payment gateway")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the payment API, the cabinet API and the cabinet on one port.
    Serve,
    /// Apply the database migrations.
    Migrate,
    /// Create a staff user (role admin). The password comes from --password or standard input.
    CreateAdmin {
        #[arg(long)]
        login: String,
        #[arg(long)]
        password: Option<String>,
        #[arg(long, default_value = "Администратор")]
        full_name: String,
        #[arg(long)]
        email: Option<String>,
    },
    /// Seed the demo organization, users and API key into an empty database; print credentials.
    SeedDemo,
    /// Load many operations fast (COPY) for benchmarks: new organizations, spread over years.
    Generate {
        /// Payments to make (refunds come on top).
        #[arg(long, default_value_t = 1_000_000)]
        operations: u64,
        /// Organizations to spread them over (created with the manual's terminals).
        #[arg(long, default_value_t = 20)]
        organizations: u32,
        /// How many years back the history reaches.
        #[arg(long, default_value_t = 2)]
        years: u32,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Skip the status history rows (faster; the timeline is then empty).
        #[arg(long)]
        no_history: bool,
    },
    /// The double-entry ledger.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Run the sandbox bank: its own HTTP API over its own database (see `sandbox_bank`).
    SandboxBank {
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        #[arg(long, env = "SANDBOX_BANK_PORT", default_value_t = 8081)]
        port: u16,
        /// The bank's own database (never the gateway's).
        #[arg(long, env = "SANDBOX_BANK_DATABASE_URL", hide_env_values = true)]
        database_url: String,
        /// How long a request that the fault settings leave unanswered is held, in seconds.
        #[arg(long, default_value_t = 120)]
        hang_seconds: u64,
        /// Exit when standard input closes (test harnesses).
        #[arg(long)]
        exit_with_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Recompute every posting, balance and statement from the operations and compare; exits
    /// non-zero on any difference.
    Verify,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // The bank is another system: it reads none of the gateway's settings.
    if let Command::SandboxBank { host, port, database_url, hang_seconds, exit_with_stdin } = cli.command {
        let hang = std::time::Duration::from_secs(hang_seconds);
        return crate::sandbox_bank::serve(crate::sandbox_bank::BankOptions {
            host,
            port,
            database_url,
            hang,
            exit_with_stdin,
        })
        .await;
    }
    let settings = Settings::load()?;
    match cli.command {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), public_url = %app.state().public_url, "serving");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let pool = db::pool(&settings.database)?;
            db::migrate(&pool).await?;
            // Sealed cards saved before sealing bound them to their row are re-sealed here, where
            // the key is at hand.
            let keys = crate::keys::Keys::resolve(&settings)?;
            let resealed = db::card_tokens::reseal_unbound(&pool, &keys).await?;
            println!("migrations applied ({resealed} saved cards re-sealed)");
        }
        Command::CreateAdmin { login, password, full_name, email } => {
            let password = match password {
                Some(p) => p,
                None => read_password_from_stdin()?,
            };
            let pool = db::pool(&settings.database)?;
            create_admin(&pool, &login, &password, &full_name, email.as_deref()).await?;
            println!("admin '{login}' created");
        }
        Command::Generate { .. } if settings.environment == crate::configuration::RunMode::Production => {
            anyhow::bail!("generate refuses to run in production: it writes made-up operations");
        }
        Command::Generate { operations, organizations, years, seed, no_history } => {
            generate(&settings, operations, organizations, years, seed, !no_history).await?;
        }
        Command::SandboxBank { .. } => anyhow::bail!("the sandbox bank is started above"),
        Command::Ledger { command: LedgerCommand::Verify } => {
            let pool = db::pool(&settings.database)?;
            let report = crate::ledger::verify::run(&pool).await?;
            print!("{}", report.render());
            if !report.ok() {
                anyhow::bail!("the ledger does not match the operations");
            }
        }
        Command::SeedDemo => {
            if settings.environment == crate::configuration::RunMode::Production {
                anyhow::bail!("seed-demo refuses to run in production: it creates users with known passwords");
            }
            let pool = db::pool(&settings.database)?;
            match crate::seed::seed_demo(&pool, &settings).await? {
                Some(s) => println!(
                    "demo seeded: organization {} ({}), {} payments and {} refunds over the last 12 months",
                    s.organization.name, s.organization.id, s.history.payments, s.history.refunds
                ),
                None => println!("database already has data: demo seed skipped"),
            }
            let path = crate::seed::credentials_path(&settings.data_dir);
            match std::fs::read_to_string(&path) {
                Ok(text) => print!("{text}"),
                Err(_) => println!("no demo credentials at {} (seeded elsewhere)", path.display()),
            }
        }
    }
    Ok(())
}

async fn generate(
    settings: &Settings,
    operations: u64,
    organizations: u32,
    years: u32,
    seed: u64,
    history: bool,
) -> anyhow::Result<()> {
    let pool = db::pool(&settings.database)?;
    let now = time::OffsetDateTime::now_utc();
    let started = std::time::Instant::now();
    let orgs = crate::generator::create_organizations(
        &pool,
        organizations.max(1),
        now - time::Duration::days(365 * years as i64 + 30),
    )
    .await?;
    let from = now - time::Duration::days(365 * years as i64);
    let stats = crate::generator::generate(&pool, &orgs, operations, from, now, seed, history).await?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "generated {} payments and {} refunds ({} history rows, {} ledger postings) over {} organizations in {secs:.1} s ({:.0} operations/s)",
        stats.payments,
        stats.refunds,
        stats.history_rows,
        stats.postings,
        orgs.len(),
        (stats.payments + stats.refunds) as f64 / secs.max(0.001)
    );
    sqlx::query("ANALYZE operations, ledger_postings, ledger_entries").execute(&pool).await?;
    Ok(())
}

fn read_password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Creates the first (or another) admin; refuses a weak password or a taken login.
pub async fn create_admin(
    pool: &sqlx::PgPool,
    login: &str,
    password: &str,
    full_name: &str,
    email: Option<&str>,
) -> anyhow::Result<()> {
    let login = validation::login(login)?;
    validation::new_password(password)?;
    let email = email.map(validation::email).transpose()?;
    if db::users::id_by_login(pool, &login).await?.is_some() {
        anyhow::bail!("a user with login '{login}' already exists");
    }
    let hash = password::hash(SecretString::from(password.to_owned())).await?;
    let mut tx = pool.begin().await?;
    let id = db::users::insert(
        &mut tx,
        &NewUser {
            login: &login,
            email: email.as_deref(),
            phone: None,
            full_name,
            password_hash: &hash,
            role: Role::Admin,
            time_zone: "Europe/Moscow",
            must_change_password: false,
            can_refund: true,
        },
    )
    .await?;
    db::audit::record(
        &mut *tx,
        db::audit::Entry {
            action: "user.created",
            target_type: Some("user"),
            target_id: Some(id.to_string()),
            details: serde_json::json!({"via": "cli", "role": "admin", "login": login}),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
