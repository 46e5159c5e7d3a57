//! SQL of the vendors area (VendorStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish, This};
use crate::error::{dup, fk};
use crate::{
    new_id, now_ms, AccountStore, Actor, AuditDraft, Certification, ConflictKind, Entity, Invite,
    Result, SheetStandardAnswer, StandardAnswer, StoreError, VendorStore,
};
use async_trait::async_trait;
use mamori_domain::{User, Vendor};
use serde_json::json;

const CERT_SELECT: &str = "SELECT id, vendor_id, kind, name, expires_on, created_at, file_name, \
     sha256, media_type, file_size FROM vendor_certifications";

const INVITE_SELECT: &str = "SELECT id, institution_id, vendor_id, email, display_name, \
     created_by, created_at, expires_at, used_at, user_id FROM invites";

#[async_trait]
impl VendorStore for This {
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
            .map_err(dup(Entity::Vendor))?;
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
        .bind(c.kind)
        .bind(&c.name)
        .bind(&c.expires_on)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Vendor))?;
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

    async fn attach_certification_file(
        &self,
        actor: &Actor,
        vendor_id: &str,
        id: &str,
        file_name: &str,
        media_type: &str,
        content: &[u8],
    ) -> Result<Certification> {
        use sha2::Digest;
        let sha256 = hex::encode(sha2::Sha256::digest(content));
        let mut tx = self.begin().await?;
        let now = now_ms();
        super::put_blob(&mut tx, &sha256, content, now).await?;
        let n = sqlx::query(
            "UPDATE vendor_certifications SET file_name = $1, sha256 = $2, media_type = $3, \
             file_size = $4 WHERE id = $5 AND vendor_id = $6",
        )
        .bind(file_name)
        .bind(&sha256)
        .bind(media_type)
        .bind(content.len() as i64)
        .bind(id)
        .bind(vendor_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(Entity::Certification));
        }
        let c = sqlx::query_as::<_, Certification>(&format!("{CERT_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.certification.file",
                "vendor",
                vendor_id,
                json!({"id": id, "name": c.name, "file_name": file_name, "sha256": sha256,
                       "size": content.len()}),
            ),
        )
        .await?;
        Ok(c)
    }

    async fn certification_file(&self, id: &str) -> Result<Option<(Certification, Vec<u8>)>> {
        let Some(c) = sqlx::query_as::<_, Certification>(&format!("{CERT_SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.r())
            .await?
        else {
            return Ok(None);
        };
        let Some(sha) = c.sha256.clone() else {
            return Ok(None);
        };
        let (content,): (Vec<u8>,) = sqlx::query_as("SELECT content FROM blobs WHERE sha256 = $1")
            .bind(&sha)
            .fetch_one(self.r())
            .await?;
        Ok(Some((c, content)))
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
            return Err(StoreError::NotFound(Entity::Certification));
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
                sqlx::query_as::<_, Certification>(&format!(
                    "{CERT_SELECT} WHERE vendor_id = $1 ORDER BY kind, name, id"
                ))
                .bind(v)
                .fetch_all(self.r())
                .await?,
            );
        }
        Ok(out)
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
        .map_err(fk(Entity::Vendor))?;
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
        self.one(
            &format!("{INVITE_SELECT} WHERE token_hash = $1"),
            token_hash,
        )
        .await
    }

    async fn invites(&self, institution_id: &str) -> Result<Vec<Invite>> {
        self.all(
            &format!("{INVITE_SELECT} WHERE institution_id = $1 ORDER BY created_at DESC, id"),
            institution_id,
        )
        .await
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
            return Err(StoreError::NotFound(Entity::Invite));
        };
        if inv.used_at.is_some() || inv.expires_at <= now {
            return Err(StoreError::Conflict(ConflictKind::InviteSpent));
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
        .map_err(dup(Entity::User))?;
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
            return Err(StoreError::Conflict(ConflictKind::InviteSpent));
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
        .map_err(fk(Entity::Vendor))?;
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
        self.all(
            "SELECT vendor_id, product, catalog_id, item_id, responsibility, agreed_content, \
             written_in, remarks, updated_at FROM vendor_standard_answers WHERE vendor_id = $1 \
             ORDER BY product, catalog_id, item_id",
            vendor_id,
        )
        .await
    }

    async fn save_sheet_standard_answer(
        &self,
        actor: &Actor,
        a: &SheetStandardAnswer,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO vendor_sheet_standard_answers (vendor_id, product, catalog_id, item_id, \
             slot, check1, target_on, note, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
             ON CONFLICT (vendor_id, product, catalog_id, item_id, slot) DO UPDATE SET \
             check1 = excluded.check1, target_on = excluded.target_on, note = excluded.note, \
             updated_at = excluded.updated_at",
        )
        .bind(&a.vendor_id)
        .bind(&a.product)
        .bind(&a.catalog_id)
        .bind(&a.item_id)
        .bind(a.slot)
        .bind(a.check1)
        .bind(&a.target_on)
        .bind(&a.note)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::Vendor))?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.sheet_standard.save",
                "vendor",
                &a.vendor_id,
                json!({"product": a.product, "catalog": a.catalog_id, "item": a.item_id,
                       "slot": a.slot, "check1": a.check1, "target_on": a.target_on}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn delete_sheet_standard_answer(
        &self,
        actor: &Actor,
        key: &SheetStandardAnswer,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let gone = sqlx::query(
            "DELETE FROM vendor_sheet_standard_answers WHERE vendor_id = $1 AND product = $2 \
             AND catalog_id = $3 AND item_id = $4 AND slot = $5",
        )
        .bind(&key.vendor_id)
        .bind(&key.product)
        .bind(&key.catalog_id)
        .bind(&key.item_id)
        .bind(key.slot)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if gone == 0 {
            return Err(StoreError::NotFound(Entity::SheetStandardAnswer));
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                None,
                "vendor.sheet_standard.delete",
                "vendor",
                &key.vendor_id,
                json!({"product": key.product, "catalog": key.catalog_id, "item": key.item_id,
                       "slot": key.slot}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn sheet_standard_answers(&self, vendor_id: &str) -> Result<Vec<SheetStandardAnswer>> {
        self.all(
            "SELECT vendor_id, product, catalog_id, item_id, slot, check1, target_on, note, \
             updated_at FROM vendor_sheet_standard_answers WHERE vendor_id = $1 \
             ORDER BY product, catalog_id, item_id, slot",
            vendor_id,
        )
        .await
    }
}
