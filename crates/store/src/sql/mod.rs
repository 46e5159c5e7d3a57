//! The SQL of the Store contract, shared by both backends: the transaction and audit helpers
//! here, each area's SQL in its own file beside this one. This module is compiled twice, as
//! `sqlite::sql` and `postgres::sql`; `Db` and `This` name the backend's database and store
//! type. Placeholders are `$n`, which both SQLite and PostgreSQL accept.

use super::{Db, This};
use crate::{
    new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, StoreError, UserAuth,
};
use mamori_domain::audit::{AuditRecord, GENESIS, GLOBAL_CHAIN};
use mamori_domain::User;
use serde_json::json;
use sqlx::{FromRow, Transaction};

type Tx = Transaction<'static, Db>;

// One file per area of the contract, each compiled with this one (so for both backends).
#[allow(clippy::duplicate_mod)]
#[path = "accounts.rs"]
mod accounts;
#[allow(clippy::duplicate_mod)]
#[path = "answers.rs"]
mod answers;
#[allow(clippy::duplicate_mod)]
#[path = "assessments.rs"]
mod assessments;
#[allow(clippy::duplicate_mod)]
#[path = "asset_eos.rs"]
mod asset_eos;
#[allow(clippy::duplicate_mod)]
#[path = "assets.rs"]
mod assets;
#[allow(clippy::duplicate_mod)]
#[path = "audit.rs"]
mod audit;
#[allow(clippy::duplicate_mod)]
#[path = "catalogs.rs"]
mod catalogs;
#[allow(clippy::duplicate_mod)]
#[path = "contracts.rs"]
mod contracts;
#[allow(clippy::duplicate_mod)]
#[path = "institutions.rs"]
mod institutions;
#[allow(clippy::duplicate_mod)]
#[path = "inventory.rs"]
mod inventory;
#[allow(clippy::duplicate_mod)]
#[path = "network.rs"]
mod network;
#[allow(clippy::duplicate_mod)]
#[path = "notifications.rs"]
mod notifications;
#[allow(clippy::duplicate_mod)]
#[path = "role_sharing.rs"]
mod role_sharing;
#[allow(clippy::duplicate_mod)]
#[path = "vendor_members.rs"]
mod vendor_members;
#[allow(clippy::duplicate_mod)]
#[path = "vendor_sheets.rs"]
mod vendor_sheets;
#[allow(clippy::duplicate_mod)]
#[path = "vendors.rs"]
mod vendors;

// Checkpoints and the chain registry (see audit_anchor.rs).
#[allow(clippy::duplicate_mod)]
#[path = "audit_anchor.rs"]
pub(super) mod anchor;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("unexpected {what} in database: {value}").into(),
    ))
}

#[derive(FromRow)]
struct UserRow {
    id: String,
    email: String,
    display_name: String,
    password_hash: String,
    platform_admin: bool,
    locale: String,
    totp_secret: Option<String>,
    totp_last_step: i64,
    disabled: bool,
    version: i64,
    created_at: i64,
}

const USER_COLS: &str = "id, email, display_name, password_hash, platform_admin, locale, \
     totp_secret, totp_last_step, disabled, version, created_at";

impl UserRow {
    fn into_auth(self) -> UserAuth {
        UserAuth {
            user: User {
                mfa_enabled: self.totp_secret.is_some(),
                id: self.id,
                email: self.email,
                display_name: self.display_name,
                platform_admin: self.platform_admin,
                locale: self.locale,
                disabled: self.disabled,
                version: self.version,
                created_at: self.created_at,
            },
            password_hash: self.password_hash,
            totp_secret: self.totp_secret,
            totp_last_step: self.totp_last_step,
        }
    }
}

/// Append an audit event to its chain inside `tx`. The `UPDATE` of the chain head takes the
/// head's row lock (PostgreSQL) or runs under the single writer (SQLite), so concurrent
/// appends to one chain queue up instead of forking it. The first event of a new chain
/// also registers the chain in the global chain (`audit.chain.open`, in the same
/// transaction), so a chain deleted later is missing from a chain that names it.
async fn append(tx: &mut Tx, actor: &Actor, d: AuditDraft) -> Result<AuditRecord> {
    let chain = d
        .institution_id
        .clone()
        .unwrap_or_else(|| GLOBAL_CHAIN.to_string());
    let (rec, opened) = append_to(tx, actor, chain, d).await?;
    if opened && rec.chain != GLOBAL_CHAIN {
        anchor::register_chain(tx, actor, &rec.chain, json!({"first_event": rec.id})).await?;
    }
    Ok(rec)
}

/// Append one event to `chain`; true when it is the chain's first (its head was created).
async fn append_to(
    tx: &mut Tx,
    actor: &Actor,
    chain: String,
    d: AuditDraft,
) -> Result<(AuditRecord, bool)> {
    let bump = "UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1";
    let mut opened = false;
    if sqlx::query(bump)
        .bind(&chain)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 0
    {
        opened = sqlx::query(
            "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (chain) DO NOTHING",
        )
        .bind(&chain)
        .bind(GENESIS)
        .execute(&mut **tx)
        .await?
        .rows_affected()
            == 1;
        sqlx::query(bump).bind(&chain).execute(&mut **tx).await?;
    }
    let (seq, prev_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE chain = $1")
            .bind(&chain)
            .fetch_one(&mut **tx)
            .await?;
    let mut rec = AuditRecord {
        id: new_id(),
        chain,
        seq: 0,
        institution_id: d.institution_id,
        occurred_at: now_ms(),
        actor_user_id: actor.user_id.clone(),
        actor_label: actor.label.clone(),
        action: d.action,
        target_kind: d.target_kind,
        target_id: d.target_id,
        changes: d.changes.to_string(),
        request_id: actor.request_id.clone(),
        client_addr: actor.client_addr.clone(),
        prev_hash: String::new(),
        hash: String::new(),
    };
    rec.seal(seq - 1, &prev_hash);
    sqlx::query(
        "INSERT INTO audit_events (id, chain, seq, institution_id, occurred_at, actor_user_id, \
         actor_label, action, target_kind, target_id, changes, request_id, client_addr, \
         prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
    )
    .bind(&rec.id)
    .bind(&rec.chain)
    .bind(rec.seq)
    .bind(&rec.institution_id)
    .bind(rec.occurred_at)
    .bind(&rec.actor_user_id)
    .bind(&rec.actor_label)
    .bind(&rec.action)
    .bind(&rec.target_kind)
    .bind(&rec.target_id)
    .bind(&rec.changes)
    .bind(&rec.request_id)
    .bind(&rec.client_addr)
    .bind(&rec.prev_hash)
    .bind(&rec.hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_heads SET hash = $2 WHERE chain = $1")
        .bind(&rec.chain)
        .bind(&rec.hash)
        .execute(&mut **tx)
        .await?;
    Ok((rec, opened))
}

/// Keep a file's content under its SHA-256, once whatever the number of records pointing at it.
async fn put_blob(tx: &mut Tx, sha256: &str, content: &[u8], now: i64) -> Result<()> {
    let have: Option<(String,)> = sqlx::query_as("SELECT sha256 FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&mut **tx)
        .await?;
    if have.is_none() {
        sqlx::query("INSERT INTO blobs (sha256, size, content, created_at) VALUES ($1,$2,$3,$4)")
            .bind(sha256)
            .bind(content.len() as i64)
            .bind(content)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// What a write into an answer sheet needs to stay open: a draft assessment, or a vendor
/// sheet not yet submitted.
#[derive(Clone, Copy)]
enum Sheet {
    Assessment,
    VendorSheet,
}

/// Hold the sheet open for the rest of the transaction: a no-op update takes its row lock
/// on PostgreSQL (SQLite has one writer), so an approval or a submission cannot commit
/// between this check and the change it guards; they wait, or this one finds them done.
async fn hold_open(tx: &mut Tx, sheet: Sheet, id: &str, institution_id: &str) -> Result<()> {
    let (table, open, missing, closed) = match sheet {
        Sheet::Assessment => (
            "assessments",
            "draft",
            Entity::Assessment,
            ConflictKind::AssessmentApproved,
        ),
        Sheet::VendorSheet => (
            "vendor_sheets",
            "requested",
            Entity::VendorSheet,
            ConflictKind::VendorSheetSubmitted,
        ),
    };
    let n = sqlx::query(&format!(
        "UPDATE {table} SET version = version WHERE id = $1 AND institution_id = $2 \
         AND status = $3"
    ))
    .bind(id)
    .bind(institution_id)
    .bind(open)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n == 1 {
        return Ok(());
    }
    let exists: Option<(String,)> = sqlx::query_as(&format!(
        "SELECT id FROM {table} WHERE id = $1 AND institution_id = $2"
    ))
    .bind(id)
    .bind(institution_id)
    .fetch_optional(&mut **tx)
    .await?;
    Err(match exists {
        None => StoreError::NotFound(missing),
        Some(_) => StoreError::Conflict(closed),
    })
}

/// End every session of the user but `keep` and revoke every live API token, inside the
/// caller's transaction: (sessions ended, tokens revoked).
async fn end_sign_ins(tx: &mut Tx, user_id: &str, keep: Option<&str>) -> Result<(u64, u64)> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    let tokens = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok((sessions, tokens))
}

/// End a mutation: append its audit event and commit, in one step, so that no change can be
/// committed without its event.
async fn finish(mut tx: Tx, actor: &Actor, d: AuditDraft) -> Result<AuditRecord> {
    let rec = append(&mut tx, actor, d).await?;
    tx.commit().await?;
    Ok(rec)
}

/// [`finish`] with the notices the change causes, written in the same transaction.
async fn finish_notify(
    mut tx: Tx,
    actor: &Actor,
    d: AuditDraft,
    notices: &[mamori_domain::notifications::NoticeDraft],
) -> Result<AuditRecord> {
    notifications::notify(&mut tx, actor, notices).await?;
    finish(tx, actor, d).await
}

/// `%s%` for LIKE, with the wildcards of `s` escaped.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// What a read can decode its rows into.
trait Row: for<'r> FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin {}

/// What a read can bind to its placeholder.
trait Arg<'q>: sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send + 'q {}
impl<'q, A> Arg<'q> for A where A: sqlx::Encode<'q, Db> + sqlx::Type<Db> + Send + 'q {}

impl This {
    async fn begin(&self) -> Result<Tx> {
        Ok(self.w().begin().await?)
    }

    /// Every row of `sql`, its one placeholder `$1` bound to `arg`.
    async fn all<'q, T: Row, A: Arg<'q>>(&self, sql: &'q str, arg: A) -> Result<Vec<T>> {
        Ok(sqlx::query_as::<_, T>(sql)
            .bind(arg)
            .fetch_all(self.r())
            .await?)
    }

    /// The row of `sql` if there is one, its one placeholder `$1` bound to `arg`.
    async fn one<'q, T: Row, A: Arg<'q>>(&self, sql: &'q str, arg: A) -> Result<Option<T>> {
        Ok(sqlx::query_as::<_, T>(sql)
            .bind(arg)
            .fetch_optional(self.r())
            .await?)
    }
}
