//! A vendor's standard answers to the 事業者確認用 sheet (the yearly checklist's vendor
//! sheet), per product: kept by the vendor's own members, listed and edited, and applied to
//! many institutions' open sheets at once — first as a preview of what each sheet would
//! get, then for real, every slot through the one answer path (`answers::save`: the same
//! rules, the same audit) with each sheet's own dates.

use crate::answers::{self, AnswerForm, Sheet};
use crate::error::{Error, Result};
use crate::vendor_sheets::sheet_for;
use crate::{Caller, Ctx};
use mamori_domain::assessment::{self as asm, Slot};
use mamori_domain::codes::VendorSheetStatus;
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::Party;
use mamori_domain::standard_answers::check_sheet_standard;
use mamori_store::{SheetStandardAnswer, VendorSheet};
use serde::{Deserialize, Serialize};

/// One standard answer as the form or JSON sends it; `remove` deletes it instead.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SheetStandardInput {
    /// One of the caller's own vendors.
    #[serde(default)]
    pub vendor_id: String,
    /// The product (1–100 characters).
    #[serde(default)]
    pub product: String,
    /// The vendor sheet version (`mhlw/cyber-checklist-vendor@R6`); empty: the newest.
    #[serde(default)]
    pub catalog_id: String,
    #[serde(default)]
    pub item_id: String,
    /// `all`, or the device class the item asks about.
    #[serde(default)]
    pub slot: String,
    /// `yes` or `no`.
    #[serde(default)]
    pub check1: String,
    /// For `no`: the date by which the measure will be taken (`YYYY-MM-DD`).
    #[serde(default)]
    pub target_on: String,
    #[serde(default)]
    pub note: String,
    /// Remove this product's answer to the item's slot.
    #[serde(default)]
    pub remove: bool,
}

/// Which product's answers go to which sheets.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SheetApplyInput {
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub product: String,
    /// Open sheets of that vendor (requested, not submitted).
    #[serde(default)]
    pub sheets: Vec<String>,
}

/// What one slot of a sheet gets from the standard answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PlannedSlot {
    pub item_id: String,
    pub number: String,
    pub slot: String,
    pub check1: String,
    /// The date of the first check it will carry (the sheet's year).
    pub check1_on: String,
    pub target_on: Option<String>,
    /// Why it cannot go into this sheet (a Fluent key), if it cannot.
    pub refused: Option<String>,
}

/// What a sheet gets: the slots to fill, and how many it keeps (answered already).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SheetPlan {
    pub sheet_id: String,
    pub institution_name: String,
    pub fiscal_year: i64,
    pub contract_title: String,
    pub fill: Vec<PlannedSlot>,
    /// Slots with an answer already: left as they are.
    pub kept: usize,
    /// Slots filled (after applying; 0 in a preview).
    pub applied: usize,
}

/// The most sheets one preview or application takes.
pub const MAX_SHEETS: usize = 100;

/// The newest served vendor sheet version, or the one named (it must be served).
pub fn catalog_of(ctx: &Ctx, named: &str) -> Result<String> {
    let reg = ctx.catalogs();
    if !named.is_empty() {
        return reg
            .catalogs
            .get(named)
            .filter(|c| c.catalog.document == "cyber-checklist-vendor")
            .map(|c| c.catalog.id.clone())
            .ok_or(Error::Invalid {
                field: "catalog_id",
                key: "error-standard-answer",
            });
    }
    crate::assessments::versions(&reg, "cyber-checklist-vendor")
        .first()
        .map(|c| c.catalog.id.clone())
        .ok_or(Error::NotFound)
}

/// The standard answers of the caller's vendors (of one, with `vendor_id`).
pub async fn list(
    ctx: &Ctx,
    caller: &Caller,
    vendor_id: Option<&str>,
) -> Result<Vec<SheetStandardAnswer>> {
    crate::access::require(caller, Action::UseVendorPortal, Scope::Platform)?;
    let vendors = match vendor_id {
        Some(v) => {
            crate::access::own_vendor(caller, v)?;
            vec![v.to_string()]
        }
        None => caller.principal.vendor_ids.clone(),
    };
    let mut out = Vec::new();
    for v in &vendors {
        out.extend(ctx.store().sheet_standard_answers(v).await?);
    }
    Ok(out)
}

/// Save (or, with `remove`, delete) one standard answer: the caller's vendor, a served
/// vendor sheet version, one of its items and that item's slots; the answer under
/// [`check_sheet_standard`]. Audited. Returns the answer kept (none once removed).
pub async fn save(
    ctx: &Ctx,
    caller: &Caller,
    input: &SheetStandardInput,
) -> Result<Option<SheetStandardAnswer>> {
    crate::access::own_vendor(caller, &input.vendor_id)?;
    let catalog_id = catalog_of(ctx, &input.catalog_id)?;
    let reg = ctx.catalogs();
    let cat = reg.catalogs.get(&catalog_id).ok_or(Error::NotFound)?;
    let item = cat.item(&input.item_id).ok_or(Error::Invalid {
        field: "item_id",
        key: "error-standard-answer",
    })?;
    let slots = asm::slots(
        &item
            .devices
            .iter()
            .map(|d| crate::assessments::slot_of(*d))
            .collect::<Vec<_>>(),
    );
    let slot = Slot::parse(&input.slot)
        .filter(|s| slots.contains(s))
        .ok_or(Error::Invalid {
            field: "slot",
            key: "error-cy-wrong-slot",
        })?;
    let key = |check1, target_on, note, product: String| SheetStandardAnswer {
        vendor_id: input.vendor_id.clone(),
        product,
        catalog_id: catalog_id.clone(),
        item_id: item.id.clone(),
        slot,
        check1,
        target_on,
        note,
        updated_at: 0,
    };
    if input.remove {
        let product = input.product.trim().to_string();
        ctx.store()
            .delete_sheet_standard_answer(
                &caller.actor(),
                &key(asm::YesNo::Yes, None, String::new(), product),
            )
            .await?;
        return Ok(None);
    }
    let s = check_sheet_standard(&input.product, &input.check1, &input.target_on, &input.note)
        .map_err(Error::invalid)?;
    let answer = key(s.check1, s.target_on, s.note, s.product);
    ctx.store()
        .save_sheet_standard_answer(&caller.actor(), &answer)
        .await?;
    Ok(ctx
        .store()
        .sheet_standard_answers(&answer.vendor_id)
        .await?
        .into_iter()
        .find(|a| {
            a.product == answer.product
                && a.catalog_id == answer.catalog_id
                && a.item_id == answer.item_id
                && a.slot == answer.slot
        }))
}

/// The sheets the standard answers may go to: the vendor's sheets still open
/// (requested, not submitted), every institution and year.
pub async fn open_sheets(ctx: &Ctx, caller: &Caller, vendor_id: &str) -> Result<Vec<VendorSheet>> {
    crate::access::own_vendor(caller, vendor_id)?;
    Ok(ctx
        .store()
        .vendor_sheets_of(&[vendor_id.to_string()])
        .await?
        .into_iter()
        .filter(|s| s.status == VendorSheetStatus::Requested)
        .collect())
}

/// What applying would do (nothing is written), or, with `write`, what it did.
async fn run(
    ctx: &Ctx,
    caller: &Caller,
    input: &SheetApplyInput,
    write: bool,
) -> Result<Vec<SheetPlan>> {
    crate::access::own_vendor(caller, &input.vendor_id)?;
    let product = input.product.trim();
    if input.sheets.is_empty() {
        return Err(Error::Invalid {
            field: "sheets",
            key: "error-std-no-sheets",
        });
    }
    // Bounded work per request; a sheet named twice is applied once.
    if input.sheets.len() > MAX_SHEETS {
        return Err(Error::Invalid {
            field: "sheets",
            key: "error-std-too-many-sheets",
        });
    }
    let mut ids: Vec<&String> = input.sheets.iter().collect();
    ids.sort();
    ids.dedup();
    // Every sheet is checked before anything is written: the caller's vendor's, open.
    let mut sheets = Vec::new();
    for id in ids {
        let (s, party) = sheet_for(ctx, caller, id).await?;
        if party != Party::Vendor || s.vendor_id != input.vendor_id {
            return Err(Error::NotFound);
        }
        if s.status != VendorSheetStatus::Requested {
            return Err(Error::invalid(asm::SheetOwner::Vendor.closed()));
        }
        sheets.push(s);
    }
    let standards: Vec<SheetStandardAnswer> = ctx
        .store()
        .sheet_standard_answers(&input.vendor_id)
        .await?
        .into_iter()
        .filter(|a| a.product == product)
        .collect();
    if standards.is_empty() {
        return Err(Error::Invalid {
            field: "product",
            key: "error-std-no-answers",
        });
    }
    let today = mamori_domain::time::date_jst(ctx.now());
    let reg = ctx.catalogs();
    let mut plans = Vec::new();
    for s in sheets {
        let have = ctx.store().vendor_sheet_answers(&s.id).await?;
        let cat = reg.catalogs.get(&s.catalog_id);
        let mut plan = SheetPlan {
            sheet_id: s.id.clone(),
            institution_name: s.institution_name.clone(),
            fiscal_year: s.fiscal_year,
            contract_title: s.contract_title.clone(),
            fill: vec![],
            kept: 0,
            applied: 0,
        };
        // In the sheet's order: its items, and each item's slots as the sheet shows them.
        let mut mine: Vec<&SheetStandardAnswer> = standards
            .iter()
            .filter(|a| a.catalog_id == s.catalog_id)
            .collect();
        if let Some(cat) = cat {
            let place = |a: &SheetStandardAnswer| {
                let item = cat.items.iter().position(|i| i.id == a.item_id);
                let slot = cat.item(&a.item_id).and_then(|i| {
                    i.devices
                        .iter()
                        .position(|d| crate::assessments::slot_of(*d) == a.slot)
                });
                (item, slot)
            };
            mine.sort_by_key(|a| place(a));
        }
        for a in mine {
            if have
                .iter()
                .any(|h| h.item_id == a.item_id && h.slot == a.slot && !h.carried)
            {
                plan.kept += 1;
                continue;
            }
            let version = have
                .iter()
                .find(|h| h.item_id == a.item_id && h.slot == a.slot)
                .map(|h| h.version)
                .unwrap_or(0);
            let dated = asm::copied_answer(
                s.fiscal_year as i32,
                &today,
                &asm::Answer {
                    check1: Some(a.check1),
                    check1_on: None,
                    target_on: a.target_on.clone(),
                    note: a.note.clone(),
                    ..Default::default()
                },
            );
            let form = AnswerForm {
                item_id: a.item_id.clone(),
                slot: a.slot.to_string(),
                version,
                check1: a.check1.to_string(),
                check1_on: dated.check1_on.clone().unwrap_or_default(),
                target_on: dated.target_on.clone().unwrap_or_default(),
                note: dated.note.clone(),
                ..Default::default()
            };
            let mut planned = PlannedSlot {
                number: cat
                    .and_then(|c| c.item(&a.item_id))
                    .map(|i| i.number.clone())
                    .unwrap_or_else(|| a.item_id.clone()),
                item_id: a.item_id.clone(),
                slot: a.slot.to_string(),
                check1: a.check1.to_string(),
                check1_on: form.check1_on.clone(),
                target_on: dated.target_on.clone(),
                refused: answers::check_only(ctx, Sheet::Vendor(&s), &have, &form)?
                    .map(String::from),
            };
            if write && planned.refused.is_none() {
                match answers::save(ctx, caller, Sheet::Vendor(&s), &form).await {
                    Ok(_) => plan.applied += 1,
                    Err(Error::Invalid { key, .. }) => planned.refused = Some(key.to_string()),
                    Err(Error::Conflict(_)) => planned.refused = Some("error-conflict".into()),
                    Err(e) => return Err(e),
                }
            }
            plan.fill.push(planned);
        }
        plans.push(plan);
    }
    Ok(plans)
}

/// What applying the product's answers to the sheets would do; nothing is written.
pub async fn preview(
    ctx: &Ctx,
    caller: &Caller,
    input: &SheetApplyInput,
) -> Result<Vec<SheetPlan>> {
    run(ctx, caller, input, false).await
}

/// Apply the product's answers to the sheets: slots already answered are kept; each slot
/// is saved through the one answer path (rules, version check, audit). Slots a sheet
/// refuses (a target date outside its year, say) are reported, not forced.
pub async fn apply(ctx: &Ctx, caller: &Caller, input: &SheetApplyInput) -> Result<Vec<SheetPlan>> {
    run(ctx, caller, input, true).await
}
