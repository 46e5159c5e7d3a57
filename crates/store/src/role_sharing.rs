//! Role-sharing checklists of contracts (tenant data).

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::role_sharing::{Check, ItemState, Party, Responsibility, StepKind};
use serde::Serialize;

/// One answered item of a contract's role-sharing checklist (the values the domain's
/// `ItemAnswer` and `Standing` hold, as stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RoleSharingItem {
    pub institution_id: String,
    pub contract_id: String,
    pub item_id: String,
    pub responsibility: Option<Responsibility>,
    pub other_vendor_id: Option<String>,
    pub na_reason: String,
    pub agreed_content: String,
    pub written_in: String,
    pub first_check: Option<Check>,
    pub first_checked_on: Option<String>,
    pub completed_on: Option<String>,
    pub remarks: String,
    pub state: ItemState,
    pub proposed_by: Option<Party>,
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
    pub party: Party,
    pub step: StepKind,
    pub note: String,
    /// Who is told (the other party, when a proposal waits for it), written with the step.
    pub notices: Vec<mamori_domain::notifications::NoticeDraft>,
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
    pub party: Party,
    pub step: StepKind,
    pub state: ItemState,
    /// The item's values after the step (JSON).
    pub answer: String,
    pub note: String,
}

#[async_trait]
pub trait RoleSharingStore: Send + Sync {
    async fn role_sharing_items(&self, contract_id: &str) -> Result<Vec<RoleSharingItem>>;
    async fn role_sharing_item(
        &self,
        contract_id: &str,
        item_id: &str,
    ) -> Result<Option<RoleSharingItem>>;
    /// Per contract of these vendors: (contract id, state, proposed by, number of items).
    /// How many items of each of the institution's contracts stand in each state, by who
    /// proposed them: (contract id, state, proposed by, count). One grouped read.
    async fn institution_role_sharing_tallies(
        &self,
        institution_id: &str,
    ) -> Result<Vec<(String, String, Option<String>, i64)>>;
    async fn vendor_role_sharing_tallies(
        &self,
        vendor_ids: &[String],
    ) -> Result<Vec<(String, String, Option<String>, i64)>>;
    /// What the cross-vendor matrix judges of every answer of an institution: contract,
    /// item, who takes it, the vendor named, state, first check and 完了日 (the other fields
    /// empty). Read as one aggregated row, since a hospital's matrix reads thousands.
    async fn matrix_cells(&self, institution_id: &str) -> Result<Vec<RoleSharingItem>>;
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
}
