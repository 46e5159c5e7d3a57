//! The audit log as a person reads it: each event in a sentence in the reader's language —
//! who (by name) did what to which named record — with a link to the record. The records
//! are looked up once per page (a cache per call), never per event twice.

use crate::accounts::{csv_safe, AuditQuery};
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::audit::AuditRecord;
use mamori_domain::audit_log::sentence_key;
use mamori_domain::time;
use mamori_domain::Institution;
use mamori_i18n::Tr;
use mamori_store::AuditDraft;
use std::collections::HashMap;

/// One event described.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Described {
    /// When, in Japan time.
    pub time: String,
    /// Who, by name (the account's name, else the recorded label: `system`, an inspector
    /// link's label).
    pub who: String,
    /// What happened, in a sentence.
    pub sentence: String,
    /// The record the event is about, by name.
    pub target: String,
    /// Where that record is, when it has a page.
    pub link: Option<String>,
}

/// Names and pages of the records a page of events is about.
struct Names<'a> {
    ctx: &'a Ctx,
    tr: &'a Tr,
    users: HashMap<String, Option<String>>,
    targets: HashMap<(String, String), (String, Option<String>)>,
}

impl<'a> Names<'a> {
    async fn user(&mut self, id: &str) -> crate::Result<Option<String>> {
        if let Some(n) = self.users.get(id) {
            return Ok(n.clone());
        }
        let name = self.ctx.store().user(id).await?.map(|u| u.display_name);
        self.users.insert(id.to_string(), name.clone());
        Ok(name)
    }

    async fn target(&mut self, kind: &str, id: &str) -> crate::Result<(String, Option<String>)> {
        let key = (kind.to_string(), id.to_string());
        if let Some(t) = self.targets.get(&key) {
            return Ok(t.clone());
        }
        let store = self.ctx.store();
        let tr = self.tr;
        let found = match kind {
            "assessment" => store.assessment(id).await?.map(|a| {
                (
                    tr.t1(
                        "audit-target-assessment",
                        "year",
                        fiscal_year(tr, a.fiscal_year),
                    ),
                    Some(format!("/assessments/{id}")),
                )
            }),
            "contract" => store.contract(id).await?.map(|c| {
                (
                    format!("{} — {}", c.vendor_name, c.title),
                    Some(format!("/contracts/{id}")),
                )
            }),
            "vendor_sheet" => store.vendor_sheet(id).await?.map(|s| {
                (
                    tr.t1("audit-target-vendor-sheet", "vendor", &s.vendor_name),
                    Some(format!("/vendor-sheets/{id}")),
                )
            }),
            "user" => self.user(id).await?.map(|n| (n, None)),
            "institution" => store.institution(id).await?.map(|i| (i.name, None)),
            "vendor" => store
                .list_vendors()
                .await?
                .into_iter()
                .find(|v| v.id == id)
                .map(|v| (v.name, None)),
            _ => None,
        };
        let t = found.unwrap_or_else(|| {
            let label = tr.t(&format!("audit-kind-{}", kind.replace('_', "-")));
            let label = if label.starts_with("audit-kind-") {
                kind.to_string()
            } else {
                label
            };
            (label, None)
        });
        self.targets.insert(key, t.clone());
        Ok(t)
    }
}

fn fiscal_year(tr: &Tr, year: i64) -> String {
    match tr.lang {
        mamori_i18n::Lang::Ja => mamori_domain::wareki::fiscal_year(year as i32),
        mamori_i18n::Lang::En => format!("FY{year}"),
    }
}

/// What an action is called (its `action-…` label), the code itself when unnamed.
pub fn action_label(tr: &Tr, action: &str) -> String {
    let key = format!("action-{}", action.replace(['.', '_'], "-"));
    if tr.has(&key) {
        tr.t(&key)
    } else {
        action.to_string()
    }
}

/// The named values an event's sentence may use from what it recorded.
fn details(tr: &Tr, changes: &str) -> Vec<(&'static str, String)> {
    let v: serde_json::Value = serde_json::from_str(changes).unwrap_or_default();
    let mut out = Vec::new();
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    if let Some(r) = text("reason") {
        out.push(("reason", r));
    }
    if let Some(role) = text("role") {
        out.push(("role", tr.t(&format!("role-{}", role.replace('_', "-")))));
    }
    if let Some(item) = text("item").or_else(|| text("item_id")) {
        out.push(("item", item));
    }
    out
}

/// Describe `events` in `tr`'s language.
pub async fn describe(ctx: &Ctx, tr: &Tr, events: &[AuditRecord]) -> crate::Result<Vec<Described>> {
    let mut names = Names {
        ctx,
        tr,
        users: HashMap::new(),
        targets: HashMap::new(),
    };
    let mut out = Vec::with_capacity(events.len());
    for e in events {
        let who = match &e.actor_user_id {
            Some(id) => names
                .user(id)
                .await?
                .unwrap_or_else(|| e.actor_label.clone()),
            None => e.actor_label.clone(),
        };
        let (target, link) = names.target(&e.target_kind, &e.target_id).await?;
        let mut args = vec![
            ("who", who.clone()),
            ("target", target.clone()),
            ("action", action_label(tr, &e.action)),
        ];
        args.extend(details(tr, &e.changes));
        let key = sentence_key(&e.action);
        let key = if tr.has(&key) {
            key
        } else {
            "audit-say".to_string()
        };
        out.push(Described {
            time: mamori_domain::time::timestamp_jst(e.occurred_at),
            sentence: tr.targs(&key, &args),
            who,
            target,
            link,
        });
    }
    Ok(out)
}

/// The whole filtered log as CSV (UTF-8 with BOM, which Japanese Excel opens correctly).
/// Each event carries its sentence in the reader's language (the last column). The
/// export is itself audited.
pub async fn audit_csv(
    ctx: &Ctx,
    auth: &Caller,
    inst: &Institution,
    q: &AuditQuery,
    lang: mamori_i18n::Lang,
) -> Result<Vec<u8>> {
    let store = ctx.store();
    let mut f = q.filter(&inst.id, 100_000)?;
    f.offset = 0;
    let events = store.audit_events(&f).await?;
    let described = describe(ctx, &Tr::new(lang), &events).await?;
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "occurred_at_jst",
        "chain",
        "seq",
        "action",
        "actor",
        "actor_user_id",
        "target_kind",
        "target_id",
        "changes",
        "request_id",
        "client_addr",
        "hash",
        "description",
    ];
    w.write_record(header)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let cell = |v: &str| csv_safe(v);
    for (e, d) in events.iter().zip(&described) {
        let seq = e.seq.to_string();
        w.write_record(
            [
                time::timestamp_jst(e.occurred_at).as_str(),
                e.chain.as_str(),
                seq.as_str(),
                e.action.as_str(),
                e.actor_label.as_str(),
                e.actor_user_id.as_deref().unwrap_or(""),
                e.target_kind.as_str(),
                e.target_id.as_str(),
                e.changes.as_str(),
                e.request_id.as_deref().unwrap_or(""),
                e.client_addr.as_deref().unwrap_or(""),
                e.hash.as_str(),
                d.sentence.as_str(),
            ]
            .map(cell),
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    store
        .record(
            &auth.actor(),
            AuditDraft::new(
                Some(&inst.id),
                "audit.export",
                "institution",
                &inst.id,
                serde_json::json!({"events": events.len(), "action": f.action_prefix,
                                   "feature": q.feature, "actor": f.actor, "from": f.from,
                                   "to": f.to}),
            ),
        )
        .await?;
    Ok(bytes)
}
