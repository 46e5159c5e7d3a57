//! SQL of the role sharing area (RoleSharingStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish_notify, This};
use crate::{
    new_id, now_ms, Actor, AuditDraft, ConflictKind, Entity, Result, RoleSharingEvent,
    RoleSharingItem, RoleSharingStep, RoleSharingStore, StoreError,
};
use async_trait::async_trait;
use mamori_domain::role_sharing::{Check, ItemState, Responsibility};
use serde_json::json;

const ITEM_SELECT: &str = "SELECT institution_id, contract_id, item_id, responsibility, \
     other_vendor_id, na_reason, agreed_content, written_in, first_check, first_checked_on, \
     completed_on, remarks, state, proposed_by, version, updated_at, updated_by \
     FROM role_sharing_items";

#[async_trait]
impl RoleSharingStore for This {
    async fn role_sharing_items(&self, contract_id: &str) -> Result<Vec<RoleSharingItem>> {
        self.all(
            &format!("{ITEM_SELECT} WHERE contract_id = $1"),
            contract_id,
        )
        .await
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

    async fn institution_role_sharing_tallies(
        &self,
        institution_id: &str,
    ) -> Result<Vec<(String, String, Option<String>, i64)>> {
        Ok(sqlx::query_as::<_, (String, String, Option<String>, i64)>(
            "SELECT contract_id, state, proposed_by, COUNT(*) FROM role_sharing_items \
             WHERE institution_id = $1 GROUP BY contract_id, state, proposed_by",
        )
        .bind(institution_id)
        .fetch_all(self.r())
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

    async fn matrix_cells(&self, institution_id: &str) -> Result<Vec<RoleSharingItem>> {
        type Cell = (
            String,
            String,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        );
        let json: String = sqlx::query_scalar(This::MATRIX_CELLS)
            .bind(institution_id)
            .fetch_one(self.r())
            .await?;
        let cells: Vec<Cell> = serde_json::from_str(&json)
            .map_err(|e| StoreError::Db(sqlx::Error::Decode(Box::new(e))))?;
        Ok(cells
            .into_iter()
            .map(
                |(contract_id, item_id, resp, other, state, first, completed)| RoleSharingItem {
                    institution_id: institution_id.to_string(),
                    contract_id,
                    item_id,
                    responsibility: resp.as_deref().and_then(Responsibility::parse),
                    other_vendor_id: other,
                    state: ItemState::parse(&state).unwrap_or_default(),
                    first_check: first.as_deref().and_then(Check::parse),
                    completed_on: completed,
                    ..Default::default()
                },
            )
            .collect())
    }

    async fn institution_role_sharing_items(
        &self,
        institution_id: &str,
    ) -> Result<Vec<RoleSharingItem>> {
        self.all(
            &format!("{ITEM_SELECT} WHERE institution_id = $1"),
            institution_id,
        )
        .await
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
        .bind(i.responsibility)
        .bind(&i.other_vendor_id)
        .bind(&i.na_reason)
        .bind(&i.agreed_content)
        .bind(&i.written_in)
        .bind(i.first_check)
        .bind(&i.first_checked_on)
        .bind(&i.completed_on)
        .bind(&i.remarks)
        .bind(i.state)
        .bind(i.proposed_by)
        .bind(now)
        .bind(&actor.user_id)
        .bind(st.expected_version)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e.as_database_error() {
            Some(d) if d.is_unique_violation() => {
                StoreError::Conflict(ConflictKind::StaleRoleSharingItem)
            }
            Some(d) if d.is_foreign_key_violation() => StoreError::NotFound(Entity::Vendor),
            _ => StoreError::Db(e),
        })?
        .rows_affected();
        if written != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleRoleSharingItem));
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
        .bind(st.party)
        .bind(st.step)
        .bind(saved.state)
        .bind(answer.to_string())
        .bind(&st.note)
        .execute(&mut *tx)
        .await?;
        finish_notify(
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
            &st.notices,
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
}
