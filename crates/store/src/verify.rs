//! Verifying the audit chains as stored: every chain walked from its first event to its
//! head, the chain registry of the global chain checked against the chains found, and every
//! signed checkpoint (stored ones and the files given) compared with the chains it covers.

use crate::prelude::*;
use crate::{new_id, now_ms, Actor, Result, StoredCheckpoint};
use mamori_domain::audit::{verify_chain, AuditRecord, ChainBreak, GLOBAL_CHAIN};
use mamori_domain::audit_checkpoint::{
    check_anchors, public_key_of, Anchor, Checkpoint, CheckpointEntry, CHAIN_OPEN_ACTION,
    CHECKPOINT_ACTION,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A checkpoint from outside the database (a file), with the name messages give it.
#[derive(Debug, Clone)]
pub struct CheckpointSource {
    pub name: String,
    pub text: String,
}

/// A checkpoint the verification used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedCheckpoint {
    /// When it was taken and where it comes from, as messages name it.
    pub name: String,
    pub created_ms: i64,
    pub fingerprint: String,
    pub chains: usize,
}

/// What `verify_audit_report` found.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// Chains and events walked.
    pub chains: usize,
    pub events: usize,
    pub checkpoints: Vec<UsedCheckpoint>,
    /// The first break of each chain, and each checkpoint that cannot be used; empty when
    /// everything verified.
    pub breaks: Vec<ChainBreak>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.breaks.is_empty()
    }
}

/// Verify every audit chain, the registry and the stored checkpoints: the number of chains
/// and events verified, or the first break.
pub async fn verify_audit(
    store: &dyn Store,
) -> Result<std::result::Result<(usize, usize), ChainBreak>> {
    let r = verify_audit_report(store, &[], None).await?;
    Ok(match r.breaks.into_iter().next() {
        Some(b) => Err(b),
        None => Ok((r.chains, r.events)),
    })
}

/// What the usable checkpoints record, by chain (each (chain, seq, hash) once).
#[derive(Default)]
struct Anchors {
    by_chain: HashMap<String, Vec<Anchor>>,
    seen: HashSet<(String, i64, String)>,
    digests: HashSet<String>,
}

impl Anchors {
    /// Take in one checkpoint text; one that cannot be used is reported as a break.
    fn add(
        &mut self,
        origin: String,
        text: &str,
        trusted_key: Option<&str>,
        report: &mut AuditReport,
    ) {
        let cp = match Checkpoint::parse(text).and_then(|cp| cp.verify_signature().map(|_| cp)) {
            Ok(cp) => cp,
            Err(e) => {
                report.breaks.push(ChainBreak::BadCheckpoint {
                    source_name: origin,
                    reason: e.to_string(),
                });
                return;
            }
        };
        if let Some(key) = trusted_key.filter(|k| *k != cp.public_key) {
            report.breaks.push(ChainBreak::BadCheckpoint {
                source_name: origin,
                reason: format!(
                    "signed with another key (fingerprint {}, not this installation's {})",
                    cp.fingerprint(),
                    mamori_domain::audit_checkpoint::fingerprint(key)
                ),
            });
            return;
        }
        // The same checkpoint in the database and in a file counts once.
        if !self.digests.insert(cp.digest()) {
            return;
        }
        let name = format!("{} ({origin})", cp.created());
        for e in &cp.entries {
            if self.seen.insert((e.chain.clone(), e.seq, e.hash.clone())) {
                self.by_chain
                    .entry(e.chain.clone())
                    .or_default()
                    .push(Anchor {
                        seq: e.seq,
                        hash: e.hash.clone(),
                        source: name.clone(),
                    });
            }
        }
        report.checkpoints.push(UsedCheckpoint {
            name,
            created_ms: cp.created_ms,
            fingerprint: cp.fingerprint(),
            chains: cp.entries.len(),
        });
    }
}

/// Every event of one chain, in storage order.
async fn load_chain(store: &dyn Store, chain: &str) -> Result<Vec<AuditRecord>> {
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
    Ok(events)
}

/// Verify everything: chains, registry, and the checkpoints stored in the database plus
/// `files`. A checkpoint is used when its signature verifies and, if `trusted_key` (hex) is
/// given, it was signed with that key; otherwise it is reported as a break.
pub async fn verify_audit_report(
    store: &dyn Store,
    files: &[CheckpointSource],
    trusted_key: Option<&str>,
) -> Result<AuditReport> {
    let mut report = AuditReport::default();
    let mut broken: HashSet<String> = HashSet::new();
    let mut push = |report: &mut AuditReport, b: ChainBreak| {
        if let Some(c) = b.chain() {
            if !broken.insert(c.to_string()) {
                return;
            }
        }
        report.breaks.push(b);
    };

    // The checkpoints: stored ones first (oldest first, a page at a time), then the files.
    let mut anchors = Anchors::default();
    let mut stored_digests = HashSet::new();
    let mut offset = 0;
    loop {
        let page = store.audit_checkpoints(offset, 200).await?;
        offset += page.len() as i64;
        let done = page.len() < 200;
        for s in page {
            stored_digests.insert(s.digest.clone());
            anchors.add(
                format!("database {}", s.id),
                &s.body,
                trusted_key,
                &mut report,
            );
        }
        if done {
            break;
        }
    }
    for f in files {
        anchors.add(
            format!("file {}", f.name),
            &f.text,
            trusted_key,
            &mut report,
        );
    }
    let anchors = anchors.by_chain;

    // The chains: global first, for its registry and checkpoint records.
    let heads = store.audit_heads().await?;
    let mut names: BTreeSet<String> = store.audit_chain_names().await?.into_iter().collect();
    names.extend(heads.iter().map(|h| h.chain.clone()));
    let mut order: Vec<&String> = names.iter().filter(|c| *c == GLOBAL_CHAIN).collect();
    order.extend(names.iter().filter(|c| *c != GLOBAL_CHAIN));
    let mut opened: HashMap<String, i64> = HashMap::new();
    let mut recorded: Vec<(i64, String)> = Vec::new();
    for chain in order {
        let events = load_chain(store, chain).await?;
        if chain == GLOBAL_CHAIN {
            for e in &events {
                if e.action == CHAIN_OPEN_ACTION {
                    opened.entry(e.target_id.clone()).or_insert(e.seq);
                } else if e.action == CHECKPOINT_ACTION {
                    let digest = serde_json::from_str::<serde_json::Value>(&e.changes)
                        .ok()
                        .and_then(|v| v["digest"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    recorded.push((e.seq, digest));
                }
            }
        }
        report.events += events.len();
        let head = heads.iter().find(|h| &h.chain == chain);
        let walked = match head {
            None => Err(ChainBreak::MissingHead {
                chain: chain.clone(),
            }),
            Some(h) => verify_chain(chain, &events, Some((h.seq, h.hash.as_str()))).map(|_| ()),
        };
        let checked = walked.and_then(|_| {
            check_anchors(
                chain,
                &events,
                anchors.get(chain).map_or(&[], Vec::as_slice),
            )
        });
        if let Err(b) = checked {
            push(&mut report, b);
        }
    }
    report.chains = names.len();

    // The registry: every chain named by an open event exists, every chain found is named.
    let mut registered: Vec<(&String, &i64)> = opened.iter().collect();
    registered.sort();
    for (chain, seq) in registered {
        if !names.contains(chain) {
            push(
                &mut report,
                ChainBreak::Missing {
                    chain: chain.clone(),
                    evidence: format!("global event seq {seq} ({CHAIN_OPEN_ACTION}) opened it"),
                },
            );
        }
    }
    let mut anchored: Vec<(&String, &Vec<Anchor>)> = anchors.iter().collect();
    anchored.sort_by(|a, b| a.0.cmp(b.0));
    for (chain, list) in anchored {
        if !names.contains(chain) {
            if let Some(a) = list.iter().max_by_key(|a| a.seq) {
                push(
                    &mut report,
                    ChainBreak::Missing {
                        chain: chain.clone(),
                        evidence: format!(
                            "the checkpoint of {} records it at seq {}",
                            a.source, a.seq
                        ),
                    },
                );
            }
        }
    }
    for chain in names.iter().filter(|c| *c != GLOBAL_CHAIN) {
        if !opened.contains_key(chain) {
            push(
                &mut report,
                ChainBreak::Unregistered {
                    chain: chain.clone(),
                },
            );
        }
    }
    for (seq, digest) in recorded {
        if !stored_digests.contains(&digest) {
            push(&mut report, ChainBreak::CheckpointRemoved { seq, digest });
        }
    }
    Ok(report)
}

/// What a checkpoint records now: every chain's head, labelled with its institution's name
/// and code.
pub async fn checkpoint_entries(store: &dyn Store) -> Result<Vec<CheckpointEntry>> {
    let heads = store.audit_heads().await?;
    let ids: Vec<String> = heads
        .iter()
        .filter(|h| h.chain != GLOBAL_CHAIN)
        .map(|h| h.chain.clone())
        .collect();
    let institutions = store.institutions_by_ids(&ids).await?;
    Ok(heads
        .into_iter()
        .map(|h| {
            let label = if h.chain == GLOBAL_CHAIN {
                "共通 (global)".to_string()
            } else {
                institutions
                    .iter()
                    .find(|i| i.id == h.chain)
                    .map(|i| format!("{} ({})", i.name, i.code))
                    .unwrap_or_default()
            };
            CheckpointEntry {
                chain: h.chain,
                seq: h.seq,
                hash: h.hash,
                label,
            }
        })
        .collect())
}

/// Take a checkpoint: verify everything first (with the stored checkpoints and `files`) —
/// a broken chain is never signed, the report is returned instead — then sign every chain's
/// head with `secret`, keep the checkpoint and record it in the global chain.
pub async fn take_checkpoint(
    store: &dyn Store,
    actor: &Actor,
    secret: &[u8; 32],
    files: &[CheckpointSource],
) -> Result<std::result::Result<Checkpoint, AuditReport>> {
    let public_key = public_key_of(secret);
    let report = verify_audit_report(store, files, Some(&public_key)).await?;
    if !report.is_intact() {
        return Ok(Err(report));
    }
    let entries = checkpoint_entries(store).await?;
    let chains = entries.len();
    let cp = Checkpoint::sign(now_ms(), entries, secret);
    let stored = StoredCheckpoint {
        id: new_id(),
        created_at: cp.created_ms,
        digest: cp.digest(),
        body: cp.to_text(),
    };
    store.record_checkpoint(actor, &stored, chains).await?;
    Ok(Ok(cp))
}
