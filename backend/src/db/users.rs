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
    /// The right «Возвраты».
    pub can_refund: bool,
}

pub async fn insert(tx: &mut Transaction<'_, Postgres>, user: &NewUser<'_>) -> sqlx::Result<UserId> {
    let id = UserId::new();
    sqlx::query(
        "INSERT INTO users (id, login, email, phone, full_name, password_hash, role, time_zone, must_change_password, can_refund)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    .bind(user.can_refund)
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

/// What a login attempt needs to know about a user.
#[derive(sqlx::FromRow)]
pub struct LoginRow {
    pub id: UserId,
    pub password_hash: String,
    pub active: bool,
    pub locked_until: Option<time::OffsetDateTime>,
    pub must_change_password: bool,
    pub role: Role,
    /// A confirmed TOTP enrollment: the password alone does not sign in.
    pub two_factor: bool,
}

/// The columns of [`LoginRow`], from `users`.
const LOGIN_COLUMNS: &str = "id, password_hash, active, locked_until, must_change_password, role,
        EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = users.id AND t.confirmed_at IS NOT NULL) AS two_factor";

/// A user's sign-in state by id (the docs' cached Basic credentials are checked against it).
pub async fn login_state(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Option<LoginRow>> {
    sqlx::query_as(&format!("SELECT {LOGIN_COLUMNS} FROM users WHERE id = $1")).bind(user).fetch_optional(db).await
}

/// Finds a user by the identifier of the chosen login tab (already normalized).
pub async fn find_for_login(
    db: impl PgExecutor<'_>,
    method: shared::dto::auth::LoginMethod,
    identifier: &str,
) -> sqlx::Result<Option<LoginRow>> {
    use shared::dto::auth::LoginMethod;
    let condition = match method {
        LoginMethod::Login => "lower(login) = lower($1)",
        LoginMethod::Email => "lower(email) = lower($1)",
        LoginMethod::Phone => "phone = $1",
    };
    sqlx::query_as(&format!("SELECT {LOGIN_COLUMNS} FROM users WHERE {condition}"))
        .bind(identifier)
        .fetch_optional(db)
        .await
}

/// Counts a wrong password; the `max`-th in a row locks the account until `now + lock` and
/// starts the count again. Returns the lock's end when this failure locked the account.
pub async fn record_failed_login(
    db: impl PgExecutor<'_>,
    user: UserId,
    now: time::OffsetDateTime,
    max: i32,
    lock: time::Duration,
) -> sqlx::Result<Option<time::OffsetDateTime>> {
    sqlx::query_scalar(
        "UPDATE users
            SET failed_login_count = CASE WHEN failed_login_count + 1 >= $3 THEN 0 ELSE failed_login_count + 1 END,
                locked_until = CASE WHEN failed_login_count + 1 >= $3 THEN $2 + $4::interval ELSE locked_until END,
                updated_at = $2
          WHERE id = $1
      RETURNING CASE WHEN locked_until > $2 THEN locked_until END",
    )
    .bind(user)
    .bind(now)
    .bind(max)
    .bind(format!("{} seconds", lock.whole_seconds()))
    .fetch_one(db)
    .await
}

pub async fn record_successful_login(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET failed_login_count = 0, locked_until = NULL WHERE id = $1")
        .bind(user)
        .execute(db)
        .await?;
    Ok(())
}

/// A user as the cabinet shows them, plus whether the account is active.
pub struct UserRecord {
    pub view: shared::dto::auth::UserView,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: UserId,
    login: String,
    email: Option<String>,
    phone: Option<String>,
    full_name: String,
    role: Role,
    time_zone: String,
    must_change_password: bool,
    two_factor_enabled: bool,
    active: bool,
    can_refund: bool,
    organization_ids: Vec<uuid::Uuid>,
}

const USER_SELECT: &str = "SELECT u.id, u.login, u.email, u.phone, u.full_name, u.role, u.time_zone, u.must_change_password, u.active, u.can_refund,
        EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS two_factor_enabled,
        coalesce(array_agg(m.organization_id ORDER BY m.organization_id) FILTER (WHERE m.organization_id IS NOT NULL), '{}') AS organization_ids
   FROM users u LEFT JOIN memberships m ON m.user_id = u.id";

impl From<UserRow> for UserRecord {
    fn from(r: UserRow) -> Self {
        UserRecord {
            view: shared::dto::auth::UserView {
                id: r.id,
                login: r.login,
                email: r.email,
                phone: r.phone,
                full_name: r.full_name,
                role: r.role,
                time_zone: r.time_zone,
                must_change_password: r.must_change_password,
                two_factor_enabled: r.two_factor_enabled,
                // The settings decide it: `auth::two_factor::apply_policy`.
                two_factor_setup_required: false,
                active: r.active,
                organization_ids: r.organization_ids.into_iter().map(OrganizationId).collect(),
                can_refund: r.can_refund,
            },
            active: r.active,
        }
    }
}

/// The user with their memberships, read fresh (roles are never trusted from a token).
pub async fn get(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Option<UserRecord>> {
    let row: Option<UserRow> =
        sqlx::query_as(&format!("{USER_SELECT} WHERE u.id = $1 GROUP BY u.id")).bind(user).fetch_optional(db).await?;
    Ok(row.map(Into::into))
}

/// Every user, by login (staff's list).
pub async fn list(db: impl PgExecutor<'_>) -> sqlx::Result<Vec<UserRecord>> {
    let rows: Vec<UserRow> =
        sqlx::query_as(&format!("{USER_SELECT} GROUP BY u.id ORDER BY lower(u.login)")).fetch_all(db).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn password_hash(db: impl PgExecutor<'_>, user: UserId) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user).fetch_optional(db).await
}

/// Replaces a user's memberships with exactly these organizations.
pub async fn set_memberships(
    tx: &mut Transaction<'_, Postgres>,
    user: UserId,
    orgs: &[OrganizationId],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM memberships WHERE user_id = $1").bind(user).execute(&mut **tx).await?;
    for org in orgs {
        add_membership(tx, user, *org).await?;
    }
    Ok(())
}

/// The changes staff may make to a user; `None` leaves a field as it is.
#[derive(Default)]
pub struct UserChanges<'a> {
    pub full_name: Option<&'a str>,
    pub role: Option<Role>,
    pub time_zone: Option<&'a str>,
    pub active: Option<bool>,
    pub can_refund: Option<bool>,
}

pub async fn update(db: impl PgExecutor<'_>, user: UserId, c: &UserChanges<'_>) -> sqlx::Result<bool> {
    let r = sqlx::query(
        "UPDATE users SET full_name = coalesce($2, full_name), role = coalesce($3, role),
                time_zone = coalesce($4, time_zone), active = coalesce($5, active),
                can_refund = coalesce($6, can_refund), updated_at = now()
          WHERE id = $1",
    )
    .bind(user)
    .bind(c.full_name)
    .bind(c.role)
    .bind(c.time_zone)
    .bind(c.active)
    .bind(c.can_refund)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}
