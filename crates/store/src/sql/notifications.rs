//! SQL of the notifications area (NotificationStore) and [`notify`], which the other areas
//! call inside their transactions; compiled for both backends as a child of `sql`.

use super::{This, Tx};
use crate::notifications::{
    DueAnswer, ExpiringCertification, ExpiringLink, Notification, NotificationStore, OutboxCounts,
    OutboxMail,
};
use crate::{new_id, now_ms, Actor, Result};
use async_trait::async_trait;
use mamori_domain::notifications::{Audience, NoticeDraft, NotificationKind, MAX_ATTEMPTS};

#[derive(sqlx::FromRow)]
struct Recipient {
    id: String,
    email: String,
    locale: String,
}

/// Write `notices` inside `tx`: one notice per recipient (the actor excluded; a notice with
/// a key only once per user), and its mail in the outbox unless the recipient opted out of
/// the kind. Returns how many notices were new.
pub(super) async fn notify(tx: &mut Tx, actor: &Actor, notices: &[NoticeDraft]) -> Result<usize> {
    let now = now_ms();
    let mut written = 0;
    // A user reached through two audiences of one change is told once (reminders of
    // different records, with their own keys, are each told).
    let mut told = std::collections::HashSet::new();
    for n in notices {
        let recipients: Vec<Recipient> = match &n.audience {
            Audience::Role(role) => {
                let Some(inst) = &n.institution_id else {
                    continue;
                };
                sqlx::query_as(
                    "SELECT u.id, u.email, u.locale FROM institution_roles r \
                     JOIN users u ON u.id = r.user_id WHERE r.institution_id = $1 \
                     AND r.role = $2 AND (r.expires_at IS NULL OR r.expires_at > $3) \
                     AND NOT u.disabled ORDER BY u.id",
                )
                .bind(inst)
                .bind(role.as_str())
                .bind(now)
                .fetch_all(&mut **tx)
                .await?
            }
            Audience::VendorMembers(vendor) => {
                sqlx::query_as(
                    "SELECT u.id, u.email, u.locale FROM vendor_members m \
                     JOIN users u ON u.id = m.user_id WHERE m.vendor_id = $1 \
                     AND m.status = 'active' AND NOT u.disabled ORDER BY u.id",
                )
                .bind(vendor)
                .fetch_all(&mut **tx)
                .await?
            }
            Audience::User(id) => {
                sqlx::query_as("SELECT id, email, locale FROM users WHERE id = $1 AND NOT disabled")
                    .bind(id)
                    .fetch_all(&mut **tx)
                    .await?
            }
            Audience::Address(to) => {
                queue_mail(tx, n, None, to, "ja", now).await?;
                continue;
            }
        };
        let params = n.params.to_string();
        for r in recipients {
            if actor.user_id.as_deref() == Some(r.id.as_str())
                || !told.insert((n.kind, r.id.clone(), n.dedup_key.clone()))
            {
                continue;
            }
            let id = new_id();
            let added = sqlx::query(
                "INSERT INTO notifications (id, user_id, institution_id, kind, link, params, \
                 dedup_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) \
                 ON CONFLICT (user_id, dedup_key) DO NOTHING",
            )
            .bind(&id)
            .bind(&r.id)
            .bind(&n.institution_id)
            .bind(n.kind)
            .bind(&n.link)
            .bind(&params)
            .bind(&n.dedup_key)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if added == 0 {
                continue;
            }
            written += 1;
            let mail: Option<(bool,)> = sqlx::query_as(
                "SELECT mail FROM notification_prefs WHERE user_id = $1 AND kind = $2",
            )
            .bind(&r.id)
            .bind(n.kind)
            .fetch_optional(&mut **tx)
            .await?;
            if mail.is_none_or(|(m,)| m) {
                queue_mail(tx, n, Some(&id), &r.email, &r.locale, now).await?;
            }
        }
    }
    Ok(written)
}

/// Withdraw unsent inspector-link mail whose link is revoked or expired at `now` (the mail
/// names its link in its params as `"link_id"`): the link cleared, no attempt left.
pub(super) async fn withdraw_dead_link_mail(tx: &mut Tx, now: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET link = '', attempts = $1, last_error = 'withdrawn: the link is no \
         longer valid' WHERE kind = $2 AND sent_at IS NULL AND attempts < $1 AND link <> '' AND EXISTS (\
         SELECT 1 FROM inspector_links l WHERE outbox.params LIKE \
         '%\"link_id\":\"' || l.id || '\"%' AND (l.revoked_at IS NOT NULL OR l.expires_at <= $3))",
    )
    .bind(MAX_ATTEMPTS)
    .bind(NotificationKind::InspectorLinkShared)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

async fn queue_mail(
    tx: &mut Tx,
    n: &NoticeDraft,
    notification_id: Option<&str>,
    to: &str,
    locale: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, institution_id, notification_id, to_address, kind, link, \
         params, locale, next_attempt_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)",
    )
    .bind(new_id())
    .bind(&n.institution_id)
    .bind(notification_id)
    .bind(to)
    .bind(n.kind)
    .bind(&n.link)
    .bind(n.params.to_string())
    .bind(locale)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const NOTICE_SELECT: &str = "SELECT id, user_id, institution_id, kind, link, params, \
     created_at, read_at FROM notifications";

#[async_trait]
impl NotificationStore for This {
    async fn add_notices(&self, actor: &Actor, notices: &[NoticeDraft]) -> Result<usize> {
        let mut tx = self.begin().await?;
        let n = notify(&mut tx, actor, notices).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn notifications(&self, user_id: &str, limit: i64) -> Result<Vec<Notification>> {
        Ok(sqlx::query_as(&format!(
            "{NOTICE_SELECT} WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.r())
        .await?)
    }

    async fn unread_notifications(&self, user_id: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.r())
        .await?;
        Ok(n)
    }

    async fn mark_notification_read(&self, user_id: &str, id: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
             WHERE id = $2 AND user_id = $3",
        )
        .bind(now_ms())
        .bind(id)
        .bind(user_id)
        .execute(self.w())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn mark_all_notifications_read(&self, user_id: &str) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .execute(self.w())
        .await?
        .rows_affected())
    }

    async fn mail_opt_outs(&self, user_id: &str) -> Result<Vec<NotificationKind>> {
        let rows: Vec<(NotificationKind,)> = sqlx::query_as(
            "SELECT kind FROM notification_prefs WHERE user_id = $1 AND NOT mail ORDER BY kind",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    async fn set_mail_preference(
        &self,
        actor: &Actor,
        user_id: &str,
        kind: NotificationKind,
        mail: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "INSERT INTO notification_prefs (user_id, kind, mail) VALUES ($1,$2,$3) \
             ON CONFLICT (user_id, kind) DO UPDATE SET mail = excluded.mail \
             WHERE notification_prefs.mail <> excluded.mail",
        )
        .bind(user_id)
        .bind(kind)
        .bind(mail)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(());
        }
        super::finish(
            tx,
            actor,
            crate::AuditDraft::new(
                None,
                "notification.preference",
                "user",
                user_id,
                serde_json::json!({"kind": kind, "mail": mail}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn due_mail(&self, now: i64, limit: i64) -> Result<Vec<OutboxMail>> {
        Ok(sqlx::query_as(
            "SELECT id, to_address, attempts, next_attempt_at, kind, link, params, locale, \
             last_error FROM outbox WHERE sent_at IS NULL AND attempts < $1 \
             AND next_attempt_at <= $2 ORDER BY next_attempt_at, id LIMIT $3",
        )
        .bind(MAX_ATTEMPTS)
        .bind(now)
        .bind(limit)
        .fetch_all(self.r())
        .await?)
    }

    async fn claim_mail(&self, id: &str, seen_next: i64, lease_until: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at = $3 \
             AND sent_at IS NULL",
        )
        .bind(lease_until)
        .bind(id)
        .bind(seen_next)
        .execute(self.w())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn mail_sent(&self, id: &str, at: i64) -> Result<()> {
        // A link that is itself a credential (an inspector link) is not kept once sent.
        sqlx::query(
            "UPDATE outbox SET sent_at = $1, last_error = '', link = CASE WHEN kind = $2 \
             THEN '' ELSE link END WHERE id = $3",
        )
        .bind(at)
        .bind(NotificationKind::InspectorLinkShared)
        .bind(id)
        .execute(self.w())
        .await?;
        Ok(())
    }

    async fn mail_failed(&self, id: &str, error: &str, next_attempt_at: i64) -> Result<()> {
        let error: String = error.chars().take(500).collect();
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 \
             WHERE id = $3",
        )
        .bind(error)
        .bind(next_attempt_at)
        .bind(id)
        .execute(self.w())
        .await?;
        Ok(())
    }

    async fn withdraw_dead_link_mail(&self, now: i64) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = withdraw_dead_link_mail(&mut tx, now).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn outbox_counts(&self) -> Result<OutboxCounts> {
        let (waiting, sent, failed): (i64, i64, i64) = sqlx::query_as(
            "SELECT \
             COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts < $1 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN sent_at IS NULL AND attempts >= $1 THEN 1 ELSE 0 END), 0) \
             FROM outbox",
        )
        .bind(MAX_ATTEMPTS)
        .fetch_one(self.r())
        .await?;
        Ok(OutboxCounts {
            waiting,
            sent,
            failed,
        })
    }

    async fn due_answers(&self, until: &str) -> Result<Vec<DueAnswer>> {
        Ok(sqlx::query_as(
            "SELECT a.institution_id, i.code AS institution_code, i.name AS institution_name, \
             a.assessment_id, s.fiscal_year, s.catalog_id, a.item_id, a.slot, a.target_on \
             FROM assessment_answers a JOIN assessments s ON s.id = a.assessment_id \
             JOIN institutions i ON i.id = a.institution_id \
             WHERE a.check1 = 'no' AND a.check2 IS NULL AND NOT a.carried \
             AND a.target_on IS NOT NULL AND a.target_on <= $1 AND s.status <> 'approved' \
             ORDER BY a.institution_id, a.assessment_id, a.item_id, a.slot",
        )
        .bind(until)
        .fetch_all(self.r())
        .await?)
    }

    async fn expiring_certifications(&self, until: &str) -> Result<Vec<ExpiringCertification>> {
        Ok(sqlx::query_as(
            "SELECT DISTINCT c.id, c.vendor_id, k.institution_id, c.name, c.expires_on \
             FROM vendor_certifications c JOIN contracts k ON k.vendor_id = c.vendor_id \
             WHERE c.expires_on IS NOT NULL AND c.expires_on <= $1 \
             ORDER BY c.id, k.institution_id",
        )
        .bind(until)
        .fetch_all(self.r())
        .await?)
    }

    async fn expiring_inspector_links(&self, now: i64, until: i64) -> Result<Vec<ExpiringLink>> {
        Ok(sqlx::query_as(
            "SELECT l.id, l.institution_id, i.code AS institution_code, l.assessment_id, \
             l.label, l.expires_at, l.created_by FROM inspector_links l \
             JOIN institutions i ON i.id = l.institution_id \
             WHERE l.revoked_at IS NULL AND l.expires_at > $1 AND l.expires_at <= $2 \
             AND l.created_by IS NOT NULL ORDER BY l.expires_at",
        )
        .bind(now)
        .bind(until)
        .fetch_all(self.r())
        .await?)
    }
}
