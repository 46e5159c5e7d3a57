//! 承認依頼 and sending back, as pages and API: the officer asks for approval of a complete
//! sheet; the executive sends it back with a reason (or the officer withdraws it).

use super::api::{assessment_view, AssessmentView};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use utoipa::ToSchema;

/// The version the caller saw, and for sending back the reason.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SendBackInput {
    pub version: i64,
    /// Why (required from the executive; optional when the officer withdraws).
    #[serde(default)]
    pub reason: String,
}

/// The version the caller saw.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RequestInput {
    pub version: i64,
}

pub async fn request_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<RequestInput>,
) -> AppResult<Response> {
    let to = match mamori_app::approvals::request_approval(&state, &auth, &id, f.version).await {
        Ok(_) => "ok=flash-approval-requested",
        // The sheet lists what is unmet, with links to each item.
        Err(mamori_app::Error::Unmet(_)) => "err=error-cy-incomplete",
        Err(mamori_app::Error::Conflict(_)) => "err=error-conflict",
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}")).into_response())
}

pub async fn send_back_page(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<SendBackInput>,
) -> AppResult<Response> {
    let to = match mamori_app::approvals::send_back(&state, &auth, &id, f.version, &f.reason).await
    {
        Ok(_) if f.reason.trim().is_empty() => "ok=flash-approval-withdrawn".to_string(),
        Ok(_) => "ok=flash-approval-sent-back".to_string(),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(mamori_app::Error::Conflict(_)) => "err=error-conflict".to_string(),
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/assessments/{id}?{to}")).into_response())
}

async fn view(state: &AppState, a: mamori_store::Assessment) -> AppResult<Json<AssessmentView>> {
    let answers = state.store().assessment_answers(&a.id).await?;
    Ok(Json(assessment_view(state, a, &answers)))
}

/// 承認依頼: ask the executives to approve a complete draft. Refused with 422 and every
/// unmet item while anything is unanswered or breaks a rule; the sheet is locked until it
/// is approved or sent back.
#[utoipa::path(post, path = "/assessments/{id}/request-approval", tag = "assessments",
    request_body = RequestInput, params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::http::api::ErrorBody),
        (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn request_approval(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<RequestInput>,
) -> AppResult<Json<AssessmentView>> {
    let a = mamori_app::approvals::request_approval(&state, &auth, &id, input.version).await?;
    view(&state, a).await
}

/// Send a requested sheet back to draft: the executive with a reason, or the officer
/// withdrawing the request.
#[utoipa::path(post, path = "/assessments/{id}/send-back", tag = "assessments",
    request_body = SendBackInput, params(("id" = String, Path)),
    responses((status = 200, body = AssessmentView), (status = 409, body = crate::http::api::ErrorBody),
        (status = 422, body = crate::http::api::ErrorBody)))]
pub async fn send_back(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    crate::http::api::ApiJson(input): crate::http::api::ApiJson<SendBackInput>,
) -> AppResult<Json<AssessmentView>> {
    let a =
        mamori_app::approvals::send_back(&state, &auth, &id, input.version, &input.reason).await?;
    view(&state, a).await
}
