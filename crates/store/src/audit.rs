//! The audit log: events, chain heads and signed checkpoints.

use crate::{Actor, Result};
use async_trait::async_trait;
use mamori_domain::audit::AuditRecord;

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

/// Filter for an institution's audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub institution_id: String,
    /// Prefix of the action, e.g. `auth.` or `member.`.
    pub action_prefix: Option<String>,
    /// Any of these prefixes (a feature's actions, `domain::audit::Feature`); none: all.
    pub any_prefix: Vec<String>,
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
pub trait AuditStore: Send + Sync {
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
