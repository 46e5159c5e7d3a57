//! Importing a ledger in the JSON API: upload (the dry run comes back), choose columns,
//! confirm with the dry run's digest, or discard — the pages' steps under the same rules.

use super::imports::{shown, SHOWN};
use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_app::asset_imports::{self, Preview};
use mamori_domain::policy::Action;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The upload: a ledger as xlsx (the first sheet; a sheet named ソフトウェア for installed
/// software) or CSV (UTF-8 or CP932).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct LedgerUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A column of the file and what it is read as.
#[derive(Serialize, ToSchema)]
pub struct ImportColumn {
    /// The column's letter.
    pub column: String,
    pub heading: String,
    /// A field's code, `ignore`, or empty (not read: an error until chosen).
    pub field: String,
    /// The heading was recognised by itself.
    pub recognised: bool,
}

/// A rule broken, where.
#[derive(Serialize, ToSchema)]
pub struct ImportError {
    /// The cell (`C12`), or the row, with the sheet when it is not the ledger's.
    pub place: String,
    pub heading: String,
    pub message: String,
    pub value: String,
}

/// One field that changes.
#[derive(Serialize, ToSchema)]
pub struct ImportChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A row that adds or changes an entry.
#[derive(Serialize, ToSchema)]
pub struct ImportRow {
    pub line: usize,
    pub name: String,
    pub kind: String,
    pub changes: Vec<ImportChange>,
}

/// An import: its state and, while pending, its dry run.
#[derive(Serialize, ToSchema)]
pub struct ImportPreviewView {
    pub id: String,
    pub file_name: String,
    /// `pending`, `confirmed` or `discarded`.
    pub status: String,
    /// The heading row (from 1) and the data rows read.
    pub header_line: usize,
    pub rows: usize,
    pub columns: Vec<ImportColumn>,
    /// Every rule broken; confirming needs none.
    pub errors: Vec<ImportError>,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// The first 1,000 rows that add, and that change.
    pub added_rows: Vec<ImportRow>,
    pub changed_rows: Vec<ImportRow>,
    /// Send it back to confirm: the plan confirmed is the plan shown (a ledger changed
    /// in between: 409).
    pub digest: String,
    /// What the confirmation did (`added`, `changed`, `unchanged`).
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
}

fn view(tr: &Tr, p: &Preview) -> ImportPreviewView {
    let s = shown(tr, p, SHOWN.max(1000));
    let rows = |rows: Vec<super::imports::ChangeRow>| {
        rows.into_iter()
            .map(|r| ImportRow {
                line: r.line,
                name: r.name,
                kind: r.kind,
                changes: r
                    .changes
                    .into_iter()
                    .map(|(field, before, after)| ImportChange {
                        field,
                        before,
                        after,
                    })
                    .collect(),
            })
            .collect()
    };
    ImportPreviewView {
        id: p.import.id.clone(),
        file_name: p.import.file_name.clone(),
        status: p.import.status.to_string(),
        header_line: p.header_line,
        rows: p.rows,
        columns: s
            .columns
            .into_iter()
            .map(|c| ImportColumn {
                column: c.letter,
                heading: c.heading,
                field: c.choice,
                recognised: c.recognised,
            })
            .collect(),
        errors: s
            .errors
            .into_iter()
            .map(|e| ImportError {
                place: e.place,
                heading: e.heading,
                message: e.message,
                value: e.value,
            })
            .collect(),
        added: s.counts.0,
        changed: s.counts.1,
        unchanged: s.counts.2,
        added_rows: rows(s.added),
        changed_rows: rows(s.changed),
        digest: p.digest.clone(),
        result: serde_json::from_str(&p.import.result).unwrap_or_default(),
    }
}

/// Upload a ledger file: 201 with the dry run (nothing is written to the ledger until it
/// is confirmed); a file that cannot be read: 422 saying why (nothing stored).
#[utoipa::path(post, path = "/institutions/{code}/asset-imports", tag = "assets",
    params(("code" = String, Path)),
    request_body(content = LedgerUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = ImportPreviewView), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageAssets).await?;
    let up = crate::http::upload::read(req, &state).await?;
    let tr = Tr::new(auth.meta.lang);
    match asset_imports::stage(&state, &auth, &code, &up.file_name, up.bytes).await? {
        Ok(staged) => {
            let p = asset_imports::preview_staged(&state, &auth, staged).await?;
            Ok((StatusCode::CREATED, Json(view(&tr, &p))).into_response())
        }
        Err(r) => Ok(ErrorBody::file_refused(
            r.message(&tr),
            &auth.meta.request_id,
        )),
    }
}

/// An import with its dry run.
#[utoipa::path(get, path = "/asset-imports/{id}", tag = "assets",
    params(("id" = String, Path)), responses((status = 200, body = ImportPreviewView)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Json<ImportPreviewView>> {
    let p = asset_imports::preview(&state, &auth, &id).await?;
    Ok(Json(view(&Tr::new(auth.meta.lang), &p)))
}

/// What the file's columns are read as.
#[derive(Deserialize, ToSchema)]
pub struct ColumnChoices {
    /// `[heading, field code or "ignore"]` for the columns to read otherwise than
    /// recognised (an empty code: as recognised).
    pub choices: Vec<(String, String)>,
}

/// Choose what columns are read as; the dry run again.
#[utoipa::path(put, path = "/asset-imports/{id}/columns", tag = "assets",
    params(("id" = String, Path)), request_body = ColumnChoices,
    responses((status = 200, body = ImportPreviewView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn columns(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(c): ApiJson<ColumnChoices>,
) -> AppResult<Json<ImportPreviewView>> {
    let p = asset_imports::choose(&state, &auth, &id, c.choices).await?;
    Ok(Json(view(&Tr::new(auth.meta.lang), &p)))
}

/// The dry run's digest.
#[derive(Deserialize, ToSchema)]
pub struct ConfirmBody {
    pub digest: String,
}

/// Confirm: every row written at once, or nothing (errors: 422; a ledger changed since
/// the dry run, or an import decided already: 409).
#[utoipa::path(post, path = "/asset-imports/{id}/confirm", tag = "assets",
    params(("id" = String, Path)), request_body = ConfirmBody,
    responses((status = 200, body = ImportPreviewView), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ConfirmBody>,
) -> AppResult<Json<ImportPreviewView>> {
    let p = asset_imports::confirm(&state, &auth, &id, &b.digest).await?;
    Ok(Json(view(&Tr::new(auth.meta.lang), &p)))
}

/// Discard a pending import (its file is dropped).
#[utoipa::path(post, path = "/asset-imports/{id}/discard", tag = "assets",
    params(("id" = String, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    asset_imports::discard(&state, &auth, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
