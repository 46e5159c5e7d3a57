//! The vendor's records on a contract: documents, subcontractors, certifications.

use crate::http::auth::Auth;
use crate::http::download::download;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::ui::records::{cert_rows, CertRow};
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::role_sharing::{self as rsw};
use mamori_domain::codes::CertKind;
use mamori_domain::policy::{Action, Scope};
use serde::Deserialize;

pub(crate) fn back(contract_id: &str, q: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/contracts/{contract_id}?{q}#{anchor}")).into_response()
}

// ------------------------------------------------------------------ documents

/// Upload a document to a contract (either party). Authorised before the body is read.
pub async fn upload_document(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let target = mamori_app::documents::target(&state, &auth, &id).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let doc = mamori_app::documents::NewDocument {
        kind: up.text("kind"),
        file_name: up.file_name,
        bytes: up.bytes,
    };
    let to = match mamori_app::documents::add(&state, &auth, &target, doc).await {
        Ok(_) => "ok=flash-document-added".to_string(),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(e) => return Err(e.into()),
    };
    Ok(back(target.contract_id(), &to, "documents"))
}

/// A document, always as a download.
pub async fn document(
    State(state): State<AppState>,
    auth: Auth,
    Path(doc_id): Path<String>,
) -> AppResult<Response> {
    let (d, bytes) = state
        .store()
        .contract_document(&doc_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Access follows the contract's.
    rsw::contract_for(state.store(), &auth, &d.contract_id, Action::ViewContracts).await?;
    let media: &'static str = DOCUMENT_MEDIA
        .iter()
        .find(|m| **m == d.media_type)
        .copied()
        .unwrap_or("application/octet-stream");
    Ok(download(
        bytes,
        media,
        &crate::http::download::ascii_name(&d.file_name),
        &d.file_name,
    ))
}

pub(crate) const DOCUMENT_MEDIA: [&str; 7] = [
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/zip",
    "image/png",
    "image/jpeg",
    "text/plain",
];

// ------------------------------------------------------------------ subcontractors

#[derive(Debug, Deserialize)]
pub struct SubcontractorForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scope: String,
}

pub async fn declare_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<SubcontractorForm>,
) -> AppResult<Response> {
    let input = mamori_app::subcontractors::SubcontractorInput {
        name: form.name,
        scope: form.scope,
    };
    let to = match mamori_app::subcontractors::declare(&state, &auth, &id, &input).await {
        Ok(_) => "ok=flash-subcontractor-declared".to_string(),
        Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
        Err(e) => return Err(e.into()),
    };
    Ok(back(&id, &to, "subcontractors"))
}

/// Only the institution approves a subcontractor (prior approval of 再委託).
pub async fn approve_subcontractor(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, sub_id)): Path<(String, String)>,
) -> AppResult<Response> {
    match mamori_app::subcontractors::approve(&state, &auth, &id, &sub_id).await {
        Ok(()) => Ok(back(
            &id,
            "ok=flash-subcontractor-approved",
            "subcontractors",
        )),
        Err(mamori_app::Error::Conflict(_)) => Ok(back(
            &id,
            "err=error-subcontractor-approved",
            "subcontractors",
        )),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ certifications

#[derive(Template)]
#[template(path = "vendors/vendor_certifications.html")]
pub(crate) struct CertsPage {
    page: PageCtx,
    rows: Vec<CertRow>,
    vendors: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

pub async fn certifications(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let page = PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor/certifications")
        .await?
        .with_flash(&flash);
    let tr = page.tr;
    let vendors: Vec<(String, String)> = state
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .filter(|v| auth.principal.vendor_ids.contains(&v.id))
        .map(|v| (v.id, v.name))
        .collect();
    let certs = state
        .store()
        .certifications(&auth.principal.vendor_ids)
        .await?;
    let rows = cert_rows(&tr, &certs, |id| {
        vendors
            .iter()
            .find(|(v, _)| v == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    });
    Ok(render(&CertsPage {
        rows,
        vendors,
        kinds: CertKind::ALL
            .iter()
            .map(|k| (k.to_string(), tr.t(&format!("cert-kind-{k}"))))
            .collect(),
        page,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CertForm {
    pub vendor_id: String,
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub expires_on: String,
}

pub async fn add_certification(
    State(state): State<AppState>,
    auth: Auth,
    Form(form): Form<CertForm>,
) -> AppResult<Response> {
    let input = mamori_app::certifications::CertificationInput {
        vendor_id: form.vendor_id,
        kind: form.kind,
        name: form.name,
        expires_on: form.expires_on,
    };
    match mamori_app::certifications::add(&state, &auth, &input).await {
        Ok(_) => {
            Ok(Redirect::to("/vendor/certifications?ok=flash-certification-added").into_response())
        }
        Err(mamori_app::Error::Invalid { key, .. }) => {
            Ok(Redirect::to(&format!("/vendor/certifications?err={key}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_certification(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    mamori_app::certifications::delete(&state, &auth, &id).await?;
    Ok(Redirect::to("/vendor/certifications?ok=flash-certification-deleted").into_response())
}
