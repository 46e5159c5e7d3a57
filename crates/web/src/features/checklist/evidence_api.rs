//! `/api/v1` for the evidence of a checklist: the same use cases as the sheet's forms
//! (`app::evidence`). The upload is a multipart body served like the page's upload (the
//! upload limit, authorised before the file is read).

use super::evidence::{evidence_download, is_stale};
use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::download::FileBody;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use mamori_store::Evidence;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: String,
    pub item_id: String,
    /// `file`, `contract`, `role_sharing_item` or `officer`.
    pub kind: String,
    /// The file's name, or the record's.
    pub label: String,
    /// The record pointed to (`CONTRACT`, `CONTRACT:ITEM`, `USER`), for a link.
    pub ref_id: Option<String>,
    /// For a file: the SHA-256 of its content (hex) and its type.
    pub sha256: Option<String>,
    pub media_type: Option<String>,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    /// More than a year old.
    pub stale: bool,
    pub created_by: String,
    pub created_at: i64,
    /// Where a file is downloaded (under `/api/v1`).
    pub download: Option<String>,
}

fn view(e: Evidence, today: &str) -> EvidenceView {
    EvidenceView {
        download: e.sha256.as_ref().map(|_| {
            format!(
                "/api/v1/assessments/{}/evidence/{}/download",
                e.assessment_id, e.id
            )
        }),
        stale: is_stale(&e.effective_on, today),
        id: e.id,
        item_id: e.item_id,
        kind: e.kind.as_str().to_string(),
        label: e.label,
        ref_id: e.ref_id,
        sha256: e.sha256,
        media_type: e.media_type,
        effective_on: e.effective_on,
        created_by: e.created_label,
        created_at: e.created_at,
    }
}

/// The multipart body of an upload: a file, or (without one) a record to point to.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EvidenceUpload {
    /// The item of the sheet (`3-3`).
    item_id: String,
    /// `YYYY-MM-DD`: the day the evidence speaks for.
    effective_on: String,
    /// Without a file: the record to point to — `contract:ID`, `rs:CONTRACT:ITEM` (an
    /// agreed role-sharing item) or `officer:USER`.
    target: Option<String>,
    /// The file: PDF, Office, image or text (the type is read from the content), within
    /// the upload limit.
    #[schema(value_type = Option<String>, format = Binary)]
    file: Option<Vec<u8>>,
}

/// The current evidence of an assessment (whoever sees the sheet).
#[utoipa::path(get, path = "/assessments/{id}/evidence", tag = "assessments",
    params(("id" = String, Path)), responses((status = 200, body = Vec<EvidenceView>)))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<EvidenceView>>> {
    let list = mamori_app::evidence::list(&state, &auth, &id).await?;
    let today = mamori_domain::time::today_jst();
    Ok(Json(list.into_iter().map(|e| view(e, &today)).collect()))
}

/// Attach evidence to an item of a draft sheet: a file (`multipart/form-data`, field
/// `file`), or a link to a record (`target`). An approved sheet is locked (409).
#[utoipa::path(post, path = "/assessments/{id}/evidence", tag = "assessments",
    params(("id" = String, Path)),
    request_body(content = EvidenceUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = EvidenceView), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<(StatusCode, Json<EvidenceView>)> {
    // Authorised before the body is read.
    let form = super::evidence::EvidenceUpload::read(&state, &auth, &id, req).await?;
    let e = mamori_app::evidence::add(&state, &auth, &id, form.new_evidence()).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(e, &mamori_domain::time::today_jst())),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct WithdrawInput {
    /// Why it is withdrawn (1–2,000 characters); kept with the row and in the audit event.
    #[serde(default)]
    pub reason: String,
}

/// Withdraw evidence attached by mistake (取り下げ), with the reason, while the sheet is a
/// draft (an approved sheet is locked: 409).
#[utoipa::path(post, path = "/assessments/{id}/evidence/{ev}/withdraw", tag = "assessments",
    params(("id" = String, Path), ("ev" = String, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> AppResult<StatusCode> {
    mamori_app::evidence::withdraw(&state, &auth, &id, &ev, &input.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A file of evidence, as an attachment (as the sheet serves it).
#[utoipa::path(get, path = "/assessments/{id}/evidence/{ev}/download", tag = "assessments",
    params(("id" = String, Path), ("ev" = String, Path)),
    responses((status = 200, description = "The file, as an attachment (`Content-Disposition`), in the type its content showed on upload.",
        content((FileBody = "application/pdf"), (FileBody = "image/png"), (FileBody = "image/jpeg"),
            (FileBody = "text/plain"), (FileBody = "application/octet-stream")))))]
pub async fn download(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, ev)): Path<(String, String)>,
) -> AppResult<Response> {
    let (e, bytes) = mamori_app::evidence::file(&state, &auth, &id, &ev).await?;
    Ok(evidence_download(e, bytes))
}
