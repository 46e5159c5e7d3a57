//! What every HTTP test shares: the server (`app`), who sends requests (`actors`) and the
//! data a test needs (`builders`). This is the only place the tests reach the product's
//! internals (`mamori_web::…`): feature files see them through this module.

mod actors;
mod app;
mod builders;

pub use actors::*;
pub use app::*;
pub use builders::*;

/// The checklist carry-over rule, checked on an altered crosswalk (no HTTP way to alter one).
pub use mamori_app::assessments::carry;
pub use mamori_app::demo::{self, DEMO_CODE, DEMO_PASSWORD};
pub use mamori_domain::Role;
pub use mamori_store::{now_ms, Actor, SqliteStore, Store};
pub use mamori_web::auth::totp;
pub use mamori_web::i18n;
pub use mamori_web::ui::safe_next;
pub use mamori_web::{AppState, WebConfig};
pub use reqwest::header::{CONTENT_TYPE, LOCATION};
pub use reqwest::{Client, Method, StatusCode};
pub use serde_json::{json, Value};
pub use std::sync::Arc;
