//! The network diagram (ネットワーク構成図) of an institution, drawn from its zones, its
//! ledger (entries not retired) and its connection points: SVG in the page, and SVG, PDF
//! or Graphviz DOT to download (audited as an export). Whoever reads the ledger sees the
//! whole network; a user of a vendor under contract with the institution sees only the
//! connection points its vendor is responsible for, the devices they go through and those
//! devices' zones (anyone else: not found).

use crate::access::institution_for;
use crate::error::{Error, Result};
use crate::network::{load, Network};
use crate::{Caller, Ctx};
use mamori_diagram::{Connection, Device, Diagram, Labels, Vendor, Zone, ZoneLink};
use mamori_domain::policy::Action;
use mamori_domain::Institution;
use mamori_i18n::{Lang, Tr};
use std::collections::HashSet;

/// What of the network the caller sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Everything (a reader of the ledger).
    Whole,
    /// The part of these vendors (the caller's vendors under contract here).
    Vendors(Vec<String>),
}

/// The institution `code` and what of its network the caller sees: a reader of the ledger
/// sees it whole; a vendor user whose vendor has a contract with it, its vendor's part;
/// anyone else is refused as the ledger refuses (404 for no role there, 403 for a member
/// without the right).
pub async fn access(ctx: &Ctx, caller: &Caller, code: &str) -> Result<(Institution, View)> {
    let refused = match institution_for(ctx.store(), caller, code, Action::ViewAssets).await {
        Ok(inst) => return Ok((inst, View::Whole)),
        Err(e @ (Error::NotFound | Error::Forbidden)) => e,
        Err(e) => return Err(e),
    };
    if caller.principal.vendor_ids.is_empty() {
        return Err(refused);
    }
    let inst = ctx
        .store()
        .institution_by_code(code)
        .await?
        .ok_or(Error::NotFound)?;
    let mut mine: Vec<String> = ctx
        .store()
        .vendor_contracts(&caller.principal.vendor_ids)
        .await?
        .into_iter()
        .filter(|c| c.institution_id == inst.id)
        .map(|c| c.vendor_id)
        .collect();
    mine.sort();
    mine.dedup();
    if mine.is_empty() {
        return Err(refused);
    }
    Ok((inst, View::Vendors(mine)))
}

fn labels(tr: &Tr) -> Labels {
    Labels {
        unzoned: tr.t("diagram-unzoned"),
        legend: tr.t("diagram-legend"),
        maintenance: tr.t("diagram-maintenance"),
        maintenance_path: tr.t("diagram-maintenance-path"),
        link: tr.t("diagram-link"),
        external: tr.t("diagram-external"),
        no_vendor: tr.t("diagram-no-vendor"),
        empty: tr.t("diagram-empty"),
    }
}

/// The label of a code: `zone-purpose` + `his` → `zone-purpose-his`.
pub fn label(tr: &Tr, prefix: &str, code: &str) -> String {
    crate::assets::code_label(tr, prefix, code)
}

/// The diagram of `n` as `view` shows it, in `tr`'s language.
pub fn build(n: &Network, view: &View, tr: &Tr) -> Diagram {
    let whole = *view == View::Whole;
    let points: Vec<_> = n
        .points
        .iter()
        .filter(|p| match view {
            View::Whole => true,
            View::Vendors(v) => p.vendor_id.as_ref().is_some_and(|id| v.contains(id)),
        })
        .collect();
    let via: HashSet<&str> = points
        .iter()
        .filter_map(|p| p.via_asset.as_deref())
        .collect();
    let assets: Vec<_> = n
        .assets
        .iter()
        .filter(|a| whole || via.contains(a.id.as_str()))
        .collect();
    let zone_ids: HashSet<&str> = assets.iter().filter_map(|a| a.zone_id.as_deref()).collect();
    let zones = n
        .zones
        .iter()
        .filter(|z| whole || zone_ids.contains(z.id.as_str()))
        .map(|z| Zone {
            id: z.id.clone(),
            name: z.name.clone(),
            purpose: label(tr, "zone-purpose", z.purpose.as_str()),
            ranges: z.range_list(),
        })
        .collect();
    let devices = assets
        .iter()
        .map(|a| Device {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: label(tr, "asset-kind", a.kind.as_str()),
            zone: a.zone_id.clone(),
            addresses: a.addresses(),
            vendor: None,
            href: whole.then(|| format!("/ledger/{}", a.id)),
        })
        .collect();
    let zone_links = if whole {
        n.links
            .iter()
            .map(|l| ZoneLink {
                from_zone: l.from_zone.clone(),
                to_zone: l.to_zone.clone(),
                via_device: l.via_asset.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let connections = points
        .iter()
        .map(|p| Connection {
            id: p.id.clone(),
            kind: label(tr, "connection-kind", p.kind.as_str()),
            counterpart: p.counterpart.clone(),
            via_device: p.via_asset.clone(),
            vendor: p.vendor_id.clone(),
            maintenance: p.maintenance,
        })
        .collect();
    let used: HashSet<&str> = points
        .iter()
        .filter_map(|p| p.vendor_id.as_deref())
        .collect();
    let vendors = n
        .vendors
        .iter()
        .filter(|(id, _)| used.contains(id.as_str()))
        .map(|(id, name)| Vendor {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();
    Diagram {
        title: tr.t1("diagram-title", "name", &n.institution.name),
        description: tr.t("diagram-description"),
        zones,
        devices,
        zone_links,
        connections,
        vendors,
        labels: labels(tr),
    }
}

/// The network of the institution `code` and its diagram as the caller may see it.
pub async fn diagram(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    lang: Lang,
) -> Result<(Network, View, Diagram)> {
    let (inst, view) = access(ctx, caller, code).await?;
    let n = load(ctx, inst).await?;
    let d = build(&n, &view, &Tr::new(lang));
    Ok((n, view, d))
}

/// A diagram's download formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    Svg,
    Pdf,
    Dot,
}

/// The diagram as a file (SVG, PDF on A4 landscape, or DOT), audited as an export.
pub async fn export(
    ctx: &Ctx,
    caller: &Caller,
    code: &str,
    lang: Lang,
    format: DiagramFormat,
) -> Result<crate::exports::Export> {
    let (n, view, d) = diagram(ctx, caller, code, lang).await?;
    let (bytes, media_type, ext) = match format {
        DiagramFormat::Svg => (mamori_diagram::svg(&d).into_bytes(), "image/svg+xml", "svg"),
        DiagramFormat::Dot => (
            mamori_diagram::dot(&d).into_bytes(),
            "text/vnd.graphviz; charset=utf-8",
            "dot",
        ),
        DiagramFormat::Pdf => {
            let svg = mamori_diagram::svg(&d);
            let pdf = tokio::task::spawn_blocking(move || mamori_pdf::svg_pdf(&svg))
                .await
                .map_err(|e| Error::Internal(format!("diagram task: {e}")))?
                .map_err(|e| Error::Internal(format!("diagram pdf: {e}")))?;
            (pdf, "application/pdf", "pdf")
        }
    };
    let inst = &n.institution;
    ctx.store()
        .record(
            &caller.actor(),
            mamori_store::AuditDraft::new(
                Some(&inst.id),
                "network.export",
                "institution",
                &inst.id,
                serde_json::json!({
                    "export": format!("diagram.{ext}"),
                    "vendor_view": view != View::Whole,
                    "zones": d.zones.len(),
                    "devices": d.devices.len(),
                    "connections": d.connections.len(),
                }),
            ),
        )
        .await?;
    Ok(crate::exports::Export {
        bytes,
        media_type,
        ascii_name: format!("diagram-{}.{ext}", inst.code),
        name: format!("ネットワーク構成図_{}.{ext}", inst.name),
    })
}
