//! The route registry. Each feature declares its routes through [`Routes`] — pages, uploads
//! (their own router: larger limit, the upload guard) and API operations (registered with
//! their OpenAPI entry by `utoipa_axum::routes!`, so the document cannot drift from the
//! router). The same declarations give the router, the OpenAPI document and the route
//! table the tests enumerate.

use crate::http::state::AppState;
use axum::handler::Handler;
use axum::routing::{on, MethodFilter};
use axum::Router;
use std::sync::OnceLock;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// An HTTP method a route answers.
#[derive(Debug, Clone, Copy)]
pub struct Method(&'static str, MethodFilter);

pub const GET: Method = Method("GET", MethodFilter::GET);
pub const POST: Method = Method("POST", MethodFilter::POST);
pub const PUT: Method = Method("PUT", MethodFilter::PUT);
pub const PATCH: Method = Method("PATCH", MethodFilter::PATCH);
pub const DELETE: Method = Method("DELETE", MethodFilter::DELETE);

/// Which router serves a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// An HTML page or form (session and CSRF token).
    Page,
    /// A form with a file (the upload router: larger limit, authenticated before the body
    /// is read).
    Upload,
    /// The JSON API under `/api/v1`.
    Api,
}

/// One route: what the tests enumerate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    pub method: &'static str,
    /// The full path (`/api/v1/…` for the API), with `{name}` parameters.
    pub path: String,
    pub surface: Surface,
    /// For a page route that changes data: its API counterpart, or why it has none.
    pub twin: Twin,
}

/// The API counterpart of a page action: every action a page offers exists in the API
/// under the same rules, unless it belongs to the browser itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Twin {
    /// Not declared (a page that only shows, or an API operation).
    None,
    /// `"POST /api/v1/…"`: the operation doing the same.
    Api(&'static str),
    /// Why this stays a browser action (sign-in, the page language …).
    HtmlOnly(&'static str),
}

/// Routes as the features declare them.
pub struct Routes {
    pub(crate) pages: Router<AppState>,
    pub(crate) uploads: Router<AppState>,
    pub(crate) api: OpenApiRouter<AppState>,
    /// API operations that take a file (multipart): the upload limit and guard, with the
    /// API's error envelope.
    pub(crate) api_uploads: OpenApiRouter<AppState>,
    table: Vec<RouteEntry>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            pages: Router::new(),
            uploads: Router::new(),
            api: OpenApiRouter::new(),
            api_uploads: OpenApiRouter::new(),
            table: vec![],
        }
    }

    /// A page or form route.
    pub fn page<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.pages = self.pages.route(path, on(method.1, handler));
        self.entry(method, path.to_string(), Surface::Page)
    }

    /// A form that carries a file.
    pub fn upload<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.uploads = self.uploads.route(path, on(method.1, handler));
        self.entry(method, path.to_string(), Surface::Upload)
    }

    /// API operations of one path, with their OpenAPI entries (`routes!(a, b)`); the path
    /// is relative to `/api/v1`.
    pub fn api(mut self, operations: UtoipaMethodRouter<AppState>) -> Self {
        self.api = self.api.routes(operations);
        self
    }

    /// API operations of one path that take a file (multipart/form-data), with their
    /// OpenAPI entries: served under the upload limit, the caller authenticated (and, with
    /// a browser session, the CSRF token checked) before the body is read.
    pub fn api_upload(mut self, operations: UtoipaMethodRouter<AppState>) -> Self {
        self.api_uploads = self.api_uploads.routes(operations);
        self
    }

    /// The API operation doing what the page route just declared does
    /// (`"PATCH /api/v1/me"`).
    pub fn twin(mut self, operation: &'static str) -> Self {
        if let Some(last) = self.table.last_mut() {
            last.twin = Twin::Api(operation);
        }
        self
    }

    /// Why the page route just declared has no API counterpart.
    pub fn html_only(mut self, reason: &'static str) -> Self {
        if let Some(last) = self.table.last_mut() {
            last.twin = Twin::HtmlOnly(reason);
        }
        self
    }

    fn entry(mut self, method: Method, path: String, surface: Surface) -> Self {
        self.table.push(RouteEntry {
            method: method.0,
            path,
            surface,
            twin: Twin::None,
        });
        self
    }

    /// The page and upload routes declared so far.
    pub fn table(&self) -> &[RouteEntry] {
        &self.table
    }
}

/// The API's OpenAPI document: the frame (`ApiDoc`) with every operation the features
/// registered, under `/api/v1`, and the standard refusals added to each.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        use utoipa::{Modify, OpenApi};
        let routes = crate::features::routes();
        let mut doc = crate::http::api::ApiDoc::openapi();
        for api in [routes.api, routes.api_uploads] {
            let (_, registered) = api.split_for_parts();
            for (path, item) in registered.paths.paths {
                doc.paths.paths.insert(format!("/api/v1{path}"), item);
            }
            if let Some(components) = registered.components {
                let c = doc.components.get_or_insert_with(Default::default);
                c.schemas.extend(components.schemas);
                c.responses.extend(components.responses);
            }
        }
        crate::http::api::StandardErrors.modify(&mut doc);
        doc
    })
}

/// Every route the product serves: the features' pages, uploads and API operations, and
/// the few the frame serves itself (health, assets, the OpenAPI document).
pub fn route_table() -> Vec<RouteEntry> {
    let mut out = crate::features::routes().table().to_vec();
    for (path, m) in [
        ("/healthz", GET),
        ("/assets/{file}", GET),
        ("/api/v1/openapi.json", GET),
    ] {
        out.push(RouteEntry {
            method: m.0,
            path: path.into(),
            surface: if path.starts_with("/api/") {
                Surface::Api
            } else {
                Surface::Page
            },
            twin: Twin::None,
        });
    }
    for (path, item) in &openapi().paths.paths {
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if op.is_some() {
                out.push(RouteEntry {
                    method,
                    path: path.clone(),
                    surface: Surface::Api,
                    twin: Twin::None,
                });
            }
        }
    }
    out
}
