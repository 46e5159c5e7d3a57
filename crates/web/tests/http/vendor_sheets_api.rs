//! Vendor sheets through the API: the whole journey (request → copy and answer → submit →
//! return → answer → submit) on a checklist the test starts itself, with the refusals the
//! pages give and the audit trail, on SQLite and PostgreSQL.

use crate::common::*;
use mamori_domain::assessment::YesNo;

/// The number of audit events of the demo hospital whose action starts with `prefix`.
async fn audited(app: &App, inst: &str, prefix: &str) -> usize {
    app.store
        .audit_events(&mamori_store::AuditFilter {
            institution_id: inst.into(),
            action_prefix: Some(prefix.into()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
}

/// The refusal's JSON envelope: (status, code, field).
async fn refusal(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["field"].clone(),
    )
}

#[tokio::test]
async fn vendor_sheets_through_the_api_request_answer_submit_return_and_submit_again() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let inst = a.institution_id.clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let va = login(&app, "tanto@a-sha.example.jp").await;
        let request = format!("/api/v1/assessments/{}/vendor-sheets", a.id);

        // Requested by who may answer the checklist; the executive reads but does not ask, a
        // vendor learns nothing of the hospital's checklist; refusals write nothing.
        let heads = app.store.audit_heads().await.unwrap();
        let r = exec.json(&app, Method::POST, &request, None).await;
        assert_eq!(refusal(r).await.0, 403);
        let r = b.json(&app, Method::POST, &request, None).await;
        assert_eq!(refusal(r).await.0, 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app.store.vendor_sheets(&a.id).await.unwrap().is_empty());
        let requests = audited(&app, &inst, "assessment.vendor_sheets.request").await;
        let r = so.json(&app, Method::POST, &request, None).await;
        assert_eq!(r.status(), 200);
        let got: Value = r.json().await.unwrap();
        assert_eq!(got["requested"], 3, "A社, B社 and C社");
        let sheets = got["sheets"].as_array().unwrap();
        assert!(sheets.iter().all(|s| s["standing"] == "requested"));
        let mine = sheets.iter().find(|s| s["vendor_name"] == "B社").unwrap();
        let id = mine["id"].as_str().unwrap().to_string();
        let needed = mine["needed"].as_u64().unwrap();
        assert!(needed > 10 && mine["done"] == 0);
        // Asked again: nobody new to ask.
        let again: Value = so
            .json(&app, Method::POST, &request, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (
                again["requested"].clone(),
                again["sheets"].as_array().unwrap().len()
            ),
            (json!(0), 3)
        );
        assert_eq!(
            audited(&app, &inst, "assessment.vendor_sheets.request").await,
            requests + 2
        );
        let listed: Vec<Value> = exec.get(&app, &request).await.json().await.unwrap();
        assert_eq!(listed.len(), 3);

        // B社 sees it among its sheets; A社 neither sees nor touches it.
        let sheet_url = format!("/api/v1/vendor-sheets/{id}");
        let answers = format!("{sheet_url}/answers");
        let portal: Vec<Value> = b
            .get(&app, "/api/v1/vendor/sheets")
            .await
            .json()
            .await
            .unwrap();
        assert!(portal.iter().any(|s| s["id"] == id.as_str()));
        assert!(portal.iter().all(|s| s["vendor_name"] == "B社"));
        let theirs: Vec<Value> = va
            .get(&app, "/api/v1/vendor/sheets")
            .await
            .json()
            .await
            .unwrap();
        assert!(!theirs.iter().any(|s| s["id"] == id.as_str()));
        assert_eq!(refusal(va.get(&app, &sheet_url).await).await.0, 404);
        assert_eq!(
            refusal(so.get(&app, "/api/v1/vendor/sheets").await).await.0,
            403,
            "not a vendor"
        );

        // Bad answers: 422 naming the field, as on the page; nothing saved or audited. The
        // institution reads the sheet but does not answer it; another vendor learns nothing.
        let heads = app.store.audit_heads().await.unwrap();
        let yes = json!({"item_id": "1-1", "slot": "all", "version": 0,
            "check1": "yes", "check1_on": "2025-06-02"});
        for (body, field) in [
            (
                json!({"item_id": "1-1", "slot": "all", "version": 0, "check1": "yes",
                    "check1_on": "2025-06-02", "target_on": "2025-09-30"}),
                "target_on",
            ),
            (
                json!({"item_id": "1-1", "slot": "all", "version": 0, "check1": "no",
                    "check1_on": "2025-06-02", "target_on": "2026-04-01"}),
                "target_on",
            ),
            (
                json!({"item_id": "1-1", "slot": "all", "version": 0, "check1": "yes"}),
                "check1_on",
            ),
            (
                json!({"item_id": "1-1", "slot": "server", "version": 0}),
                "slot",
            ),
            (
                json!({"item_id": "1-1", "slot": "disk", "version": 0}),
                "slot",
            ),
            (
                json!({"item_id": "1-1", "slot": "all", "version": 0, "check1": "maybe"}),
                "check",
            ),
        ] {
            let r = b
                .json(&app, Method::POST, &answers, Some(body.clone()))
                .await;
            assert_eq!(
                refusal(r).await,
                (422, "invalid".into(), json!(field)),
                "{body}"
            );
        }
        let r = b
            .json(
                &app,
                Method::POST,
                &answers,
                Some(json!({"item_id": "9-9", "slot": "all"})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 404, "no such item");
        let r = so
            .json(&app, Method::POST, &answers, Some(yes.clone()))
            .await;
        assert_eq!(refusal(r).await, (403, "forbidden".into(), Value::Null));
        let r = va
            .json(&app, Method::POST, &answers, Some(yes.clone()))
            .await;
        assert_eq!(refusal(r).await.0, 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app
            .store
            .vendor_sheet_answers(&id)
            .await
            .unwrap()
            .is_empty());

        // An incomplete sheet is not submitted.
        let submit = format!("{sheet_url}/submit");
        let v0 = mine["version"].as_i64().unwrap();
        let r = b
            .json(&app, Method::POST, &submit, Some(json!({"version": v0})))
            .await;
        assert_eq!(refusal(r).await, (422, "invalid".into(), json!("sheet")));

        // One answer of B's own — sent by B社's system with an API token, no session — then
        // the rest copied from the sheet B submitted last year (only the slots not answered
        // yet). A社 cannot copy B社's answers.
        let answered = audited(&app, &inst, "vendor_sheet.answer").await;
        let (_, token) = b.new_token(&app, "B社の回答システム").await;
        let r = client()
            .post(format!("{}{answers}", app.base))
            .bearer_auth(&token)
            .json(&yes)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let saved: Value = r.json().await.unwrap();
        assert_eq!(
            (saved["version"].clone(), saved["number"].is_string()),
            (json!(1), true)
        );
        let r = b
            .json(&app, Method::POST, &answers, Some(yes.clone()))
            .await;
        assert_eq!(
            refusal(r).await,
            (409, "conflict".into(), Value::Null),
            "stale"
        );
        let last_year = app
            .store
            .vendor_sheets_of(&[vendor_id(&app, "B社").await])
            .await
            .unwrap()
            .into_iter()
            .find(|s| {
                s.fiscal_year == 2024
                    && s.status == mamori_domain::codes::VendorSheetStatus::Submitted
            })
            .unwrap();
        let copy = format!("{sheet_url}/copy");
        let a_sheet = sheets.iter().find(|s| s["vendor_name"] == "A社").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let from_last_year = json!({"from": last_year.id});
        let r = va
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/vendor-sheets/{a_sheet}/copy"),
                Some(from_last_year.clone()),
            )
            .await;
        assert_eq!(refusal(r).await.0, 404, "another vendor's sheet");
        let r = b
            .json(&app, Method::POST, &copy, Some(from_last_year.clone()))
            .await;
        assert_eq!(r.status(), 200);
        let copied: Value = r.json().await.unwrap();
        assert_eq!(copied["copied"].as_u64().unwrap(), needed - 1);
        assert_eq!(copied["sheet"]["done"].as_u64().unwrap(), needed);
        assert_eq!(
            audited(&app, &inst, "vendor_sheet.answer").await,
            answered + needed as usize
        );

        // A first いいえ with its target date in the fiscal year, read back as sent.
        let detail: Value = b.get(&app, &sheet_url).await.json().await.unwrap();
        let row = detail["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["item_id"] == "2-1")
            .unwrap()
            .clone();
        let r = b
            .json(
                &app,
                Method::POST,
                &answers,
                Some(
                    json!({"item_id": "2-1", "slot": "all", "version": row["version"],
                    "check1": "no", "check1_on": "2025-06-02", "target_on": "2026-03-31",
                    "note": "年度内に台帳を整備する"}),
                ),
            )
            .await;
        assert_eq!(r.status(), 200);
        let no: Value = r.json().await.unwrap();
        assert_eq!(
            (no["check1"].clone(), no["target_on"].clone()),
            (json!("no"), json!("2026-03-31"))
        );

        // Submitted at the version read: a stale one is a conflict; then it is locked.
        let version = detail["sheet"]["version"].as_i64().unwrap();
        let r = b
            .json(
                &app,
                Method::POST,
                &submit,
                Some(json!({"version": version + 1})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 409);
        let r = b
            .json(
                &app,
                Method::POST,
                &submit,
                Some(json!({"version": version})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let submitted: Value = r.json().await.unwrap();
        assert_eq!(submitted["standing"], "submitted");
        assert!(submitted["submitted_at"].is_i64());
        let heads = app.store.audit_heads().await.unwrap();
        let before = app.store.vendor_sheet_answers(&id).await.unwrap();
        let fix = json!({"item_id": "2-1", "slot": "all", "version": no["version"],
            "check1": "yes", "check1_on": "2025-06-03"});
        let r = b
            .json(&app, Method::POST, &answers, Some(fix.clone()))
            .await;
        assert_eq!(
            refusal(r).await,
            (422, "invalid".into(), json!("sheet")),
            "locked"
        );
        let r = b
            .json(&app, Method::POST, &copy, Some(from_last_year.clone()))
            .await;
        assert_eq!(refusal(r).await, (422, "invalid".into(), json!("sheet")));
        let r = b
            .json(
                &app,
                Method::POST,
                &submit,
                Some(json!({"version": submitted["version"]})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 409, "submitted already");

        // 差し戻し: the institution only, with a reason, at the version read.
        let ret = format!("{sheet_url}/return");
        let sv = submitted["version"].as_i64().unwrap();
        let reason = json!({"version": sv, "reason": "2-1 の目標日を確認してください"});
        let r = b.json(&app, Method::POST, &ret, Some(reason.clone())).await;
        assert_eq!(refusal(r).await.0, 403, "the vendor");
        let r = exec
            .json(&app, Method::POST, &ret, Some(reason.clone()))
            .await;
        assert_eq!(refusal(r).await.0, 403, "reads, does not return");
        let r = va
            .json(&app, Method::POST, &ret, Some(reason.clone()))
            .await;
        assert_eq!(refusal(r).await.0, 404);
        let r = so
            .json(
                &app,
                Method::POST,
                &ret,
                Some(json!({"version": sv, "reason": "  "})),
            )
            .await;
        assert_eq!(refusal(r).await, (422, "invalid".into(), json!("reason")));
        let r = so
            .json(
                &app,
                Method::POST,
                &ret,
                Some(json!({"version": sv, "reason": "長".repeat(2001)})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 422);
        let r = so
            .json(
                &app,
                Method::POST,
                &ret,
                Some(json!({"version": sv + 1, "reason": "x"})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 409);
        assert_eq!(
            app.store.audit_heads().await.unwrap(),
            heads,
            "refusals wrote nothing"
        );
        assert_eq!(app.store.vendor_sheet_answers(&id).await.unwrap(), before);
        let r = so
            .json(&app, Method::POST, &ret, Some(reason.clone()))
            .await;
        assert_eq!(r.status(), 200);
        let returned: Value = r.json().await.unwrap();
        assert_eq!(
            (
                returned["standing"].clone(),
                returned["returned_reason"].clone()
            ),
            (json!("returned"), json!("2-1 の目標日を確認してください"))
        );
        let r = so
            .json(
                &app,
                Method::POST,
                &ret,
                Some(json!({"version": returned["version"], "reason": "x"})),
            )
            .await;
        assert_eq!(refusal(r).await.0, 409, "not submitted");

        // B corrects the answer and submits again; the reason is cleared.
        let portal: Vec<Value> = b
            .get(&app, "/api/v1/vendor/sheets")
            .await
            .json()
            .await
            .unwrap();
        let seen = portal.iter().find(|s| s["id"] == id.as_str()).unwrap();
        assert_eq!(seen["standing"], "returned");
        let r = b.json(&app, Method::POST, &answers, Some(fix)).await;
        assert_eq!(r.status(), 200);
        let r = b
            .json(
                &app,
                Method::POST,
                &submit,
                Some(json!({"version": returned["version"]})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let again: Value = r.json().await.unwrap();
        assert_eq!(
            (again["standing"].clone(), again["returned_reason"].clone()),
            (json!("submitted"), json!(""))
        );
        let fixed = app
            .store
            .vendor_sheet_answers(&id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.item_id == "2-1")
            .unwrap();
        assert_eq!(
            (fixed.check1, fixed.target_on.as_deref()),
            (Some(YesNo::Yes), None)
        );

        // Every change audited on the hospital's chain, once each.
        assert_eq!(
            audited(&app, &inst, "vendor_sheet.submit").await,
            2 + 1,
            "with the demo's"
        );
        assert_eq!(audited(&app, &inst, "vendor_sheet.return").await, 1);
        assert_eq!(
            audited(&app, &inst, "vendor_sheet.answer").await,
            answered + needed as usize + 2
        );
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}

#[tokio::test]
async fn the_institutions_sheet_and_a_vendor_sheet_take_answers_under_the_same_rules() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let r = so
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/vendor-sheets", a.id),
                None,
            )
            .await;
        let got: Value = r.json().await.unwrap();
        let sheet = got["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["vendor_name"] == "B社")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let own = format!("/api/v1/assessments/{}/answers", a.id);
        let vendors = format!("/api/v1/vendor-sheets/{sheet}/answers");
        // The same answer to item 1-1 (answered as a whole on both sheets), refused or taken
        // alike: each rule the page states, with the same field and message.
        for (extra, want) in [
            (json!({"check1": "yes", "check1_on": "2025-06-02"}), None),
            (
                json!({"check1": "yes"}),
                Some(("check1_on", "error-cy-date-required")),
            ),
            (
                json!({"check1": "yes", "check1_on": "2025-02-30"}),
                Some(("check1_on", "error-rs-bad-date")),
            ),
            (
                json!({"check1": "no", "check1_on": "2025-06-02", "target_on": "2025-03-31"}),
                Some(("target_on", "error-cy-outside-fy")),
            ),
            (
                json!({"check1": "yes", "check1_on": "2025-06-02", "target_on": "2025-09-30"}),
                Some(("target_on", "error-cy-target-without-no")),
            ),
            // The rule the checklist page states: a first いいえ is given its target date.
            (
                json!({"check1": "no", "check1_on": "2025-06-02"}),
                Some(("target_on", "error-cy-target-required")),
            ),
            (
                json!({"check2": "yes", "check2_on": "2025-06-02"}),
                Some(("check1", "error-cy-second-without-first")),
            ),
            (
                json!({"check1": "no", "check1_on": "2025-06-02", "check2": "yes", "check2_on": "2025-06-01"}),
                Some(("check2_on", "error-cy-second-before-first")),
            ),
            (
                json!({"note": "長".repeat(4001)}),
                Some(("note", "error-rs-too-long")),
            ),
            (
                json!({"check1": "はい", "check1_on": "2025-06-02"}),
                Some(("check", "error-rs-bad-value")),
            ),
        ] {
            let mut results = vec![];
            for (s, url) in [(&so, &own), (&b, &vendors)] {
                let mut body = json!({"item_id": "1-1", "slot": "all", "version": 0});
                for (k, v) in extra.as_object().unwrap() {
                    body[k] = v.clone();
                }
                let r =
                    s.c.request(Method::POST, format!("{}{url}", app.base))
                        .header("x-csrf-token", &s.csrf)
                        .header("accept-language", "ja")
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                let status = r.status().as_u16();
                let v: Value = r.json().await.unwrap();
                results.push((
                    status,
                    v["error"]["field"].clone(),
                    v["error"]["message"].clone(),
                ));
            }
            match want {
                None => assert_eq!((results[0].0, results[1].0), (200, 200), "{extra}"),
                Some((field, key)) => {
                    let message = i18n::Tr::new(i18n::Lang::Ja).t(key);
                    for got in &results {
                        assert_eq!(got, &(422, json!(field), json!(message)), "{extra}");
                    }
                }
            }
        }
    }
}
