//! A new version of a document from the official Excel or CSV, through the browser: upload
//! (with the version's id, title and publication date) → mapping preview and diff against
//! the latest version → confirm or discard. Nothing becomes a catalog before the
//! confirmation; a confirmed version is served at once and at every later start.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_app::catalog_imports::{self, ImportInput, Refusal, Staged};
use mamori_domain::codes::ImportStatus;
use mamori_domain::policy::{Action, Scope};
use mamori_store::CatalogImport;

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

/// The upload form's fields (also its query string, when the preview sends the person back
/// to correct how the sheet was read).
#[derive(Default, serde::Deserialize)]
#[serde(default)]
pub struct UploadForm {
    pub document: String,
    pub version: String,
    pub title: String,
    pub published: String,
    pub sheet: String,
    pub document_2: String,
    pub sheet_2: String,
    /// "1" when the person says the file holds the whole document.
    pub complete: String,
    pub missing: String,
    pub header_row: String,
    pub number_col: String,
    pub title_col: String,
    pub text_col: String,
    pub headings: String,
}

impl UploadForm {
    /// The form as an upload (the page and the API read the same fields).
    pub fn of(up: &crate::http::upload::Upload) -> UploadForm {
        UploadForm {
            document: up.text("document"),
            version: up.text("version"),
            title: up.text("title"),
            published: up.text("published"),
            sheet: up.text("sheet"),
            document_2: up.text("document_2"),
            sheet_2: up.text("sheet_2"),
            complete: up.text("complete"),
            missing: up.text("missing"),
            header_row: up.text("header_row"),
            number_col: up.text("number_col"),
            title_col: up.text("title_col"),
            text_col: up.text("text_col"),
            headings: up.text("headings"),
        }
    }
    /// Are any corrections or a second sheet given (the page then shows them open)?
    pub fn has_corrections(&self) -> bool {
        [
            &self.header_row,
            &self.number_col,
            &self.title_col,
            &self.text_col,
            &self.headings,
            &self.sheet_2,
        ]
        .iter()
        .any(|f| !f.trim().is_empty())
    }
    pub fn input(&self) -> ImportInput {
        ImportInput {
            document: self.document.clone(),
            version: self.version.clone(),
            title: self.title.clone(),
            published: self.published.clone(),
            sheet: self.sheet.clone(),
            more: if self.sheet_2.trim().is_empty() && self.document_2.trim().is_empty() {
                vec![]
            } else {
                vec![(self.document_2.clone(), self.sheet_2.clone())]
            },
            complete: matches!(self.complete.trim(), "1" | "true" | "on"),
            missing: self.missing.clone(),
            header_row: self.header_row.clone(),
            number_col: self.number_col.clone(),
            title_col: self.title_col.clone(),
            text_col: self.text_col.clone(),
            headings: self.headings.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "catalogs/catalog_import.html")]
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

fn status(tr: &crate::i18n::Tr, s: ImportStatus) -> (String, &'static str) {
    match s {
        ImportStatus::Confirmed => (tr.t("import-status-confirmed"), "ok"),
        ImportStatus::Discarded => (tr.t("import-status-discarded"), ""),
        ImportStatus::Pending => (tr.t("import-status-pending"), "warn"),
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
    let imports = catalog_imports::list(state, auth, 50)
        .await?
        .into_iter()
        .map(|i| {
            let (label, class) = status(tr, i.status);
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
    Query(form): Query<UploadForm>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    upload_view(&state, &auth, form, None, &flash).await
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
    let form = UploadForm::of(&up);
    match catalog_imports::stage(&state, &auth, form.input(), up.file_name, up.bytes).await? {
        Staged::Staged(records) => match records.as_slice() {
            [one] => Ok(Redirect::to(&format!("/catalog-imports/{}", one.id)).into_response()),
            _ => Ok(Redirect::to("/catalog-imports?ok=flash-import-staged-sheets").into_response()),
        },
        Staged::Refused(r) => {
            let msg = refusal_message(&tr, &r);
            upload_view(&state, &auth, form, Some(msg), &Flash::default()).await
        }
    }
}

/// Why a file was refused, in the caller's language (the page and the API say the same).
pub fn refusal_message(tr: &crate::i18n::Tr, r: &Refusal) -> String {
    match r {
        Refusal::NoFile => tr.t("import-error-no-file"),
        Refusal::Unreadable(e) => mamori_app::files::refused_at(tr, e.place.key(), e.problem.key()),
        Refusal::Problems(p) => format!("{}: {}", tr.t("import-error-refused"), p.join(" / ")),
    }
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
    /// Part1 (the institution answers) or Part2 (both parties agree), when the item says.
    pub part: String,
}

#[derive(Template)]
#[template(path = "catalogs/catalog_import_preview.html")]
struct PreviewPage {
    page: PageCtx,
    import: CatalogImport,
    pending: bool,
    confirmed: bool,
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
    /// The mapping, a line each (the columns, then each heading row).
    mapping: Vec<String>,
    complete: bool,
    missing: String,
    /// The upload page, filled in as for this import, to read the file again with
    /// corrections.
    correct_href: String,
}

pub async fn preview(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = catalog_imports::preview(&state, &auth, &id).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "catalogs",
        None,
        &format!("/catalog-imports/{id}"),
    )
    .await?;
    let tr = &page.tr;
    let (new, old) = (&p.new, p.base.as_ref());
    use mamori_catalog::import::ByNumber;
    let (news, olds) = (ByNumber::of(new), old.map(ByNumber::of));
    let rows = |numbers: &[String], with_old: bool, with_new: bool| -> Vec<DiffRow> {
        numbers
            .iter()
            .map(|n| DiffRow {
                number: n.clone(),
                old: olds
                    .as_ref()
                    .filter(|_| with_old)
                    .map(|o| o.text(n))
                    .unwrap_or_default(),
                new: if with_new {
                    news.text(n)
                } else {
                    String::new()
                },
            })
            .collect()
    };
    let added = rows(&p.diff.added, false, true);
    let changed = rows(&p.diff.changed, true, true);
    let removed = rows(&p.diff.removed, true, false);
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
            carried: olds.as_ref().is_some_and(|o| o.get(new, i).is_some()),
            part: if i.role.contains(&mamori_catalog::Addressee::Joint) {
                tr.t("import-part2")
            } else if i.role.contains(&mamori_catalog::Addressee::Institution) {
                tr.t("import-part1")
            } else {
                String::new()
            },
        })
        .collect();
    let (status, status_class) = status(tr, p.import.status);
    Ok(render(&PreviewPage {
        pending: p.import.status == ImportStatus::Pending,
        confirmed: p.import.status == ImportStatus::Confirmed,
        status,
        status_class,
        title: new.catalog.title.clone(),
        published: new.catalog.published.clone(),
        based_on_title: old
            .map(|o| format!("{}({})", o.catalog.title, o.catalog.version))
            .unwrap_or_else(|| p.import.based_on.clone()),
        added,
        changed,
        removed,
        unchanged: p.diff.unchanged,
        items,
        blocked: p.blocked.map(|b| tr.t(b.message_key())),
        mapping: p.import.mapping.lines().map(String::from).collect(),
        complete: new.catalog.coverage.complete,
        missing: new.catalog.coverage.missing.clone(),
        correct_href: format!(
            "/catalog-imports?{}",
            serde_urlencoded::to_string([
                (
                    "document",
                    format!("{}/{}", new.catalog.publisher, new.catalog.document)
                ),
                ("version", new.catalog.version.clone()),
                ("published", new.catalog.published.clone()),
                ("title", new.catalog.title.clone()),
            ])
            .unwrap_or_default()
        ),
        import: p.import,
        page,
    })?
    .into_response())
}

pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let import = catalog_imports::confirm(&state, &auth, &id).await?;
    Ok(Redirect::to(&format!("/catalogs/{}", import.catalog_id)).into_response())
}

pub async fn discard(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    catalog_imports::discard(&state, &auth, &id).await?;
    Ok(Redirect::to("/catalog-imports?ok=flash-import-discarded").into_response())
}
