//! The network's storage (issue 13, item 5): zones read back as written, a taken name and
//! overlapping ranges refused inside the writing transaction, stale edits and deletions
//! refused, another institution's zones, assets and records not found, every change
//! audited; a ledger entry keeps its zone.

use super::{actor, backends, events, new_inst};
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_domain::network::{check_zone, ConnectionKind, RawZone, ZonePurpose};
use mamori_store::{
    Asset, ConflictKind, ConnectionPoint, Entity, NetworkZone, StoreError, ZoneLink,
};

fn zone(inst: &str, name: &str, ranges: &str) -> NetworkZone {
    NetworkZone::new(
        inst,
        check_zone(&RawZone {
            name,
            purpose: "his",
            ranges,
            notes: "",
        })
        .unwrap(),
    )
}

fn link(inst: &str, from: &str, to: &str, via: Option<String>) -> ZoneLink {
    ZoneLink {
        id: String::new(),
        institution_id: inst.into(),
        from_zone: from.into(),
        to_zone: to.into(),
        via_asset: via,
        version: 0,
        created_at: 0,
        created_by: None,
        created_label: String::new(),
    }
}

fn point(inst: &str, via: Option<String>, vendor: Option<String>) -> ConnectionPoint {
    ConnectionPoint {
        id: String::new(),
        institution_id: inst.into(),
        kind: ConnectionKind::Maintenance,
        counterpart: "A社 保守センター".into(),
        via_asset: via,
        vendor_id: vendor,
        maintenance: true,
        notes: String::new(),
        version: 0,
        created_at: 0,
        updated_at: 0,
        updated_by: None,
        updated_label: String::new(),
    }
}

#[tokio::test]
async fn zones_are_unique_never_overlap_and_are_versioned() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777771").await;
        let other = new_inst(s, "1377777772").await;
        let his = s
            .create_zone(&actor(), &zone(&i.id, "電子カルテ系", "10.10.0.0/16"))
            .await
            .unwrap();
        assert_eq!(his.version, 1);
        let read = s.zone(&his.id).await.unwrap().unwrap();
        assert_eq!(read, his, "{}", b.name);
        assert_eq!(read.purpose, ZonePurpose::His);
        assert_eq!(read.range_list(), ["10.10.0.0/16"]);

        // A taken name, an overlapping range: refused, nothing written.
        let dup = s
            .create_zone(&actor(), &zone(&i.id, "電子カルテ系", "10.20.0.0/16"))
            .await
            .unwrap_err();
        assert!(
            matches!(dup, StoreError::Duplicate(Entity::Zone)),
            "{dup:?}"
        );
        let overlap = s
            .create_zone(&actor(), &zone(&i.id, "DMZ", "10.10.5.0/24"))
            .await
            .unwrap_err();
        assert!(
            matches!(overlap, StoreError::Conflict(ConflictKind::ZoneOverlap)),
            "{overlap:?}"
        );
        assert_eq!(s.zones(&i.id).await.unwrap().len(), 1, "{}", b.name);
        // Another institution may use the same name and ranges.
        s.create_zone(&actor(), &zone(&other.id, "電子カルテ系", "10.10.0.0/16"))
            .await
            .unwrap();

        let dmz = s
            .create_zone(&actor(), &zone(&i.id, "DMZ", "10.20.0.0/24"))
            .await
            .unwrap();
        // A change at the version read; a stale one overwrites nothing.
        let wider = NetworkZone {
            ranges: r#"["10.20.0.0/23"]"#.into(),
            ..dmz.clone()
        };
        let saved = s.update_zone(&actor(), &wider, 1).await.unwrap();
        assert_eq!(saved.version, 2);
        let stale = s.update_zone(&actor(), &wider, 1).await.unwrap_err();
        assert!(matches!(
            stale,
            StoreError::Conflict(ConflictKind::StaleZone)
        ));
        // Widened onto another zone: refused.
        let onto = NetworkZone {
            ranges: r#"["10.0.0.0/8"]"#.into(),
            ..saved.clone()
        };
        let e = s.update_zone(&actor(), &onto, 2).await.unwrap_err();
        assert!(matches!(e, StoreError::Conflict(ConflictKind::ZoneOverlap)));
        assert_eq!(s.zone(&dmz.id).await.unwrap().unwrap(), saved);
        // Another institution's id: not found.
        let foreign = NetworkZone {
            institution_id: other.id.clone(),
            ..saved.clone()
        };
        let e = s.update_zone(&actor(), &foreign, 2).await.unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Zone)), "{e:?}");

        let ev = events(s, &i.id).await;
        assert_eq!(
            ev.iter().filter(|a| a.starts_with("network.zone-")).count(),
            3,
            "{}: {ev:?}",
            b.name
        );
    }
}

#[tokio::test]
async fn links_points_and_an_entrys_zone_stay_in_their_institution() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777773").await;
        let other = new_inst(s, "1377777774").await;
        let vendor = s.create_vendor(&actor(), "A社").await.unwrap();
        let a = s
            .create_zone(&actor(), &zone(&i.id, "インターネット系", "192.0.2.0/24"))
            .await
            .unwrap();
        let c = s
            .create_zone(&actor(), &zone(&i.id, "DMZ", "198.51.100.0/24"))
            .await
            .unwrap();
        let theirs = s
            .create_zone(&actor(), &zone(&other.id, "DMZ", "198.51.100.0/24"))
            .await
            .unwrap();
        let mut fields = check_asset(&RawAsset {
            name: "VPN装置",
            kind: "vpn",
            ip_addresses: "198.51.100.1",
            ..Default::default()
        })
        .unwrap();
        fields.zone = Some(c.id.clone());
        let vpn = s
            .create_asset(&actor(), &Asset::new(&i.id, fields.clone()), "")
            .await
            .unwrap();
        assert_eq!(
            s.asset(&vpn.id).await.unwrap().unwrap().zone_id,
            Some(c.id.clone())
        );
        let mut theirs_fields = fields.clone();
        theirs_fields.zone = Some(theirs.id.clone());
        let their_asset = s
            .create_asset(&actor(), &Asset::new(&other.id, theirs_fields), "")
            .await
            .unwrap();
        // In the writing transaction: an address twice in one zone, an address outside the
        // zone's ranges, another institution's zone — refused, nothing written.
        let twice = s
            .create_asset(&actor(), &Asset::new(&i.id, fields.clone()), "")
            .await
            .unwrap_err();
        assert!(
            matches!(twice, StoreError::Conflict(ConflictKind::AddressTaken)),
            "{}: {twice:?}",
            b.name
        );
        let mut outside = fields.clone();
        outside.ip_addresses = vec!["203.0.113.1".into()];
        let e = s
            .create_asset(&actor(), &Asset::new(&i.id, outside), "")
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            StoreError::Conflict(ConflictKind::AddressOutsideZone)
        ));
        let mut foreign = fields.clone();
        foreign.zone = Some(theirs.id.clone());
        let e = s
            .create_asset(&actor(), &Asset::new(&i.id, foreign), "")
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Zone)), "{e:?}");
        // In another zone (the same address, unzoned) it may be used again.
        let mut unzoned = fields.clone();
        unzoned.zone = None;
        s.create_asset(&actor(), &Asset::new(&i.id, unzoned), "")
            .await
            .unwrap();
        assert_eq!(s.assets(&i.id).await.unwrap().len(), 2);
        // The zone narrowed past its entry: refused, the zone unchanged.
        let narrowed = NetworkZone {
            ranges: r#"["198.51.100.128/25"]"#.into(),
            ..c.clone()
        };
        let e = s.update_zone(&actor(), &narrowed, 1).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Conflict(ConflictKind::ZoneEntriesOutside)),
            "{e:?}"
        );
        assert_eq!(s.zone(&c.id).await.unwrap().unwrap(), c);

        let l = s
            .create_zone_link(&actor(), &link(&i.id, &a.id, &c.id, Some(vpn.id.clone())))
            .await
            .unwrap();
        assert_eq!(s.zone_links(&i.id).await.unwrap(), std::slice::from_ref(&l));
        // Another institution's zone or device: not found, nothing written.
        let e = s
            .create_zone_link(&actor(), &link(&i.id, &a.id, &theirs.id, None))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Zone)), "{e:?}");
        let e = s
            .create_zone_link(
                &actor(),
                &link(&i.id, &a.id, &c.id, Some(their_asset.id.clone())),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Asset)), "{e:?}");
        // A link is deleted by its own institution only.
        let e = s
            .delete_zone_link(&actor(), &other.id, &l.id)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::ZoneLink)));
        s.delete_zone_link(&actor(), &i.id, &l.id).await.unwrap();
        assert!(s.zone_links(&i.id).await.unwrap().is_empty());

        let p = s
            .create_connection_point(
                &actor(),
                &point(&i.id, Some(vpn.id.clone()), Some(vendor.id.clone())),
            )
            .await
            .unwrap();
        let read = s.connection_point(&p.id).await.unwrap().unwrap();
        assert_eq!(read, p, "{}", b.name);
        assert!(read.maintenance);
        let e = s
            .create_connection_point(&actor(), &point(&i.id, Some(their_asset.id.clone()), None))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Asset)), "{e:?}");
        let changed = ConnectionPoint {
            maintenance: false,
            kind: ConnectionKind::Vpn,
            ..read.clone()
        };
        let saved = s
            .update_connection_point(&actor(), &changed, 1)
            .await
            .unwrap();
        assert_eq!((saved.version, saved.kind), (2, ConnectionKind::Vpn));
        let e = s
            .update_connection_point(&actor(), &changed, 1)
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            StoreError::Conflict(ConflictKind::StaleConnectionPoint)
        ));
        let foreign = ConnectionPoint {
            institution_id: other.id.clone(),
            ..saved.clone()
        };
        let e = s
            .update_connection_point(&actor(), &foreign, 2)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::ConnectionPoint)));
        // A stale deletion, another institution's deletion: refused, the point stays.
        let e = s
            .delete_connection_point(&actor(), &i.id, &p.id, 1)
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            StoreError::Conflict(ConflictKind::StaleConnectionPoint)
        ));
        let e = s
            .delete_connection_point(&actor(), &other.id, &p.id, 2)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::ConnectionPoint)));
        assert_eq!(s.connection_points(&i.id).await.unwrap().len(), 1);
        s.delete_connection_point(&actor(), &i.id, &p.id, 2)
            .await
            .unwrap();
        assert!(s.connection_points(&i.id).await.unwrap().is_empty());

        let ev = events(s, &i.id).await;
        for action in [
            "network.link-create",
            "network.link-delete",
            "network.connection-create",
            "network.connection-update",
            "network.connection-delete",
        ] {
            assert!(
                ev.iter().any(|a| a == action),
                "{}: {action} in {ev:?}",
                b.name
            );
        }
    }
}
