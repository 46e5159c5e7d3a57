//! `/api/v1/catalog-imports`: a new version of a document from the official Excel or CSV,
//! as the upload page does it — upload (multipart) → preview with the diff → confirm or
//! discard. The platform administrator only.

use crate::features::catalogs::import::refusal_message;
use crate::http::api::ErrorBody;
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::catalog_imports::{self, Preview, Staged};
use mamori_store::CatalogImport;
use serde::Serialize;
use utoipa::ToSchema;

/// An import as listed.
#[derive(Serialize, ToSchema)]
pub struct ImportSummary {
    pub id: String,
    /// The version it becomes, `publisher/document@version`.
    pub catalog_id: String,
    /// The version it is compared with.
    pub based_on: String,
    pub file_name: String,
    pub file_sha256: String,
    /// How the sheet was read: the columns, then one line per heading row and what it was
    /// read as (Part1, Part2, 参考, a section).
    pub mapping: String,
    /// `pending`, `confirmed` or `discarded`.
    pub status: String,
    /// Unix ms.
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

impl From<CatalogImport> for ImportSummary {
    fn from(i: CatalogImport) -> Self {
        ImportSummary {
            id: i.id,
            catalog_id: i.catalog_id,
            based_on: i.based_on,
            file_name: i.file_name,
            file_sha256: i.file_sha256,
            mapping: i.mapping,
            status: i.status.as_str().to_string(),
            created_at: i.created_at,
            decided_at: i.decided_at,
        }
    }
}

/// One item of the diff.
#[derive(Serialize, ToSchema)]
pub struct DiffItem {
    pub number: String,
    /// The text in the version compared with (empty for an added item).
    pub old: String,
    /// The text in the new version (empty for a removed item).
    pub new: String,
}

/// An import with its diff against the version it is compared with.
#[derive(Serialize, ToSchema)]
pub struct ImportPreview {
    #[serde(flatten)]
    pub import: ImportSummary,
    pub title: String,
    pub published: String,
    pub items: usize,
    pub added: Vec<DiffItem>,
    pub changed: Vec<DiffItem>,
    pub removed: Vec<DiffItem>,
    pub unchanged: usize,
    /// Why a pending import cannot be confirmed: `exists` (the version exists meanwhile)
    /// or `no_base` (the version compared with is not served any more).
    pub blocked: Option<String>,
    /// True only when the person importing said the file holds the whole document.
    pub complete: bool,
    /// What the version lacks, when it is partial.
    pub missing: String,
    /// The imports staged from further sheets of the same upload (only in the answer to
    /// the upload).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(no_recursion)]
    pub more: Vec<ImportPreview>,
}

impl From<Preview> for ImportPreview {
    fn from(p: Preview) -> Self {
        use mamori_catalog::import::ByNumber;
        let (news, olds) = (ByNumber::of(&p.new), p.base.as_ref().map(ByNumber::of));
        let rows = |numbers: &[String], old: bool, new: bool| -> Vec<DiffItem> {
            numbers
                .iter()
                .map(|n| DiffItem {
                    number: n.clone(),
                    old: olds
                        .as_ref()
                        .filter(|_| old)
                        .map(|o| o.text(n))
                        .unwrap_or_default(),
                    new: if new { news.text(n) } else { String::new() },
                })
                .collect()
        };
        let (added, changed, removed) = (
            rows(&p.diff.added, false, true),
            rows(&p.diff.changed, true, true),
            rows(&p.diff.removed, true, false),
        );
        ImportPreview {
            title: p.new.catalog.title.clone(),
            published: p.new.catalog.published.clone(),
            items: p.new.items.len(),
            added,
            changed,
            removed,
            unchanged: p.diff.unchanged,
            blocked: p.blocked.map(|b| b.code().to_string()),
            complete: p.new.catalog.coverage.complete,
            missing: p.new.catalog.coverage.missing.clone(),
            more: Vec::new(),
            import: p.import.into(),
        }
    }
}

/// The upload as the form sends it.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct ImportUpload {
    /// The document, `publisher/document` (e.g. `mhlw/cyber-checklist`).
    pub document: String,
    /// The new version's name (e.g. `R8`).
    pub version: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub published: String,
    /// The sheet to read (the first when absent).
    pub sheet: Option<String>,
    /// A second sheet of the same workbook, read as a new version (the same `version`) of
    /// the document `document_2`.
    pub sheet_2: Option<String>,
    pub document_2: Option<String>,
    /// `1` when the file holds every item of the document; otherwise the version is
    /// partial (never assumed complete).
    pub complete: Option<String>,
    /// What is missing, for a partial version (a default text otherwise).
    pub missing: Option<String>,
    /// Corrections to how the sheet is read: the header row (from 1) …
    pub header_row: Option<String>,
    /// … the columns of 項番, 項目 and 内容 (letters, e.g. `A`) …
    pub number_col: Option<String>,
    pub title_col: Option<String>,
    pub text_col: Option<String>,
    /// … and heading rows, e.g. `5=part2, 12=reference` (part1, part2, reference, section).
    pub headings: Option<String>,
    /// The official xlsx or CSV (UTF-8 or Shift_JIS).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The latest imports, newest first.
#[utoipa::path(get, path = "/catalog-imports", tag = "catalogs",
    responses((status = 200, body = Vec<ImportSummary>)))]
pub async fn imports(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<ImportSummary>>> {
    let list = catalog_imports::list(&state, &auth, 50).await?;
    Ok(Json(list.into_iter().map(ImportSummary::from).collect()))
}

/// Upload the official Excel or CSV: read, mapped and compared with the latest version of
/// the document, and staged (nothing is served before the confirmation). A file that
/// cannot be read is refused with 422 and where it failed; nothing is stored.
#[utoipa::path(post, path = "/catalog-imports", tag = "catalogs",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportPreview), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::require(
        &auth,
        mamori_domain::policy::Action::AdministerPlatform,
        mamori_domain::policy::Scope::Platform,
    )?;
    let up = crate::http::upload::read(req, &state).await?;
    let input = crate::features::catalogs::import::UploadForm::of(&up).input();
    match catalog_imports::stage(&state, &auth, input, up.file_name, up.bytes).await? {
        Staged::Staged(records) => {
            let mut previews = Vec::new();
            for r in &records {
                let p = catalog_imports::preview(&state, &auth, &r.id).await?;
                previews.push(ImportPreview::from(p));
            }
            // One sheet: its preview; several: the first, with the others under `more`.
            let mut first = previews.remove(0);
            first.more = previews;
            Ok((StatusCode::CREATED, Json(first)).into_response())
        }
        Staged::Refused(r) => {
            let tr = crate::i18n::Tr::new(auth.meta.lang);
            Ok(ErrorBody::file_refused(
                refusal_message(&tr, &r),
                &auth.meta.request_id,
            ))
        }
    }
}

/// One import with its diff.
#[utoipa::path(get, path = "/catalog-imports/{id}", tag = "catalogs",
    params(("id" = String, Path)), responses((status = 200, body = ImportPreview)))]
pub async fn import(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ImportPreview>> {
    let p = catalog_imports::preview(&state, &auth, &id).await?;
    Ok(Json(p.into()))
}

/// Confirm a pending import: the version is served and searchable at once. A decided
/// import, or a version that exists meanwhile, is a conflict (409).
#[utoipa::path(post, path = "/catalog-imports/{id}/confirm", tag = "catalogs",
    params(("id" = String, Path)),
    responses((status = 200, body = ImportSummary), (status = 409, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ImportSummary>> {
    let i = catalog_imports::confirm(&state, &auth, &id).await?;
    Ok(Json(i.into()))
}

/// Discard a pending import (a decided one: 409).
#[utoipa::path(post, path = "/catalog-imports/{id}/discard", tag = "catalogs",
    params(("id" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    catalog_imports::discard(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
