//! Feed data in a database of its own (issue 13 item 6): products and cycles read back in
//! order, a re-import of the same data leaves every row alone, a changed product's cycles
//! are replaced whole, each import recorded; the SQLite feed file sits beside the main one.
//! And the asset's end-of-support link (tenant data): versioned, audited, in its institution.

use super::{actor, backends, events, new_inst};
use mamori_domain::assets::{check_asset, RawAsset};
use mamori_store::{
    Asset, AssetEosLink, ConflictKind, Entity, EosCycleRecord, EosProductRecord, FeedStore,
    NewFeedImport, PgFeedStore, SqliteFeedStore, StoreError,
};
use std::sync::Arc;

fn cycle(id: &str, eol: &str) -> EosCycleRecord {
    EosCycleRecord {
        cycle: id.into(),
        label: Some(format!("Label {id}")),
        codename: None,
        release_on: Some("2013-10-18".into()),
        eoas: Some("ended".into()),
        eol: eol.into(),
        eoes: None,
        latest: Some("6.3.9600".into()),
        lts: true,
        lts_from: None,
        source: "endoflife_md".into(),
    }
}

fn product(id: &str, cycles: Vec<EosCycleRecord>) -> EosProductRecord {
    EosProductRecord {
        id: id.into(),
        title: format!("Title {id}"),
        category: Some("os".into()),
        cpes: vec![format!("cpe:/o:x:{id}")],
        source: "endoflife_md".into(),
        cycles,
    }
}

fn import(files: &[&str]) -> NewFeedImport {
    NewFeedImport {
        kind: "eos".into(),
        files: files.iter().map(|f| f.to_string()).collect(),
        skipped: 1,
        warnings: 2,
        sha256: "ab".repeat(32),
        imported_by: Some("u1".into()),
        imported_label: "admin@example.jp".into(),
    }
}

async fn feed_backends() -> Vec<(&'static str, Arc<dyn FeedStore>, tempfile::TempDir)> {
    let dir = tempfile::tempdir().unwrap();
    let file = SqliteFeedStore::open(&dir.path().join("feeds.sqlite"))
        .await
        .unwrap();
    let mut out: Vec<(&'static str, Arc<dyn FeedStore>, tempfile::TempDir)> = vec![
        ("sqlite", Arc::new(file), dir),
        (
            "sqlite memory",
            Arc::new(SqliteFeedStore::memory().await.unwrap()),
            tempfile::tempdir().unwrap(),
        ),
    ];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = PgFeedStore::connect_private_schema(&url).await.unwrap();
        out.push(("postgres", Arc::new(pg), tempfile::tempdir().unwrap()));
    }
    out
}

#[tokio::test]
async fn eos_import_is_idempotent_and_replaces_a_products_cycles_whole() {
    for (name, f, _dir) in feed_backends().await {
        assert_eq!(f.feed_generation().await.unwrap(), 0);
        let many: Vec<EosCycleRecord> = (0..450)
            .map(|n| cycle(&format!("c{n}"), "not_ended"))
            .collect();
        let first = vec![
            product(
                "rhel",
                vec![cycle("9", "2032-05-31"), cycle("8", "2029-05-31")],
            ),
            product("big", many),
            product(
                "windows-server",
                vec![cycle("2012-r2", "2023-10-10"), cycle("2012-r2", "ended")],
            ),
        ];
        let i1 = f
            .import_eos(&import(&["a.md", "b.md"]), &first)
            .await
            .unwrap();
        assert_eq!(
            (i1.products, i1.cycles, i1.changed, i1.skipped, i1.warnings),
            (3, 454, 3, 1, 2),
            "{name}"
        );
        assert_eq!(i1.file_names(), ["a.md", "b.md"]);
        let read = f.eos_products().await.unwrap();
        let ids: Vec<_> = read.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["big", "rhel", "windows-server"], "{name}");
        assert_eq!(read[1], first[0], "{name}: read back as written, in order");
        assert_eq!(read[0].cycles.len(), 450);
        assert_eq!(read[0].cycles[449].cycle, "c449");
        assert_eq!(read[2], first[2], "{name}: a repeated cycle id is kept");

        // The same data again: no row rewritten, the import recorded.
        let i2 = f
            .import_eos(&import(&["a.md", "b.md"]), &first)
            .await
            .unwrap();
        assert_eq!(i2.changed, 0, "{name}");
        assert_eq!(f.eos_products().await.unwrap(), read);

        // One product changed and one not given: the changed one replaced whole, the
        // others kept.
        let rhel = product("rhel", vec![cycle("10", "2035-05-31")]);
        let i3 = f
            .import_eos(&import(&["rhel.md"]), std::slice::from_ref(&rhel))
            .await
            .unwrap();
        assert_eq!((i3.products, i3.changed), (1, 1));
        let now = f.eos_products().await.unwrap();
        assert_eq!(now.len(), 3);
        assert_eq!(now[1], rhel, "{name}");
        assert_eq!(now[0], read[0]);

        let listed = f.feed_imports("eos", 10).await.unwrap();
        assert_eq!(listed.len(), 3);
        assert_eq!(listed[0].id, i3.id, "{name}: newest first");
        assert_eq!(listed[2].imported_label, "admin@example.jp");
        assert!(f.feed_imports("nvd", 10).await.unwrap().is_empty());
        assert_eq!(f.feed_generation().await.unwrap(), 3);
    }
}

#[tokio::test]
async fn the_sqlite_feed_file_sits_beside_the_main_file_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("mamori.db");
    let url = format!("sqlite://{}", main.display());
    let _main = mamori_store::open(&url).await.unwrap();
    let f = mamori_store::open_feeds(&url).await.unwrap();
    f.import_eos(
        &import(&["x.md"]),
        &[product("rhel", vec![cycle("9", "2032-05-31")])],
    )
    .await
    .unwrap();
    assert!(dir.path().join("feeds.sqlite").exists());
    drop(f);
    let again = mamori_store::open_feeds(&url).await.unwrap();
    assert_eq!(again.eos_products().await.unwrap().len(), 1);
    // The main database holds no feed table.
    let s = mamori_store::SqliteStore::open(&main).await.unwrap();
    let n: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('eos_products', 'eos_cycles', 'feed_imports')",
    )
    .fetch_one(s.raw_pool())
    .await
    .unwrap();
    assert_eq!(n.0, 0);
    let mem = mamori_store::open_feeds("sqlite::memory:").await.unwrap();
    assert!(mem.eos_products().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_assets_eos_link_is_versioned_audited_and_stays_in_its_institution() {
    for b in backends().await {
        let s = b.store.as_ref();
        let i = new_inst(s, "1377777777").await;
        let other = new_inst(s, "1366666666").await;
        let fields = check_asset(&RawAsset {
            name: "電子カルテサーバ",
            kind: "server",
            ..Default::default()
        })
        .unwrap();
        let a = s
            .create_asset(&actor(), &Asset::new(&i.id, fields), "登録")
            .await
            .unwrap();
        let link = AssetEosLink {
            asset_id: a.id.clone(),
            institution_id: i.id.clone(),
            product: "windows-server".into(),
            cycle: "2012-r2".into(),
            confirmed_by: None,
            confirmed_label: String::new(),
            confirmed_at: 0,
            version: 0,
        };
        let made = s.link_asset_eos(&actor(), &link, None).await.unwrap();
        assert_eq!(made.version, 1, "{}", b.name);
        assert_eq!(made.confirmed_label, "tester@example.jp");
        assert_eq!(s.asset_eos_link(&a.id).await.unwrap(), Some(made.clone()));
        // A second "new" link, or a stale version: refused, nothing changed.
        for expected in [None, Some(7)] {
            let e = s
                .link_asset_eos(&actor(), &link, expected)
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::Conflict(ConflictKind::StaleAsset)));
        }
        // Another institution's asset: not found.
        let foreign = AssetEosLink {
            institution_id: other.id.clone(),
            ..link.clone()
        };
        let e = s
            .link_asset_eos(&actor(), &foreign, None)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(Entity::Asset)));
        let changed = AssetEosLink {
            cycle: "2016".into(),
            ..link.clone()
        };
        let v2 = s.link_asset_eos(&actor(), &changed, Some(1)).await.unwrap();
        assert_eq!((v2.version, v2.cycle.as_str()), (2, "2016"));
        assert_eq!(s.asset_eos_links(&i.id).await.unwrap(), vec![v2.clone()]);
        assert!(s.asset_eos_links(&other.id).await.unwrap().is_empty());
        let e = s
            .unlink_asset_eos(&actor(), &i.id, &a.id, 1)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Conflict(_)));
        s.unlink_asset_eos(&actor(), &i.id, &a.id, 2).await.unwrap();
        assert_eq!(s.asset_eos_link(&a.id).await.unwrap(), None);
        let ev = events(s, &i.id).await;
        assert_eq!(
            ev.iter().filter(|e| e.starts_with("asset.eos_")).count(),
            3,
            "{}: {ev:?}",
            b.name
        );
        assert!(ev.contains(&"asset.eos_unlink".to_string()));
    }
}
