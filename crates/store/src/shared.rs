//! The SQL of the Store contract, shared by both backends. This file is compiled twice, as
//! `sqlite::shared` and `postgres::shared`; `Db` and `This` name the backend's database and
//! store type. Placeholders are `$n`, which both SQLite and PostgreSQL accept.

use super::{Db, This};
use crate::{
    dup, new_id, now_ms, Actor, ApiToken, Assessment, AssessmentAnswer, AssessmentRevision,
    AuditDraft, AuditFilter, CatalogImport, CatalogItemRecord, CatalogRecord, Certification,
    ChainHead, Contract, ContractDocument, Evidence, InspectorLink, InstitutionSettings, Invite,
    Member, NewContract, NewInstitution, NewSystem, NewUser, Result, RoleSharingEvent,
    RoleSharingItem, RoleSharingStep, SessionRecord, StandardAnswer, Store, StoreError,
    StoredCheckpoint, Subcontractor, System, UserAuth, VendorSheet,
};
use async_trait::async_trait;
use mamori_domain::audit::{AuditRecord, GENESIS, GLOBAL_CHAIN};
use mamori_domain::{Institution, Principal, Role, RoleGrant, User, Vendor};
use serde_json::json;
use sqlx::{FromRow, Transaction};

type Tx = Transaction<'static, Db>;

// The vendor-member and throttle areas (their own traits), compiled with this file.
#[path = "sql_vendor_members.rs"]
mod vendor_members_sql;

// Checkpoints and the chain registry, compiled with this backend's SQL (see audit_anchor.rs).
#[allow(clippy::duplicate_mod)]
#[path = "audit_anchor.rs"]
pub(super) mod anchor;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("unexpected {what} in database: {value}").into(),
    ))
}

/// A foreign-key violation means the referenced record does not exist.
fn fk(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_foreign_key_violation() => StoreError::NotFound(what),
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}

const CONTRACT_SELECT: &str = "SELECT c.id, c.institution_id, i.code AS institution_code, \
     i.name AS institution_name, c.vendor_id, v.name AS vendor_name, c.title, c.kind, \
     c.starts_on, c.ends_on, c.catalog_id, c.version, c.created_at FROM contracts c \
     JOIN institutions i ON i.id = c.institution_id JOIN vendors v ON v.id = c.vendor_id";

const DOC_SELECT: &str = "SELECT id, institution_id, contract_id, kind, file_name, sha256, \
     size, media_type, uploaded_by, uploaded_party, uploaded_at FROM contract_documents";

const INVITE_SELECT: &str = "SELECT id, institution_id, vendor_id, email, display_name, \
     created_by, created_at, expires_at, used_at, user_id FROM invites";

const ASSESSMENT_SELECT: &str = "SELECT id, institution_id, fiscal_year, catalog_id, status, \
     revision, previous_id, approved_at, approved_by, reopen_reason, version, created_at \
     FROM assessments";

const ANSWER_SELECT: &str = "SELECT institution_id, assessment_id, item_id, slot, check1, \
     check1_on, check2, check2_on, target_on, note, carried, version, updated_at, updated_by, \
     updated_label FROM assessment_answers";

const SHEET_SELECT: &str = "SELECT s.id, s.institution_id, i.code AS institution_code, \
     i.name AS institution_name, s.assessment_id, a.fiscal_year, s.contract_id, \
     c.title AS contract_title, s.vendor_id, v.name AS vendor_name, s.catalog_id, s.status, \
     s.requested_at, s.submitted_at, s.returned_reason, s.version FROM vendor_sheets s \
     JOIN institutions i ON i.id = s.institution_id JOIN assessments a ON a.id = s.assessment_id \
     JOIN contracts c ON c.id = s.contract_id JOIN vendors v ON v.id = s.vendor_id";

const SHEET_ANSWER_SELECT: &str = "SELECT institution_id, sheet_id AS assessment_id, item_id, \
     slot, check1, check1_on, check2, check2_on, target_on, note, FALSE AS carried, version, \
     updated_at, updated_by, updated_label FROM vendor_sheet_answers";

const LINK_SELECT: &str = "SELECT id, institution_id, assessment_id, label, expires_at, \
     revoked_at, created_by, created_at FROM inspector_links";

const EVIDENCE_SELECT: &str = "SELECT id, institution_id, assessment_id, item_id, kind, \
     ref_id, label, sha256, media_type, effective_on, created_by, created_label, created_at \
     FROM assessment_evidence";

const ITEM_SELECT: &str = "SELECT institution_id, contract_id, item_id, responsibility, \
     other_vendor_id, na_reason, agreed_content, written_in, first_check, first_checked_on, \
     completed_on, remarks, state, proposed_by, version, updated_at, updated_by \
     FROM role_sharing_items";

#[derive(FromRow)]
struct InstitutionRow {
    id: String,
    code: String,
    name: String,
    kind: String,
    prefecture: String,
    beds: i64,
    mfa_required: bool,
    version: i64,
    created_at: i64,
    updated_at: i64,
}

impl InstitutionRow {
    fn into_domain(self) -> Result<Institution> {
        Ok(Institution {
            kind: self
                .kind
                .parse()
                .map_err(|_| corrupt("institution kind", &self.kind))?,
            id: self.id,
            code: self.code,
            name: self.name,
            prefecture: self.prefecture,
            beds: self.beds,
            mfa_required: self.mfa_required,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const INSTITUTION_COLS: &str =
    "id, code, name, kind, prefecture, beds, mfa_required, version, created_at, updated_at";

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

#[derive(FromRow)]
struct AuditRow {
    id: String,
    chain: String,
    seq: i64,
    institution_id: Option<String>,
    occurred_at: i64,
    actor_user_id: Option<String>,
    actor_label: String,
    action: String,
    target_kind: String,
    target_id: String,
    changes: String,
    request_id: Option<String>,
    client_addr: Option<String>,
    prev_hash: String,
    hash: String,
}

const AUDIT_COLS: &str = "id, chain, seq, institution_id, occurred_at, actor_user_id, \
     actor_label, action, target_kind, target_id, changes, request_id, client_addr, prev_hash, hash";

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            id: r.id,
            chain: r.chain,
            seq: r.seq,
            institution_id: r.institution_id,
            occurred_at: r.occurred_at,
            actor_user_id: r.actor_user_id,
            actor_label: r.actor_label,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            changes: r.changes,
            request_id: r.request_id,
            client_addr: r.client_addr,
            prev_hash: r.prev_hash,
            hash: r.hash,
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

/// Why a guarded update of a user changed no row: the user is missing, or the guard (a
/// version, an existing second factor) refused it.
async fn user_refusal(tx: &mut Tx, user_id: &str, guarded: &'static str) -> Result<StoreError> {
    let exists: Option<(i64,)> = sqlx::query_as("SELECT version FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match exists {
        Some(_) => StoreError::Conflict(guarded),
        None => StoreError::NotFound("user"),
    })
}

/// End a mutation: append its audit event and commit, in one step, so that no change can be
/// committed without its event.
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
        Sheet::Assessment => ("assessments", "draft", "assessment", "approved assessment"),
        Sheet::VendorSheet => (
            "vendor_sheets",
            "requested",
            "vendor sheet",
            "submitted vendor sheet",
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

async fn finish(mut tx: Tx, actor: &Actor, d: AuditDraft) -> Result<AuditRecord> {
    let rec = append(&mut tx, actor, d).await?;
    tx.commit().await?;
    Ok(rec)
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

/// A vendor sheet's two moves: the vendor submits it, the institution sends it back.
enum SheetMove<'a> {
    Submit,
    Return(&'a str),
}

impl This {
    async fn begin(&self) -> Result<Tx> {
        Ok(self.w().begin().await?)
    }

    /// Submit (`requested` → `submitted`, the reason of an earlier return cleared) or send
    /// back (`submitted` → `requested` with the reason) at `expected_version`, audited in the
    /// same transaction; `Conflict` when stale or not in the state the move starts from.
    async fn move_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        m: SheetMove<'_>,
    ) -> Result<()> {
        let (from, to, submitted_at, reason, action) = match m {
            SheetMove::Submit => (
                "requested",
                "submitted",
                Some(now_ms()),
                "",
                "vendor_sheet.submit",
            ),
            SheetMove::Return(r) => ("submitted", "requested", None, r, "vendor_sheet.return"),
        };
        let mut tx = self.begin().await?;
        let row: Option<(String,)> =
            sqlx::query_as("SELECT institution_id FROM vendor_sheets WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((institution_id,)) = row else {
            return Err(StoreError::NotFound("vendor sheet"));
        };
        let n = sqlx::query(
            "UPDATE vendor_sheets SET status = $1, submitted_at = $2, returned_reason = $3, \
             version = version + 1 WHERE id = $4 AND version = $5 AND status = $6",
        )
        .bind(to)
        .bind(submitted_at)
        .bind(reason)
        .bind(id)
        .bind(expected_version)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("vendor sheet"));
        }
        let detail = if reason.is_empty() {
            json!({})
        } else {
            json!({ "reason": reason })
        };
        finish(
            tx,
            actor,
            AuditDraft::new(Some(&institution_id), action, "vendor_sheet", id, detail),
        )
        .await?;
        Ok(())
    }

    async fn institution_where(&self, column: &str, value: &str) -> Result<Option<Institution>> {
        let sql = format!("SELECT {INSTITUTION_COLS} FROM institutions WHERE {column} = $1");
        sqlx::query_as::<_, InstitutionRow>(&sql)
            .bind(value)
            .fetch_optional(self.r())
            .await?
            .map(InstitutionRow::into_domain)
            .transpose()
    }

    async fn user_where(&self, column: &str, value: &str) -> Result<Option<UserAuth>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE {column} = $1");
        Ok(sqlx::query_as::<_, UserRow>(&sql)
            .bind(value)
            .fetch_optional(self.r())
            .await?
            .map(UserRow::into_auth))
    }
}

#[async_trait]
impl Store for This {
    fn backend(&self) -> &'static str {
        This::backend_name()
    }

    async fn is_empty(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM institutions) + (SELECT COUNT(*) FROM users)",
        )
        .fetch_one(self.r())
        .await?;
        Ok(n == 0)
    }

    async fn create_institution(&self, actor: &Actor, new: NewInstitution) -> Result<Institution> {
        let now = now_ms();
        let inst = Institution {
            id: new_id(),
            code: new.code,
            name: new.name,
            kind: new.kind,
            prefecture: new.prefecture,
            beds: new.beds,
            mfa_required: new.mfa_required,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO institutions (id, code, name, kind, prefecture, beds, mfa_required, \
             version, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
        )
        .bind(&inst.id)
        .bind(&inst.code)
        .bind(&inst.name)
        .bind(inst.kind.as_str())
        .bind(&inst.prefecture)
        .bind(inst.beds)
        .bind(inst.mfa_required)
        .bind(inst.version)
        .bind(inst.created_at)
        .bind(inst.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(dup("institution"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&inst.id),
                "institution.create",
                "institution",
                &inst.id,
                json!({"code": inst.code, "name": inst.name, "kind": inst.kind,
                       "prefecture": inst.prefecture, "beds": inst.beds,
                       "mfa_required": inst.mfa_required}),
            ),
        )
        .await?;
        Ok(inst)
    }

    async fn institution(&self, id: &str) -> Result<Option<Institution>> {
        self.institution_where("id", id).await
    }

    async fn institution_by_code(&self, code: &str) -> Result<Option<Institution>> {
        self.institution_where("code", code).await
    }

    async fn institutions_by_ids(&self, ids: &[String]) -> Result<Vec<Institution>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {INSTITUTION_COLS} FROM institutions WHERE id IN ({}) ORDER BY code",
            marks.join(",")
        );
        let mut q = sqlx::query_as::<_, InstitutionRow>(&sql);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(self.r())
            .await?
            .into_iter()
            .map(InstitutionRow::into_domain)
            .collect()
    }

    async fn list_institutions(&self, offset: i64, limit: i64) -> Result<(Vec<Institution>, i64)> {
        let sql =
            format!("SELECT {INSTITUTION_COLS} FROM institutions ORDER BY code LIMIT $1 OFFSET $2");
        let rows = sqlx::query_as::<_, InstitutionRow>(&sql)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.r())
            .await?;
        let (total,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM institutions")
            .fetch_one(self.r())
            .await?;
        let list = rows
            .into_iter()
            .map(InstitutionRow::into_domain)
            .collect::<Result<Vec<_>>>()?;
        Ok((list, total))
    }

    async fn update_institution(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        s: InstitutionSettings,
    ) -> Result<Institution> {
        let mut tx = self.begin().await?;
        let sql = format!("SELECT {INSTITUTION_COLS} FROM institutions WHERE id = $1");
        let before = sqlx::query_as::<_, InstitutionRow>(&sql)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("institution"))?
            .into_domain()?;
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE institutions SET name = $1, beds = $2, mfa_required = $3, \
             version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6",
        )
        .bind(&s.name)
        .bind(s.beds)
        .bind(s.mfa_required)
        .bind(now)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("institution"));
        }
        let mut changes = serde_json::Map::new();
        if before.name != s.name {
            changes.insert("name".into(), json!([before.name, s.name]));
        }
        if before.beds != s.beds {
            changes.insert("beds".into(), json!([before.beds, s.beds]));
        }
        if before.mfa_required != s.mfa_required {
            changes.insert(
                "mfa_required".into(),
                json!([before.mfa_required, s.mfa_required]),
            );
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(id),
                "institution.update",
                "institution",
                id,
                changes.into(),
            ),
        )
        .await?;
        Ok(Institution {
            name: s.name,
            beds: s.beds,
            mfa_required: s.mfa_required,
            version: before.version + 1,
            updated_at: now,
            ..before
        })
    }

    async fn create_vendor(&self, actor: &Actor, name: &str) -> Result<Vendor> {
        let v = Vendor {
            id: new_id(),
            name: name.to_string(),
            version: 1,
            created_at: now_ms(),
        };
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO vendors (id, name, version, created_at) VALUES ($1,$2,$3,$4)")
            .bind(&v.id)
            .bind(&v.name)
            .bind(v.version)
            .bind(v.created_at)
            .execute(&mut *tx)
            .await
            .map_err(dup("vendor"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.create",
                "vendor",
                &v.id,
                json!({"name": v.name}),
            ),
        )
        .await?;
        Ok(v)
    }

    async fn list_vendors(&self) -> Result<Vec<Vendor>> {
        let rows: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT id, name, version, created_at FROM vendors ORDER BY name")
                .fetch_all(self.r())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, version, created_at)| Vendor {
                id,
                name,
                version,
                created_at,
            })
            .collect())
    }

    async fn vendor_contacts(&self, vendor_id: &str, named_by: Option<&str>) -> Result<Vec<User>> {
        let ids: Vec<(String,)> = sqlx::query_as(
            "SELECT m.user_id FROM vendor_members m JOIN users u ON u.id = m.user_id \
             WHERE m.vendor_id = $1 AND m.status = 'active' AND NOT u.disabled \
             AND ($2 IS NULL OR EXISTS (SELECT 1 FROM invites i WHERE i.vendor_id = m.vendor_id \
               AND i.user_id = m.user_id AND i.institution_id = $2)) \
             ORDER BY u.display_name, u.id",
        )
        .bind(vendor_id)
        .bind(named_by)
        .fetch_all(self.r())
        .await?;
        let mut out = Vec::new();
        for (id,) in ids {
            if let Some(u) = self.user(&id).await? {
                out.push(u);
            }
        }
        Ok(out)
    }

    async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let user = User {
            id: new_id(),
            email: new.email,
            display_name: new.display_name,
            platform_admin: new.platform_admin,
            locale: new.locale,
            mfa_enabled: false,
            disabled: false,
            version: 1,
            created_at: now_ms(),
        };
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, platform_admin, locale, \
             version, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(&new.password_hash)
        .bind(user.platform_admin)
        .bind(&user.locale)
        .bind(user.version)
        .bind(user.created_at)
        .execute(&mut *tx)
        .await
        .map_err(dup("user"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.create",
                "user",
                &user.id,
                json!({"email": user.email, "display_name": user.display_name,
                       "platform_admin": user.platform_admin}),
            ),
        )
        .await?;
        Ok(user)
    }

    async fn user(&self, id: &str) -> Result<Option<User>> {
        Ok(self.user_where("id", id).await?.map(|a| a.user))
    }

    async fn user_auth(&self, id: &str) -> Result<Option<UserAuth>> {
        self.user_where("id", id).await
    }

    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>> {
        self.user_where("email", email).await
    }

    async fn update_profile(
        &self,
        actor: &Actor,
        user_id: &str,
        expected_version: i64,
        display_name: &str,
        locale: &str,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE users SET display_name = $1, locale = $2, version = version + 1 \
             WHERE id = $3 AND version = $4",
        )
        .bind(display_name)
        .bind(locale)
        .bind(user_id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(user_refusal(&mut tx, user_id, "user").await?);
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.update_profile",
                "user",
                user_id,
                json!({"display_name": display_name, "locale": locale}),
            ),
        )
        .await?;
        self.user(user_id)
            .await?
            .ok_or(StoreError::NotFound("user"))
    }

    async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n =
            sqlx::query("UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("user"));
        }
        // A session or token made under the old password must not outlive it.
        let (ended, revoked) = end_sign_ins(&mut tx, user_id, keep_session).await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.password_change",
                "user",
                user_id,
                json!({"other_sessions_ended": ended, "tokens_revoked": revoked}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn enable_totp(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_last_step = $2, version = version + 1 \
             WHERE id = $3 AND totp_secret IS NULL",
        )
        .bind(secret)
        .bind(first_step)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(user_refusal(&mut tx, user_id, "second factor").await?);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for h in recovery_code_hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(h)
                .execute(&mut *tx)
                .await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.mfa_enable",
                "user",
                user_id,
                json!({"recovery_codes": recovery_code_hashes.len()}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn disable_totp(&self, actor: &Actor, user_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE users SET totp_secret = NULL, version = version + 1 WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(None, "user.mfa_disable", "user", user_id, json!({})),
        )
        .await?;
        Ok(())
    }

    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.w())
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    async fn use_recovery_code(
        &self,
        actor: &Actor,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 \
             AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        finish(
            tx,
            actor,
            AuditDraft::new(None, "user.recovery_code_used", "user", user_id, json!({})),
        )
        .await?;
        Ok(true)
    }

    async fn unused_recovery_codes(&self, user_id: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.r())
        .await?;
        Ok(n)
    }

    async fn grant_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
        expires_at: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO institution_roles (institution_id, user_id, role, expires_at, granted_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (institution_id, user_id, role) \
             DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(institution_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(expires_at)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk("institution or user"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "member.grant_role",
                "user",
                user_id,
                json!({"role": role, "expires_at": expires_at}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn revoke_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "DELETE FROM institution_roles WHERE institution_id = $1 AND user_id = $2 AND role = $3",
        )
        .bind(institution_id)
        .bind(user_id)
        .bind(role.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("role"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "member.revoke_role",
                "user",
                user_id,
                json!({"role": role}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn members(&self, institution_id: &str) -> Result<Vec<Member>> {
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            role: String,
            expires_at: Option<i64>,
        }
        let cols = USER_COLS
            .split(", ")
            .map(|c| format!("u.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {cols}, r.role, r.expires_at FROM institution_roles r \
             JOIN users u ON u.id = r.user_id WHERE r.institution_id = $1 \
             ORDER BY u.display_name, u.id, r.role"
        );
        let rows = sqlx::query_as::<_, Row>(&sql)
            .bind(institution_id)
            .fetch_all(self.r())
            .await?;
        let mut out: Vec<Member> = Vec::new();
        for row in rows {
            let role: Role = row.role.parse().map_err(|_| corrupt("role", &row.role))?;
            match out.last_mut() {
                Some(m) if m.user.id == row.user.id => m.roles.push((role, row.expires_at)),
                _ => out.push(Member {
                    user: row.user.into_auth().user,
                    roles: vec![(role, row.expires_at)],
                }),
            }
        }
        Ok(out)
    }

    async fn principal(&self, user_id: &str) -> Result<Principal> {
        let (platform_admin,): (bool,) =
            sqlx::query_as("SELECT platform_admin FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(self.r())
                .await?
                .ok_or(StoreError::NotFound("user"))?;
        let grants: Vec<(String, String, Option<i64>)> = sqlx::query_as(
            "SELECT institution_id, role, expires_at FROM institution_roles WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?;
        // Only confirmed memberships count: a pending one (asked for by an institution's
        // invitation) reaches nothing until the vendor's administrator confirms it.
        let vendor_rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT vendor_id, role FROM vendor_members WHERE user_id = $1 AND status = 'active'",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?;
        Ok(Principal {
            user_id: user_id.to_string(),
            platform_admin,
            grants: grants
                .into_iter()
                .map(|(institution_id, role, expires_at)| {
                    Ok(RoleGrant {
                        role: role.parse().map_err(|_| corrupt("role", &role))?,
                        institution_id,
                        expires_at,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
            vendor_admin_ids: vendor_rows
                .iter()
                .filter(|(_, r)| r == "admin")
                .map(|(v, _)| v.clone())
                .collect(),
            vendor_ids: vendor_rows.into_iter().map(|(v, _)| v).collect(),
        })
    }

    async fn create_session(&self, actor: &Actor, s: &SessionRecord) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_verified, created_at, \
             last_seen_at, expires_at, client_addr, user_agent) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&s.id_hash)
        .bind(&s.user_id)
        .bind(&s.csrf_token)
        .bind(s.mfa_verified)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .bind(&s.client_addr)
        .bind(&s.user_agent)
        .execute(&mut *tx)
        .await
        .map_err(fk("user"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "auth.sign_in",
                "user",
                &s.user_id,
                json!({"mfa_verified": s.mfa_verified, "user_agent": s.user_agent}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>> {
        Ok(sqlx::query_as::<_, SessionRecord>(
            "SELECT id_hash, user_id, csrf_token, mfa_verified, created_at, last_seen_at, \
             expires_at, client_addr, user_agent FROM sessions WHERE id_hash = $1",
        )
        .bind(id_hash)
        .fetch_optional(self.r())
        .await?)
    }

    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
            .bind(now)
            .bind(id_hash)
            .execute(self.w())
            .await?;
        Ok(())
    }

    async fn verify_session_mfa(
        &self,
        actor: &Actor,
        old_id_hash: &str,
        new_id_hash: &str,
        new_csrf_token: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let user: Option<(String,)> = sqlx::query_as(
            "UPDATE sessions SET mfa_verified = TRUE, id_hash = $1, csrf_token = $2 \
             WHERE id_hash = $3 RETURNING user_id",
        )
        .bind(new_id_hash)
        .bind(new_csrf_token)
        .bind(old_id_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let (user_id,) = user.ok_or(StoreError::NotFound("session"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(None, "auth.mfa_verified", "user", &user_id, json!({})),
        )
        .await?;
        Ok(())
    }

    async fn delete_session(&self, actor: &Actor, id_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let user: Option<(String,)> =
            sqlx::query_as("DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id")
                .bind(id_hash)
                .fetch_optional(&mut *tx)
                .await?;
        match user {
            Some((user_id,)) => {
                let draft = AuditDraft::new(None, "auth.sign_out", "user", &user_id, json!({}));
                finish(tx, actor, draft).await?;
            }
            None => tx.commit().await?,
        }
        Ok(())
    }

    async fn delete_user_sessions(&self, actor: &Actor, user_id: &str) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "auth.sign_out_everywhere",
                "user",
                user_id,
                json!({"sessions": n}),
            ),
        )
        .await?;
        Ok(n)
    }

    async fn purge_expired_sessions(&self, now: i64) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(self.w())
            .await?
            .rows_affected())
    }

    async fn create_token(&self, actor: &Actor, t: &ApiToken, token_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at, \
             expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&t.id)
        .bind(&t.user_id)
        .bind(&t.name)
        .bind(token_hash)
        .bind(&t.prefix)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(&mut *tx)
        .await
        .map_err(fk("user"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "token.create",
                "user",
                &t.user_id,
                json!({"token_id": t.id, "name": t.name, "prefix": t.prefix,
                       "expires_at": t.expires_at}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn tokens(&self, user_id: &str) -> Result<Vec<ApiToken>> {
        Ok(sqlx::query_as::<_, ApiToken>(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn revoke_token(&self, actor: &Actor, user_id: &str, token_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 \
             AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("api token"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "token.revoke",
                "user",
                user_id,
                json!({"token_id": token_id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>> {
        Ok(sqlx::query_as::<_, ApiToken>(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at \
             FROM api_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.r())
        .await?)
    }

    async fn touch_token(&self, token_id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(self.w())
            .await?;
        Ok(())
    }

    async fn load_catalog(&self, actor: &Actor, c: &CatalogRecord) -> Result<bool> {
        let mut tx = self.begin().await?;
        let current: Option<(String,)> =
            sqlx::query_as("SELECT content_hash FROM catalogs WHERE id = $1")
                .bind(&c.id)
                .fetch_optional(&mut *tx)
                .await?;
        if current.as_ref().is_some_and(|(h,)| *h == c.content_hash) {
            return Ok(false);
        }
        sqlx::query("DELETE FROM catalog_items WHERE catalog_id = $1")
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM catalogs WHERE id = $1")
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO catalogs (id, document, version, kind, title, complete, content_hash, \
             origin, loaded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&c.id)
        .bind(&c.document)
        .bind(&c.version)
        .bind(&c.kind)
        .bind(&c.title)
        .bind(c.complete)
        .bind(&c.content_hash)
        .bind(&c.origin)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        for i in &c.items {
            sqlx::query(
                "INSERT INTO catalog_items (catalog_id, item_id, kind, number, section_title, \
                 text, extra, provenance, haystack) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
            )
            .bind(&c.id)
            .bind(&i.item_id)
            .bind(&i.kind)
            .bind(&i.number)
            .bind(&i.section_title)
            .bind(&i.text)
            .bind(&i.extra)
            .bind(&i.provenance)
            .bind(format!("{} {} {} {}", i.number, i.section_title, i.text, i.extra).to_lowercase())
            .execute(&mut *tx)
            .await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "catalog.load",
                "catalog",
                &c.id,
                json!({"hash": c.content_hash, "items": c.items.len(), "origin": c.origin,
                       "replaced": current.is_some()}),
            ),
        )
        .await?;
        Ok(true)
    }

    async fn stage_catalog_import(&self, actor: &Actor, i: &CatalogImport) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO catalog_imports (id, catalog_id, based_on, file_name, file_sha256, \
             mapping, body, status, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$9,$6,'pending',$7,$8)",
        )
        .bind(&i.id)
        .bind(&i.catalog_id)
        .bind(&i.based_on)
        .bind(&i.file_name)
        .bind(&i.file_sha256)
        .bind(&i.body)
        .bind(&i.created_by)
        .bind(now_ms())
        .bind(&i.mapping)
        .execute(&mut *tx)
        .await
        .map_err(fk("catalog import"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "catalog.import.stage",
                "catalog",
                &i.catalog_id,
                json!({"import": i.id, "file": i.file_name, "sha256": i.file_sha256,
                       "based_on": i.based_on}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn catalog_import(&self, id: &str) -> Result<Option<CatalogImport>> {
        Ok(sqlx::query_as::<_, CatalogImport>(
            "SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, body, status, created_by, \
             created_at, decided_at FROM catalog_imports WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.r())
        .await?)
    }

    async fn catalog_imports(&self, limit: i64) -> Result<Vec<CatalogImport>> {
        Ok(sqlx::query_as::<_, CatalogImport>(
            "SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, '' AS body, status, \
             created_by, created_at, decided_at FROM catalog_imports \
             ORDER BY created_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.r())
        .await?)
    }

    async fn decide_catalog_import(&self, actor: &Actor, id: &str, confirm: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT catalog_id FROM catalog_imports WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((catalog_id,)) = row else {
            return Err(match self.catalog_import(id).await? {
                Some(_) => StoreError::Conflict("catalog import"),
                None => StoreError::NotFound("catalog import"),
            });
        };
        let n = sqlx::query(
            "UPDATE catalog_imports SET status = $1, decided_at = $2 \
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(if confirm { "confirmed" } else { "discarded" })
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(fk("catalog version"))?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("catalog import"));
        }
        let event = if confirm {
            "catalog.import.confirm"
        } else {
            "catalog.import.discard"
        };
        finish(
            tx,
            actor,
            AuditDraft::new(None, event, "catalog", &catalog_id, json!({"import": id})),
        )
        .await?;
        Ok(())
    }

    async fn confirmed_catalog_imports(&self) -> Result<Vec<CatalogImport>> {
        Ok(sqlx::query_as::<_, CatalogImport>(
            "SELECT id, catalog_id, based_on, file_name, file_sha256, mapping, body, status, created_by, \
             created_at, decided_at FROM catalog_imports WHERE status = 'confirmed' \
             ORDER BY decided_at, id",
        )
        .fetch_all(self.r())
        .await?)
    }

    async fn create_system(&self, actor: &Actor, n: &NewSystem) -> Result<System> {
        let mut tx = self.begin().await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO systems (id, institution_id, name, category, hosting, \
             holds_medical_info, note, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(&id)
        .bind(&n.institution_id)
        .bind(&n.name)
        .bind(&n.category)
        .bind(&n.hosting)
        .bind(n.holds_medical_info)
        .bind(&n.note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk("system"))?;
        let sys = sqlx::query_as::<_, System>(
            "SELECT id, institution_id, name, category, hosting, holds_medical_info, note, \
             version, created_at FROM systems WHERE id = $1",
        )
        .bind(&id)
        .fetch_one(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&n.institution_id),
                "system.create",
                "system",
                &id,
                json!({"name": n.name, "category": n.category, "hosting": n.hosting,
                       "holds_medical_info": n.holds_medical_info}),
            ),
        )
        .await?;
        Ok(sys)
    }

    async fn systems(&self, institution_id: &str) -> Result<Vec<System>> {
        Ok(sqlx::query_as::<_, System>(
            "SELECT id, institution_id, name, category, hosting, holds_medical_info, note, \
             version, created_at FROM systems WHERE institution_id = $1 ORDER BY created_at, id",
        )
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn link_systems(
        &self,
        actor: &Actor,
        institution_id: &str,
        a: &str,
        b: &str,
    ) -> Result<()> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let mut tx = self.begin().await?;
        let n: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM systems WHERE institution_id = $1 AND id IN ($2, $3)",
        )
        .bind(institution_id)
        .bind(a)
        .bind(b)
        .fetch_one(&mut *tx)
        .await?;
        if a == b || n.0 != 2 {
            return Err(StoreError::NotFound("system"));
        }
        sqlx::query(
            "INSERT INTO system_links (institution_id, system_a, system_b) VALUES ($1,$2,$3)",
        )
        .bind(institution_id)
        .bind(a)
        .bind(b)
        .execute(&mut *tx)
        .await
        .map_err(fk("system link"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "system.link",
                "system",
                a,
                json!({"with": b}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn system_links(&self, institution_id: &str) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as(
            "SELECT system_a, system_b FROM system_links WHERE institution_id = $1 \
             ORDER BY system_a, system_b",
        )
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn create_contract(&self, actor: &Actor, n: &NewContract) -> Result<Contract> {
        let mut tx = self.begin().await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO contracts (id, institution_id, vendor_id, title, kind, starts_on, \
             ends_on, catalog_id, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(&id)
        .bind(&n.institution_id)
        .bind(&n.vendor_id)
        .bind(&n.title)
        .bind(&n.kind)
        .bind(&n.starts_on)
        .bind(&n.ends_on)
        .bind(&n.catalog_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk("vendor"))?;
        for sys in &n.system_ids {
            // The system must be the institution's own.
            let r = sqlx::query(
                "INSERT INTO contract_systems (institution_id, contract_id, system_id) \
                 SELECT $1, $2, id FROM systems WHERE id = $3 AND institution_id = $1",
            )
            .bind(&n.institution_id)
            .bind(&id)
            .bind(sys)
            .execute(&mut *tx)
            .await
            .map_err(fk("system"))?;
            if r.rows_affected() != 1 {
                return Err(StoreError::NotFound("system"));
            }
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&n.institution_id),
                "contract.create",
                "contract",
                &id,
                json!({"vendor_id": n.vendor_id, "title": n.title, "kind": n.kind,
                       "systems": n.system_ids, "catalog": n.catalog_id}),
            ),
        )
        .await?;
        self.contract(&id)
            .await?
            .ok_or(StoreError::NotFound("contract"))
    }

    async fn contracts(&self, institution_id: &str) -> Result<Vec<Contract>> {
        let mut list = sqlx::query_as::<_, Contract>(&format!(
            "{CONTRACT_SELECT} WHERE c.institution_id = $1 ORDER BY c.created_at, c.id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?;
        let links: Vec<(String, String)> = sqlx::query_as(
            "SELECT contract_id, system_id FROM contract_systems WHERE institution_id = $1",
        )
        .bind(institution_id)
        .fetch_all(self.r())
        .await?;
        for c in &mut list {
            c.system_ids = links
                .iter()
                .filter(|(cid, _)| *cid == c.id)
                .map(|(_, s)| s.clone())
                .collect();
        }
        Ok(list)
    }

    async fn contract(&self, id: &str) -> Result<Option<Contract>> {
        let Some(mut c) =
            sqlx::query_as::<_, Contract>(&format!("{CONTRACT_SELECT} WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(self.r())
                .await?
        else {
            return Ok(None);
        };
        let systems: Vec<(String,)> = sqlx::query_as(
            "SELECT system_id FROM contract_systems WHERE contract_id = $1 ORDER BY system_id",
        )
        .bind(id)
        .fetch_all(self.r())
        .await?;
        c.system_ids = systems.into_iter().map(|(s,)| s).collect();
        Ok(Some(c))
    }

    async fn vendor_contracts(&self, vendor_ids: &[String]) -> Result<Vec<Contract>> {
        let mut out = Vec::new();
        for v in vendor_ids {
            let mut list = sqlx::query_as::<_, Contract>(&format!(
                "{CONTRACT_SELECT} WHERE c.vendor_id = $1 ORDER BY i.name, c.created_at, c.id"
            ))
            .bind(v)
            .fetch_all(self.r())
            .await?;
            let links: Vec<(String, String)> = sqlx::query_as(
                "SELECT cs.contract_id, cs.system_id FROM contract_systems cs \
                 JOIN contracts c ON c.id = cs.contract_id WHERE c.vendor_id = $1",
            )
            .bind(v)
            .fetch_all(self.r())
            .await?;
            for c in &mut list {
                c.system_ids = links
                    .iter()
                    .filter(|(cid, _)| *cid == c.id)
                    .map(|(_, s)| s.clone())
                    .collect();
            }
            out.extend(list);
        }
        Ok(out)
    }

    async fn role_sharing_items(&self, contract_id: &str) -> Result<Vec<RoleSharingItem>> {
        Ok(
            sqlx::query_as::<_, RoleSharingItem>(&format!("{ITEM_SELECT} WHERE contract_id = $1"))
                .bind(contract_id)
                .fetch_all(self.r())
                .await?,
        )
    }

    async fn role_sharing_item(
        &self,
        contract_id: &str,
        item_id: &str,
    ) -> Result<Option<RoleSharingItem>> {
        Ok(sqlx::query_as::<_, RoleSharingItem>(&format!(
            "{ITEM_SELECT} WHERE contract_id = $1 AND item_id = $2"
        ))
        .bind(contract_id)
        .bind(item_id)
        .fetch_optional(self.r())
        .await?)
    }

    async fn vendor_role_sharing_tallies(
        &self,
        vendor_ids: &[String],
    ) -> Result<Vec<(String, String, Option<String>, i64)>> {
        let mut out = Vec::new();
        for v in vendor_ids {
            out.extend(
                sqlx::query_as::<_, (String, String, Option<String>, i64)>(
                    "SELECT r.contract_id, r.state, r.proposed_by, COUNT(*) \
                     FROM role_sharing_items r JOIN contracts c ON c.id = r.contract_id \
                     WHERE c.vendor_id = $1 GROUP BY r.contract_id, r.state, r.proposed_by",
                )
                .bind(v)
                .fetch_all(self.r())
                .await?,
            );
        }
        Ok(out)
    }

    async fn institution_role_sharing_items(
        &self,
        institution_id: &str,
    ) -> Result<Vec<RoleSharingItem>> {
        Ok(sqlx::query_as::<_, RoleSharingItem>(&format!(
            "{ITEM_SELECT} WHERE institution_id = $1"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn save_role_sharing_item(
        &self,
        actor: &Actor,
        st: &RoleSharingStep,
    ) -> Result<RoleSharingItem> {
        let i = &st.item;
        let now = now_ms();
        let mut tx = self.begin().await?;
        let written = if st.expected_version == 0 {
            sqlx::query(
                "INSERT INTO role_sharing_items (institution_id, contract_id, item_id, \
                 responsibility, other_vendor_id, na_reason, agreed_content, written_in, \
                 first_check, first_checked_on, completed_on, remarks, state, proposed_by, \
                 version, updated_at, updated_by) \
                 SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,1,$15,$16 \
                 WHERE $17 = 0 AND NOT EXISTS (SELECT 1 FROM role_sharing_items \
                 WHERE contract_id = $2 AND item_id = $3)",
            )
        } else {
            sqlx::query(
                "UPDATE role_sharing_items SET responsibility = $4, other_vendor_id = $5, \
                 na_reason = $6, agreed_content = $7, written_in = $8, first_check = $9, \
                 first_checked_on = $10, completed_on = $11, remarks = $12, state = $13, \
                 proposed_by = $14, version = version + 1, updated_at = $15, updated_by = $16 \
                 WHERE institution_id = $1 AND contract_id = $2 AND item_id = $3 \
                 AND version = $17",
            )
        }
        .bind(&i.institution_id)
        .bind(&i.contract_id)
        .bind(&i.item_id)
        .bind(&i.responsibility)
        .bind(&i.other_vendor_id)
        .bind(&i.na_reason)
        .bind(&i.agreed_content)
        .bind(&i.written_in)
        .bind(&i.first_check)
        .bind(&i.first_checked_on)
        .bind(&i.completed_on)
        .bind(&i.remarks)
        .bind(&i.state)
        .bind(&i.proposed_by)
        .bind(now)
        .bind(&actor.user_id)
        .bind(st.expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Conflict("role-sharing item"),
            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound("vendor"),
            _ => StoreError::Db(e),
        })?
        .rows_affected();
        if written != 1 {
            return Err(StoreError::Conflict("role-sharing item"));
        }
        let saved = sqlx::query_as::<_, RoleSharingItem>(&format!(
            "{ITEM_SELECT} WHERE contract_id = $1 AND item_id = $2"
        ))
        .bind(&i.contract_id)
        .bind(&i.item_id)
        .fetch_one(&mut *tx)
        .await?;
        let answer = json!({
            "responsibility": saved.responsibility, "other_vendor_id": saved.other_vendor_id,
            "na_reason": saved.na_reason, "agreed_content": saved.agreed_content,
            "written_in": saved.written_in, "first_check": saved.first_check,
            "first_checked_on": saved.first_checked_on, "completed_on": saved.completed_on,
            "remarks": saved.remarks,
        });
        sqlx::query(
            "INSERT INTO role_sharing_history (id, institution_id, contract_id, item_id, at, \
             user_id, actor_label, party, step, state, answer, note) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        )
        .bind(new_id())
        .bind(&i.institution_id)
        .bind(&i.contract_id)
        .bind(&i.item_id)
        .bind(now)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(&st.party)
        .bind(&st.step)
        .bind(&saved.state)
        .bind(answer.to_string())
        .bind(&st.note)
        .execute(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&i.institution_id),
                &format!("role_sharing.{}", st.step),
                "contract",
                &i.contract_id,
                json!({"item": i.item_id, "party": st.party, "state": saved.state,
                       "version": saved.version, "answer": answer, "note": st.note}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn role_sharing_history(
        &self,
        contract_id: &str,
        item_id: Option<&str>,
    ) -> Result<Vec<RoleSharingEvent>> {
        Ok(sqlx::query_as::<_, RoleSharingEvent>(
            "SELECT id, contract_id, item_id, at, user_id, actor_label, party, step, state, \
             answer, note FROM role_sharing_history WHERE contract_id = $1 \
             AND ($2 IS NULL OR item_id = $2) ORDER BY at, id",
        )
        .bind(contract_id)
        .bind(item_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn add_certification(&self, actor: &Actor, c: &Certification) -> Result<Certification> {
        let mut tx = self.begin().await?;
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO vendor_certifications (id, vendor_id, kind, name, expires_on, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(&id)
        .bind(&c.vendor_id)
        .bind(&c.kind)
        .bind(&c.name)
        .bind(&c.expires_on)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fk("vendor"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.certification.add",
                "vendor",
                &c.vendor_id,
                json!({"id": id, "kind": c.kind, "name": c.name, "expires_on": c.expires_on}),
            ),
        )
        .await?;
        Ok(Certification {
            id,
            created_at: now,
            ..c.clone()
        })
    }

    async fn delete_certification(&self, actor: &Actor, vendor_id: &str, id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query("DELETE FROM vendor_certifications WHERE id = $1 AND vendor_id = $2")
            .bind(id)
            .bind(vendor_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound("certification"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.certification.delete",
                "vendor",
                vendor_id,
                json!({"id": id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn certifications(&self, vendor_ids: &[String]) -> Result<Vec<Certification>> {
        let mut out = Vec::new();
        for v in vendor_ids {
            out.extend(
                sqlx::query_as::<_, Certification>(
                    "SELECT id, vendor_id, kind, name, expires_on, created_at \
                     FROM vendor_certifications WHERE vendor_id = $1 ORDER BY kind, name, id",
                )
                .bind(v)
                .fetch_all(self.r())
                .await?,
            );
        }
        Ok(out)
    }

    async fn add_contract_document(
        &self,
        actor: &Actor,
        d: &ContractDocument,
        content: &[u8],
    ) -> Result<ContractDocument> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        put_blob(&mut tx, &d.sha256, content, now).await?;
        let id = new_id();
        sqlx::query(
            "INSERT INTO contract_documents (id, institution_id, contract_id, kind, file_name, \
             sha256, size, media_type, uploaded_by, uploaded_party, uploaded_at) \
             SELECT $1, institution_id, id, $3, $4, $5, $6, $7, $8, $9, $10 FROM contracts \
             WHERE id = $2 AND institution_id = $11",
        )
        .bind(&id)
        .bind(&d.contract_id)
        .bind(&d.kind)
        .bind(&d.file_name)
        .bind(&d.sha256)
        .bind(content.len() as i64)
        .bind(&d.media_type)
        .bind(&actor.user_id)
        .bind(&d.uploaded_party)
        .bind(now)
        .bind(&d.institution_id)
        .execute(&mut *tx)
        .await
        .map_err(fk("contract"))
        .and_then(|r| {
            if r.rows_affected() == 1 {
                Ok(())
            } else {
                Err(StoreError::NotFound("contract"))
            }
        })?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&d.institution_id),
                "contract.document.add",
                "contract",
                &d.contract_id,
                json!({"document": id, "kind": d.kind, "file": d.file_name, "sha256": d.sha256,
                       "size": content.len(), "media_type": d.media_type,
                       "party": d.uploaded_party}),
            ),
        )
        .await?;
        Ok(ContractDocument {
            id,
            size: content.len() as i64,
            uploaded_by: actor.user_id.clone(),
            uploaded_at: now,
            ..d.clone()
        })
    }

    async fn contract_documents(&self, contract_id: &str) -> Result<Vec<ContractDocument>> {
        Ok(sqlx::query_as::<_, ContractDocument>(&format!(
            "{DOC_SELECT} WHERE contract_id = $1 ORDER BY uploaded_at, id"
        ))
        .bind(contract_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn institution_documents(&self, institution_id: &str) -> Result<Vec<ContractDocument>> {
        Ok(sqlx::query_as::<_, ContractDocument>(&format!(
            "{DOC_SELECT} WHERE institution_id = $1 ORDER BY uploaded_at, id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn contract_document(&self, id: &str) -> Result<Option<(ContractDocument, Vec<u8>)>> {
        let Some(d) = sqlx::query_as::<_, ContractDocument>(&format!("{DOC_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
        else {
            return Ok(None);
        };
        let (content,): (Vec<u8>,) = sqlx::query_as("SELECT content FROM blobs WHERE sha256 = $1")
            .bind(&d.sha256)
            .fetch_one(self.r())
            .await?;
        Ok(Some((d, content)))
    }

    async fn declare_subcontractor(
        &self,
        actor: &Actor,
        sc: &Subcontractor,
    ) -> Result<Subcontractor> {
        let mut tx = self.begin().await?;
        let id = new_id();
        let now = now_ms();
        let n = sqlx::query(
            "INSERT INTO subcontractors (id, institution_id, contract_id, name, scope, \
             declared_by, declared_at) SELECT $1, institution_id, id, $3, $4, $5, $6 \
             FROM contracts WHERE id = $2 AND institution_id = $7",
        )
        .bind(&id)
        .bind(&sc.contract_id)
        .bind(&sc.name)
        .bind(&sc.scope)
        .bind(&actor.user_id)
        .bind(now)
        .bind(&sc.institution_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound("contract"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&sc.institution_id),
                "contract.subcontractor.declare",
                "contract",
                &sc.contract_id,
                json!({"subcontractor": id, "name": sc.name, "scope": sc.scope}),
            ),
        )
        .await?;
        Ok(Subcontractor {
            id,
            declared_by: actor.user_id.clone(),
            declared_at: now,
            approved_by: None,
            approved_at: None,
            ..sc.clone()
        })
    }

    async fn approve_subcontractor(
        &self,
        actor: &Actor,
        institution_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT contract_id, approved_at FROM subcontractors WHERE id = $1 \
             AND institution_id = $2",
        )
        .bind(id)
        .bind(institution_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((contract_id, None)) = row else {
            return Err(if row.is_some() {
                StoreError::Conflict("subcontractor")
            } else {
                StoreError::NotFound("subcontractor")
            });
        };
        let n = sqlx::query(
            "UPDATE subcontractors SET approved_by = $1, approved_at = $2 \
             WHERE id = $3 AND approved_at IS NULL",
        )
        .bind(&actor.user_id)
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("subcontractor"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(institution_id),
                "contract.subcontractor.approve",
                "contract",
                &contract_id,
                json!({"subcontractor": id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn subcontractors(&self, institution_id: &str) -> Result<Vec<Subcontractor>> {
        Ok(sqlx::query_as::<_, Subcontractor>(
            "SELECT id, institution_id, contract_id, name, scope, declared_by, declared_at, \
             approved_by, approved_at FROM subcontractors WHERE institution_id = $1 \
             ORDER BY declared_at, id",
        )
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn create_invite(&self, actor: &Actor, i: &Invite, token_hash: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO invites (id, token_hash, institution_id, vendor_id, email, \
             display_name, created_by, created_at, expires_at, used_at, user_id) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(&i.id)
        .bind(token_hash)
        .bind(&i.institution_id)
        .bind(&i.vendor_id)
        .bind(&i.email)
        .bind(&i.display_name)
        .bind(&actor.user_id)
        .bind(now_ms())
        .bind(i.expires_at)
        .bind(i.used_at)
        .bind(&i.user_id)
        .execute(&mut *tx)
        .await
        .map_err(fk("vendor"))?;
        // An invitation naming someone the vendor already made its member links that
        // account as the contact at once; it grants nothing.
        let action = if i.user_id.is_some() {
            "vendor.invite.link"
        } else {
            "vendor.invite"
        };
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&i.institution_id),
                action,
                "vendor",
                &i.vendor_id,
                json!({"invite": i.id, "email": i.email, "expires_at": i.expires_at,
                       "user_id": i.user_id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn invite_by_token(&self, token_hash: &str) -> Result<Option<Invite>> {
        Ok(
            sqlx::query_as::<_, Invite>(&format!("{INVITE_SELECT} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn invites(&self, institution_id: &str) -> Result<Vec<Invite>> {
        Ok(sqlx::query_as::<_, Invite>(&format!(
            "{INVITE_SELECT} WHERE institution_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn accept_invite(
        &self,
        actor: &Actor,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<User> {
        let mut tx = self.begin().await?;
        let Some(inv) =
            sqlx::query_as::<_, Invite>(&format!("{INVITE_SELECT} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(StoreError::NotFound("invite"));
        };
        if inv.used_at.is_some() || inv.expires_at <= now {
            return Err(StoreError::Conflict("invite"));
        }
        let user = User {
            id: new_id(),
            email: inv.email.clone(),
            display_name: inv.display_name.clone(),
            platform_admin: false,
            locale: "ja".into(),
            mfa_enabled: false,
            disabled: false,
            version: 1,
            created_at: now,
        };
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, platform_admin, locale, \
             version, created_at) VALUES ($1,$2,$3,$4,FALSE,$5,1,$6)",
        )
        .bind(&user.id)
        .bind(&user.email)
        .bind(&user.display_name)
        .bind(password_hash)
        .bind(&user.locale)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(dup("user"))?;
        // The institution asked for this person; the vendor decides (pending until its
        // administrator confirms).
        sqlx::query(
            "INSERT INTO vendor_members (vendor_id, user_id, role, status, \
             requested_by_institution, created_at) VALUES ($1, $2, 'member', 'pending', $3, $4)",
        )
        .bind(&inv.vendor_id)
        .bind(&user.id)
        .bind(&inv.institution_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let n = sqlx::query(
            "UPDATE invites SET used_at = $1, user_id = $2 WHERE id = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(&user.id)
        .bind(&inv.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("invite"));
        }
        let mut actor = actor.clone();
        actor.user_id = Some(user.id.clone());
        actor.label = user.email.clone();
        finish(
            tx,
            &actor,
            AuditDraft::new(
                Some(&inv.institution_id),
                "vendor.invite.accept",
                "vendor",
                &inv.vendor_id,
                json!({"invite": inv.id, "user_id": user.id, "email": user.email}),
            ),
        )
        .await?;
        Ok(user)
    }

    async fn save_standard_answer(&self, actor: &Actor, a: &StandardAnswer) -> Result<()> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO vendor_standard_answers (vendor_id, product, catalog_id, item_id, \
             responsibility, agreed_content, written_in, remarks, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
             ON CONFLICT (vendor_id, product, catalog_id, item_id) DO UPDATE SET \
             responsibility = excluded.responsibility, agreed_content = excluded.agreed_content, \
             written_in = excluded.written_in, remarks = excluded.remarks, \
             updated_at = excluded.updated_at",
        )
        .bind(&a.vendor_id)
        .bind(&a.product)
        .bind(&a.catalog_id)
        .bind(&a.item_id)
        .bind(&a.responsibility)
        .bind(&a.agreed_content)
        .bind(&a.written_in)
        .bind(&a.remarks)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fk("vendor"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.standard_answer.save",
                "vendor",
                &a.vendor_id,
                json!({"product": a.product, "catalog": a.catalog_id, "item": a.item_id,
                       "responsibility": a.responsibility}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn standard_answers(&self, vendor_id: &str) -> Result<Vec<StandardAnswer>> {
        Ok(sqlx::query_as::<_, StandardAnswer>(
            "SELECT vendor_id, product, catalog_id, item_id, responsibility, agreed_content, \
             written_in, remarks, updated_at FROM vendor_standard_answers WHERE vendor_id = $1 \
             ORDER BY product, catalog_id, item_id",
        )
        .bind(vendor_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn create_assessment(
        &self,
        actor: &Actor,
        a: &Assessment,
        carried: &[AssessmentAnswer],
    ) -> Result<Assessment> {
        let mut tx = self.begin().await?;
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO assessments (id, institution_id, fiscal_year, catalog_id, status, \
             previous_id, created_at) VALUES ($1,$2,$3,$4,'draft',$5,$6)",
        )
        .bind(&id)
        .bind(&a.institution_id)
        .bind(a.fiscal_year)
        .bind(&a.catalog_id)
        .bind(&a.previous_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fk("assessment"))?;
        for c in carried {
            sqlx::query(
                "INSERT INTO assessment_answers (institution_id, assessment_id, item_id, slot, \
                 check1, check1_on, check2, check2_on, target_on, note, carried, version, \
                 updated_at, updated_by, updated_label) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,TRUE,1,$11,$12,$13)",
            )
            .bind(&a.institution_id)
            .bind(&id)
            .bind(&c.item_id)
            .bind(&c.slot)
            .bind(&c.check1)
            .bind(&c.check1_on)
            .bind(&c.check2)
            .bind(&c.check2_on)
            .bind(&c.target_on)
            .bind(&c.note)
            .bind(now)
            .bind(&c.updated_by)
            .bind(&c.updated_label)
            .execute(&mut *tx)
            .await?;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.create",
                "assessment",
                &id,
                json!({"fiscal_year": a.fiscal_year, "catalog": a.catalog_id,
                       "previous": a.previous_id, "carried": carried.len()}),
            ),
        )
        .await?;
        self.assessment(&id)
            .await?
            .ok_or(StoreError::NotFound("assessment"))
    }

    async fn assessments(&self, institution_id: &str) -> Result<Vec<Assessment>> {
        Ok(sqlx::query_as::<_, Assessment>(&format!(
            "{ASSESSMENT_SELECT} WHERE institution_id = $1 ORDER BY fiscal_year DESC"
        ))
        .bind(institution_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn assessment(&self, id: &str) -> Result<Option<Assessment>> {
        Ok(
            sqlx::query_as::<_, Assessment>(&format!("{ASSESSMENT_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn assessment_answers(&self, assessment_id: &str) -> Result<Vec<AssessmentAnswer>> {
        Ok(sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{ANSWER_SELECT} WHERE assessment_id = $1 ORDER BY item_id, slot"
        ))
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn save_assessment_answer(
        &self,
        actor: &Actor,
        a: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        // Writes only into a draft of the institution's own assessment.
        hold_open(
            &mut tx,
            Sheet::Assessment,
            &a.assessment_id,
            &a.institution_id,
        )
        .await?;
        let n = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO assessment_answers (institution_id, assessment_id, item_id, slot, \
                 check1, check1_on, check2, check2_on, target_on, note, carried, version, \
                 updated_at, updated_by, updated_label) \
                 SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,FALSE,1,$11,$12,$13 \
                 WHERE $14 = 0 AND NOT EXISTS (SELECT 1 FROM assessment_answers \
                 WHERE assessment_id = $2 AND item_id = $3 AND slot = $4)",
            )
        } else {
            sqlx::query(
                "UPDATE assessment_answers SET check1 = $5, check1_on = $6, check2 = $7, \
                 check2_on = $8, target_on = $9, note = $10, carried = FALSE, \
                 version = version + 1, updated_at = $11, updated_by = $12, updated_label = $13 \
                 WHERE institution_id = $1 AND assessment_id = $2 AND item_id = $3 \
                 AND slot = $4 AND version = $14",
            )
        }
        .bind(&a.institution_id)
        .bind(&a.assessment_id)
        .bind(&a.item_id)
        .bind(&a.slot)
        .bind(&a.check1)
        .bind(&a.check1_on)
        .bind(&a.check2)
        .bind(&a.check2_on)
        .bind(&a.target_on)
        .bind(&a.note)
        .bind(now)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => StoreError::Conflict("assessment answer"),
            _ => StoreError::Db(e),
        })?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("assessment answer"));
        }
        let saved = sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{ANSWER_SELECT} WHERE assessment_id = $1 AND item_id = $2 AND slot = $3"
        ))
        .bind(&a.assessment_id)
        .bind(&a.item_id)
        .bind(&a.slot)
        .fetch_one(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.answer",
                "assessment",
                &a.assessment_id,
                json!({"item": a.item_id, "slot": a.slot, "check1": a.check1,
                       "check1_on": a.check1_on, "check2": a.check2, "check2_on": a.check2_on,
                       "target_on": a.target_on, "version": saved.version}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn approve_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
    ) -> Result<Assessment> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let Some(a) =
            sqlx::query_as::<_, Assessment>(&format!("{ASSESSMENT_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(StoreError::NotFound("assessment"));
        };
        if a.status != "draft" || a.version != expected_version {
            return Err(StoreError::Conflict("assessment"));
        }
        // The row first: a save holding it finishes before this goes on, so the answers read
        // below are the ones approved.
        let n = sqlx::query(
            "UPDATE assessments SET status = 'approved', approved_at = $1, approved_by = $2, \
             reopen_reason = '', version = version + 1 WHERE id = $3 AND version = $4 \
             AND status = 'draft'",
        )
        .bind(now)
        .bind(&actor.user_id)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("assessment"));
        }
        let answers = sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{ANSWER_SELECT} WHERE assessment_id = $1 ORDER BY item_id, slot"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let snapshot = serde_json::to_string(&answers).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO assessment_revisions (id, institution_id, assessment_id, revision, \
             approved_at, approved_by, approved_label, reason, snapshot) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(new_id())
        .bind(&a.institution_id)
        .bind(id)
        .bind(a.revision)
        .bind(now)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(&a.reopen_reason)
        .bind(&snapshot)
        .execute(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.approve",
                "assessment",
                id,
                json!({"revision": a.revision, "answers": answers.len(),
                       "fiscal_year": a.fiscal_year}),
            ),
        )
        .await?;
        self.assessment(id)
            .await?
            .ok_or(StoreError::NotFound("assessment"))
    }

    async fn reopen_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
    ) -> Result<Assessment> {
        let mut tx = self.begin().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT institution_id, revision FROM assessments WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((institution_id, revision)) = row else {
            return Err(StoreError::NotFound("assessment"));
        };
        let n = sqlx::query(
            "UPDATE assessments SET status = 'draft', revision = revision + 1, \
             reopen_reason = $1, approved_at = NULL, approved_by = NULL, version = version + 1 \
             WHERE id = $2 AND version = $3 AND status = 'approved'",
        )
        .bind(reason)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("assessment"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&institution_id),
                "assessment.reopen",
                "assessment",
                id,
                json!({"reason": reason, "revision": revision + 1}),
            ),
        )
        .await?;
        self.assessment(id)
            .await?
            .ok_or(StoreError::NotFound("assessment"))
    }

    async fn assessment_revisions(&self, assessment_id: &str) -> Result<Vec<AssessmentRevision>> {
        Ok(sqlx::query_as::<_, AssessmentRevision>(
            "SELECT id, assessment_id, revision, approved_at, approved_by, approved_label, reason, \
             snapshot FROM assessment_revisions WHERE assessment_id = $1 ORDER BY revision",
        )
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn request_vendor_sheets(
        &self,
        actor: &Actor,
        a: &Assessment,
        contracts: &[(String, String)],
        catalog_id: &str,
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut created = 0;
        for (contract_id, vendor_id) in contracts {
            let n = sqlx::query(
                "INSERT INTO vendor_sheets (id, institution_id, assessment_id, contract_id, \
                 vendor_id, catalog_id, status, requested_at) \
                 SELECT $1, c.institution_id, $2, c.id, c.vendor_id, $3, 'requested', $4 \
                 FROM contracts c WHERE c.id = $5 AND c.vendor_id = $6 AND c.institution_id = $7 \
                 AND NOT EXISTS (SELECT 1 FROM vendor_sheets s WHERE s.assessment_id = $2 \
                 AND s.contract_id = c.id)",
            )
            .bind(new_id())
            .bind(&a.id)
            .bind(catalog_id)
            .bind(now)
            .bind(contract_id)
            .bind(vendor_id)
            .bind(&a.institution_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            created += n as usize;
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.vendor_sheets.request",
                "assessment",
                &a.id,
                json!({"requested": created, "catalog": catalog_id}),
            ),
        )
        .await?;
        Ok(created)
    }

    async fn vendor_sheets(&self, assessment_id: &str) -> Result<Vec<VendorSheet>> {
        Ok(sqlx::query_as::<_, VendorSheet>(&format!(
            "{SHEET_SELECT} WHERE s.assessment_id = $1 ORDER BY v.name, s.id"
        ))
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn vendor_sheet(&self, id: &str) -> Result<Option<VendorSheet>> {
        Ok(
            sqlx::query_as::<_, VendorSheet>(&format!("{SHEET_SELECT} WHERE s.id = $1"))
                .bind(id)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn vendor_sheets_of(&self, vendor_ids: &[String]) -> Result<Vec<VendorSheet>> {
        let mut out = Vec::new();
        for v in vendor_ids {
            out.extend(
                sqlx::query_as::<_, VendorSheet>(&format!(
                    "{SHEET_SELECT} WHERE s.vendor_id = $1 ORDER BY a.fiscal_year DESC, i.name"
                ))
                .bind(v)
                .fetch_all(self.r())
                .await?,
            );
        }
        Ok(out)
    }

    async fn vendor_sheet_answers(&self, sheet_id: &str) -> Result<Vec<AssessmentAnswer>> {
        Ok(sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{SHEET_ANSWER_SELECT} WHERE sheet_id = $1 ORDER BY item_id, slot"
        ))
        .bind(sheet_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn vendor_sheet_answers_of_assessment(
        &self,
        assessment_id: &str,
    ) -> Result<Vec<AssessmentAnswer>> {
        Ok(sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{SHEET_ANSWER_SELECT} WHERE sheet_id IN \
             (SELECT id FROM vendor_sheets WHERE assessment_id = $1) ORDER BY sheet_id, item_id, slot"
        ))
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn save_vendor_sheet_answer(
        &self,
        actor: &Actor,
        a: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        hold_open(
            &mut tx,
            Sheet::VendorSheet,
            &a.assessment_id,
            &a.institution_id,
        )
        .await?;
        let n = if expected_version == 0 {
            sqlx::query(
                "INSERT INTO vendor_sheet_answers (institution_id, sheet_id, item_id, slot, \
                 check1, check1_on, check2, check2_on, target_on, note, version, updated_at, \
                 updated_by, updated_label) \
                 SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1,$11,$12,$13 WHERE $14 = 0 AND NOT EXISTS \
                 (SELECT 1 FROM vendor_sheet_answers WHERE sheet_id = $2 AND item_id = $3 \
                 AND slot = $4)",
            )
        } else {
            sqlx::query(
                "UPDATE vendor_sheet_answers SET check1 = $5, check1_on = $6, check2 = $7, \
                 check2_on = $8, target_on = $9, note = $10, version = version + 1, \
                 updated_at = $11, updated_by = $12, updated_label = $13 \
                 WHERE institution_id = $1 AND sheet_id = $2 AND item_id = $3 AND slot = $4 \
                 AND version = $14",
            )
        }
        .bind(&a.institution_id)
        .bind(&a.assessment_id)
        .bind(&a.item_id)
        .bind(&a.slot)
        .bind(&a.check1)
        .bind(&a.check1_on)
        .bind(&a.check2)
        .bind(&a.check2_on)
        .bind(&a.target_on)
        .bind(&a.note)
        .bind(now)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict("vendor sheet answer"));
        }
        let saved = sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "{SHEET_ANSWER_SELECT} WHERE sheet_id = $1 AND item_id = $2 AND slot = $3"
        ))
        .bind(&a.assessment_id)
        .bind(&a.item_id)
        .bind(&a.slot)
        .fetch_one(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "vendor_sheet.answer",
                "vendor_sheet",
                &a.assessment_id,
                json!({"item": a.item_id, "slot": a.slot, "check1": a.check1,
                       "check1_on": a.check1_on, "target_on": a.target_on,
                       "version": saved.version}),
            ),
        )
        .await?;
        Ok(saved)
    }

    async fn submit_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
    ) -> Result<()> {
        self.move_vendor_sheet(actor, id, expected_version, SheetMove::Submit)
            .await
    }

    async fn return_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
    ) -> Result<()> {
        self.move_vendor_sheet(actor, id, expected_version, SheetMove::Return(reason))
            .await
    }

    async fn create_inspector_link(
        &self,
        actor: &Actor,
        l: &InspectorLink,
        token_hash: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "INSERT INTO inspector_links (id, token_hash, institution_id, assessment_id, label, \
             expires_at, created_by, created_at) SELECT $1, $2, institution_id, id, $3, $4, $5, $6 \
             FROM assessments WHERE id = $7 AND institution_id = $8",
        )
        .bind(&l.id)
        .bind(token_hash)
        .bind(&l.label)
        .bind(l.expires_at)
        .bind(&actor.user_id)
        .bind(now_ms())
        .bind(&l.assessment_id)
        .bind(&l.institution_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound("assessment"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&l.institution_id),
                "inspector.link.create",
                "assessment",
                &l.assessment_id,
                json!({"link": l.id, "label": l.label, "expires_at": l.expires_at}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn inspector_link_by_token(&self, token_hash: &str) -> Result<Option<InspectorLink>> {
        Ok(
            sqlx::query_as::<_, InspectorLink>(&format!("{LINK_SELECT} WHERE token_hash = $1"))
                .bind(token_hash)
                .fetch_optional(self.r())
                .await?,
        )
    }

    async fn inspector_links(&self, assessment_id: &str) -> Result<Vec<InspectorLink>> {
        Ok(sqlx::query_as::<_, InspectorLink>(&format!(
            "{LINK_SELECT} WHERE assessment_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn revoke_inspector_link(
        &self,
        actor: &Actor,
        assessment_id: &str,
        id: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let row: Option<(String, Option<i64>)> = sqlx::query_as(
            "SELECT institution_id, revoked_at FROM inspector_links WHERE id = $1 \
             AND assessment_id = $2",
        )
        .bind(id)
        .bind(assessment_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((institution_id, None)) = row else {
            return Err(if row.is_some() {
                StoreError::Conflict("inspector link")
            } else {
                StoreError::NotFound("inspector link")
            });
        };
        sqlx::query(
            "UPDATE inspector_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&institution_id),
                "inspector.link.revoke",
                "assessment",
                assessment_id,
                json!({"link": id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn add_evidence(
        &self,
        actor: &Actor,
        e: &Evidence,
        content: Option<&[u8]>,
    ) -> Result<Evidence> {
        let mut tx = self.begin().await?;
        hold_open(
            &mut tx,
            Sheet::Assessment,
            &e.assessment_id,
            &e.institution_id,
        )
        .await?;
        let now = now_ms();
        if let (Some(bytes), Some(hash)) = (content, &e.sha256) {
            put_blob(&mut tx, hash, bytes, now).await?;
        }
        let id = new_id();
        let n = sqlx::query(
            "INSERT INTO assessment_evidence (id, institution_id, assessment_id, item_id, kind, \
             ref_id, label, sha256, media_type, effective_on, created_by, created_label, \
             created_at) SELECT $1, institution_id, id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
             FROM assessments WHERE id = $12 AND institution_id = $13",
        )
        .bind(&id)
        .bind(&e.item_id)
        .bind(&e.kind)
        .bind(&e.ref_id)
        .bind(&e.label)
        .bind(&e.sha256)
        .bind(&e.media_type)
        .bind(&e.effective_on)
        .bind(&actor.user_id)
        .bind(&actor.label)
        .bind(now)
        .bind(&e.assessment_id)
        .bind(&e.institution_id)
        .execute(&mut *tx)
        .await
        .map_err(fk("evidence"))?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound("assessment"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&e.institution_id),
                "assessment.evidence.add",
                "assessment",
                &e.assessment_id,
                json!({"evidence": id, "item": e.item_id, "kind": e.kind, "ref": e.ref_id,
                       "label": e.label, "sha256": e.sha256, "effective_on": e.effective_on}),
            ),
        )
        .await?;
        Ok(Evidence {
            id,
            created_at: now,
            created_by: actor.user_id.clone(),
            created_label: actor.label.clone(),
            ..e.clone()
        })
    }

    async fn evidence(&self, assessment_id: &str) -> Result<Vec<Evidence>> {
        Ok(sqlx::query_as::<_, Evidence>(&format!(
            "{EVIDENCE_SELECT} WHERE assessment_id = $1 AND withdrawn_at IS NULL \
             ORDER BY item_id, created_at, id"
        ))
        .bind(assessment_id)
        .fetch_all(self.r())
        .await?)
    }

    async fn withdraw_evidence(
        &self,
        actor: &Actor,
        assessment_id: &str,
        evidence_id: &str,
        reason: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let Some(e) = sqlx::query_as::<_, Evidence>(&format!(
            "{EVIDENCE_SELECT} WHERE id = $1 AND assessment_id = $2 AND withdrawn_at IS NULL"
        ))
        .bind(evidence_id)
        .bind(assessment_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(StoreError::NotFound("evidence"));
        };
        hold_open(&mut tx, Sheet::Assessment, assessment_id, &e.institution_id).await?;
        let n = sqlx::query(
            "UPDATE assessment_evidence SET withdrawn_at = $1, withdrawn_label = $2, \
             withdrawn_reason = $3 WHERE id = $4 AND withdrawn_at IS NULL",
        )
        .bind(now_ms())
        .bind(&actor.label)
        .bind(reason)
        .bind(evidence_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            // Withdrawn meanwhile by someone else.
            return Err(StoreError::NotFound("evidence"));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&e.institution_id),
                "assessment.evidence.withdraw",
                "assessment",
                assessment_id,
                json!({"evidence": e.id, "item": e.item_id, "kind": e.kind, "label": e.label,
                       "sha256": e.sha256, "reason": reason}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn evidence_file(&self, id: &str) -> Result<Option<(Evidence, Option<Vec<u8>>)>> {
        let Some(e) = sqlx::query_as::<_, Evidence>(&format!(
            "{EVIDENCE_SELECT} WHERE id = $1 AND withdrawn_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(self.r())
        .await?
        else {
            return Ok(None);
        };
        let content = match &e.sha256 {
            Some(h) => Some(
                sqlx::query_as::<_, (Vec<u8>,)>("SELECT content FROM blobs WHERE sha256 = $1")
                    .bind(h)
                    .fetch_one(self.r())
                    .await?
                    .0,
            ),
            None => None,
        };
        Ok(Some((e, content)))
    }

    async fn search_catalog_items(
        &self,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<CatalogItemRecord>> {
        if words.is_empty() {
            return Ok(Vec::new());
        }
        // One condition per word (all must match), as the backend answers it best.
        let conditions: Vec<(String, String)> = words
            .iter()
            .enumerate()
            .map(|(n, w)| This::word_condition(n + 1, &w.to_lowercase()))
            .collect();
        let sql = format!(
            "SELECT catalog_id, item_id, kind, number, section_title, text, extra, provenance \
             FROM catalog_items WHERE {} LIMIT ${}",
            conditions
                .iter()
                .map(|(c, _)| c.as_str())
                .collect::<Vec<_>>()
                .join(" AND "),
            words.len() + 1
        );
        let mut q = sqlx::query_as::<_, CatalogItemRecord>(&sql);
        for (_, value) in conditions {
            q = q.bind(value);
        }
        Ok(q.bind(limit).fetch_all(self.r()).await?)
    }

    async fn record(&self, actor: &Actor, draft: AuditDraft) -> Result<AuditRecord> {
        finish(self.begin().await?, actor, draft).await
    }

    async fn audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
        // Two index-driven halves, each limited to the page's end, merged and cut: the
        // institution's own chain, and the global events about the people who hold a role in
        // it (their sign-ins, MFA, password, tokens) — not what they did elsewhere.
        // The second half starts from the members (CROSS JOIN fixes that order in SQLite);
        // walking the global chain by time instead would read every account's events.
        let filters = "($2 IS NULL OR action LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR LOWER(actor_label) LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR occurred_at >= $4) \
             AND ($5 IS NULL OR occurred_at < $5)";
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM ( \
               SELECT * FROM (SELECT {AUDIT_COLS} FROM audit_events WHERE chain = $1 AND {filters} \
                 ORDER BY occurred_at DESC, seq DESC LIMIT $8) own \
               UNION ALL \
               SELECT * FROM (SELECT {AUDIT_COLS} FROM \
                 (SELECT DISTINCT user_id FROM institution_roles WHERE institution_id = $1) m \
                 CROSS JOIN audit_events WHERE target_id = m.user_id AND chain = '{GLOBAL_CHAIN}' \
                 AND {filters} ORDER BY occurred_at DESC, seq DESC LIMIT $8) members \
             ) merged ORDER BY occurred_at DESC, seq DESC LIMIT $6 OFFSET $7"
        );
        let action = f.action_prefix.as_deref().map(|p| {
            let mut s = like_escape(p);
            s.remove(0);
            s
        });
        let actor = f.actor.as_deref().map(|a| like_escape(&a.to_lowercase()));
        Ok(sqlx::query_as::<_, AuditRow>(&sql)
            .bind(&f.institution_id)
            .bind(action)
            .bind(actor)
            .bind(f.from)
            .bind(f.to)
            .bind(f.limit)
            .bind(f.offset)
            .bind(f.limit + f.offset)
            .fetch_all(self.r())
            .await?
            .into_iter()
            .map(AuditRecord::from)
            .collect())
    }

    async fn audit_heads(&self) -> Result<Vec<ChainHead>> {
        Ok(sqlx::query_as::<_, ChainHead>(
            "SELECT chain, seq, hash FROM audit_heads ORDER BY chain",
        )
        .fetch_all(self.r())
        .await?)
    }

    async fn audit_chain_names(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT chain FROM audit_events UNION SELECT chain FROM audit_heads ORDER BY 1",
        )
        .fetch_all(self.r())
        .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    async fn audit_chain(
        &self,
        chain: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM audit_events WHERE chain = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        );
        Ok(sqlx::query_as::<_, AuditRow>(&sql)
            .bind(chain)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.r())
            .await?
            .into_iter()
            .map(AuditRecord::from)
            .collect())
    }

    async fn record_checkpoint(
        &self,
        actor: &Actor,
        checkpoint: &StoredCheckpoint,
        chains: usize,
    ) -> Result<AuditRecord> {
        anchor::record_checkpoint(self.begin().await?, actor, checkpoint, chains).await
    }

    async fn audit_checkpoints(&self, offset: i64, limit: i64) -> Result<Vec<StoredCheckpoint>> {
        anchor::checkpoints(self.r(), offset, limit).await
    }

    async fn latest_checkpoint_at(&self) -> Result<Option<i64>> {
        anchor::latest_checkpoint_at(self.r()).await
    }
}
