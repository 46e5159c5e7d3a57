//! Server-rendered pages (askama + htmx). Every handler checks access through
//! `service`/`policy`; forms re-render with the user's input and a message on bad input.

use crate::http::auth::{csrf_cookie, random_token, AnyAuth, Meta, Stage, CSRF_COOKIE};
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::i18n::Tr;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::{Institution, InstitutionKind, Role};
use serde::Deserialize;

// ------------------------------------------------------------------ page frame

pub struct NavUser {
    pub display_name: String,
    pub platform_admin: bool,
    /// Belongs to a vendor: the vendor portal is in the menu.
    pub vendor: bool,
    /// Unread notices (the count beside 通知).
    pub unread: i64,
}

/// What the base layout needs on every page.
pub struct PageCtx {
    pub tr: Tr,
    pub csrf: String,
    pub user: Option<NavUser>,
    pub institutions: Vec<(String, String)>,
    pub current: Option<String>,
    pub institution_name: Option<String>,
    pub section: &'static str,
    pub can_dashboard: bool,
    pub can_members: bool,
    pub can_audit: bool,
    pub can_settings: bool,
    pub can_contracts: bool,
    pub can_assets: bool,
    pub can_assessments: bool,
    pub flash: Option<String>,
    pub flash_error: Option<String>,
    pub path: String,
}

impl PageCtx {
    /// Frame for a page seen before sign-in (or an error page): the CSRF cookie's value.
    pub fn anonymous(meta: &Meta, jar: &CookieJar, path: &str) -> (Self, CookieJar) {
        let (token, jar) = match jar.get(CSRF_COOKIE) {
            Some(c) => (c.value().to_string(), jar.clone()),
            None => {
                let t = random_token(24);
                (
                    t.clone(),
                    jar.clone().add(csrf_cookie(t, meta.secure_cookies)),
                )
            }
        };
        (
            PageCtx {
                tr: Tr::new(meta.lang),
                csrf: token,
                user: None,
                institutions: vec![],
                current: None,
                institution_name: None,
                section: "",
                can_dashboard: false,
                can_members: false,
                can_audit: false,
                can_settings: false,
                can_contracts: false,
                can_assets: false,
                can_assessments: false,
                flash: None,
                flash_error: None,
                path: path.to_string(),
            },
            jar,
        )
    }

    pub async fn signed_in(
        state: &AppState,
        auth: &AnyAuth,
        section: &'static str,
        current: Option<&Institution>,
        path: &str,
    ) -> AppResult<Self> {
        let mine = if auth.stage == Stage::Full {
            mamori_app::access::my_institutions(state.store(), auth).await?
        } else {
            vec![]
        };
        // A page of no institution (profile, notices, catalogs) keeps the menu of the one
        // institution a member belongs to, so the way back is not lost.
        let only = match (current, mine.as_slice()) {
            (None, [one]) => Some(one.clone()),
            _ => None,
        };
        let current = current.or(only.as_ref());
        let institutions = mine.into_iter().map(|i| (i.code, i.name)).collect();
        let can = |a: Action| {
            current.is_some_and(|i| mamori_app::access::may(auth, a, Scope::Institution(&i.id)))
        };
        let unread = if auth.stage == Stage::Full {
            state.store().unread_notifications(&auth.user.id).await?
        } else {
            0
        };
        Ok(PageCtx {
            tr: Tr::new(auth.meta.lang),
            csrf: auth.csrf(),
            user: Some(NavUser {
                display_name: auth.user.display_name.clone(),
                platform_admin: auth.principal.platform_admin,
                vendor: !auth.principal.vendor_ids.is_empty(),
                unread,
            }),
            institutions,
            current: current.map(|i| i.code.clone()),
            institution_name: current.map(|i| i.name.clone()),
            section,
            can_dashboard: can(Action::ViewDashboard),
            can_members: can(Action::ViewMembers),
            can_audit: can(Action::ViewAudit),
            can_settings: can(Action::ManageSettings),
            can_contracts: can(Action::ViewContracts),
            can_assets: can(Action::ViewAssets),
            can_assessments: can(Action::ViewAssessments),
            flash: None,
            flash_error: None,
            path: path.to_string(),
        })
    }

    /// Show `?ok=KEY` / `?err=KEY` messages set by a redirect after a POST.
    pub fn with_flash(mut self, f: &Flash) -> Self {
        let tr = self.tr;
        let known = |k: &String| (k.starts_with("flash-") || k.starts_with("error-")) && tr.has(k);
        self.flash = f.ok.as_ref().filter(|k| known(k)).map(|k| self.tr.t(k));
        self.flash_error = f.err.as_ref().filter(|k| known(k)).map(|k| self.tr.t(k));
        self
    }
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Flash {
    pub ok: Option<String>,
    pub err: Option<String>,
}

/// A page shown again after refused input answers 422, otherwise 200.
pub fn page_status(refused: bool) -> StatusCode {
    if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

pub fn render<T: Template>(t: &T) -> AppResult<Html<String>> {
    t.render()
        .map(Html)
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Only same-site relative paths are accepted as a `next` target.
pub fn safe_next(next: &str) -> String {
    // A path on this site only: no scheme, no host, no backslash, no control or space
    // characters (browsers drop tabs and newlines, turning "/\t/evil" into "//evil").
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&%+".contains(c);
    if next.starts_with('/') && !next.starts_with("//") && next.chars().all(allowed) {
        next.to_string()
    } else {
        "/".to_string()
    }
}

pub fn role_label(tr: &Tr, role: Role) -> String {
    tr.t(&format!("role-{}", role.as_str().replace('_', "-")))
}

pub fn kind_label(tr: &Tr, kind: InstitutionKind) -> String {
    tr.t(&format!("kind-{}", kind.as_str().replace('_', "-")))
}

pub fn action_label(tr: &Tr, action: &str) -> String {
    let key = format!("action-{}", action.replace(['.', '_'], "-"));
    let s = tr.t(&key);
    if s == key {
        action.to_string()
    } else {
        s
    }
}

pub fn message(tr: &Tr, e: &AppError) -> String {
    tr.t(e.info().key)
}

/// The message of a refused sign-in step, with the minutes to wait when throttled.
pub fn throttle_or_message(tr: &Tr, e: &AppError) -> String {
    match e {
        AppError::Throttled { retry_after_secs } => tr.t1(
            "error-throttled-minutes",
            "minutes",
            retry_after_secs.div_ceil(60),
        ),
        other => message(tr, other),
    }
}

/// A sign-in page shown again after a refusal: 429 when throttled, 422 for a malformed
/// entry, otherwise 200 (a wrong password or code is an answer, not an error).
pub fn refusal_status(e: &AppError) -> StatusCode {
    match e.info().status {
        s @ (StatusCode::TOO_MANY_REQUESTS | StatusCode::INTERNAL_SERVER_ERROR) => s,
        _ => StatusCode::OK,
    }
}

/// Add `Retry-After` to a throttled answer.
pub fn with_retry_after(e: &AppError, mut res: Response) -> Response {
    if let Some(s) = e.info().retry_after_secs {
        if let Ok(v) = axum::http::HeaderValue::from_str(&s.to_string()) {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
        }
    }
    res
}
