//! The `Store` contract: every read and write mamori makes, with one implementation for
//! SQLite (a clinic PC) and one for PostgreSQL (a hospital group or a medical association).
//!
//! Both implementations compile the same SQL (`shared.rs`, included into each backend
//! module with its own `Db` type); each backend has its own migrations. Every mutation
//! takes an [`Actor`] and appends its audit event in the same transaction as the change.

use async_trait::async_trait;
use mamori_domain::audit::AuditRecord;
use mamori_domain::{Institution, InstitutionKind, Principal, Role, User, Vendor};
use serde::Serialize;

pub mod postgres;
pub mod sqlite;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} was not found")]
    NotFound(&'static str),
    /// An update named a version that is no longer current: someone else saved first.
    #[error("{0} was changed by someone else in the meantime")]
    Conflict(&'static str),
    #[error("{0} already exists")]
    Duplicate(&'static str),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Who performs a mutation, and from where: recorded in the audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<String>,
    pub label: String,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
}

impl Actor {
    /// The product itself (demo loader, migrations, command line without a user).
    pub fn system(label: &str) -> Self {
        Actor {
            user_id: None,
            label: label.to_string(),
            request_id: None,
            client_addr: None,
        }
    }
}

/// An audit event before it is sealed into its chain.
#[derive(Debug, Clone)]
pub struct AuditDraft {
    pub institution_id: Option<String>,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub changes: serde_json::Value,
}

impl AuditDraft {
    pub fn new(
        institution_id: Option<&str>,
        action: &str,
        target_kind: &str,
        target_id: &str,
        changes: serde_json::Value,
    ) -> Self {
        AuditDraft {
            institution_id: institution_id.map(str::to_string),
            action: action.to_string(),
            target_kind: target_kind.to_string(),
            target_id: target_id.to_string(),
            changes,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewInstitution {
    pub code: String,
    pub name: String,
    pub kind: InstitutionKind,
    pub prefecture: String,
    pub beds: i64,
    pub mfa_required: bool,
}

/// The editable settings of an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstitutionSettings {
    pub name: String,
    pub beds: i64,
    pub mfa_required: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub platform_admin: bool,
    pub locale: String,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub user: User,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub user: User,
    pub roles: Vec<(Role, Option<i64>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value: the database never holds a usable session id.
    pub id_hash: String,
    pub user_id: String,
    pub csrf_token: String,
    pub mfa_verified: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub client_addr: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// The first characters of the token, to recognise it in a list.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A catalog as the search index keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRecord {
    pub id: String,
    pub document: String,
    pub version: String,
    pub kind: String,
    pub title: String,
    pub complete: bool,
    /// Hash of the catalog's file: an unchanged catalog is not loaded again.
    pub content_hash: String,
    /// `embedded` or `imported`.
    pub origin: String,
    pub items: Vec<CatalogItemRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogItemRecord {
    pub catalog_id: String,
    /// Item id, or section id for `kind = "section"`.
    pub item_id: String,
    /// `item` or `section`.
    pub kind: String,
    pub number: String,
    pub section_title: String,
    pub text: String,
    /// References and notes: searched, ranked below the text.
    pub extra: String,
    pub provenance: String,
}

/// Filter for an institution's audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub institution_id: String,
    /// Prefix of the action, e.g. `auth.` or `member.`.
    pub action_prefix: Option<String>,
    /// Substring of the actor's label (e-mail).
    pub actor: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

/// The recorded end of one audit chain.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChainHead {
    pub chain: String,
    pub seq: i64,
    pub hash: String,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// True when the database holds no institution and no user (first start).
    async fn is_empty(&self) -> Result<bool>;

    // Institutions (tenants)
    async fn create_institution(&self, actor: &Actor, new: NewInstitution) -> Result<Institution>;
    async fn institution(&self, id: &str) -> Result<Option<Institution>>;
    async fn institution_by_code(&self, code: &str) -> Result<Option<Institution>>;
    async fn institutions_by_ids(&self, ids: &[String]) -> Result<Vec<Institution>>;
    async fn list_institutions(&self, offset: i64, limit: i64) -> Result<(Vec<Institution>, i64)>;
    async fn update_institution(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        settings: InstitutionSettings,
    ) -> Result<Institution>;

    // Vendors (global organisations)
    async fn create_vendor(&self, actor: &Actor, name: &str) -> Result<Vendor>;
    async fn list_vendors(&self) -> Result<Vec<Vendor>>;
    async fn add_vendor_member(&self, actor: &Actor, vendor_id: &str, user_id: &str) -> Result<()>;

    // Users
    async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User>;
    async fn user(&self, id: &str) -> Result<Option<User>>;
    async fn user_auth(&self, id: &str) -> Result<Option<UserAuth>>;
    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>>;
    async fn update_profile(
        &self,
        actor: &Actor,
        user_id: &str,
        expected_version: i64,
        display_name: &str,
        locale: &str,
    ) -> Result<User>;
    /// Set a new password hash and end the user's other sessions (all but `keep_session`).
    async fn set_password(
        &self,
        actor: &Actor,
        user_id: &str,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()>;

    // Second factor
    /// Enrol TOTP; refused with `Conflict` when a secret is already set.
    async fn enable_totp(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()>;
    async fn disable_totp(&self, actor: &Actor, user_id: &str) -> Result<()>;
    /// Record a used TOTP time step; false when that step (or a later one) was already used.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> Result<bool>;
    /// Spend a recovery code; false when unknown or already used.
    async fn use_recovery_code(
        &self,
        actor: &Actor,
        user_id: &str,
        code_hash: &str,
    ) -> Result<bool>;
    async fn unused_recovery_codes(&self, user_id: &str) -> Result<i64>;

    // Roles
    async fn grant_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
        expires_at: Option<i64>,
    ) -> Result<()>;
    async fn revoke_role(
        &self,
        actor: &Actor,
        institution_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<()>;
    async fn members(&self, institution_id: &str) -> Result<Vec<Member>>;
    async fn principal(&self, user_id: &str) -> Result<Principal>;

    // Sessions (sign-in and sign-out are audited here)
    async fn create_session(&self, actor: &Actor, session: &SessionRecord) -> Result<()>;
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>>;
    async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()>;
    /// Mark a session as having passed the second factor, rotating its id and CSRF token
    /// (a session id known before the second factor is worthless after it).
    async fn verify_session_mfa(
        &self,
        actor: &Actor,
        old_id_hash: &str,
        new_id_hash: &str,
        new_csrf_token: &str,
    ) -> Result<()>;
    async fn delete_session(&self, actor: &Actor, id_hash: &str) -> Result<()>;
    async fn delete_user_sessions(&self, actor: &Actor, user_id: &str) -> Result<u64>;
    async fn purge_expired_sessions(&self, now: i64) -> Result<u64>;

    // Personal API tokens
    async fn create_token(&self, actor: &Actor, token: &ApiToken, token_hash: &str) -> Result<()>;
    async fn tokens(&self, user_id: &str) -> Result<Vec<ApiToken>>;
    async fn revoke_token(&self, actor: &Actor, user_id: &str, token_id: &str) -> Result<()>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<ApiToken>>;
    async fn touch_token(&self, token_id: &str, now: i64) -> Result<()>;

    // Catalogs (global)
    /// Store a catalog for search unless the same content is already there. Returns true
    /// when it was (re)loaded; a load is audited on the global chain.
    async fn load_catalog(&self, actor: &Actor, catalog: &CatalogRecord) -> Result<bool>;
    /// Items whose number, section title or text contain every one of `words`
    /// (case-insensitive), at most `limit`, unranked.
    async fn search_catalog_items(
        &self,
        words: &[String],
        limit: i64,
    ) -> Result<Vec<CatalogItemRecord>>;

    // Audit
    /// Append an event that accompanies no other change (a failed sign-in, an export).
    async fn record(&self, actor: &Actor, draft: AuditDraft) -> Result<AuditRecord>;
    /// An institution's events, newest first: its own chain plus the global events of
    /// actors who hold a role in it (their sign-ins, MFA changes, tokens).
    async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>>;
    async fn audit_heads(&self) -> Result<Vec<ChainHead>>;
    /// Every chain that has events, whether or not its head is recorded.
    async fn audit_chain_names(&self) -> Result<Vec<String>>;
    /// Events of one chain with `seq > after_seq`, in storage order, at most `limit`.
    async fn audit_chain(
        &self,
        chain: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>>;
}

/// Open the store named by a URL: `postgres://…` / `postgresql://…`, or `sqlite://PATH`.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?))
    } else {
        let path = url.strip_prefix("sqlite://").unwrap_or(url);
        Ok(std::sync::Arc::new(
            SqliteStore::open(std::path::Path::new(path)).await?,
        ))
    }
}

/// Current time in unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Map a unique-constraint violation to [`StoreError::Duplicate`].
pub(crate) fn dup(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}

/// Verify every audit chain, paging through its events: the number of chains and events
/// verified, or the first break.
pub async fn verify_audit(
    store: &dyn Store,
) -> Result<std::result::Result<(usize, usize), mamori_domain::audit::ChainBreak>> {
    use mamori_domain::audit::{verify_chain, ChainBreak};
    let heads = store.audit_heads().await?;
    let names = store.audit_chain_names().await?;
    let mut total = 0;
    for chain in &names {
        let Some(head) = heads.iter().find(|h| &h.chain == chain) else {
            return Ok(Err(ChainBreak::MissingHead {
                chain: chain.clone(),
            }));
        };
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let page = store.audit_chain(chain, after, 10_000).await?;
            match page.last() {
                Some(last) => after = last.seq,
                None => break,
            }
            events.extend(page);
        }
        match verify_chain(chain, &events, Some((head.seq, head.hash.as_str()))) {
            Ok(n) => total += n,
            Err(b) => return Ok(Err(b)),
        }
    }
    Ok(Ok((names.len(), total)))
}
