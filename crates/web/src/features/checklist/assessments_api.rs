//! `/api/v1` for starting a fiscal year's checklist and reopening an approved one: the
//! same use cases as the pages (`app::assessments::start`, `reopen`).

use crate::features::checklist::api::{assessment_view, AssessmentView};
use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mamori_app::assessments::StartInput;
use serde::Deserialize;
use utoipa::ToSchema;

/// Start a fiscal year's checklist (also on a newer version of the document than last
/// year's): last year's answers are carried for re-confirmation. A year that has one
/// already is refused (409).
#[utoipa::path(post, path = "/institutions/{code}/assessments", tag = "assessments",
    params(("code" = String, Path)), request_body = StartInput,
    responses((status = 201, body = AssessmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<StartInput>,
) -> AppResult<(StatusCode, Json<AssessmentView>)> {
    let a = mamori_app::assessments::start(&state, &auth, &code, &input).await?;
    let answers = state.store().assessment_answers(&a.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(assessment_view(&state, a, &answers)),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ReopenInput {
    /// The approved sheet's `version`, as last read.
    pub version: i64,
    /// Why the approved sheet changes (1–2,000 characters); kept with the new revision.
    #[serde(default)]
    pub reason: String,
}

/// Reopen an approved sheet for a change, with the reason: a new revision in draft. A
/// stale version, or a sheet that is not approved, is a conflict (409).
#[utoipa::path(post, path = "/assessments/{id}/reopen", tag = "assessments",
    params(("id" = String, Path)), request_body = ReopenInput,
    responses((status = 200, body = AssessmentView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ReopenInput>,
) -> AppResult<Json<AssessmentView>> {
    let a =
        mamori_app::assessments::reopen(&state, &auth, &id, input.version, &input.reason).await?;
    let answers = state.store().assessment_answers(&a.id).await?;
    Ok(Json(assessment_view(&state, a, &answers)))
}
