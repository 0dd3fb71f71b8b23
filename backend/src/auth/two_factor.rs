//! Two-factor sign-in (TOTP, RFC 6238: SHA-1, 6 digits, 30 s steps, one step of skew either
//! way). The secret is sealed like a PAN and bound to its user; recovery codes are kept as an
//! HMAC only; every code is accepted once. The codes are computed by `totp-rs`, the QR code drawn
//! by `qrcode`: no hand-written crypto, no outside service.

use hmac::{Hmac, Mac};
use rand::Rng;
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use shared::Role;
use shared::dto::auth::UserView;
use shared::ids::UserId;
use time::{Duration, OffsetDateTime};
use totp_rs::{Algorithm, Builder, Totp};

use crate::configuration::Settings;
use crate::db;
use crate::error::ApiError;
use crate::keys::Keys;
use crate::state::AppState;
use crate::vault::{self, Sealed};

/// The issuer the authenticator app shows.
pub const ISSUER: &str = "ClickPay";
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// How many recovery codes a user holds.
pub const RECOVERY_CODES: usize = 10;
/// Recovery codes avoid letters and digits that read alike (0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// A sign-in challenge lives this long…
pub const CHALLENGE_TTL: Duration = Duration::minutes(5);
/// …and allows this many codes.
pub const CHALLENGE_TRIES: i32 = 5;

/// Which second factor was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Totp,
    RecoveryCode,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::Totp => "totp",
            Factor::RecoveryCode => "recovery_code",
        }
    }
}

/// Whether two-factor sign-in is required of this user under these settings.
pub fn required(settings: &Settings, role: Role) -> bool {
    role == Role::Admin && settings.two_factor_required_for_admins()
}

/// Fills in what the settings decide of a user as the cabinet shows them.
pub fn apply_policy(settings: &Settings, view: &mut UserView) {
    view.two_factor_setup_required = required(settings, view.role) && !view.two_factor_enabled;
}

/// The associated data that binds a sealed secret to its user.
fn aad(user: UserId) -> Vec<u8> {
    format!("user_totp:{}", user.0).into_bytes()
}

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    OsRng.fill_bytes(&mut secret);
    secret
}

pub fn seal(keys: &Keys, user: UserId, secret: &[u8]) -> anyhow::Result<Sealed> {
    vault::seal_secret(&keys.totp, secret, &aad(user))
}

pub fn open(keys: &Keys, user: UserId, enrollment: &db::two_factor::Enrollment) -> anyhow::Result<Vec<u8>> {
    vault::open_secret(&keys.totp, &enrollment.secret_ciphertext, &enrollment.secret_nonce, &aad(user))
}

/// The generator of a secret; `account` is the user's login, shown by the authenticator app.
pub fn totp(secret: Vec<u8>, account: &str) -> anyhow::Result<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_step_duration(30)
        .with_skew(1)
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP parameters refused: {e}"))
}

/// What a new enrollment hands the user: the secret in base32, the otpauth URL and its QR code.
pub fn setup_view(secret: Vec<u8>, account: &str) -> anyhow::Result<shared::dto::auth::TwoFactorSetup> {
    let totp = totp(secret, account)?;
    let otpauth_url = totp.to_url().map_err(|e| anyhow::anyhow!("otpauth URL: {e}"))?;
    let qr = qrcode::QrCode::with_error_correction_level(otpauth_url.as_bytes(), qrcode::EcLevel::M)?;
    let qr_svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(shared::dto::auth::TwoFactorSetup { secret: totp.secret().to_base32(), otpauth_url, qr_svg })
}

/// The step whose code this is at `now` (one step of skew either way), if it is one.
pub fn matching_step(secret: Vec<u8>, code: &str, now: OffsetDateTime) -> anyhow::Result<Option<i64>> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let Ok(time) = u64::try_from(now.unix_timestamp()) else { return Ok(None) };
    let step = totp(secret, "check")?.check(&code, time);
    Ok(step.and_then(|s| i64::try_from(s).ok()))
}

/// Whether what was typed looks like a TOTP code rather than a recovery code.
fn is_totp_shaped(code: &str) -> bool {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Ten new recovery codes, `xxxx-xxxx` (about 40 random bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let c: String =
                (0..8).map(|_| RECOVERY_ALPHABET[OsRng.gen_range(0..RECOVERY_ALPHABET.len())] as char).collect();
            format!("{}-{}", &c[..4], &c[4..])
        })
        .collect()
}

/// A recovery code as typed, in its canonical form: case, dashes and spaces do not matter.
fn normalize_recovery(code: &str) -> Option<String> {
    let c: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase();
    (c.len() == 8 && c.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(c)
}

/// The stored form of a recovery code: an HMAC under a server key, bound to its user.
pub fn recovery_hash(keys: &Keys, user: UserId, code: &str) -> Option<[u8; 32]> {
    let code = normalize_recovery(code)?;
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(keys.recovery_codes.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(user.0.as_bytes());
    mac.update(code.as_bytes());
    Some(mac.finalize().into_bytes().into())
}

/// A new challenge token and the hash it is stored under.
pub fn new_challenge() -> (String, [u8; 32]) {
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    let token = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, raw);
    let hash = challenge_hash(&token);
    (token, hash)
}

pub fn challenge_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Checks a code against the user's confirmed enrollment and uses it up: a TOTP code's step is
/// recorded so it is never accepted again, a recovery code is marked used. `None`: no such code
/// (wrong, already used, or no enrollment).
pub async fn use_code(
    state: &AppState,
    db: &mut sqlx::PgConnection,
    user: UserId,
    code: &str,
) -> Result<Option<Factor>, ApiError> {
    let Some(enrollment) = db::two_factor::enrollment(&mut *db, user).await? else { return Ok(None) };
    if !enrollment.confirmed() || code.len() > 64 {
        return Ok(None);
    }
    let now = state.clock.now();
    if is_totp_shaped(code) {
        let secret = open(&state.keys, user, &enrollment)?;
        let Some(step) = matching_step(secret, code, now)? else { return Ok(None) };
        return Ok(db::two_factor::use_step(&mut *db, user, step).await?.then_some(Factor::Totp));
    }
    let Some(hash) = recovery_hash(&state.keys, user, code) else { return Ok(None) };
    Ok(db::two_factor::use_recovery_code(&mut *db, user, &hash, now).await?.then_some(Factor::RecoveryCode))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn codes_match_their_step_and_one_step_either_side_only() {
        let secret = new_secret();
        let now = datetime!(2026-11-28 12:00:10 UTC);
        let gen_at = |t: OffsetDateTime| {
            totp(secret.clone(), "x").expect("totp").generate(t.unix_timestamp() as u64).to_string()
        };
        let step = now.unix_timestamp() / 30;
        assert_eq!(matching_step(secret.clone(), &gen_at(now), now).expect("check"), Some(step));
        assert_eq!(
            matching_step(secret.clone(), &gen_at(now - Duration::seconds(30)), now).expect("check"),
            Some(step - 1)
        );
        assert_eq!(
            matching_step(secret.clone(), &gen_at(now + Duration::seconds(30)), now).expect("check"),
            Some(step + 1)
        );
        assert_eq!(matching_step(secret.clone(), &gen_at(now - Duration::seconds(90)), now).expect("check"), None);
        assert_eq!(matching_step(secret.clone(), "12345", now).expect("check"), None);
        assert_eq!(matching_step(secret, "abcdef", now).expect("check"), None);
    }

    #[test]
    fn the_setup_names_the_issuer_and_the_account_and_draws_an_svg() {
        let view = setup_view(new_secret(), "partner").expect("setup");
        assert!(view.otpauth_url.starts_with("otpauth://totp/ClickPay:partner?"), "{}", view.otpauth_url);
        assert!(view.otpauth_url.contains("issuer=ClickPay"), "{}", view.otpauth_url);
        assert!(view.otpauth_url.contains(&format!("secret={}", view.secret)));
        assert_eq!(view.secret.len(), 32, "160 bits in base32");
        assert!(view.qr_svg.contains("<svg"));
    }

    #[test]
    fn recovery_codes_are_distinct_and_hash_whatever_their_spelling() {
        let keys = Keys::random();
        let user = UserId::new();
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 9);
        let h = recovery_hash(&keys, user, code).expect("hash");
        assert_eq!(recovery_hash(&keys, user, &code.to_uppercase().replace('-', " ")), Some(h));
        assert_ne!(recovery_hash(&keys, UserId::new(), code), Some(h), "bound to the user");
        assert_ne!(recovery_hash(&Keys::random(), user, code), Some(h), "keyed");
        assert_eq!(recovery_hash(&keys, user, "123456"), None);
        assert!(is_totp_shaped("123 456") && !is_totp_shaped(code));
    }
}
