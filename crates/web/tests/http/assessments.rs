//! The cyber-security checklist: answers, approval lock, revisions, the next year, and the API.

use crate::common::*;

#[tokio::test]
async fn cyber_checklist_answers_item_zero_approval_lock_revision_and_next_year() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    assert_eq!(a.fiscal_year, 2024);
    let so = login(&app, "anzen@sakura.example.jp").await;
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    let path = format!("/assessments/{}", a.id);
    let sheet = so.get(&app, &path).await.text().await.unwrap();
    assert!(sheet.contains("令和6年度") && sheet.contains("端末PC"));
    let dash = so.get(&app, "/i/1311234567").await.text().await.unwrap();
    assert!(
        dash.contains("checklist-signals") && dash.contains("2-(3)"),
        "いいえ items on the dashboard"
    );
    assert!(
        dash.contains("A社、C社"),
        "outstanding vendor sheets on the dashboard"
    );
    let version = |item: &str, slot: &str| {
        let store = app.store.clone();
        let (id, item, slot) = (a.id.clone(), item.to_string(), slot.to_string());
        async move {
            store
                .assessment_answers(&id)
                .await
                .unwrap()
                .into_iter()
                .find(|x| x.item_id == item && x.slot == slot)
                .map(|x| x.version)
                .unwrap_or(0)
                .to_string()
        }
    };
    let save = |s: &Session, item: &str, slot: &str, v: String, extra: &[(&str, &str)]| {
        let mut f: Vec<(String, String)> = vec![
            ("item_id".into(), item.into()),
            ("slot".into(), slot.into()),
            ("version".into(), v),
        ];
        f.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let url = format!("{}{path}/answers", app.base);
        let csrf = s.csrf.clone();
        let c = s.c.clone();
        async move {
            f.push(("_csrf".into(), csrf));
            c.post(url).form(&f).send().await.unwrap()
        }
    };
    let yes = [("check1", "yes"), ("check1_on", "2024-07-01")];
    // Bad input: target outside the fiscal year, a slot the item does not have, stale.
    let r = save(
        &so,
        "2-6",
        "server",
        "0".into(),
        &[
            ("check1", "no"),
            ("check1_on", "2024-07-01"),
            ("target_on", "2025-04-30"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("年度内"));
    assert_eq!(
        save(&so, "2-6", "all", "0".into(), &yes).await.status(),
        422
    );
    assert_eq!(
        save(&so, "1-1", "all", "0".into(), &yes).await.status(),
        409,
        "1-1 exists"
    );
    assert_eq!(version("2-6", "server").await, "0", "nothing saved");
    // Item 0 いいえ: nothing else applies, and cannot be answered.
    let v0 = version("0", "all").await;
    assert_eq!(
        save(
            &so,
            "0",
            "all",
            v0,
            &[("check1", "no"), ("check1_on", "2024-07-01")]
        )
        .await
        .status(),
        303
    );
    let r = save(&so, "2-6", "server", "0".into(), &yes).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("確認不要"));
    let v0 = version("0", "all").await;
    assert_eq!(save(&so, "0", "all", v0, &yes).await.status(), 303);

    // Approval needs every first check; then the sheet is locked.
    let ver = app
        .store
        .assessment(&a.id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = exec
        .form(&app, &format!("{path}/approve"), &[("version", &ver)])
        .await;
    assert!(location(&r).contains("err=error-cy-incomplete"));
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let cat = &registry.catalogs[&a.catalog_id];
    for item in &cat.items {
        let slots: Vec<&str> = if item.devices.is_empty() {
            vec!["all"]
        } else {
            item.devices
                .iter()
                .map(|d| match d {
                    mamori_catalog::Device::Server => "server",
                    mamori_catalog::Device::Terminal => "terminal",
                    mamori_catalog::Device::Network => "network",
                })
                .collect()
        };
        for slot in slots {
            if version(&item.id, slot).await == "0" {
                assert_eq!(
                    save(&so, &item.id, slot, "0".into(), &yes).await.status(),
                    303
                );
            }
        }
    }
    assert_eq!(
        so.form(&app, &format!("{path}/approve"), &[("version", &ver)])
            .await
            .status(),
        403,
        "only the executive approves"
    );
    let r = exec
        .form(&app, &format!("{path}/approve"), &[("version", &ver)])
        .await;
    assert!(
        location(&r).contains("ok=flash-cy-approved"),
        "{}",
        location(&r)
    );
    let v = version("1-1", "all").await;
    let r = save(&so, "1-1", "all", v, &yes).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("新しい版"));
    let ver = app
        .store
        .assessment(&a.id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = so
        .form(
            &app,
            &format!("{path}/reopen"),
            &[("version", &ver), ("reason", "端末の追加")],
        )
        .await;
    assert!(location(&r).contains("ok=flash-cy-reopened"));
    let again = app.store.assessment(&a.id).await.unwrap().unwrap();
    assert_eq!((again.status.as_str(), again.revision), ("draft", 2));
    assert_eq!(
        so.get(&app, &format!("{path}/revisions/1")).await.status(),
        200
    );

    // 令和7年度 on the 令和7年度版: answers carried through the crosswalk for re-confirmation.
    let r = so
        .form(
            &app,
            "/i/1311234567/assessments",
            &[
                ("fiscal_year", "2025"),
                ("catalog_id", "mhlw/cyber-checklist-institution@R7"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let next = app
        .store
        .assessments(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.fiscal_year == 2025)
        .unwrap();
    let carried = app.store.assessment_answers(&next.id).await.unwrap();
    assert!(!carried.is_empty() && carried.iter().all(|x| x.carried));
    let html = so
        .get(&app, &format!("/assessments/{}", next.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("前年度の回答(要再確認)"));
    assert!(
        html.contains("data-testid=\"cy-progress\">0 /"),
        "carried answers are not this year's"
    );
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn assessment_api_fills_the_sheet_refuses_bad_input_and_the_executive_approves() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let list: Value = so
        .json(
            &app,
            Method::GET,
            "/api/v1/institutions/1311234567/assessments",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["fiscal_year"] == 2024)
        .expect("the demo's 令和6年度 sheet")
        .clone();
    assert_eq!(a["fiscal_year_label"], "令和6年度");
    assert_eq!(a["status"], "draft");
    assert!(a["done"].as_u64().unwrap() < a["needed"].as_u64().unwrap());
    let id = a["id"].as_str().unwrap().to_string();
    let sheet_path = format!("/api/v1/assessments/{id}");
    let answers_path = format!("{sheet_path}/answers");
    let read = |s: &Session| {
        let (c, csrf, url) = (
            s.c.clone(),
            s.csrf.clone(),
            format!("{}{sheet_path}", app.base),
        );
        async move {
            let r = c
                .get(url)
                .header("x-csrf-token", csrf)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let sheet = read(&so).await;
    let rows = sheet["answers"].as_array().unwrap().clone();
    assert_eq!(rows.len() as u64, a["needed"].as_u64().unwrap());
    assert!(rows
        .iter()
        .any(|r| r["number"] == "2-(6)" && r["slot"] == "server"));
    let version_of = |sheet: &Value, item: &str, slot: &str| {
        sheet["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["item_id"] == item && r["slot"] == slot)
            .unwrap()["version"]
            .as_i64()
            .unwrap()
    };

    // Bad input: a target date outside the fiscal year, a slot the item lacks, a stale
    // version, a non-member. Nothing changes.
    let v = version_of(&sheet, "2-6", "server");
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(json!({"item_id": "2-6", "slot": "server", "version": v,
                "check1": "no", "check1_on": "2024-07-01", "target_on": "2025-04-30"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("年度内"));
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(json!({"item_id": "2-6", "slot": "all", "version": 0, "check1": "yes"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(
                json!({"item_id": "2-6", "slot": "server", "version": v + 7, "check1": "yes",
                "check1_on": "2024-07-01"}),
            ),
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(read(&so).await, sheet, "refusals changed nothing");
    let staff = login(&app, "shokuin@sakura.example.jp").await;
    assert_eq!(
        staff
            .json(&app, Method::GET, &sheet_path, None)
            .await
            .status(),
        403
    );

    // Fill every first check still open through the API, then approve as the executive.
    for row in &rows {
        if row["check1"].is_string() && !row["carried"].as_bool().unwrap() {
            continue;
        }
        let r = so
            .json(
                &app,
                Method::POST,
                &answers_path,
                // The row as read, nulls and all, with the first check filled in.
                Some({
                    let mut body = row.clone();
                    body["check1"] = json!("yes");
                    body["check1_on"] = json!("2024-07-01");
                    body
                }),
            )
            .await;
        assert_eq!(r.status(), 200, "{row}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["check1"], "yes");
        assert_eq!(saved["version"], row["version"].as_i64().unwrap() + 1);
    }
    let filled = read(&so).await;
    assert_eq!(
        filled["assessment"]["done"], filled["assessment"]["needed"],
        "complete"
    );
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    let approve = format!("{sheet_path}/approve");
    let v = filled["assessment"]["version"].as_i64().unwrap();
    assert_eq!(
        so.json(&app, Method::POST, &approve, Some(json!({"version": v})))
            .await
            .status(),
        403,
        "only the executive approves"
    );
    assert_eq!(
        exec.json(
            &app,
            Method::POST,
            &approve,
            Some(json!({"version": v + 1}))
        )
        .await
        .status(),
        409
    );
    let r = exec
        .json(&app, Method::POST, &approve, Some(json!({"version": v})))
        .await;
    assert_eq!(r.status(), 200);
    let approved: Value = r.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    // An approved sheet is locked.
    let v = version_of(&filled, "2-6", "server");
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(
                json!({"item_id": "2-6", "slot": "server", "version": v, "check1": "no",
                "check1_on": "2024-07-02", "target_on": "2025-01-31"}),
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(version_of(&read(&so).await, "2-6", "server"), v);
}
