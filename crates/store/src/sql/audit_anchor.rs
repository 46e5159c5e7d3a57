//! The chain registry and stored checkpoints: SQL shared by both backends. Compiled as a
//! child of each backend's `shared` module (whose `append_to`, `finish` and `Tx` it uses).

use super::{append_to, finish, Db, Tx};
use crate::{Actor, AuditDraft, Result, StoredCheckpoint};
use mamori_domain::audit::{AuditRecord, GLOBAL_CHAIN};
use mamori_domain::audit_checkpoint::{CHAIN_OPEN_ACTION, CHECKPOINT_ACTION};
use serde_json::json;
use sqlx::Pool;

/// Register `chain` in the global chain: an `audit.chain.open` event naming it.
pub(super) async fn register_chain(
    tx: &mut Tx,
    actor: &Actor,
    chain: &str,
    changes: serde_json::Value,
) -> Result<AuditRecord> {
    let draft = AuditDraft::new(None, CHAIN_OPEN_ACTION, "audit_chain", chain, changes);
    Ok(append_to(tx, actor, GLOBAL_CHAIN.to_string(), draft)
        .await?
        .0)
}

/// Register the chains that existed before the registry (listed by migration 0013), once:
/// each is taken off the list in the transaction that appends its open event, so two
/// processes starting together register it once. Returns how many were registered.
pub(crate) async fn register_existing_chains(pool: &Pool<Db>) -> Result<usize> {
    let pending: Vec<(String,)> =
        sqlx::query_as("SELECT chain FROM audit_chain_backfill ORDER BY chain")
            .fetch_all(pool)
            .await?;
    let actor = Actor::system("mamori");
    let mut n = 0;
    for (chain,) in pending {
        let mut tx = pool.begin().await?;
        let taken = sqlx::query("DELETE FROM audit_chain_backfill WHERE chain = $1")
            .bind(&chain)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 1 {
            register_chain(
                &mut tx,
                &actor,
                &chain,
                json!({"existing": true, "registered_by": "0013_audit_anchor"}),
            )
            .await?;
            n += 1;
        }
        tx.commit().await?;
    }
    if n > 0 {
        tracing::info!(
            chains = n,
            "registered existing audit chains in the global chain"
        );
    }
    Ok(n)
}

/// Keep a checkpoint and append its `audit.checkpoint` event, in one transaction.
pub(super) async fn record_checkpoint(
    tx: Tx,
    actor: &Actor,
    cp: &StoredCheckpoint,
    chains: usize,
) -> Result<AuditRecord> {
    let mut tx = tx;
    sqlx::query(
        "INSERT INTO audit_checkpoints (id, created_at, digest, body) VALUES ($1,$2,$3,$4)",
    )
    .bind(&cp.id)
    .bind(cp.created_at)
    .bind(&cp.digest)
    .bind(&cp.body)
    .execute(&mut *tx)
    .await
    .map_err(crate::error::dup(crate::Entity::Checkpoint))?;
    finish(
        tx,
        actor,
        AuditDraft::new(
            None,
            CHECKPOINT_ACTION,
            "audit_checkpoint",
            &cp.id,
            json!({"digest": cp.digest, "chains": chains, "created_at": cp.created_at}),
        ),
    )
    .await
}

/// Stored checkpoints, oldest first, a page at a time.
pub(super) async fn checkpoints(
    pool: &Pool<Db>,
    offset: i64,
    limit: i64,
) -> Result<Vec<StoredCheckpoint>> {
    Ok(sqlx::query_as::<_, StoredCheckpoint>(
        "SELECT id, created_at, digest, body FROM audit_checkpoints \
         ORDER BY created_at, id LIMIT $1 OFFSET $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?)
}

/// When the latest stored checkpoint was taken.
pub(super) async fn latest_checkpoint_at(pool: &Pool<Db>) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT created_at FROM audit_checkpoints ORDER BY created_at DESC LIMIT 1")
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(t,)| t))
}
