//! Standard answers: a vendor's answers per product, applied to many contracts at once.

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::role_sharing::{self as rsw, StepInput};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::role_sharing::Party;
use mamori_store::StandardAnswer;
use serde::Deserialize;

use super::pages::*;

// ------------------------------------------------------------------ standard answers

pub struct StdItem {
    pub id: String,
    pub number: String,
    pub text: String,
    pub responsibility: String,
    pub agreed_content: String,
    pub written_in: String,
    pub remarks: String,
}

#[derive(Template)]
#[template(path = "vendor_standard.html")]
pub(crate) struct StandardPage {
    page: PageCtx,
    vendors: Vec<(String, String)>,
    vendor_id: String,
    products: Vec<String>,
    product: String,
    items: Vec<StdItem>,
    responsibilities: Vec<(String, String)>,
    contracts: Vec<(String, String)>,
    result: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct StandardQuery {
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub ok: Option<String>,
    #[serde(default)]
    pub err: Option<String>,
    #[serde(default)]
    pub applied: Option<usize>,
    #[serde(default)]
    pub skipped: Option<usize>,
}

pub async fn standard_answers(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<StandardQuery>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::UseVendorPortal, Scope::Platform)?;
    let flash = Flash {
        ok: q.ok.clone(),
        err: q.err.clone(),
    };
    let page = PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor/standard-answers")
        .await?
        .with_flash(&flash);
    let tr = page.tr;
    let vendors: Vec<(String, String)> = state
        .store()
        .list_vendors()
        .await?
        .into_iter()
        .filter(|v| auth.principal.vendor_ids.contains(&v.id))
        .map(|v| (v.id, v.name))
        .collect();
    let vendor_id = if vendors.iter().any(|(v, _)| *v == q.vendor) {
        q.vendor.clone()
    } else {
        vendors.first().map(|(v, _)| v.clone()).unwrap_or_default()
    };
    let answers = state.store().standard_answers(&vendor_id).await?;
    let mut products: Vec<String> = answers.iter().map(|a| a.product.clone()).collect();
    products.dedup();
    let product = if q.product.trim().is_empty() {
        products.first().cloned().unwrap_or_default()
    } else {
        q.product.trim().to_string()
    };
    let catalog_id = rsw::current_catalog(&state).unwrap_or_default();
    let catalogs = state.catalogs();
    let items = catalogs
        .catalogs
        .get(&catalog_id)
        .map(|cat| {
            cat.items
                .iter()
                .filter(|i| rsw::is_part2(i) && rsw::answerable(i))
                .map(|i| {
                    let a = answers
                        .iter()
                        .find(|a| a.product == product && a.item_id == i.id);
                    StdItem {
                        id: i.id.clone(),
                        number: i.number.clone(),
                        text: i.text.clone(),
                        responsibility: a.map(|a| a.responsibility.clone()).unwrap_or_default(),
                        agreed_content: a.map(|a| a.agreed_content.clone()).unwrap_or_default(),
                        written_in: a.map(|a| a.written_in.clone()).unwrap_or_default(),
                        remarks: a.map(|a| a.remarks.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let contracts = state
        .store()
        .vendor_contracts(std::slice::from_ref(&vendor_id))
        .await?
        .into_iter()
        .map(|c| (c.id, format!("{} — {}", c.institution_name, c.title)))
        .collect();
    let result = match (q.applied, q.skipped) {
        (Some(a), Some(s)) => Some(format!(
            "{} {}",
            tr.t1("std-applied", "count", a),
            tr.t1("std-skipped", "count", s)
        )),
        _ => None,
    };
    Ok(render(&StandardPage {
        vendors,
        vendor_id,
        products,
        product,
        items,
        responsibilities: [
            mamori_domain::role_sharing::Responsibility::Vendor,
            mamori_domain::role_sharing::Responsibility::Joint,
            mamori_domain::role_sharing::Responsibility::Institution,
        ]
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                tr.t(&format!("rs-resp-{}", r.as_str().replace('_', "-"))),
            )
        })
        .collect(),
        contracts,
        result,
        page,
    })?
    .into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct StandardForm {
    pub vendor_id: String,
    pub product: String,
    pub item_id: String,
    #[serde(default)]
    pub responsibility: String,
    #[serde(default)]
    pub agreed_content: String,
    #[serde(default)]
    pub written_in: String,
    #[serde(default)]
    pub remarks: String,
}

pub async fn save_standard_answer(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<StandardForm>,
) -> AppResult<Response> {
    own_vendor(&auth, &f.vendor_id)?;
    let product = f.product.trim();
    let catalog_id = rsw::current_catalog(&state).unwrap_or_default();
    let known_item = state
        .catalogs()
        .catalogs
        .get(&catalog_id)
        .and_then(|c| c.item(&f.item_id).map(rsw::is_part2))
        .unwrap_or(false);
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    let here = format!(
        "/vendor/standard-answers?vendor={}&product={}",
        enc(&f.vendor_id),
        enc(product)
    );
    let bad = product.is_empty()
        || product.chars().count() > 100
        || !known_item
        || !["vendor", "joint", "institution"].contains(&f.responsibility.as_str())
        || [&f.agreed_content, &f.written_in, &f.remarks]
            .iter()
            .any(|t| t.chars().count() > 4000);
    if bad {
        return Ok(Redirect::to(&format!("{here}&err=error-standard-answer")).into_response());
    }
    state
        .store()
        .save_standard_answer(
            &auth.actor(),
            &StandardAnswer {
                vendor_id: f.vendor_id.clone(),
                product: product.into(),
                catalog_id,
                item_id: f.item_id.clone(),
                responsibility: f.responsibility.clone(),
                agreed_content: f.agreed_content.trim().into(),
                written_in: f.written_in.trim().into(),
                remarks: f.remarks.trim().into(),
                updated_at: 0,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("{here}&ok=flash-standard-saved#std-{}", f.item_id)).into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct ApplyForm {
    pub vendor_id: String,
    pub product: String,
    #[serde(default)]
    pub contract: Vec<String>,
}

/// Propose the product's standard answers in each chosen contract. Agreed items, and
/// items where the vendor's side already made a proposal, are left as they are.
pub async fn apply_standard_answers(
    State(state): State<AppState>,
    auth: Auth,
    axum_extra::extract::Form(f): axum_extra::extract::Form<ApplyForm>,
) -> AppResult<Response> {
    own_vendor(&auth, &f.vendor_id)?;
    let answers: Vec<StandardAnswer> = state
        .store()
        .standard_answers(&f.vendor_id)
        .await?
        .into_iter()
        .filter(|a| a.product == f.product)
        .collect();
    let (mut applied, mut skipped) = (0usize, 0usize);
    for cid in &f.contract {
        let (c, party) =
            rsw::contract_for(state.store(), &auth, cid, Action::AnswerRoleSharing).await?;
        if party != Party::Vendor || c.vendor_id != f.vendor_id {
            return Err(AppError::NotFound);
        }
        let rows = state.store().role_sharing_items(&c.id).await?;
        for a in answers.iter().filter(|a| a.catalog_id == c.catalog_id) {
            let row = rows.iter().find(|r| r.item_id == a.item_id);
            let st = rsw::standing(row);
            let mine = st.proposed_by == Some(Party::Vendor)
                && st.state == mamori_domain::role_sharing::ItemState::Negotiating;
            if st.state == mamori_domain::role_sharing::ItemState::Agreed || mine {
                skipped += 1;
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
            match rsw::apply_step(&state, &auth, &c, party, &a.item_id, &input)
                .await
                .map_err(AppError::from)
            {
                Ok(_) => applied += 1,
                Err(AppError::Invalid { .. } | AppError::Conflict(_) | AppError::NotFound) => {
                    skipped += 1
                }
                Err(e) => return Err(e),
            }
        }
    }
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    Ok(Redirect::to(&format!(
        "/vendor/standard-answers?vendor={}&product={}&applied={applied}&skipped={skipped}",
        enc(&f.vendor_id),
        enc(&f.product)
    ))
    .into_response())
}
