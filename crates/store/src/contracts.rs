//! Systems, contracts and what is kept with a contract (documents, subcontractors); tenant data.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::codes::{ContractKind, DocumentKind, Hosting, SystemCategory};
use mamori_domain::role_sharing::Party;
use serde::Serialize;

/// An information system of an institution (電子カルテ, レセコン, PACS …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct System {
    pub id: String,
    pub institution_id: String,
    pub name: String,
    pub category: SystemCategory,
    pub hosting: Hosting,
    pub holds_medical_info: bool,
    pub note: String,
    pub version: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewSystem {
    pub institution_id: String,
    pub name: String,
    pub category: SystemCategory,
    pub hosting: Hosting,
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
    pub kind: ContractKind,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// The role-sharing catalog version of its checklist.
    pub catalog_id: String,
    pub version: i64,
    pub created_at: i64,
    #[sqlx(skip)]
    pub system_ids: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct NewContract {
    pub institution_id: String,
    pub vendor_id: String,
    pub title: String,
    pub kind: ContractKind,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub catalog_id: String,
    pub system_ids: Vec<String>,
}

/// A document kept with a contract; its content is in `blobs` under `sha256`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ContractDocument {
    pub id: String,
    pub institution_id: String,
    pub contract_id: String,
    pub kind: DocumentKind,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub uploaded_by: Option<String>,
    pub uploaded_party: Party,
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

#[async_trait]
pub trait ContractStore: Send + Sync {
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
}
