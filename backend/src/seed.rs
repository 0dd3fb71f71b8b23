//! The demo: the manual's organization with its terminals and fees, an admin, a partner and an
//! API key. It runs on an empty database only; the credentials go to the local data folder.

use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use shared::dto::organizations::OrganizationSummary;
use shared::{Amount, Percent, Role, TerminalType};
use sqlx::PgPool;
use time::macros::date;

use crate::auth::{api_keys, password};
use crate::configuration::Settings;
use crate::db::{self, organizations::NewOrganization, users::NewUser};
use crate::domain::fees::Tariff;
use crate::domain::validation;

pub const DEMO_ORGANIZATION: &str = "ООО \"МКК КЛИКСЕРВИС\"";
pub const DEMO_BANK: &str = "АО БАНК «СНГБ»";
pub const PARTNER_NAME: &str = "Тестовый пользователь";
pub const PARTNER_PHONE: &str = "+79990000001";
pub const PARTNER_EMAIL: &str = "partner@clickpay.local";
const CREDENTIALS_FILE: &str = "demo-credentials.txt";

/// The manual's terminal table: service %, bank %, minimum.
pub const DEMO_TERMINALS: [(TerminalType, &str, &str, &str); 3] = [
    (TerminalType::Aft, "0.5", "0.45", "45.00"),
    (TerminalType::Oct, "0.6", "0.45", "45.00"),
    (TerminalType::Ecom, "0.7", "0.45", "45.00"),
];

/// Payments of the demo's year of history (refunds come on top).
pub const DEMO_PAYMENTS: u64 = 6_000;

/// What the seed made, for printing.
pub struct Seeded {
    pub password: String,
    pub api_key: String,
    pub organization: OrganizationSummary,
    pub history: crate::generator::Stats,
}

pub fn credentials_path(data_dir: &Path) -> PathBuf {
    data_dir.join(CREDENTIALS_FILE)
}

/// Seeds the demo when the database has no organization yet. Returns `None` when it did nothing.
pub async fn seed_demo(pool: &PgPool, settings: &Settings) -> anyhow::Result<Option<Seeded>> {
    if db::organizations::any_exist(pool).await? {
        return Ok(None);
    }
    let password = match &settings.demo_password {
        Some(p) => {
            validation::new_password(p.expose_secret())
                .map_err(|e| anyhow::anyhow!("CLICKPAY_DEMO_PASSWORD is not acceptable: {e}"))?;
            p.expose_secret().to_owned()
        }
        None => password::generate(),
    };
    let hash = password::hash(SecretString::from(password.clone())).await?;
    // Notifications of the demo go to the sandbox's own receiver on this machine, never to a
    // third-party host.
    let notification_url = format!("{}/webhooks", settings.acquirer_url(settings.server.port));

    let mut tx = pool.begin().await?;
    // Another seeder may have won the race since the check above.
    sqlx::query("LOCK TABLE organizations IN EXCLUSIVE MODE").execute(&mut *tx).await?;
    if db::organizations::any_exist(&mut *tx).await? {
        return Ok(None);
    }
    let org = db::organizations::insert(
        &mut tx,
        &NewOrganization {
            name: DEMO_ORGANIZATION,
            inn: "8602300006",
            bank_name: DEMO_BANK,
            notification_url: Some(&notification_url),
            webhook_secret: &crate::webhooks::generate_secret(),
            registered_on: Some(date!(2022 - 04 - 07)),
        },
    )
    .await?;
    let registered = time::macros::datetime!(2022-04-07 00:00 UTC);
    for (terminal_type, service, bank, min) in DEMO_TERMINALS {
        let terminal =
            db::organizations::insert_terminal(&mut tx, org, terminal_type, Amount::parse("1000000.00")?).await?;
        let tariff = Tariff {
            service_fee_percent: Percent::parse(service)?,
            bank_fee_percent: Percent::parse(bank)?,
            min_fee: Amount::parse(min)?,
        };
        db::organizations::insert_tariff(&mut tx, terminal, &tariff, registered).await?;
    }
    db::users::insert(
        &mut tx,
        &NewUser {
            login: "admin",
            email: Some("admin@clickpay.local"),
            phone: None,
            full_name: "Администратор ClickPay",
            password_hash: &hash,
            role: Role::Admin,
            time_zone: "Europe/Moscow",
            must_change_password: false,
            can_refund: true,
        },
    )
    .await?;
    let partner = db::users::insert(
        &mut tx,
        &NewUser {
            login: "partner",
            email: Some(PARTNER_EMAIL),
            phone: Some(PARTNER_PHONE),
            full_name: PARTNER_NAME,
            password_hash: &hash,
            role: Role::Partner,
            time_zone: "Europe/Moscow",
            must_change_password: false,
            // The demo partner was granted «Возвраты».
            can_refund: true,
        },
    )
    .await?;
    db::users::add_membership(&mut tx, partner, org).await?;
    let key = api_keys::issue();
    db::api_keys::insert(&mut *tx, org, &key, Some("Демо-ключ"), None).await?;
    db::audit::record(
        &mut *tx,
        db::audit::Entry {
            action: "demo.seeded",
            target_type: Some("organization"),
            target_id: Some(org.to_string()),
            organization: Some(org),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;

    // A year of final-state history made with the domain's rules; no outbox rows, so no
    // worker touches it and no notifications flood the manual's URL.
    let now = time::OffsetDateTime::now_utc();
    let plan = crate::generator::org_plan(pool, org, now).await?;
    let history =
        crate::generator::generate(pool, &[plan], DEMO_PAYMENTS, now - time::Duration::days(365), now, 2024, true)
            .await?;

    let organization = db::organizations::list(pool, db::organizations::Scope::All, None)
        .await?
        .into_iter()
        .find(|o| o.id == org)
        .ok_or_else(|| anyhow::anyhow!("seeded organization vanished"))?;
    let seeded = Seeded { password, api_key: key.key, organization, history };
    write_credentials(&settings.data_dir, &seeded)?;
    Ok(Some(seeded))
}

fn write_credentials(dir: &Path, s: &Seeded) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let text = format!(
        "# ClickPay demo credentials (development only)\n\
         admin login:    admin\n\
         partner login:  partner   (phone {PARTNER_PHONE}, e-mail {PARTNER_EMAIL})\n\
         password:       {}\n\
         organization:   {} ({})\n\
         API key:        {}\n",
        s.password, s.organization.name, s.organization.id, s.api_key
    );
    crate::keys::write_private(&credentials_path(dir), &text)?;
    Ok(())
}
