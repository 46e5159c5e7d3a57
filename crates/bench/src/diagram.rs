//! Issue 13, item 5's figure: the network diagram of 500 devices in 10 zones (with links
//! between the zones and external connection points) in under 200 ms — the page with the
//! SVG inline and the SVG download, as the server reports its time (the zones, the ledger
//! and the points read, the diagram built, laid out and written).

use super::*;
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_domain::network::{check_zone, ConnectionKind, RawZone};
use mamori_store::{ConnectionPoint, NetworkZone, ZoneLink};

/// Fill the institution `code` with 10 zones of 50 devices each, a chain of links through
/// each zone's first device, and an external connection point per kind.
async fn fill(store: &dyn Store, code: &str) -> Result<()> {
    let actor = Actor::system("bench");
    let inst = store
        .institution_by_code(code)
        .await?
        .context("institution")?;
    let kinds = ["server", "terminal", "terminal", "switch", "medical_device"];
    let mut zones = Vec::new();
    let mut gateways = Vec::new();
    for z in 0..10 {
        let f = check_zone(&RawZone {
            name: &format!("ゾーン{z:02}"),
            purpose: if z == 0 { "internet" } else { "his" },
            ranges: &format!("10.{z}.0.0/16"),
            notes: "",
        })
        .map_err(|e| anyhow::anyhow!("{}", e.key))?;
        let zone = store
            .create_zone(&actor, &NetworkZone::new(&inst.id, f))
            .await?;
        for d in 0..50 {
            let mut fields = check_asset(&RawAsset {
                name: &format!("機器{z:02}-{d:02}"),
                kind: if d == 0 { "firewall" } else { kinds[d % 5] },
                ip_addresses: &format!("10.{z}.0.{}", d + 1),
                ..Default::default()
            })
            .map_err(|e| anyhow::anyhow!("{}", e.key))?;
            fields.zone = Some(zone.id.clone());
            let a = store
                .create_asset(&actor, &mamori_store::Asset::new(&inst.id, fields), "bench")
                .await?;
            if d == 0 {
                gateways.push(a.id);
            }
        }
        zones.push(zone.id);
    }
    for z in 1..10 {
        store
            .create_zone_link(
                &actor,
                &ZoneLink {
                    id: String::new(),
                    institution_id: inst.id.clone(),
                    from_zone: zones[(z - 1) / 2].clone(),
                    to_zone: zones[z].clone(),
                    via_asset: Some(gateways[z].clone()),
                    version: 0,
                    created_at: 0,
                    created_by: None,
                    created_label: String::new(),
                },
            )
            .await?;
    }
    for (n, kind) in ConnectionKind::ALL.iter().enumerate() {
        store
            .create_connection_point(
                &actor,
                &ConnectionPoint {
                    id: String::new(),
                    institution_id: inst.id.clone(),
                    kind: *kind,
                    counterpart: format!("接続先{n}"),
                    via_asset: Some(gateways[n % 4].clone()),
                    vendor_id: None,
                    maintenance: *kind == ConnectionKind::Maintenance,
                    notes: String::new(),
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

pub async fn diagram_bench(
    store: Arc<dyn Store>,
    base: &str,
    officer: &reqwest::Client,
    code: &str,
) -> Result<()> {
    let t = Instant::now();
    fill(store.as_ref(), code).await?;
    println!(
        "\nnetwork diagram: 500 devices in 10 zones, 9 links, 6 connection points (loaded in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    // Layout and SVG alone, in process (the diagram crate's synthetic hospital).
    let d = mamori_diagram::sample(500, 10);
    let mut ms = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let svg = mamori_diagram::svg(&d);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(svg);
    }
    ms.sort_by(f64::total_cmp);
    println!(
        "{:<42} {:>10.3} ms (median of 20, layout + SVG in process)",
        "diagram crate, sample(500, 10)",
        percentile(&ms, 0.5)
    );
    println!("page                                       server median   server p99   wall median   (n=20)   target < 200 ms");
    for (path, label) in [
        (
            format!("/i/{code}/network/diagram"),
            "diagram page (SVG inline)",
        ),
        (
            format!("/api/v1/institutions/{code}/diagram.svg"),
            "API diagram.svg",
        ),
        (
            format!("/api/v1/institutions/{code}/diagram.dot"),
            "API diagram.dot",
        ),
    ] {
        let (p50, p99, wall) = measure(officer, &format!("{base}{path}"), 20).await?;
        let verdict = if p99 < 200.0 { "ok" } else { "OVER" };
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms {wall:>10.3} ms   {verdict}");
    }
    Ok(())
}
