//! mamori's web layer: the HTML UI (askama + htmx, Japanese first), the JSON API under
//! `/api/v1`, sessions, CSRF, MFA, security headers. All assets are embedded.

pub mod features;
pub mod http;
pub mod ui;

// The shared infrastructure under its established names.
pub use http::{auth, error, input_guard, state, upload};

use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use std::net::SocketAddr;

pub use mamori_i18n as i18n;
pub use state::{AppState, WebConfig};

pub(crate) const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'; object-src 'none'";

/// The whole application: the features' routes under the frame's layers.
pub fn router(state: AppState) -> Router {
    let limit = state.cfg().max_body_bytes;
    let features::FeatureRouters {
        pages,
        uploads,
        api,
        api_uploads,
    } = features::routers();
    let html = pages
        .route("/healthz", get(healthz))
        .route("/assets/{file}", get(http::assets::asset))
        .fallback(not_found)
        .layer(from_fn(auth::csrf_guard))
        .layer(from_fn(input_guard::refuse_control_chars))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(from_fn(http::finish::finish_html));
    // Uploads: the larger upload limit, and a guard that lets a body in only from a
    // signed-in caller with the CSRF token (the handlers authorise before reading it).
    let upload_limit = state.cfg().max_upload_bytes;
    let uploads = uploads
        // Signed in and the CSRF token checked before any of the body is read.
        .layer(from_fn_with_state(state.clone(), upload::guard))
        .layer(from_fn(input_guard::refuse_control_chars_in_query))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(from_fn(http::finish::finish_html));
    let html = html.merge(uploads);
    // API operations that take a file: like the upload routes (the guard, the upload limit),
    // answering with the API's error envelope.
    let api_uploads = api_uploads
        .layer(from_fn_with_state(state.clone(), upload::guard))
        .layer(from_fn(input_guard::refuse_control_chars_in_query))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(upload_limit))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit))
        .layer(from_fn(http::finish::finish_api));
    let api = api
        .route("/openapi.json", get(http::api::openapi))
        .fallback(not_found)
        .layer(from_fn(auth::api_csrf_guard))
        .layer(from_fn(input_guard::refuse_control_chars))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limit))
        .layer(from_fn(http::finish::finish_api))
        .merge(api_uploads);
    // Layers run outside-in: headers, session, then per router the error finisher, the
    // body limit and the CSRF guard, so that their refusals are rendered like any error.
    html.nest("/api/v1", api)
        .layer(from_fn_with_state(state.clone(), auth::load_session))
        .layer(from_fn(input_guard::refuse_bearer_outside_api))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(from_fn(http::finish::security_headers))
        .with_state(state)
}

/// Every route the product serves (pages, uploads, API operations), from the same
/// declarations as the router.
pub fn route_table() -> Vec<http::routes::RouteEntry> {
    http::routes::route_table()
}

/// Serve until `shutdown` resolves. Expired sessions are purged every hour; a catalog
/// version confirmed by another process (`mamori catalog import --yes`) is served within
/// five seconds.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let loaded = state
        .reload_catalogs()
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
    let watched = state.clone();
    let watcher = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
        loop {
            tick.tick().await;
            match watched.refresh_catalogs().await {
                Ok(true) => tracing::info!("catalog versions confirmed elsewhere are now served"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "catalog refresh failed"),
            }
        }
    });
    let (mailer, reminders) = notices(&state);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let r = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    purger.abort();
    watcher.abort();
    mailer.abort();
    reminders.abort();
    r
}

/// The background work of notices: the sender empties the outbox every `mail_poll_ms`
/// (15 seconds; mail that fails waits for its retry); the reminders run at start and once
/// each JST day.
fn notices(state: &AppState) -> (tokio::task::JoinHandle<()>, tokio::task::JoinHandle<()>) {
    let ctx: mamori_app::Ctx = mamori_app::Ctx::clone(state);
    let poll = std::time::Duration::from_millis(state.cfg().mail_poll_ms.max(50));
    let mailer = tokio::spawn(async move {
        let mut tick = tokio::time::interval(poll);
        loop {
            tick.tick().await;
            match mamori_app::notifications::deliver_due(&ctx, 100).await {
                Ok(d) if d.sent + d.failed > 0 => {
                    tracing::info!(sent = d.sent, failed = d.failed, "outbox")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
            }
        }
    });
    let ctx: mamori_app::Ctx = mamori_app::Ctx::clone(state);
    let reminders = tokio::spawn(async move {
        let mut last = String::new();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let today = mamori_domain::time::date_jst(ctx.now());
            if today == last {
                continue;
            }
            match mamori_app::notifications::daily(&ctx, &today).await {
                Ok(n) => {
                    tracing::info!(notices = n, day = %today, "daily reminders");
                    last = today;
                }
                Err(e) => tracing::warn!(error = %e, "daily reminders failed"),
            }
        }
    });
    (mailer, reminders)
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
