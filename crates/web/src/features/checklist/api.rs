//! `/api/v1` for the cybersecurity checklist of a fiscal year: the same rules, policy and
//! audit as the pages (`assessment_pages`), for a hospital's own tooling (an asset ledger
//! that answers device items, a script that fills the sheet from another record).

use crate::features::checklist::sheet::{self as pages, AnswerForm};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use mamori_app::access::institution_for;
use mamori_domain::assessment::{self as asm, Slot};
use mamori_domain::policy::Action;
use mamori_store::{Assessment, AssessmentAnswer};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: String,
    /// The fiscal year as a Western year (2024 = 令和6年度, April to March).
    pub fiscal_year: i64,
    /// The fiscal year as printed on the sheet (`令和6年度`).
    pub fiscal_year_label: String,
    /// The checklist version answered (`mhlw/cyber-checklist-institution@R6`).
    pub catalog_id: String,
    /// `draft`, `requested` (承認依頼中, locked) or `approved` (locked).
    pub status: String,
    pub revision: i64,
    /// Who approved (and in which role, on which day), or who asked for approval; none for
    /// a draft.
    pub approval: Option<mamori_app::approvals::ApprovalBlock>,
    /// Why the sheet was last sent back (empty once asked again).
    pub returned_reason: String,
    /// Send this back to approve.
    pub version: i64,
    /// First checks filled in (carried answers not counted) and first checks needed.
    pub done: usize,
    pub needed: usize,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerView {
    pub item_id: String,
    /// The number as printed (`2-(3)`).
    pub number: String,
    /// `all`, or the device class: `server`, `terminal`, `network`.
    pub slot: String,
    /// False when item 0 is いいえ (nothing else applies).
    pub applicable: bool,
    /// `yes` or `no`.
    pub check1: Option<String>,
    pub check1_on: Option<String>,
    pub check2: Option<String>,
    pub check2_on: Option<String>,
    /// For a first いいえ: the date by which it will be done, within the fiscal year.
    pub target_on: Option<String>,
    pub note: String,
    /// Last year's answer shown for re-confirmation, not this year's.
    pub carried: bool,
    /// The target date has passed without a second check.
    pub overdue: bool,
    /// Send this back with the next save (0: never answered).
    pub version: i64,
    pub updated_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct SheetView {
    pub assessment: AssessmentView,
    /// Every answerable slot of every item, in the printed order.
    pub answers: Vec<AnswerView>,
}

#[derive(Deserialize, ToSchema)]
pub struct ApproveInput {
    pub version: i64,
}

pub(crate) fn assessment_view(
    state: &AppState,
    a: Assessment,
    answers: &[AssessmentAnswer],
) -> AssessmentView {
    let reg = state.catalogs();
    let (done, needed) = reg
        .catalogs
        .get(&a.catalog_id)
        .map(|c| {
            let m = mamori_app::assessments::model(c, answers);
            (m.done, m.needed)
        })
        .unwrap_or((0, 0));
    AssessmentView {
        approval: mamori_app::approvals::approval_block(
            &mamori_i18n::Tr::new(mamori_i18n::Lang::Ja),
            &a,
        ),
        returned_reason: a.returned_reason.clone(),
        fiscal_year_label: mamori_domain::wareki::fiscal_year(a.fiscal_year as i32),
        id: a.id,
        fiscal_year: a.fiscal_year,
        catalog_id: a.catalog_id,
        status: a.status.as_str().to_string(),
        revision: a.revision,
        version: a.version,
        done,
        needed,
    }
}

pub(super) fn answer_view(
    number: &str,
    item_id: &str,
    slot: Slot,
    applicable: bool,
    ans: Option<&AssessmentAnswer>,
    today: &str,
) -> AnswerView {
    let a = ans.cloned().unwrap_or_default();
    AnswerView {
        item_id: item_id.into(),
        number: number.into(),
        slot: slot.as_str().into(),
        applicable,
        overdue: ans.is_some_and(|x| {
            !x.carried && asm::overdue(&mamori_app::assessments::to_domain(x), today)
        }),
        check1: a.check1.map(|c| c.to_string()),
        check1_on: a.check1_on,
        check2: a.check2.map(|c| c.to_string()),
        check2_on: a.check2_on,
        target_on: a.target_on,
        note: a.note,
        carried: a.carried,
        version: a.version,
        updated_by: a.updated_label,
    }
}

#[utoipa::path(get, path = "/institutions/{code}/assessments", tag = "assessments",
    params(("code" = String, Path)), responses((status = 200, body = Vec<AssessmentView>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Json<Vec<AssessmentView>>> {
    let inst = institution_for(state.store(), &auth, &code, Action::ViewAssessments).await?;
    let mut out = Vec::new();
    for a in state.store().assessments(&inst.id).await? {
        let answers = state.store().assessment_answers(&a.id).await?;
        out.push(assessment_view(&state, a, &answers));
    }
    Ok(Json(out))
}

async fn sheet_of(state: &AppState, a: Assessment) -> AppResult<SheetView> {
    let answers = state.store().assessment_answers(&a.id).await?;
    let reg = state.catalogs();
    let cat = reg.catalogs.get(&a.catalog_id).ok_or(AppError::NotFound)?;
    let gate_no = mamori_app::assessments::model(cat, &answers).gate_no;
    let today = mamori_domain::time::today_jst();
    let mut rows = Vec::new();
    for item in &cat.items {
        let devices: Vec<Slot> = item
            .devices
            .iter()
            .map(|d| mamori_app::assessments::slot_of(*d))
            .collect();
        for slot in asm::slots(&devices) {
            let ans = answers
                .iter()
                .find(|x| x.item_id == item.id && x.slot == slot);
            rows.push(answer_view(
                &item.number,
                &item.id,
                slot,
                item.gate || !gate_no,
                ans,
                &today,
            ));
        }
    }
    Ok(SheetView {
        assessment: assessment_view(state, a, &answers),
        answers: rows,
    })
}

#[utoipa::path(get, path = "/assessments/{id}", tag = "assessments",
    params(("id" = String, Path)), responses((status = 200, body = SheetView)))]
pub async fn sheet(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<SheetView>> {
    let (a, _) = pages::assessment_for(&state, &auth, &id, Action::ViewAssessments).await?;
    Ok(Json(sheet_of(&state, a).await?))
}

#[utoipa::path(post, path = "/assessments/{id}/answers", tag = "assessments",
    request_body = AnswerForm, params(("id" = String, Path)),
    responses((status = 200, body = AnswerView), (status = 409, body = crate::http::api::ErrorBody),
        (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<AnswerForm>,
) -> AppResult<Json<AnswerView>> {
    let (a, _) = pages::assessment_for(&state, &auth, &id, Action::AnswerAssessment).await?;
    let saved = pages::save_answer(&state, &auth, &a, &input).await?;
    let reg = state.catalogs();
    let item = reg
        .catalogs
        .get(&a.catalog_id)
        .and_then(|c| c.item(&saved.item_id))
        .ok_or(AppError::NotFound)?;
    let slot = saved.slot;
    Ok(Json(answer_view(
        &item.number,
        &item.id,
        slot,
        true,
        Some(&saved),
        &mamori_domain::time::today_jst(),
    )))
}

#[utoipa::path(post, path = "/assessments/{id}/approve", tag = "assessments",
    request_body = ApproveInput, params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::http::api::ErrorBody),
        (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<ApproveInput>,
) -> AppResult<Json<AssessmentView>> {
    let approved = mamori_app::assessments::approve(&state, &auth, &id, input.version).await?;
    let answers = state.store().assessment_answers(&approved.id).await?;
    Ok(Json(assessment_view(&state, approved, &answers)))
}
