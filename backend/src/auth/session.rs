//! Cabinet sessions: an HS256 JWT (one pinned algorithm) naming a `sessions` row. The row makes
//! logout and revocation immediate and carries the idle timer; the JWT's `exp` is the absolute
//! limit. Times are checked against the app's clock, not the JWT library's, so tests can move it.

use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use shared::ids::UserId;
use time::Duration;
use uuid::Uuid;

use crate::db;
use crate::keys::Keys;
use crate::state::AppState;

/// The session cookie: HttpOnly, Secure, SameSite=Strict, never readable by scripts.
pub const COOKIE: &str = "clickpay_session";
/// In production the cookie carries the `__Host-` prefix: the browser then accepts it only
/// when Secure, for path `/`, without a Domain, so no sibling host can plant or shadow it.
pub const HOST_COOKIE: &str = "__Host-clickpay_session";

/// The session cookie's name under these settings.
pub fn cookie_name(settings: &crate::configuration::Settings) -> &'static str {
    if settings.environment == crate::configuration::RunMode::Production { HOST_COOKIE } else { COOKIE }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub jti: Uuid,
    pub iat: i64,
    pub exp: i64,
}

pub fn sign(keys: &Keys, claims: &Claims) -> anyhow::Result<String> {
    Ok(encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(keys.jwt.expose_secret()))?)
}

/// The claims of a token signed by us with HS256 and not expired at `now`; `None` otherwise.
pub fn verify(keys: &Keys, token: &str, now: time::OffsetDateTime) -> Option<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    // exp and iat are checked below against the app's clock; all four claims must be present
    // because `Claims` requires them.
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    validation.leeway = 0;
    let claims = decode::<Claims>(token, &DecodingKey::from_secret(keys.jwt.expose_secret()), &validation).ok()?.claims;
    let now = now.unix_timestamp();
    (claims.exp > now && claims.iat <= now + 60).then_some(claims)
}

/// A new session for `user`: the row, the token and the cookie that carries it.
pub async fn start(
    state: &AppState,
    user: UserId,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> anyhow::Result<(String, Cookie<'static>)> {
    start_unless(state, user, ip, user_agent, false).await?.ok_or_else(|| anyhow::anyhow!("no session started"))
}

/// [`start`] for a sign-in that passed on the password alone: the session is written only if
/// the user still has no second factor, under the user's row lock, which turning two-factor
/// sign-in on takes too. A sign-in racing the enrollment thus either commits its session first
/// (and the enrollment ends it) or sees the second factor and starts none (`None`).
pub async fn start_password_only(
    state: &AppState,
    user: UserId,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
) -> anyhow::Result<Option<(String, Cookie<'static>)>> {
    start_unless(state, user, ip, user_agent, true).await
}

async fn start_unless(
    state: &AppState,
    user: UserId,
    ip: Option<IpAddr>,
    user_agent: Option<&str>,
    unless_two_factor: bool,
) -> anyhow::Result<Option<(String, Cookie<'static>)>> {
    let now = state.clock.now();
    let lifetime = Duration::hours(state.settings.session.absolute_timeout_hours);
    let jti = Uuid::new_v4();
    let mut tx = state.db.begin().await?;
    if unless_two_factor {
        sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR SHARE").bind(user).execute(&mut *tx).await?;
        if db::two_factor::is_enabled(&mut *tx, user).await? {
            return Ok(None);
        }
    }
    db::sessions::insert(&mut *tx, jti, user, now, now + lifetime, ip, user_agent).await?;
    tx.commit().await?;
    let token = sign(
        &state.keys,
        &Claims { sub: user.0, jti, iat: now.unix_timestamp(), exp: (now + lifetime).unix_timestamp() },
    )?;
    let cookie = Cookie::build(cookie_name(&state.settings), token.clone())
        .path("/")
        .http_only(true)
        .secure(state.settings.session.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(lifetime.whole_seconds()))
        .finish();
    Ok(Some((token, cookie)))
}

/// The cookie that removes the session cookie from the browser.
pub fn clearing_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = Cookie::build(cookie_name(&state.settings), "")
        .path("/")
        .http_only(true)
        .secure(state.settings.session.cookie_secure)
        .same_site(SameSite::Strict)
        .finish();
    c.make_removal();
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn tokens_verify_only_with_our_key_algorithm_and_before_exp() {
        let keys = Keys::random();
        let now = datetime!(2026-01-01 12:00 UTC);
        let claims = Claims {
            sub: Uuid::new_v4(),
            jti: Uuid::new_v4(),
            iat: now.unix_timestamp(),
            exp: now.unix_timestamp() + 60,
        };
        let token = sign(&keys, &claims).expect("sign");
        assert!(verify(&keys, &token, now).is_some());
        assert!(verify(&keys, &token, now + Duration::seconds(61)).is_none(), "expired");
        assert!(verify(&Keys::random(), &token, now).is_none(), "another key");
        // alg=none and a tampered payload are refused.
        let parts: Vec<&str> = token.split('.').collect();
        let none_header =
            base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, br#"{"alg":"none","typ":"JWT"}"#);
        assert!(verify(&keys, &format!("{none_header}.{}.", parts[1]), now).is_none());
        assert!(verify(&keys, &format!("{}.{}x.{}", parts[0], parts[1], parts[2]), now).is_none());
    }

    #[test]
    fn a_token_without_jti_is_refused() {
        let keys = Keys::random();
        let now = datetime!(2026-01-01 12:00 UTC);
        let token = encode(
            &Header::new(Algorithm::HS256),
            &serde_json::json!({"sub": Uuid::new_v4(), "iat": now.unix_timestamp(), "exp": now.unix_timestamp() + 60}),
            &EncodingKey::from_secret(keys.jwt.expose_secret()),
        )
        .expect("sign");
        assert!(verify(&keys, &token, now).is_none());
    }
}
