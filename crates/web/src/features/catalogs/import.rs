//! A new version of a document from the official Excel or CSV, through the browser: upload
//! (with the version's id, title and publication date) → mapping preview and diff against
//! the latest version → confirm or discard. Nothing becomes a catalog before the
//! confirmation; a confirmed version is served at once and at every later start.

use crate::features::catalogs::pages::{index_record, load};
use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_catalog::import::{self, Request};
use mamori_catalog::{Catalog, Document};
use mamori_domain::policy::{Action, Scope};
use mamori_store::CatalogImport;
use sha2::{Digest, Sha256};

/// One document that can take a new version: its latest version.
pub struct DocumentChoice {
    pub document: String,
    pub title: String,
    pub latest: String,
}

pub struct ImportRow {
    pub href: String,
    pub catalog_id: String,
    pub file_name: String,
    pub status: String,
    pub status_class: &'static str,
    pub created_at: String,
}

#[derive(Default)]
pub struct UploadForm {
    pub document: String,
    pub version: String,
    pub title: String,
    pub published: String,
    pub sheet: String,
}

#[derive(Template)]
#[template(path = "catalog_import.html")]
struct UploadPage {
    page: PageCtx,
    documents: Vec<DocumentChoice>,
    form: UploadForm,
    error: Option<String>,
    imports: Vec<ImportRow>,
    max_mb: usize,
}

fn documents(state: &AppState) -> Vec<DocumentChoice> {
    let catalogs = state.catalogs();
    let mut out: Vec<DocumentChoice> = Vec::new();
    for c in catalogs.catalogs.values() {
        let m = &c.catalog;
        let document = format!("{}/{}", m.publisher, m.document);
        match out.iter_mut().find(|d| d.document == document) {
            Some(d) if d.latest < m.published => {
                d.latest = m.published.clone();
                d.title = format!("{}({})", m.title, m.version);
            }
            Some(_) => {}
            None => out.push(DocumentChoice {
                document,
                title: format!("{}({})", m.title, m.version),
                latest: m.published.clone(),
            }),
        }
    }
    out
}

fn status(tr: &crate::i18n::Tr, s: &str) -> (String, &'static str) {
    match s {
        "confirmed" => (tr.t("import-status-confirmed"), "ok"),
        "discarded" => (tr.t("import-status-discarded"), ""),
        _ => (tr.t("import-status-pending"), "warn"),
    }
}

async fn upload_view(
    state: &AppState,
    auth: &Auth,
    form: UploadForm,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(state, auth, "catalogs", None, "/catalog-imports")
        .await?
        .with_flash(flash);
    let tr = &page.tr;
    let imports = state
        .store()
        .catalog_imports(50)
        .await?
        .into_iter()
        .map(|i| {
            let (label, class) = status(tr, &i.status);
            ImportRow {
                href: format!("/catalog-imports/{}", i.id),
                catalog_id: i.catalog_id,
                file_name: i.file_name,
                status: label,
                status_class: class,
                created_at: mamori_domain::time::timestamp_jst(i.created_at),
            }
        })
        .collect();
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&UploadPage {
            page,
            documents: documents(state),
            form,
            error,
            imports,
            max_mb: state.cfg().max_upload_bytes / (1024 * 1024),
        })?,
    )
        .into_response())
}

pub async fn upload_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    upload_view(&state, &auth, UploadForm::default(), None, &flash).await
}

pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    let up = crate::http::upload::read(req, &state).await?;
    let tr = crate::i18n::Tr::new(auth.meta.lang);
    let form = UploadForm {
        document: up.text("document"),
        version: up.text("version"),
        title: up.text("title"),
        published: up.text("published"),
        sheet: up.text("sheet"),
    };
    let (file_name, bytes) = (up.file_name, up.bytes);
    if bytes.is_empty() {
        let msg = tr.t("import-error-no-file");
        return upload_view(&state, &auth, form, Some(msg), &Flash::default()).await;
    }
    let req = Request {
        id: format!("{}@{}", form.document, form.version),
        title: form.title.clone(),
        published: form.published.clone(),
        sheet: Some(form.sheet.clone()).filter(|s| !s.is_empty()),
    };
    // Reading a hostile file may take a while (up to 64 MiB of XML before it is refused):
    // off the async workers.
    let catalogs = state.catalogs();
    let (planned, file_name, bytes) = tokio::task::spawn_blocking(move || {
        let p = import::plan(&catalogs, &file_name, &bytes, &req);
        (p, file_name, bytes)
    })
    .await
    .map_err(|e| AppError::Internal(format!("import task: {e}")))?;
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            let (place, place_args) = e.place.key();
            let (problem, problem_args) = e.problem.key();
            let msg = format!(
                "{}: {}: {}",
                tr.t("import-error-refused"),
                tr.targs(place, &place_args),
                tr.targs(problem, &problem_args)
            );
            return upload_view(&state, &auth, form, Some(msg), &Flash::default()).await;
        }
    };
    if !plan.problems.is_empty() {
        let msg = format!(
            "{}: {}",
            tr.t("import-error-refused"),
            plan.problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(" / ")
        );
        return upload_view(&state, &auth, form, Some(msg), &Flash::default()).await;
    }
    let body = plan
        .catalog
        .to_toml()
        .map_err(|e| AppError::Internal(format!("catalog toml: {e}")))?;
    let m = &plan.mapping;
    let mapping = format!(
        "{} {}: 項番 = {}{}, 内容 = {}",
        tr.t("import-header-row"),
        m.header_row,
        m.number,
        m.title
            .as_ref()
            .map(|t| format!(", 項目 = {t}"))
            .unwrap_or_default(),
        m.text
    );
    let record = CatalogImport {
        id: mamori_store::new_id(),
        catalog_id: plan.catalog.catalog.id.clone(),
        based_on: plan.based_on.clone(),
        file_name,
        file_sha256: hex::encode(Sha256::digest(&bytes)),
        mapping,
        body,
        status: "pending".into(),
        created_by: Some(auth.user.id.clone()),
        created_at: 0,
        decided_at: None,
    };
    state
        .store()
        .stage_catalog_import(&auth.actor(), &record)
        .await?;
    Ok(Redirect::to(&format!("/catalog-imports/{}", record.id)).into_response())
}

pub struct DiffRow {
    pub number: String,
    pub old: String,
    pub new: String,
}

pub struct PreviewItem {
    pub number: String,
    pub section: String,
    pub text: String,
    pub answer: String,
    pub carried: bool,
}

#[derive(Template)]
#[template(path = "catalog_import_preview.html")]
struct PreviewPage {
    page: PageCtx,
    import: CatalogImport,
    status: String,
    status_class: &'static str,
    title: String,
    published: String,
    based_on_title: String,
    added: Vec<DiffRow>,
    changed: Vec<DiffRow>,
    removed: Vec<DiffRow>,
    unchanged: usize,
    items: Vec<PreviewItem>,
    /// Why the import can no longer be confirmed (the version exists meanwhile …).
    blocked: Option<String>,
}

fn parse_body(import: &CatalogImport) -> AppResult<Catalog> {
    match mamori_catalog::parse(&import.catalog_id, &import.body) {
        Ok(Document::Catalog(c)) => Ok(c),
        _ => Err(AppError::Internal(format!(
            "stored import {} is not a catalog",
            import.id
        ))),
    }
}

async fn find(state: &AppState, id: &str) -> AppResult<CatalogImport> {
    state
        .store()
        .catalog_import(id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn preview(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    let import = find(&state, &id).await?;
    let new = parse_body(&import)?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "catalogs",
        None,
        &format!("/catalog-imports/{id}"),
    )
    .await?;
    let tr = &page.tr;
    let catalogs = state.catalogs();
    let old = catalogs.catalogs.get(&import.based_on);
    let (mut added, mut changed, mut removed, mut unchanged) = (vec![], vec![], vec![], 0);
    if let Some(old) = old {
        let d = import::diff(old, &new);
        let text = |c: &Catalog, n: &str| {
            c.items
                .iter()
                .find(|i| i.number == n)
                .map(|i| i.text.clone())
                .unwrap_or_default()
        };
        for n in &d.added {
            added.push(DiffRow {
                number: n.clone(),
                old: String::new(),
                new: text(&new, n),
            });
        }
        for n in &d.changed {
            changed.push(DiffRow {
                number: n.clone(),
                old: text(old, n),
                new: text(&new, n),
            });
        }
        for n in &d.removed {
            removed.push(DiffRow {
                number: n.clone(),
                old: text(old, n),
                new: String::new(),
            });
        }
        unchanged = d.unchanged;
    }
    let blocked = if import.status != "pending" {
        None
    } else if catalogs.catalogs.contains_key(&import.catalog_id) {
        Some(tr.t("import-blocked-exists"))
    } else if old.is_none() {
        Some(tr.t("import-blocked-no-base"))
    } else {
        None
    };
    let items = new
        .items
        .iter()
        .map(|i| PreviewItem {
            number: i.number.clone(),
            section: new
                .section(&i.section)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            text: i.text.clone(),
            answer: tr.t(crate::features::catalogs::pages::answer_key(i.answer)),
            carried: old.is_some_and(|o| o.items.iter().any(|x| x.number == i.number)),
        })
        .collect();
    let (status, status_class) = status(tr, &import.status);
    Ok(render(&PreviewPage {
        status,
        status_class,
        title: new.catalog.title.clone(),
        published: new.catalog.published.clone(),
        based_on_title: old
            .map(|o| format!("{}({})", o.catalog.title, o.catalog.version))
            .unwrap_or_else(|| import.based_on.clone()),
        added,
        changed,
        removed,
        unchanged,
        items,
        blocked,
        import,
        page,
    })?
    .into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    let import = find(&state, &id).await?;
    let new = parse_body(&import)?;
    if import.status != "pending" {
        return Err(AppError::Conflict("catalog import"));
    }
    if state.catalogs().catalogs.contains_key(&import.catalog_id) {
        return Err(AppError::Duplicate("catalog version"));
    }
    state
        .store()
        .decide_catalog_import(&auth.actor(), &id, true)
        .await?;
    // Serve it now: reload the whole set from the store (as a restart would), then index it.
    let served = load(state.store()).await?;
    state.set_catalogs(served);
    state
        .store()
        .load_catalog(&auth.actor(), &index_record(&new, "imported"))
        .await?;
    Ok(Redirect::to(&format!("/catalogs/{}", import.catalog_id)).into_response())
}

pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    find(&state, &id).await?;
    state
        .store()
        .decide_catalog_import(&auth.actor(), &id, false)
        .await?;
    Ok(Redirect::to("/catalog-imports?ok=flash-import-discarded").into_response())
}
