//! Assessments (the yearly checklist), inspector links and evidence; tenant data.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::assessment::{Slot, YesNo};
use mamori_domain::codes::{AssessmentStatus, EvidenceKind};
use mamori_domain::notifications::NoticeDraft;
use serde::Serialize;

/// The cybersecurity checklist of one institution for one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: String,
    pub institution_id: String,
    pub fiscal_year: i64,
    pub catalog_id: String,
    pub status: AssessmentStatus,
    pub revision: i64,
    pub previous_id: Option<String>,
    pub approved_at: Option<i64>,
    pub approved_by: Option<String>,
    /// The approver's name (for the approval block).
    pub approved_by_name: Option<String>,
    pub reopen_reason: String,
    /// 承認依頼: when and by whom (while requested, and kept after approval).
    pub requested_at: Option<i64>,
    pub requested_by: Option<String>,
    pub requested_by_name: Option<String>,
    /// Why the sheet was last sent back (empty once requested again).
    pub returned_reason: String,
    pub version: i64,
    pub created_at: i64,
}

impl Assessment {
    /// A new draft of `fiscal_year` on `catalog_id`, to be created (`create_assessment`
    /// gives it its id, version and time).
    pub fn draft(institution_id: &str, fiscal_year: i64, catalog_id: &str) -> Self {
        Assessment {
            id: String::new(),
            institution_id: institution_id.into(),
            fiscal_year,
            catalog_id: catalog_id.into(),
            status: AssessmentStatus::Draft,
            revision: 1,
            previous_id: None,
            approved_at: None,
            approved_by: None,
            approved_by_name: None,
            reopen_reason: String::new(),
            requested_at: None,
            requested_by: None,
            requested_by_name: None,
            returned_reason: String::new(),
            version: 0,
            created_at: 0,
        }
    }
}

/// One answer of an assessment (an item as a whole, or one device class of it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssessmentAnswer {
    pub institution_id: String,
    pub assessment_id: String,
    pub item_id: String,
    pub slot: Slot,
    pub check1: Option<YesNo>,
    pub check1_on: Option<String>,
    pub check2: Option<YesNo>,
    pub check2_on: Option<String>,
    pub target_on: Option<String>,
    pub note: String,
    /// Shown from the previous assessment, not yet re-confirmed.
    pub carried: bool,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub updated_label: String,
}

/// An approved revision of an assessment, as it was approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssessmentRevision {
    pub id: String,
    pub assessment_id: String,
    pub revision: i64,
    pub approved_at: i64,
    pub approved_by: Option<String>,
    pub approved_label: String,
    pub reason: String,
    /// The answers as approved (JSON array).
    pub snapshot: String,
}

/// A read-only link to one assessment for an inspector (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InspectorLink {
    pub id: String,
    pub institution_id: String,
    pub assessment_id: String,
    pub label: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: i64,
    /// The address it was sent to (empty: handed over by other means).
    pub recipient: String,
    /// When it was last opened.
    pub last_access_at: Option<i64>,
}

impl InspectorLink {
    /// Where the link stands at `now` (the one rule of every grant).
    pub fn standing(&self, now: i64) -> mamori_domain::grants::GrantStanding {
        mamori_domain::grants::standing(Some(self.expires_at), self.revoked_at, now)
    }
}

/// Evidence behind an answer: a file or a link to a mamori record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Evidence {
    pub id: String,
    pub institution_id: String,
    pub assessment_id: String,
    pub item_id: String,
    pub kind: EvidenceKind,
    pub ref_id: Option<String>,
    pub label: String,
    pub sha256: Option<String>,
    pub media_type: Option<String>,
    /// YYYY-MM-DD
    pub effective_on: String,
    pub created_by: Option<String>,
    pub created_label: String,
    pub created_at: i64,
}

#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// Start an assessment; `carried` answers (from the previous one) are stored with it in
    /// the same transaction. `Duplicate` when the fiscal year already has one.
    async fn create_assessment(
        &self,
        actor: &Actor,
        a: &Assessment,
        carried: &[AssessmentAnswer],
    ) -> Result<Assessment>;
    async fn assessments(&self, institution_id: &str) -> Result<Vec<Assessment>>;
    async fn assessment(&self, id: &str) -> Result<Option<Assessment>>;
    async fn assessment_answers(&self, assessment_id: &str) -> Result<Vec<AssessmentAnswer>>;
    /// Save one answer at `expected_version` (0: new). `Conflict` when stale, or when the
    /// assessment is no longer a draft.
    async fn save_assessment_answer(
        &self,
        actor: &Actor,
        answer: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer>;
    /// Approve a draft or requested sheet at `expected_version`: it is locked and its
    /// answers kept as a revision; `notices` are written with it.
    async fn approve_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<Assessment>;
    /// 承認依頼: a draft at `expected_version` waits for approval (locked), with `notices`.
    async fn request_approval(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<Assessment>;
    /// Send a requested sheet back to draft with the reason (the executive), or withdraw
    /// the request (the officer), with `notices`.
    async fn send_back_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
        notices: &[NoticeDraft],
    ) -> Result<Assessment>;
    /// Reopen an approved assessment (a change after approval) with the reason: a new
    /// revision, in draft.
    async fn reopen_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
    ) -> Result<Assessment>;
    async fn assessment_revisions(&self, assessment_id: &str) -> Result<Vec<AssessmentRevision>>;
    /// Store a link (and the notice of its mail to the recipient, in the same transaction).
    async fn create_inspector_link(
        &self,
        actor: &Actor,
        link: &InspectorLink,
        token_hash: &str,
        notices: &[NoticeDraft],
    ) -> Result<()>;
    /// Keep a link for the account that opened it (again: nothing changes); audited in
    /// the link's institution.
    async fn keep_inspector_link(
        &self,
        actor: &Actor,
        link: &InspectorLink,
        user_id: &str,
    ) -> Result<()>;
    /// The live links (neither revoked nor expired at `now`) the account keeps, soonest
    /// expiry first.
    async fn kept_inspector_links(&self, user_id: &str, now: i64) -> Result<Vec<InspectorLink>>;
    /// Record that a link was opened.
    async fn touch_inspector_link(&self, id: &str, at: i64) -> Result<()>;
    async fn inspector_link_by_token(&self, token_hash: &str) -> Result<Option<InspectorLink>>;
    async fn inspector_links(&self, assessment_id: &str) -> Result<Vec<InspectorLink>>;
    /// Revoke a link of the assessment; `Conflict` when it was already revoked.
    async fn revoke_inspector_link(
        &self,
        actor: &Actor,
        assessment_id: &str,
        id: &str,
    ) -> Result<()>;
    /// Attach evidence to an item of an assessment (a file's content stored once by hash).
    async fn add_evidence(
        &self,
        actor: &Actor,
        e: &Evidence,
        content: Option<&[u8]>,
    ) -> Result<Evidence>;
    /// The evidence of an assessment, withdrawn evidence left out.
    async fn evidence(&self, assessment_id: &str) -> Result<Vec<Evidence>>;
    /// Withdraw evidence attached by mistake, with the reason, while the assessment is a
    /// draft. The row is kept (who, when, why) and the audit event names what it was.
    /// `NotFound` when unknown or already withdrawn; `Conflict` once the sheet is approved.
    async fn withdraw_evidence(
        &self,
        actor: &Actor,
        assessment_id: &str,
        evidence_id: &str,
        reason: &str,
    ) -> Result<()>;
    /// One piece of current (not withdrawn) evidence and, for a file, its content.
    async fn evidence_file(&self, id: &str) -> Result<Option<(Evidence, Option<Vec<u8>>)>>;
}
