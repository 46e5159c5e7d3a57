//! SQL of the contracts area (ContractStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish, put_blob, This};
use crate::error::fk;
use crate::{
    new_id, now_ms, Actor, AuditDraft, ConflictKind, Contract, ContractDocument, ContractStore,
    Entity, NewContract, NewSystem, Result, StoreError, Subcontractor, System,
};
use async_trait::async_trait;
use serde_json::json;

const CONTRACT_SELECT: &str = "SELECT c.id, c.institution_id, i.code AS institution_code, \
     i.name AS institution_name, c.vendor_id, v.name AS vendor_name, c.title, c.kind, \
     c.starts_on, c.ends_on, c.catalog_id, c.version, c.created_at FROM contracts c \
     JOIN institutions i ON i.id = c.institution_id JOIN vendors v ON v.id = c.vendor_id";

const DOC_SELECT: &str = "SELECT id, institution_id, contract_id, kind, file_name, sha256, \
     size, media_type, uploaded_by, uploaded_party, uploaded_at FROM contract_documents";

#[async_trait]
impl ContractStore for This {
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
        .bind(n.category)
        .bind(n.hosting)
        .bind(n.holds_medical_info)
        .bind(&n.note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::System))?;
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
        self.all(
            "SELECT id, institution_id, name, category, hosting, holds_medical_info, note, \
             version, created_at FROM systems WHERE institution_id = $1 ORDER BY created_at, id",
            institution_id,
        )
        .await
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
            return Err(StoreError::NotFound(Entity::System));
        }
        sqlx::query(
            "INSERT INTO system_links (institution_id, system_a, system_b) VALUES ($1,$2,$3)",
        )
        .bind(institution_id)
        .bind(a)
        .bind(b)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::SystemLink))?;
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
        self.all(
            "SELECT system_a, system_b FROM system_links WHERE institution_id = $1 \
             ORDER BY system_a, system_b",
            institution_id,
        )
        .await
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
        .bind(n.kind)
        .bind(&n.starts_on)
        .bind(&n.ends_on)
        .bind(&n.catalog_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Vendor))?;
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
            .map_err(fk(Entity::System))?;
            if r.rows_affected() != 1 {
                return Err(StoreError::NotFound(Entity::System));
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
            .ok_or(StoreError::NotFound(Entity::Contract))
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
        .bind(d.kind)
        .bind(&d.file_name)
        .bind(&d.sha256)
        .bind(content.len() as i64)
        .bind(&d.media_type)
        .bind(&actor.user_id)
        .bind(d.uploaded_party)
        .bind(now)
        .bind(&d.institution_id)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Contract))
        .and_then(|r| {
            if r.rows_affected() == 1 {
                Ok(())
            } else {
                Err(StoreError::NotFound(Entity::Contract))
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
        self.all(
            &format!("{DOC_SELECT} WHERE contract_id = $1 ORDER BY uploaded_at, id"),
            contract_id,
        )
        .await
    }

    async fn institution_documents(&self, institution_id: &str) -> Result<Vec<ContractDocument>> {
        self.all(
            &format!("{DOC_SELECT} WHERE institution_id = $1 ORDER BY uploaded_at, id"),
            institution_id,
        )
        .await
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
            return Err(StoreError::NotFound(Entity::Contract));
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
                StoreError::Conflict(ConflictKind::SubcontractorApproved)
            } else {
                StoreError::NotFound(Entity::Subcontractor)
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
            return Err(StoreError::Conflict(ConflictKind::SubcontractorApproved));
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
        self.all(
            "SELECT id, institution_id, contract_id, name, scope, declared_by, declared_at, \
             approved_by, approved_at FROM subcontractors WHERE institution_id = $1 \
             ORDER BY declared_at, id",
            institution_id,
        )
        .await
    }
}
