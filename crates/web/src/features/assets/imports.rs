//! Importing a ledger on the pages: the upload form, the dry run (columns with a choice
//! for each, every error by row and column, what is added and what changes), then confirm
//! or discard. The API (`imports_api`) does the same.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_app::asset_imports::{self, Preview};
use mamori_app::assets::code_label;
use mamori_domain::asset_import::Field;
use mamori_domain::asset_plan::Step;
use mamori_domain::codes::ImportStatus;
use mamori_domain::policy::Action;
use std::collections::HashMap;

/// How many rows of each kind (added, changed) the page lists; the counts say the rest.
pub const SHOWN: usize = 200;

/// The label of a field (the form's).
pub fn field_label(tr: &Tr, f: Field) -> String {
    let key = match f {
        Field::Name => "asset-name",
        Field::Kind => "asset-kind",
        Field::Manufacturer => "asset-manufacturer",
        Field::Model => "asset-model",
        Field::Serial => "asset-serial",
        Field::Location => "asset-location",
        Field::Department => "asset-department",
        Field::Purpose => "asset-purpose",
        Field::Os => "asset-os",
        Field::OsVersion => "asset-os-version",
        Field::OsCpe => "asset-os-cpe",
        Field::Zone => "asset-zone",
        Field::Software => "asset-software",
        Field::IpAddresses => "asset-ip",
        Field::Mac => "asset-mac",
        Field::AdminLogin => "asset-admin-login",
        Field::AdminUsers => "asset-admin-users",
        Field::Antivirus => "asset-antivirus",
        Field::RemoteMaintenance => "asset-remote",
        Field::Ownership => "asset-ownership",
        Field::Status => "asset-status",
        Field::IntroducedOn => "asset-introduced",
        Field::WarrantyOn => "asset-warranty",
        Field::EosOn => "asset-eos",
        Field::RetiredOn => "asset-retired",
        Field::Notes => "asset-notes",
    };
    tr.t(key)
}

pub struct ColumnRow {
    pub letter: String,
    pub heading: String,
    /// The field's code, `ignore`, or empty (not read).
    pub choice: String,
    pub recognised: bool,
}

pub struct ErrorRow {
    pub place: String,
    pub heading: String,
    pub message: String,
    pub value: String,
}

pub struct ChangeRow {
    pub line: usize,
    pub name: String,
    pub kind: String,
    /// (field, before, after)
    pub changes: Vec<(String, String, String)>,
    pub href: String,
}

/// The dry run as the page and the API show it (in the caller's language).
pub struct Shown {
    pub columns: Vec<ColumnRow>,
    pub errors: Vec<ErrorRow>,
    pub added: Vec<ChangeRow>,
    pub changed: Vec<ChangeRow>,
    pub counts: (usize, usize, usize),
}

pub fn shown(tr: &Tr, p: &Preview, limit: usize) -> Shown {
    let heading: HashMap<usize, &str> = p
        .columns
        .iter()
        .map(|c| (c.col, c.heading.as_str()))
        .collect();
    let columns = p
        .columns
        .iter()
        .map(|c| ColumnRow {
            letter: asset_imports::col_name(c.col + 1),
            heading: c.heading.clone(),
            choice: if c.ignored {
                "ignore".into()
            } else {
                c.field.map(|f| f.to_string()).unwrap_or_default()
            },
            recognised: c.recognised,
        })
        .collect();
    let errors = p
        .plan
        .errors
        .iter()
        .map(|e| ErrorRow {
            place: asset_imports::place_of(tr, e),
            heading: e
                .col
                .and_then(|c| heading.get(&c).map(|h| h.to_string()))
                .or_else(|| Field::parse(&e.field).map(|f| field_label(tr, f)))
                .unwrap_or_default(),
            message: asset_imports::message_of(tr, e),
            value: e.value.clone(),
        })
        .collect();
    let label = |f: Field| field_label(tr, f);
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for s in &p.plan.steps {
        match s {
            Step::Create { line, fields } if added.len() < limit => added.push(ChangeRow {
                line: *line,
                name: fields.name.clone(),
                kind: code_label(tr, "asset-kind", fields.kind.as_str()),
                changes: Vec::new(),
                href: String::new(),
            }),
            Step::Update {
                line,
                id,
                fields,
                changes,
                ..
            } if changed.len() < limit => changed.push(ChangeRow {
                line: *line,
                name: fields.name.clone(),
                kind: code_label(tr, "asset-kind", fields.kind.as_str()),
                changes: changes
                    .iter()
                    .map(|c| (label(c.field), c.old.clone(), c.new.clone()))
                    .collect(),
                href: format!("/ledger/{id}"),
            }),
            _ => {}
        }
    }
    Shown {
        columns,
        errors,
        added,
        changed,
        counts: (p.plan.creates(), p.plan.updates(), p.plan.same()),
    }
}

#[derive(Template)]
#[template(path = "assets/import.html")]
pub(crate) struct UploadPage {
    page: PageCtx,
    code: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "assets/import_preview.html")]
pub(crate) struct PreviewPage {
    page: PageCtx,
    id: String,
    code: String,
    file_name: String,
    pending: bool,
    confirmed: bool,
    result: String,
    header_line: usize,
    rows: usize,
    digest: String,
    s: Shown,
    fields: Vec<(String, String)>,
}

async fn upload_view(
    state: &AppState,
    auth: &Auth,
    code: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let inst = mamori_app::access::institution_for(state.store(), auth, code, Action::ManageAssets)
        .await?;
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&inst),
        &format!("/i/{code}/ledger/import"),
    )
    .await?;
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&UploadPage {
            code: inst.code.clone(),
            error,
            page,
        })?,
    )
        .into_response())
}

pub async fn upload_form(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    upload_view(&state, &auth, &code, None).await
}

pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::institution_for(state.store(), &auth, &code, Action::ManageAssets).await?;
    let up = crate::http::upload::read(req, &state).await?;
    match asset_imports::stage(&state, &auth, &code, &up.file_name, up.bytes).await? {
        Ok(staged) => Ok(Redirect::to(&format!("/ledger-imports/{}", staged.id)).into_response()),
        Err(r) => {
            let msg = r.message(&Tr::new(auth.meta.lang));
            upload_view(&state, &auth, &code, Some(msg)).await
        }
    }
}

async fn preview_view(
    state: &AppState,
    auth: &Auth,
    p: Preview,
    flash: &Flash,
    refused: bool,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&p.institution),
        &format!("/ledger-imports/{}", p.import.id),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let result: serde_json::Value = serde_json::from_str(&p.import.result).unwrap_or_default();
    let n = |k: &str| result[k].as_u64().unwrap_or(0).to_string();
    let status = crate::ui::page_status(refused);
    Ok((
        status,
        render(&PreviewPage {
            id: p.import.id.clone(),
            code: p.institution.code.clone(),
            file_name: p.import.file_name.clone(),
            pending: p.import.status == ImportStatus::Pending,
            confirmed: p.import.status == ImportStatus::Confirmed,
            result: tr.targs(
                "import-result",
                &[
                    ("added", n("added")),
                    ("changed", n("changed")),
                    ("unchanged", n("unchanged")),
                ],
            ),
            header_line: p.header_line,
            rows: p.rows,
            digest: p.digest.clone(),
            s: shown(&tr, &p, SHOWN),
            fields: Field::ALL
                .iter()
                .map(|f| (f.to_string(), field_label(&tr, *f)))
                .collect(),
            page,
        })?,
    )
        .into_response())
}

pub async fn preview(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let p = asset_imports::preview(&state, &auth, &id).await?;
    preview_view(&state, &auth, p, &flash, false).await
}

/// The columns form: `col-<n>` = a field's code or `ignore`, `heading-<n>` its heading.
pub async fn columns(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let get = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let choices: Vec<(String, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            let n = k.strip_prefix("col-")?;
            Some((get(&format!("heading-{n}")), v.clone()))
        })
        .filter(|(h, _)| !h.is_empty())
        .collect();
    asset_imports::choose(&state, &auth, &id, choices).await?;
    Ok(Redirect::to(&format!(
        "/ledger-imports/{id}?ok=flash-ledger-import-columns"
    ))
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    pub digest: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<ConfirmForm>,
) -> AppResult<Response> {
    match asset_imports::confirm(&state, &auth, &id, &f.digest).await {
        Ok(p) => Ok(Redirect::to(&format!(
            "/i/{}/ledger?ok=flash-ledger-import-confirmed",
            p.institution.code
        ))
        .into_response()),
        Err(e @ (mamori_app::Error::Conflict(_) | mamori_app::Error::Invalid { .. })) => {
            let p = asset_imports::preview(&state, &auth, &id).await?;
            let key = match e {
                mamori_app::Error::Conflict(_) => "error-import-changed",
                _ => "error-import-has-errors",
            };
            let flash = Flash {
                err: Some(key.into()),
                ..Flash::default()
            };
            let mut r = preview_view(&state, &auth, p, &flash, true).await?;
            if key == "error-import-changed" {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let inst = asset_imports::discard(&state, &auth, &id).await?;
    Ok(Redirect::to(&format!(
        "/i/{}/ledger?ok=flash-ledger-import-discarded",
        inst.code
    ))
    .into_response())
}
