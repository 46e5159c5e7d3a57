//! SQL of the audit area (AuditStore), compiled for both backends as a child of
//! `sql` (see `sql/mod.rs`).

use super::{anchor, finish, like_escape, This};
use crate::{Actor, AuditDraft, AuditFilter, AuditStore, ChainHead, Result, StoredCheckpoint};
use async_trait::async_trait;
use mamori_domain::audit::{AuditRecord, GLOBAL_CHAIN};
use sqlx::FromRow;

#[derive(FromRow)]
struct AuditRow {
    id: String,
    chain: String,
    seq: i64,
    institution_id: Option<String>,
    occurred_at: i64,
    actor_user_id: Option<String>,
    actor_label: String,
    action: String,
    target_kind: String,
    target_id: String,
    changes: String,
    request_id: Option<String>,
    client_addr: Option<String>,
    prev_hash: String,
    hash: String,
}

const AUDIT_COLS: &str = "id, chain, seq, institution_id, occurred_at, actor_user_id, \
     actor_label, action, target_kind, target_id, changes, request_id, client_addr, prev_hash, hash";

impl From<AuditRow> for AuditRecord {
    fn from(r: AuditRow) -> Self {
        AuditRecord {
            id: r.id,
            chain: r.chain,
            seq: r.seq,
            institution_id: r.institution_id,
            occurred_at: r.occurred_at,
            actor_user_id: r.actor_user_id,
            actor_label: r.actor_label,
            action: r.action,
            target_kind: r.target_kind,
            target_id: r.target_id,
            changes: r.changes,
            request_id: r.request_id,
            client_addr: r.client_addr,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[async_trait]
impl AuditStore for This {
    async fn record(&self, actor: &Actor, draft: AuditDraft) -> Result<AuditRecord> {
        finish(self.begin().await?, actor, draft).await
    }

    async fn audit_events(&self, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
        // Two index-driven halves, each limited to the page's end, merged and cut: the
        // institution's own chain, and the global events about the people who hold a role in
        // it (their sign-ins, MFA, password, tokens) — not what they did elsewhere.
        // The second half starts from the members (CROSS JOIN fixes that order in SQLite);
        // walking the global chain by time instead would read every account's events.
        // A feature is any of several prefixes: $9, $10 … (none: no condition).
        let any = if f.any_prefix.is_empty() {
            "TRUE".to_string()
        } else {
            (0..f.any_prefix.len())
                .map(|i| format!("action LIKE ${} ESCAPE '\\'", 9 + i))
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        let filters = format!(
            "($2 IS NULL OR action LIKE $2 ESCAPE '\\') \
             AND ($3 IS NULL OR LOWER(actor_label) LIKE $3 ESCAPE '\\') \
             AND ($4 IS NULL OR occurred_at >= $4) \
             AND ($5 IS NULL OR occurred_at < $5) AND ({any})"
        );
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM ( \
               SELECT * FROM (SELECT {AUDIT_COLS} FROM audit_events WHERE chain = $1 AND {filters} \
                 ORDER BY occurred_at DESC, seq DESC LIMIT $8) own \
               UNION ALL \
               SELECT * FROM (SELECT {AUDIT_COLS} FROM \
                 (SELECT DISTINCT user_id FROM institution_roles WHERE institution_id = $1) m \
                 CROSS JOIN audit_events WHERE target_id = m.user_id AND chain = '{GLOBAL_CHAIN}' \
                 AND {filters} ORDER BY occurred_at DESC, seq DESC LIMIT $8) members \
             ) merged ORDER BY occurred_at DESC, seq DESC LIMIT $6 OFFSET $7"
        );
        let action = f.action_prefix.as_deref().map(|p| {
            let mut s = like_escape(p);
            s.remove(0);
            s
        });
        let actor = f.actor.as_deref().map(|a| like_escape(&a.to_lowercase()));
        let mut q = sqlx::query_as::<_, AuditRow>(&sql)
            .bind(&f.institution_id)
            .bind(action)
            .bind(actor)
            .bind(f.from)
            .bind(f.to)
            .bind(f.limit)
            .bind(f.offset)
            .bind(f.limit + f.offset);
        for p in &f.any_prefix {
            let mut s = like_escape(p);
            s.remove(0);
            q = q.bind(s);
        }
        Ok(q.fetch_all(self.r())
            .await?
            .into_iter()
            .map(AuditRecord::from)
            .collect())
    }

    async fn audit_heads(&self) -> Result<Vec<ChainHead>> {
        Ok(sqlx::query_as::<_, ChainHead>(
            "SELECT chain, seq, hash FROM audit_heads ORDER BY chain",
        )
        .fetch_all(self.r())
        .await?)
    }

    async fn audit_chain_names(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT chain FROM audit_events UNION SELECT chain FROM audit_heads ORDER BY 1",
        )
        .fetch_all(self.r())
        .await?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }

    async fn audit_chain(
        &self,
        chain: &str,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "SELECT {AUDIT_COLS} FROM audit_events WHERE chain = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        );
        Ok(sqlx::query_as::<_, AuditRow>(&sql)
            .bind(chain)
            .bind(after_seq)
            .bind(limit)
            .fetch_all(self.r())
            .await?
            .into_iter()
            .map(AuditRecord::from)
            .collect())
    }

    async fn record_checkpoint(
        &self,
        actor: &Actor,
        checkpoint: &StoredCheckpoint,
        chains: usize,
    ) -> Result<AuditRecord> {
        anchor::record_checkpoint(self.begin().await?, actor, checkpoint, chains).await
    }

    async fn audit_checkpoints(&self, offset: i64, limit: i64) -> Result<Vec<StoredCheckpoint>> {
        anchor::checkpoints(self.r(), offset, limit).await
    }

    async fn latest_checkpoint_at(&self) -> Result<Option<i64>> {
        anchor::latest_checkpoint_at(self.r()).await
    }
}
