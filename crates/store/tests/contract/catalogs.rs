//! Catalogs: loading once, Japanese search, and staged imports.

use super::*;

#[tokio::test]
async fn catalogs_load_once_and_japanese_search_finds_items() {
    use mamori_store::{CatalogItemRecord, CatalogRecord};
    for b in backends().await {
        let s = b.store.as_ref();
        let item = |id: &str, number: &str, text: &str| CatalogItemRecord {
            catalog_id: "mhlw/test@R6".into(),
            item_id: id.into(),
            kind: mamori_domain::codes::CatalogEntryKind::Item,
            number: number.into(),
            section_title: "医療情報システムの管理・運用".into(),
            text: text.into(),
            extra: if id == "1-1" {
                "企画管理編 2.1".into()
            } else {
                String::new()
            },
            provenance: "verbatim".into(),
        };
        let mut c = CatalogRecord {
            id: "mhlw/test@R6".into(),
            document: "test".into(),
            version: "R6".into(),
            kind: mamori_domain::codes::CatalogKind::CyberChecklist,
            title: "テスト".into(),
            complete: false,
            content_hash: "h1".into(),
            origin: mamori_domain::codes::CatalogOrigin::Embedded,
            items: vec![
                item("2-1", "2-(1)", "医療情報システム全般について、サーバ、端末PC、ネットワーク機器の台帳管理を行っている。"),
                item("2-2", "2-(2)", "リモートメンテナンスを利用している機器の有無を事業者等に確認した。"),
                item("1-1", "1-(1)", "医療情報システム安全管理責任者を設置している。"),
                CatalogItemRecord {
                    section_title: "テスト".into(),
                    ..item("9-1", "9-(1)", "ＶＰＮ装置〜端末間は髙橋が﨑山と確認する。")
                },
            ],
        };
        assert!(s.load_catalog(&actor(), &c).await.unwrap(), "{}", b.name);
        assert!(
            !s.load_catalog(&actor(), &c).await.unwrap(),
            "{}: same content is not loaded again",
            b.name
        );
        let find = |q: &str| {
            let words: Vec<String> = q.split_whitespace().map(String::from).collect();
            async move {
                let mut ids: Vec<String> = s
                    .search_catalog_items(&words, 50)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|i| i.item_id)
                    .collect();
                ids.sort();
                ids
            }
        };
        assert_eq!(
            find("台帳").await,
            ["2-1"],
            "{}: two-character query",
            b.name
        );
        assert_eq!(find("リモートメンテナンス").await, ["2-2"]);
        assert_eq!(
            find("端末pc").await,
            ["2-1"],
            "{}: case-insensitive",
            b.name
        );
        assert_eq!(
            find("システム 責任者").await,
            ["1-1"],
            "every word must match"
        );
        assert_eq!(find("2-(2)").await, ["2-2"], "numbers are searchable");
        assert_eq!(
            find("管理・運用").await.len(),
            3,
            "section titles are searchable"
        );
        assert!(find("100%").await.is_empty(), "wildcards are literal");
        assert_eq!(
            find("企画管理編").await,
            ["1-1"],
            "references are searchable"
        );
        // Folded alike in the index and the query (domain::text::fold), on both backends:
        // width, kana, dashes, wave dashes and variant kanji.
        for (q, want) in [
            ("ﾘﾓｰﾄﾒﾝﾃﾅﾝｽ", "2-2"),
            ("りもーとめんてなんす", "2-2"),
            ("端末ＰＣ", "2-1"),
            ("２－（２）", "2-2"),
            ("2−(2)", "2-2"),
            ("vpn", "9-1"),
            ("VPN装置～端末", "9-1"),
            ("高橋", "9-1"),
            ("崎山", "9-1"),
        ] {
            assert_eq!(find(q).await, [want], "{}: {q}", b.name);
        }
        // A changed catalog replaces its items.
        c.content_hash = "h2".into();
        c.items.truncate(1);
        assert!(s.load_catalog(&actor(), &c).await.unwrap());
        assert!(find("リモートメンテナンス").await.is_empty());
        let loads = s
            .audit_chain("global", 0, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "catalog.load")
            .count();
        assert_eq!(loads, 2);
    }
}

#[tokio::test]
async fn catalog_imports_are_staged_then_confirmed_or_discarded_once() {
    use mamori_store::{CatalogImport, StoreError};
    for b in backends().await {
        let s = b.store.as_ref();
        let admin = s
            .create_user(&actor(), user("import@example.jp"))
            .await
            .unwrap();
        let staged = |id: &str, catalog: &str| CatalogImport {
            id: id.into(),
            catalog_id: catalog.into(),
            based_on: "mhlw/cyber-checklist-institution@R7".into(),
            file_name: "r8.xlsx".into(),
            file_sha256: "ab".repeat(32),
            mapping: "見出し行 1: 項番 = A, 内容 = B".into(),
            body: "format = 1\n".into(),
            status: mamori_domain::codes::ImportStatus::Pending,
            created_by: Some(admin.id.clone()),
            created_at: 0,
            decided_at: None,
        };
        let r8 = "mhlw/cyber-checklist-institution@R8";
        s.stage_catalog_import(&actor(), &staged("i1", r8))
            .await
            .unwrap();
        s.stage_catalog_import(&actor(), &staged("i2", r8))
            .await
            .unwrap();
        s.stage_catalog_import(
            &actor(),
            &staged("i3", "mhlw/cyber-checklist-institution@R9"),
        )
        .await
        .unwrap();
        let got = s.catalog_import("i1").await.unwrap().unwrap();
        assert_eq!(
            got.status,
            mamori_domain::codes::ImportStatus::Pending,
            "{}",
            b.name
        );
        assert_eq!(got.body, "format = 1\n");
        assert_eq!(got.created_by.as_deref(), Some(admin.id.as_str()));
        assert!(s.confirmed_catalog_imports().await.unwrap().is_empty());
        let list = s.catalog_imports(10).await.unwrap();
        assert_eq!(list.len(), 3, "{}", b.name);
        assert!(
            list.iter().all(|i| i.body.is_empty()),
            "lists carry no bodies"
        );

        s.decide_catalog_import(&actor(), "i1", true).await.unwrap();
        // Decided once only; a second version of the same id cannot be confirmed.
        assert!(matches!(
            s.decide_catalog_import(&actor(), "i1", false).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(
            matches!(
                s.decide_catalog_import(&actor(), "i2", true).await,
                Err(StoreError::Duplicate(_))
            ),
            "{}",
            b.name
        );
        assert_eq!(
            s.catalog_import("i2").await.unwrap().unwrap().status,
            mamori_domain::codes::ImportStatus::Pending,
            "a refused confirmation changes nothing"
        );
        s.decide_catalog_import(&actor(), "i2", false)
            .await
            .unwrap();
        assert!(matches!(
            s.decide_catalog_import(&actor(), "nope", true).await,
            Err(StoreError::NotFound(_))
        ));
        let confirmed = s.confirmed_catalog_imports().await.unwrap();
        assert_eq!(confirmed.len(), 1);
        assert_eq!(confirmed[0].id, "i1");
        assert!(confirmed[0].decided_at.is_some());
        // Two administrators deciding at once: one wins.
        let who = actor();
        let (a, c) = tokio::join!(
            s.decide_catalog_import(&who, "i3", true),
            s.decide_catalog_import(&who, "i3", false)
        );
        assert!(
            a.is_ok() != c.is_ok(),
            "{}: exactly one decision wins",
            b.name
        );
        let heads = s
            .audit_chain(mamori_domain::audit::GLOBAL_CHAIN, 0, 1000)
            .await
            .unwrap();
        let actions: Vec<&str> = heads.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"catalog.import.stage"));
        assert!(actions.contains(&"catalog.import.confirm"));
        assert!(actions.contains(&"catalog.import.discard"));
        assert!(mamori_store::verify_audit(s).await.unwrap().is_ok());
    }
}
