//! A vendor's standard answers: its answers to the role-sharing checklist's Part 2 items,
//! per product, kept by the vendor's own members and proposed in many contracts at once.

use crate::access::require;
use crate::error::{Error, Result};
use crate::role_sharing::{self as rsw, StepInput};
use crate::{Caller, Ctx};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::{ItemState, Party};
use mamori_domain::standard_answers::check_standard_answer;
use mamori_store::StandardAnswer;
use serde::Deserialize;

/// One standard answer, as the form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct StandardAnswerInput {
    /// One of the caller's own vendors.
    #[serde(default)]
    pub vendor_id: String,
    /// The product the answer is for (1–100 characters).
    #[serde(default)]
    pub product: String,
    /// A Part 2 item of the current role-sharing checklist.
    #[serde(default)]
    pub item_id: String,
    /// `vendor`, `joint` or `institution`.
    #[serde(default)]
    pub responsibility: String,
    /// At most 4,000 characters.
    #[serde(default)]
    pub agreed_content: String,
    /// At most 4,000 characters.
    #[serde(default)]
    pub written_in: String,
    /// At most 4,000 characters.
    #[serde(default)]
    pub remarks: String,
}

/// What applying the standard answers did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    /// Items proposed.
    pub applied: usize,
    /// Items left as they were (agreed, already proposed by the vendor, or refused).
    pub skipped: usize,
}

/// The standard answers of the caller's vendors (of one, with `vendor_id`: another is 404).
pub async fn list(
    ctx: &Ctx,
    caller: &Caller,
    vendor_id: Option<&str>,
) -> Result<Vec<StandardAnswer>> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    let vendors = match vendor_id {
        Some(v) => {
            crate::access::own_vendor(caller, v)?;
            vec![v.to_string()]
        }
        None => caller.principal.vendor_ids.clone(),
    };
    let mut out = Vec::new();
    for v in &vendors {
        out.extend(ctx.store().standard_answers(v).await?);
    }
    Ok(out)
}

/// Save a standard answer of one of the caller's vendors (for the current role-sharing
/// checklist; a second save of the same product and item replaces it). Audited.
pub async fn save(
    ctx: &Ctx,
    caller: &Caller,
    input: &StandardAnswerInput,
) -> Result<StandardAnswer> {
    crate::access::own_vendor(caller, &input.vendor_id)?;
    let (product, [agreed_content, written_in, remarks]) = check_standard_answer(
        &input.product,
        &input.responsibility,
        [&input.agreed_content, &input.written_in, &input.remarks],
    )
    .map_err(Error::invalid)?;
    let catalog_id = rsw::current_catalog(ctx).unwrap_or_default();
    let known_item = ctx
        .catalogs()
        .catalogs
        .get(&catalog_id)
        .and_then(|c| c.item(&input.item_id).map(rsw::is_part2))
        .unwrap_or(false);
    if !known_item {
        return Err(Error::Invalid {
            field: "item_id",
            key: "error-standard-answer",
        });
    }
    let answer = StandardAnswer {
        vendor_id: input.vendor_id.clone(),
        product,
        catalog_id,
        item_id: input.item_id.clone(),
        responsibility: input.responsibility.clone(),
        agreed_content,
        written_in,
        remarks,
        updated_at: 0,
    };
    ctx.store()
        .save_standard_answer(&caller.actor(), &answer)
        .await?;
    let saved = ctx
        .store()
        .standard_answers(&answer.vendor_id)
        .await?
        .into_iter()
        .find(|a| {
            a.product == answer.product
                && a.catalog_id == answer.catalog_id
                && a.item_id == answer.item_id
        })
        .unwrap_or(answer);
    Ok(saved)
}

/// Propose the product's standard answers in each of `contracts` (contracts of that vendor,
/// on the vendor's side: any other is 404, checked before anything is proposed). Agreed
/// items, and items where the vendor's side already made a proposal, are left as they are;
/// each proposal is a role-sharing step with its own audit event.
pub async fn apply(
    ctx: &Ctx,
    caller: &Caller,
    vendor_id: &str,
    product: &str,
    contracts: &[String],
) -> Result<Applied> {
    crate::access::own_vendor(caller, vendor_id)?;
    let answers: Vec<StandardAnswer> = ctx
        .store()
        .standard_answers(vendor_id)
        .await?
        .into_iter()
        .filter(|a| a.product == product)
        .collect();
    let mut chosen = Vec::new();
    for cid in contracts {
        let (c, party) =
            rsw::contract_for(ctx.store(), caller, cid, Action::AnswerRoleSharing).await?;
        if party != Party::Vendor || c.vendor_id != vendor_id {
            return Err(Error::NotFound);
        }
        chosen.push((c, party));
    }
    let mut done = Applied::default();
    for (c, party) in &chosen {
        let rows = ctx.store().role_sharing_items(&c.id).await?;
        for a in answers.iter().filter(|a| a.catalog_id == c.catalog_id) {
            let row = rows.iter().find(|r| r.item_id == a.item_id);
            let st = rsw::standing(row);
            let mine = st.proposed_by == Some(Party::Vendor) && st.state == ItemState::Negotiating;
            if st.state == ItemState::Agreed || mine {
                done.skipped += 1;
                continue;
            }
            let input = StepInput {
                step: "propose".into(),
                version: row.map(|r| r.version).unwrap_or(0),
                responsibility: a.responsibility.clone(),
                agreed_content: a.agreed_content.clone(),
                written_in: a.written_in.clone(),
                remarks: a.remarks.clone(),
                first_check: row
                    .and_then(|r| r.first_check)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                first_checked_on: row
                    .and_then(|r| r.first_checked_on.clone())
                    .unwrap_or_default(),
                completed_on: row.and_then(|r| r.completed_on.clone()).unwrap_or_default(),
                ..Default::default()
            };
            match rsw::apply_step(ctx, caller, c, *party, &a.item_id, &input).await {
                Ok(_) => done.applied += 1,
                Err(Error::Invalid { .. } | Error::Conflict(_) | Error::NotFound) => {
                    done.skipped += 1
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(done)
}
