//! A certification's certificate as a file: the vendor attaches it (a renewal replaces it);
//! the vendor's members and the institutions it has contracts with download it.

use crate::http::api::ErrorBody;
use crate::http::auth::Auth;
use crate::http::download::download;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

/// Attach the certificate from the certifications page (multipart, field `file`).
pub async fn attach(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::certifications::own(&state, &auth, &id).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let to =
        match mamori_app::certifications::attach_file(&state, &auth, &id, &up.file_name, &up.bytes)
            .await
        {
            Ok(_) => "ok=flash-cert-file-added".to_string(),
            Err(mamori_app::Error::Invalid { key, .. }) => format!("err={key}"),
            Err(e) => return Err(e.into()),
        };
    Ok(Redirect::to(&format!("/vendor/certifications?{to}")).into_response())
}

/// The certificate, always as a download.
pub async fn file(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (c, bytes) = mamori_app::certifications::file(&state, &auth, &id).await?;
    let media = mamori_app::certifications::CERTIFICATE_MEDIA
        .iter()
        .find(|m| Some(**m) == c.media_type.as_deref())
        .copied()
        .unwrap_or("application/octet-stream");
    let name = c.file_name.unwrap_or_else(|| "certificate".into());
    let ext = match media {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "bin",
    };
    Ok(download(bytes, media, &format!("certificate.{ext}"), &name))
}

/// The certificate file of a certification (multipart).
#[derive(Deserialize, ToSchema)]
pub struct CertificateUpload {
    /// The certificate: PDF, PNG or JPEG (judged from the content), within the server's
    /// upload limit.
    #[schema(value_type = String, format = Binary)]
    #[allow(dead_code)]
    file: Vec<u8>,
}

/// The certification with its file, after an upload.
#[derive(serde::Serialize, ToSchema)]
pub struct CertificateView {
    pub id: String,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub media_type: Option<String>,
    pub file_size: Option<i64>,
    pub expires_on: Option<String>,
}

/// Attach (or replace) the certificate file of one of the caller's vendors'
/// certifications. Another vendor's: 404; a file that is not a PDF, PNG or JPEG: 422.
#[utoipa::path(put, path = "/vendor/certifications/{id}/file", tag = "vendor",
    params(("id" = String, Path)),
    request_body(content = CertificateUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = CertificateView), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_attach(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Json<CertificateView>> {
    mamori_app::certifications::own(&state, &auth, &id).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let c = mamori_app::certifications::attach_file(&state, &auth, &id, &up.file_name, &up.bytes)
        .await?;
    Ok(Json(CertificateView {
        id: c.id,
        file_name: c.file_name,
        sha256: c.sha256,
        media_type: c.media_type,
        file_size: c.file_size,
        expires_on: c.expires_on,
    }))
}

/// The certificate file of a certification: for the vendor's members, and for the members
/// of an institution with a contract with the vendor. Anyone else, or no file: 404.
#[utoipa::path(get, path = "/certifications/{id}/file", tag = "vendor",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody)))]
pub async fn api_file(state: State<AppState>, auth: Auth, id: Path<String>) -> AppResult<Response> {
    file(state, auth, id).await
}
