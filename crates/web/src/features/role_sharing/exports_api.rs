//! `/api/v1` for the role-sharing exports: the same use cases, policy and audit as the
//! pages (`app::role_sharing_exports`), the workbook as the answer's body.

use crate::http::auth::Auth;
use crate::http::download::{download, ExportQuery, FileBody};
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;

/// A contract's role-sharing checklist (役割分担確認表) as the official xlsx, as an
/// attachment, for either party. Audited.
#[utoipa::path(get, path = "/contracts/{id}/export.xlsx", tag = "role-sharing",
    params(("id" = String, Path), ExportQuery),
    responses((status = 200, description = "The workbook, as an attachment.",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body = FileBody)))]
pub async fn contract_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let e = mamori_app::role_sharing_exports::contract_xlsx(&state, &auth, &id, &q.dates).await?;
    Ok(download(e.bytes, e.media_type, &e.ascii_name, &e.name))
}

/// The institution's cross-vendor role-sharing matrix as xlsx, as an attachment. Audited.
#[utoipa::path(get, path = "/institutions/{code}/matrix.xlsx", tag = "role-sharing",
    params(("code" = String, Path), ExportQuery),
    responses((status = 200, description = "The workbook, as an attachment.",
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        body = FileBody)))]
pub async fn matrix_xlsx(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let e = mamori_app::role_sharing_exports::matrix_xlsx(&state, &auth, &code, &q.dates).await?;
    Ok(download(e.bytes, e.media_type, &e.ascii_name, &e.name))
}
