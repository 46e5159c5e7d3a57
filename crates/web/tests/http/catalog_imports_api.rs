//! The catalog import through the API (issue 10: every page action in `/api/v1`): upload →
//! preview with the diff → confirm or discard, the platform administrator only, on SQLite
//! and PostgreSQL; refused files store nothing.

use crate::common::*;

#[tokio::test]
async fn catalog_import_through_the_api_on_both_databases() {
    for app in start_each().await {
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        let (_, token) = admin.new_token(&app, "import").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let (_, staff_token) = staff.new_token(&app, "staff").await;
        let document = "mhlw/cyber-checklist-institution";
        let fields = |version: &'static str| {
            vec![
                ("document", document),
                ("version", version),
                ("title", "令和8年度版 医療機関確認用"),
                ("published", "2026-05"),
            ]
        };
        // Every chain's length: what a refusal must leave as it was.
        let audit_len = || async {
            let heads = app.store.audit_heads().await.unwrap();
            heads.iter().map(|h| h.seq).sum::<i64>()
        };
        let before = audit_len().await;

        // Refusals: another role is forbidden before the body is read; a broken file is
        // refused with where it broke; neither stores anything.
        let csv = "項番,チェック項目\n1-(1),a\n".as_bytes().to_vec();
        let r = api_upload(
            &app,
            &staff_token,
            "/api/v1/catalog-imports",
            &fields("R8"),
            "r8.csv",
            csv.clone(),
        )
        .await;
        assert_eq!(r.status(), 403);
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "forbidden"
        );
        let dup = api_upload(
            &app,
            &token,
            "/api/v1/catalog-imports",
            &fields("R8"),
            "r8.csv",
            "項番,チェック項目\n1-(1),a\n1-(1),b\n".as_bytes().to_vec(),
        )
        .await;
        assert_eq!(dup.status(), 422);
        let body: Value = dup.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(body["error"]["field"], "file");
        let msg = body["error"]["message"].as_str().unwrap();
        assert!(msg.contains("行 3, 列 A") && msg.contains("重複"), "{msg}");
        let empty = api_upload(
            &app,
            &token,
            "/api/v1/catalog-imports",
            &fields("R8"),
            "",
            vec![],
        )
        .await;
        assert_eq!(empty.status(), 422);
        assert!(app.store.catalog_imports(10).await.unwrap().is_empty());
        assert_eq!(audit_len().await, before, "refusals write nothing");

        // A new version: the first item kept, the second reworded, one added.
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let r7 = &registry.catalogs[&format!("{document}@R7")];
        let (keep, reword) = (&r7.items[0], &r7.items[1]);
        let csv = next_version_csv(keep, reword);
        let r = api_upload(
            &app,
            &token,
            "/api/v1/catalog-imports",
            &fields("R8"),
            "r8.csv",
            csv.into_bytes(),
        )
        .await;
        assert_eq!(r.status(), 201);
        let p: Value = r.json().await.unwrap();
        let id = p["id"].as_str().unwrap().to_string();
        assert_eq!(p["status"], "pending");
        assert_eq!(p["catalog_id"], format!("{document}@R8"));
        assert_eq!(p["based_on"], format!("{document}@R7"));
        assert_eq!(p["added"][0]["number"], "9-(9)");
        assert_eq!(p["changed"][0]["number"], reword.number.as_str());
        assert_eq!(p["changed"][0]["old"], reword.text.as_str());
        assert_eq!(p["changed"][0]["new"], "改訂された文言で確認する。");
        assert_eq!(p["removed"].as_array().unwrap().len(), r7.items.len() - 2);
        assert_eq!(p["unchanged"], 1);
        assert!(p["blocked"].is_null());
        assert_eq!(p["mapping"], "見出し行 1: 項番 = 列 A, 内容 = 列 B");
        let global = app
            .store
            .audit_chain(mamori_domain::audit::GLOBAL_CHAIN, 0, 100_000)
            .await
            .unwrap();
        assert!(
            global.iter().any(|e| e.action == "catalog.import.stage"),
            "the staging is audited"
        );

        // The preview and the list; another role sees neither.
        let path = format!("/api/v1/catalog-imports/{id}");
        let got: Value = api_call(&app, &token, Method::GET, &path, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(got["added"], p["added"]);
        let list: Value = api_call(&app, &token, Method::GET, "/api/v1/catalog-imports", None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(list[0]["id"], id.as_str());
        for (m, p) in [
            (Method::GET, path.clone()),
            (Method::GET, "/api/v1/catalog-imports".to_string()),
            (Method::POST, format!("{path}/confirm")),
            (Method::POST, format!("{path}/discard")),
        ] {
            assert_eq!(
                api_call(&app, &staff_token, m, &p, None).await.status(),
                403,
                "{p}"
            );
        }
        assert_eq!(
            api_call(
                &app,
                &token,
                Method::GET,
                "/api/v1/catalog-imports/none",
                None
            )
            .await
            .status(),
            404
        );
        assert_eq!(
            admin
                .get(&app, &format!("/catalogs/{document}@R8"))
                .await
                .status(),
            404,
            "nothing is served before confirmation"
        );

        // Confirm: served and searchable at once; a second confirmation or a discard is 409.
        let r = api_call(&app, &token, Method::POST, &format!("{path}/confirm"), None).await;
        assert_eq!(r.status(), 200);
        let done: Value = r.json().await.unwrap();
        assert_eq!(done["status"], "confirmed");
        assert_eq!(
            admin
                .get(&app, &format!("/catalogs/{document}@R8"))
                .await
                .status(),
            200
        );
        let found: Value = api_call(
            &app,
            &token,
            Method::GET,
            "/api/v1/catalogs/search?q=%E9%87%8F%E5%AD%90%E8%80%90%E6%80%A7",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
        assert!(found.to_string().contains("@R8"), "{found}");
        let len = audit_len().await;
        for action in ["confirm", "discard"] {
            let r = api_call(
                &app,
                &token,
                Method::POST,
                &format!("{path}/{action}"),
                None,
            )
            .await;
            assert_eq!(r.status(), 409, "{action} after the confirmation");
            assert_eq!(
                r.json::<Value>().await.unwrap()["error"]["code"],
                "conflict"
            );
        }
        assert_eq!(audit_len().await, len, "refused decisions write nothing");

        // Discard: never served, and the version is still free.
        let r = api_upload(
            &app,
            &token,
            "/api/v1/catalog-imports",
            &fields("R9"),
            "r9.csv",
            "項番,チェック項目\n1,a\n".as_bytes().to_vec(),
        )
        .await;
        assert_eq!(r.status(), 201);
        let r9 = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = api_call(
            &app,
            &token,
            Method::POST,
            &format!("/api/v1/catalog-imports/{r9}/discard"),
            None,
        )
        .await;
        assert_eq!(r.status(), 204);
        assert_eq!(
            admin
                .get(&app, &format!("/catalogs/{document}@R9"))
                .await
                .status(),
            404
        );
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}
