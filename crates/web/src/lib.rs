//! mamori's web layer: the HTML UI (askama + htmx, Japanese first), the JSON API under
//! `/api/v1`, sessions, CSRF, MFA, security headers. All assets are embedded.

pub mod account;
pub mod api;
pub mod assessment_api;
pub mod assessment_pages;
pub mod auth;
pub mod catalog_import;
pub mod catalogs;
pub mod contract_pages;
pub mod error;
pub mod input_guard;
pub mod pages;
pub mod role_sharing_api;
pub mod state;
pub mod upload;
pub mod vendor_members;
pub mod vendor_pages;

use crate::auth::{CurrentSession, Meta};
use crate::error::ErrorInfo;
use crate::i18n::Tr;
use crate::pages::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, Request};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use axum_extra::extract::cookie::CookieJar;
use std::net::SocketAddr;
use std::time::Instant;

pub use mamori_i18n as i18n;
pub use state::{AppState, WebConfig};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// The whole application.
pub fn router(state: AppState) -> Router {
    let limit = state.cfg().max_body_bytes;
    let html = Router::new()
        .route("/", get(pages::root))
        .route("/home", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login_submit))
        .route("/login/mfa", get(pages::mfa_page).post(pages::mfa_submit))
        .route("/logout", post(pages::logout))
        .route("/logout/all", post(pages::logout_all))
        .route("/lang", post(pages::set_lang))
        .route(
            "/profile",
            get(account::profile).post(account::save_profile),
        )
        .route("/profile/password", post(account::change_password))
        .route(
            "/profile/mfa",
            get(account::mfa_setup).post(account::mfa_enable),
        )
        .route("/profile/mfa/disable", post(account::mfa_disable))
        .route(
            "/profile/tokens",
            get(account::tokens).post(account::create_token),
        )
        .route("/profile/tokens/{id}/revoke", post(account::revoke_token))
        .route("/admin", get(account::admin))
        .route(
            "/admin/institutions",
            post(account::admin_create_institution),
        )
        .route("/admin/vendors", post(account::admin_create_vendor))
        .route("/i/{code}", get(pages::dashboard))
        .route(
            "/i/{code}/members",
            get(pages::members).post(pages::add_member),
        )
        .route(
            "/i/{code}/members/{user_id}/roles/{role}/revoke",
            post(pages::revoke_role),
        )
        .route(
            "/i/{code}/settings",
            get(pages::settings).post(pages::save_settings),
        )
        .route("/i/{code}/audit", get(pages::audit))
        .route("/i/{code}/audit.csv", get(pages::audit_csv))
        .route(
            "/i/{code}/systems",
            get(contract_pages::systems).post(contract_pages::add_system),
        )
        .route(
            "/i/{code}/systems/links",
            post(contract_pages::link_systems),
        )
        .route(
            "/i/{code}/contracts",
            get(contract_pages::contracts).post(contract_pages::add_contract),
        )
        .route("/i/{code}/matrix", get(contract_pages::matrix))
        .route("/contracts/{id}", get(contract_pages::contract))
        .route(
            "/contracts/{id}/export.xlsx",
            get(contract_pages::contract_xlsx),
        )
        .route(
            "/contracts/{id}/subcontractors",
            post(vendor_pages::declare_subcontractor),
        )
        .route(
            "/contracts/{id}/subcontractors/{sub}/approve",
            post(vendor_pages::approve_subcontractor),
        )
        .route("/contract-documents/{doc}", get(vendor_pages::document))
        .route("/i/{code}/invites", post(vendor_pages::create_invite))
        .route(
            "/invite/{token}",
            get(vendor_pages::invite_page).post(vendor_pages::accept_invite),
        )
        .route(
            "/vendor/certifications",
            get(vendor_pages::certifications).post(vendor_pages::add_certification),
        )
        .route(
            "/vendor/certifications/{id}/delete",
            post(vendor_pages::delete_certification),
        )
        .route(
            "/vendor/standard-answers",
            get(vendor_pages::standard_answers).post(vendor_pages::save_standard_answer),
        )
        .route(
            "/vendor/standard-answers/apply",
            post(vendor_pages::apply_standard_answers),
        )
        .route("/contracts/{id}/print", get(contract_pages::contract_print))
        .route("/i/{code}/matrix.xlsx", get(contract_pages::matrix_xlsx))
        .route(
            "/contracts/{id}/items/{item}",
            post(contract_pages::item_step),
        )
        .route("/vendor", get(contract_pages::vendor_portal))
        .route(
            "/vendors/{vendor_id}/members",
            get(vendor_members::page).post(vendor_members::add_page),
        )
        .route(
            "/vendors/{vendor_id}/members/{user_id}/confirm",
            post(vendor_members::confirm),
        )
        .route(
            "/vendors/{vendor_id}/members/{user_id}/role",
            post(vendor_members::set_role),
        )
        .route(
            "/vendors/{vendor_id}/members/{user_id}/remove",
            post(vendor_members::remove_page),
        )
        .route(
            "/i/{code}/assessments",
            get(assessment_pages::list).post(assessment_pages::start),
        )
        .route("/assessments/{id}", get(assessment_pages::sheet))
        .route("/assessments/{id}/answers", post(assessment_pages::answer))
        .route("/assessments/{id}/approve", post(assessment_pages::approve))
        .route(
            "/assessments/{id}/vendor-sheets",
            post(assessment_pages::request_sheets),
        )
        .route("/vendor-sheets/{id}", get(assessment_pages::vendor_sheet))
        .route(
            "/assessments/{id}/inspector-links",
            post(assessment_pages::create_inspector_link),
        )
        .route(
            "/assessments/{id}/inspector-links/{link}/revoke",
            post(assessment_pages::revoke_inspector_link),
        )
        .route("/inspect/{token}", get(assessment_pages::inspect))
        .route(
            "/inspect/{token}/evidence/{ev}",
            get(assessment_pages::inspect_evidence),
        )
        .route(
            "/assessments/{id}/evidence/{ev}",
            get(assessment_pages::evidence_file),
        )
        .route(
            "/assessments/{id}/export.xlsx",
            get(assessment_pages::export_xlsx),
        )
        .route(
            "/assessments/{id}/export.pdf",
            get(assessment_pages::export_pdf),
        )
        .route(
            "/assessments/{id}/bundle.zip",
            get(assessment_pages::bundle),
        )
        .route(
            "/inspect/{token}/bundle.zip",
            get(assessment_pages::inspect_bundle),
        )
        .route(
            "/vendor-sheets/{id}/answers",
            post(assessment_pages::vendor_sheet_answer),
        )
        .route(
            "/vendor-sheets/{id}/return",
            post(assessment_pages::return_vendor_sheet),
        )
        .route(
            "/vendor-sheets/{id}/submit",
            post(assessment_pages::submit_vendor_sheet),
        )
        .route(
            "/vendor-sheets/{id}/copy",
            post(assessment_pages::copy_vendor_sheet),
        )
        .route("/assessments/{id}/reopen", post(assessment_pages::reopen))
        .route(
            "/assessments/{id}/revisions/{n}",
            get(assessment_pages::revision),
        )
        .route("/catalogs", get(catalogs::list))
        .route("/catalogs/search", get(catalogs::search_page))
        .route("/catalogs/{publisher}/{docver}", get(catalogs::show))
        .route(
            "/catalogs/{publisher}/{docver}/items/{item}",
            get(catalogs::item),
        )
        .route("/healthz", get(healthz))
        .route("/assets/{file}", get(asset))
        .fallback(not_found)
        .layer(from_fn(auth::csrf_guard))
        .layer(from_fn(input_guard::refuse_control_chars))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(from_fn(finish_html));
    // Uploads: the larger upload limit, and a guard that lets a body in only from a
    // signed-in caller with the CSRF token (the handlers authorise before reading it).
    let upload_limit = state.cfg().max_upload_bytes;
    let uploads = Router::new()
        .route(
            "/catalog-imports",
            get(catalog_import::upload_page).post(catalog_import::upload),
        )
        .route("/catalog-imports/{id}", get(catalog_import::preview))
        .route(
            "/catalog-imports/{id}/confirm",
            post(catalog_import::confirm),
        )
        .route(
            "/catalog-imports/{id}/discard",
            post(catalog_import::discard),
        )
        .route(
            "/contracts/{id}/documents",
            post(vendor_pages::upload_document),
        )
        .route(
            "/assessments/{id}/evidence",
            post(assessment_pages::add_evidence),
        )
        .route(
            "/assessments/{id}/evidence/{ev}/withdraw",
            post(assessment_pages::withdraw_evidence),
        )
        // Signed in and the CSRF token checked before any of the body is read.
        .layer(from_fn_with_state(state.clone(), upload::guard))
        .layer(from_fn(input_guard::refuse_control_chars_in_query))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(from_fn(finish_html));
    let html = html.merge(uploads);
    let api = Router::new()
        .route("/me", get(api::me).patch(api::update_me))
        .route("/me/password", post(api::password))
        .route("/me/mfa/setup", post(api::mfa_setup))
        .route("/me/mfa", post(api::mfa_enable).delete(api::mfa_disable))
        .route("/me/sign-out-everywhere", post(api::sign_out_everywhere))
        .route("/me/tokens", get(api::tokens).post(api::create_token))
        .route("/me/tokens/{id}", axum::routing::delete(api::revoke_token))
        .route(
            "/institutions",
            get(api::institutions).post(api::create_institution),
        )
        .route(
            "/institutions/{code}",
            get(api::institution).patch(api::update_institution),
        )
        .route(
            "/institutions/{code}/members",
            get(api::members).post(api::add_member),
        )
        .route(
            "/institutions/{code}/members/{user_id}/roles/{role}",
            put(api::grant_role).delete(api::revoke_role),
        )
        .route("/institutions/{code}/audit", get(api::audit))
        .route("/institutions/{code}/audit.csv", get(api::audit_csv))
        .route("/vendors", get(api::vendors).post(api::create_vendor))
        .route(
            "/vendors/{vendor_id}/members",
            get(vendor_members::api_list).post(vendor_members::api_add),
        )
        .route(
            "/vendors/{vendor_id}/members/{user_id}",
            put(vendor_members::api_change).delete(vendor_members::api_remove),
        )
        .route(
            "/institutions/{code}/contracts",
            get(role_sharing_api::contracts),
        )
        .route(
            "/institutions/{code}/role-sharing-matrix",
            get(role_sharing_api::matrix),
        )
        .route("/vendor/contracts", get(role_sharing_api::vendor_contracts))
        .route("/contracts/{id}/items", get(role_sharing_api::items))
        .route("/contracts/{id}/items/{item}", post(role_sharing_api::step))
        .route(
            "/institutions/{code}/assessments",
            get(assessment_api::list),
        )
        .route("/assessments/{id}", get(assessment_api::sheet))
        .route("/assessments/{id}/answers", post(assessment_api::answer))
        .route("/assessments/{id}/approve", post(assessment_api::approve))
        .route("/catalogs", get(catalogs::api_list))
        .route("/catalogs/search", get(catalogs::api_search))
        .route("/openapi.json", get(api::openapi))
        .fallback(not_found)
        .layer(from_fn(auth::csrf_guard))
        .layer(from_fn(input_guard::refuse_control_chars))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(from_fn(finish_api));
    // Layers run outside-in: headers, session, then per router the error finisher, the
    // body limit and the CSRF guard, so that their refusals are rendered like any error.
    html.nest("/api/v1", api)
        .layer(from_fn_with_state(state.clone(), auth::load_session))
        .layer(from_fn(input_guard::refuse_bearer_outside_api))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(from_fn(security_headers))
        .with_state(state)
}

/// Serve until `shutdown` resolves. Expired sessions are purged every hour.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let served = catalogs::load(state.store())
        .await
        .map_err(std::io::Error::other)?;
    state.set_catalogs(served);
    let loaded = catalogs::sync(state.store(), &state.catalogs())
        .await
        .map_err(std::io::Error::other)?;
    tracing::info!(loaded, "catalogs synchronised with the search index");
    let store = state.store_arc();
    let purger = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = store.purge_expired_sessions(mamori_store::now_ms()).await {
                tracing::warn!(error = %e, "session purge failed");
            }
        }
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let r = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purger.abort();
    r
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store().is_empty().await {
        Ok(_) => Json(serde_json::json!({"status": "ok", "database": state.store().backend()}))
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

async fn not_found() -> error::AppError {
    error::AppError::NotFound
}

// ------------------------------------------------------------------ assets

struct Asset {
    name: &'static str,
    mime: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 4] = [
    Asset {
        name: "app.css",
        mime: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/app.css"),
    },
    Asset {
        name: "htmx.min.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/htmx.min.js"),
    },
    Asset {
        name: "app.js",
        mime: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/app.js"),
    },
    Asset {
        name: "favicon.svg",
        mime: "image/svg+xml",
        bytes: include_bytes!("../assets/favicon.svg"),
    },
];

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|a| a.name == file) {
        Some(a) => (
            [
                (header::CONTENT_TYPE, a.mime),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            a.bytes,
        )
            .into_response(),
        None => error::AppError::NotFound.into_response(),
    }
}

// ------------------------------------------------------------------ middleware

/// Security headers on every response, and the server time as `Server-Timing`.
async fn security_headers(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, CSP);
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !is_asset && !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    let dur = format!("app;dur={:.3}", started.elapsed().as_secs_f64() * 1000.0);
    if let Ok(v) = HeaderValue::from_str(&dur) {
        h.insert(HeaderName::from_static("server-timing"), v);
    }
    res
}

fn is_content(res: &Response, mime: &str) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(mime))
}

fn fallback_info(status: StatusCode) -> ErrorInfo {
    let (code, key) = match status.as_u16() {
        404 => ("not_found", "error-not-found"),
        405 => ("method_not_allowed", "error-method"),
        413 => ("payload_too_large", "error-body-too-large"),
        415 => ("bad_request", "error-content-type"),
        400 | 422 => ("bad_request", "error-bad-form"),
        s if s >= 500 => ("internal", "error-internal"),
        _ => ("bad_request", "error-bad-form"),
    };
    ErrorInfo {
        status,
        code,
        key,
        field: None,
        retry_after_secs: None,
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: PageCtx,
    status: u16,
    title: String,
    message: String,
    back_href: &'static str,
    back_label: String,
}

/// Turn every error of an HTML route into a page in the user's language; send the
/// not-signed-in to the sign-in page and those with a sign-in step left to that step.
async fn finish_html(req: Request, next: Next) -> Response {
    let meta = req.extensions().get::<Meta>().cloned();
    let session_csrf = match req.extensions().get::<CurrentSession>() {
        Some(CurrentSession(Some(s))) => Some(s.csrf_token.clone()),
        _ => None,
    };
    let jar = CookieJar::from_headers(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let is_get = req.method() == axum::http::Method::GET;
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_content(&res, "text/html") {
        return res;
    }
    let info = res
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| fallback_info(status));
    let next_q = if is_get { path.clone() } else { "/".into() };
    let enc = |s: &str| serde_urlencoded::to_string([("next", s)]).unwrap_or_default();
    match info.code {
        "not_signed_in" => {
            return Redirect::to(&format!("/login?{}", enc(&next_q))).into_response()
        }
        "session_expired" => {
            return Redirect::to(&format!("/login?expired=1&{}", enc(&next_q))).into_response()
        }
        "mfa_required" => return Redirect::to("/login/mfa").into_response(),
        "mfa_enrolment_required" => return Redirect::to("/profile/mfa").into_response(),
        _ => {}
    }
    let Some(meta) = meta else { return res };
    let (mut page, jar) = PageCtx::anonymous(&meta, &jar, &path);
    if let Some(t) = session_csrf {
        page.csrf = t;
    }
    let tr = page.tr;
    let message = match info.retry_after_secs {
        Some(s) => tr.t1("error-throttled-minutes", "minutes", s.div_ceil(60)),
        None => tr.t(info.key),
    };
    let body = ErrorPage {
        status: status.as_u16(),
        title: status_title(&tr, status),
        message,
        back_href: "/",
        back_label: tr.t("error-back"),
        page,
    };
    match render(&body) {
        Ok(html) => {
            let mut out = (status, jar, html).into_response();
            if let Some(s) = info.retry_after_secs {
                if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                    out.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            out
        }
        Err(_) => res,
    }
}

fn status_title(tr: &Tr, status: StatusCode) -> String {
    let key = format!("status-{}", status.as_u16());
    let s = tr.t(&key);
    if s == key {
        tr.t(if status.is_server_error() {
            "status-500"
        } else {
            "status-400"
        })
    } else {
        s
    }
}

/// Turn every error of an API route into the JSON error envelope.
async fn finish_api(req: Request, next: Next) -> Response {
    let meta = req.extensions().get::<Meta>().cloned();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_content(&res, "application/json")
    {
        return res;
    }
    let info = res
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| fallback_info(status));
    let tr = Tr::new(meta.as_ref().map(|m| m.lang).unwrap_or_default());
    let message = match info.retry_after_secs {
        Some(s) => tr.t1("error-throttled-minutes", "minutes", s.div_ceil(60)),
        None => tr.t(info.key),
    };
    let body = api::ErrorBody {
        error: api::ErrorDetail {
            code: info.code.to_string(),
            message,
            field: info.field.map(str::to_string),
            request_id: meta.map(|m| m.request_id),
        },
    };
    let mut out = (status, Json(body)).into_response();
    if let Some(s) = info.retry_after_secs {
        if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
            out.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    out
}
