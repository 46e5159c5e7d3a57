//! Credentials: random secrets, argon2id password hashes, TOTP codes and recovery codes.
//! The sign-in steps (web) and the use cases that set credentials use the same primitives.

use crate::error::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Personal API tokens start with this, so that secret scanners recognise them.
pub const TOKEN_PREFIX: &str = "mamori_";

pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// The secret of a grant (an API token, an invitation link, an inspector link), handed out
/// once, and the hash it is kept and found by.
#[derive(Debug, Clone)]
pub struct IssuedSecret {
    pub secret: String,
    pub hash: String,
}

/// A new grant secret: 32 random bytes after `prefix`.
pub fn issue_secret(prefix: &str) -> IssuedSecret {
    let secret = format!("{prefix}{}", random_token(32));
    IssuedSecret {
        hash: secret_hash(&secret),
        secret,
    }
}

/// The hash a grant is kept and found by.
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret)
}

/// Constant-time comparison of two secrets.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hash used for unknown accounts, so that a wrong e-mail costs as much time as a wrong password.
pub fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("mamori-dummy-password-for-timing").unwrap_or_default())
}

/// Run CPU-heavy password work off the async threads.
pub async fn verify_password_blocking(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

pub async fn hash_password_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
}

// ---------------------------------------------------------------- TOTP

pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    pub const STEP_SECS: i64 = 30;

    pub fn new_secret() -> String {
        Secret::generate_secret().to_encoded().to_string()
    }

    fn totp(secret_b32: &str, account: &str) -> Option<TOTP> {
        let bytes = Secret::Encoded(secret_b32.to_string()).to_bytes().ok()?;
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            STEP_SECS as u64,
            bytes,
            Some("mamori".to_string()),
            account.replace(':', "_"),
        )
        .ok()
    }

    /// The otpauth:// URI an authenticator app reads from the QR code.
    pub fn uri(secret_b32: &str, account: &str) -> Option<String> {
        totp(secret_b32, account).map(|t| t.get_url())
    }

    /// The time step the code belongs to (now, one before or one after), if it is right.
    pub fn matching_step(secret_b32: &str, code: &str, now_ms: i64) -> Option<i64> {
        let code = code.trim().replace(' ', "");
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let t = totp(secret_b32, "x")?;
        let step = now_ms / 1000 / STEP_SECS;
        [step, step - 1, step + 1].into_iter().find(|s| {
            let expected = t.generate((*s * STEP_SECS) as u64);
            super::same(&expected, &code)
        })
    }

    /// The code for a given time (used by tests and the demo helper).
    pub fn code_at(secret_b32: &str, now_ms: i64) -> Option<String> {
        totp(secret_b32, "x").map(|t| t.generate((now_ms / 1000) as u64))
    }
}

/// Ten recovery codes (`xxxxx-xxxxx`, 50 bits each) and their hashes.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut codes = Vec::new();
    for _ in 0..10 {
        let mut b = [0u8; 7];
        rand::rngs::OsRng.fill_bytes(&mut b);
        let s = data_encoding::BASE32_NOPAD.encode(&b).to_lowercase();
        codes.push(format!("{}-{}", &s[..5], &s[5..10]));
    }
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

pub fn recovery_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sha256_hex(&norm)
}
