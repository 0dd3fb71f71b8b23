//! The server binary's commands: `serve`, `migrate`, `create-admin`, `seed-demo`.

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
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
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
            println!("migrations applied");
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
        Command::SeedDemo => {
            let pool = db::pool(&settings.database)?;
            match crate::seed::seed_demo(&pool, &settings).await? {
                Some(s) => println!("demo seeded: organization {} ({})", s.organization.name, s.organization.id),
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
