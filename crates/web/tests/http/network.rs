//! The network (issue 13, item 5): zones, their rules on the ledger (an address outside its
//! zone, a duplicate in one zone, overlapping ranges, an invalid CIDR: 422 in Japanese and
//! nothing saved), the diagram of the demo hospital (three zones, two connection points, a
//! VPN maintenance path) parsed back, the vendor's restricted view, another tenant refused.

use crate::common::*;

async fn api(s: &Session, app: &App, m: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let r = s.json(app, m, path, body).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn zone_rules_refuse_bad_input_in_japanese_and_save_nothing() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let zones = || async { app.store.zones(&inst.id).await.unwrap() };
    let assets = || async { app.store.assets(&inst.id).await.unwrap().len() };
    let (zone_count, asset_count) = (zones().await.len(), assets().await);
    assert_eq!(zone_count, 3, "the demo hospital has three zones");
    let url = "/api/v1/institutions/1311234569/zones";

    // An invalid CIDR, a range overlapping the demo's 電子カルテ系: 422, nothing saved.
    let (st, e) = api(
        &so,
        &app,
        Method::POST,
        url,
        Some(json!({"name": "医療機器系", "purpose": "medical", "ranges": "10.30.0.0/33"})),
    )
    .await;
    assert_eq!(st, 422);
    assert_eq!(e["error"]["field"], "ranges");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("CIDR"),
        "{e}"
    );
    let (st, e) = api(
        &so,
        &app,
        Method::POST,
        url,
        Some(json!({"name": "医療機器系", "purpose": "medical", "ranges": "192.168.10.128/25"})),
    )
    .await;
    assert_eq!(st, 422);
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("重なっています"),
        "{e}"
    );
    // The page's form too: the page again (422) with the message, nothing saved.
    let r = so
        .form(
            &app,
            "/i/1311234569/network/zones",
            &[
                ("name", "医療機器系"),
                ("purpose", "medical"),
                ("ranges", "x/8"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("CIDR 形式") && html.contains(r##"href="#zone-ranges""##));
    assert_eq!(zones().await.len(), zone_count);

    // A zone that holds: the ranges normalised.
    let (st, medical) = api(
        &so,
        &app,
        Method::POST,
        url,
        Some(json!({"name": "医療機器系", "purpose": "medical", "ranges": ["10.30.1.2/16"]})),
    )
    .await;
    assert_eq!(st, 201, "{medical}");
    assert_eq!(medical["ranges"], json!(["10.30.0.0/16"]));
    let medical_id = medical["id"].as_str().unwrap().to_string();
    let his = zones()
        .await
        .into_iter()
        .find(|z| z.name == "電子カルテ系")
        .unwrap();

    // An entry whose address is outside its zone's ranges: 422, nothing saved.
    let assets_url = "/api/v1/institutions/1311234569/assets";
    let entry = |name: &str, ip: &str, zone: &str| json!({"name": name, "kind": "medical_device", "ip_addresses": ip, "zone": zone});
    let (st, e) = api(
        &so,
        &app,
        Method::POST,
        assets_url,
        Some(entry("モダリティ1", "10.30.0.5", &his.id)),
    )
    .await;
    assert_eq!(st, 422);
    assert_eq!(e["error"]["field"], "ip_addresses");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("アドレス範囲に入っていません"));
    assert_eq!(assets().await, asset_count);
    // Another institution's zone, or none at all: 422.
    let (st, _) = api(
        &so,
        &app,
        Method::POST,
        assets_url,
        Some(entry("モダリティ1", "10.30.0.5", "no-such-zone")),
    )
    .await;
    assert_eq!(st, 422);
    // In its zone: saved, with its zone.
    let (st, a) = api(
        &so,
        &app,
        Method::POST,
        assets_url,
        Some(entry("モダリティ1", "10.30.0.5", &medical_id)),
    )
    .await;
    assert_eq!(st, 201, "{a}");
    let a_id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["zone"], json!(medical_id));
    assert_eq!(
        app.store.asset(&a_id).await.unwrap().unwrap().zone_id,
        Some(medical_id.clone())
    );
    // The same address twice in one zone: 422, nothing saved.
    let (st, e) = api(
        &so,
        &app,
        Method::POST,
        assets_url,
        Some(entry("モダリティ2", "10.30.0.5", &medical_id)),
    )
    .await;
    assert_eq!(st, 422);
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("同じネットワークゾーン"));
    assert_eq!(assets().await, asset_count + 1);
    // In another zone (one without ranges) the address may be used again.
    let (st, other) = api(
        &so,
        &app,
        Method::POST,
        url,
        Some(json!({"name": "検証用", "purpose": "other"})),
    )
    .await;
    assert_eq!(st, 201);
    let (st, _) = api(
        &so,
        &app,
        Method::POST,
        assets_url,
        Some(entry(
            "モダリティ2",
            "10.30.0.5",
            other["id"].as_str().unwrap(),
        )),
    )
    .await;
    assert_eq!(st, 201);

    // A zone's ranges narrowed past its entries: 422, the zone unchanged.
    let (st, e) = api(
        &so,
        &app,
        Method::PUT,
        &format!("/api/v1/zones/{medical_id}"),
        Some(
            json!({"name": "医療機器系", "purpose": "medical", "ranges": "10.31.0.0/16",
            "version": 1}),
        ),
    )
    .await;
    assert_eq!(st, 422, "{e}");
    let (st, _) = api(
        &so,
        &app,
        Method::PUT,
        &format!("/api/v1/zones/{medical_id}"),
        Some(json!({"name": "医療機器系", "purpose": "medical",
            "ranges": "10.30.0.0/16, 10.32.0.0/16", "version": 1})),
    )
    .await;
    assert_eq!(st, 200);
    // A stale version: 409.
    let (st, _) = api(
        &so,
        &app,
        Method::PUT,
        &format!("/api/v1/zones/{medical_id}"),
        Some(json!({"name": "医療機器系", "purpose": "medical", "version": 1})),
    )
    .await;
    assert_eq!(st, 409);

    // Another tenant's officer learns nothing of the zone or the network.
    let other_inst = new_institution(&app, "2712345678", "なにわ診療所").await;
    let o = new_user(&app, "officer@naniwa.example.jp").await;
    app.store
        .grant_role(
            &Actor::system("test"),
            &other_inst.id,
            &o,
            Role::SecurityOfficer,
            None,
        )
        .await
        .unwrap();
    let stranger = login(&app, "officer@naniwa.example.jp").await;
    let (st, _) = api(
        &stranger,
        &app,
        Method::GET,
        &format!("/api/v1/zones/{medical_id}"),
        None,
    )
    .await;
    assert_eq!(st, 404);
    for path in [
        "/i/1311234569/network",
        "/i/1311234569/network/diagram",
        "/api/v1/institutions/1311234569/diagram.svg",
    ] {
        assert_eq!(stranger.get(&app, path).await.status(), 404, "{path}");
    }
    // Nor can it link its zones through the demo hospital's entry.
    let theirs = stranger
        .json(
            &app,
            Method::POST,
            "/api/v1/institutions/2712345678/zones",
            Some(json!({"name": "A", "purpose": "his", "ranges": "10.0.0.0/24"})),
        )
        .await;
    assert_eq!(theirs.status(), 201);
    let (st, _) = api(
        &stranger,
        &app,
        Method::POST,
        "/api/v1/institutions/2712345678/zone-links",
        Some(json!({"from_zone": medical_id, "to_zone": "x", "via_asset": a_id})),
    )
    .await;
    assert_eq!(st, 422);
}

/// `(x, y, width, height)` of the first `rect` of a group.
fn first_rect(n: roxmltree::Node<'_, '_>) -> (f64, f64, f64, f64) {
    let r = n
        .descendants()
        .find(|d| d.has_tag_name("rect"))
        .expect("a box");
    let a = |k: &str| r.attribute(k).unwrap_or("0").parse::<f64>().unwrap();
    (a("x"), a("y"), a("width"), a("height"))
}

fn groups<'a>(doc: &'a roxmltree::Document<'a>, class: &str) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class))
        .collect()
}

fn ids(list: &[roxmltree::Node<'_, '_>]) -> Vec<String> {
    let mut v: Vec<String> = list
        .iter()
        .filter_map(|n| n.attribute("data-id").map(str::to_string))
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_diagram_holds_every_zone_device_and_connection_without_overlaps() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let inst = demo_institution(&app).await;
    let r = so
        .get(&app, "/api/v1/institutions/1311234569/diagram.svg")
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("image/svg+xml"));
    let svg = r.text().await.unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");

    let mut zones: Vec<String> = app
        .store
        .zones(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .map(|z| z.id)
        .collect();
    zones.sort();
    let mut devices: Vec<String> = app
        .store
        .assets(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    devices.sort();
    let points = app.store.connection_points(&inst.id).await.unwrap();
    let mut point_ids: Vec<String> = points.iter().map(|p| p.id.clone()).collect();
    point_ids.sort();
    assert_eq!((zones.len(), points.len()), (3, 2));

    assert_eq!(ids(&groups(&doc, "zone")), zones);
    let device_nodes = groups(&doc, "device");
    assert_eq!(ids(&device_nodes), devices);
    let conn_nodes = groups(&doc, "connection");
    assert_eq!(ids(&conn_nodes), point_ids);
    // The maintenance line through the VPN device is marked.
    let vpn = points.iter().find(|p| p.maintenance).unwrap();
    let marked: Vec<_> = conn_nodes
        .iter()
        .filter(|n| n.attribute("data-maintenance") == Some("true"))
        .filter_map(|n| n.attribute("data-id"))
        .collect();
    assert_eq!(marked, [vpn.id.as_str()]);
    assert!(groups(&doc, "edge")
        .iter()
        .any(|e| e.attribute("data-maintenance") == Some("true")));
    assert!(svg.contains("A社"), "the vendor responsible is named");
    // No two node boxes overlap.
    let boxes: Vec<_> = device_nodes
        .iter()
        .chain(conn_nodes.iter())
        .map(|n| first_rect(*n))
        .collect();
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }

    // The page: the SVG inline, the text alternative, the downloads.
    let page = so
        .get(&app, "/i/1311234569/network/diagram")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<svg") && !page.contains("<?xml"));
    assert!(page.contains("A社 リモート保守センター") && page.contains("192.168.20.0/24"));
    assert!(page.contains(r#"href="/i/1311234569/network/diagram.pdf""#));
    let dot = so
        .get(&app, "/i/1311234569/network/diagram.dot")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        dot.contains("graph") && dot.contains("電子カルテ系"),
        "{dot}"
    );
    let pdf = so
        .get(&app, "/api/v1/institutions/1311234569/diagram.pdf")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    // Each download is audited as an export.
    let events = app
        .store
        .audit_events(&mamori_store::AuditFilter {
            institution_id: inst.id.clone(),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        events
            .iter()
            .filter(|e| e.action == "network.export")
            .count()
            >= 3
    );
}

#[tokio::test]
async fn a_vendor_sees_only_its_part_of_the_diagram() {
    let app = start().await;
    let inst = demo_institution(&app).await;
    let a_sha = login(&app, "tanto@a-sha.example.jp").await;
    let svg = a_sha
        .get(&app, "/api/v1/institutions/1311234569/diagram.svg")
        .await
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let points = app.store.connection_points(&inst.id).await.unwrap();
    let mine = points.iter().find(|p| p.maintenance).unwrap();
    assert_eq!(ids(&groups(&doc, "connection")), [mine.id.as_str()]);
    assert_eq!(
        ids(&groups(&doc, "device")),
        [mine.via_asset.clone().unwrap()]
    );
    let dmz = app
        .store
        .zones(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|z| z.name == "DMZ")
        .unwrap();
    assert_eq!(ids(&groups(&doc, "zone")), [dmz.id]);
    assert!(!svg.contains("電子カルテサーバ") && !svg.contains("/ledger/"));
    let page = a_sha.get(&app, "/i/1311234569/network/diagram").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("貴社が責任を持つ"));
    // The rest of the network stays closed to it.
    for path in [
        "/i/1311234569/network",
        "/api/v1/institutions/1311234569/zones",
    ] {
        assert_eq!(a_sha.get(&app, path).await.status(), 404, "{path}");
    }
    // B社, under contract but responsible for no connection point: an empty drawing.
    let b_sha = login(&app, "tanto@b-sha.example.jp").await;
    let svg = b_sha
        .get(&app, "/api/v1/institutions/1311234569/diagram.svg")
        .await
        .text()
        .await
        .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(groups(&doc, "device").is_empty() && groups(&doc, "connection").is_empty());
    // D社, with no contract there: not found.
    let d_sha = login(&app, "tanto@d-sha.example.jp").await;
    assert_eq!(
        d_sha
            .get(&app, "/i/1311234569/network/diagram")
            .await
            .status(),
        404
    );
}
