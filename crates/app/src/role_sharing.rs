//! Systems, contracts and the role-sharing checklist of each contract, for both parties,
//! and the institution's cross-vendor matrix. The rules are the domain's
//! (`mamori_domain::role_sharing`); this module loads, asks, and stores.

use crate::error::{Error, Result};
use crate::{Caller, Catalogs, Ctx};
use mamori_catalog::{Addressee, Answer, Catalog, Item};
use mamori_domain::policy::{self, Action, Scope};
use mamori_domain::role_sharing::{
    self as rs, Check, ItemAnswer, ItemState, Party, Responsibility, Standing, Step,
};
use mamori_domain::Institution;
use mamori_store::{Contract, RoleSharingItem, RoleSharingStep, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The role-sharing catalog version a new contract's checklist follows: the latest shipped
/// or imported version of `mhlw/role-sharing`.
pub fn current_catalog(ctx: &Ctx) -> Option<String> {
    ctx.catalogs()
        .catalogs
        .values()
        .filter(|c| c.catalog.publisher == "mhlw" && c.catalog.document == "role-sharing")
        .max_by(|a, b| a.catalog.published.cmp(&b.catalog.published))
        .map(|c| c.catalog.id.clone())
}

/// Is this a Part 2 item (agreed by both parties)?
pub fn is_part2(item: &Item) -> bool {
    item.role.contains(&Addressee::Joint)
}

/// The items a checklist answers (reference items, answer `none`, are shown, not answered).
pub fn answerable(item: &Item) -> bool {
    item.answer != Answer::None
}

/// The contract and the side the user acts on, for `action`. A vendor user outside the
/// contract, or a user of another institution, gets 404; a member of the institution without
/// the role gets 403.
pub async fn contract_for(
    store: &dyn Store,
    auth: &Caller,
    id: &str,
    action: Action,
) -> Result<(Contract, Party)> {
    let c = store.contract(id).await?.ok_or(Error::NotFound)?;
    let scope = Scope::Contract {
        institution_id: &c.institution_id,
        vendor_id: &c.vendor_id,
    };
    if auth.may(action, scope) {
        if let Some(p) = policy::contract_party(
            &auth.principal,
            action,
            &c.institution_id,
            &c.vendor_id,
            auth.now,
        ) {
            return Ok((c, p));
        }
    }
    let member = !auth
        .principal
        .roles_in(&c.institution_id, auth.now)
        .is_empty()
        || auth.principal.vendor_ids.contains(&c.vendor_id);
    Err(if member {
        Error::Forbidden
    } else {
        Error::NotFound
    })
}

/// The catalog a contract's checklist follows.
pub fn catalog_of(ctx: &Ctx, c: &Contract) -> Result<(Arc<Catalogs>, String)> {
    let catalogs = ctx.catalogs();
    if !catalogs.catalogs.contains_key(&c.catalog_id) {
        return Err(Error::Internal(format!(
            "role-sharing catalog {} of contract {} is not served",
            c.catalog_id, c.id
        )));
    }
    Ok((catalogs, c.catalog_id.clone()))
}

/// A step as the user sends it (form or JSON).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct StepInput {
    /// `propose`, `accept` or `reopen`.
    pub step: String,
    /// The item's version as read (0 when it has never been answered).
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub responsibility: String,
    #[serde(default)]
    pub other_vendor_id: String,
    #[serde(default)]
    pub na_reason: String,
    #[serde(default)]
    pub agreed_content: String,
    #[serde(default)]
    pub written_in: String,
    /// `yes`, `no` or empty.
    #[serde(default)]
    pub first_check: String,
    #[serde(default)]
    pub first_checked_on: String,
    #[serde(default)]
    pub completed_on: String,
    #[serde(default)]
    pub remarks: String,
    /// Why an agreed item is reopened.
    #[serde(default)]
    pub reason: String,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn invalid(key: &'static str) -> Error {
    Error::Invalid { field: "item", key }
}

impl StepInput {
    fn answer(&self) -> Result<ItemAnswer> {
        let responsibility = match opt(&self.responsibility) {
            None => None,
            Some(r) => Some(Responsibility::parse(&r).ok_or(invalid("error-rs-bad-value"))?),
        };
        let first_check = match opt(&self.first_check) {
            None => None,
            Some(c) => Some(Check::parse(&c).ok_or(invalid("error-rs-bad-value"))?),
        };
        Ok(ItemAnswer {
            responsibility,
            other_vendor_id: opt(&self.other_vendor_id)
                .filter(|_| responsibility == Some(Responsibility::OtherVendor)),
            na_reason: if responsibility == Some(Responsibility::NotApplicable) {
                self.na_reason.trim().to_string()
            } else {
                String::new()
            },
            agreed_content: self.agreed_content.trim().to_string(),
            written_in: self.written_in.trim().to_string(),
            first_check,
            first_checked_on: opt(&self.first_checked_on),
            completed_on: opt(&self.completed_on),
            remarks: self.remarks.trim().to_string(),
        })
    }

    fn to_step(&self) -> Result<Step> {
        Ok(match self.step.as_str() {
            "propose" => Step::Propose(self.answer()?),
            "accept" => Step::Accept,
            "reopen" => Step::Reopen(self.reason.trim().to_string()),
            _ => return Err(invalid("error-rs-bad-value")),
        })
    }
}

/// The stored row as the domain's standing.
pub fn standing(row: Option<&RoleSharingItem>) -> Standing {
    match row {
        None => Standing::NEW,
        Some(r) => Standing {
            state: r.state,
            proposed_by: r.proposed_by,
        },
    }
}

/// Take one step on one item of a contract's checklist, as `party`.
pub async fn apply_step(
    ctx: &Ctx,
    auth: &Caller,
    contract: &Contract,
    party: Party,
    item_id: &str,
    input: &StepInput,
) -> Result<RoleSharingItem> {
    let (catalogs, catalog_id) = catalog_of(ctx, contract)?;
    let item = catalogs.catalogs[&catalog_id]
        .item(item_id)
        .filter(|i| answerable(i))
        .ok_or(Error::NotFound)?;
    let part2 = is_part2(item);
    let store = ctx.store();
    let current_row = store.role_sharing_item(&contract.id, item_id).await?;
    let current = current_row.as_ref();
    let version = current.map(|r| r.version).unwrap_or(0);
    if input.version != version {
        return Err(Error::Conflict("role-sharing item"));
    }
    let step = input.to_step()?;
    let next =
        rs::transition(part2, standing(current), party, &step).map_err(|e| invalid(e.key()))?;
    let mut row = current.cloned().unwrap_or_else(|| RoleSharingItem {
        institution_id: contract.institution_id.clone(),
        contract_id: contract.id.clone(),
        item_id: item_id.to_string(),
        ..Default::default()
    });
    let mut note = String::new();
    match &step {
        Step::Propose(a) => {
            // Only an answer naming another vendor needs the institution's other contracts.
            let vendors: BTreeSet<String> = if a.responsibility == Some(Responsibility::OtherVendor)
            {
                store
                    .contracts(&contract.institution_id)
                    .await?
                    .into_iter()
                    .map(|c| c.vendor_id)
                    .collect()
            } else {
                BTreeSet::new()
            };
            rs::check_answer(part2, a, &contract.vendor_id, &vendors)
                .map_err(|e| invalid(e.key()))?;
            row.responsibility = a.responsibility;
            row.other_vendor_id = a.other_vendor_id.clone();
            row.na_reason = a.na_reason.clone();
            row.agreed_content = a.agreed_content.clone();
            row.written_in = a.written_in.clone();
            row.first_check = a.first_check;
            row.first_checked_on = a.first_checked_on.clone();
            row.completed_on = a.completed_on.clone();
            row.remarks = a.remarks.clone();
        }
        Step::Accept => {}
        Step::Reopen(reason) => note = reason.clone(),
    }
    row.state = next.state;
    row.proposed_by = next.proposed_by;
    let notices = if next.state == ItemState::Negotiating && matches!(step, Step::Propose(_)) {
        crate::notifications::role_sharing_proposal(auth, contract, party)
    } else {
        vec![]
    };
    let saved = store
        .save_role_sharing_item(
            &auth.actor(),
            &RoleSharingStep {
                item: row,
                expected_version: version,
                party,
                step: step.kind(),
                note,
                notices,
            },
        )
        .await?;
    Ok(saved)
}

// ------------------------------------------------------------------ the matrix

/// One row of one system group of the matrix.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatrixRow {
    pub item_id: String,
    pub number: String,
    pub text: String,
    /// One cell per contract of the group, in the group's order.
    pub cells: Vec<MatrixCell>,
    pub flags: Vec<MatrixFlag>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatrixCell {
    pub contract_id: String,
    /// The item on this contract's own checklist (its catalog version's id).
    pub item_id: String,
    /// `institution`, `vendor`, `joint`, `other_vendor`, `not_applicable`, or null.
    pub responsibility: Option<String>,
    /// The vendor named by `other_vendor`.
    pub other_vendor: Option<String>,
    /// `unconfirmed`, `negotiating`, `agreed`.
    pub state: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatrixFlag {
    /// `gap`, `overlap`, `disagreement`, `no-without-completion`, `coordinate`.
    pub code: String,
    /// Vendor names (or 医療機関) the flag is about.
    pub parties: Vec<String>,
    /// The contract to open to fix it (the first one concerned).
    pub contract_id: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatrixGroup {
    /// The system, or "" for the group of institution-wide items (`whole`).
    pub system_id: String,
    pub system_name: String,
    /// The items about the institution as a whole, judged across every contract.
    pub whole: bool,
    /// Names of the systems it connects to.
    pub connects_to: Vec<String>,
    /// (contract id, vendor name, contract title)
    pub contracts: Vec<MatrixContract>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MatrixContract {
    pub contract_id: String,
    pub vendor_name: String,
    pub title: String,
}

#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Matrix {
    pub groups: Vec<MatrixGroup>,
    /// Count of flags per flag code.
    pub counts: BTreeMap<String, usize>,
    /// Systems no contract covers.
    pub systems_without_contract: Vec<String>,
    /// Contracts that cover no system.
    pub contracts_without_system: Vec<String>,
}

/// The cross-vendor matrix of an institution: Part 2 items × contracts, grouped by system.
pub async fn matrix(ctx: &Ctx, inst: &Institution) -> Result<Matrix> {
    let store = ctx.store();
    let (contracts, rows) =
        tokio::try_join!(store.contracts(&inst.id), store.matrix_cells(&inst.id),)?;
    matrix_of(ctx, inst, contracts, rows).await
}

/// The matrix from contracts and checklist rows already read (the dashboard has them).
pub async fn matrix_of(
    ctx: &Ctx,
    inst: &Institution,
    contracts: Vec<Contract>,
    rows: Vec<RoleSharingItem>,
) -> Result<Matrix> {
    let store = ctx.store();
    let (systems, links) =
        tokio::try_join!(store.systems(&inst.id), store.system_links(&inst.id),)?;
    let catalogs = ctx.catalogs();
    // Rows: the Part 2 items of the catalogs the contracts follow (normally one version).
    let mut items: Vec<&Item> = Vec::new();
    let mut used: Vec<&Catalog> = Vec::new();
    for c in &contracts {
        if let Some(cat) = catalogs.catalogs.get(&c.catalog_id) {
            if !used.iter().any(|u| u.catalog.id == cat.catalog.id) {
                used.push(cat);
            }
        }
    }
    if used.is_empty() {
        if let Some(cat) = current_catalog(ctx).and_then(|id| catalogs.catalogs.get(&id)) {
            used.push(cat);
        }
    }
    // Contracts on different versions meet on the same row when the item is the same
    // (its printed number, printing variants aside), in the newest version's wording.
    used.sort_by(|a, b| b.catalog.published.cmp(&a.catalog.published));
    // Each item's key, by the item's address (the items are borrowed from the catalogs
    // served for this call, so an address names one item).
    let mut key_of: std::collections::HashMap<*const Item, String> = Default::default();
    let mut keys: Vec<String> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for cat in &used {
        for i in &cat.items {
            let k = mamori_catalog::import::item_key(cat, i);
            key_of.insert(i as *const Item, k.clone());
            if is_part2(i) && answerable(i) && seen.insert(k.clone()) {
                keys.push(k);
                items.push(i);
            }
        }
    }
    let key = |i: &Item| key_of.get(&(i as *const Item)).cloned().unwrap_or_default();
    // (contract, its own item id) → the row's key.
    let row_key: std::collections::HashMap<(&str, &str), String> = contracts
        .iter()
        .filter_map(|c| catalogs.catalogs.get(&c.catalog_id).map(|cat| (c, cat)))
        .flat_map(|(c, cat)| {
            cat.items.iter().map(move |i| {
                (
                    (c.id.as_str(), i.id.as_str()),
                    mamori_catalog::import::item_key(cat, i),
                )
            })
        })
        .collect();
    let rows: Vec<(String, &RoleSharingItem)> = rows
        .iter()
        .filter_map(|r| {
            row_key
                .get(&(r.contract_id.as_str(), r.item_id.as_str()))
                .map(|k| (k.clone(), r))
        })
        .collect();
    let vendor_name: BTreeMap<&str, &str> = contracts
        .iter()
        .map(|c| (c.vendor_id.as_str(), c.vendor_name.as_str()))
        .collect();
    let name_of = |v: &str| -> String {
        if v == "institution" {
            "医療機関".to_string()
        } else {
            vendor_name
                .get(v)
                .map(|s| s.to_string())
                .unwrap_or_else(|| v.to_string())
        }
    };
    let system_name: BTreeMap<&str, &str> = systems
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_str()))
        .collect();
    let scope_of = |i: &Item| match i.scope {
        mamori_catalog::Scope::System => rs::ItemScope::System,
        mamori_catalog::Scope::Connection => rs::ItemScope::Connection,
        mamori_catalog::Scope::Institution => rs::ItemScope::Institution,
    };
    let input = rs::MatrixInput {
        systems: systems.iter().map(|s| s.id.clone()).collect(),
        links: links.clone(),
        columns: contracts
            .iter()
            .map(|c| rs::Column {
                contract_id: c.id.clone(),
                vendor_id: c.vendor_id.clone(),
                system_ids: c.system_ids.clone(),
            })
            .collect(),
        items: keys.clone(),
        scopes: items
            .iter()
            .map(|i| (key(i), scope_of(i)))
            .filter(|(_, s)| *s != rs::ItemScope::System)
            .collect(),
        cells: rows
            .iter()
            .map(|(k, r)| {
                (
                    (r.contract_id.clone(), k.clone()),
                    rs::Cell {
                        responsibility: r.responsibility,
                        other_vendor_id: r.other_vendor_id.clone(),
                        state: r.state,
                        first_check: r.first_check,
                        completed_on: r.completed_on.clone(),
                    },
                )
            })
            .collect(),
    };
    let flags = rs::analyse(&input);
    let by_key: std::collections::HashMap<(&str, &str), &RoleSharingItem> = rows
        .iter()
        .map(|(k, r)| ((r.contract_id.as_str(), k.as_str()), *r))
        .collect();
    // One group of rows: the contracts `cols` (a system's, or all of them for the
    // institution-wide items) × `items`, with the flags found under `key`.
    let own_id: std::collections::HashMap<(&str, &str), &str> = row_key
        .iter()
        .map(|((c, id), k)| ((*c, k.as_str()), *id))
        .collect();
    let group_of = |group: &str,
                    name: String,
                    connects_to: Vec<String>,
                    cols: &[&Contract],
                    items: &[&&Item]| {
        let rows = items
            .iter()
            .map(|item| {
                let k = key(item);
                let cells = cols
                    .iter()
                    .map(|c| {
                        let r = by_key.get(&(c.id.as_str(), k.as_str())).copied();
                        MatrixCell {
                            contract_id: c.id.clone(),
                            item_id: own_id
                                .get(&(c.id.as_str(), k.as_str()))
                                .map(|s| s.to_string())
                                .unwrap_or_else(|| item.id.clone()),
                            responsibility: r
                                .and_then(|r| r.responsibility)
                                .map(|x| x.as_str().to_string()),
                            other_vendor: r.and_then(|r| r.other_vendor_id.as_deref()).map(name_of),
                            state: r.map(|r| r.state).unwrap_or_default().to_string(),
                        }
                    })
                    .collect();
                let flags = flags
                    .get(&(group.to_string(), k))
                    .map(|fs| {
                        fs.iter()
                            .map(|f| matrix_flag(f, cols, &name_of, &system_name))
                            .collect()
                    })
                    .unwrap_or_default();
                MatrixRow {
                    item_id: item.id.clone(),
                    number: item.number.clone(),
                    text: item.text.clone(),
                    cells,
                    flags,
                }
            })
            .collect();
        MatrixGroup {
            system_id: group.to_string(),
            system_name: name,
            whole: group == rs::WHOLE,
            connects_to,
            contracts: cols
                .iter()
                .map(|c| MatrixContract {
                    contract_id: c.id.clone(),
                    vendor_name: c.vendor_name.clone(),
                    title: c.title.clone(),
                })
                .collect(),
            rows,
        }
    };
    let mut m = Matrix::default();
    let whole: Vec<&&Item> = items
        .iter()
        .filter(|i| scope_of(i) == rs::ItemScope::Institution)
        .collect();
    let per_system: Vec<&&Item> = items
        .iter()
        .filter(|i| scope_of(i) != rs::ItemScope::Institution)
        .collect();
    let all: Vec<&Contract> = contracts.iter().collect();
    if !whole.is_empty() && !all.is_empty() {
        m.groups.push(group_of(
            rs::WHOLE,
            ja("matrix-whole"),
            vec![],
            &all,
            &whole,
        ));
    }
    for s in &systems {
        let cols: Vec<&Contract> = contracts
            .iter()
            .filter(|c| c.system_ids.contains(&s.id))
            .collect();
        if cols.is_empty() {
            m.systems_without_contract.push(s.name.clone());
            continue;
        }
        let connects_to = links
            .iter()
            .filter_map(|(a, b)| {
                if *a == s.id {
                    Some(b)
                } else if *b == s.id {
                    Some(a)
                } else {
                    None
                }
            })
            .map(|o| system_name.get(o.as_str()).unwrap_or(&"").to_string())
            .collect();
        m.groups.push(group_of(
            &s.id,
            s.name.clone(),
            connects_to,
            &cols,
            &per_system,
        ));
    }
    for f in m.groups.iter().flat_map(|g| &g.rows).flat_map(|r| &r.flags) {
        *m.counts.entry(f.code.clone()).or_default() += 1;
    }
    m.contracts_without_system = contracts
        .iter()
        .filter(|c| c.system_ids.is_empty())
        .map(|c| format!("{}({})", c.title, c.vendor_name))
        .collect();
    Ok(m)
}

/// A finding as the matrix shows it, on a group of contracts `cols`.
fn matrix_flag(
    f: &rs::Flag,
    cols: &[&Contract],
    name_of: &impl Fn(&str) -> String,
    system_name: &BTreeMap<&str, &str>,
) -> MatrixFlag {
    let first = cols.first().map(|c| c.id.clone());
    let code = f.code().to_string();
    match f {
        rs::Flag::Gap => MatrixFlag {
            code,
            parties: vec![],
            contract_id: first,
        },
        rs::Flag::Overlap(who) => MatrixFlag {
            code,
            parties: who.iter().map(|v| name_of(v)).collect(),
            contract_id: cols
                .iter()
                .find(|c| who.contains(&c.vendor_id))
                .map(|c| c.id.clone())
                .or(first),
        },
        rs::Flag::Disagreement { contract_id, named } => MatrixFlag {
            code,
            parties: vec![name_of(named)],
            contract_id: Some(contract_id.clone()),
        },
        rs::Flag::NoWithoutCompletion(cid) => MatrixFlag {
            code,
            parties: cols
                .iter()
                .filter(|c| c.id == *cid)
                .map(|c| c.vendor_name.clone())
                .collect(),
            contract_id: Some(cid.clone()),
        },
        rs::Flag::Coordinate {
            other_system,
            other_vendor,
        } => MatrixFlag {
            code,
            parties: vec![
                name_of(other_vendor),
                system_name
                    .get(other_system.as_str())
                    .unwrap_or(&"")
                    .to_string(),
            ],
            contract_id: first,
        },
    }
}

// ------------------------------------------------------------------ exports

fn ja(key: &str) -> String {
    mamori_i18n::Tr::new(mamori_i18n::Lang::Ja).t(key)
}

/// A contract's checklist as the export lays it out (labels in Japanese, as the official
/// form).
pub async fn checklist_sheet(ctx: &Ctx, c: &Contract) -> Result<mamori_export::ChecklistSheet> {
    let (catalogs, catalog_id) = catalog_of(ctx, c)?;
    let cat = &catalogs.catalogs[&catalog_id];
    let rows = ctx.store().role_sharing_items(&c.id).await?;
    let mut out = Vec::new();
    for s in &cat.sections {
        let items: Vec<&Item> = cat.items.iter().filter(|i| i.section == s.id).collect();
        let heading = format!("{} {}", s.number, s.title).trim().to_string();
        out.push(mamori_export::ChecklistRow {
            heading: heading.clone(),
            is_heading: true,
            ..Default::default()
        });
        for i in items {
            let r = rows.iter().find(|r| r.item_id == i.id);
            let part2 = is_part2(i);
            let state_key = match (answerable(i), part2, r.map(|r| r.state)) {
                (false, _, _) => "rs-reference".to_string(),
                (true, false, Some(ItemState::Agreed)) => "rs-state-answered".to_string(),
                (true, false, _) => "rs-state-unanswered".to_string(),
                (true, true, s) => format!("rs-state-{}", s.unwrap_or_default()),
            };
            let resp = r
                .and_then(|r| r.responsibility)
                .map(|x| {
                    let mut l = ja(&format!("rs-resp-{}", x.as_str().replace('_', "-")));
                    if let Some(v) = r.and_then(|r| r.other_vendor_id.as_deref()) {
                        l.push_str(&format!("({v})"));
                    }
                    l
                })
                .unwrap_or_default();
            out.push(mamori_export::ChecklistRow {
                number: i.number.clone(),
                heading: s.title.clone(),
                text: i.text.clone(),
                first_check: r
                    .and_then(|r| r.first_check)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                first_checked_on: r
                    .and_then(|r| r.first_checked_on.clone())
                    .unwrap_or_default(),
                completed_on: r.and_then(|r| r.completed_on.clone()).unwrap_or_default(),
                remarks: r.map(|r| r.remarks.clone()).unwrap_or_default(),
                responsibility: resp,
                agreed_content: r.map(|r| r.agreed_content.clone()).unwrap_or_default(),
                written_in: r.map(|r| r.written_in.clone()).unwrap_or_default(),
                state: ja(&state_key),
                is_heading: false,
            });
        }
    }
    // Vendor ids named by "another vendor" are shown by name.
    let contracts = ctx.store().contracts(&c.institution_id).await?;
    for row in &mut out {
        for other in &contracts {
            if row.responsibility.contains(&other.vendor_id) {
                row.responsibility = row
                    .responsibility
                    .replace(&other.vendor_id, &other.vendor_name);
            }
        }
    }
    let tr = mamori_i18n::Tr::new(mamori_i18n::Lang::Ja);
    let mut title = format!("{}({})", cat.catalog.title, cat.catalog.version);
    if let Some(note) = crate::catalogs::partial_note(&tr, cat) {
        title = format!("{title} — {note}");
    }
    Ok(mamori_export::ChecklistSheet {
        title,
        institution: format!("{}({})", c.institution_name, c.institution_code),
        vendor: c.vendor_name.clone(),
        contract: c.title.clone(),
        exported_on: mamori_domain::time::today_jst(),
        rows: out,
    })
}

/// The matrix as the export lays it out.
pub fn matrix_sheet(inst: &Institution, m: &Matrix) -> mamori_export::MatrixSheet {
    mamori_export::MatrixSheet {
        institution: format!("{}({})", inst.name, inst.code),
        exported_on: mamori_domain::time::today_jst(),
        groups: m
            .groups
            .iter()
            .map(|g| mamori_export::MatrixGroup {
                system: g.system_name.clone(),
                contracts: g
                    .contracts
                    .iter()
                    .map(|c| format!("{}({})", c.vendor_name, c.title))
                    .collect(),
                rows: g
                    .rows
                    .iter()
                    .map(|r| {
                        (
                            r.number.clone(),
                            r.text.clone(),
                            r.cells
                                .iter()
                                .map(|c| {
                                    let who = c
                                        .responsibility
                                        .as_deref()
                                        .map(|x| ja(&format!("rs-resp-{}", x.replace('_', "-"))))
                                        .unwrap_or_else(|| "—".into());
                                    let other = c
                                        .other_vendor
                                        .as_ref()
                                        .map(|o| format!(":{o}"))
                                        .unwrap_or_default();
                                    format!(
                                        "{who}{other}({})",
                                        ja(&format!("rs-state-{}", c.state))
                                    )
                                })
                                .collect(),
                            r.flags
                                .iter()
                                .map(|f| {
                                    let l = ja(&format!("matrix-flag-{}", f.code));
                                    if f.parties.is_empty() {
                                        l
                                    } else {
                                        format!("{l}: {}", f.parties.join("・"))
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join(" / "),
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}
