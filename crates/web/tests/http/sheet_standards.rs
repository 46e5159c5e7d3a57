//! A vendor's standard answers to the 事業者確認用 sheet (issue 12, item 6): kept per
//! product, refused when they break the sheet's rules, previewed (nothing written) and
//! applied to the vendor's open sheets of two fiscal years at once, each slot with that
//! sheet's dates and rules; answered slots kept; another vendor reaches nothing.

use crate::common::*;
use mamori_domain::assessment::{Slot, YesNo};

#[tokio::test]
async fn standard_answers_fill_many_open_sheets_after_a_preview() {
    let app = start().await;
    // A second year's sheet from A社 besides the demo's 令和6年度 one.
    let fy2025 = new_assessment(&app).await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let r = so
        .json(
            &app,
            Method::POST,
            &format!("/api/v1/assessments/{}/vendor-sheets", fy2025.id),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let a_id = vendor_id(&app, "A社").await;
    let b_id = vendor_id(&app, "B社").await;
    let va = login(&app, "tanto@a-sha.example.jp").await;
    let vb = login(&app, "tanto@b-sha.example.jp").await;
    let put = "/api/v1/vendor/sheet-standards";
    let answer = |item: &str, slot: &str, check: &str, target: &str, note: &str| {
        json!({"vendor_id": a_id, "product": "電子カルテ X", "item_id": item, "slot": slot,
               "check1": check, "target_on": target, "note": note})
    };

    // Kept per product; a いいえ without its target date is refused, naming the field.
    for body in [
        answer("1-1", "all", "yes", "", "体制図は契約書別紙"),
        answer("2-1", "all", "no", "2025-03-01", "次回更新で対応"),
        answer("2-4", "server", "yes", "", ""),
    ] {
        let r = va.json(&app, Method::PUT, put, Some(body)).await;
        assert_eq!(r.status(), 200);
    }
    let r = va
        .json(
            &app,
            Method::PUT,
            put,
            Some(answer("2-2", "all", "no", "", "")),
        )
        .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["field"], "target_on");
    let r = va
        .json(
            &app,
            Method::PUT,
            put,
            Some(answer("2-4", "network", "yes", "", "")),
        )
        .await;
    assert_eq!(r.status(), 422, "a slot the item does not have");
    // Another vendor: nothing of A社's, and nothing kept under A社's name.
    let mut foreign = answer("1-1", "all", "yes", "", "");
    foreign["vendor_id"] = json!(b_id);
    assert_eq!(
        va.json(&app, Method::PUT, put, Some(foreign))
            .await
            .status(),
        404
    );
    let theirs: Value = vb
        .json(&app, Method::GET, put, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs.as_array().unwrap().len(),
        0,
        "B社 sees none of A社's answers"
    );
    let mine: Value = va
        .json(&app, Method::GET, put, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 3);

    // A社's open sheets of the demo hospital: 令和6年度 and the new 令和7年度 (its other
    // clients' sheets are not used here).
    let sheets: Vec<mamori_store::VendorSheet> = app
        .store
        .vendor_sheets_of(std::slice::from_ref(&a_id))
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.status == mamori_domain::codes::VendorSheetStatus::Requested)
        .filter(|s| s.institution_code == DEMO_CODE)
        .collect();
    assert_eq!(sheets.len(), 2, "{sheets:?}");
    let fy24 = sheets
        .iter()
        .find(|s| s.fiscal_year == 2024)
        .unwrap()
        .id
        .clone();
    let fy25 = sheets
        .iter()
        .find(|s| s.fiscal_year == 2025)
        .unwrap()
        .id
        .clone();
    // One slot of the 令和6年度 sheet is answered already: it is kept.
    let before24 = app.store.vendor_sheet_answers(&fy24).await.unwrap();
    let answered_24 = before24.iter().any(|x| x.item_id == "1-1" && !x.carried);
    if !answered_24 {
        let r = va
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/vendor-sheets/{fy24}/answers"),
                Some(json!({"item_id": "1-1", "slot": "all", "version": 0,
                            "check1": "no", "check1_on": "2024-06-01", "target_on": "2024-12-01"})),
            )
            .await;
        assert_eq!(r.status(), 200);
    }
    let apply = json!({"vendor_id": a_id, "product": "電子カルテ X", "sheets": [fy24, fy25]});

    // More sheets than one request takes: refused, nothing read or written.
    let many: Vec<String> = (0..101).map(|n| format!("s{n}")).collect();
    let r = va
        .json(
            &app,
            Method::POST,
            "/api/v1/vendor/sheet-standards/preview",
            Some(json!({"vendor_id": a_id, "product": "電子カルテ X", "sheets": many})),
        )
        .await;
    assert_eq!(r.status(), 422);

    // The preview says what each sheet gets and writes nothing.
    let heads = app.store.audit_heads().await.unwrap();
    let r = va
        .json(
            &app,
            Method::POST,
            "/api/v1/vendor/sheet-standards/preview",
            Some(apply.clone()),
        )
        .await;
    assert_eq!(r.status(), 200);
    let plans: Value = r.json().await.unwrap();
    assert_eq!(
        app.store.audit_heads().await.unwrap(),
        heads,
        "a preview writes nothing"
    );
    let plan = |id: &str| {
        plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["sheet_id"] == id)
            .unwrap()
            .clone()
    };
    let (p24, p25) = (plan(&fy24), plan(&fy25));
    assert_eq!(p24["kept"], 1, "1-1 is answered in 令和6年度: kept");
    let slot = |p: &Value, item: &str| {
        p["fill"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["item_id"] == item)
            .cloned()
    };
    assert_eq!(slot(&p24, "2-1").unwrap()["refused"], Value::Null);
    assert_eq!(slot(&p24, "2-1").unwrap()["target_on"], "2025-03-01");
    // The target date is outside 令和7年度: that sheet does not get the いいえ.
    assert_eq!(
        slot(&p25, "2-1").unwrap()["refused"],
        "error-cy-target-required"
    );
    assert_eq!(slot(&p25, "1-1").unwrap()["refused"], Value::Null);
    // Dates are each sheet's own year's.
    let on = slot(&p25, "1-1").unwrap()["check1_on"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(("2025-04-01".."2026-04-01").contains(&on.as_str()), "{on}");

    // Another vendor cannot preview or apply into A社's sheets, under either vendor.
    for vendor in [&a_id, &b_id] {
        let mut body = apply.clone();
        body["vendor_id"] = json!(vendor);
        for op in ["preview", "apply"] {
            let r = vb
                .json(
                    &app,
                    Method::POST,
                    &format!("/api/v1/vendor/sheet-standards/{op}"),
                    Some(body.clone()),
                )
                .await;
            assert_eq!(r.status(), 404, "B社 {op} with vendor {vendor}");
        }
    }
    // The institution does not answer its vendors' sheets.
    let r = so
        .json(
            &app,
            Method::POST,
            "/api/v1/vendor/sheet-standards/apply",
            Some(apply.clone()),
        )
        .await;
    assert!([403, 404].contains(&r.status().as_u16()), "{}", r.status());
    assert_eq!(app.store.audit_heads().await.unwrap(), heads);

    // Applied: what the preview said, through the sheets' own rules and audit.
    let r = va
        .json(
            &app,
            Method::POST,
            "/api/v1/vendor/sheet-standards/apply",
            Some(apply.clone()),
        )
        .await;
    assert_eq!(r.status(), 200);
    let done: Value = r.json().await.unwrap();
    let applied: u64 = done
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["applied"].as_u64().unwrap())
        .sum();
    assert_eq!(
        applied,
        2 + 2,
        "令和6年度: 2-1 and 2-4; 令和7年度: 1-1 and 2-4"
    );
    let after24 = app.store.vendor_sheet_answers(&fy24).await.unwrap();
    let got = |xs: &[mamori_store::AssessmentAnswer], item: &str, slot: Slot| {
        xs.iter()
            .find(|x| x.item_id == item && x.slot == slot && !x.carried)
            .cloned()
    };
    let one = got(&after24, "1-1", Slot::All).unwrap();
    assert_eq!(one.check1, Some(YesNo::No), "the answered slot is kept");
    let two = got(&after24, "2-1", Slot::All).unwrap();
    assert_eq!(
        (two.check1, two.target_on.as_deref(), two.note.as_str()),
        (Some(YesNo::No), Some("2025-03-01"), "次回更新で対応")
    );
    let after25 = app.store.vendor_sheet_answers(&fy25).await.unwrap();
    assert!(
        got(&after25, "2-1", Slot::All).is_none(),
        "refused, not forced"
    );
    assert_eq!(
        got(&after25, "1-1", Slot::All).unwrap().note,
        "体制図は契約書別紙"
    );
    // Applying again fills nothing more.
    let again: Value = va
        .json(
            &app,
            Method::POST,
            "/api/v1/vendor/sheet-standards/apply",
            Some(apply),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(again.as_array().unwrap().iter().all(|p| p["applied"] == 0));

    // The page lists the product, shows the preview, applies by form.
    let page = va
        .get(&app, "/vendor/standard-answers")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-testid="std-products""#) && page.contains("電子カルテ X"));
    assert!(page.contains(r#"data-testid="ss-section""#));
    let r = va
        .form(
            &app,
            "/vendor/sheet-standards/preview",
            &[
                ("vendor_id", &a_id),
                ("product", "電子カルテ X"),
                ("sheet", &fy25),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"data-testid="ss-plan""#) && html.contains("記入しない"));
    // Removing a standard answer.
    let mut gone = answer("2-4", "server", "", "", "");
    gone["remove"] = json!(true);
    let r = va.json(&app, Method::PUT, put, Some(gone.clone())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        va.json(&app, Method::PUT, put, Some(gone)).await.status(),
        404
    );
}
