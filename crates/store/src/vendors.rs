//! Vendors (global organisations): contacts, certifications, invitations, standard answers.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::codes::CertKind;
use mamori_domain::{User, Vendor};
use serde::Serialize;

/// A vendor's certification (JIS Q 27001, JIS Q 15001 or another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Certification {
    pub id: String,
    pub vendor_id: String,
    pub kind: CertKind,
    pub name: String,
    pub expires_on: Option<String>,
    pub created_at: i64,
    /// The certificate as a file, when one is attached: its name, SHA-256 (in blobs),
    /// media type and size.
    #[sqlx(default)]
    pub file_name: Option<String>,
    #[sqlx(default)]
    pub sha256: Option<String>,
    #[sqlx(default)]
    pub media_type: Option<String>,
    #[sqlx(default)]
    pub file_size: Option<i64>,
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

impl Invite {
    /// Where the invitation stands at `now` (the one rule of every grant; using it ends it).
    pub fn standing(&self, now: i64) -> mamori_domain::grants::GrantStanding {
        mamori_domain::grants::standing(Some(self.expires_at), self.used_at, now)
    }
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

/// A vendor's standard answer to one slot of an item of the 事業者確認用 sheet, for one
/// product: the first check, the target date of a いいえ, the note. Dates of the check are
/// each sheet's own (given when applied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SheetStandardAnswer {
    pub vendor_id: String,
    pub product: String,
    pub catalog_id: String,
    pub item_id: String,
    pub slot: mamori_domain::assessment::Slot,
    pub check1: mamori_domain::assessment::YesNo,
    pub target_on: Option<String>,
    pub note: String,
    pub updated_at: i64,
}

#[async_trait]
pub trait VendorStore: Send + Sync {
    async fn create_vendor(&self, actor: &Actor, name: &str) -> Result<Vendor>;
    async fn list_vendors(&self) -> Result<Vec<Vendor>>;
    /// The vendor's contacts: its confirmed member users (not disabled), by name; with
    /// `named_by`, only those that institution named by an invitation (an institution learns
    /// who works for a vendor from nobody but itself).
    async fn vendor_contacts(&self, vendor_id: &str, named_by: Option<&str>) -> Result<Vec<User>>;
    async fn add_certification(&self, actor: &Actor, c: &Certification) -> Result<Certification>;
    async fn delete_certification(&self, actor: &Actor, vendor_id: &str, id: &str) -> Result<()>;
    async fn certifications(&self, vendor_ids: &[String]) -> Result<Vec<Certification>>;
    /// Attach (or replace) the certificate file of a certification of `vendor_id`: the
    /// content kept once by hash, the record updated and audited together. `NotFound`
    /// when the certification is not that vendor's.
    async fn attach_certification_file(
        &self,
        actor: &Actor,
        vendor_id: &str,
        id: &str,
        file_name: &str,
        media_type: &str,
        content: &[u8],
    ) -> Result<Certification>;
    /// A certification and its file's content (none without a file).
    async fn certification_file(&self, id: &str) -> Result<Option<(Certification, Vec<u8>)>>;
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
    /// Save (or replace) a standard answer of the vendor sheet; audited.
    async fn save_sheet_standard_answer(
        &self,
        actor: &Actor,
        a: &SheetStandardAnswer,
    ) -> Result<()>;
    /// Remove one; audited. `NotFound` when there is none.
    async fn delete_sheet_standard_answer(
        &self,
        actor: &Actor,
        key: &SheetStandardAnswer,
    ) -> Result<()>;
    /// The vendor's standard answers of the vendor sheet, by product, catalog, item, slot.
    async fn sheet_standard_answers(&self, vendor_id: &str) -> Result<Vec<SheetStandardAnswer>>;
}
