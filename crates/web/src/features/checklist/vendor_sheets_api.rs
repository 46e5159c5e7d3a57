//! `/api/v1` for vendor sheets (事業者確認用): the institution requests them and sends a
//! submitted one back; the vendor answers, copies from an earlier sheet and submits — for
//! a vendor's own system that answers the sheets of hundreds of clinics. The same use cases
//! (`app::vendor_sheets`) as the pages, so the same rules, policy and audit.

use super::api::{answer_view, AnswerView};
use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use mamori_app::answers::AnswerForm;
use mamori_app::assessments::{model, sheet_standing, slot_of};
use mamori_app::vendor_sheets::{self as vs, CopyInput, ReturnInput, VersionInput};
use mamori_domain::assessment::{self as asm, Slot};
use mamori_store::{AssessmentAnswer, VendorSheet};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct VendorSheetView {
    pub id: String,
    pub assessment_id: String,
    pub institution_code: String,
    pub institution_name: String,
    /// The fiscal year as a Western year (2024 = 令和6年度).
    pub fiscal_year: i64,
    /// The fiscal year as printed (`令和6年度`).
    pub fiscal_year_label: String,
    pub contract_id: String,
    pub contract_title: String,
    pub vendor_id: String,
    pub vendor_name: String,
    /// The vendor checklist answered (`mhlw/cyber-checklist-vendor@R6`).
    pub catalog_id: String,
    /// `requested` (to answer), `returned` (sent back: to correct and submit again) or
    /// `submitted` (locked).
    pub standing: String,
    /// Why the institution sent it back (empty unless returned).
    pub returned_reason: String,
    pub requested_at: i64,
    pub submitted_at: Option<i64>,
    /// Send this back to submit or return it.
    pub version: i64,
    /// First checks filled in and first checks needed.
    pub done: usize,
    pub needed: usize,
}

fn sheet_view(state: &AppState, s: VendorSheet, answers: &[AssessmentAnswer]) -> VendorSheetView {
    let m = vs::progress(state, &s, answers);
    VendorSheetView {
        standing: sheet_standing(&s).as_str().into(),
        fiscal_year_label: mamori_domain::wareki::fiscal_year(s.fiscal_year as i32),
        id: s.id,
        assessment_id: s.assessment_id,
        institution_code: s.institution_code,
        institution_name: s.institution_name,
        fiscal_year: s.fiscal_year,
        contract_id: s.contract_id,
        contract_title: s.contract_title,
        vendor_id: s.vendor_id,
        vendor_name: s.vendor_name,
        catalog_id: s.catalog_id,
        returned_reason: s.returned_reason,
        requested_at: s.requested_at,
        submitted_at: s.submitted_at,
        version: s.version,
        done: m.done,
        needed: m.needed,
    }
}

/// A sheet with its answers read now.
async fn view_of(state: &AppState, s: VendorSheet) -> AppResult<VendorSheetView> {
    let answers = state.store().vendor_sheet_answers(&s.id).await?;
    Ok(sheet_view(state, s, &answers))
}

/// The sheets of an assessment, their answers read at once.
async fn views_of_assessment(
    state: &AppState,
    sheets: Vec<VendorSheet>,
) -> AppResult<Vec<VendorSheetView>> {
    let Some(first) = sheets.first() else {
        return Ok(vec![]);
    };
    let all = state
        .store()
        .vendor_sheet_answers_of_assessment(&first.assessment_id)
        .await?;
    Ok(sheets
        .into_iter()
        .map(|s| {
            let mine: Vec<AssessmentAnswer> = all
                .iter()
                .filter(|x| x.assessment_id == s.id)
                .cloned()
                .collect();
            sheet_view(state, s, &mine)
        })
        .collect())
}

#[derive(Serialize, ToSchema)]
pub struct VendorSheetDetail {
    pub sheet: VendorSheetView,
    /// Every answerable slot of every item, in the printed order.
    pub answers: Vec<AnswerView>,
}

#[derive(Serialize, ToSchema)]
pub struct RequestedView {
    /// How many sheets this request created (vendors asked before are not asked again).
    pub requested: usize,
    /// Every vendor sheet of the assessment.
    pub sheets: Vec<VendorSheetView>,
}

#[derive(Serialize, ToSchema)]
pub struct CopiedView {
    /// How many answers were copied (only slots not answered yet; an answer that does not
    /// hold in this fiscal year is left out).
    pub copied: usize,
    pub sheet: VendorSheetView,
}

/// Request the vendor sheet from every contract's vendor not asked yet for this
/// assessment (who may answer the checklist). No contracts: 422.
#[utoipa::path(post, path = "/assessments/{id}/vendor-sheets", tag = "vendor-sheets",
    params(("id" = String, Path)),
    responses((status = 200, body = RequestedView), (status = 422, body = ErrorBody)))]
pub async fn request(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<RequestedView>> {
    let requested = vs::request(&state, &auth, &id).await?;
    let sheets = vs::of_assessment(&state, &auth, &id).await?;
    Ok(Json(RequestedView {
        requested,
        sheets: views_of_assessment(&state, sheets).await?,
    }))
}

/// The vendor sheets of an assessment, with their progress (who may view the checklist).
#[utoipa::path(get, path = "/assessments/{id}/vendor-sheets", tag = "vendor-sheets",
    params(("id" = String, Path)), responses((status = 200, body = Vec<VendorSheetView>)))]
pub async fn of_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<VendorSheetView>>> {
    let sheets = vs::of_assessment(&state, &auth, &id).await?;
    Ok(Json(views_of_assessment(&state, sheets).await?))
}

/// Every sheet requested from the caller's vendors, across institutions.
#[utoipa::path(get, path = "/vendor/sheets", tag = "vendor-sheets",
    responses((status = 200, body = Vec<VendorSheetView>)))]
pub async fn mine(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<VendorSheetView>>> {
    let mut out = Vec::new();
    for s in vs::mine(&state, &auth).await? {
        out.push(view_of(&state, s).await?);
    }
    Ok(Json(out))
}

/// A vendor sheet and its answers, for its vendor and for the institution.
#[utoipa::path(get, path = "/vendor-sheets/{id}", tag = "vendor-sheets",
    params(("id" = String, Path)), responses((status = 200, body = VendorSheetDetail)))]
pub async fn sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<VendorSheetDetail>> {
    let (s, _) = vs::sheet_for(&state, &auth, &id).await?;
    let answers = state.store().vendor_sheet_answers(&s.id).await?;
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&s.catalog_id).ok_or(AppError::NotFound)?;
    let gate_no = model(cat, &answers).gate_no;
    let today = mamori_domain::time::today_jst();
    let mut rows = Vec::new();
    for item in &cat.items {
        let devices: Vec<Slot> = item.devices.iter().map(|d| slot_of(*d)).collect();
        for slot in asm::slots(&devices) {
            let ans = answers
                .iter()
                .find(|x| x.item_id == item.id && x.slot == slot);
            let applicable = item.gate || !gate_no;
            rows.push(answer_view(
                &item.number,
                &item.id,
                slot,
                applicable,
                ans,
                &today,
            ));
        }
    }
    Ok(Json(VendorSheetDetail {
        sheet: sheet_view(&state, s, &answers),
        answers: rows,
    }))
}

/// Answer one item of the sheet: its vendor only (the institution reads it: 403), while
/// not submitted (422); the rules are those of the institution's own sheet; a stale
/// version is a conflict (409).
#[utoipa::path(post, path = "/vendor-sheets/{id}/answers", tag = "vendor-sheets",
    request_body = AnswerForm, params(("id" = String, Path)),
    responses((status = 200, body = AnswerView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<AnswerForm>,
) -> AppResult<Json<AnswerView>> {
    let saved = vs::answer(&state, &auth, &id, &input).await?;
    let s = state
        .store()
        .vendor_sheet(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reg = state.catalogs();
    let number = reg
        .catalogs
        .get(&s.catalog_id)
        .and_then(|c| c.item(&saved.item_id))
        .map(|i| i.number.clone())
        .ok_or(AppError::NotFound)?;
    let slot = saved.slot;
    Ok(Json(answer_view(
        &number,
        &saved.item_id,
        slot,
        true,
        Some(&saved),
        &mamori_domain::time::today_jst(),
    )))
}

/// Submit the sheet to the institution: its vendor only, every first check filled in
/// (422 otherwise); a stale version, or a sheet submitted already, is a conflict (409).
#[utoipa::path(post, path = "/vendor-sheets/{id}/submit", tag = "vendor-sheets",
    request_body = VersionInput, params(("id" = String, Path)),
    responses((status = 200, body = VendorSheetView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VersionInput>,
) -> AppResult<Json<VendorSheetView>> {
    let s = vs::submit(&state, &auth, &id, input.version).await?;
    Ok(Json(view_of(&state, s).await?))
}

/// Send a submitted sheet back to its vendor with the reason (差し戻し): the institution's
/// members who may answer its checklist only; a reason is required (422); a stale version,
/// or a sheet not submitted, is a conflict (409).
#[utoipa::path(post, path = "/vendor-sheets/{id}/return", tag = "vendor-sheets",
    request_body = ReturnInput, params(("id" = String, Path)),
    responses((status = 200, body = VendorSheetView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn return_sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReturnInput>,
) -> AppResult<Json<VendorSheetView>> {
    let s = vs::return_sheet(&state, &auth, &id, input.version, &input.reason).await?;
    Ok(Json(view_of(&state, s).await?))
}

/// Copy the answers of an earlier sheet the same vendor submitted on the same checklist
/// version (another institution or year) into the slots not answered yet: its vendor
/// only; another sheet is not found (404); a submitted sheet takes none (422).
#[utoipa::path(post, path = "/vendor-sheets/{id}/copy", tag = "vendor-sheets",
    request_body = CopyInput, params(("id" = String, Path)),
    responses((status = 200, body = CopiedView), (status = 422, body = ErrorBody)))]
pub async fn copy(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<CopyInput>,
) -> AppResult<Json<CopiedView>> {
    let copied = vs::copy(&state, &auth, &id, &input.from).await?;
    let (s, _) = vs::sheet_for(&state, &auth, &id).await?;
    Ok(Json(CopiedView {
        copied,
        sheet: view_of(&state, s).await?,
    }))
}
