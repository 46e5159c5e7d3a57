//! The tamper-evident audit chain.
//!
//! Every mutation appends an [`AuditRecord`] to the chain of its institution (or to the
//! `global` chain for events that belong to no institution: accounts, vendors, sign-ins).
//! Each record's hash is `SHA-256(prev_hash ‖ "\n" ‖ canonical encoding)`, where the
//! canonical encoding is a JSON array of every field but the hash, in a fixed order. The
//! `changes` field is kept as the exact JSON text that was hashed, so the encoding never
//! depends on how a map orders its keys.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The chain of events that belong to no institution.
pub const GLOBAL_CHAIN: &str = "global";
/// `prev_hash` of the first event of every chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Version of the canonical encoding, itself part of what is hashed.
pub const ENCODING_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: String,
    pub chain: String,
    pub seq: i64,
    pub institution_id: Option<String>,
    /// Unix time in milliseconds.
    pub occurred_at: i64,
    pub actor_user_id: Option<String>,
    /// The actor as a person reads it (e-mail, or `system`).
    pub actor_label: String,
    /// Dotted verb, e.g. `member.grant_role`.
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    /// What changed, as JSON text.
    pub changes: String,
    pub request_id: Option<String>,
    pub client_addr: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// The canonical bytes that are hashed (every field but `hash`).
    pub fn canonical(&self) -> Vec<u8> {
        let v = serde_json::json!([
            ENCODING_VERSION,
            self.id,
            self.chain,
            self.seq,
            self.institution_id,
            self.occurred_at,
            self.actor_user_id,
            self.actor_label,
            self.action,
            self.target_kind,
            self.target_id,
            self.changes,
            self.request_id,
            self.client_addr,
            self.prev_hash,
        ]);
        // Serialising a JSON array of scalars cannot fail.
        serde_json::to_vec(&v).unwrap_or_default()
    }

    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev_hash.as_bytes());
        h.update(b"\n");
        h.update(self.canonical());
        hex::encode(h.finalize())
    }

    /// Set `prev_hash`, `seq` and `hash` to follow the given head of the chain.
    pub fn seal(&mut self, prev_seq: i64, prev_hash: &str) {
        self.seq = prev_seq + 1;
        self.prev_hash = prev_hash.to_string();
        self.hash = self.compute_hash();
    }
}

/// Why a chain failed verification, naming the first broken event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error(
        "chain {chain}: event {id} (seq {seq}) was altered: its hash does not match its content"
    )]
    Altered { chain: String, seq: i64, id: String },
    #[error("chain {chain}: event {id} (seq {seq}) does not follow seq {expected_prev}: an event before it was removed or events were reordered")]
    Gap {
        chain: String,
        seq: i64,
        id: String,
        expected_prev: i64,
    },
    #[error("chain {chain}: event {id} (seq {seq}) does not link to the event before it: events were removed or reordered")]
    Unlinked { chain: String, seq: i64, id: String },
    #[error("chain {chain}: the record of its last event (head) was removed")]
    MissingHead { chain: String },
    #[error("chain {chain}: the chain ends at seq {last_seq} but its head records seq {head_seq}: events at the end were removed")]
    Truncated {
        chain: String,
        last_seq: i64,
        head_seq: i64,
    },
    #[error("chain {chain}: the whole chain is missing (no events, no head) although {evidence}: it was deleted")]
    Missing { chain: String, evidence: String },
    #[error("chain {chain}: no audit.chain.open event of the global chain names it: its registration was removed, or the chain was written behind mamori's back")]
    Unregistered { chain: String },
    #[error("chain {chain}: the chain ends at seq {last_seq} but the checkpoint of {checkpoint} records seq {checkpoint_seq}: the events from seq {first} on were removed (rollback or truncation)", first = .last_seq + 1)]
    RolledBack {
        chain: String,
        last_seq: i64,
        checkpoint_seq: i64,
        checkpoint: String,
    },
    #[error("chain {chain}: event seq {seq} no longer has the hash the checkpoint of {checkpoint} records: an event from seq {first} to seq {seq} was rewritten (and the hashes after it recomputed)", first = .confirmed_seq + 1)]
    Rewritten {
        chain: String,
        seq: i64,
        /// The highest seq a checkpoint still confirms (0: none).
        confirmed_seq: i64,
        checkpoint: String,
    },
    #[error("chain global: the checkpoint recorded by event seq {seq} (digest {digest}) was removed from the database")]
    CheckpointRemoved { seq: i64, digest: String },
    #[error("checkpoint {source_name}: {reason}")]
    BadCheckpoint { source_name: String, reason: String },
}

impl ChainBreak {
    /// The chain the break is in (`None` for a checkpoint that cannot be used at all).
    pub fn chain(&self) -> Option<&str> {
        match self {
            ChainBreak::Altered { chain, .. }
            | ChainBreak::Gap { chain, .. }
            | ChainBreak::Unlinked { chain, .. }
            | ChainBreak::MissingHead { chain }
            | ChainBreak::Truncated { chain, .. }
            | ChainBreak::Missing { chain, .. }
            | ChainBreak::Unregistered { chain }
            | ChainBreak::RolledBack { chain, .. }
            | ChainBreak::Rewritten { chain, .. } => Some(chain),
            ChainBreak::CheckpointRemoved { .. } => Some(GLOBAL_CHAIN),
            ChainBreak::BadCheckpoint { .. } => None,
        }
    }
}

/// Verify one chain. `events` must be in storage order (by `seq`); `head` is the recorded
/// (seq, hash) of the last event, when the store keeps one.
pub fn verify_chain(
    chain: &str,
    events: &[AuditRecord],
    head: Option<(i64, &str)>,
) -> Result<usize, ChainBreak> {
    let mut prev_seq = 0;
    let mut prev_hash = GENESIS.to_string();
    for e in events {
        if e.chain != chain || e.compute_hash() != e.hash {
            return Err(ChainBreak::Altered {
                chain: chain.into(),
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        if e.seq != prev_seq + 1 {
            return Err(ChainBreak::Gap {
                chain: chain.into(),
                seq: e.seq,
                id: e.id.clone(),
                expected_prev: prev_seq,
            });
        }
        if e.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked {
                chain: chain.into(),
                seq: e.seq,
                id: e.id.clone(),
            });
        }
        prev_seq = e.seq;
        prev_hash = e.hash.clone();
    }
    if let Some((head_seq, head_hash)) = head {
        if head_seq != prev_seq || head_hash != prev_hash {
            return Err(ChainBreak::Truncated {
                chain: chain.into(),
                last_seq: prev_seq,
                head_seq,
            });
        }
    }
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(i: i64, changes: &str) -> AuditRecord {
        AuditRecord {
            id: format!("e{i}"),
            chain: "c".into(),
            seq: 0,
            institution_id: Some("c".into()),
            occurred_at: 1_700_000_000_000 + i,
            actor_user_id: Some("u".into()),
            actor_label: "a@example.jp".into(),
            action: "member.grant_role".into(),
            target_kind: "user".into(),
            target_id: "t".into(),
            changes: changes.into(),
            request_id: None,
            client_addr: Some("127.0.0.1".into()),
            prev_hash: String::new(),
            hash: String::new(),
        }
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        let mut out: Vec<AuditRecord> = Vec::new();
        for i in 0..n {
            let mut e = event(i, "{}");
            let (s, h) = out
                .last()
                .map(|p| (p.seq, p.hash.clone()))
                .unwrap_or((0, GENESIS.to_string()));
            e.seal(s, &h);
            out.push(e);
        }
        out
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let last = c.last().map(|e| (e.seq, e.hash.as_str()));
        assert_eq!(verify_chain("c", &c, last), Ok(5));
    }

    #[test]
    fn tampering_is_named() {
        let c = chain(5);
        let head = Some((5, c[4].hash.as_str()));
        let mut altered = c.clone();
        altered[2].actor_label = "mallory@example.jp".into();
        assert!(matches!(
            verify_chain("c", &altered, head),
            Err(ChainBreak::Altered { seq: 3, .. })
        ));
        let mut removed = c.clone();
        removed.remove(1);
        assert!(matches!(
            verify_chain("c", &removed, head),
            Err(ChainBreak::Gap { seq: 3, .. })
        ));
        let mut reordered = c.clone();
        reordered.swap(1, 2);
        assert!(verify_chain("c", &reordered, head).is_err());
        let truncated = &c[..4];
        assert!(matches!(
            verify_chain("c", truncated, head),
            Err(ChainBreak::Truncated { .. })
        ));
    }

    proptest! {
        #[test]
        fn encoding_separates_every_field(a in ".*", b in ".*", changes in "\\{\\}|\\{\"k\":\"[^\"\\\\]*\"\\}") {
            let mut x = event(1, &changes);
            x.actor_label = a.clone();
            x.target_id = b.clone();
            let mut y = x.clone();
            // Moving text from one field to its neighbour must change the encoding.
            y.actor_label = format!("{a}{b}");
            y.target_id = String::new();
            prop_assert_eq!(x.canonical() == y.canonical(), b.is_empty());
            // The encoding is deterministic and round-trips as JSON.
            prop_assert_eq!(x.canonical(), x.clone().canonical());
            let parsed: serde_json::Value = serde_json::from_slice(&x.canonical()).unwrap();
            prop_assert_eq!(parsed[11].as_str(), Some(changes.as_str()));
        }

        #[test]
        fn any_field_change_breaks_the_hash(label in ".{1,40}", ms in 0i64..1_000_000) {
            let mut c = chain(3);
            c[1].actor_label = label.clone();
            c[1].occurred_at += ms;
            let head = Some((3, c[2].hash.clone()));
            let changed = label != "a@example.jp" || ms != 0;
            let r = verify_chain("c", &c, head.as_ref().map(|(s, h)| (*s, h.as_str())));
            prop_assert_eq!(r.is_err(), changed);
        }
    }
}
