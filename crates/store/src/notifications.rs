//! Notices (in the app) and the mail outbox; tenant data (each names its institution).
//! Notices are written by the mutation that causes them (see `NoticeDraft`), in its
//! transaction; this area reads them, marks them read, keeps preferences and drives the
//! outbox.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::notifications::{NoticeDraft, NotificationKind};
use serde::Serialize;

/// One notice to one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub institution_id: Option<String>,
    pub kind: NotificationKind,
    pub link: String,
    /// The named values of the text (JSON object as text).
    pub params: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A mail of the outbox, with what its text is made from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: String,
    pub to_address: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub kind: NotificationKind,
    pub link: String,
    pub params: String,
    /// The recipient's language (`ja`, `en`).
    pub locale: String,
    pub last_error: String,
}

/// How the outbox stands (for the platform and the tests).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxCounts {
    pub waiting: i64,
    pub sent: i64,
    /// Given up after the last attempt.
    pub failed: i64,
}

/// A target date of an いいえ answer: what the daily reminders read.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueAnswer {
    pub institution_id: String,
    pub institution_code: String,
    pub institution_name: String,
    pub assessment_id: String,
    pub fiscal_year: i64,
    pub catalog_id: String,
    pub item_id: String,
    pub slot: String,
    pub target_on: String,
}

/// A certification of a vendor that serves at least one institution, with its expiry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiringCertification {
    pub id: String,
    pub vendor_id: String,
    /// An institution the vendor has a contract with (the notice's tenant).
    pub institution_id: String,
    pub name: String,
    pub expires_on: String,
}

/// A live inspector link with its expiry, for the reminder to the one who issued it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExpiringLink {
    pub id: String,
    pub institution_id: String,
    pub institution_code: String,
    pub assessment_id: String,
    pub label: String,
    pub expires_at: i64,
    pub created_by: String,
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Write notices outside any other change (the daily reminders): each with its mail
    /// in the outbox unless its recipient opted out. Returns how many notices were new.
    async fn add_notices(&self, actor: &Actor, notices: &[NoticeDraft]) -> Result<usize>;
    /// A user's notices, newest first (at most `limit`).
    async fn notifications(&self, user_id: &str, limit: i64) -> Result<Vec<Notification>>;
    async fn unread_notifications(&self, user_id: &str) -> Result<i64>;
    /// Mark one of the user's notices read; false when it is not the user's.
    async fn mark_notification_read(&self, user_id: &str, id: &str) -> Result<bool>;
    /// Mark all of a user's notices read; how many were unread.
    async fn mark_all_notifications_read(&self, user_id: &str) -> Result<u64>;
    /// The kinds the user gets no mail for.
    async fn mail_opt_outs(&self, user_id: &str) -> Result<Vec<NotificationKind>>;
    /// Set whether the user gets mail for `kind`.
    async fn set_mail_preference(
        &self,
        actor: &Actor,
        user_id: &str,
        kind: NotificationKind,
        mail: bool,
    ) -> Result<()>;
    /// Mail due at `now` (unsent, under the attempt limit), oldest first, at most `limit`.
    async fn due_mail(&self, now: i64, limit: i64) -> Result<Vec<OutboxMail>>;
    /// Take a due mail for sending: moves its next attempt to `lease_until` if it is still
    /// at `seen_next`; false when another sender took it.
    async fn claim_mail(&self, id: &str, seen_next: i64, lease_until: i64) -> Result<bool>;
    async fn mail_sent(&self, id: &str, at: i64) -> Result<()>;
    /// Record a failed attempt and when to try again.
    async fn mail_failed(&self, id: &str, error: &str, next_attempt_at: i64) -> Result<()>;
    async fn outbox_counts(&self) -> Result<OutboxCounts>;
    /// Withdraw unsent mail that carries an inspector link no longer usable (revoked or
    /// expired at `now`): the link (a credential) is cleared and the mail is not sent.
    /// Returns how many were withdrawn.
    async fn withdraw_dead_link_mail(&self, now: i64) -> Result<u64>;
    /// いいえ answers with a target date on or before `until`, of assessments not yet
    /// approved (the current year's work).
    async fn due_answers(&self, until: &str) -> Result<Vec<DueAnswer>>;
    /// Certifications expiring on or before `until` of vendors with a contract.
    async fn expiring_certifications(&self, until: &str) -> Result<Vec<ExpiringCertification>>;
    /// Live inspector links expiring before `until` (unix ms).
    async fn expiring_inspector_links(&self, now: i64, until: i64) -> Result<Vec<ExpiringLink>>;
}
