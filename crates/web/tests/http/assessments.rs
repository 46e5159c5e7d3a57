//! The cyber-security checklist: answers, approval lock, revisions, the next year, and the API.

use crate::common::*;

#[tokio::test]
async fn cyber_checklist_answers_item_zero_approval_lock_revision_and_next_year() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        assert_eq!(a.fiscal_year, 2024);
        let so = login(&app, "anzen@sakura.example.jp").await;
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let path = format!("/assessments/{}", a.id);
        let sheet = so.get(&app, &path).await.text().await.unwrap();
        assert!(sheet.contains("令和6年度") && sheet.contains("端末PC"));
        let dash = so.get(&app, "/i/1311234569").await.text().await.unwrap();
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
                    .find(|x| x.item_id == item && x.slot.as_str() == slot)
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
        let ver = sheet_version(&app, &a.id).await;
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
        let ver = sheet_version(&app, &a.id).await;
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
                "/i/1311234569/assessments",
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
        // Only the crosswalk's `equal` relations carry an answer: the carried items are exactly
        // the targets of `equal` relations from answered items, and answered items related
        // otherwise (subset, superset, intersect, related) exist and are not carried.
        let answered: std::collections::BTreeSet<String> = app
            .store
            .assessment_answers(&a.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|x| !x.carried)
            .map(|x| x.item_id)
            .collect();
        let relations: Vec<mamori_catalog::Relation> = registry
            .crosswalks
            .values()
            .filter(|x| x.crosswalk.from == a.catalog_id && x.crosswalk.to == next.catalog_id)
            .flat_map(|x| x.relations.clone())
            .collect();
        let equal = mamori_catalog::RelationKind::Equal;
        let expected: std::collections::BTreeSet<String> = relations
            .iter()
            .filter(|r| r.kind == equal && answered.contains(&r.from))
            .map(|r| r.to.clone())
            .collect();
        let carried_items: std::collections::BTreeSet<String> =
            carried.iter().map(|x| x.item_id.clone()).collect();
        assert_eq!(
            carried_items, expected,
            "carried: exactly the `equal` targets"
        );
        assert!(
            answered.len() > expected.len() && !expected.is_empty(),
            "answered items without an `equal` relation stay behind"
        );
        // The kind decides, not the presence of a relation: the same crosswalk with one
        // relation made `subset` carries that item no more. (The embedded R6→R7 crosswalk has
        // `equal` relations only, so this is shown on the carry rule itself.)
        let mut altered = registry.clone();
        let (key, changed) = altered
            .crosswalks
            .iter_mut()
            .find(|(_, x)| x.crosswalk.from == a.catalog_id && x.crosswalk.to == next.catalog_id)
            .map(|(k, x)| {
                let r = x
                    .relations
                    .iter_mut()
                    .find(|r| answered.contains(&r.from))
                    .unwrap();
                r.kind = mamori_catalog::RelationKind::Subset;
                (k.clone(), r.to.clone())
            })
            .unwrap();
        let prev_answers = app.store.assessment_answers(&a.id).await.unwrap();
        let prev = app.store.assessment(&a.id).await.unwrap().unwrap();
        let kept = carry(&altered, &prev, &prev_answers, &next.catalog_id);
        let kept_items: std::collections::BTreeSet<String> =
            kept.iter().map(|x| x.item_id.clone()).collect();
        let mut without = expected.clone();
        without.remove(&changed);
        assert_eq!(
            kept_items, without,
            "{key}: a `subset` relation carries nothing"
        );
        assert_eq!(
            carry(&registry, &prev, &prev_answers, &next.catalog_id)
                .iter()
                .map(|x| x.item_id.clone())
                .collect::<std::collections::BTreeSet<_>>(),
            expected
        );
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
}

#[tokio::test]
async fn assessment_api_fills_the_sheet_refuses_bad_input_and_the_executive_approves() {
    for app in start_each().await {
        let so = login(&app, "anzen@sakura.example.jp").await;
        let list: Value = so
            .json(
                &app,
                Method::GET,
                "/api/v1/institutions/1311234569/assessments",
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
}

/// The 令和6年度 sheet filled through the API (every open first check: はい): its id and
/// the sheet as read afterwards.
async fn fill_sheet(app: &App, so: &Session) -> (String, Value) {
    let list: Value = so
        .json(
            app,
            Method::GET,
            &format!("/api/v1/institutions/{DEMO_CODE}/assessments"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let id = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["fiscal_year"] == 2024)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let sheet_path = format!("/api/v1/assessments/{id}");
    let read = || async {
        so.json(app, Method::GET, &sheet_path, None)
            .await
            .json::<Value>()
            .await
            .unwrap()
    };
    for row in read().await["answers"].as_array().unwrap() {
        if row["check1"].is_string() && !row["carried"].as_bool().unwrap() {
            continue;
        }
        let mut body = row.clone();
        body["check1"] = json!("yes");
        body["check1_on"] = json!("2024-07-01");
        let r = so
            .json(
                app,
                Method::POST,
                &format!("{sheet_path}/answers"),
                Some(body),
            )
            .await;
        assert_eq!(r.status(), 200, "{row}");
    }
    let filled = read().await;
    assert_eq!(filled["assessment"]["done"], filled["assessment"]["needed"]);
    (id, filled)
}

/// How many backends wait, directly or behind another waiter, on the lock `holder` holds.
async fn queued_behind(pool: &sqlx::PgPool, holder: i32) -> i64 {
    let (n,): (i64,) = sqlx::query_as(
        "WITH RECURSIVE w(pid) AS ( \
           SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) \
           UNION \
           SELECT a.pid FROM pg_stat_activity a JOIN w ON w.pid = ANY(pg_blocking_pids(a.pid)) \
         ) SELECT COUNT(*) FROM w",
    )
    .bind(holder)
    .fetch_one(pool)
    .await
    .unwrap();
    n
}

async fn wait_until_queued(pool: &sqlx::PgPool, holder: i32, n: i64) {
    for _ in 0..400 {
        if queued_behind(pool, holder).await >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("{n} request(s) did not queue behind the row lock");
}

/// The save-versus-approval race on PostgreSQL, both ways round. A raw transaction holds
/// the assessment's row lock; the save and the approval queue behind it in a chosen order
/// (seen waiting in `pg_stat_activity`), then the lock is released. Save first: both
/// succeed and the approved revision holds the saved answer. Approval first: the save is
/// refused and the answer is what was approved. Never an answer changed after approval.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn save_versus_approval_race_has_both_outcomes_on_postgresql() {
    for save_first in [true, false] {
        let Some(app) = start_pg().await else {
            return;
        };
        let pool = app.pg.clone().unwrap();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let (id, filled) = fill_sheet(&app, &so).await;
        let answer = |sheet: &Value| {
            sheet["answers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["item_id"] == "2-6" && r["slot"] == "server")
                .unwrap()
                .clone()
        };
        let row = answer(&filled);
        let save =
            so.c.post(format!("{}/api/v1/assessments/{id}/answers", app.base))
                .header("x-csrf-token", &so.csrf)
                .json(
                    &json!({"item_id": "2-6", "slot": "server", "version": row["version"],
                "check1": "no", "check1_on": "2024-07-02", "target_on": "2025-01-31"}),
                );
        let approve = exec
            .c
            .post(format!("{}/api/v1/assessments/{id}/approve", app.base))
            .header("x-csrf-token", &exec.csrf)
            .json(&json!({"version": filled["assessment"]["version"]}));

        let mut lock = pool.begin().await.unwrap();
        let (holder,): (i32,) = sqlx::query_as("SELECT pg_backend_pid()")
            .fetch_one(&mut *lock)
            .await
            .unwrap();
        sqlx::query("SELECT id FROM assessments WHERE id = $1 FOR UPDATE")
            .bind(&id)
            .execute(&mut *lock)
            .await
            .unwrap();
        let (first, second) = if save_first {
            (save, approve)
        } else {
            (approve, save)
        };
        let first = tokio::spawn(first.send());
        wait_until_queued(&pool, holder, 1).await;
        let second = tokio::spawn(second.send());
        wait_until_queued(&pool, holder, 2).await;
        lock.commit().await.unwrap();
        let first = first.await.unwrap().unwrap();
        let second = second.await.unwrap().unwrap();
        let (save, approve) = if save_first {
            (first, second)
        } else {
            (second, first)
        };
        assert_eq!(
            approve.status(),
            200,
            "the approval goes through either way"
        );
        let sheet: Value = so
            .json(
                &app,
                Method::GET,
                &format!("/api/v1/assessments/{id}"),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(sheet["assessment"]["status"], "approved");
        let now = answer(&sheet);
        let revisions = app.store.assessment_revisions(&id).await.unwrap();
        let approved = &revisions.last().unwrap().snapshot;
        if save_first {
            assert_eq!(save.status(), 200, "the save queued first is kept");
            assert_eq!(
                (now["check1"].as_str(), now["check1_on"].as_str()),
                (Some("no"), Some("2024-07-02"))
            );
            assert!(
                approved.contains("2024-07-02"),
                "the approval holds the saved answer"
            );
        } else {
            let status = save.status();
            let body: Value = save.json().await.unwrap();
            assert_eq!(
                status, 422,
                "the save after the approval is refused: {body}"
            );
            assert_eq!(now, row, "the approved answer is unchanged");
            assert!(!approved.contains("2024-07-02"));
        }
    }
}

/// The sheet's current version, as a form sends it.
async fn sheet_version(app: &App, id: &str) -> String {
    app.store
        .assessment(id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

/// A catalog version that holds only part of its official document says so wherever it is
/// used — the checklist, a vendor sheet, the contract page, the inspector's view — with
/// its number of items, and starting a year on one asks first. (The embedded R6 sheets and
/// the role-sharing 確認表 are partial.)
#[tokio::test]
async fn a_partial_catalog_version_says_so_wherever_it_is_used() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let notice = |id: &str| {
        let cat = &registry.catalogs[id];
        assert!(!cat.catalog.coverage.complete, "{id}");
        i18n::Tr::new(i18n::Lang::Ja).t1("coverage-partial-notice", "n", cat.items.len())
    };
    let a = new_assessment(&app).await;
    let sheet = get_text(&app, &so.c, &format!("/assessments/{}", a.id)).await;
    assert!(sheet.contains(&notice(&a.catalog_id)), "{sheet}");
    assert!(sheet.contains(&format!(r#"<a href="/catalogs/{}">"#, a.catalog_id)));

    let cb = demo_contract(&app, "B社").await;
    let contract = get_text(&app, &so.c, &format!("/contracts/{}", cb.id)).await;
    assert!(contract.contains(&notice(&cb.catalog_id)));

    let demo_sheet = app
        .store
        .vendor_sheets_of(&[vendor_id(&app, "B社").await])
        .await
        .unwrap()
        .remove(0);
    let vs = get_text(&app, &so.c, &format!("/vendor-sheets/{}", demo_sheet.id)).await;
    assert!(vs.contains(&notice(&demo_sheet.catalog_id)));

    let r = so
        .json(
            &app,
            Method::POST,
            &format!("/api/v1/assessments/{}/inspector-links", a.id),
            Some(json!({"label": "東京都", "days": 7})),
        )
        .await;
    let full = r.json::<Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let url = full.strip_prefix(&app.base).unwrap();
    let inspector = get_text(&app, &reqwest::Client::new(), url).await;
    assert!(inspector.contains(&notice(&a.catalog_id)));

    let list = get_text(&app, &so.c, &format!("/i/{DEMO_CODE}/assessments")).await;
    assert!(
        list.contains("data-confirm=\"一部のみ収録の版では"),
        "{list}"
    );
    assert!(list.contains("【一部のみ収録・"));
    let catalog = get_text(&app, &so.c, &format!("/catalogs/{}", a.catalog_id)).await;
    assert!(catalog.contains("data-testid=\"coverage-how-to-import\""));
}
