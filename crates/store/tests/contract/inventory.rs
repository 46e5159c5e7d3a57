//! Inventory checks (棚卸, issue 13): one open check per institution; records versioned and
//! refused once the check is closed; the close writes every correction to the ledger as a
//! version with the check as its reason, or nothing; another institution's asset is not
//! found; every step audited.

use super::{actor, backends, events, new_inst};
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_domain::inventory::{apply, check_record, CheckOutcome, CheckStatus, RawRecord};
use mamori_store::{Asset, AssetFilter, CheckScope, ConflictKind, Entity, StoreError};

fn asset(inst: &str, name: &str, place: &str) -> Asset {
    Asset::new(
        inst,
        check_asset(&RawAsset {
            name,
            kind: "terminal",
            location: place,
            ..Default::default()
        })
        .unwrap(),
    )
}

#[tokio::test]
async fn a_check_records_assets_and_its_close_changes_the_ledger_all_at_once() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777777").await;
        let other = new_inst(s, "1366666666").await;
        let a1 = s
            .create_asset(&actor(), &asset(&i.id, "受付PC", "1F 受付"), "登録")
            .await
            .unwrap();
        let a2 = s
            .create_asset(&actor(), &asset(&i.id, "医事PC", "1F 医事課"), "登録")
            .await
            .unwrap();
        let a3 = s
            .create_asset(&actor(), &asset(&i.id, "旧PC", "倉庫"), "登録")
            .await
            .unwrap();
        let foreign = s
            .create_asset(&actor(), &asset(&other.id, "よそのPC", "x"), "登録")
            .await
            .unwrap();

        let c = s
            .start_check(&actor(), &i.id, "2026年度 棚卸")
            .await
            .unwrap();
        assert_eq!(c.status, CheckStatus::Open);
        assert!(
            matches!(
                s.start_check(&actor(), &i.id, "二つ目").await,
                Err(StoreError::Duplicate(Entity::InventoryCheck))
            ),
            "{}: one open check per institution",
            b.name
        );
        // Another institution may have its own.
        s.start_check(&actor(), &other.id, "よその棚卸")
            .await
            .unwrap();

        let found = check_record(
            &RawRecord {
                outcome: "found",
                ..Default::default()
            },
            &a1.fields(),
        )
        .unwrap();
        let r1 = s
            .record_check(&actor(), &c.id, &a1.id, &found, 0)
            .await
            .unwrap();
        assert_eq!((r1.version, r1.outcome), (1, CheckOutcome::Found));
        // A second first record of the same asset (two people at once): a conflict.
        assert!(
            matches!(
                s.record_check(&actor(), &c.id, &a1.id, &found, 0).await,
                Err(StoreError::Conflict(ConflictKind::StaleCheckRecord))
            ),
            "{}",
            b.name
        );
        let moved = check_record(
            &RawRecord {
                outcome: "moved",
                location: "2F 病棟",
                ..Default::default()
            },
            &a1.fields(),
        )
        .unwrap();
        let r1 = s
            .record_check(&actor(), &c.id, &a1.id, &moved, 1)
            .await
            .unwrap();
        assert_eq!((r1.version, r1.outcome), (2, CheckOutcome::Moved));
        assert!(matches!(
            s.record_check(&actor(), &c.id, &a1.id, &moved, 1).await,
            Err(StoreError::Conflict(ConflictKind::StaleCheckRecord))
        ));
        // Another institution's asset: not found.
        assert!(
            matches!(
                s.record_check(&actor(), &c.id, &foreign.id, &found, 0)
                    .await,
                Err(StoreError::NotFound(Entity::Asset))
            ),
            "{}",
            b.name
        );
        let changed = check_record(
            &RawRecord {
                outcome: "changed",
                corrections: vec![("department", "医事課"), ("ip_addresses", "10.0.0.7")],
                ..Default::default()
            },
            &a2.fields(),
        )
        .unwrap();
        s.record_check(&actor(), &c.id, &a2.id, &changed, 0)
            .await
            .unwrap();

        let counts = s.check_counts(&c.id).await.unwrap();
        assert_eq!(
            (
                counts.assets,
                counts.moved,
                counts.changed,
                counts.unchecked,
                counts.records
            ),
            (3, 1, 1, 1, 2),
            "{}",
            b.name
        );
        let scope = |unchecked| AssetFilter {
            check: Some(CheckScope {
                check_id: c.id.clone(),
                unchecked,
            }),
            ..Default::default()
        };
        let (left, n) = s.assets_page(&i.id, &scope(true), 0, 100).await.unwrap();
        assert_eq!((n, left[0].id.as_str()), (1, a3.id.as_str()), "{}", b.name);
        assert_eq!(
            s.assets_page(&i.id, &scope(false), 0, 100).await.unwrap().1,
            3
        );
        let recs = s
            .check_records(&c.id, &[a1.id.clone(), a3.id.clone()])
            .await
            .unwrap();
        assert_eq!(recs.len(), 1);

        // A plan against 1 record when there are 2: stale, and nothing written.
        let after1 = Asset {
            id: a1.id.clone(),
            ..Asset::new(&i.id, apply(&a1.fields(), &moved).unwrap())
        };
        assert!(
            matches!(
                s.close_check(
                    &actor(),
                    &c.id,
                    1,
                    &[(after1.clone(), a1.version)],
                    &counts,
                    "棚卸"
                )
                .await,
                Err(StoreError::Conflict(ConflictKind::StaleCheckRecord))
            ),
            "{}",
            b.name
        );
        assert_eq!(
            s.inventory_check(&c.id).await.unwrap().unwrap().status,
            CheckStatus::Open
        );
        assert_eq!(s.asset(&a1.id).await.unwrap().unwrap().location, "1F 受付");
        // An entry changed since the plan: stale, and nothing written (not even the other).
        let after2 = Asset {
            id: a2.id.clone(),
            ..Asset::new(&i.id, apply(&a2.fields(), &changed).unwrap())
        };
        assert!(
            matches!(
                s.close_check(
                    &actor(),
                    &c.id,
                    2,
                    &[(after1.clone(), a1.version), (after2.clone(), 7)],
                    &counts,
                    "棚卸"
                )
                .await,
                Err(StoreError::Conflict(ConflictKind::StaleAsset))
            ),
            "{}",
            b.name
        );
        assert_eq!(
            s.asset(&a1.id).await.unwrap().unwrap().version,
            1,
            "{}: rolled back",
            b.name
        );
        assert_eq!(
            s.inventory_check(&c.id).await.unwrap().unwrap().status,
            CheckStatus::Open
        );

        let closed = s
            .close_check(
                &actor(),
                &c.id,
                2,
                &[(after1, a1.version), (after2, a2.version)],
                &counts,
                "棚卸「2026年度 棚卸」",
            )
            .await
            .unwrap();
        assert_eq!(closed.status, CheckStatus::Closed);
        assert!(closed.closed_on.is_some());
        let read = s.asset(&a1.id).await.unwrap().unwrap();
        assert_eq!((read.location.as_str(), read.version), ("2F 病棟", 2));
        let read2 = s.asset(&a2.id).await.unwrap().unwrap();
        assert_eq!(
            (read2.department.as_str(), read2.addresses()),
            ("医事課", vec!["10.0.0.7".to_string()])
        );
        let h = s.asset_history(&a1.id).await.unwrap();
        assert_eq!(h[0].reason, "棚卸「2026年度 棚卸」", "{}", b.name);
        assert_eq!(s.last_closed_check(&i.id).await.unwrap().unwrap().id, c.id);
        assert!(s.last_closed_check(&other.id).await.unwrap().is_none());
        let stored: mamori_store::CheckCounts =
            serde_json::from_str(&s.inventory_check(&c.id).await.unwrap().unwrap().result).unwrap();
        assert_eq!(stored, counts);

        // Closed: records and a second close are refused; a new check may start.
        assert!(
            matches!(
                s.record_check(&actor(), &c.id, &a3.id, &found, 0).await,
                Err(StoreError::Conflict(ConflictKind::CheckClosed))
            ),
            "{}",
            b.name
        );
        assert!(matches!(
            s.close_check(&actor(), &c.id, 2, &[], &counts, "x").await,
            Err(StoreError::Conflict(ConflictKind::CheckClosed))
        ));
        let next = s
            .start_check(&actor(), &i.id, "2027年度 棚卸")
            .await
            .unwrap();
        assert_eq!(
            s.inventory_checks(&i.id).await.unwrap()[0].id,
            next.id,
            "newest first"
        );
        let facts = s.ledger_facts(&i.id).await.unwrap();
        assert_eq!(
            facts
                .iter()
                .map(|f| (f.kind, f.total, f.without_os, f.without_ip))
                .collect::<Vec<_>>(),
            [(mamori_domain::assets::AssetKind::Terminal, 3, 3, 2)],
            "{}",
            b.name
        );
        let entries = s.asset_checks(&a1.id).await.unwrap();
        assert_eq!(
            (entries.len(), entries[0].outcome),
            (1, CheckOutcome::Moved)
        );

        let ev = events(s, &i.id).await;
        assert!(
            !ev.iter().any(|x| x == "asset.update"),
            "the close is the one event of its changes"
        );
        for e in ["inventory.start", "inventory.record", "inventory.close"] {
            assert!(ev.iter().any(|x| x == e), "{}: {e} audited: {ev:?}", b.name);
        }
    }
}
