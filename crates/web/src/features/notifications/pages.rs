//! The notifications page: the list (newest first, unread marked), opening one marks it
//! read, and the mail preferences per kind.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::ui::{render, safe_next, see_other, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use mamori_app::notifications::{NoticeView, Preference};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "notifications/list.html")]
pub(crate) struct ListPage {
    page: PageCtx,
    notices: Vec<(NoticeView, String)>,
    prefs: Vec<Preference>,
    unread: usize,
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(&state, &auth, "notifications", None, "/notifications")
        .await?
        .with_flash(&flash);
    let lang = page.tr.lang;
    let notices: Vec<_> = mamori_app::notifications::list(&state, &auth, lang)
        .await?
        .into_iter()
        .map(|n| {
            let at = mamori_domain::time::timestamp_jst(n.created_at);
            (n, at)
        })
        .collect();
    let unread = notices.iter().filter(|(n, _)| !n.read).count();
    let prefs = mamori_app::notifications::preferences(&state, &auth, lang).await?;
    Ok(render(&ListPage {
        page,
        notices,
        prefs,
        unread,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReadForm {
    /// Where to go after marking it read (the notice's link); the list when absent.
    #[serde(default)]
    pub next: String,
}

/// Mark a notice read and go where it points (or back to the list).
pub async fn read(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ReadForm>,
) -> AppResult<Response> {
    mamori_app::notifications::mark_read(&state, &auth, &id).await?;
    let to = if f.next.is_empty() {
        "/notifications".to_string()
    } else {
        safe_next(&f.next)
    };
    Ok(see_other(&to))
}

pub async fn read_all(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    mamori_app::notifications::mark_all_read(&state, &auth).await?;
    Ok(see_other("/notifications?ok=flash-notifications-read"))
}

/// The preference form: a checkbox `mail` per kind that is ticked (an unticked box is not
/// sent, so every kind not listed is set to no mail).
pub async fn save_preferences(
    State(state): State<AppState>,
    auth: Auth,
    axum_extra::extract::Form(f): axum_extra::extract::Form<PrefsForm>,
) -> AppResult<Response> {
    for k in &f.mail {
        if mamori_domain::notifications::NotificationKind::parse(k).is_none() {
            return Ok(see_other("/notifications?err=error-notice-kind#prefs"));
        }
    }
    for k in mamori_domain::notifications::NotificationKind::ALL {
        let on = f.mail.iter().any(|m| m == k.as_str());
        mamori_app::notifications::set_preference(&state, &auth, k.as_str(), on).await?;
    }
    Ok(see_other(
        "/notifications?ok=flash-notifications-prefs-saved#prefs",
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct PrefsForm {
    #[serde(default)]
    pub mail: Vec<String>,
}
