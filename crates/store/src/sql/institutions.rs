//! SQL of the institutions area (InstitutionStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{corrupt, finish, This, Tx, UserRow, USER_COLS};
use crate::error::{dup, fk};
use crate::{
    new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, InstitutionSettings, InstitutionStore,
    Member, NewInstitution, Result, StoreError,
};
use async_trait::async_trait;
use mamori_domain::members;
use mamori_domain::{Institution, Principal, Role, RoleGrant};
use serde_json::json;
use sqlx::FromRow;

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

/// Refuse to take the security-officer role from `user_id` (or to give its grant an expiry)
/// when it would leave the institution without a live one ([`members::removes_last_officer`]). The institution's row
/// is held first (a no-op update takes its row lock on PostgreSQL; SQLite has one writer), so
/// two revocations of two officers queue up: the second reads the officers as the first
/// left them.
async fn keep_an_officer(tx: &mut Tx, institution_id: &str, user_id: &str) -> Result<()> {
    sqlx::query("UPDATE institutions SET version = version WHERE id = $1")
        .bind(institution_id)
        .execute(&mut **tx)
        .await?;
    let grants: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT user_id, expires_at FROM institution_roles \
         WHERE institution_id = $1 AND role = $2",
    )
    .bind(institution_id)
    .bind(Role::SecurityOfficer.as_str())
    .fetch_all(&mut **tx)
    .await?;
    let live = members::live_officers(
        grants
            .iter()
            .map(|(u, e)| (u.as_str(), Role::SecurityOfficer, *e)),
        now_ms(),
    );
    if members::removes_last_officer(&live, user_id, Role::SecurityOfficer) {
        return Err(StoreError::Conflict(ConflictKind::LastOfficer));
    }
    Ok(())
}

impl This {
    async fn institution_where(&self, column: &str, value: &str) -> Result<Option<Institution>> {
        let sql = format!("SELECT {INSTITUTION_COLS} FROM institutions WHERE {column} = $1");
        self.one::<InstitutionRow, _>(&sql, value)
            .await?
            .map(InstitutionRow::into_domain)
            .transpose()
    }
}

#[async_trait]
impl InstitutionStore for This {
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
        .map_err(dup(Entity::Institution))?;
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
            .ok_or(StoreError::NotFound(Entity::Institution))?
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
            return Err(StoreError::Conflict(ConflictKind::StaleInstitution));
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

    async fn grant_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
        expires_at: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        // An expiry on the last live officer's grant would leave nobody once it passes.
        if role == Role::SecurityOfficer && expires_at.is_some() {
            keep_an_officer(&mut tx, institution_id, user_id).await?;
        }
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
        .map_err(fk(Entity::InstitutionOrUser))?;
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
        if role == Role::SecurityOfficer {
            keep_an_officer(&mut tx, institution_id, user_id).await?;
        }
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
            return Err(StoreError::NotFound(Entity::Role));
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
                .ok_or(StoreError::NotFound(Entity::User))?;
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
}
