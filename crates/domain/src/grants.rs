//! A secret handed out once — a personal API token, an invitation link, an inspector link.
//! One rule for all three: only the secret's hash is kept, every grant has an expiry, and it
//! ends early when it is revoked (a token, a link) or used (an invitation).

crate::code_enum!(
    /// Where a grant stands at a moment.
    GrantStanding {
        /// It can be used.
        Active = "active",
        /// Its time is over.
        Expired = "expired",
        /// Revoked, or (an invitation) used.
        Ended = "ended",
    }
);

/// A grant's standing at `now`: ended as soon as `ended_at` is set, expired from
/// `expires_at` on.
pub fn standing(expires_at: Option<i64>, ended_at: Option<i64>, now: i64) -> GrantStanding {
    if ended_at.is_some() {
        GrantStanding::Ended
    } else if expires_at.is_some_and(|e| e <= now) {
        GrantStanding::Expired
    } else {
        GrantStanding::Active
    }
}

/// When a grant made at `now` for `days` days expires (unix ms).
pub fn expiry(now: i64, days: i64) -> i64 {
    now.saturating_add(days.saturating_mul(86_400_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ended_beats_expired_and_expiry_is_exclusive() {
        assert_eq!(standing(Some(10), None, 9), GrantStanding::Active);
        assert_eq!(standing(Some(10), None, 10), GrantStanding::Expired);
        assert_eq!(standing(None, None, i64::MAX), GrantStanding::Active);
        assert_eq!(standing(Some(10), Some(5), 20), GrantStanding::Ended);
        assert_eq!(expiry(0, 1), 86_400_000);
        assert_eq!(expiry(i64::MAX - 1, 30), i64::MAX);
    }
}
