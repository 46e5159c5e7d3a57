//! The SQL of the Store contract, shared by both backends. This file is compiled twice, as
//! `sqlite::shared` and `postgres::shared`; `Db` and `This` name the backend's database and
//! store type. Placeholders are `$n`, which both SQLite and PostgreSQL accept.

use super::{Db, This};
use crate::{
    dup, new_id, now_ms, Actor, ApiToken, AuditDraft, AuditFilter, CatalogItemRecord,
    CatalogRecord, ChainHead, InstitutionSettings, Member, NewInstitution, NewUser, Result,
    SessionRecord, Store, StoreError, UserAuth,
};
use async_trait::async_trait;
use mamori_domain::audit::{AuditRecord, GENESIS, GLOBAL_CHAIN};
use mamori_domain::{Institution, Principal, Role, RoleGrant, User, Vendor};
use serde_json::json;
use sqlx::{FromRow, Transaction};

type Tx = Transaction<'static, Db>;

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
/// appends to one chain queue up instead of forking it.
async fn append(tx: &mut Tx, actor: &Actor, d: AuditDraft) -> Result<AuditRecord> {
    let chain = d
        .institution_id
        .clone()
        .unwrap_or_else(|| GLOBAL_CHAIN.to_string());
    let bump = "UPDATE audit_heads SET seq = seq + 1 WHERE chain = $1";
    if sqlx::query(bump)
        .bind(&chain)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 0
    {
        sqlx::query(
            "INSERT INTO audit_heads (chain, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (chain) DO NOTHING",
        )
        .bind(&chain)
        .bind(GENESIS)
        .execute(&mut **tx)
        .await?;
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
    Ok(rec)
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

impl This {
    async fn begin(&self) -> Result<Tx> {
        Ok(self.w().begin().await?)
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

    async fn add_vendor_member(&self, actor: &Actor, vendor_id: &str, user_id: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("INSERT INTO vendor_members (vendor_id, user_id) VALUES ($1, $2)")
            .bind(vendor_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(fk("vendor member"))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.add_member",
                "vendor",
                vendor_id,
                json!({"user_id": user_id}),
            ),
        )
        .await?;
        Ok(())
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
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "user.password_change",
                "user",
                user_id,
                json!({"other_sessions_ended": ended}),
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
        let vendor_ids: Vec<(String,)> =
            sqlx::query_as("SELECT vendor_id FROM vendor_members WHERE user_id = $1")
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
            vendor_ids: vendor_ids.into_iter().map(|(v,)| v).collect(),
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
}
