//! Signed checkpoints of the audit chains.
//!
//! A checkpoint states, for every chain, the sequence number and hash of its last event at
//! one moment, signed with an Ed25519 key kept outside the database. Because each event's
//! hash covers every event before it, a checkpoint pins the whole of each chain up to the
//! recorded event: removing events (rollback, truncation) or rewriting any of them — even
//! with every later hash recomputed — no longer matches it.
//!
//! The checkpoint is a short text meant to be printed and shown to an inspector as well as
//! read back by `mamori audit verify`. What is signed is the canonical text of every line
//! but the signature (UTF-8, `\n` line ends), rebuilt from the parsed fields, so a file whose
//! line ends were changed by an editor or a mail program still verifies.

use crate::audit::{AuditRecord, ChainBreak};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

/// The first line of every checkpoint (also its format version).
pub const HEADER: &str = "mamori 監査チェックポイント / audit checkpoint v1";
/// The global-chain action that records a checkpoint (its changes carry the digest).
pub const CHECKPOINT_ACTION: &str = "audit.checkpoint";
/// The global-chain action that registers a new chain (its target is the chain's id).
pub const CHAIN_OPEN_ACTION: &str = "audit.chain.open";

/// One chain as a checkpoint records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointEntry {
    /// The chain id (`global` or an institution's id).
    pub chain: String,
    /// The sequence number of the chain's last event.
    pub seq: i64,
    /// The hash of that event.
    pub hash: String,
    /// What a person reads: the institution's name and code (signed too, but not checked).
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Unix milliseconds.
    pub created_ms: i64,
    /// The Ed25519 public key, hex.
    pub public_key: String,
    /// By chain id.
    pub entries: Vec<CheckpointEntry>,
    /// The Ed25519 signature of [`Checkpoint::body`], hex.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a mamori checkpoint (line {line}: {reason})")]
    Format { line: usize, reason: String },
    #[error("the signature does not match the content: the checkpoint was altered")]
    BadSignature,
    #[error("the public key is not a valid Ed25519 key")]
    BadKey,
}

fn format_err(line: usize, reason: &str) -> CheckpointError {
    CheckpointError::Format {
        line,
        reason: reason.to_string(),
    }
}

/// The public key (hex) of a secret key.
pub fn public_key_of(secret: &[u8; 32]) -> String {
    hex::encode(SigningKey::from_bytes(secret).verifying_key().to_bytes())
}

/// A short fingerprint of a public key (hex) to compare by eye: the first 16 bytes of its
/// SHA-256, in groups of four hex digits.
pub fn fingerprint(public_key_hex: &str) -> String {
    let bytes = hex::decode(public_key_hex).unwrap_or_else(|_| public_key_hex.as_bytes().to_vec());
    let digest = hex::encode(Sha256::digest(bytes));
    digest
        .as_bytes()
        .chunks(4)
        .take(8)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A label on one line, without control characters.
fn clean_label(label: &str) -> String {
    label
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn when(ms: i64) -> String {
    let utc = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    format!(
        "{} JST ({})",
        crate::time::timestamp_jst(ms),
        utc.format("%Y-%m-%dT%H:%M:%S%.3fZ")
    )
}

impl Checkpoint {
    /// Sign the given chain heads at `created_ms` with `secret`.
    pub fn sign(created_ms: i64, entries: Vec<CheckpointEntry>, secret: &[u8; 32]) -> Checkpoint {
        let key = SigningKey::from_bytes(secret);
        let mut entries: Vec<CheckpointEntry> = entries
            .into_iter()
            .map(|e| CheckpointEntry {
                label: clean_label(&e.label),
                ..e
            })
            .collect();
        entries.sort_by(|a, b| a.chain.cmp(&b.chain));
        let mut cp = Checkpoint {
            created_ms,
            public_key: hex::encode(key.verifying_key().to_bytes()),
            entries,
            signature: String::new(),
        };
        cp.signature = hex::encode(key.sign(cp.body().as_bytes()).to_bytes());
        cp
    }

    /// When it was taken, as a person reads it (JST and UTC).
    pub fn created(&self) -> String {
        when(self.created_ms)
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key)
    }

    /// The signed text: every line but the signature.
    pub fn body(&self) -> String {
        let mut s = String::new();
        s.push_str(HEADER);
        s.push('\n');
        s.push_str(&format!("作成日時 created: {}\n", when(self.created_ms)));
        s.push_str(&format!("created_ms: {}\n", self.created_ms));
        s.push_str(&format!("公開鍵 public_key: {}\n", self.public_key));
        s.push_str(&format!(
            "鍵の指紋 fingerprint: {}\n",
            fingerprint(&self.public_key)
        ));
        s.push_str(&format!(
            "チェーン数 chains: {}\n# chain <id> <seq> <hash> <名称>\n",
            self.entries.len()
        ));
        for e in &self.entries {
            let line = format!("chain {} {} {} {}", e.chain, e.seq, e.hash, e.label);
            s.push_str(line.trim_end());
            s.push('\n');
        }
        s
    }

    /// The whole checkpoint as written to a file.
    pub fn to_text(&self) -> String {
        format!("{}署名 signature: {}\n", self.body(), self.signature)
    }

    /// SHA-256 (hex) of [`Checkpoint::to_text`]: what the global chain records.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.to_text().as_bytes()))
    }

    /// Read a checkpoint back (its signature is checked by [`Checkpoint::verify_signature`]).
    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end()));
        match lines.next() {
            Some((_, l)) if l.trim_start_matches('\u{feff}') == HEADER => {}
            _ => return Err(format_err(1, "the first line is not the checkpoint header")),
        }
        let mut created_ms = None;
        let mut public_key = None;
        let mut chains = None;
        let mut signature = None;
        let mut entries = Vec::new();
        for (n, line) in lines {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix("chain ") {
                let mut parts = rest.splitn(4, ' ');
                let chain = parts.next().unwrap_or_default();
                let seq = parts.next().and_then(|s| s.parse::<i64>().ok());
                let hash = parts.next().unwrap_or_default();
                let (Some(seq), false, 64) = (seq, chain.is_empty(), hash.len()) else {
                    return Err(format_err(
                        n,
                        "a chain line is `chain <id> <seq> <hash> <name>`",
                    ));
                };
                entries.push(CheckpointEntry {
                    chain: chain.to_string(),
                    seq,
                    hash: hash.to_string(),
                    label: parts.next().unwrap_or_default().to_string(),
                });
                continue;
            }
            let Some((key, value)) = line.split_once(": ") else {
                return Err(format_err(n, "unexpected line"));
            };
            let value = value.trim();
            match key.rsplit(' ').next().unwrap_or_default() {
                "created_ms" => {
                    created_ms = Some(
                        value
                            .parse::<i64>()
                            .map_err(|_| format_err(n, "created_ms is not a number"))?,
                    )
                }
                "public_key" => public_key = Some(value.to_string()),
                "chains" => {
                    chains = Some(
                        value
                            .parse::<usize>()
                            .map_err(|_| format_err(n, "chains is not a number"))?,
                    )
                }
                "signature" => signature = Some(value.to_string()),
                "created" | "fingerprint" => {}
                _ => return Err(format_err(n, "unexpected line")),
            }
        }
        let (Some(created_ms), Some(public_key), Some(chains), Some(signature)) =
            (created_ms, public_key, chains, signature)
        else {
            return Err(format_err(
                0,
                "created_ms, public_key, chains and signature are required",
            ));
        };
        if chains != entries.len() {
            return Err(format_err(
                0,
                "the number of chain lines differs from `chains`",
            ));
        }
        Ok(Checkpoint {
            created_ms,
            public_key,
            entries,
            signature,
        })
    }

    /// Check the signature against the embedded public key. Whether that key is the
    /// installation's own is for the caller to compare ([`Checkpoint::public_key`]).
    pub fn verify_signature(&self) -> Result<(), CheckpointError> {
        let key: [u8; 32] = hex::decode(&self.public_key)
            .ok()
            .and_then(|k| k.try_into().ok())
            .ok_or(CheckpointError::BadKey)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| CheckpointError::BadKey)?;
        let sig: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|s| s.try_into().ok())
            .ok_or(CheckpointError::BadSignature)?;
        key.verify(self.body().as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| CheckpointError::BadSignature)
    }
}

/// One checkpointed (seq, hash) of a chain and where it comes from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    /// E.g. `2026-11-24 21:00:00 JST (file checkpoints/…)`.
    pub source: String,
}

/// Compare a chain that passed [`crate::audit::verify_chain`] with what checkpoints recorded
/// of it. `events` are the chain's events in order; `anchors` in any order. The first
/// anchor (by seq) the chain no longer matches names the break: events removed after it
/// (rollback, truncation), or an event at or before it rewritten — located between the
/// highest anchor that still matches and this one.
pub fn check_anchors(
    chain: &str,
    events: &[AuditRecord],
    anchors: &[Anchor],
) -> Result<(), ChainBreak> {
    let mut sorted: Vec<&Anchor> = anchors.iter().collect();
    sorted.sort_by_key(|a| a.seq);
    let last_seq = events.last().map(|e| e.seq).unwrap_or(0);
    let mut confirmed = 0;
    for a in sorted {
        if a.seq > last_seq {
            return Err(ChainBreak::RolledBack {
                chain: chain.into(),
                last_seq,
                checkpoint_seq: a.seq,
                checkpoint: a.source.clone(),
            });
        }
        let found = events
            .binary_search_by_key(&a.seq, |e| e.seq)
            .ok()
            .map(|i| &events[i]);
        match found {
            Some(e) if e.hash == a.hash => confirmed = confirmed.max(a.seq),
            _ => {
                return Err(ChainBreak::Rewritten {
                    chain: chain.into(),
                    seq: a.seq,
                    confirmed_seq: confirmed,
                    checkpoint: a.source.clone(),
                })
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<CheckpointEntry> {
        vec![
            CheckpointEntry {
                chain: "global".into(),
                seq: 12,
                hash: "a".repeat(64),
                label: "共通 (global)".into(),
            },
            CheckpointEntry {
                chain: "0192".into(),
                seq: 3,
                hash: "b".repeat(64),
                label: "さくら\n総合病院  (1311234569)".into(),
            },
        ]
    }

    #[test]
    fn signed_text_round_trips_and_verifies() {
        let secret = [7u8; 32];
        let cp = Checkpoint::sign(1_764_000_000_000, entries(), &secret);
        assert_eq!(cp.public_key, public_key_of(&secret));
        assert_eq!(cp.entries[0].chain, "0192", "sorted by chain id");
        assert_eq!(cp.entries[0].label, "さくら 総合病院 (1311234569)");
        let text = cp.to_text();
        assert!(text.contains("2025-11-25 01:00:00 JST"), "{text}");
        let back = Checkpoint::parse(&text).unwrap();
        assert_eq!(back, cp);
        back.verify_signature().unwrap();
        // Line ends changed by a mail program do not matter.
        let crlf = Checkpoint::parse(&text.replace('\n', "\r\n")).unwrap();
        crlf.verify_signature().unwrap();
        assert_eq!(crlf.digest(), cp.digest());
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let cp = Checkpoint::sign(1_764_000_000_000, entries(), &[7u8; 32]);
        let text = cp.to_text();
        for (from, to) in [
            (" 12 ", " 11 "),
            ("bbbb", "bbbc"),
            ("さくら", "さくら総合"),
            ("created_ms: 1764000000000", "created_ms: 1764000000001"),
        ] {
            let altered = text.replacen(from, to, 1);
            assert_ne!(altered, text);
            let parsed = Checkpoint::parse(&altered).unwrap();
            assert_eq!(
                parsed.verify_signature(),
                Err(CheckpointError::BadSignature),
                "{from} → {to}"
            );
        }
        // Re-signed with another key: valid on its own, but a different key.
        let other = Checkpoint::sign(cp.created_ms, entries(), &[8u8; 32]);
        other.verify_signature().unwrap();
        assert_ne!(other.fingerprint(), cp.fingerprint());
        assert!(Checkpoint::parse("hello").is_err());
        let dropped = text.replace(&format!("chain global 12 {}", "a".repeat(64)), "");
        assert!(Checkpoint::parse(&dropped).is_err(), "chain count checked");
    }

    fn chain(n: i64) -> Vec<AuditRecord> {
        (1..=n)
            .map(|seq| AuditRecord {
                id: format!("e{seq}"),
                chain: "c".into(),
                seq,
                institution_id: None,
                occurred_at: 0,
                actor_user_id: None,
                actor_label: String::new(),
                action: String::new(),
                target_kind: String::new(),
                target_id: String::new(),
                changes: "{}".into(),
                request_id: None,
                client_addr: None,
                prev_hash: String::new(),
                hash: format!("h{seq}"),
            })
            .collect()
    }

    fn anchor(seq: i64, hash: &str) -> Anchor {
        Anchor {
            seq,
            hash: hash.into(),
            source: "cp".into(),
        }
    }

    #[test]
    fn anchors_find_rollback_and_rewriting() {
        let c = chain(5);
        assert_eq!(
            check_anchors("c", &c, &[anchor(5, "h5"), anchor(2, "h2")]),
            Ok(())
        );
        assert!(matches!(
            check_anchors("c", &c[..3], &[anchor(5, "h5")]),
            Err(ChainBreak::RolledBack {
                last_seq: 3,
                checkpoint_seq: 5,
                ..
            })
        ));
        assert!(matches!(
            check_anchors("c", &c, &[anchor(4, "x"), anchor(2, "h2")]),
            Err(ChainBreak::Rewritten {
                seq: 4,
                confirmed_seq: 2,
                ..
            })
        ));
    }
}
