//! Standard answers: a vendor's answers per product, applied to many contracts at once.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use mamori_app::role_sharing as rsw;
use mamori_app::standard_answers::{Applied, StandardAnswerInput};
use mamori_domain::policy::{Action, Scope};
use mamori_store::StandardAnswer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
#[template(path = "vendors/vendor_standard.html")]
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
    /// Every product with standard answers: (name, its page, role-sharing answers,
    /// vendor-sheet answers).
    all_products: Vec<(String, String, usize, usize)>,
    /// The vendor sheet's standard answers of the product, and the sheets to apply them to.
    sheet: Option<super::sheet_standards::SheetStdSection>,
    sheet_result: Option<String>,
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
    #[serde(default)]
    pub ss_filled: Option<usize>,
    #[serde(default)]
    pub ss_sheets: Option<usize>,
    #[serde(default)]
    pub ss_refused: Option<usize>,
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
    let sheet_answers = if vendor_id.is_empty() {
        vec![]
    } else {
        mamori_app::sheet_standards::list(&state, &auth, Some(&vendor_id)).await?
    };
    let mut all: Vec<String> = products.clone();
    all.extend(sheet_answers.iter().map(|a| a.product.clone()));
    all.sort();
    all.dedup();
    let product = if q.product.trim().is_empty() {
        all.first().cloned().unwrap_or_default()
    } else {
        q.product.trim().to_string()
    };
    let all_products = all
        .into_iter()
        .map(|p| {
            let href = format!(
                "/vendor/standard-answers?{}",
                serde_urlencoded::to_string([("vendor", vendor_id.as_str()), ("product", &p)])
                    .unwrap_or_default()
            );
            let rs = answers.iter().filter(|a| a.product == p).count();
            let ss = sheet_answers.iter().filter(|a| a.product == p).count();
            (p, href, rs, ss)
        })
        .collect();
    let sheet = if product.is_empty() {
        None
    } else {
        super::sheet_standards::section(&state, &auth, &tr, &vendor_id, &product, &sheet_answers)
            .await?
    };
    let sheet_result = match (q.ss_filled, q.ss_sheets, q.ss_refused) {
        (Some(f), Some(n), Some(r)) => Some(format!(
            "{}{}",
            tr.targs(
                "ss-applied",
                &[("count", f.to_string()), ("sheets", n.to_string())]
            ),
            if r > 0 {
                format!(" {}", tr.t1("ss-applied-refused", "count", r))
            } else {
                String::new()
            }
        )),
        _ => None,
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
        all_products,
        sheet,
        sheet_result,
        page,
    })?
    .into_response())
}

pub async fn save_standard_answer(
    State(state): State<AppState>,
    auth: Auth,
    Form(f): Form<StandardAnswerInput>,
) -> AppResult<Response> {
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    let here = format!(
        "/vendor/standard-answers?vendor={}&product={}",
        enc(&f.vendor_id),
        enc(f.product.trim())
    );
    match mamori_app::standard_answers::save(&state, &auth, &f).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{here}&ok=flash-standard-saved#std-{}", f.item_id))
                .into_response(),
        ),
        Err(mamori_app::Error::Invalid { key, .. }) => {
            Ok(Redirect::to(&format!("{here}&err={key}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
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
    let Applied { applied, skipped } =
        mamori_app::standard_answers::apply(&state, &auth, &f.vendor_id, &f.product, &f.contract)
            .await?;
    let enc =
        |s: &str| serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string();
    Ok(Redirect::to(&format!(
        "/vendor/standard-answers?vendor={}&product={}&applied={applied}&skipped={skipped}",
        enc(&f.vendor_id),
        enc(&f.product)
    ))
    .into_response())
}

// ------------------------------------------------------------------ the API

/// A standard answer of one of the caller's vendors.
#[derive(Serialize, ToSchema)]
pub struct StandardAnswerView {
    pub vendor_id: String,
    pub product: String,
    /// The role-sharing checklist version it answers.
    pub catalog_id: String,
    pub item_id: String,
    /// `vendor`, `joint` or `institution`.
    pub responsibility: String,
    pub agreed_content: String,
    pub written_in: String,
    pub remarks: String,
    pub updated_at: i64,
}

impl From<StandardAnswer> for StandardAnswerView {
    fn from(a: StandardAnswer) -> Self {
        StandardAnswerView {
            vendor_id: a.vendor_id,
            product: a.product,
            catalog_id: a.catalog_id,
            item_id: a.item_id,
            responsibility: a.responsibility,
            agreed_content: a.agreed_content,
            written_in: a.written_in,
            remarks: a.remarks,
            updated_at: a.updated_at,
        }
    }
}

/// Which product's standard answers to propose, and in which contracts.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApplyInput {
    /// One of the caller's own vendors.
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub product: String,
    /// Contracts of that vendor (any other: 404, and nothing is proposed).
    #[serde(default)]
    pub contracts: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AppliedView {
    /// Items proposed.
    pub applied: usize,
    /// Items left as they were (agreed, or already proposed by the vendor).
    pub skipped: usize,
}

/// The standard answers of the caller's vendors.
#[utoipa::path(get, path = "/vendor/standard-answers", tag = "vendor",
    responses((status = 200, body = Vec<StandardAnswerView>)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<StandardAnswerView>>> {
    let list = mamori_app::standard_answers::list(&state, &auth, None).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Save a standard answer of one of the caller's vendors (another vendor: 404); saving the
/// same vendor, product and item again replaces it.
#[utoipa::path(put, path = "/vendor/standard-answers", tag = "vendor",
    request_body = StandardAnswerInput,
    responses((status = 200, body = StandardAnswerView), (status = 422, body = ErrorBody)))]
pub async fn api_save(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<StandardAnswerInput>,
) -> AppResult<Json<StandardAnswerView>> {
    let a = mamori_app::standard_answers::save(&state, &auth, &input).await?;
    Ok(Json(a.into()))
}

/// Propose a product's standard answers in contracts of the vendor. Agreed items, and items
/// the vendor already proposed, are skipped.
#[utoipa::path(post, path = "/vendor/standard-answers/apply", tag = "vendor",
    request_body = ApplyInput, responses((status = 200, body = AppliedView)))]
pub async fn api_apply(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ApplyInput>,
) -> AppResult<Json<AppliedView>> {
    let Applied { applied, skipped } = mamori_app::standard_answers::apply(
        &state,
        &auth,
        &input.vendor_id,
        &input.product,
        &input.contracts,
    )
    .await?;
    Ok(Json(AppliedView { applied, skipped }))
}
