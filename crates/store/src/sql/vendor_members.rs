//! SQL of the vendor-member and throttle areas, compiled for both backends as a child of
//! `shared` (it uses the same transaction and audit helpers).

use super::{corrupt, finish, This, UserRow, USER_COLS};
use crate::error::fk;
use crate::vendor_members::{MembershipChange, ThrottleStore, VendorMember, VendorMemberStore};
use crate::{now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, StoreError};
use async_trait::async_trait;
use mamori_domain::vendor_members::{check_change, Membership, MembershipStatus, VendorRole};
use serde_json::json;
use sqlx::FromRow;

#[derive(FromRow)]
struct MemberRow {
    vendor_id: String,
    vendor_name: String,
    role: String,
    status: String,
    requested_by_institution: Option<String>,
    requested_by_name: Option<String>,
    member_created_at: i64,
    #[sqlx(flatten)]
    user: UserRow,
}

impl MemberRow {
    fn into_member(self) -> Result<VendorMember> {
        Ok(VendorMember {
            role: self
                .role
                .parse()
                .map_err(|_| corrupt("vendor role", &self.role))?,
            status: self
                .status
                .parse()
                .map_err(|_| corrupt("membership status", &self.status))?,
            vendor_id: self.vendor_id,
            vendor_name: self.vendor_name,
            requested_by_institution: self.requested_by_institution,
            requested_by_name: self.requested_by_name,
            created_at: self.member_created_at,
            user: self.user.into_auth().user,
        })
    }
}

fn member_select(cond: &str) -> String {
    let cols = USER_COLS
        .split(',')
        .map(|c| format!("u.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT m.vendor_id, v.name AS vendor_name, m.role, m.status, \
         m.requested_by_institution, i.name AS requested_by_name, \
         m.created_at AS member_created_at, {cols} \
         FROM vendor_members m JOIN users u ON u.id = m.user_id \
         JOIN vendors v ON v.id = m.vendor_id \
         LEFT JOIN institutions i ON i.id = m.requested_by_institution \
         WHERE {cond} ORDER BY v.name, CASE m.status WHEN 'pending' THEN 0 ELSE 1 END, \
         CASE m.role WHEN 'admin' THEN 0 ELSE 1 END, u.display_name, u.id"
    )
}

/// Hold the vendor's row for the rest of the transaction (changes of one vendor's members
/// queue here) and read its memberships.
async fn held_members(tx: &mut super::Tx, vendor_id: &str) -> Result<Vec<Membership>> {
    let n = sqlx::query("UPDATE vendors SET version = version WHERE id = $1")
        .bind(vendor_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound(Entity::Vendor));
    }
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT user_id, role, status FROM vendor_members WHERE vendor_id = $1")
            .bind(vendor_id)
            .fetch_all(&mut **tx)
            .await?;
    rows.into_iter()
        .map(|(user_id, role, status)| {
            Ok(Membership {
                role: role.parse().map_err(|_| corrupt("vendor role", &role))?,
                status: status
                    .parse()
                    .map_err(|_| corrupt("membership status", &status))?,
                user_id,
            })
        })
        .collect()
}

#[async_trait]
impl VendorMemberStore for This {
    async fn vendor_members(&self, vendor_id: &str) -> Result<Vec<VendorMember>> {
        self.all::<MemberRow, _>(&member_select("m.vendor_id = $1"), vendor_id)
            .await?
            .into_iter()
            .map(MemberRow::into_member)
            .collect()
    }

    async fn memberships_of(&self, user_id: &str) -> Result<Vec<VendorMember>> {
        self.all::<MemberRow, _>(&member_select("m.user_id = $1"), user_id)
            .await?
            .into_iter()
            .map(MemberRow::into_member)
            .collect()
    }

    async fn change_vendor_member(
        &self,
        actor: &Actor,
        vendor_id: &str,
        user_id: &str,
        change: MembershipChange,
        by_platform_admin: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let members = held_members(&mut tx, vendor_id).await?;
        let before = members.iter().find(|m| m.user_id == user_id).cloned();
        if before.is_none() && change.is_none() {
            return Err(StoreError::NotFound(Entity::VendorMember));
        }
        // A pending membership becomes active only through `confirm_vendor_member`, which
        // replaces the credentials the inviter may know.
        if before
            .as_ref()
            .is_some_and(|b| b.status == MembershipStatus::Pending)
            && change.is_some_and(|(_, s)| s == MembershipStatus::Active)
        {
            return Err(StoreError::Conflict(ConflictKind::MembershipNotPending));
        }
        let actor_id = actor.user_id.as_deref().unwrap_or_default();
        check_change(&members, actor_id, by_platform_admin, user_id, change)
            .map_err(StoreError::Membership)?;
        let action = match (&before, change) {
            (_, None) => {
                sqlx::query("DELETE FROM vendor_members WHERE vendor_id = $1 AND user_id = $2")
                    .bind(vendor_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                "vendor.member.remove"
            }
            (Some(_), Some((role, status))) => {
                sqlx::query(
                    "UPDATE vendor_members SET role = $3, status = $4 \
                     WHERE vendor_id = $1 AND user_id = $2",
                )
                .bind(vendor_id)
                .bind(user_id)
                .bind(role.as_str())
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?;
                "vendor.member.change"
            }
            (None, Some((role, status))) => {
                sqlx::query(
                    "INSERT INTO vendor_members (vendor_id, user_id, role, status, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(vendor_id)
                .bind(user_id)
                .bind(role.as_str())
                .bind(status.as_str())
                .bind(now_ms())
                .execute(&mut *tx)
                .await
                .map_err(fk(Entity::User))?;
                "vendor.member.add"
            }
        };
        let show = |m: Option<(String, String)>| match m {
            Some((r, s)) => json!({"role": r, "status": s}),
            None => json!(null),
        };
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                action,
                "vendor",
                vendor_id,
                json!({
                    "user_id": user_id,
                    "before": show(before.map(|b| (b.role.to_string(), b.status.to_string()))),
                    "after": show(change.map(|(r, s)| (r.to_string(), s.to_string()))),
                }),
            ),
        )
        .await?;
        Ok(())
    }

    async fn confirm_vendor_member(
        &self,
        actor: &Actor,
        vendor_id: &str,
        user_id: &str,
        role: VendorRole,
        password_hash: &str,
        by_platform_admin: bool,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let members = held_members(&mut tx, vendor_id).await?;
        match members.iter().find(|m| m.user_id == user_id) {
            None => return Err(StoreError::NotFound(Entity::VendorMember)),
            Some(m) if m.status != MembershipStatus::Pending => {
                return Err(StoreError::Conflict(ConflictKind::MembershipActive))
            }
            Some(_) => {}
        }
        let actor_id = actor.user_id.as_deref().unwrap_or_default();
        let change = Some((role, MembershipStatus::Active));
        check_change(&members, actor_id, by_platform_admin, user_id, change)
            .map_err(StoreError::Membership)?;
        sqlx::query(
            "UPDATE vendor_members SET role = $3, status = 'active' \
             WHERE vendor_id = $1 AND user_id = $2",
        )
        .bind(vendor_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?;
        // Whoever received the invitation link may have set these: the person starts
        // afresh with the password the vendor hands over.
        sqlx::query(
            "UPDATE users SET password_hash = $2, totp_secret = NULL, totp_last_step = 0, \
             version = version + 1 WHERE id = $1",
        )
        .bind(user_id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let (sessions, tokens) = super::end_sign_ins(&mut tx, user_id, None).await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.member.confirm",
                "vendor",
                vendor_id,
                json!({"user_id": user_id, "role": role.as_str(), "credentials_reset": true,
                       "sessions_ended": sessions, "tokens_revoked": tokens}),
            ),
        )
        .await?;
        Ok(())
    }
}

fn parse_attempts(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|t| t.parse().ok()).collect()
}

fn join_attempts(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

#[async_trait]
impl ThrottleStore for This {
    async fn throttle_attempt(
        &self,
        key_hash: &str,
        max: u32,
        window_ms: i64,
        now: i64,
    ) -> Result<std::result::Result<(), u64>> {
        let horizon = now - window_ms;
        let refusal = |list: &[i64]| {
            let oldest = list.iter().copied().min().unwrap_or(now);
            let wait = (oldest + window_ms - now).max(1000);
            (wait as u64).div_ceil(1000)
        };
        // A key already over the limit is refused from a read alone: no write transaction.
        let seen: Option<(String,)> =
            sqlx::query_as("SELECT attempts FROM throttle_attempts WHERE key_hash = $1")
                .bind(key_hash)
                .fetch_optional(self.r())
                .await?;
        if let Some((attempts,)) = seen {
            let live: Vec<i64> = parse_attempts(&attempts)
                .into_iter()
                .filter(|t| *t > horizon)
                .collect();
            if live.len() >= max as usize {
                return Ok(Err(refusal(&live)));
            }
        }
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM throttle_attempts WHERE last_at <= $1")
            .bind(horizon)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO throttle_attempts (key_hash, attempts, last_at) VALUES ($1, '', $2) \
             ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(key_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // A no-op update takes the row lock (PostgreSQL); SQLite has one writer.
        sqlx::query("UPDATE throttle_attempts SET last_at = last_at WHERE key_hash = $1")
            .bind(key_hash)
            .execute(&mut *tx)
            .await?;
        let (attempts,): (String,) =
            sqlx::query_as("SELECT attempts FROM throttle_attempts WHERE key_hash = $1")
                .bind(key_hash)
                .fetch_one(&mut *tx)
                .await?;
        let mut list: Vec<i64> = parse_attempts(&attempts)
            .into_iter()
            .filter(|t| *t > horizon)
            .collect();
        if list.len() >= max as usize {
            // Refused: nothing is written (the transaction is dropped).
            return Ok(Err(refusal(&list)));
        }
        list.push(now);
        let outcome = Ok(());
        let last = list.iter().copied().max().unwrap_or(now);
        sqlx::query("UPDATE throttle_attempts SET attempts = $2, last_at = $3 WHERE key_hash = $1")
            .bind(key_hash)
            .bind(join_attempts(&list))
            .bind(last)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn throttle_forgive_one(&self, key_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<(String,)> =
            sqlx::query_as("SELECT attempts FROM throttle_attempts WHERE key_hash = $1")
                .bind(key_hash)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((attempts,)) = row {
            let mut list = parse_attempts(&attempts);
            list.sort_unstable();
            list.pop();
            sqlx::query("UPDATE throttle_attempts SET attempts = $2 WHERE key_hash = $1")
                .bind(key_hash)
                .bind(join_attempts(&list))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn throttle_clear(&self, key_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM throttle_attempts WHERE key_hash = $1")
            .bind(key_hash)
            .execute(self.w())
            .await?;
        Ok(())
    }

    async fn throttle_clear_all(&self) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM throttle_attempts")
            .execute(self.w())
            .await?
            .rows_affected())
    }
}
