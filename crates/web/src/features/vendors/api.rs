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
use mamori_app::subcontractors::SubcontractorInput;
use mamori_store::{Certification, ContractDocument, Subcontractor};
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
            kind: c.kind.as_str().to_string(),
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

#[derive(Serialize, ToSchema)]
pub struct SubcontractorView {
    pub id: String,
    pub contract_id: String,
    pub name: String,
    pub scope: String,
    pub declared_at: i64,
    /// Set once the institution approved it.
    pub approved_at: Option<i64>,
}

impl From<Subcontractor> for SubcontractorView {
    fn from(s: Subcontractor) -> Self {
        SubcontractorView {
            id: s.id,
            contract_id: s.contract_id,
            name: s.name,
            scope: s.scope,
            declared_at: s.declared_at,
            approved_at: s.approved_at,
        }
    }
}

/// The subcontractors (再委託先) of a contract, for either party.
#[utoipa::path(get, path = "/contracts/{id}/subcontractors", tag = "role-sharing",
    params(("id" = String, Path)), responses((status = 200, body = Vec<SubcontractorView>)))]
pub async fn subcontractors(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<SubcontractorView>>> {
    let list = mamori_app::subcontractors::list(&state, &auth, &id).await?;
    Ok(Json(
        list.into_iter().map(SubcontractorView::from).collect(),
    ))
}

/// Declare a subcontractor on a contract (its vendor, or the institution).
#[utoipa::path(post, path = "/contracts/{id}/subcontractors", tag = "role-sharing",
    params(("id" = String, Path)), request_body = SubcontractorInput,
    responses((status = 201, body = SubcontractorView), (status = 422, body = ErrorBody)))]
pub async fn declare_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<SubcontractorInput>,
) -> AppResult<(StatusCode, Json<SubcontractorView>)> {
    let s = mamori_app::subcontractors::declare(&state, &auth, &id, &input).await?;
    Ok((StatusCode::CREATED, Json(s.into())))
}

/// Approve a subcontractor: the institution only; approving twice is a conflict (409).
#[utoipa::path(post, path = "/contracts/{id}/subcontractors/{sub}/approve", tag = "role-sharing",
    params(("id" = String, Path), ("sub" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn approve_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, sub)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    mamori_app::subcontractors::approve(&state, &auth, &id, &sub).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A document of a contract.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub contract_id: String,
    /// `contract`, `sla`, `mds_sds`, `conformance` or `other`.
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the content (hex).
    pub sha256: String,
    pub size: i64,
    /// As judged from the content.
    pub media_type: String,
    /// `institution` or `vendor`.
    pub uploaded_party: String,
    pub uploaded_at: i64,
}

impl From<ContractDocument> for DocumentView {
    fn from(d: ContractDocument) -> Self {
        DocumentView {
            id: d.id,
            contract_id: d.contract_id,
            kind: d.kind.as_str().to_string(),
            file_name: d.file_name,
            sha256: d.sha256,
            size: d.size,
            media_type: d.media_type,
            uploaded_party: d.uploaded_party.as_str().to_string(),
            uploaded_at: d.uploaded_at,
        }
    }
}

/// The multipart form of a document upload (`multipart/form-data`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DocumentUpload {
    /// `contract`, `sla`, `mds_sds`, `conformance` or `other`.
    kind: String,
    /// The file: PDF, xlsx, docx, ZIP, PNG, JPEG or UTF-8 text (judged from the content),
    /// within the server's upload limit; its name is kept (made safe, at most 200
    /// characters).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The documents of a contract, for either party.
#[utoipa::path(get, path = "/contracts/{id}/documents", tag = "role-sharing",
    params(("id" = String, Path)), responses((status = 200, body = Vec<DocumentView>)))]
pub async fn documents(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<DocumentView>>> {
    let list = mamori_app::documents::list(&state, &auth, &id).await?;
    Ok(Json(list.into_iter().map(DocumentView::from).collect()))
}

/// Upload a document to a contract (either party). The caller is authorised before the
/// file is read; a body over the upload limit is 413, a form that cannot be read 400, a
/// kind, an empty file, a long name or a kind of file mamori does not keep 422.
#[utoipa::path(post, path = "/contracts/{id}/documents", tag = "role-sharing",
    params(("id" = String, Path)),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 422, body = ErrorBody)))]
pub async fn add_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<(StatusCode, Json<DocumentView>)> {
    let target = mamori_app::documents::target(&state, &auth, &id).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let doc = mamori_app::documents::NewDocument {
        kind: up.text("kind"),
        file_name: up.file_name,
        bytes: up.bytes,
    };
    let d = mamori_app::documents::add(&state, &auth, &target, doc).await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}
