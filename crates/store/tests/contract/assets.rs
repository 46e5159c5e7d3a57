//! The asset ledger's storage (issue 13): entries with their kinds, states and addresses
//! read back as written; each change a version kept whole with who and why; a stale edit
//! overwrites nothing; another institution's entry is not found; every change audited.

use super::{actor, backends, events, new_inst};
use mamori_domain::assets::{check_asset, AssetKind, AssetStatus, Ownership, RawAsset};
use mamori_store::{Asset, ConflictKind, Entity, StoreError};

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
