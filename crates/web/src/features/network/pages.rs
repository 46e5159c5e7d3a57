//! The network's pages: one page with the zones, the links between them and the external
//! connection points, each with its form (a refused form comes back with what was sent and
//! the field at fault, nothing saved); a zone's and a connection point's edit page; the
//! diagram page with the SVG inline, a text alternative and the downloads.

use crate::http::auth::Auth;
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::i18n::Tr;
use crate::ui::{render, Flash, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use mamori_app::diagram::{label, View};
use mamori_app::network::{LinkInput, Network, PointInput, ZoneInput};
use mamori_domain::network::{ConnectionKind, ZonePurpose};
use mamori_domain::policy::{Action, Scope};
use serde::Deserialize;

/// The choices of the forms: (value, label).
pub struct Choices {
    pub purposes: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub zones: Vec<(String, String)>,
    pub assets: Vec<(String, String)>,
    pub vendors: Vec<(String, String)>,
}

fn choices(tr: &Tr, n: &Network) -> Choices {
    Choices {
        purposes: ZonePurpose::ALL
            .iter()
            .map(|p| (p.to_string(), label(tr, "zone-purpose", p.as_str())))
            .collect(),
        kinds: ConnectionKind::ALL
            .iter()
            .map(|k| (k.to_string(), label(tr, "connection-kind", k.as_str())))
            .collect(),
        zones: n
            .zones
            .iter()
            .map(|z| (z.id.clone(), z.name.clone()))
            .collect(),
        assets: n
            .assets
            .iter()
            .map(|a| (a.id.clone(), a.name.clone()))
            .collect(),
        vendors: n.vendors.clone(),
    }
}

fn name_of(list: &[(String, String)], id: &Option<String>) -> String {
    id.as_ref()
        .and_then(|id| list.iter().find(|(i, _)| i == id))
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

pub struct ZoneRow {
    pub href: String,
    pub name: String,
    pub purpose: String,
    pub ranges: String,
    pub devices: usize,
}

pub struct LinkRow {
    pub id: String,
    pub from: String,
    pub to: String,
    pub via: String,
}

pub struct PointRow {
    pub id: String,
    pub href: String,
    pub kind: String,
    pub counterpart: String,
    pub via: String,
    pub vendor: String,
    pub maintenance: bool,
    pub version: i64,
}

/// Which form a refusal belongs to, and (field, message).
pub struct Refused {
    pub form: &'static str,
    pub field: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "network/overview.html")]
pub(crate) struct OverviewPage {
    page: PageCtx,
    code: String,
    can_manage: bool,
    zones: Vec<ZoneRow>,
    links: Vec<LinkRow>,
    points: Vec<PointRow>,
    c: Choices,
    zf: ZoneInput,
    lf: LinkInput,
    pf: PointInput,
    error: Option<Refused>,
    zone_action: String,
    point_action: String,
}

fn refusal(tr: &Tr, form: &'static str, e: &mamori_app::Error) -> Option<Refused> {
    let (field, message) = match e {
        mamori_app::Error::Invalid { field, key } => (field.to_string(), tr.t(key)),
        mamori_app::Error::Conflict(_) => ("version".into(), tr.t("error-conflict")),
        _ => return None,
    };
    Some(Refused {
        form,
        field,
        message,
    })
}

#[derive(Default)]
struct Forms {
    zf: ZoneInput,
    lf: LinkInput,
    pf: PointInput,
    error: Option<Refused>,
}

async fn overview_view(
    state: &AppState,
    auth: &Auth,
    code: &str,
    forms: Forms,
    flash: &Flash,
) -> AppResult<Response> {
    let n = mamori_app::network::network(state, auth, code).await?;
    let inst = n.institution.clone();
    let page = PageCtx::signed_in(
        state,
        auth,
        "assets",
        Some(&inst),
        &format!("/i/{code}/network"),
    )
    .await?
    .with_flash(flash);
    let tr = page.tr;
    let c = choices(&tr, &n);
    let zones = n
        .zones
        .iter()
        .map(|z| ZoneRow {
            href: format!("/network/zones/{}", z.id),
            name: z.name.clone(),
            purpose: label(&tr, "zone-purpose", z.purpose.as_str()),
            ranges: z.range_list().join(", "),
            devices: n
                .assets
                .iter()
                .filter(|a| a.zone_id.as_deref() == Some(z.id.as_str()))
                .count(),
        })
        .collect();
    let links = n
        .links
        .iter()
        .map(|l| LinkRow {
            id: l.id.clone(),
            from: name_of(&c.zones, &Some(l.from_zone.clone())),
            to: name_of(&c.zones, &Some(l.to_zone.clone())),
            via: name_of(&c.assets, &l.via_asset),
        })
        .collect();
    let points = n
        .points
        .iter()
        .map(|p| PointRow {
            id: p.id.clone(),
            href: format!("/network/connections/{}", p.id),
            kind: label(&tr, "connection-kind", p.kind.as_str()),
            counterpart: p.counterpart.clone(),
            via: name_of(&c.assets, &p.via_asset),
            vendor: name_of(&c.vendors, &p.vendor_id),
            maintenance: p.maintenance,
            version: p.version,
        })
        .collect();
    let status = crate::ui::page_status(forms.error.is_some());
    Ok((
        status,
        render(&OverviewPage {
            can_manage: mamori_app::access::may(
                auth,
                Action::ManageAssets,
                Scope::Institution(&inst.id),
            ),
            zone_action: format!("/i/{}/network/zones", inst.code),
            point_action: format!("/i/{}/network/connections", inst.code),
            code: inst.code.clone(),
            zones,
            links,
            points,
            c,
            zf: forms.zf,
            lf: forms.lf,
            pf: forms.pf,
            error: forms.error,
            page,
        })?,
    )
        .into_response())
}

pub async fn overview(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(flash): Query<Flash>,
) -> AppResult<Response> {
    overview_view(&state, &auth, &code, Forms::default(), &flash).await
}

/// Back to the overview with `ok`, or the overview again with the refusal.
async fn after<T>(
    state: &AppState,
    auth: &Auth,
    code: &str,
    result: mamori_app::Result<T>,
    ok: &str,
    form: &'static str,
    forms: Forms,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/i/{code}/network?ok={ok}")).into_response()),
        Err(e) => {
            let tr = Tr::new(auth.meta.lang);
            let Some(error) = refusal(&tr, form, &e) else {
                return Err(e.into());
            };
            let mut r = overview_view(
                state,
                auth,
                code,
                Forms {
                    error: Some(error),
                    ..forms
                },
                &Flash::default(),
            )
            .await?;
            if matches!(e, mamori_app::Error::Conflict(_)) {
                *r.status_mut() = axum::http::StatusCode::CONFLICT;
            }
            Ok(r)
        }
    }
}

pub async fn create_zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<ZoneInput>,
) -> AppResult<Response> {
    let r = mamori_app::network::create_zone(&state, &auth, &code, &f).await;
    let forms = Forms {
        zf: f,
        ..Forms::default()
    };
    after(&state, &auth, &code, r, "flash-zone-added", "zone", forms).await
}

pub async fn create_link(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<LinkInput>,
) -> AppResult<Response> {
    let r = mamori_app::network::create_link(&state, &auth, &code, &f).await;
    let forms = Forms {
        lf: f,
        ..Forms::default()
    };
    after(&state, &auth, &code, r, "flash-link-added", "link", forms).await
}

pub async fn delete_link(
    State(state): State<AppState>,
    auth: Auth,
    Path((code, id)): Path<(String, String)>,
) -> AppResult<Response> {
    let r = mamori_app::network::delete_link(&state, &auth, &code, &id).await;
    after(
        &state,
        &auth,
        &code,
        r,
        "flash-link-deleted",
        "link",
        Forms::default(),
    )
    .await
}

pub async fn create_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Form(f): Form<PointInput>,
) -> AppResult<Response> {
    let r = mamori_app::network::create_point(&state, &auth, &code, &f).await;
    let forms = Forms {
        pf: f,
        ..Forms::default()
    };
    after(
        &state,
        &auth,
        &code,
        r,
        "flash-connection-added",
        "point",
        forms,
    )
    .await
}

#[derive(Template)]
#[template(path = "network/edit.html")]
pub(crate) struct EditPage {
    page: PageCtx,
    code: String,
    can_manage: bool,
    /// `zone` or `point`.
    form: &'static str,
    zone_action: String,
    point_action: String,
    zf: ZoneInput,
    pf: PointInput,
    c: Choices,
    error: Option<Refused>,
}

#[allow(clippy::too_many_arguments)]
async fn edit_view(
    state: &AppState,
    auth: &Auth,
    inst: mamori_domain::Institution,
    form: &'static str,
    action: String,
    zf: ZoneInput,
    pf: PointInput,
    error: Option<Refused>,
) -> AppResult<Response> {
    let page = PageCtx::signed_in(state, auth, "assets", Some(&inst), &action).await?;
    let tr = page.tr;
    let n = mamori_app::network::network(state, auth, &inst.code).await?;
    let status = crate::ui::page_status(error.is_some());
    let conflict = error.as_ref().is_some_and(|e| e.field == "version");
    let mut r = (
        status,
        render(&EditPage {
            can_manage: mamori_app::access::may(
                auth,
                Action::ManageAssets,
                Scope::Institution(&inst.id),
            ),
            code: inst.code.clone(),
            form,
            zone_action: action.clone(),
            point_action: action,
            zf,
            pf,
            c: choices(&tr, &n),
            error,
            page,
        })?,
    )
        .into_response();
    if conflict {
        *r.status_mut() = axum::http::StatusCode::CONFLICT;
    }
    Ok(r)
}

pub async fn zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (z, inst) = mamori_app::network::zone(&state, &auth, &id, Action::ViewAssets).await?;
    let zf = ZoneInput::of(&z);
    let action = format!("/network/zones/{id}");
    edit_view(
        &state,
        &auth,
        inst,
        "zone",
        action,
        zf,
        PointInput::default(),
        None,
    )
    .await
}

pub async fn update_zone(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<ZoneInput>,
) -> AppResult<Response> {
    let (_, inst) = mamori_app::network::zone(&state, &auth, &id, Action::ViewAssets).await?;
    match mamori_app::network::update_zone(&state, &auth, &id, &f).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/i/{}/network?ok=flash-zone-saved", inst.code)).into_response(),
        ),
        Err(e) => {
            let tr = Tr::new(auth.meta.lang);
            let Some(error) = refusal(&tr, "zone", &e) else {
                return Err(e.into());
            };
            let action = format!("/network/zones/{id}");
            let pf = PointInput::default();
            edit_view(&state, &auth, inst, "zone", action, f, pf, Some(error)).await
        }
    }
}

pub async fn point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (c, inst) = mamori_app::network::point(&state, &auth, &id, Action::ViewAssets).await?;
    let pf = PointInput::of(&c);
    let action = format!("/network/connections/{id}");
    edit_view(
        &state,
        &auth,
        inst,
        "point",
        action,
        ZoneInput::default(),
        pf,
        None,
    )
    .await
}

pub async fn update_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<PointInput>,
) -> AppResult<Response> {
    let (_, inst) = mamori_app::network::point(&state, &auth, &id, Action::ViewAssets).await?;
    match mamori_app::network::update_point(&state, &auth, &id, &f).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/i/{}/network?ok=flash-connection-saved",
            inst.code
        ))
        .into_response()),
        Err(e) => {
            let tr = Tr::new(auth.meta.lang);
            let Some(error) = refusal(&tr, "point", &e) else {
                return Err(e.into());
            };
            let action = format!("/network/connections/{id}");
            let zf = ZoneInput::default();
            edit_view(&state, &auth, inst, "point", action, zf, f, Some(error)).await
        }
    }
}

/// The version a deletion was read at (the form's hidden field).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VersionForm {
    pub version: i64,
}

pub async fn delete_point(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> AppResult<Response> {
    let (_, inst) = mamori_app::network::point(&state, &auth, &id, Action::ViewAssets).await?;
    let r = mamori_app::network::delete_point(&state, &auth, &id, f.version).await;
    after(
        &state,
        &auth,
        &inst.code,
        r,
        "flash-connection-deleted",
        "point",
        Forms::default(),
    )
    .await
}

/// A row of the diagram's text alternative.
pub struct DeviceRow {
    pub name: String,
    pub kind: String,
    pub zone: String,
    pub addresses: String,
}

#[derive(Template)]
#[template(path = "network/diagram.html")]
pub(crate) struct DiagramPage {
    page: PageCtx,
    code: String,
    vendor_view: bool,
    svg: String,
    zones: Vec<(String, String, String)>,
    devices: Vec<DeviceRow>,
    /// (kind, counterpart, through, vendor, maintenance)
    connections: Vec<(String, String, String, String, bool)>,
}

pub async fn diagram(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let (n, view, d) = mamori_app::diagram::diagram(&state, &auth, &code, auth.meta.lang).await?;
    let inst = n.institution.clone();
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "assets",
        Some(&inst),
        &format!("/i/{code}/network/diagram"),
    )
    .await?;
    let svg = mamori_diagram::svg(&d);
    // The standalone document's XML declaration has no place inside HTML.
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    };
    let zone_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| d.zones.iter().find(|z| &z.id == id))
            .map(|z| z.name.clone())
            .unwrap_or_else(|| d.labels.unzoned.clone())
    };
    let device_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| d.devices.iter().find(|x| &x.id == id))
            .map(|x| x.name.clone())
            .unwrap_or_default()
    };
    let vendor_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| d.vendors.iter().find(|v| &v.id == id))
            .map(|v| v.name.clone())
            .unwrap_or_default()
    };
    let page_out = DiagramPage {
        code: inst.code.clone(),
        vendor_view: view != View::Whole,
        zones: d
            .zones
            .iter()
            .map(|z| (z.name.clone(), z.purpose.clone(), z.ranges.join(", ")))
            .collect(),
        devices: d
            .devices
            .iter()
            .map(|x| DeviceRow {
                name: x.name.clone(),
                kind: x.kind.clone(),
                zone: zone_name(&x.zone),
                addresses: x.addresses.join(", "),
            })
            .collect(),
        connections: d
            .connections
            .iter()
            .map(|c| {
                (
                    c.kind.clone(),
                    c.counterpart.clone(),
                    device_name(&c.via_device),
                    vendor_name(&c.vendor),
                    c.maintenance,
                )
            })
            .collect(),
        svg,
        page,
    };
    Ok(render(&page_out)?.into_response())
}

pub async fn diagram_svg(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    super::api::download(
        &state,
        &auth,
        &code,
        mamori_app::diagram::DiagramFormat::Svg,
    )
    .await
}

pub async fn diagram_pdf(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    super::api::download(
        &state,
        &auth,
        &code,
        mamori_app::diagram::DiagramFormat::Pdf,
    )
    .await
}

pub async fn diagram_dot(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
) -> AppResult<Response> {
    super::api::download(
        &state,
        &auth,
        &code,
        mamori_app::diagram::DiagramFormat::Dot,
    )
    .await
}
