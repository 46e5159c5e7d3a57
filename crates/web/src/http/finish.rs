//! The frame's middleware: security headers and `Server-Timing` on every response, and the
//! finishers that turn a refusal into an error page (in the user's language) or the JSON
//! error envelope.

use crate::http::api;
use crate::http::auth::{CurrentSession, Meta};
use crate::http::error::ErrorInfo;
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use axum_extra::extract::cookie::CookieJar;
use std::time::Instant;

// ------------------------------------------------------------------ middleware

/// Security headers on every response, and the server time as `Server-Timing`.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let is_asset = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(h, header::CONTENT_SECURITY_POLICY, crate::CSP);
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
        items: Vec::new(),
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
pub async fn finish_html(req: Request, next: Next) -> Response {
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
pub async fn finish_api(req: Request, next: Next) -> Response {
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
            items: info
                .items
                .iter()
                .map(|u| api::UnmetView {
                    item_id: u.item_id.clone(),
                    number: u.number.clone(),
                    slot: u.slot.to_string(),
                    message: tr.t(u.key),
                })
                .collect(),
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
