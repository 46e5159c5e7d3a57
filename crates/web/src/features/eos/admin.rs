//! `/admin/feeds`: the platform administrator's feed page — what the feed database holds,
//! the latest imports (counts, when, by whom), the attribution texts, and an upload (a
//! file or a zip, within the upload limit) whose import report is shown at once.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use mamori_app::feed_imports::{self, FeedStatus, ImportReport};
use mamori_domain::policy::{Action, Scope};

/// An import as listed.
pub struct ImportRow {
    pub when: String,
    pub by: String,
    pub files: usize,
    pub products: i64,
    pub cycles: i64,
    pub changed: i64,
    pub skipped: i64,
    pub warnings: i64,
}

#[derive(Template)]
#[template(path = "eos/admin.html")]
struct AdminPage {
    page: PageCtx,
    status: FeedStatus,
    imports: Vec<ImportRow>,
    report: Option<ImportReport>,
    /// Why an upload was refused, in the page's language.
    error: Option<String>,
    max_mb: usize,
}

/// Why an import wrote nothing, in the caller's language (the page and the API say the
/// same).
pub fn refusal_message(tr: &Tr, r: &ImportReport) -> Option<String> {
    let key = r.refused.as_deref()?;
    let mut msg = tr.t(key);
    if key == "error-feed-failed" {
        msg = format!("{msg}: {}", r.failed.join(" / "));
    }
    Some(msg)
}

async fn view(
    state: &AppState,
    auth: &Auth,
    report: Option<ImportReport>,
    flash: &Flash,
) -> AppResult<Response> {
    let status = feed_imports::status(state, auth).await?;
    let page = PageCtx::signed_in(state, auth, "admin", None, "/admin/feeds")
        .await?
        .with_flash(flash);
    let error = report.as_ref().and_then(|r| refusal_message(&page.tr, r));
    let imports = status
        .imports
        .iter()
        .map(|i| ImportRow {
            when: mamori_domain::time::timestamp_jst(i.imported_at),
            by: i.imported_label.clone(),
            files: i.file_names().len(),
            products: i.products,
            cycles: i.cycles,
            changed: i.changed,
            skipped: i.skipped,
            warnings: i.warnings,
        })
        .collect();
    let code = crate::ui::page_status(error.is_some());
    Ok((
        code,
        render(&AdminPage {
            page,
            status,
            imports,
            report,
            error,
            max_mb: state.cfg().max_upload_bytes / (1024 * 1024),
        })?,
    )
        .into_response())
}

pub async fn page(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    view(&state, &auth, None, &flash).await
}

pub async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    req: axum::extract::Request,
) -> AppResult<Response> {
    // Authorised before the body is read.
    mamori_app::access::require(&auth, Action::AdministerPlatform, Scope::Platform)?;
    let up = crate::http::upload::read(req, &state).await?;
    let skip_bad = matches!(up.text("skip_bad").trim(), "1" | "on" | "true");
    let report = feed_imports::upload(&state, &auth, up.file_name, up.bytes, skip_bad).await?;
    view(&state, &auth, Some(report), &Flash::default()).await
}
