//! SQL of the vendor sheets area (VendorSheetStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish_notify, Sheet, This};
use crate::{
    new_id, now_ms, Actor, Assessment, AssessmentAnswer, AuditDraft, ConflictKind, Entity, Result,
    StoreError, VendorSheet, VendorSheetStore,
};
use async_trait::async_trait;
use mamori_domain::codes::VendorSheetStatus;
use mamori_domain::notifications::NoticeDraft;
use serde_json::json;

const SHEET_SELECT: &str = "SELECT s.id, s.institution_id, i.code AS institution_code, \
     i.name AS institution_name, s.assessment_id, a.fiscal_year, s.contract_id, \
     c.title AS contract_title, s.vendor_id, v.name AS vendor_name, s.catalog_id, s.status, \
     s.requested_at, s.submitted_at, s.returned_reason, s.version FROM vendor_sheets s \
     JOIN institutions i ON i.id = s.institution_id JOIN assessments a ON a.id = s.assessment_id \
     JOIN contracts c ON c.id = s.contract_id JOIN vendors v ON v.id = s.vendor_id";

const SHEET_ANSWER_SELECT: &str = "SELECT institution_id, sheet_id AS assessment_id, item_id, \
     slot, check1, check1_on, check2, check2_on, target_on, note, FALSE AS carried, version, \
     updated_at, updated_by, updated_label FROM vendor_sheet_answers";

/// A vendor sheet's two moves: the vendor submits it, the institution sends it back.
enum SheetMove<'a> {
    Submit,
    Return(&'a str),
}

impl This {
    /// Submit (`requested` → `submitted`, the reason of an earlier return cleared) or send
    /// back (`submitted` → `requested` with the reason) at `expected_version`, audited in the
    /// same transaction; `Conflict` when stale or not in the state the move starts from.
    async fn move_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        m: SheetMove<'_>,
        notices: &[NoticeDraft],
    ) -> Result<()> {
        let (from, to, submitted_at, reason, action) = match m {
            SheetMove::Submit => (
                VendorSheetStatus::Requested,
                VendorSheetStatus::Submitted,
                Some(now_ms()),
                "",
                "vendor_sheet.submit",
            ),
            SheetMove::Return(r) => (
                VendorSheetStatus::Submitted,
                VendorSheetStatus::Requested,
                None,
                r,
                "vendor_sheet.return",
            ),
        };
        let mut tx = self.begin().await?;
        let row: Option<(String,)> =
            sqlx::query_as("SELECT institution_id FROM vendor_sheets WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((institution_id,)) = row else {
            return Err(StoreError::NotFound(Entity::VendorSheet));
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
            return Err(StoreError::Conflict(ConflictKind::StaleVendorSheet));
        }
        let detail = if reason.is_empty() {
            json!({})
        } else {
            json!({ "reason": reason })
        };
        finish_notify(
            tx,
            actor,
            AuditDraft::new(Some(&institution_id), action, "vendor_sheet", id, detail),
            notices,
        )
        .await?;
        Ok(())
    }
}

#[async_trait]
impl VendorSheetStore for This {
    async fn request_vendor_sheets(
        &self,
        actor: &Actor,
        a: &Assessment,
        contracts: &[(String, String)],
        catalog_id: &str,
        notices: &[NoticeDraft],
    ) -> Result<usize> {
        let mut tx = self.begin().await?;
        let now = now_ms();
        let mut created = 0;
        let mut told = Vec::new();
        for (i, (contract_id, vendor_id)) in contracts.iter().enumerate() {
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
            if n == 1 {
                told.extend(notices.get(i).cloned());
            }
        }
        finish_notify(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                "assessment.vendor_sheets.request",
                "assessment",
                &a.id,
                json!({"requested": created, "catalog": catalog_id}),
            ),
            &told,
        )
        .await?;
        Ok(created)
    }

    async fn vendor_sheets(&self, assessment_id: &str) -> Result<Vec<VendorSheet>> {
        self.all(
            &format!("{SHEET_SELECT} WHERE s.assessment_id = $1 ORDER BY v.name, s.id"),
            assessment_id,
        )
        .await
    }

    async fn vendor_sheet(&self, id: &str) -> Result<Option<VendorSheet>> {
        self.one(&format!("{SHEET_SELECT} WHERE s.id = $1"), id)
            .await
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
        self.all(
            &format!("{SHEET_ANSWER_SELECT} WHERE sheet_id = $1 ORDER BY item_id, slot"),
            sheet_id,
        )
        .await
    }

    async fn vendor_sheet_answers_of_assessment(
        &self,
        assessment_id: &str,
    ) -> Result<Vec<AssessmentAnswer>> {
        self.all(&format!(
            "{SHEET_ANSWER_SELECT} WHERE sheet_id IN \
             (SELECT id FROM vendor_sheets WHERE assessment_id = $1) ORDER BY sheet_id, item_id, slot"
        ), assessment_id).await
    }

    async fn save_vendor_sheet_answer(
        &self,
        actor: &Actor,
        a: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer> {
        self.save_sheet_answer(actor, Sheet::VendorSheet, a, expected_version)
            .await
    }

    async fn submit_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<()> {
        self.move_vendor_sheet(actor, id, expected_version, SheetMove::Submit, notices)
            .await
    }

    async fn return_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
        notices: &[NoticeDraft],
    ) -> Result<()> {
        self.move_vendor_sheet(
            actor,
            id,
            expected_version,
            SheetMove::Return(reason),
            notices,
        )
        .await
    }
}
