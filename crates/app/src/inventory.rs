//! Inventory checks (棚卸): start a check, record each asset (found, not found, moved,
//! changed), close it. Closing writes every move and correction to the ledger as a new
//! version whose reason names the check. Seeing a check is for whoever reads the ledger;
//! starting, recording and closing for whoever may change it.

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::assets::AssetStatus;
use mamori_domain::inventory::{self as rules, CheckStatus, RawRecord};
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use mamori_store::{
    Asset, AssetCheckEntry, CheckCounts, CheckRecord, CheckScope, InventoryCheck, StoreError,
};
use serde::Deserialize;

/// The institution's checks, newest first, and the last closed one.
pub async fn list(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
) -> Result<(Institution, Vec<InventoryCheck>)> {
    let inst = institution_for(ctx.store(), caller, code, Action::ViewAssets).await?;
    let checks = ctx.store().inventory_checks(&inst.id).await?;
    Ok((inst, checks))
}

/// The day the institution's last check closed, and whether it counts (within a year).
pub async fn last_closed(ctx: &Ctx, institution_id: &str) -> Result<Option<(String, bool)>> {
    let today = mamori_domain::time::date_jst(ctx.now());
    Ok(ctx
        .store()
        .last_closed_check(institution_id)
        .await?
        .and_then(|c| c.closed_on)
        .map(|d| {
            let current = rules::check_current(&d, &today);
            (d, current)
        }))
}

/// What starting a check sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct StartInput {
    /// The check's name (1–200 characters), e.g. 「2026年度 棚卸」.
    pub name: String,
}

/// Start a check (one open at a time per institution).
pub async fn start(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    input: &StartInput,
) -> Result<InventoryCheck> {
    let inst = institution_for(ctx.store(), caller, code, Action::ManageAssets).await?;
    let name = rules::check_name(&input.name).map_err(Error::invalid)?;
    match ctx
        .store()
        .start_check(&caller.actor(), &inst.id, &name)
        .await
    {
        Err(StoreError::Duplicate(_)) => Err(Error::Invalid {
            field: "name",
            key: "error-check-open",
        }),
        other => Ok(other?),
    }
}

/// A check, if the caller may take `action` on its institution's ledger.
pub async fn get(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    action: Action,
) -> Result<(InventoryCheck, Institution)> {
    let c = ctx
        .store()
        .inventory_check(id)
        .await?
        .ok_or(Error::NotFound)?;
    let inst =
        crate::access::record_institution(ctx.store(), caller, &c.institution_id, action).await?;
    Ok((c, inst))
}

/// Which of a check's assets to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct CheckQuery {
    /// Text in the name, serial, place, department, purpose, OS or addresses.
    pub q: String,
    /// A kind's code, or empty for every kind.
    pub kind: String,
    /// `1` or `true`: only the assets not recorded yet.
    pub unchecked: String,
    pub offset: i64,
    /// 1–1,000 (100 by default).
    pub limit: i64,
}

impl CheckQuery {
    pub fn unchecked_only(&self) -> bool {
        matches!(self.unchecked.trim(), "1" | "true" | "on")
    }
}

/// A page of a check: its counts and assets, each with its record if there is one.
pub struct CheckPage {
    pub check: InventoryCheck,
    pub institution: Institution,
    pub counts: CheckCounts,
    pub rows: Vec<(Asset, Option<CheckRecord>)>,
    /// Assets the query keeps.
    pub total: i64,
}

/// A page of the assets a check covers (every entry not retired).
pub async fn page(ctx: &Ctx, caller: &Caller, id: &str, query: &CheckQuery) -> Result<CheckPage> {
    let (check, institution) = get(ctx, caller, id, Action::ViewAssets).await?;
    let ledger = crate::assets::LedgerQuery {
        q: query.q.clone(),
        kind: query.kind.clone(),
        ..Default::default()
    };
    let mut filter = ledger.filter()?;
    filter.check = Some(CheckScope {
        check_id: check.id.clone(),
        unchecked: query.unchecked_only(),
    });
    let limit = if query.limit == 0 { 100 } else { query.limit };
    if !(1..=1000).contains(&limit) || query.offset < 0 {
        return Err(Error::Invalid {
            field: "limit",
            key: "error-rs-bad-value",
        });
    }
    let (assets, total) = ctx
        .store()
        .assets_page(&institution.id, &filter, query.offset, limit)
        .await?;
    let ids: Vec<String> = assets.iter().map(|a| a.id.clone()).collect();
    let mut records = ctx.store().check_records(&check.id, &ids).await?;
    let rows = assets
        .into_iter()
        .map(|a| {
            let r = records
                .iter()
                .position(|r| r.asset_id == a.id)
                .map(|i| records.swap_remove(i));
            (a, r)
        })
        .collect();
    let counts = ctx.store().check_counts(&check.id).await?;
    Ok(CheckPage {
        check,
        institution,
        counts,
        rows,
        total,
    })
}

/// What recording an asset sends: the outcome, the place found (moved), the corrected
/// fields (changed; a field left as the ledger has it is no correction), a note, and the
/// record's version read (0 for none yet).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RecordInput {
    /// `found`, `not_found`, `moved` or `changed`.
    pub outcome: String,
    /// Moved: the place found. Changed: the corrected place (or the ledger's).
    pub location: Option<String>,
    pub department: Option<String>,
    pub purpose: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    /// Addresses separated by commas or spaces.
    pub ip_addresses: Option<String>,
    pub mac: Option<String>,
    pub antivirus: Option<String>,
    pub admin_users: Option<String>,
    /// At most 2,000 characters.
    pub note: String,
    /// The record's version read; 0 when the asset has no record in the check yet.
    pub version: i64,
}

impl RecordInput {
    fn raw(&self) -> RawRecord<'_> {
        let moved = self.outcome.trim() == "moved";
        let fields = [
            ("location", &self.location),
            ("department", &self.department),
            ("purpose", &self.purpose),
            ("os", &self.os),
            ("os_version", &self.os_version),
            ("ip_addresses", &self.ip_addresses),
            ("mac", &self.mac),
            ("antivirus", &self.antivirus),
            ("admin_users", &self.admin_users),
        ];
        RawRecord {
            outcome: &self.outcome,
            location: if moved {
                self.location.as_deref().unwrap_or_default()
            } else {
                ""
            },
            corrections: fields
                .iter()
                .filter(|(f, _)| !(moved && *f == "location"))
                .filter_map(|(f, v)| v.as_deref().map(|v| (*f, v)))
                .collect(),
            note: &self.note,
        }
    }
}

/// Record what the walk found for an asset of the check's institution (an open check; a
/// retired asset or another institution's is not found).
pub async fn record(
    ctx: &Ctx,
    caller: &Caller,
    check_id: &str,
    asset_id: &str,
    input: &RecordInput,
) -> Result<CheckRecord> {
    let (check, inst) = get(ctx, caller, check_id, Action::ManageAssets).await?;
    let asset = ctx
        .store()
        .asset(asset_id)
        .await?
        .filter(|a| a.institution_id == inst.id && a.status != AssetStatus::Retired)
        .ok_or(Error::NotFound)?;
    if check.status != CheckStatus::Open {
        return Err(Error::Conflict("closed inventory check"));
    }
    let rec = rules::check_record(&input.raw(), &asset.fields()).map_err(Error::invalid)?;
    Ok(ctx
        .store()
        .record_check(&caller.actor(), &check.id, &asset.id, &rec, input.version)
        .await?)
}

/// One ledger change a close will make: the entry before and after, and the fields.
pub struct Change {
    pub before: Asset,
    pub after: Asset,
    pub record: CheckRecord,
}

/// What closing a check would do: the counts, the ledger changes, the assets not found, and
/// the records that can no longer apply (the entry was edited since, so that the correction
/// breaks a rule; the field and its message key).
pub struct ClosePlan {
    pub check: InventoryCheck,
    pub institution: Institution,
    pub counts: CheckCounts,
    pub changes: Vec<Change>,
    pub not_found: Vec<(Asset, CheckRecord)>,
    pub errors: Vec<(Asset, &'static str, &'static str)>,
}

async fn plan(ctx: &Ctx, check: InventoryCheck, institution: Institution) -> Result<ClosePlan> {
    let counts = ctx.store().check_counts(&check.id).await?;
    let mut plan = ClosePlan {
        changes: Vec::new(),
        not_found: Vec::new(),
        errors: Vec::new(),
        counts,
        check,
        institution,
    };
    for r in ctx.store().check_findings(&plan.check.id).await? {
        let Some(a) = ctx.store().asset(&r.asset_id).await? else {
            continue;
        };
        if a.status == AssetStatus::Retired {
            continue;
        }
        let rec = r.record();
        if rec.outcome == rules::CheckOutcome::NotFound {
            plan.not_found.push((a, r));
            continue;
        }
        match rules::apply(&a.fields(), &rec) {
            Ok(fields) => {
                let after = Asset {
                    id: a.id.clone(),
                    ..Asset::new(&a.institution_id, fields)
                };
                if after.fields() != a.fields() {
                    plan.changes.push(Change {
                        before: a,
                        after,
                        record: r,
                    });
                }
            }
            Err(e) => plan.errors.push((a, e.field, e.key)),
        }
    }
    Ok(plan)
}

/// What closing the check would do (for the confirmation).
pub async fn close_plan(ctx: &Ctx, caller: &Caller, id: &str) -> Result<ClosePlan> {
    let (check, inst) = get(ctx, caller, id, Action::ViewAssets).await?;
    plan(ctx, check, inst).await
}

/// What closing sends.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CloseInput {
    /// Close although some assets have no record (they stay 未確認): `true`, `1` or `on`.
    #[serde(deserialize_with = "flag")]
    #[schema(value_type = bool)]
    pub accept_unchecked: bool,
}

/// A yes as JSON (`true`) or a form's checkbox (`on`, `1`, `true`) sends it.
fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    use serde_json::Value;
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => matches!(s.trim(), "on" | "1" | "true"),
        Value::Number(n) => n.as_i64() == Some(1),
        _ => false,
    })
}

/// Close an open check: every move and correction becomes a new version of its entry with
/// the check as the reason, all at once. Refused (nothing written) while assets are
/// unrecorded and the person has not said to close anyway, while a correction no longer
/// applies, or when records came in after the plan (a conflict: look again).
pub async fn close(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    input: &CloseInput,
) -> Result<InventoryCheck> {
    let (check, inst) = get(ctx, caller, id, Action::ManageAssets).await?;
    if check.status != CheckStatus::Open {
        return Err(Error::Conflict("closed inventory check"));
    }
    let p = plan(ctx, check, inst).await?;
    rules::check_close(p.counts.unchecked, input.accept_unchecked).map_err(Error::invalid)?;
    if let Some((_, field, key)) = p.errors.first() {
        return Err(Error::Invalid { field, key });
    }
    let updates: Vec<(Asset, i64)> = p
        .changes
        .iter()
        .map(|c| (c.after.clone(), c.before.version))
        .collect();
    let reason = format!("棚卸「{}」", p.check.name);
    Ok(ctx
        .store()
        .close_check(
            &caller.actor(),
            &p.check.id,
            p.counts.records,
            &updates,
            &p.counts,
            &reason,
        )
        .await?)
}

/// An asset's records in every check, newest first (for whoever reads the ledger).
pub async fn asset_checks(
    ctx: &Ctx,
    caller: &Caller,
    asset_id: &str,
) -> Result<Vec<AssetCheckEntry>> {
    let (a, _) = crate::assets::get(ctx, caller, asset_id, Action::ViewAssets).await?;
    Ok(ctx.store().asset_checks(&a.id).await?)
}
