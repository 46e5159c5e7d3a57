//! The one way an answer is written into a sheet, the institution's checklist or a vendor
//! sheet (事業者確認用): held open, versioned, audited in the same transaction. Compiled for
//! both backends as a child of `sql` (see `sql/mod.rs`).

use super::{finish, hold_open, Sheet, This};
use crate::{now_ms, Actor, AssessmentAnswer, AuditDraft, ConflictKind, Result, StoreError};
use serde_json::json;

/// Where a sheet's answers live and how their writes are named.
struct Answers {
    table: &'static str,
    /// The column naming the sheet (read back as `assessment_id`).
    sheet_col: &'static str,
    /// What the table has beyond the common columns: a carried-over answer is confirmed by
    /// any save (the institution's sheet only).
    carried_col: &'static str,
    carried_new: &'static str,
    carried_set: &'static str,
    carried_read: &'static str,
    stale: ConflictKind,
    action: &'static str,
    target_kind: &'static str,
}

impl Sheet {
    fn answers(self) -> Answers {
        match self {
            Sheet::Assessment => Answers {
                table: "assessment_answers",
                sheet_col: "assessment_id",
                carried_col: ", carried",
                carried_new: ",FALSE",
                carried_set: "carried = FALSE, ",
                carried_read: "carried",
                stale: ConflictKind::StaleAssessmentAnswer,
                action: "assessment.answer",
                target_kind: "assessment",
            },
            Sheet::VendorSheet => Answers {
                table: "vendor_sheet_answers",
                sheet_col: "sheet_id",
                carried_col: "",
                carried_new: "",
                carried_set: "",
                carried_read: "FALSE AS carried",
                stale: ConflictKind::StaleVendorSheetAnswer,
                action: "vendor_sheet.answer",
                target_kind: "vendor_sheet",
            },
        }
    }
}

impl This {
    /// Save one answer of `sheet` (`answer.assessment_id` names the sheet) at
    /// `expected_version` (0: new). `Conflict` when stale, or when the sheet is closed
    /// (approved, submitted); `NotFound` when it is not the institution's.
    pub(super) async fn save_sheet_answer(
        &self,
        actor: &Actor,
        sheet: Sheet,
        a: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer> {
        let t = sheet.answers();
        let (table, col) = (t.table, t.sheet_col);
        let now = now_ms();
        let mut tx = self.begin().await?;
        // Writes only into an open sheet of the institution's own.
        hold_open(&mut tx, sheet, &a.assessment_id, &a.institution_id).await?;
        let sql = if expected_version == 0 {
            format!(
                "INSERT INTO {table} (institution_id, {col}, item_id, slot, check1, check1_on, \
                 check2, check2_on, target_on, note{}, version, updated_at, updated_by, \
                 updated_label) SELECT $1,$2,$3,$4,$5,$6,$7,$8,$9,$10{},1,$11,$12,$13 \
                 WHERE $14 = 0 AND NOT EXISTS (SELECT 1 FROM {table} WHERE {col} = $2 \
                 AND item_id = $3 AND slot = $4)",
                t.carried_col, t.carried_new
            )
        } else {
            format!(
                "UPDATE {table} SET check1 = $5, check1_on = $6, check2 = $7, check2_on = $8, \
                 target_on = $9, note = $10, {}version = version + 1, updated_at = $11, \
                 updated_by = $12, updated_label = $13 WHERE institution_id = $1 \
                 AND {col} = $2 AND item_id = $3 AND slot = $4 AND version = $14",
                t.carried_set
            )
        };
        let n = sqlx::query(&sql)
            .bind(&a.institution_id)
            .bind(&a.assessment_id)
            .bind(&a.item_id)
            .bind(a.slot)
            .bind(a.check1)
            .bind(&a.check1_on)
            .bind(a.check2)
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
                // Two first answers of one slot at once: the second is stale.
                Some(d) if d.is_unique_violation() => StoreError::Conflict(t.stale),
                _ => StoreError::Db(e),
            })?
            .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(t.stale));
        }
        let saved = sqlx::query_as::<_, AssessmentAnswer>(&format!(
            "SELECT institution_id, {col} AS assessment_id, item_id, slot, check1, check1_on, \
             check2, check2_on, target_on, note, {}, version, updated_at, updated_by, \
             updated_label FROM {table} WHERE {col} = $1 AND item_id = $2 AND slot = $3",
            t.carried_read
        ))
        .bind(&a.assessment_id)
        .bind(&a.item_id)
        .bind(a.slot)
        .fetch_one(&mut *tx)
        .await?;
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&a.institution_id),
                t.action,
                t.target_kind,
                &a.assessment_id,
                json!({"item": a.item_id, "slot": a.slot, "check1": a.check1,
                       "check1_on": a.check1_on, "check2": a.check2, "check2_on": a.check2_on,
                       "target_on": a.target_on, "version": saved.version}),
            ),
        )
        .await?;
        Ok(saved)
    }
}
