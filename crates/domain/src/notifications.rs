//! Who is told what: the kinds of notice, who receives each, when a due date deserves a
//! reminder, and how a failed mail is retried. Pure: the store writes the notices in the
//! transaction of the event that causes them, the application layer sends the mail.

use crate::model::Role;

crate::code_enum!(
    /// What a notice is about. Each kind has its text (`notice-<code>` and
    /// `notice-<code>-subject` in the messages) and a per-user mail opt-out.
    NotificationKind {
        /// The officer asks the executive to approve a checklist (承認依頼).
        ApprovalRequested = "approval_requested",
        /// The executive approved the checklist.
        Approved = "approved",
        /// The checklist was sent back (by the executive, with a reason, or withdrawn).
        ApprovalReturned = "approval_returned",
        /// An institution asks a vendor to answer its vendor sheet.
        VendorSheetRequested = "vendor_sheet_requested",
        /// The institution returned the vendor's sheet for changes.
        VendorSheetReturned = "vendor_sheet_returned",
        /// The vendor submitted its sheet.
        VendorSheetSubmitted = "vendor_sheet_submitted",
        /// A role-sharing item waits for the other party's agreement.
        RoleSharingProposal = "role_sharing_proposal",
        /// A target date (目標日) of an いいえ answer is 30 or 7 days away, or passed.
        TargetDateDue = "target_date_due",
        /// A vendor certification expires within 30 or 7 days.
        CertificationExpiring = "certification_expiring",
        /// An inspector link expires within 7 days.
        InspectorLinkExpiring = "inspector_link_expiring",
        /// An inspector link was sent to this address.
        InspectorLinkShared = "inspector_link_shared",
    }
);

/// Who receives a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone holding a live `role` in the notice's institution.
    Role(Role),
    /// Every active member of a vendor.
    VendorMembers(String),
    /// One user.
    User(String),
    /// An address that may have no account (an inspector): mail only, no notice in the app.
    Address(String),
}

/// A notice to write with the event that causes it. The text is made from `kind` and
/// `params` when shown or mailed, in the reader's language; `link` is the path to act at.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeDraft {
    pub kind: NotificationKind,
    /// The institution it concerns (the tenant); none for a vendor's own records (its
    /// certifications). [`Audience::Role`] needs one.
    pub institution_id: Option<String>,
    pub audience: Audience,
    pub link: String,
    /// The named values of the text (institution, fiscal year, who, reason …).
    pub params: serde_json::Value,
    /// A notice with a key is written once per user (reminders that a daily job would
    /// otherwise repeat).
    pub dedup_key: Option<String>,
}

impl NoticeDraft {
    pub fn new(
        kind: NotificationKind,
        institution_id: Option<&str>,
        audience: Audience,
        link: impl Into<String>,
        params: serde_json::Value,
    ) -> Self {
        NoticeDraft {
            kind,
            institution_id: institution_id.map(str::to_string),
            audience,
            link: link.into(),
            params,
            dedup_key: None,
        }
    }

    pub fn once(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }
}

/// The reminder thresholds, in days before the date.
pub const REMINDER_DAYS: [i64; 2] = [30, 7];

/// Which reminder a date `days_left` away deserves: the smallest threshold it is within
/// (7 before 30), `Some(0)` once the date has passed, none when it is further than 30 days.
/// A daily job that missed a day still sends each reminder once (the key carries it).
pub fn reminder_threshold(days_left: i64) -> Option<i64> {
    if days_left < 0 {
        return Some(0);
    }
    REMINDER_DAYS
        .iter()
        .rev()
        .copied()
        .find(|t| days_left <= *t)
}

/// Days from `today` to `date` (both `YYYY-MM-DD`); none when either is not a date.
pub fn days_between(today: &str, date: &str) -> Option<i64> {
    let p = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some((p(date)? - p(today)?).num_days())
}

/// How many times a mail is tried before it is left failed (visible to the platform).
pub const MAX_ATTEMPTS: i64 = 12;

/// When to try a mail again after `attempts` failures, in ms after the failure: one
/// minute doubling up to six hours (1, 2, 4 … 360 minutes).
pub fn retry_delay_ms(attempts: i64) -> i64 {
    let minutes = 1i64 << attempts.clamp(0, 9);
    minutes.min(360) * 60_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        assert_eq!(reminder_threshold(45), None);
        assert_eq!(reminder_threshold(31), None);
        assert_eq!(reminder_threshold(30), Some(30));
        assert_eq!(reminder_threshold(8), Some(30));
        assert_eq!(reminder_threshold(7), Some(7));
        assert_eq!(reminder_threshold(0), Some(7));
        assert_eq!(reminder_threshold(-1), Some(0));
    }

    #[test]
    fn days() {
        assert_eq!(days_between("2026-03-01", "2026-03-31"), Some(30));
        assert_eq!(days_between("2026-03-31", "2026-03-01"), Some(-30));
        assert_eq!(days_between("x", "2026-03-01"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(retry_delay_ms(0), 60_000);
        assert_eq!(retry_delay_ms(1), 120_000);
        assert_eq!(retry_delay_ms(5), 32 * 60_000);
        assert_eq!(retry_delay_ms(9), 360 * 60_000);
        assert_eq!(retry_delay_ms(40), 360 * 60_000);
    }

    #[test]
    fn kinds_round_trip() {
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(NotificationKind::parse("nope"), None);
    }
}
