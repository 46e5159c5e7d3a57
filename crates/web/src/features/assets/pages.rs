//! The ledger's pages: the list with a form to add an entry, and one entry with its form
//! and history. A refused form comes back with what was sent and the field at fault.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assets::{code_label, AssetInput, LedgerQuery};
use mamori_domain::assets::{AssetKind, AssetStatus, Ownership};
use mamori_domain::policy::{Action, Scope};
use mamori_domain::Institution;
use mamori_store::Asset;

/// One row of the ledger as listed.
pub struct Row {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub os: String,
    pub addresses: String,
    pub status: String,
    pub retired: bool,
    /// The effective end of support (the confirmed product cycle's, else the manual date).
    pub eos_on: String,
    /// サポート終了 / 180日以内 badge, when passed or near: (class, text).
    pub eos_badge: Option<(&'static str, String)>,
}

/// The choices of the form: (code, label).
pub struct Choices {
    pub kinds: Vec<(String, String)>,
    pub statuses: Vec<(String, String)>,
    pub ownerships: Vec<(String, String)>,
    /// The institution's network zones: (id, name).
    pub zones: Vec<(String, String)>,
}

fn choices(tr: &Tr, zones: &[mamori_store::NetworkZone]) -> Choices {
    Choices {
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.to_string(), code_label(tr, "asset-kind", k.as_str())))
            .collect(),
        statuses: AssetStatus::ALL
            .iter()
            .map(|s| (s.to_string(), code_label(tr, "asset-status", s.as_str())))
            .collect(),
        ownerships: Ownership::ALL
            .iter()
            .map(|o| (o.to_string(), code_label(tr, "asset-ownership", o.as_str())))
            .collect(),
        zones: zones
            .iter()
            .map(|z| (z.id.clone(), z.name.clone()))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "assets/list.html")]
pub(crate) struct ListPage {
    page: PageCtx,
    code: String,
    rows: Vec<Row>,
    can_manage: bool,
    f: AssetInput,
    c: Choices,
    /// A refused entry: (field, message).
    error: Option<(String, String)>,
    action: String,
    query: LedgerQuery,
    /// Entries the filter keeps, and the page's first and last (from 1).
    total: i64,
    first: i64,
    last: i64,
    /// Links to the pages before and after, when there are.
    prev: Option<String>,
    next: Option<String>,
    filtered: bool,
    /// The last closed inventory check's day, and whether it is within a year.
    last_check: Option<(String, bool)>,
    /// Whether a shown date comes from the feed data (its attribution is then shown).
    eos_attribution: Option<String>,
}

/// The list's link for `query` at `offset`.
fn list_href(code: &str, query: &LedgerQuery, offset: i64) -> String {
    let offset = offset.to_string();
    let pairs: Vec<(&str, &str)> = [
        ("q", query.q.as_str()),
        ("kind", query.kind.as_str()),
        ("status", query.status.as_str()),
        ("offset", if offset == "0" { "" } else { offset.as_str() }),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let q = serde_urlencoded::to_string(pairs).unwrap_or_default();
    if q.is_empty() {
        format!("/i/{code}/ledger")
    } else {
        format!("/i/{code}/ledger?{q}")
    }
}

#[derive(Template)]
#[template(path = "assets/asset.html")]
pub(crate) struct AssetPage {
    page: PageCtx,
    code: String,
    a: Asset,
    kind: String,
    status: String,
    addresses: String,
    can_manage: bool,
    f: AssetInput,
    c: Choices,
    error: Option<(String, String)>,
    action: String,
    /// (version, when, who, reason)
    history: Vec<(i64, String, String, String)>,
    /// The inventory checks that recorded it: (link, name, outcome, when).
    checks: Vec<(String, String, String, String)>,
    /// End of support (section 「サポート期限(EOS)」) and its badge text.
    eos: mamori_app::eos::EosSection,
    eos_badge: String,
}

fn refusal(tr: &Tr, e: &mamori_app::Error) -> Option<(String, String)> {
    match e {
        mamori_app::Error::Invalid { field, key } => Some((field.to_string(), tr.t(key))),
        mamori_app::Error::Conflict(_) => Some(("version".into(), tr.t("error-conflict"))),
        _ => None,
    }
}

async fn list_view(
    state: &AppState,
    auth: &Auth,
    code: &str,
    query: LedgerQuery,
    f: AssetInput,
    error: Option<(String, String)>,
    flash: &Flash,
) -> AppResult<Response> {
    let query = LedgerQuery {
        limit: PAGE,
        offset: query.offset.max(0) / PAGE * PAGE,
        ..query
    };
    let (inst, assets, total) = mamori_app::assets::page(state, auth, code, &query).await?;
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&inst),
        &format!("/i/{code}/ledger"),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let assets_len = assets.len() as i64;
    let eos = mamori_app::eos::of_institution(state, &inst.id, &assets).await?;
    let eos_attribution = eos
        .values()
        .any(|e| e.attribution.is_some())
        .then(|| mamori_app::eos::attributions().join(" / "));
    let rows = assets
        .iter()
        .map(|a| Row {
            href: format!("/ledger/{}", a.id),
            name: a.name.clone(),
            kind: code_label(&tr, "asset-kind", a.kind.as_str()),
            location: a.location.clone(),
            os: format!("{} {}", a.os, a.os_version).trim().to_string(),
            addresses: a.addresses().join(", "),
            status: code_label(&tr, "asset-status", a.status.as_str()),
            retired: a.status == AssetStatus::Retired,
            eos_on: eos
                .get(&a.id)
                .and_then(|e| e.eos_on.clone())
                .unwrap_or_default(),
            eos_badge: eos
                .get(&a.id)
                .filter(|e| e.needs_attention())
                .map(|e| (e.badge_class(), e.badge(&tr))),
        })
        .collect();
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&ListPage {
            can_manage: mamori_app::access::may(
                auth,
                Action::ManageAssets,
                Scope::Institution(&inst.id),
            ),
            action: format!("/i/{code}/ledger"),
            total,
            first: if assets_len == 0 { 0 } else { query.offset + 1 },
            last: query.offset + assets_len,
            prev: (query.offset > 0)
                .then(|| list_href(&inst.code, &query, (query.offset - PAGE).max(0))),
            next: (query.offset + assets_len < total)
                .then(|| list_href(&inst.code, &query, query.offset + PAGE)),
            filtered: !(query.q.is_empty() && query.kind.is_empty() && query.status.is_empty()),
            last_check: mamori_app::inventory::last_closed(state, &inst.id).await?,
            eos_attribution,
            query,
            code: inst.code.clone(),
            rows,
            f,
            c: choices(&tr, &state.store().zones(&inst.id).await?),
            error,
            page,
        })?,
    )
        .into_response())
}

/// Entries per page of the list.
const PAGE: i64 = 100;

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
    Query(query): Query<LedgerQuery>,
) -> AppResult<Response> {
    list_view(
        &state,
        &auth,
        &code,
        query,
        AssetInput::default(),
        None,
        &flash,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<AssetInput>,
) -> AppResult<Response> {
    match mamori_app::assets::create(&state, &auth, &code, &f).await {
        Ok(a) => {
            Ok(Redirect::to(&format!("/ledger/{}?ok=flash-asset-added", a.id)).into_response())
        }
        Err(e) => {
            let tr = Tr::new(auth.meta.lang);
            let Some(error) = refusal(&tr, &e) else {
                return Err(e.into());
            };
            list_view(
                &state,
                &auth,
                &code,
                LedgerQuery::default(),
                f,
                Some(error),
                &Flash::default(),
            )
            .await
        }
    }
}

async fn asset_view(
    state: &AppState,
    auth: &Auth,
    a: Asset,
    inst: &Institution,
    f: Option<AssetInput>,
    error: Option<(String, String)>,
    flash: &Flash,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(inst),
        &format!("/ledger/{}", a.id),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let history = state
        .store()
        .asset_history(&a.id)
        .await?
        .into_iter()
        .map(|v| {
            (
                v.version,
                mamori_domain::time::timestamp_jst(v.changed_at),
                v.changed_label,
                v.reason,
            )
        })
        .collect();
    let checks = mamori_app::inventory::asset_checks(state, auth, &a.id)
        .await?
        .into_iter()
        .map(|c| {
            (
                format!("/checks/{}", c.check_id),
                c.check_name,
                code_label(&tr, "check-outcome", c.outcome.as_str()),
                c.closed_on
                    .unwrap_or_else(|| mamori_domain::time::timestamp_jst(c.recorded_at)),
            )
        })
        .collect();
    let (_, eos) = mamori_app::eos::section(state, auth, &a.id).await?;
    let eos_badge = eos.eos.badge(&tr);
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&AssetPage {
            checks,
            eos,
            eos_badge,
            can_manage: mamori_app::access::may(
                auth,
                Action::ManageAssets,
                Scope::Institution(&inst.id),
            ),
            kind: code_label(&tr, "asset-kind", a.kind.as_str()),
            status: code_label(&tr, "asset-status", a.status.as_str()),
            addresses: a.addresses().join(", "),
            f: f.unwrap_or_else(|| AssetInput::of(&a)),
            action: format!("/ledger/{}", a.id),
            code: inst.code.clone(),
            c: choices(&tr, &state.store().zones(&inst.id).await?),
            error,
            history,
            a,
            page,
        })?,
    )
        .into_response())
}

pub async fn asset(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    let (a, inst) = mamori_app::assets::get(&state, &auth, &id, Action::ViewAssets).await?;
    asset_view(&state, &auth, a, &inst, None, None, &flash).await
}

pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<AssetInput>,
) -> AppResult<Response> {
    match mamori_app::assets::update(&state, &auth, &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!("/ledger/{id}?ok=flash-asset-saved")).into_response()),
        Err(e) => {
            let tr = Tr::new(auth.meta.lang);
            let Some(error) = refusal(&tr, &e) else {
                return Err(e.into());
            };
            let conflict = matches!(e, mamori_app::Error::Conflict(_));
            let (a, inst) = mamori_app::assets::get(&state, &auth, &id, Action::ViewAssets).await?;
            let mut r = asset_view(
                &state,
                &auth,
                a,
                &inst,
                Some(f),
                Some(error),
                &Flash::default(),
            )
            .await?;
            if conflict {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
    }
}
