//! The official exports of a checklist: xlsx, PDF, and the inspection bundle
//! (`app::exports`, shared with the API).

use super::inspector::*;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use mamori_app::exports::Export;

// ------------------------------------------------------------------ exports

/// An export as a download (never shown inline).
pub(crate) fn export_download(e: Export) -> Response {
    crate::http::download::download(e.bytes, e.media_type, &e.ascii_name, &e.name)
}

// ------------------------------------------------------------------ the inspection bundle

pub async fn inspect_bundle(
    State(state): State<AppState>,
    meta: crate::http::auth::Meta,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?.ok_or(AppError::NotFound)?;
    let a = state
        .store()
        .assessment(&link.assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = mamori_app::exports::bundle_bytes(&state, &a).await?;
    record_inspection(
        &state,
        &meta,
        &link,
        serde_json::json!({"link": link.id, "export": "bundle.zip"}),
    )
    .await?;
    Ok(crate::http::download::download(
        bytes,
        "application/zip",
        &format!("inspection-{}.zip", a.fiscal_year),
        &format!(
            "立入検査_{}.zip",
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}

/// The bundle for an inspector account (by grant or by a link sent to its address).
pub async fn inspection_bundle(
    State(state): State<AppState>,
    auth: crate::http::auth::Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (a, _, _) = mamori_app::inspector::inspection(&state, &auth, &id, "bundle.zip").await?;
    let bytes = mamori_app::exports::bundle_bytes(&state, &a).await?;
    Ok(crate::http::download::download(
        bytes,
        "application/zip",
        &format!("inspection-{}.zip", a.fiscal_year),
        &format!(
            "立入検査_{}.zip",
            mamori_domain::wareki::fiscal_year(a.fiscal_year as i32)
        ),
    ))
}
