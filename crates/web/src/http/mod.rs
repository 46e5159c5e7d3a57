//! HTTP infrastructure shared by every feature: errors and their pages/envelopes, sign-in
//! (sessions, tokens, CSRF, extractors), input guards, uploads, downloads, the JSON API's
//! plumbing, the assets, the state, and the route registry.

pub mod api;
pub mod assets;
pub mod auth;
pub mod download;
pub mod error;
pub mod finish;
pub mod input_guard;
pub mod routes;
pub mod state;
pub mod upload;
