//! `/api/v1` for the vendor's own records: the same rules, policy and audit as the portal's
//! pages.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use mamori_app::certifications::CertificationInput;
use mamori_store::Certification;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct CertificationView {
    pub id: String,
    pub vendor_id: String,
    /// `jisq27001`, `jisq15001`, `other`
    pub kind: String,
    pub name: String,
    pub expires_on: Option<String>,
    /// `valid`, `soon` (within 60 days) or `expired`, today in Japan.
    pub standing: String,
}

impl From<Certification> for CertificationView {
    fn from(c: Certification) -> Self {
        let today = mamori_domain::time::today_jst();
        let standing = mamori_domain::codes::cert_standing(c.expires_on.as_deref(), &today);
        CertificationView {
            id: c.id,
            vendor_id: c.vendor_id,
            kind: c.kind,
            name: c.name,
            expires_on: c.expires_on,
            standing: standing.as_str().to_string(),
        }
    }
}

/// The certifications of the caller's vendors.
#[utoipa::path(get, path = "/vendor/certifications", tag = "vendor",
    responses((status = 200, body = Vec<CertificationView>)))]
pub async fn certifications(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<CertificationView>>> {
    let list = mamori_app::certifications::list(&state, &auth).await?;
    Ok(Json(
        list.into_iter().map(CertificationView::from).collect(),
    ))
}

/// Add a certification to one of the caller's vendors (another vendor: 404).
#[utoipa::path(post, path = "/vendor/certifications", tag = "vendor",
    request_body = CertificationInput,
    responses((status = 201, body = CertificationView), (status = 422, body = ErrorBody)))]
pub async fn add_certification(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<CertificationInput>,
) -> AppResult<(StatusCode, Json<CertificationView>)> {
    let c = mamori_app::certifications::add(&state, &auth, &input).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}

/// Delete a certification of one of the caller's vendors.
#[utoipa::path(delete, path = "/vendor/certifications/{id}", tag = "vendor",
    params(("id" = String, Path)), responses((status = 204)))]
pub async fn delete_certification(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    mamori_app::certifications::delete(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
