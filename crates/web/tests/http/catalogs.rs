//! Catalogs: every page renders, search across documents, and the import of a catalog
//! (upload, preview, diff, confirm, served after a restart).

use crate::common::*;

#[tokio::test]
async fn every_catalog_and_item_page_renders_and_search_finds_across_documents() {
    for app in start_each().await {
        let s = login(&app, "shokuin@sakura.example.jp").await;
        let list = s.get(&app, "/catalogs").await.text().await.unwrap();
        assert!(
            list.contains("サイバーセキュリティ対策チェックリスト") && list.contains("一部のみ")
        );
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let untranslated = [
            "catalog-kind-",
            "provenance-",
            "answer-",
            "device-",
            "addressee-",
            "relation-",
            "item-",
        ];
        let mut pages = 0;
        for c in registry.catalogs.values() {
            let page = s.get(&app, &format!("/catalogs/{}", c.catalog.id)).await;
            assert_eq!(page.status(), 200, "{}", c.catalog.id);
            let html = page.text().await.unwrap();
            assert!(html.contains(&c.catalog.title));
            for item in &c.items {
                let r = s
                    .get(
                        &app,
                        &format!("/catalogs/{}/items/{}", c.catalog.id, item.id),
                    )
                    .await;
                assert_eq!(r.status(), 200, "{} {}", c.catalog.id, item.id);
                let html = r.text().await.unwrap();
                for k in untranslated {
                    assert!(
                        !html.contains(&format!(">{k}")),
                        "untranslated {k} on {} {}",
                        c.catalog.id,
                        item.id
                    );
                }
                if item.provenance == mamori_catalog::Provenance::Unverified {
                    assert!(
                        html.contains("公式文書で確認されていません"),
                        "unverified mark on {}",
                        item.id
                    );
                }
                pages += 1;
            }
        }
        assert!(pages > 100, "{pages}");
        // 「台帳」: the checklist items, the guideline section and the BCP item (through its reference).
        let hits: Value = s
            .json(
                &app,
                Method::GET,
                "/api/v1/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        let found: Vec<String> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                format!(
                    "{} {}",
                    h["catalog_id"].as_str().unwrap(),
                    h["item_id"].as_str().unwrap()
                )
            })
            .collect();
        for expected in [
            "mhlw/cyber-checklist-institution@R6 2-1",
            "mhlw/guideline-management@6.0 s9.1",
            "mhlw/bcp-checklist@2024-06 1-1",
        ] {
            assert!(
                found.iter().any(|f| f == expected),
                "{expected} not in {found:?}"
            );
        }
        // Items whose own text matches rank above those found through a reference.
        let pos = |id: &str| found.iter().position(|f| f == id).unwrap();
        assert!(
            pos("mhlw/cyber-checklist-institution@R6 2-1") < pos("mhlw/bcp-checklist@2024-06 1-1")
        );
        let page = s
            .get(&app, "/catalogs/search?q=%E5%8F%B0%E5%B8%B3")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("<mark>台帳</mark>"),
            "matches are highlighted"
        );
        // Typed in half-width kana, found and highlighted as printed (full-width).
        let q: String = serde_urlencoded::to_string([("q", "ﾘﾓｰﾄﾒﾝﾃﾅﾝｽ")]).unwrap();
        let page = s
            .get(&app, &format!("/catalogs/search?{q}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("<mark>リモートメンテナンス</mark>"),
            "folded search highlights the text as printed"
        );
        // A checklist item links through the crosswalk to the guideline section it cites.
        let item = s
            .get(
                &app,
                "/catalogs/mhlw/cyber-checklist-institution@R6/items/2-1",
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(
            item.contains("/catalogs/mhlw/guideline-management@6.0#s9.1"),
            "crosswalk link"
        );
        assert_eq!(s.get(&app, "/catalogs/mhlw/none@1").await.status(), 404);
        assert_eq!(
            s.get(&app, "/catalogs/mhlw/bcp-checklist@2024-06/items/none")
                .await
                .status(),
            404
        );
        let empty: Value = s
            .json(&app, Method::GET, "/api/v1/catalogs/search?q=%20", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(empty.as_array().unwrap().len(), 0);
    }
}

#[tokio::test]
async fn catalog_import_upload_preview_diff_confirm_and_serve_after_restart() {
    let app = start().await;
    let admin = login_with_totp(&app, "admin@mamori.example").await;
    let page = admin.get(&app, "/catalog-imports").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""));
    let document = "mhlw/cyber-checklist-institution";
    let fields = |version: &'static str| {
        vec![
            ("document", document),
            ("version", version),
            ("title", "令和8年度版 医療機関確認用"),
            ("published", "2026-05"),
        ]
    };

    // Refused files: the row and column are named and nothing is staged.
    let dup = upload_csv(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1-(1),a\n1-(1),b\n",
    )
    .await;
    assert_eq!(dup.status(), 422);
    let html = dup.text().await.unwrap();
    assert!(
        html.contains("行 3, 列 A") && html.contains("重複"),
        "{html}"
    );
    assert!(
        html.contains("value=\"R8\""),
        "the form keeps what was typed"
    );
    let xls = upload(
        &admin,
        &app,
        &fields("R8"),
        "r8.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
    )
    .await;
    assert_eq!(xls.status(), 422);
    assert!(xls.text().await.unwrap().contains(".xlsx"));
    // The same refusal in English: place and problem are translated, not only the frame.
    admin
        .form(
            &app,
            "/lang",
            &[("lang", "en"), ("next", "/catalog-imports")],
        )
        .await;
    let dup_en = upload_csv(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1-(1),a\n1-(1),b\n",
    )
    .await;
    assert_eq!(dup_en.status(), 422);
    let html = dup_en.text().await.unwrap();
    assert!(
        html.contains("Row 3, column A")
            && html.contains("appears twice (also at row 2, column A)"),
        "{html}"
    );
    admin
        .form(
            &app,
            "/lang",
            &[("lang", "ja"), ("next", "/catalog-imports")],
        )
        .await;
    let no_file = upload(&admin, &app, &fields("R8"), "", vec![]).await;
    assert_eq!(no_file.status(), 422);
    let bad_date = upload(
        &admin,
        &app,
        &[
            ("document", document),
            ("version", "R8"),
            ("published", "令和8年"),
        ],
        "r8.csv",
        "項番,チェック項目\n1,a\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(bad_date.status(), 422);
    assert!(app.store.catalog_imports(10).await.unwrap().is_empty());

    // A new version: first item unchanged, second reworded, one added, the rest removed.
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let r7 = &registry.catalogs[&format!("{document}@R7")];
    let (keep, reword) = (&r7.items[0], &r7.items[1]);
    let csv = next_version_csv(keep, reword);
    let r = upload(&admin, &app, &fields("R8"), "r8.csv", csv.into_bytes()).await;
    assert_eq!(r.status(), 303);
    let preview_path = location(&r);
    assert!(preview_path.starts_with("/catalog-imports/"));
    let preview = admin.get(&app, &preview_path).await.text().await.unwrap();
    let removed = r7.items.len() - 2;
    for expected in [
        "追加 1 件".to_string(),
        "変更 1 件".to_string(),
        format!("削除 {removed} 件"),
        "同じ 1 件".into(),
        "見出し行 1: 項番 = 列 A, 内容 = 列 B".into(),
        "改訂された文言で確認する。".into(),
        reword.text.clone(),
    ] {
        assert!(preview.contains(&expected), "{expected} in preview");
    }
    assert_eq!(
        admin
            .get(&app, &format!("/catalogs/{document}@R8"))
            .await
            .status(),
        404,
        "nothing is served before confirmation"
    );

    // Confirm: served at once, searchable, with a crosswalk from R7.
    let id = preview_path.trim_start_matches("/catalog-imports/");
    let done = admin
        .form(&app, &format!("/catalog-imports/{id}/confirm"), &[])
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("/catalogs/{document}@R8"));
    let cat = admin.get(&app, &format!("/catalogs/{document}@R8")).await;
    assert_eq!(cat.status(), 200);
    assert!(cat
        .text()
        .await
        .unwrap()
        .contains("令和8年度版 医療機関確認用"));
    let list = admin.get(&app, "/catalogs").await.text().await.unwrap();
    assert!(list.contains("読み込み版"));
    let found = admin
        .get(
            &app,
            "/catalogs/search?q=%E9%87%8F%E5%AD%90%E8%80%90%E6%80%A7",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        found.contains(&format!("/catalogs/{document}@R8/items/")),
        "{found}"
    );
    let item = admin
        .get(&app, &format!("/catalogs/{document}@R8/items/{}", keep.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        item.contains(&format!("/catalogs/{document}@R7/items/{}", keep.id)),
        "crosswalk to the previous version"
    );
    assert_eq!(
        admin
            .form(&app, &format!("/catalog-imports/{id}/confirm"), &[])
            .await
            .status(),
        409,
        "confirmed once only"
    );
    let again = upload_csv(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1,a\n",
    )
    .await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("既にあります"));

    // Discard: never served, and cannot be confirmed afterwards.
    let r = upload_csv(
        &admin,
        &app,
        &fields("R9"),
        "r9.csv",
        "項番,チェック項目\n1,a\n",
    )
    .await;
    let r9 = location(&r);
    assert_eq!(
        admin
            .form(&app, &format!("{r9}/discard"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .form(&app, &format!("{r9}/confirm"), &[])
            .await
            .status(),
        409
    );
    assert_eq!(
        admin
            .get(&app, &format!("/catalogs/{document}@R9"))
            .await
            .status(),
        404
    );

    // A second server on the same database serves the confirmed version.
    let second = app.second_server(WebConfig::default()).await;
    let base = second.base.clone();
    let staff = login(&second, "shokuin@sakura.example.jp").await;
    let r = staff
        .c
        .get(format!("{base}/catalogs/{document}@R8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "served after a restart");
    let r = staff
        .c
        .get(format!("{base}/catalog-imports"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only the platform administrator imports");
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

/// `s` uploads the text `csv` as the file `file_name` to the catalog import form.
async fn upload_csv(
    s: &Session,
    app: &App,
    fields: &[(&str, &str)],
    file_name: &str,
    csv: &str,
) -> reqwest::Response {
    upload(s, app, fields, file_name, csv.as_bytes().to_vec()).await
}
