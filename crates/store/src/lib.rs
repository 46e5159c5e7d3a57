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
pub mod vendor_members;
mod verify;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use vendor_members::{MembershipChange, ThrottleStore, VendorMember, VendorMemberStore};
pub use verify::{
    checkpoint_entries, take_checkpoint, verify_audit, verify_audit_report, AuditReport,
    CheckpointSource, UsedCheckpoint,
};

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
    /// A rule of vendor membership refused the change (checked inside the transaction).
    #[error("membership change refused: {0}")]
    Membership(mamori_domain::vendor_members::MembershipRefusal),
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

/// An information system of an institution (電子カルテ, レセコン, PACS …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct System {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    /// `ehr`, `receipt`, `pacs`, `departmental`, `other`
    pub category: String,
    /// `on_premise`, `cloud`, `hybrid`
    pub hosting: String,
    pub holds_medical_info: bool,
    pub note: String,
    pub version: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct NewSystem {
    pub institution_id: String,
    pub name: String,
    pub category: String,
    pub hosting: String,
    pub holds_medical_info: bool,
    pub note: String,
}

/// A contract between an institution and a vendor, with the systems it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Contract {
    pub id: String,
    pub institution_id: String,
    pub institution_code: String,
    pub institution_name: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub title: String,
    /// `introduction` (導入), `maintenance` (保守), `cloud`, `external_storage`, `other`
    pub kind: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// The role-sharing catalog version of its checklist.
    pub catalog_id: String,
    pub version: i64,
    pub created_at: i64,
    #[sqlx(skip)]
    pub system_ids: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct NewContract {
    pub institution_id: String,
    pub vendor_id: String,
    pub title: String,
    pub kind: String,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub catalog_id: String,
    pub system_ids: Vec<String>,
}

/// One answered item of a contract's role-sharing checklist (the values the domain's
/// `ItemAnswer` and `Standing` hold, as stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RoleSharingItem {
    pub institution_id: String,
    pub contract_id: String,
    pub item_id: String,
    pub responsibility: Option<String>,
    pub other_vendor_id: Option<String>,
    pub na_reason: String,
    pub agreed_content: String,
    pub written_in: String,
    pub first_check: Option<String>,
    pub first_checked_on: Option<String>,
    pub completed_on: Option<String>,
    pub remarks: String,
    pub state: String,
    pub proposed_by: Option<String>,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// A step to store: the item as it becomes, the version it was read at (0: never
/// answered), and what happened (for the history).
#[derive(Debug, Clone)]
pub struct RoleSharingStep {
    pub item: RoleSharingItem,
    pub expected_version: i64,
    /// `institution` or `vendor`
    pub party: String,
    /// `propose`, `accept`, `reopen`
    pub step: String,
    pub note: String,
}

/// One entry of an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RoleSharingEvent {
    pub id: String,
    pub contract_id: String,
    pub item_id: String,
    pub at: i64,
    pub user_id: Option<String>,
    pub actor_label: String,
    pub party: String,
    pub step: String,
    pub state: String,
    /// The item's values after the step (JSON).
    pub answer: String,
    pub note: String,
}

/// A vendor's certification (JIS Q 27001, JIS Q 15001 or another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Certification {
    pub id: String,
    pub vendor_id: String,
    /// `jisq27001`, `jisq15001`, `other`
    pub kind: String,
    pub name: String,
    pub expires_on: Option<String>,
    pub created_at: i64,
}

/// A document kept with a contract; its content is in `blobs` under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ContractDocument {
    pub id: String,
    pub institution_id: String,
    pub contract_id: String,
    /// `contract`, `sla`, `mds_sds`, `conformance`, `other`
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub uploaded_by: Option<String>,
    pub uploaded_party: String,
    pub uploaded_at: i64,
}

/// A subcontractor (再委託先) of a contract, approved by the institution or not yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Subcontractor {
    pub id: String,
    pub institution_id: String,
    pub contract_id: String,
    pub name: String,
    pub scope: String,
    pub declared_by: Option<String>,
    pub declared_at: i64,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
}

/// An invitation of a vendor contact (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Invite {
    pub id: String,
    pub institution_id: String,
    pub vendor_id: String,
    pub email: String,
    pub display_name: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub user_id: Option<String>,
}

/// A vendor's standard answer to one Part 2 item for one product.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StandardAnswer {
    pub vendor_id: String,
    pub product: String,
    pub catalog_id: String,
    pub item_id: String,
    pub responsibility: String,
    pub agreed_content: String,
    pub written_in: String,
    pub remarks: String,
    pub updated_at: i64,
}

/// The cybersecurity checklist of one institution for one fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: String,
    pub institution_id: String,
    pub fiscal_year: i64,
    pub catalog_id: String,
    /// `draft` or `approved`
    pub status: String,
    pub revision: i64,
    pub previous_id: Option<String>,
    pub approved_at: Option<i64>,
    pub approved_by: Option<String>,
    pub reopen_reason: String,
    pub version: i64,
    pub created_at: i64,
}

/// One answer of an assessment (an item as a whole, or one device class of it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssessmentAnswer {
    pub institution_id: String,
    pub assessment_id: String,
    pub item_id: String,
    /// `all`, `server`, `terminal`, `network`
    pub slot: String,
    pub check1: Option<String>,
    pub check1_on: Option<String>,
    pub check2: Option<String>,
    pub check2_on: Option<String>,
    pub target_on: Option<String>,
    pub note: String,
    /// Shown from the previous assessment, not yet re-confirmed.
    pub carried: bool,
    pub version: i64,
    pub updated_at: i64,
    pub updated_by: Option<String>,
    pub updated_label: String,
}

/// An approved revision of an assessment, as it was approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssessmentRevision {
    pub id: String,
    pub assessment_id: String,
    pub revision: i64,
    pub approved_at: i64,
    pub approved_by: Option<String>,
    pub approved_label: String,
    pub reason: String,
    /// The answers as approved (JSON array).
    pub snapshot: String,
}

/// A vendor sheet (事業者確認用) requested for an assessment from a contract's vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct VendorSheet {
    pub id: String,
    pub institution_id: String,
    pub institution_code: String,
    pub institution_name: String,
    pub assessment_id: String,
    pub fiscal_year: i64,
    pub contract_id: String,
    pub contract_title: String,
    pub vendor_id: String,
    pub vendor_name: String,
    pub catalog_id: String,
    /// `requested` or `submitted`
    pub status: String,
    pub requested_at: i64,
    pub submitted_at: Option<i64>,
    /// Why the institution sent the sheet back (empty unless returned and not resubmitted).
    pub returned_reason: String,
    pub version: i64,
}

/// A read-only link to one assessment for an inspector (the token itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InspectorLink {
    pub id: String,
    pub institution_id: String,
    pub assessment_id: String,
    pub label: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub created_by: Option<String>,
    pub created_at: i64,
}

/// Evidence behind an answer: a file or a link to a mamori record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Evidence {
    pub id: String,
    pub institution_id: String,
    pub assessment_id: String,
    pub item_id: String,
    /// `file`, `contract`, `role_sharing_item`, `officer`
    pub kind: String,
    pub ref_id: Option<String>,
    pub label: String,
    pub sha256: Option<String>,
    pub media_type: Option<String>,
    /// YYYY-MM-DD
    pub effective_on: String,
    pub created_by: Option<String>,
    pub created_label: String,
    pub created_at: i64,
}

/// A new version of a document read from an uploaded Excel or CSV file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogImport {
    pub id: String,
    /// The catalog it becomes, `publisher/document@version`.
    pub catalog_id: String,
    /// The version it was compared with (and took its metadata from).
    pub based_on: String,
    pub file_name: String,
    pub file_sha256: String,
    /// Where the sheet's columns were found, as shown in the preview.
    pub mapping: String,
    /// The generated catalog file (TOML); empty in lists.
    pub body: String,
    /// `pending`, `confirmed` or `discarded`.
    pub status: String,
    /// The user who uploaded it; none from the command line.
    pub created_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
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

/// A signed checkpoint as kept in the database: its text, exactly as written to its file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCheckpoint {
    pub id: String,
    pub created_at: i64,
    /// SHA-256 (hex) of `body`, also carried by its `audit.checkpoint` event.
    pub digest: String,
    pub body: String,
}

#[async_trait]
pub trait Store: VendorMemberStore + ThrottleStore + Send + Sync + 'static {
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
    /// The vendor's contacts: its confirmed member users (not disabled), by name; with
    /// `named_by`, only those that institution named by an invitation (an institution learns
    /// who works for a vendor from nobody but itself).
    async fn vendor_contacts(&self, vendor_id: &str, named_by: Option<&str>) -> Result<Vec<User>>;

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
    /// Stage an import (status `pending`); audited `catalog.import.stage`.
    async fn stage_catalog_import(&self, actor: &Actor, import: &CatalogImport) -> Result<()>;
    async fn catalog_import(&self, id: &str) -> Result<Option<CatalogImport>>;
    /// The most recent imports, newest first (any status), without their bodies.
    async fn catalog_imports(&self, limit: i64) -> Result<Vec<CatalogImport>>;
    /// Confirm (`true`) or discard a pending import. Refused with `Conflict` when it is no
    /// longer pending, and with `Duplicate` when that version was already confirmed.
    async fn decide_catalog_import(&self, actor: &Actor, id: &str, confirm: bool) -> Result<()>;
    /// Every confirmed import, oldest first, with its body: loaded at every start.
    async fn confirmed_catalog_imports(&self) -> Result<Vec<CatalogImport>>;

    // Systems and contracts (tenant data)
    async fn create_system(&self, actor: &Actor, system: &NewSystem) -> Result<System>;
    async fn systems(&self, institution_id: &str) -> Result<Vec<System>>;
    /// Record that two systems of the institution connect.
    async fn link_systems(
        &self,
        actor: &Actor,
        institution_id: &str,
        a: &str,
        b: &str,
    ) -> Result<()>;
    async fn system_links(&self, institution_id: &str) -> Result<Vec<(String, String)>>;
    /// A contract and the systems it covers (all of the same institution).
    async fn create_contract(&self, actor: &Actor, contract: &NewContract) -> Result<Contract>;
    async fn contracts(&self, institution_id: &str) -> Result<Vec<Contract>>;
    async fn contract(&self, id: &str) -> Result<Option<Contract>>;
    /// Every contract of these vendors, across all institutions.
    async fn vendor_contracts(&self, vendor_ids: &[String]) -> Result<Vec<Contract>>;

    // Role-sharing checklists (tenant data)
    async fn role_sharing_items(&self, contract_id: &str) -> Result<Vec<RoleSharingItem>>;
    async fn role_sharing_item(
        &self,
        contract_id: &str,
        item_id: &str,
    ) -> Result<Option<RoleSharingItem>>;
    /// Per contract of these vendors: (contract id, state, proposed by, number of items).
    async fn vendor_role_sharing_tallies(
        &self,
        vendor_ids: &[String],
    ) -> Result<Vec<(String, String, Option<String>, i64)>>;
    async fn institution_role_sharing_items(
        &self,
        institution_id: &str,
    ) -> Result<Vec<RoleSharingItem>>;
    /// Store one step on one item, refused with `Conflict` when the item's version is no
    /// longer `expected_version`; the history entry and the audit event are written in
    /// the same transaction.
    async fn save_role_sharing_item(
        &self,
        actor: &Actor,
        step: &RoleSharingStep,
    ) -> Result<RoleSharingItem>;
    /// The history of a contract's items (one item when `item_id` is given), oldest first.
    async fn role_sharing_history(
        &self,
        contract_id: &str,
        item_id: Option<&str>,
    ) -> Result<Vec<RoleSharingEvent>>;

    // Vendor records
    async fn add_certification(&self, actor: &Actor, c: &Certification) -> Result<Certification>;
    async fn delete_certification(&self, actor: &Actor, vendor_id: &str, id: &str) -> Result<()>;
    async fn certifications(&self, vendor_ids: &[String]) -> Result<Vec<Certification>>;
    /// Keep a document (its content stored once by hash) with a contract.
    async fn add_contract_document(
        &self,
        actor: &Actor,
        doc: &ContractDocument,
        content: &[u8],
    ) -> Result<ContractDocument>;
    async fn contract_documents(&self, contract_id: &str) -> Result<Vec<ContractDocument>>;
    /// The institution's documents (for the dashboard and the evidence index).
    async fn institution_documents(&self, institution_id: &str) -> Result<Vec<ContractDocument>>;
    /// A document and its content.
    async fn contract_document(&self, id: &str) -> Result<Option<(ContractDocument, Vec<u8>)>>;
    async fn declare_subcontractor(
        &self,
        actor: &Actor,
        s: &Subcontractor,
    ) -> Result<Subcontractor>;
    /// Approve a subcontractor; `Conflict` when it was already approved.
    async fn approve_subcontractor(
        &self,
        actor: &Actor,
        institution_id: &str,
        id: &str,
    ) -> Result<()>;
    async fn subcontractors(&self, institution_id: &str) -> Result<Vec<Subcontractor>>;
    async fn create_invite(&self, actor: &Actor, invite: &Invite, token_hash: &str) -> Result<()>;
    async fn invite_by_token(&self, token_hash: &str) -> Result<Option<Invite>>;
    async fn invites(&self, institution_id: &str) -> Result<Vec<Invite>>;
    /// Use an invitation: create the account, make it a member of the vendor, mark the
    /// invitation used, in one transaction. `Conflict` when it was used or has expired;
    /// `Duplicate` when the e-mail already has an account.
    async fn accept_invite(
        &self,
        actor: &Actor,
        token_hash: &str,
        password_hash: &str,
        now: i64,
    ) -> Result<User>;
    async fn save_standard_answer(&self, actor: &Actor, a: &StandardAnswer) -> Result<()>;
    async fn standard_answers(&self, vendor_id: &str) -> Result<Vec<StandardAnswer>>;

    // Assessments (tenant data)
    /// Start an assessment; `carried` answers (from the previous one) are stored with it in
    /// the same transaction. `Duplicate` when the fiscal year already has one.
    async fn create_assessment(
        &self,
        actor: &Actor,
        a: &Assessment,
        carried: &[AssessmentAnswer],
    ) -> Result<Assessment>;
    async fn assessments(&self, institution_id: &str) -> Result<Vec<Assessment>>;
    async fn assessment(&self, id: &str) -> Result<Option<Assessment>>;
    async fn assessment_answers(&self, assessment_id: &str) -> Result<Vec<AssessmentAnswer>>;
    /// Save one answer at `expected_version` (0: new). `Conflict` when stale, or when the
    /// assessment is no longer a draft.
    async fn save_assessment_answer(
        &self,
        actor: &Actor,
        answer: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer>;
    /// Approve a draft at `expected_version`: it is locked and its answers kept as a revision.
    async fn approve_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
    ) -> Result<Assessment>;
    /// Reopen an approved assessment (a change after approval) with the reason: a new
    /// revision, in draft.
    async fn reopen_assessment(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
    ) -> Result<Assessment>;
    async fn assessment_revisions(&self, assessment_id: &str) -> Result<Vec<AssessmentRevision>>;

    // Vendor sheets (tenant data)
    /// Request the vendor sheet from each of `contracts` (contract id, vendor id) that has
    /// none for the assessment yet; returns how many were requested.
    async fn request_vendor_sheets(
        &self,
        actor: &Actor,
        assessment: &Assessment,
        contracts: &[(String, String)],
        catalog_id: &str,
    ) -> Result<usize>;
    async fn vendor_sheets(&self, assessment_id: &str) -> Result<Vec<VendorSheet>>;
    async fn vendor_sheet(&self, id: &str) -> Result<Option<VendorSheet>>;
    /// Every sheet requested from these vendors, across institutions.
    async fn vendor_sheets_of(&self, vendor_ids: &[String]) -> Result<Vec<VendorSheet>>;
    /// A vendor sheet's answers (`assessment_id` holds the sheet id).
    async fn vendor_sheet_answers(&self, sheet_id: &str) -> Result<Vec<AssessmentAnswer>>;
    /// The answers of every vendor sheet of an assessment in one read (`assessment_id`
    /// holds each answer's sheet id), for the progress of all sheets on one page.
    async fn vendor_sheet_answers_of_assessment(
        &self,
        assessment_id: &str,
    ) -> Result<Vec<AssessmentAnswer>>;
    /// Save one answer of a sheet not yet submitted, at `expected_version` (0: new).
    async fn save_vendor_sheet_answer(
        &self,
        actor: &Actor,
        answer: &AssessmentAnswer,
        expected_version: i64,
    ) -> Result<AssessmentAnswer>;
    /// Submit a sheet to the institution (then it is locked).
    async fn submit_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
    ) -> Result<()>;
    /// Send a submitted sheet back to its vendor with the reason (差し戻し): it can be
    /// answered and submitted again. `Conflict` when stale or not submitted.
    async fn return_vendor_sheet(
        &self,
        actor: &Actor,
        id: &str,
        expected_version: i64,
        reason: &str,
    ) -> Result<()>;

    // Inspector links (tenant data)
    async fn create_inspector_link(
        &self,
        actor: &Actor,
        link: &InspectorLink,
        token_hash: &str,
    ) -> Result<()>;
    async fn inspector_link_by_token(&self, token_hash: &str) -> Result<Option<InspectorLink>>;
    async fn inspector_links(&self, assessment_id: &str) -> Result<Vec<InspectorLink>>;
    /// Revoke a link of the assessment; `Conflict` when it was already revoked.
    async fn revoke_inspector_link(
        &self,
        actor: &Actor,
        assessment_id: &str,
        id: &str,
    ) -> Result<()>;

    /// Attach evidence to an item of an assessment (a file's content stored once by hash).
    async fn add_evidence(
        &self,
        actor: &Actor,
        e: &Evidence,
        content: Option<&[u8]>,
    ) -> Result<Evidence>;
    /// The evidence of an assessment, withdrawn evidence left out.
    async fn evidence(&self, assessment_id: &str) -> Result<Vec<Evidence>>;
    /// Withdraw evidence attached by mistake, with the reason, while the assessment is a
    /// draft. The row is kept (who, when, why) and the audit event names what it was.
    /// `NotFound` when unknown or already withdrawn; `Conflict` once the sheet is approved.
    async fn withdraw_evidence(
        &self,
        actor: &Actor,
        assessment_id: &str,
        evidence_id: &str,
        reason: &str,
    ) -> Result<()>;
    /// One piece of current (not withdrawn) evidence and, for a file, its content.
    async fn evidence_file(&self, id: &str) -> Result<Option<(Evidence, Option<Vec<u8>>)>>;

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
    /// Keep a signed checkpoint (covering `chains` chains) and record it in the global chain
    /// (`audit.checkpoint`, carrying its digest), in one transaction.
    async fn record_checkpoint(
        &self,
        actor: &Actor,
        checkpoint: &StoredCheckpoint,
        chains: usize,
    ) -> Result<AuditRecord>;
    /// Stored checkpoints, oldest first.
    async fn audit_checkpoints(&self, offset: i64, limit: i64) -> Result<Vec<StoredCheckpoint>>;
    /// When the latest stored checkpoint was taken (unix ms).
    async fn latest_checkpoint_at(&self) -> Result<Option<i64>>;
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

/// A new time-ordered id (UUIDv7).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Map a unique-constraint violation to [`StoreError::Duplicate`].
pub(crate) fn dup(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Duplicate(what),
        _ => StoreError::Db(e),
    }
}
