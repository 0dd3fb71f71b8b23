//! Cabinet users and their memberships.

use shared::Role;
use shared::ids::{OrganizationId, UserId};
use sqlx::{PgExecutor, Postgres, Transaction};

pub struct NewUser<'a> {
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub time_zone: &'a str,
    pub must_change_password: bool,
}

pub async fn insert(tx: &mut Transaction<'_, Postgres>, user: &NewUser<'_>) -> sqlx::Result<UserId> {
    let id = UserId::new();
    sqlx::query(
        "INSERT INTO users (id, login, email, phone, full_name, password_hash, role, time_zone, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(user.login)
    .bind(user.email)
    .bind(user.phone)
    .bind(user.full_name)
    .bind(user.password_hash)
    .bind(user.role)
    .bind(user.time_zone)
    .bind(user.must_change_password)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn add_membership(tx: &mut Transaction<'_, Postgres>, user: UserId, org: OrganizationId) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO memberships (user_id, organization_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(user)
        .bind(org)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The id of the user with this login, if any.
pub async fn id_by_login(db: impl PgExecutor<'_>, login: &str) -> sqlx::Result<Option<UserId>> {
    sqlx::query_scalar("SELECT id FROM users WHERE lower(login) = lower($1)").bind(login).fetch_optional(db).await
}

/// Sets a new password hash; `must_change` forces a change at the next login (a reset).
pub async fn set_password(
    db: impl PgExecutor<'_>,
    user: UserId,
    password_hash: &str,
    must_change: bool,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(),
                failed_login_count = 0, locked_until = NULL, updated_at = now()
          WHERE id = $1",
    )
    .bind(user)
    .bind(password_hash)
    .bind(must_change)
    .execute(db)
    .await?;
    Ok(())
}

/// Whether the named time zone is one PostgreSQL knows.
pub async fn time_zone_exists(db: impl PgExecutor<'_>, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)").bind(name).fetch_one(db).await
}
