//! The Store contract suite: every test runs on SQLite and, when TEST_DATABASE_URL is set,
//! on PostgreSQL (each test in a private schema).

use mamori_domain::audit::ChainBreak;
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::{InstitutionKind, Role};
use mamori_store::{
    now_ms, verify_audit, Actor, ApiToken, AuditDraft, AuditFilter, InstitutionSettings,
    NewInstitution, NewUser, PgStore, SessionRecord, SqliteStore, Store, StoreError,
};
use std::sync::Arc;

#[path = "contract/audit_tamper.rs"]
mod audit_tamper;

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Pg(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            Raw::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

struct Backend {
    name: &'static str,
    store: Arc<dyn Store>,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
}

async fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let raw = Raw::Sqlite(sqlite.raw_pool().clone());
    let mut out = vec![Backend {
        name: "sqlite",
        store: Arc::new(sqlite),
        raw,
        _dir: Some(dir),
    }];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = PgStore::connect_private_schema(&url).await.unwrap();
        let raw = Raw::Pg(pg.raw_pool().clone());
        out.push(Backend {
            name: "postgres",
            store: Arc::new(pg),
            raw,
            _dir: None,
        });
    } else if std::env::var("CI").is_ok() {
        panic!("CI runs the PostgreSQL part: set TEST_DATABASE_URL");
    } else {
        eprintln!("TEST_DATABASE_URL not set: PostgreSQL part skipped");
    }
    out
}

#[path = "contract/vendor_access.rs"]
mod vendor_access;

#[path = "contract/members.rs"]
mod members;

#[path = "contract/coverage.rs"]
mod coverage;

#[path = "contract/atomicity.rs"]
mod atomicity;

#[path = "contract/accounts.rs"]
mod accounts;

#[path = "contract/audit.rs"]
mod audit;

#[path = "contract/catalogs.rs"]
mod catalogs;

#[path = "contract/contracts.rs"]
mod contracts;

#[path = "contract/assessments.rs"]
mod assessments;

#[path = "contract/notifications.rs"]
mod notifications;

#[path = "contract/inventory.rs"]
mod inventory;

#[path = "contract/assets.rs"]
mod assets;

#[path = "contract/feeds.rs"]
mod feeds;

fn actor() -> Actor {
    Actor {
        user_id: Some("tester".into()),
        label: "tester@example.jp".into(),
        request_id: Some("req-1".into()),
        client_addr: Some("127.0.0.1".into()),
    }
}

fn inst(code: &str) -> NewInstitution {
    NewInstitution {
        code: code.into(),
        name: format!("病院 {code}"),
        kind: InstitutionKind::Hospital,
        prefecture: code[..2].into(),
        beds: 100,
        mfa_required: false,
    }
}

/// A new institution with `code`, created by the tester.
async fn new_inst(s: &dyn Store, code: &str) -> mamori_domain::Institution {
    s.create_institution(&actor(), inst(code)).await.unwrap()
}

/// A draft sheet of FY2024 for `institution_id`.
fn assessment(institution_id: &str) -> mamori_store::Assessment {
    mamori_store::Assessment::draft(institution_id, 2024, "mhlw/cyber-checklist-institution@R6")
}

/// A maintenance contract of `vendor_id` with `institution_id`, on the role-sharing list.
fn maintenance_contract(institution_id: &str, vendor_id: &str) -> mamori_store::NewContract {
    mamori_store::NewContract {
        institution_id: institution_id.into(),
        vendor_id: vendor_id.into(),
        title: "保守契約".into(),
        kind: mamori_domain::codes::ContractKind::Maintenance,
        starts_on: None,
        ends_on: None,
        catalog_id: "mhlw/role-sharing@2024-06".into(),
        system_ids: vec![],
    }
}

fn user(email: &str) -> NewUser {
    NewUser {
        email: email.into(),
        display_name: format!("利用者 {email}"),
        password_hash: "$argon2id$placeholder".into(),
        platform_admin: false,
        locale: "ja".into(),
    }
}

async fn events(store: &dyn Store, institution_id: &str) -> Vec<String> {
    store
        .audit_events(&AuditFilter {
            institution_id: institution_id.into(),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[path = "contract/network.rs"]
mod network;
