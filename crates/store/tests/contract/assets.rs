//! The asset ledger's storage (issue 13): entries with their kinds, states and addresses
//! read back as written; each change a version kept whole with who and why; a stale edit
//! overwrites nothing; another institution's entry is not found; every change audited.

use super::{actor, backends, events, new_inst};
use mamori_domain::assets::{check_asset, AssetKind, AssetStatus, Ownership, RawAsset};
use mamori_domain::codes::ImportStatus;
use mamori_store::{
    Asset, AssetFilter, AssetImport, ConflictKind, Entity, ImportWrite, StoreError,
};

#[tokio::test]
async fn assets_are_versioned_with_their_history_and_stay_in_their_institution() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1388888888").await;
        let other = new_inst(s, "1399999999").await;
        let fields = check_asset(&RawAsset {
            name: "VPN装置(保守用)",
            kind: "vpn",
            manufacturer: "ヤマハ",
            model: "RTX1300",
            serial: "S1234",
            location: "本館 2F サーバ室",
            ip_addresses: "192.168.1.1, 203.0.113.10",
            mac: "00:a0:de:12:34:56",
            admin_login: "yes",
            admin_users: "A社 保守担当",
            remote_maintenance: "A社 IPsec VPN",
            ownership: "lease",
            introduced_on: "2021-04-01",
            eos_on: "2031-03-31",
            ..Default::default()
        })
        .unwrap();
        let made = s
            .create_asset(&actor(), &Asset::new(&i.id, fields), "台帳の初回登録")
            .await
            .unwrap();
        assert_eq!(made.version, 1);
        let read = s.asset(&made.id).await.unwrap().unwrap();
        assert_eq!(read, made, "{}", b.name);
        assert_eq!(
            (read.kind, read.status, read.ownership, read.admin_login),
            (
                AssetKind::Vpn,
                AssetStatus::InUse,
                Some(Ownership::Lease),
                Some(true)
            )
        );
        assert_eq!(read.addresses(), ["192.168.1.1", "203.0.113.10"]);
        assert_eq!(read.mac, "00:A0:DE:12:34:56");

        // A change: retired, with the day; the history keeps both versions whole.
        let changed = Asset {
            status: AssetStatus::Retired,
            retired_on: Some("2025-03-31".into()),
            ..read.clone()
        };
        let v2 = s
            .update_asset(&actor(), &changed, 1, "更新に伴い撤去")
            .await
            .unwrap();
        assert_eq!(v2.version, 2);
        // A stale edit (still at version 1) overwrites nothing.
        let stale = Asset {
            name: "上書き".into(),
            ..read.clone()
        };
        assert!(matches!(
            s.update_asset(&actor(), &stale, 1, "x").await,
            Err(StoreError::Conflict(ConflictKind::StaleAsset))
        ));
        // Another institution's id pair: not found, nothing changed.
        let foreign = Asset {
            institution_id: other.id.clone(),
            ..v2.clone()
        };
        assert!(matches!(
            s.update_asset(&actor(), &foreign, 2, "x").await,
            Err(StoreError::NotFound(Entity::Asset))
        ));
        let now = s.asset(&made.id).await.unwrap().unwrap();
        assert_eq!((now.name.as_str(), now.version), ("VPN装置(保守用)", 2));
        assert_eq!(now.retired_on.as_deref(), Some("2025-03-31"));

        let history = s.asset_history(&made.id).await.unwrap();
        assert_eq!(
            history
                .iter()
                .map(|h| (h.version, h.reason.as_str()))
                .collect::<Vec<_>>(),
            [(2, "更新に伴い撤去"), (1, "台帳の初回登録")],
            "{}",
            b.name
        );
        let first: serde_json::Value = serde_json::from_str(&history[1].snapshot).unwrap();
        assert_eq!(first["status"], "in_use");
        assert_eq!(history[0].changed_label, "tester@example.jp");

        // The ledger lists the institution's own entries only.
        assert_eq!(s.assets(&i.id).await.unwrap().len(), 1);
        assert!(s.assets(&other.id).await.unwrap().is_empty());
        // An entry for an institution that does not exist is refused.
        let orphan = Asset {
            institution_id: "no-such-institution".into(),
            ..now.clone()
        };
        assert!(s.create_asset(&actor(), &orphan, "").await.is_err());
        let ev = events(s, &i.id).await;
        assert_eq!(ev.iter().filter(|e| e.starts_with("asset.")).count(), 2);
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

fn entry(name: &str, serial: &str, ip: &str) -> mamori_domain::assets::AssetFields {
    check_asset(&RawAsset {
        name,
        kind: "terminal",
        serial,
        ip_addresses: ip,
        software: "Edge | 131 | cpe:2.3:a:microsoft:edge:131:*:*:*:*:*:*:*",
        os_cpe: "cpe:2.3:o:microsoft:windows_11:23h2:*:*:*:*:*:*:*",
        warranty_on: "2027-03-31",
        ..Default::default()
    })
    .unwrap()
}

fn staged(inst: &str, name: &str) -> AssetImport {
    AssetImport {
        id: String::new(),
        institution_id: inst.into(),
        file_name: name.into(),
        file_sha256: "00".repeat(32),
        content: b"name,kind\n".to_vec(),
        choices: "[]".into(),
        status: ImportStatus::Pending,
        result: "{}".into(),
        created_by: None,
        created_label: String::new(),
        created_at: 0,
        decided_at: None,
    }
}

#[tokio::test]
async fn an_import_writes_everything_or_nothing_and_is_decided_once() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777777").await;
        let other = new_inst(s, "1366666666").await;
        let pc1 = s
            .create_asset(
                &actor(),
                &Asset::new(&i.id, entry("PC1", "S1", "10.0.0.1")),
                "",
            )
            .await
            .unwrap();
        assert_eq!(pc1.software_list()[0].name, "Edge");
        assert_eq!(pc1.fields(), entry("PC1", "S1", "10.0.0.1"), "{}", b.name);
        assert_eq!(pc1.warranty_on.as_deref(), Some("2027-03-31"));

        // A write whose change is stale (the entry moved on since the plan): nothing.
        let imp = s
            .stage_asset_import(&actor(), &staged(&i.id, "台帳.xlsx"))
            .await
            .unwrap();
        let read = s.asset_import(&imp.id).await.unwrap().unwrap();
        assert_eq!(read.content, b"name,kind\n");
        assert_eq!(read.status, ImportStatus::Pending);
        s.set_asset_import_choices(&imp.id, r#"[["購入金額","ignore"]]"#)
            .await
            .unwrap();
        let stale = ImportWrite {
            creates: vec![Asset::new(&i.id, entry("PC2", "S2", "10.0.0.2"))],
            updates: vec![(
                Asset {
                    name: "PC1(改)".into(),
                    ..pc1.clone()
                },
                7,
            )],
            unchanged: 0,
        };
        assert!(matches!(
            s.commit_asset_import(&actor(), &imp.id, &stale, "取り込み")
                .await,
            Err(StoreError::Conflict(ConflictKind::StaleAsset))
        ));
        assert_eq!(s.assets(&i.id).await.unwrap().len(), 1, "{}", b.name);
        assert_eq!(
            s.asset_import(&imp.id).await.unwrap().unwrap().status,
            ImportStatus::Pending,
            "a refused commit leaves the import pending"
        );
        // An entry of another institution in the write: nothing.
        let foreign = ImportWrite {
            creates: vec![Asset::new(&other.id, entry("X", "", ""))],
            ..Default::default()
        };
        assert!(s
            .commit_asset_import(&actor(), &imp.id, &foreign, "")
            .await
            .is_err());
        assert!(s.assets(&other.id).await.unwrap().is_empty());

        // The right write: all at once, each with its version and reason, one event.
        let good = ImportWrite {
            creates: vec![Asset::new(&i.id, entry("PC2", "S2", "10.0.0.2"))],
            updates: vec![(
                Asset {
                    name: "PC1(改)".into(),
                    ..pc1.clone()
                },
                1,
            )],
            unchanged: 3,
        };
        s.commit_asset_import(&actor(), &imp.id, &good, "取り込み: 台帳.xlsx")
            .await
            .unwrap();
        let all = s.assets(&i.id).await.unwrap();
        assert_eq!(all.len(), 2);
        let h = s.asset_history(&pc1.id).await.unwrap();
        assert_eq!(
            (h[0].version, h[0].reason.as_str()),
            (2, "取り込み: 台帳.xlsx")
        );
        let done = s.asset_import(&imp.id).await.unwrap().unwrap();
        assert_eq!(done.status, ImportStatus::Confirmed);
        assert!(done.content.is_empty(), "the file is dropped once decided");
        let result: serde_json::Value = serde_json::from_str(&done.result).unwrap();
        assert_eq!(
            (result["added"].as_i64(), result["changed"].as_i64()),
            (Some(1), Some(1))
        );
        // Decided once: a second commit or a discard is a conflict and writes nothing.
        assert!(matches!(
            s.commit_asset_import(&actor(), &imp.id, &good, "").await,
            Err(StoreError::Conflict(ConflictKind::ImportDecided))
        ));
        assert!(matches!(
            s.discard_asset_import(&actor(), &imp.id).await,
            Err(StoreError::Conflict(ConflictKind::ImportDecided))
        ));
        assert_eq!(s.assets(&i.id).await.unwrap().len(), 2);
        let ev = events(s, &i.id).await;
        assert_eq!(ev.iter().filter(|e| *e == "asset.import").count(), 1);
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}

#[tokio::test]
async fn a_ledger_page_keeps_what_its_filter_names() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1355555555").await;
        let other = new_inst(s, "1344444444").await;
        for n in 0..30 {
            let name = format!("端末{n:02}");
            let ip = format!("10.1.0.{}", n + 1);
            s.create_asset(&actor(), &Asset::new(&i.id, entry(&name, "", &ip)), "")
                .await
                .unwrap();
        }
        let server = check_asset(&RawAsset {
            name: "VPN_100%装置",
            kind: "vpn",
            location: "本館 Server室",
            ..Default::default()
        })
        .unwrap();
        s.create_asset(&actor(), &Asset::new(&i.id, server), "")
            .await
            .unwrap();
        s.create_asset(
            &actor(),
            &Asset::new(&other.id, entry("よその端末", "", "")),
            "",
        )
        .await
        .unwrap();
        let page = |f: AssetFilter, offset: i64, limit: i64| {
            let id = i.id.clone();
            async move { s.assets_page(&id, &f, offset, limit).await.unwrap() }
        };
        let (rows, total) = page(AssetFilter::default(), 10, 5).await;
        assert_eq!((rows.len(), total), (5, 31), "{}", b.name);
        assert_eq!(rows[0].name, "端末10", "by kind, then name");
        let terminals = AssetFilter {
            kind: Some(AssetKind::Terminal),
            ..Default::default()
        };
        assert_eq!(page(terminals, 0, 100).await.1, 30);
        let text = |t: &str| AssetFilter {
            text: t.into(),
            ..Default::default()
        };
        assert_eq!(
            page(text("10.1.0.3"), 0, 100).await.1,
            2,
            "10.1.0.3 and 10.1.0.30"
        );
        assert_eq!(
            page(text("server室"), 0, 100).await.1,
            1,
            "Latin case folded"
        );
        assert_eq!(page(text("100%"), 0, 100).await.1, 1, "% is a character");
        assert_eq!(page(text("_"), 0, 100).await.1, 1, "_ is a character");
        assert_eq!(
            page(text("よその"), 0, 100).await.1,
            0,
            "another institution's"
        );
        let retired = AssetFilter {
            status: Some(AssetStatus::Retired),
            ..Default::default()
        };
        assert_eq!(page(retired, 0, 100).await.1, 0);
    }
}

#[tokio::test]
async fn a_large_import_is_written_in_several_statements_and_reads_back() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1333333333").await;
        let imp = s
            .stage_asset_import(&actor(), &staged(&i.id, "large.csv"))
            .await
            .unwrap();
        let creates: Vec<Asset> = (0..450)
            .map(|n| {
                Asset::new(
                    &i.id,
                    entry(
                        &format!("PC{n:03}"),
                        &format!("L-{n}"),
                        &format!("10.2.{}.{}", n / 200, n % 200 + 1),
                    ),
                )
            })
            .collect();
        let write = ImportWrite {
            creates,
            ..Default::default()
        };
        s.commit_asset_import(&actor(), &imp.id, &write, "取り込み: large.csv")
            .await
            .unwrap();
        let all = s.assets(&i.id).await.unwrap();
        assert_eq!(all.len(), 450, "{}", b.name);
        let last = all.iter().find(|a| a.serial == "L-449").unwrap();
        assert_eq!(last.addresses(), ["10.2.2.50"]);
        assert_eq!(last.software_list()[0].name, "Edge");
        let h = s.asset_history(&last.id).await.unwrap();
        assert_eq!((h.len(), h[0].reason.as_str()), (1, "取り込み: large.csv"));
        let (_, total) = s
            .assets_page(
                &i.id,
                &AssetFilter {
                    text: "pc44".into(),
                    ..Default::default()
                },
                0,
                100,
            )
            .await
            .unwrap();
        assert_eq!(total, 10, "PC440–PC449, folded");
    }
}
