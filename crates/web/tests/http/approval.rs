//! Approval of the yearly checklist: refused while anything is unmet, and the refusal names
//! each item (the sheet lists them with links; the API sends them in the error envelope).
//! The check dates are this year's and not in the future. On SQLite and PostgreSQL.

use crate::common::*;
use mamori_domain::assessment::{Slot, YesNo};

#[tokio::test]
async fn approval_names_every_unmet_item_and_changes_nothing() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let inst = demo_institution(&app).await;
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let approve_url = format!("/api/v1/assessments/{}/approve", a.id);
        let approve = |version: i64| {
            exec.json(
                &app,
                Method::POST,
                &approve_url,
                Some(json!({"version": version})),
            )
        };
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let cat = &registry.catalogs[&a.catalog_id];
        let needed: usize = cat.items.iter().map(|i| i.devices.len().max(1)).sum();

        // Nothing answered: every slot is named, nothing changes.
        let heads = app.store.audit_heads().await.unwrap();
        let r = approve(a.version).await;
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "invalid");
        let items = v["error"]["items"].as_array().unwrap();
        assert_eq!(items.len(), needed);
        assert_eq!(items[0]["item_id"], cat.items[0].id.as_str());
        assert_eq!(items[0]["number"], cat.items[0].number.as_str());
        assert_eq!(items[0]["message"], "1回目が未記入です。");
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // Every slot answered はい but one いいえ saved without a target date (as the rule did
        // not stop it before): approval names that one slot and why.
        let yes = |item: &str, slot: Slot, check: YesNo| mamori_store::AssessmentAnswer {
            institution_id: inst.id.clone(),
            assessment_id: a.id.clone(),
            item_id: item.into(),
            slot,
            check1: Some(check),
            check1_on: Some("2025-06-02".into()),
            ..Default::default()
        };
        let mut legacy = None;
        for item in &cat.items {
            for slot in slots_of(item) {
                let check = if !item.gate && legacy.is_none() {
                    legacy = Some((item.id.clone(), item.number.clone(), slot));
                    YesNo::No
                } else {
                    YesNo::Yes
                };
                app.store
                    .save_assessment_answer(
                        &mamori_store::Actor::system("test"),
                        &yes(&item.id, slot, check),
                        0,
                    )
                    .await
                    .unwrap();
            }
        }
        let (item_id, number, slot) = legacy.unwrap();
        let a = app.store.assessment(&a.id).await.unwrap().unwrap();
        let heads = app.store.audit_heads().await.unwrap();
        let r = approve(a.version).await;
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        let target = i18n::Tr::new(i18n::Lang::Ja).t("error-cy-target-required");
        assert_eq!(
            v["error"]["items"],
            json!([{"item_id": item_id, "number": number, "slot": slot.as_str(),
                    "message": target}])
        );
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // The page refuses alike and lists the item with a link to it.
        let r = exec
            .form(
                &app,
                &format!("/assessments/{}/approve", a.id),
                &[("version", &a.version.to_string())],
            )
            .await;
        assert!(location(&r).contains("err=error-cy-incomplete"));
        let page = get_text(&app, &exec.c, &location(&r)).await;
        assert!(page.contains(r#"data-testid="cy-unmet" open"#), "{page}");
        assert!(page.contains(&format!(r##"<a href="#item-{item_id}">{number}"##)));
        assert!(page.contains(&target));
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(
            app.store.assessment(&a.id).await.unwrap().unwrap().status,
            mamori_domain::codes::AssessmentStatus::Draft
        );

        // Given its target date, the sheet is approved.
        let so = login(&app, "anzen@sakura.example.jp").await;
        let current = app
            .store
            .assessment_answers(&a.id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.item_id == item_id && x.slot == slot)
            .unwrap();
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/answers", a.id),
                Some(json!({"item_id": item_id, "slot": slot.as_str(),
                    "version": current.version, "check1": "no", "check1_on": "2025-06-02",
                    "target_on": "2026-03-31"})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let a = app.store.assessment(&a.id).await.unwrap().unwrap();
        let r = approve(a.version).await;
        assert_eq!(r.status(), 200);
    }
}

#[tokio::test]
async fn check_dates_are_this_fiscal_years_and_not_in_the_future() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let url = format!("/api/v1/assessments/{}/answers", a.id);
        let heads = app.store.audit_heads().await.unwrap();
        for (extra, key) in [
            // Last year's date: a carried answer confirmed as it was.
            (
                json!({"check1": "yes", "check1_on": "2025-03-31"}),
                "error-cy-check-outside-fy",
            ),
            (
                json!({"check1": "yes", "check1_on": "2026-04-01"}),
                "error-cy-check-outside-fy",
            ),
            (
                json!({"check1": "yes", "check1_on": "2025-06-02",
                       "check2": "yes", "check2_on": "2099-01-04"}),
                "error-cy-check-future",
            ),
        ] {
            let mut body = json!({"item_id": "1-1", "slot": "all", "version": 0});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = so.json(&app, Method::POST, &url, Some(body)).await;
            assert_eq!(r.status(), 422, "{extra}");
            let v: Value = r.json().await.unwrap();
            let message = i18n::Tr::new(i18n::Lang::Ja).t(key);
            assert_eq!(v["error"]["message"], json!(message), "{extra}");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app
            .store
            .assessment_answers(&a.id)
            .await
            .unwrap()
            .is_empty());
        // The second check at the inspection after the year's end is taken.
        let r = so
            .json(
                &app,
                Method::POST,
                &url,
                Some(json!({"item_id": "1-1", "slot": "all", "version": 0,
                    "check1": "yes", "check1_on": "2025-06-02",
                    "check2": "yes", "check2_on": "2026-05-20"})),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
}
