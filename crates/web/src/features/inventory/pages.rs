//! The inventory check's pages: the institution's checks with a form to start one, a
//! check with its assets to confirm one by one (found / not found on the row, moved or
//! changed on the asset's own form), and the close with what it will change.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::assets::code_label;
use mamori_app::inventory::{CheckQuery, CloseInput, RecordInput, StartInput};
use mamori_domain::inventory::{CheckOutcome, CheckStatus, CORRECTABLE};
use mamori_domain::policy::{Action, Scope};
use mamori_store::{Asset, CheckCounts, CheckRecord, InventoryCheck};
use serde::Deserialize;

/// The label of a field a check may correct (the ledger form's).
pub fn field_label(tr: &Tr, field: &str) -> String {
    tr.t(match field {
        "location" => "asset-location",
        "department" => "asset-department",
        "purpose" => "asset-purpose",
        "os" => "asset-os",
        "os_version" => "asset-os-version",
        "ip_addresses" => "asset-ip",
        "mac" => "asset-mac",
        "antivirus" => "asset-antivirus",
        "admin_users" => "asset-admin-users",
        _ => "asset-notes",
    })
}

fn outcome_label(tr: &Tr, o: CheckOutcome) -> String {
    code_label(tr, "check-outcome", o.as_str())
}

/// One check as listed.
pub struct CheckRow {
    pub href: String,
    pub name: String,
    pub open: bool,
    pub status: String,
    pub started: String,
    pub started_by: String,
    pub closed_on: String,
    pub summary: String,
}

fn summary(tr: &Tr, c: &CheckCounts) -> String {
    tr.targs(
        "check-summary",
        &[
            ("recorded", c.recorded().to_string()),
            ("assets", c.assets.to_string()),
            ("not_found", c.not_found.to_string()),
            ("moved", c.moved.to_string()),
            ("changed", c.changed.to_string()),
        ],
    )
}

#[derive(Template)]
#[template(path = "inventory/list.html")]
pub(crate) struct ListPage {
    page: PageCtx,
    code: String,
    rows: Vec<CheckRow>,
    can_manage: bool,
    open: Option<String>,
    last_closed: Option<(String, bool)>,
    name: String,
    error: Option<String>,
}

async fn list_view(
    state: &AppState,
    auth: &Auth,
    code: &str,
    name: String,
    error: Option<String>,
    flash: &Flash,
) -> AppResult<Response> {
    let (inst, checks) = mamori_app::inventory::list(state, auth, code).await?;
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&inst),
        &format!("/i/{code}/checks"),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let mut rows = Vec::new();
    for c in &checks {
        let counts = if c.status == CheckStatus::Open {
            state.store().check_counts(&c.id).await?
        } else {
            serde_json::from_str(&c.result).unwrap_or_default()
        };
        rows.push(CheckRow {
            href: format!("/checks/{}", c.id),
            name: c.name.clone(),
            open: c.status == CheckStatus::Open,
            status: code_label(&tr, "check-status", c.status.as_str()),
            started: mamori_domain::time::timestamp_jst(c.started_at),
            started_by: c.started_label.clone(),
            closed_on: c.closed_on.clone().unwrap_or_default(),
            summary: summary(&tr, &counts),
        });
    }
    let open = checks
        .iter()
        .find(|c| c.status == CheckStatus::Open)
        .map(|c| format!("/checks/{}", c.id));
    let last_closed = mamori_app::inventory::last_closed(state, &inst.id).await?;
    let name = if name.is_empty() {
        let today = mamori_domain::time::date_jst(state.now());
        tr.targs(
            "check-default-name",
            &[(
                "year",
                mamori_domain::time::fiscal_year_of(&today)
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
            )],
        )
    } else {
        name
    };
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&ListPage {
            can_manage: mamori_app::access::may(
                auth,
                Action::ManageAssets,
                Scope::Institution(&inst.id),
            ),
            code: inst.code.clone(),
            rows,
            open,
            last_closed,
            name,
            error,
            page,
        })?,
    )
        .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    list_view(&state, &auth, &code, String::new(), None, &flash).await
}

pub async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(input): Form<StartInput>,
) -> AppResult<Response> {
    match mamori_app::inventory::start(&state, &auth, &code, &input).await {
        Ok(c) => {
            Ok(Redirect::to(&format!("/checks/{}?ok=flash-check-started", c.id)).into_response())
        }
        Err(mamori_app::Error::Invalid { key, .. }) => {
            let tr = Tr::new(auth.meta.lang);
            list_view(
                &state,
                &auth,
                &code,
                input.name,
                Some(tr.t(key)),
                &Flash::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// One asset of a check as listed.
pub struct AssetRow {
    pub id: String,
    pub href: String,
    pub record_href: String,
    pub name: String,
    pub kind: String,
    pub location: String,
    pub serial: String,
    /// The outcome's code and label, when recorded.
    pub outcome: Option<(String, String)>,
    pub recorded_by: String,
    pub note: String,
    pub version: i64,
}

fn asset_row(tr: &Tr, check: &InventoryCheck, a: &Asset, r: Option<&CheckRecord>) -> AssetRow {
    AssetRow {
        id: a.id.clone(),
        href: format!("/ledger/{}", a.id),
        record_href: format!("/checks/{}/assets/{}", check.id, a.id),
        name: a.name.clone(),
        kind: code_label(tr, "asset-kind", a.kind.as_str()),
        location: a.location.clone(),
        serial: a.serial.clone(),
        outcome: r.map(|r| (r.outcome.to_string(), outcome_label(tr, r.outcome))),
        recorded_by: r.map(|r| r.recorded_label.clone()).unwrap_or_default(),
        note: r.map(|r| r.note.clone()).unwrap_or_default(),
        version: r.map(|r| r.version).unwrap_or(0),
    }
}

#[derive(Template)]
#[template(path = "inventory/check.html")]
pub(crate) struct CheckPage {
    page: PageCtx,
    code: String,
    check: InventoryCheck,
    open: bool,
    can_record: bool,
    counts: CheckCounts,
    summary: String,
    rows: Vec<AssetRow>,
    query: CheckQuery,
    filtered: bool,
    total: i64,
    prev: Option<String>,
    next: Option<String>,
    /// The query, to come back to the same list after recording a row.
    back: String,
    kinds: Vec<(String, String)>,
}

const PAGE: i64 = 100;

fn query_string(query: &CheckQuery, offset: i64) -> String {
    let offset = offset.to_string();
    let pairs: Vec<(&str, &str)> = [
        ("q", query.q.as_str()),
        ("kind", query.kind.as_str()),
        ("unchecked", if query.unchecked_only() { "1" } else { "" }),
        ("offset", if offset == "0" { "" } else { offset.as_str() }),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

fn check_href(id: &str, query: &CheckQuery, offset: i64) -> String {
    let q = query_string(query, offset);
    if q.is_empty() {
        format!("/checks/{id}")
    } else {
        format!("/checks/{id}?{q}")
    }
}

pub async fn check(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(flash): Query<Flash>,
    Query(query): Query<CheckQuery>,
) -> AppResult<Response> {
    let query = CheckQuery {
        limit: PAGE,
        offset: query.offset.max(0) / PAGE * PAGE,
        ..query
    };
    let p = mamori_app::inventory::page(&state, &auth, &id, &query).await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "assets",
        Some(&p.institution),
        &format!("/checks/{id}"),
    )
    .await?
    .with_flash(&flash);
    let tr = page.tr;
    let open = p.check.status == CheckStatus::Open;
    let can_record = open
        && mamori_app::access::may(
            &auth,
            Action::ManageAssets,
            Scope::Institution(&p.institution.id),
        );
    let counts = if open {
        p.counts
    } else {
        serde_json::from_str(&p.check.result).unwrap_or(p.counts)
    };
    let rows: Vec<AssetRow> = p
        .rows
        .iter()
        .map(|(a, r)| asset_row(&tr, &p.check, a, r.as_ref()))
        .collect();
    let shown = rows.len() as i64;
    Ok(render(&CheckPage {
        code: p.institution.code.clone(),
        summary: summary(&tr, &counts),
        prev: (query.offset > 0).then(|| check_href(&id, &query, (query.offset - PAGE).max(0))),
        next: (query.offset + shown < p.total)
            .then(|| check_href(&id, &query, query.offset + PAGE)),
        filtered: !(query.q.is_empty() && query.kind.is_empty() && !query.unchecked_only()),
        back: query_string(&query, query.offset),
        kinds: mamori_domain::assets::AssetKind::ALL
            .iter()
            .map(|k| (k.to_string(), code_label(&tr, "asset-kind", k.as_str())))
            .collect(),
        total: p.total,
        check: p.check,
        open,
        can_record,
        counts,
        rows,
        query,
        page,
    })?
    .into_response())
}

/// A record as a form sends it: [`RecordInput`]'s fields, and `back`, the list to come
/// back to.
#[derive(Debug, Default)]
pub struct QuickRecord {
    pub back: String,
    pub input: RecordInput,
}

impl QuickRecord {
    fn of(pairs: Vec<(String, String)>) -> Self {
        let take = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let back = take("back");
        let moved_to = take("moved_to");
        let rest: Vec<&(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "back" && k != "moved_to")
            .collect();
        let mut input = serde_urlencoded::to_string(&rest)
            .ok()
            .and_then(|s| serde_urlencoded::from_str::<RecordInput>(&s).ok())
            .unwrap_or_default();
        // A move's place is typed apart from the ledger's place field.
        if input.outcome.trim() == "moved" {
            input.location = moved_to;
        }
        QuickRecord {
            back: back.unwrap_or_default(),
            input,
        }
    }
}

fn back_to(check_id: &str, back: &str, asset_id: &str) -> String {
    // Only the list's own query comes back (parsed and written again): no open redirect.
    let q: CheckQuery = serde_urlencoded::from_str(back).unwrap_or_default();
    format!(
        "{}#a-{asset_id}",
        check_href(check_id, &q, q.offset.max(0) / PAGE * PAGE)
    )
}

#[derive(Template)]
#[template(path = "inventory/record.html")]
pub(crate) struct RecordPage {
    page: PageCtx,
    check: InventoryCheck,
    a: Asset,
    kind: String,
    /// (field, label, the ledger's value, the value in the form)
    fields: Vec<(String, String, String, String)>,
    outcome: String,
    moved_to: String,
    note: String,
    version: i64,
    back: String,
    error: Option<(String, String)>,
    outcomes: Vec<(String, String)>,
    current: Option<String>,
}

fn ledger_value(a: &Asset, field: &str) -> String {
    match field {
        "location" => a.location.clone(),
        "department" => a.department.clone(),
        "purpose" => a.purpose.clone(),
        "os" => a.os.clone(),
        "os_version" => a.os_version.clone(),
        "ip_addresses" => a.addresses().join(", "),
        "mac" => a.mac.clone(),
        "antivirus" => a.antivirus.clone(),
        "admin_users" => a.admin_users.clone(),
        _ => String::new(),
    }
}

fn typed<'a>(input: &'a RecordInput, field: &str) -> Option<&'a String> {
    match field {
        "location" => input.location.as_ref(),
        "department" => input.department.as_ref(),
        "purpose" => input.purpose.as_ref(),
        "os" => input.os.as_ref(),
        "os_version" => input.os_version.as_ref(),
        "ip_addresses" => input.ip_addresses.as_ref(),
        "mac" => input.mac.as_ref(),
        "antivirus" => input.antivirus.as_ref(),
        "admin_users" => input.admin_users.as_ref(),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn record_view(
    state: &AppState,
    auth: &Auth,
    check_id: &str,
    asset_id: &str,
    sent: Option<&QuickRecord>,
    error: Option<(String, String)>,
    back: &str,
) -> AppResult<Response> {
    let (check, inst) =
        mamori_app::inventory::get(state, auth, check_id, Action::ManageAssets).await?;
    let (a, _) = mamori_app::assets::get(state, auth, asset_id, Action::ManageAssets).await?;
    if a.institution_id != inst.id || check.status != CheckStatus::Open {
        return Err(mamori_app::Error::NotFound.into());
    }
    let record = state
        .store()
        .check_records(&check.id, std::slice::from_ref(&a.id))
        .await?
        .pop();
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&inst),
        &format!("/checks/{check_id}/assets/{asset_id}"),
    )
    .await?;
    let tr = page.tr;
    let changes: Vec<(String, String)> = record
        .as_ref()
        .map(|r| r.record().changes)
        .unwrap_or_default();
    let fields = CORRECTABLE
        .iter()
        .map(|f| {
            let ledger = ledger_value(&a, f);
            let shown = match sent {
                Some(s) => typed(&s.input, f)
                    .cloned()
                    .unwrap_or_else(|| ledger.clone()),
                None => changes
                    .iter()
                    .find(|(k, _)| k == f)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| ledger.clone()),
            };
            (f.to_string(), field_label(&tr, f), ledger, shown)
        })
        .collect();
    let outcome = sent
        .map(|s| s.input.outcome.clone())
        .or_else(|| record.as_ref().map(|r| r.outcome.to_string()))
        .unwrap_or_else(|| "found".into());
    let moved_to = match sent {
        Some(s) if s.input.outcome == "moved" => s.input.location.clone().unwrap_or_default(),
        _ => record
            .as_ref()
            .filter(|r| r.outcome == CheckOutcome::Moved)
            .and_then(|r| r.record().changes.into_iter().next().map(|(_, v)| v))
            .unwrap_or_default(),
    };
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&RecordPage {
            kind: code_label(&tr, "asset-kind", a.kind.as_str()),
            fields,
            outcome,
            moved_to,
            note: sent
                .map(|s| s.input.note.clone())
                .or_else(|| record.as_ref().map(|r| r.note.clone()))
                .unwrap_or_default(),
            version: record.as_ref().map(|r| r.version).unwrap_or(0),
            current: record.as_ref().map(|r| outcome_label(&tr, r.outcome)),
            back: back.to_string(),
            error,
            outcomes: CheckOutcome::ALL
                .iter()
                .map(|o| (o.to_string(), outcome_label(&tr, *o)))
                .collect(),
            check,
            a,
            page,
        })?,
    )
        .into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackQuery {
    pub back: String,
}

pub async fn record_form(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, asset_id)): Path<(String, String)>,
    Query(q): Query<BackQuery>,
) -> AppResult<Response> {
    record_view(&state, &auth, &id, &asset_id, None, None, &q.back).await
}

pub async fn record(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, asset_id)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let f = QuickRecord::of(pairs);
    match mamori_app::inventory::record(&state, &auth, &id, &asset_id, &f.input).await {
        Ok(_) => {
            let to = back_to(&id, &f.back, &asset_id);
            let sep = if to.contains('?') { '&' } else { '?' };
            let (path, anchor) = to.split_once('#').unwrap_or((&to, ""));
            Ok(
                Redirect::to(&format!("{path}{sep}ok=flash-check-recorded#{anchor}"))
                    .into_response(),
            )
        }
        Err(mamori_app::Error::Invalid { field, key }) => {
            let tr = Tr::new(auth.meta.lang);
            record_view(
                &state,
                &auth,
                &id,
                &asset_id,
                Some(&f),
                Some((field.to_string(), tr.t(key))),
                &f.back,
            )
            .await
        }
        Err(mamori_app::Error::Conflict(_)) => {
            let tr = Tr::new(auth.meta.lang);
            let mut r = record_view(
                &state,
                &auth,
                &id,
                &asset_id,
                Some(&f),
                Some(("version".into(), tr.t("error-check-conflict"))),
                &f.back,
            )
            .await?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// A correction the close writes: (asset href, name, [(field label, before, after)],
/// outcome label).
type CloseChange = (String, String, Vec<(String, String, String)>, String);

#[derive(Template)]
#[template(path = "inventory/close.html")]
pub(crate) struct ClosePage {
    page: PageCtx,
    check: InventoryCheck,
    counts: CheckCounts,
    summary: String,
    changes: Vec<CloseChange>,
    not_found: Vec<(String, String, String, String)>,
    errors: Vec<(String, String, String)>,
    error: Option<String>,
    can_close: bool,
}

async fn close_view(
    state: &AppState,
    auth: &Auth,
    id: &str,
    error: Option<String>,
) -> AppResult<Response> {
    let p = mamori_app::inventory::close_plan(state, auth, id).await?;
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&p.institution),
        &format!("/checks/{id}/close"),
    )
    .await?;
    let tr = page.tr;
    let changes = p
        .changes
        .iter()
        .map(|c| {
            let diff = c
                .record
                .record()
                .changes
                .iter()
                .map(|(f, _)| {
                    (
                        field_label(&tr, f),
                        ledger_value(&c.before, f),
                        ledger_value(&c.after, f),
                    )
                })
                .collect();
            (
                format!("/ledger/{}", c.before.id),
                c.before.name.clone(),
                diff,
                outcome_label(&tr, c.record.outcome),
            )
        })
        .collect();
    let not_found = p
        .not_found
        .iter()
        .map(|(a, r)| {
            (
                format!("/ledger/{}", a.id),
                a.name.clone(),
                a.location.clone(),
                r.note.clone(),
            )
        })
        .collect();
    let errors = p
        .errors
        .iter()
        .map(|(a, f, key)| (a.name.clone(), field_label(&tr, f), tr.t(key)))
        .collect();
    let status = crate::ui::page_status(error.is_some());
    Ok((
        status,
        render(&ClosePage {
            can_close: p.check.status == CheckStatus::Open
                && mamori_app::access::may(
                    auth,
                    Action::ManageAssets,
                    Scope::Institution(&p.institution.id),
                ),
            summary: summary(&tr, &p.counts),
            counts: p.counts,
            check: p.check,
            changes,
            not_found,
            errors,
            error,
            page,
        })?,
    )
        .into_response())
}

pub async fn close_form(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    close_view(&state, &auth, &id, None).await
}

pub async fn close(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(input): Form<CloseInput>,
) -> AppResult<Response> {
    match mamori_app::inventory::close(&state, &auth, &id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/checks/{id}?ok=flash-check-closed")).into_response()),
        Err(mamori_app::Error::Invalid { key, .. }) => {
            let tr = Tr::new(auth.meta.lang);
            close_view(&state, &auth, &id, Some(tr.t(key))).await
        }
        Err(mamori_app::Error::Conflict(_)) => {
            let tr = Tr::new(auth.meta.lang);
            let mut r = close_view(&state, &auth, &id, Some(tr.t("error-check-conflict"))).await?;
            *r.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
