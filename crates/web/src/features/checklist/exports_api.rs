//! `/api/v1` for the official exports of a checklist: the same use cases, policy and audit
//! as the pages (`app::exports`), the files as the answer's body.

use super::exports::export_download;
use crate::http::auth::Auth;
use crate::http::download::{ExportQuery, FileBody};
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use mamori_app::exports::Format;

/// The checklist (the institution's sheet and the submitted vendor sheets) as the official
/// xlsx, as an attachment. Audited.
#[utoipa::path(get, path = "/assessments/{id}/export.xlsx", tag = "assessments",
    params(("id" = String, Path), ExportQuery),
    responses((status = 200, description = "The workbook, as an attachment.",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body = FileBody)))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let e = mamori_app::exports::checklist(&state, &auth, &id, &q.dates, Format::Xlsx).await?;
    Ok(export_download(e))
}

/// The checklist as the official PDF, as an attachment. Audited.
#[utoipa::path(get, path = "/assessments/{id}/export.pdf", tag = "assessments",
    params(("id" = String, Path), ExportQuery),
    responses((status = 200, description = "The PDF, as an attachment.",
        content_type = "application/pdf", body = FileBody)))]
pub async fn export_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let e = mamori_app::exports::checklist(&state, &auth, &id, &q.dates, Format::Pdf).await?;
    Ok(export_download(e))
}

/// The inspection bundle: `checklist.xlsx`, `checklist.pdf`, `evidence-index.csv` and the
/// evidence files under `evidence/`, as an attachment. Audited.
#[utoipa::path(get, path = "/assessments/{id}/bundle.zip", tag = "assessments",
    params(("id" = String, Path)),
    responses((status = 200, description = "The ZIP, as an attachment.",
        content_type = "application/zip", body = FileBody)))]
pub async fn bundle(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let e = mamori_app::exports::bundle(&state, &auth, &id).await?;
    Ok(export_download(e))
}
