//! Password rules: at least 12 characters, not in the bundled list of common passwords,
//! not the e-mail address (nor its local part).

use std::sync::OnceLock;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 256;

static LIST: &str = include_str!("../data/common-passwords.txt");

fn common() -> &'static [&'static str] {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        // The header ends at the first empty line; the list is sorted and lower-cased.
        LIST.split('\n')
            .skip_while(|l| !l.is_empty())
            .filter(|l| !l.is_empty())
            .collect()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password is shorter than 12 characters")]
    TooShort,
    #[error("password is longer than 256 characters")]
    TooLong,
    #[error("password is in the list of common passwords")]
    Common,
    #[error("password must not be the e-mail address")]
    EqualsEmail,
}

impl PasswordError {
    /// Key of the message in the UI's Fluent files.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "password-too-short",
            PasswordError::TooLong => "password-too-long",
            PasswordError::Common => "password-common",
            PasswordError::EqualsEmail => "password-equals-email",
        }
    }
}

pub fn check(password: &str, email: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_LEN {
        return Err(PasswordError::TooShort);
    }
    if chars > MAX_LEN {
        return Err(PasswordError::TooLong);
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if lower == email || (!local.is_empty() && lower == local) {
        return Err(PasswordError::EqualsEmail);
    }
    if common().binary_search(&lower.as_str()).is_ok() {
        return Err(PasswordError::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_and_loaded() {
        let l = common();
        assert!(l.len() > 40_000);
        assert!(l.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn rules() {
        assert_eq!(check("short", "a@b.jp"), Err(PasswordError::TooShort));
        assert_eq!(check("password1234", "a@b.jp"), Err(PasswordError::Common));
        assert_eq!(check("Password1234", "a@b.jp"), Err(PasswordError::Common));
        assert_eq!(
            check(
                "Tanaka.Ichiro@Sakura.example.jp",
                "tanaka.ichiro@sakura.example.jp"
            ),
            Err(PasswordError::EqualsEmail)
        );
        assert_eq!(check("さくら病院の安全管理2026", "a@b.jp"), Ok(()));
        assert_eq!(
            check("x".repeat(300).as_str(), "a@b.jp"),
            Err(PasswordError::TooLong)
        );
    }
}
