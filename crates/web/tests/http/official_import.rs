//! Issue 11: the role-sharing 確認表 imported in its official layout keeps its Parts, so a
//! new Part2 item is agreed by both parties and shows in the matrix; institution-wide items
//! are judged once across all contracts; a version confirmed by the command line (another
//! process) is served without a restart. SQLite and PostgreSQL.

use crate::common::*;

/// The official layout: Part headings, section rows, 〃, a circled sub-number, 参考.
fn role_sharing_csv() -> String {
    let r = mamori_catalog::Registry::embedded().unwrap();
    let c = &r.catalogs["mhlw/role-sharing@2024-06"];
    let t = |id: &str| c.item(id).unwrap().text.clone();
    let q = |s: String| csv_cell(&s);
    format!(
        "項番,項目,内容,初回確認,完了日\n\
         Part 1 主に医療機関が実施する項目,,,,\n\
         A,事業者選定・事業者管理,,,\n\
         1,事業者からの開示資料の確認,{},,\n\
         2,事業者管理,{},,\n\
         〃,〃,{},,\n\
         Part 2 医療機関と事業者が共同で実施する項目,,,,\n\
         A,共通,,,\n\
         1,ガイドラインの確認,{},,\n\
         2,複数事業者間の役割分担,{},,\n\
         3,接続する機器の管理,接続する医療機器の一覧を共有し、更新時に互いに通知する。,,\n",
        q(t("part1-a-1")),
        q(format!("①{}", t("part1-a-2-1"))),
        q(format!("②{}", t("part1-a-2-2"))),
        q(t("part2-a-1")),
        q(t("part2-a-2")),
    )
}

#[tokio::test]
async fn an_official_sheet_reaches_the_two_party_flow_and_the_matrix() {
    for app in start_each().await {
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        let (_, token) = admin.new_token(&app, "import").await;
        let fields = [
            ("document", "mhlw/role-sharing"),
            ("version", "2026-06"),
            ("published", "2026-06"),
        ];
        let r = api_upload(
            &app,
            &token,
            "/api/v1/catalog-imports",
            &fields,
            "確認表.csv",
            role_sharing_csv().into_bytes(),
        )
        .await;
        assert_eq!(r.status(), 201);
        let p: Value = r.json().await.unwrap();
        // What was understood, heading by heading; partial unless declared complete.
        let mapping = p["mapping"].as_str().unwrap();
        assert!(
            mapping.contains("行 2「Part 1 主に医療機関が実施する項目」→ Part1"),
            "{mapping}"
        );
        assert!(
            mapping.contains("行 7「Part 2 医療機関と事業者が共同で実施する項目」→ Part2"),
            "{mapping}"
        );
        assert_eq!(p["complete"], false);
        assert_eq!(p["added"][0]["number"], "Part2 A-3");
        assert_eq!(p["added"].as_array().unwrap().len(), 1, "{p}");
        assert_eq!(p["changed"].as_array().unwrap().len(), 0, "{p}");
        let id = p["id"].as_str().unwrap();
        let r = api_call(
            &app,
            &token,
            Method::POST,
            &format!("/api/v1/catalog-imports/{id}/confirm"),
            None,
        )
        .await;
        assert_eq!(r.status(), 200);

        // A new contract follows the new version: the new item is agreed by both parties.
        let so = login(&app, "anzen@sakura.example.jp").await;
        let code = "1311234569";
        let systems: Vec<Value> = so
            .get(&app, &format!("/api/v1/institutions/{code}/systems"))
            .await
            .json()
            .await
            .unwrap();
        let ehr = systems[0]["id"].as_str().unwrap().to_string();
        let d = vendor_id(&app, "D社").await;
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/institutions/{code}/contracts"),
                Some(
                    json!({"vendor_id": d, "title": "D社 機器連携", "kind": "maintenance",
                            "starts_on": "2026-07-01", "system_ids": [ehr]}),
                ),
            )
            .await;
        assert_eq!(r.status(), 201);
        let contract: Value = r.json().await.unwrap();
        let cid = contract["id"].as_str().unwrap();
        let items: Value = so
            .get(&app, &format!("/api/v1/contracts/{cid}/items"))
            .await
            .json()
            .await
            .unwrap();
        let items = items.as_array().unwrap();
        let new = items
            .iter()
            .find(|i| i["number"] == "Part2 A-3")
            .unwrap_or_else(|| panic!("{items:?}"));
        assert_eq!(new["part2"], true, "{new}");
        let p1 = items.iter().find(|i| i["number"] == "Part1 A-2②").unwrap();
        assert_eq!(p1["part2"], false);

        // The matrix: the new item per system; A-2 (institution-wide) once for the whole.
        let m: Value = so
            .get(
                &app,
                &format!("/api/v1/institutions/{code}/role-sharing-matrix"),
            )
            .await
            .json()
            .await
            .unwrap();
        let groups = m["groups"].as_array().unwrap();
        let rows_of = |g: &Value| -> Vec<String> {
            g["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["number"].as_str().unwrap().to_string())
                .collect()
        };
        let whole = groups
            .iter()
            .find(|g| g["whole"] == true)
            .expect("a group for the institution as a whole");
        assert!(rows_of(whole)
            .iter()
            .any(|n| n.contains("A-2") || n.contains("A2")));
        assert_eq!(
            whole["contracts"].as_array().unwrap().len(),
            app.store
                .contracts(&demo_institution(&app).await.id)
                .await
                .unwrap()
                .len(),
            "judged across every contract"
        );
        let ehr_group = groups
            .iter()
            .find(|g| g["system_id"] == ehr.as_str())
            .unwrap();
        assert!(rows_of(ehr_group).contains(&"Part2 A-3".to_string()));
        assert!(
            !rows_of(ehr_group)
                .iter()
                .any(|n| n.contains("A-2") || n == "Part2 A2"),
            "institution-wide items are not repeated per system"
        );
    }
}

#[tokio::test]
async fn a_version_confirmed_elsewhere_is_served_without_a_restart() {
    for app in start_each().await {
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        // Another process (the command line) confirms a version straight in the database.
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let mut c = registry.catalogs["mhlw/cyber-checklist-institution@R7"].clone();
        c.catalog.version = "R9".into();
        c.catalog.id = "mhlw/cyber-checklist-institution@R9".into();
        let record = mamori_store::CatalogImport {
            id: mamori_store::new_id(),
            catalog_id: c.catalog.id.clone(),
            based_on: "mhlw/cyber-checklist-institution@R7".into(),
            file_name: "r9.xlsx".into(),
            file_sha256: String::new(),
            mapping: String::new(),
            body: c.to_toml().unwrap(),
            status: mamori_domain::codes::ImportStatus::Pending,
            created_by: None,
            created_at: 0,
            decided_at: None,
        };
        let actor = mamori_store::Actor::system("cli");
        app.store
            .stage_catalog_import(&actor, &record)
            .await
            .unwrap();
        app.store
            .decide_catalog_import(&actor, &record.id, true)
            .await
            .unwrap();
        let path = "/catalogs/mhlw/cyber-checklist-institution@R9";
        let mut served = false;
        for _ in 0..40 {
            if admin.get(&app, path).await.status() == 200 {
                served = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert!(served, "served within ten seconds, without a restart");
    }
}
