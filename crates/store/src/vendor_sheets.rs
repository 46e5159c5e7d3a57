//! Vendor sheets (事業者確認用) requested for an assessment; tenant data.

use crate::{Actor, Assessment, AssessmentAnswer, Result};
use async_trait::async_trait;
use mamori_domain::codes::VendorSheetStatus;
use mamori_domain::notifications::NoticeDraft;
use serde::Serialize;

/// A vendor sheet (事業者確認用) requested for an assessment from a contract's vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct VendorSheet {
    pub id: String,
    pub institution_id: String,
    pub institution_code: String,
    pub institution_name: String,
    pub assessment_id: String,
    pub fiscal_year: i64,
    pub contract_id: String,
    pub contract_title: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub catalog_id: String,
    pub status: VendorSheetStatus,
    pub requested_at: i64,
    pub submitted_at: Option<i64>,
    /// Why the institution sent the sheet back (empty unless returned and not resubmitted).
    pub returned_reason: String,
    pub version: i64,
}

#[async_trait]
pub trait VendorSheetStore: Send + Sync {
    /// Request the vendor sheet from each of `contracts` (contract id, vendor id) that has
    /// none for the assessment yet; returns how many were requested. `notices[i]` is
    /// written when the sheet of `contracts[i]` is requested now.
    async fn request_vendor_sheets(
        &self,
        actor: &Actor,
        assessment: &Assessment,
        contracts: &[(String, String)],
        catalog_id: &str,
        notices: &[NoticeDraft],
    ) -> Result<usize>;
    async fn vendor_sheets(&self, assessment_id: &str) -> Result<Vec<VendorSheet>>;
    async fn vendor_sheet(&self, id: &str) -> Result<Option<VendorSheet>>;
    /// Every sheet requested from these vendors, across institutions.
    async fn vendor_sheets_of(&self, vendor_ids: &[String]) -> Result<Vec<VendorSheet>>;
    /// A vendor sheet's answers (`assessment_id` holds the sheet id).
    async fn vendor_sheet_answers(&self, sheet_id: &str) -> Result<Vec<AssessmentAnswer>>;
    /// The answers of every vendor sheet of an assessment in one read (`assessment_id`
    /// holds each answer's sheet id), for the progress of all sheets on one page.
    async fn vendor_sheet_answers_of_assessment(
        &self,
        assessment_id: &str,
    ) -> Result<Vec<AssessmentAnswer>>;
    /// Save one answer of a sheet not yet submitted, at `expected_version` (0: new).
    async fn save_vendor_sheet_answer(
        &self,
        actor: &Actor,
        answer: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer>;
    /// Submit a sheet to the institution (then it is locked).
    async fn submit_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        notices: &[NoticeDraft],
    ) -> Result<()>;
    /// Send a submitted sheet back to its vendor with the reason (差し戻し): it can be
    /// answered and submitted again. `Conflict` when stale or not submitted.
    async fn return_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
        notices: &[NoticeDraft],
    ) -> Result<()>;
}
