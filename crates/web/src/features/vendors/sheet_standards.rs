//! Standard answers for the 事業者確認用 sheet: kept per product on the standard-answers
//! page, previewed against the vendor's open sheets, then applied to them at once.

use crate::http::api::{ApiJson, ErrorBody};
use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use mamori_app::sheet_standards::{SheetApplyInput, SheetPlan, SheetStandardInput};
use mamori_domain::assessment as asm;
use mamori_store::SheetStandardAnswer;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One slot of an item of the vendor sheet, with the product's standard answer if any.
pub struct SheetStdRow {
    pub anchor: String,
    pub item_id: String,
    pub number: String,
    pub text: String,
    pub slot: String,
    pub slot_label: String,
    /// Saved for this product.
    pub saved: bool,
    pub check1: String,
    pub target_on: String,
    pub note: String,
}

/// What the standard-answers page shows of the vendor sheet for `product`.
pub struct SheetStdSection {
    pub catalog_id: String,
    pub catalog_title: String,
    pub rows: Vec<SheetStdRow>,
    /// The vendor's open sheets: (id, institution — year — contract).
    pub open_sheets: Vec<(String, String)>,
    /// Products with vendor-sheet answers.
    pub products: Vec<String>,
}

/// `saved`: the vendor's standard answers of the vendor sheet, as the page read them.
pub async fn section(
    state: &AppState,
    auth: &Auth,
    tr: &Tr,
    vendor_id: &str,
    product: &str,
    saved: &[SheetStandardAnswer],
) -> AppResult<Option<SheetStdSection>> {
    if vendor_id.is_empty() {
        return Ok(None);
    }
    let Ok(catalog_id) = mamori_app::sheet_standards::catalog_of(state, "") else {
        return Ok(None);
    };
    let mut products: Vec<String> = saved.iter().map(|a| a.product.clone()).collect();
    products.dedup();
    let reg = state.catalogs();
    let Some(cat) = reg.catalogs.get(&catalog_id) else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    for i in &cat.items {
        let slots = asm::slots(
            &i.devices
                .iter()
                .map(|d| mamori_app::assessments::slot_of(*d))
                .collect::<Vec<_>>(),
        );
        for sl in slots {
            let a = saved.iter().find(|a| {
                a.product == product
                    && a.catalog_id == catalog_id
                    && a.item_id == i.id
                    && a.slot == sl
            });
            rows.push(SheetStdRow {
                anchor: format!("ss-{}-{}", i.id, sl),
                item_id: i.id.clone(),
                number: i.number.clone(),
                text: i.text.clone(),
                slot: sl.to_string(),
                slot_label: tr.t(&format!("cy-slot-{sl}")),
                saved: a.is_some(),
                check1: a.map(|a| a.check1.to_string()).unwrap_or_default(),
                target_on: a.and_then(|a| a.target_on.clone()).unwrap_or_default(),
                note: a.map(|a| a.note.clone()).unwrap_or_default(),
            });
        }
    }
    let open_sheets = mamori_app::sheet_standards::open_sheets(state, auth, vendor_id)
        .await?
        .into_iter()
        .map(|s| {
            (
                s.id,
                format!(
                    "{} — {} — {}",
                    s.institution_name,
                    mamori_domain::wareki::fiscal_year(s.fiscal_year as i32),
                    s.contract_title
                ),
            )
        })
        .collect();
    Ok(Some(SheetStdSection {
        catalog_title: format!("{}({})", cat.catalog.title, cat.catalog.version),
        catalog_id,
        rows,
        open_sheets,
        products,
    }))
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap_or_default()[2..].to_string()
}

fn page_of(vendor_id: &str, product: &str) -> String {
    format!(
        "/vendor/standard-answers?vendor={}&product={}",
        enc(vendor_id),
        enc(product.trim())
    )
}

/// Save (or remove) one standard answer of the vendor sheet, back to its row.
pub async fn save(
    State(state): State<AppState>,
    auth: Auth,
    axum::Form(f): axum::Form<SheetStandardInput>,
) -> AppResult<Response> {
    let here = page_of(&f.vendor_id, &f.product);
    let anchor = format!("#ss-{}-{}", enc(&f.item_id), enc(&f.slot));
    match mamori_app::sheet_standards::save(&state, &auth, &f).await {
        Ok(Some(_)) => {
            Ok(Redirect::to(&format!("{here}&ok=flash-ss-saved{anchor}")).into_response())
        }
        Ok(None) => {
            Ok(Redirect::to(&format!("{here}&ok=flash-ss-removed{anchor}")).into_response())
        }
        Err(mamori_app::Error::Invalid { key, .. }) => {
            Ok(Redirect::to(&format!("{here}&err={key}{anchor}")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The sheets and product a preview or an application is about, as the page sends them.
#[derive(Debug, Deserialize, Default)]
pub struct ApplyForm {
    #[serde(default)]
    pub vendor_id: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub sheet: Vec<String>,
}

impl ApplyForm {
    fn input(&self) -> SheetApplyInput {
        SheetApplyInput {
            vendor_id: self.vendor_id.clone(),
            product: self.product.trim().to_string(),
            sheets: self.sheet.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "vendors/sheet_standard_preview.html")]
pub(crate) struct PreviewPage {
    page: PageCtx,
    vendor_id: String,
    product: String,
    back: String,
    plans: Vec<SheetPlan>,
    total: usize,
}

impl PreviewPage {
    fn slot_label(&self, slot: &str) -> String {
        self.page.tr.t(&format!("cy-slot-{slot}"))
    }
    fn check_label(&self, check: &str) -> String {
        self.page.tr.t(if check == "no" {
            "rs-check-no"
        } else {
            "rs-check-yes"
        })
    }
}

/// What applying would write into each chosen sheet; nothing is written. The page ends
/// with the button that applies it.
pub async fn preview(
    State(state): State<AppState>,
    auth: Auth,
    axum_extra::extract::Form(f): axum_extra::extract::Form<ApplyForm>,
) -> AppResult<Response> {
    let back = page_of(&f.vendor_id, &f.product);
    let plans = match mamori_app::sheet_standards::preview(&state, &auth, &f.input()).await {
        Ok(p) => p,
        Err(mamori_app::Error::Invalid { key, .. }) => {
            return Ok(Redirect::to(&format!("{back}&err={key}#ss-apply")).into_response())
        }
        Err(e) => return Err(e.into()),
    };
    let page =
        PageCtx::signed_in(&state, &auth, "vendor", None, "/vendor/standard-answers").await?;
    let total = plans
        .iter()
        .map(|p| p.fill.iter().filter(|s| s.refused.is_none()).count())
        .sum();
    Ok(render(&PreviewPage {
        vendor_id: f.vendor_id.clone(),
        product: f.product.trim().to_string(),
        back,
        plans,
        total,
        page,
    })?
    .into_response())
}

/// Apply the product's answers to the chosen sheets, then back to the page with the count.
pub async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    axum_extra::extract::Form(f): axum_extra::extract::Form<ApplyForm>,
) -> AppResult<Response> {
    let back = page_of(&f.vendor_id, &f.product);
    match mamori_app::sheet_standards::apply(&state, &auth, &f.input()).await {
        Ok(plans) => {
            let filled: usize = plans.iter().map(|p| p.applied).sum();
            let refused: usize = plans
                .iter()
                .map(|p| p.fill.iter().filter(|s| s.refused.is_some()).count())
                .sum();
            Ok(Redirect::to(&format!(
                "{back}&ss_filled={filled}&ss_sheets={}&ss_refused={refused}#ss-apply",
                plans.len()
            ))
            .into_response())
        }
        Err(mamori_app::Error::Invalid { key, .. }) => {
            Ok(Redirect::to(&format!("{back}&err={key}#ss-apply")).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ the API

/// The result of saving a standard answer: the answer kept (none once removed).
#[derive(Serialize, ToSchema)]
pub struct SheetStandardSaved {
    #[schema(value_type = Option<Object>)]
    pub answer: Option<SheetStandardAnswer>,
}

/// The vendor-sheet standard answers of the caller's vendors.
#[utoipa::path(get, path = "/vendor/sheet-standards", tag = "vendor",
    responses((status = 200, body = Vec<Object>)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<SheetStandardAnswer>>> {
    Ok(Json(
        mamori_app::sheet_standards::list(&state, &auth, None).await?,
    ))
}

/// Save a standard answer of the vendor sheet for a product (the same vendor, product,
/// item and slot again replaces it; `remove` deletes it). Another vendor: 404.
#[utoipa::path(put, path = "/vendor/sheet-standards", tag = "vendor",
    request_body = SheetStandardInput,
    responses((status = 200, body = SheetStandardSaved), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_save(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SheetStandardInput>,
) -> AppResult<Json<SheetStandardSaved>> {
    let answer = mamori_app::sheet_standards::save(&state, &auth, &input).await?;
    Ok(Json(SheetStandardSaved { answer }))
}

/// What applying a product's answers to open sheets of the vendor would write; nothing
/// is written.
#[utoipa::path(post, path = "/vendor/sheet-standards/preview", tag = "vendor",
    request_body = SheetApplyInput,
    responses((status = 200, body = Vec<SheetPlan>), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_preview(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SheetApplyInput>,
) -> AppResult<Json<Vec<SheetPlan>>> {
    Ok(Json(
        mamori_app::sheet_standards::preview(&state, &auth, &input).await?,
    ))
}

/// Apply a product's answers to open sheets of the vendor: slots answered already are
/// kept; each slot goes through the sheet's own rules and dates (refusals are reported).
#[utoipa::path(post, path = "/vendor/sheet-standards/apply", tag = "vendor",
    request_body = SheetApplyInput,
    responses((status = 200, body = Vec<SheetPlan>), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn api_apply(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SheetApplyInput>,
) -> AppResult<Json<Vec<SheetPlan>>> {
    Ok(Json(
        mamori_app::sheet_standards::apply(&state, &auth, &input).await?,
    ))
}
