//! The demo hospital's network (issue 13, item 5): three zones, the links between them
//! through the firewall and the VPN device, the Internet through the firewall, and A社's
//! maintenance line (VPN) through the VPN device.

use mamori_domain::network::{check_zone, ConnectionKind, RawZone};
use mamori_store::{Actor, Asset, ConnectionPoint, NetworkZone, Store, ZoneLink};

/// The zones, by name.
pub(crate) async fn zones(
    store: &dyn Store,
    actor: &Actor,
    inst: &str,
) -> anyhow::Result<Vec<NetworkZone>> {
    let list = [
        (
            "電子カルテ系",
            "his",
            "192.168.10.0/24",
            "電子カルテ・部門システム",
        ),
        ("DMZ", "dmz", "192.168.20.0/24", "外部と接続する機器"),
        (
            "インターネット系",
            "internet",
            "192.168.30.0/24",
            "インターネット接続",
        ),
    ];
    let mut out = Vec::new();
    for (name, purpose, ranges, notes) in list {
        let f = check_zone(&RawZone {
            name,
            purpose,
            ranges,
            notes,
        })
        .map_err(|e| anyhow::anyhow!("demo zone: {}", e.key))?;
        out.push(store.create_zone(actor, &NetworkZone::new(inst, f)).await?);
    }
    Ok(out)
}

/// The links and the connection points, through the demo's devices.
pub(crate) async fn paths(
    store: &dyn Store,
    actor: &Actor,
    inst: &str,
    zones: &[NetworkZone],
    assets: &[Asset],
    a_sha: &str,
) -> anyhow::Result<()> {
    let zone = |name: &str| {
        zones
            .iter()
            .find(|z| z.name == name)
            .map(|z| z.id.clone())
            .unwrap_or_default()
    };
    let device = |kind: mamori_domain::assets::AssetKind| {
        assets.iter().find(|a| a.kind == kind).map(|a| a.id.clone())
    };
    let firewall = device(mamori_domain::assets::AssetKind::Firewall);
    let vpn = device(mamori_domain::assets::AssetKind::Vpn);
    for (from, to, via) in [
        ("インターネット系", "DMZ", firewall.clone()),
        ("DMZ", "電子カルテ系", vpn.clone()),
    ] {
        store
            .create_zone_link(
                actor,
                &ZoneLink {
                    id: String::new(),
                    institution_id: inst.to_string(),
                    from_zone: zone(from),
                    to_zone: zone(to),
                    via_asset: via,
                    version: 0,
                    created_at: 0,
                    created_by: None,
                    created_label: String::new(),
                },
            )
            .await?;
    }
    for (kind, counterpart, via, vendor, maintenance, notes) in [
        (
            ConnectionKind::Internet,
            "インターネット(光回線)",
            firewall,
            None,
            false,
            "",
        ),
        (
            ConnectionKind::Maintenance,
            "A社 リモート保守センター(IPsec VPN)",
            vpn,
            Some(a_sha.to_string()),
            true,
            "レセコンの保守。接続は申請制。",
        ),
    ] {
        store
            .create_connection_point(
                actor,
                &ConnectionPoint {
                    id: String::new(),
                    institution_id: inst.to_string(),
                    kind,
                    counterpart: counterpart.to_string(),
                    via_asset: via,
                    vendor_id: vendor,
                    maintenance,
                    notes: notes.to_string(),
                    version: 0,
                    created_at: 0,
                    updated_at: 0,
                    updated_by: None,
                    updated_label: String::new(),
                },
            )
            .await?;
    }
    Ok(())
}
