//! Argon2id password hashing, always on the blocking pool so async workers never stall.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretString};

/// OWASP's Argon2id floor: 19 MiB, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    // The constants are valid Argon2 parameters; `Params::new` only rejects out-of-range values.
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub async fn hash(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2 hash failed: {e}"))
    })
    .await?
}

/// Checks a password against a stored hash. With no stored hash (unknown user) it verifies
/// against a dummy so the answer takes as long either way, and returns false.
pub async fn verify(password: SecretString, stored: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let (phc, known) = match stored {
            Some(s) => (s, true),
            None => (DUMMY_HASH.to_owned(), false),
        };
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
        let ok = argon2().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok();
        Ok(ok && known)
    })
    .await?
}

/// A hash of a random password with the production parameters, for unknown users.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$SLmvxpWpHm6bWCWdPcBSpYmC8nRPnR6GIY2cU0lqUQ0";

/// A random password that passes the policy: for the demo users and one-time passwords.
pub fn generate() -> String {
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut rng = OsRng;
    let mut out: String = (0..14)
        .map(|i| {
            let set = if i % 4 == 3 { DIGITS } else { LETTERS };
            set[rng.gen_range(0..set.len())] as char
        })
        .collect();
    out.insert(7, '-');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash(SecretString::from("correct horse 9")).await.expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(SecretString::from("correct horse 9"), Some(h.clone())).await.expect("verify"));
        assert!(!verify(SecretString::from("wrong horse 9"), Some(h)).await.expect("verify"));
    }

    #[tokio::test]
    async fn unknown_user_verifies_against_the_dummy_and_fails() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify(SecretString::from("anything"), None).await.expect("verify"));
    }

    #[test]
    fn generated_passwords_pass_the_policy() {
        for _ in 0..50 {
            let p = generate();
            assert!(crate::domain::validation::new_password(&p).is_ok(), "{p}");
        }
    }
}
