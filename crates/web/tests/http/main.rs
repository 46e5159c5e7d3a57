//! The web layer over real HTTP: a real server on loopback with a real database (SQLite, and
//! PostgreSQL when `TEST_DATABASE_URL` is set), driven by an HTTP client with cookies.
//! One test binary; `common/` holds the server, the actors and the builders, and each
//! feature has its own file.

mod common;

mod accounts;
mod api_parity;
mod approval;
mod architecture;
mod assessments;
mod asset_import;
mod asset_ledger;
mod audit_log;
mod catalog_imports_api;
mod catalogs;
mod cert_files;
mod checklist_api;
mod checklist_exports_api;
mod contracts;
mod control_chars;
mod dashboard_todo;
mod documents;
mod eos;
mod escalation;
mod evidence;
mod exports;
mod health_and_assets;
mod inspector_accounts;
mod institutions;
mod inventory;
mod invitations;
mod locales_and_openapi;
mod mail;
mod network;
mod notifications;
mod official_import;
mod parsing;
mod policy_matrix;
mod role_sharing;
mod sessions;
mod sheet_forms;
mod sheet_standards;
mod throttling;
mod upload_bombs;
mod vendor_portal;
mod vendor_sheets_api;
