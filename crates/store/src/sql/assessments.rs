//! SQL of the assessments area (AssessmentStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{finish, finish_notify, hold_open, put_blob, Sheet, This};
use crate::error::fk;
use crate::{
    new_id, now_ms, Actor, Assessment, AssessmentAnswer, AssessmentRevision, AssessmentStore,
    AuditDraft, ConflictKind, Entity, Evidence, InspectorLink, Result, StoreError,
};
use async_trait::async_trait;
use mamori_domain::codes::AssessmentStatus;
use mamori_domain::notifications::NoticeDraft;
use serde_json::json;

const ASSESSMENT_SELECT: &str = "SELECT id, institution_id, fiscal_year, catalog_id, status, \
     revision, previous_id, approved_at, approved_by, \
     (SELECT display_name FROM users WHERE users.id = approved_by) AS approved_by_name, \
     reopen_reason, requested_at, requested_by, \
     (SELECT display_name FROM users WHERE users.id = requested_by) AS requested_by_name, \
     returned_reason, version, created_at FROM assessments";

const ANSWER_SELECT: &str = "SELECT institution_id, assessment_id, item_id, slot, check1, \
     check1_on, check2, check2_on, target_on, note, carried, version, updated_at, updated_by, \
     updated_label FROM assessment_answers";

const LINK_SELECT: &str = "SELECT id, institution_id, assessment_id, label, expires_at, \
     revoked_at, created_by, created_at, recipient, last_access_at FROM inspector_links";

const EVIDENCE_SELECT: &str = "SELECT id, institution_id, assessment_id, item_id, kind, \
     ref_id, label, sha256, media_type, effective_on, created_by, created_label, created_at \
     FROM assessment_evidence";

#[async_trait]
impl AssessmentStore for This {
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
        .map_err(fk(Entity::Assessment))?;
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
            .bind(c.slot)
            .bind(c.check1)
            .bind(&c.check1_on)
            .bind(c.check2)
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
            .ok_or(StoreError::NotFound(Entity::Assessment))
    }

    async fn assessments(&self, institution_id: &str) -> Result<Vec<Assessment>> {
        self.all(
            &format!("{ASSESSMENT_SELECT} WHERE institution_id = $1 ORDER BY fiscal_year DESC"),
            institution_id,
        )
        .await
    }

    async fn assessment(&self, id: &str) -> Result<Option<Assessment>> {
        self.one(&format!("{ASSESSMENT_SELECT} WHERE id = $1"), id)
            .await
    }

    async fn assessment_answers(&self, assessment_id: &str) -> Result<Vec<AssessmentAnswer>> {
        self.all(
            &format!("{ANSWER_SELECT} WHERE assessment_id = $1 ORDER BY item_id, slot"),
            assessment_id,
        )
        .await
    }

    async fn save_assessment_answer(
        &self,
        actor: &Actor,
        a: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer> {
        self.save_sheet_answer(actor, Sheet::Assessment, a, expected_version)
            .await
    }

    async fn approve_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<Assessment> {
        let now = now_ms();
        let mut tx = self.begin().await?;
        let Some(a) =
            sqlx::query_as::<_, Assessment>(&format!("{ASSESSMENT_SELECT} WHERE id = $1"))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
        else {
            return Err(StoreError::NotFound(Entity::Assessment));
        };
        if a.status == AssessmentStatus::Approved || a.version != expected_version {
            return Err(StoreError::Conflict(ConflictKind::StaleAssessment));
        }
        // The row first: a save holding it finishes before this goes on, so the answers read
        // below are the ones approved.
        let n = sqlx::query(
            "UPDATE assessments SET status = 'approved', approved_at = $1, approved_by = $2, \
             reopen_reason = '', returned_reason = '', version = version + 1 \
             WHERE id = $3 AND version = $4 AND status <> 'approved'",
        )
        .bind(now)
        .bind(&actor.user_id)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleAssessment));
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
        finish_notify(
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
            notices,
        )
        .await?;
        self.assessment(id)
            .await?
            .ok_or(StoreError::NotFound(Entity::Assessment))
    }

    async fn request_approval(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<Assessment> {
        self.move_status(actor, id, expected_version, Move::Request, "", notices)
            .await
    }

    async fn send_back_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
        notices: &[NoticeDraft],
    ) -> Result<Assessment> {
        self.move_status(actor, id, expected_version, Move::SendBack, reason, notices)
            .await
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
            return Err(StoreError::NotFound(Entity::Assessment));
        };
        let n = sqlx::query(
            "UPDATE assessments SET status = 'draft', revision = revision + 1, \
             reopen_reason = $1, approved_at = NULL, approved_by = NULL, requested_at = NULL, \
             requested_by = NULL, version = version + 1 \
             WHERE id = $2 AND version = $3 AND status = 'approved'",
        )
        .bind(reason)
        .bind(id)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleAssessment));
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
            .ok_or(StoreError::NotFound(Entity::Assessment))
    }

    async fn assessment_revisions(&self, assessment_id: &str) -> Result<Vec<AssessmentRevision>> {
        self.all("SELECT id, assessment_id, revision, approved_at, approved_by, approved_label, reason, \
             snapshot FROM assessment_revisions WHERE assessment_id = $1 ORDER BY revision", assessment_id).await
    }

    async fn create_inspector_link(
        &self,
        actor: &Actor,
        l: &InspectorLink,
        token_hash: &str,
        notices: &[NoticeDraft],
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = sqlx::query(
            "INSERT INTO inspector_links (id, token_hash, institution_id, assessment_id, label, \
             expires_at, created_by, created_at, recipient) \
             SELECT $1, $2, institution_id, id, $3, $4, $5, $6, $9 \
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
        .bind(&l.recipient)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound(Entity::Assessment));
        }
        finish_notify(
            tx,
            actor,
            AuditDraft::new(
                Some(&l.institution_id),
                "inspector.link.create",
                "assessment",
                &l.assessment_id,
                json!({"link": l.id, "label": l.label, "expires_at": l.expires_at,
                       "recipient": l.recipient}),
            ),
            notices,
        )
        .await?;
        Ok(())
    }

    async fn keep_inspector_link(
        &self,
        actor: &Actor,
        link: &InspectorLink,
        user_id: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let added = sqlx::query(
            "INSERT INTO inspector_link_holders (link_id, user_id, institution_id, kept_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (link_id, user_id) DO NOTHING",
        )
        .bind(&link.id)
        .bind(user_id)
        .bind(&link.institution_id)
        .bind(now_ms())
        .execute(&mut *tx)
        .await
        .map_err(fk(Entity::InspectorLink))?
        .rows_affected();
        if added == 0 {
            return Ok(());
        }
        finish(
            tx,
            actor,
            AuditDraft::new(
                Some(&link.institution_id),
                "inspector.link.keep",
                "assessment",
                &link.assessment_id,
                json!({"link": link.id, "label": link.label, "user_id": user_id}),
            ),
        )
        .await?;
        Ok(())
    }

    async fn kept_inspector_links(&self, user_id: &str, now: i64) -> Result<Vec<InspectorLink>> {
        Ok(sqlx::query_as(&format!(
            "{LINK_SELECT} WHERE id IN (SELECT link_id FROM inspector_link_holders \
             WHERE user_id = $1) AND revoked_at IS NULL AND expires_at > $2 ORDER BY expires_at"
        ))
        .bind(user_id)
        .bind(now)
        .fetch_all(self.r())
        .await?)
    }

    async fn touch_inspector_link(&self, id: &str, at: i64) -> Result<()> {
        sqlx::query("UPDATE inspector_links SET last_access_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(self.w())
            .await?;
        Ok(())
    }

    async fn inspector_link_by_token(&self, token_hash: &str) -> Result<Option<InspectorLink>> {
        self.one(&format!("{LINK_SELECT} WHERE token_hash = $1"), token_hash)
            .await
    }

    async fn inspector_links(&self, assessment_id: &str) -> Result<Vec<InspectorLink>> {
        self.all(
            &format!("{LINK_SELECT} WHERE assessment_id = $1 ORDER BY created_at DESC, id"),
            assessment_id,
        )
        .await
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
                StoreError::Conflict(ConflictKind::InspectorLinkRevoked)
            } else {
                StoreError::NotFound(Entity::InspectorLink)
            });
        };
        let now = now_ms();
        sqlx::query(
            "UPDATE inspector_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        // A mail still waiting with this link would hand over a dead credential: withdrawn.
        super::notifications::withdraw_dead_link_mail(&mut tx, now).await?;
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
        .bind(e.kind)
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
        .map_err(fk(Entity::Evidence))?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::NotFound(Entity::Assessment));
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
        self.all(
            &format!(
                "{EVIDENCE_SELECT} WHERE assessment_id = $1 AND withdrawn_at IS NULL \
             ORDER BY item_id, created_at, id"
            ),
            assessment_id,
        )
        .await
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
            return Err(StoreError::NotFound(Entity::Evidence));
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
            return Err(StoreError::NotFound(Entity::Evidence));
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
}

/// A move between draft and requested (承認依頼 and its sending back).
#[derive(Clone, Copy)]
enum Move {
    Request,
    SendBack,
}

impl This {
    async fn move_status(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        mv: Move,
        reason: &str,
        notices: &[NoticeDraft],
    ) -> Result<Assessment> {
        let mut tx = self.begin().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as("SELECT institution_id, fiscal_year FROM assessments WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((institution_id, fiscal_year)) = row else {
            return Err(StoreError::NotFound(Entity::Assessment));
        };
        let (n, action) = match mv {
            Move::Request => (
                sqlx::query(
                    "UPDATE assessments SET status = 'requested', requested_at = $1, \
                     requested_by = $2, returned_reason = '', version = version + 1 \
                     WHERE id = $3 AND version = $4 AND status = 'draft'",
                )
                .bind(now_ms())
                .bind(&actor.user_id)
                .bind(id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                "assessment.request_approval",
            ),
            Move::SendBack => (
                sqlx::query(
                    "UPDATE assessments SET status = 'draft', requested_at = NULL, \
                     requested_by = NULL, returned_reason = $1, version = version + 1 \
                     WHERE id = $2 AND version = $3 AND status = 'requested'",
                )
                .bind(reason)
                .bind(id)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                "assessment.send_back",
            ),
        };
        if n != 1 {
            return Err(StoreError::Conflict(ConflictKind::StaleAssessment));
        }
        finish_notify(
            tx,
            actor,
            AuditDraft::new(
                Some(&institution_id),
                action,
                "assessment",
                id,
                json!({"fiscal_year": fiscal_year, "reason": reason}),
            ),
            notices,
        )
        .await?;
        self.assessment(id)
            .await?
            .ok_or(StoreError::NotFound(Entity::Assessment))
    }
}
