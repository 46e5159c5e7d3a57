//! Vendor sheets: outstanding in the portal, answered and submitted.

use crate::common::*;
use mamori_domain::assessment::Slot;

#[tokio::test]
async fn vendor_sheets_outstanding_answered_in_the_portal_and_submitted() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let sheets = app.store.vendor_sheets(&a.id).await.unwrap();
        let sheet_a = sheets
            .iter()
            .find(|s| s.vendor_name == "A社")
            .unwrap()
            .clone();
        let sheet_b = sheets
            .iter()
            .find(|s| s.vendor_name == "B社")
            .unwrap()
            .clone();
        assert_eq!(
            (sheet_b.status.as_str(), sheet_a.status.as_str()),
            ("submitted", "requested")
        );
        let so = login(&app, "anzen@sakura.example.jp").await;
        let va = login(&app, "tanto@a-sha.example.jp").await;
        let vb = login(&app, "tanto@b-sha.example.jp").await;
        let page = so
            .get(&app, &format!("/assessments/{}", a.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("提出済") && page.contains("回答待ち"),
            "submitted and outstanding"
        );
        // The portal lists A's outstanding sheet; B sees only its own.
        let portal = va.get(&app, "/vendor").await.text().await.unwrap();
        assert!(portal.contains(&format!("/vendor-sheets/{}", sheet_a.id)));
        assert!(!portal.contains(&format!("/vendor-sheets/{}", sheet_b.id)));
        assert_eq!(
            vb.get(&app, &format!("/vendor-sheets/{}", sheet_a.id))
                .await
                .status(),
            404
        );
        // A vendor cannot answer the institution's sheet; the institution does not answer A's.
        let r = va
            .form(
                &app,
                &format!("/assessments/{}/answers", a.id),
                &[("item_id", "2-6"), ("slot", "server"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status(), 404);
        let url = format!("/vendor-sheets/{}/answers", sheet_a.id);
        let fields = |v: &'static str| {
            [
                ("item_id", "1-1"),
                ("slot", "all"),
                ("version", v),
                ("check1", "yes"),
                ("check1_on", "2024-08-01"),
            ]
        };
        assert_eq!(so.form(&app, &url, &fields("0")).await.status(), 403);
        assert_eq!(va.form(&app, &url, &fields("0")).await.status(), 303);
        assert_eq!(
            va.form(&app, &url, &fields("0")).await.status(),
            409,
            "stale"
        );
        // Submitting an incomplete sheet is refused.
        let r = va
            .form(
                &app,
                &format!("/vendor-sheets/{}/submit", sheet_a.id),
                &[("version", &sheet_a.version.to_string())],
            )
            .await;
        assert!(location(&r).contains("err=error-cy-incomplete"));
        // A cannot copy B's answers (another vendor's sheet).
        let r = va
            .form(
                &app,
                &format!("/vendor-sheets/{}/copy", sheet_a.id),
                &[("from", sheet_b.id.as_str())],
            )
            .await;
        assert_eq!(r.status(), 404);

        // 差し戻し: the institution sends B's submitted sheet back with a reason; B sees the
        // reason, corrects an answer and submits again. B cannot send it back itself; the
        // executive reads sheets but does not send them back; a reason is required.
        let ret = format!("/vendor-sheets/{}/return", sheet_b.id);
        let v = sheet_b.version.to_string();
        assert_eq!(
            vb.form(&app, &ret, &[("version", &v), ("reason", "x")])
                .await
                .status(),
            403
        );
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        assert_eq!(
            exec.form(&app, &ret, &[("version", &v), ("reason", "x")])
                .await
                .status(),
            403
        );
        let r = so
            .form(&app, &ret, &[("version", &v), ("reason", "  ")])
            .await;
        assert!(location(&r).contains("err=error-vs-return-reason"));
        let stale = (sheet_b.version + 1).to_string();
        let r = so
            .form(&app, &ret, &[("version", &stale), ("reason", "x")])
            .await;
        assert!(location(&r).contains("err=error-conflict"));
        let unchanged = app.store.vendor_sheet(&sheet_b.id).await.unwrap().unwrap();
        assert_eq!(unchanged, sheet_b, "refusals changed nothing");
        let sheet_page = so
            .get(&app, &format!("/vendor-sheets/{}", sheet_b.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(sheet_page.contains("data-testid=\"vs-return\""));
        let r = so
            .form(
                &app,
                &ret,
                &[("version", &v), ("reason", "1-1 の確認日が契約開始前です")],
            )
            .await;
        assert!(
            location(&r).contains("ok=flash-vs-returned"),
            "{}",
            location(&r)
        );
        let page = so
            .get(&app, &format!("/assessments/{}", a.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("差し戻し中"));
        let portal = vb.get(&app, "/vendor").await.text().await.unwrap();
        assert!(portal.contains("差し戻し中"));
        let theirs = vb
            .get(&app, &format!("/vendor-sheets/{}", sheet_b.id))
            .await
            .text()
            .await
            .unwrap();
        assert!(theirs.contains("1-1 の確認日が契約開始前です"));
        assert!(
            theirs.contains("data-testid=\"vs-submit\""),
            "complete, so submittable again"
        );
        let returned = app.store.vendor_sheet(&sheet_b.id).await.unwrap().unwrap();
        let answer_v = app
            .store
            .vendor_sheet_answers(&sheet_b.id)
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.item_id == "1-1" && x.slot == Slot::All)
            .unwrap()
            .version
            .to_string();
        let r = vb
            .form(
                &app,
                &format!("/vendor-sheets/{}/answers", sheet_b.id),
                &[
                    ("item_id", "1-1"),
                    ("slot", "all"),
                    ("version", &answer_v),
                    ("check1", "yes"),
                    ("check1_on", "2024-09-02"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let r = vb
            .form(
                &app,
                &format!("/vendor-sheets/{}/submit", sheet_b.id),
                &[("version", &returned.version.to_string())],
            )
            .await;
        assert!(location(&r).contains("ok=flash-cy-submitted"));
        let again = app.store.vendor_sheet(&sheet_b.id).await.unwrap().unwrap();
        assert_eq!(
            (again.status.as_str(), again.returned_reason.as_str()),
            ("submitted", "")
        );
        let audit = app
            .store
            .audit_events(&mamori_store::AuditFilter {
                institution_id: inst.id.clone(),
                action_prefix: Some("vendor_sheet.return".into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 1, "the return is audited once");
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}

#[tokio::test]
async fn certifications_through_the_api_follow_the_portal_rules() {
    for app in start_each().await {
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let b_sha = vendor_id(&app, "B社").await;
        let base = "/api/v1/vendor/certifications";
        let soon = mamori_domain::time::date_jst(now_ms() + 30 * 86_400_000);

        // Field by field: 422 naming the field; another vendor's id: 404. Nothing audited.
        let heads = app.store.audit_heads().await.unwrap();
        for (body, status, field) in [
            (
                json!({"vendor_id": b_sha, "kind": "iso", "name": "x"}),
                422,
                "kind",
            ),
            (
                json!({"vendor_id": b_sha, "kind": "other", "name": " "}),
                422,
                "name",
            ),
            (
                json!({"vendor_id": b_sha, "kind": "other", "name": "x", "expires_on": "R9.3.31"}),
                422,
                "expires_on",
            ),
        ] {
            let r = b.json(&app, Method::POST, base, Some(body)).await;
            assert_eq!(r.status(), status);
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["field"], field, "{e}");
        }
        let r = a
            .json(
                &app,
                Method::POST,
                base,
                Some(json!({"vendor_id": b_sha, "kind": "other", "name": "なりすまし"})),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // Added: 201, flagged as expiring soon, listed for B社 only.
        let r = b
            .json(
                &app,
                Method::POST,
                base,
                Some(
                    json!({"vendor_id": b_sha, "kind": "jisq27001", "name": "ISMS 更新",
                            "expires_on": soon}),
                ),
            )
            .await;
        assert_eq!(r.status(), 201);
        let cert: Value = r.json().await.unwrap();
        assert_eq!(cert["standing"], "soon");
        let id = cert["id"].as_str().unwrap();
        let mine: Vec<Value> = b.get(&app, base).await.json().await.unwrap();
        assert!(mine.iter().any(|c| c["id"] == id));
        let theirs: Vec<Value> = a.get(&app, base).await.json().await.unwrap();
        assert!(!theirs.iter().any(|c| c["id"] == id));

        // Deleted by its own vendor only.
        let path = format!("{base}/{id}");
        for (who, status) in [(&a, 404), (&b, 204), (&b, 404)] {
            let r = who.json(&app, Method::DELETE, &path, None).await;
            assert_eq!(r.status(), status);
        }
        let mine: Vec<Value> = b.get(&app, base).await.json().await.unwrap();
        assert!(!mine.iter().any(|c| c["id"] == id));
    }
}

#[tokio::test]
async fn subcontractors_through_the_api_need_the_institutions_approval() {
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let base = format!("/api/v1/contracts/{}/subcontractors", cb.id);

        // Declared by the contract's vendor; the rules name the field; another vendor
        // learns nothing; nothing is written by a refusal.
        let heads = app.store.audit_heads().await.unwrap();
        let r = b
            .json(&app, Method::POST, &base, Some(json!({"name": " "})))
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "name");
        let r = a
            .json(
                &app,
                Method::POST,
                &base,
                Some(json!({"name": "なりすまし"})),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        let r = b
            .json(
                &app,
                Method::POST,
                &base,
                Some(json!({"name": " Y データ保管 ", "scope": "バックアップの保管"})),
            )
            .await;
        assert_eq!(r.status(), 201);
        let sub: Value = r.json().await.unwrap();
        assert_eq!(sub["name"], "Y データ保管");
        assert!(sub["approved_at"].is_null());

        // Approved by the institution only, once.
        let approve = format!("{base}/{}/approve", sub["id"].as_str().unwrap());
        for (who, status) in [(&b, 403), (&a, 404), (&so, 204), (&so, 409)] {
            let r = who.json(&app, Method::POST, &approve, None).await;
            assert_eq!(r.status(), status);
        }
        let list: Vec<Value> = b.get(&app, &base).await.json().await.unwrap();
        let seen = list.iter().find(|s| s["id"] == sub["id"]).unwrap();
        assert!(seen["approved_at"].is_i64());
    }
}

#[tokio::test]
async fn standard_answers_through_the_api_follow_the_portal_rules() {
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let ca = demo_contract(&app, "A社").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let base = "/api/v1/vendor/standard-answers";
        let answer = |vendor: &str, item: &str, resp: &str| {
            json!({"vendor_id": vendor, "product": " 電子カルテ X ", "item_id": item,
                   "responsibility": resp, "agreed_content": " 標準の合意内容 "})
        };

        // Refusals: another vendor (404), no portal (403), the rules naming their field;
        // nothing is written.
        let heads = app.store.audit_heads().await.unwrap();
        let before = app.store.standard_answers(&cb.vendor_id).await.unwrap();
        let r = a
            .json(
                &app,
                Method::PUT,
                base,
                Some(answer(&cb.vendor_id, "part2-a-1", "vendor")),
            )
            .await;
        assert_eq!(r.status(), 404);
        let r = staff
            .json(
                &app,
                Method::PUT,
                base,
                Some(answer(&cb.vendor_id, "part2-a-1", "vendor")),
            )
            .await;
        assert_eq!(r.status(), 403);
        for (body, field) in [
            (
                answer(&cb.vendor_id, "part2-a-1", "other_vendor"),
                "responsibility",
            ),
            (answer(&cb.vendor_id, "no-such-item", "vendor"), "item_id"),
            (
                json!({"vendor_id": cb.vendor_id, "item_id": "part2-a-1", "responsibility": "vendor"}),
                "product",
            ),
        ] {
            let r = b.json(&app, Method::PUT, base, Some(body)).await;
            assert_eq!(r.status(), 422);
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"]["field"], field, "{e}");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(
            app.store.standard_answers(&cb.vendor_id).await.unwrap(),
            before
        );

        // Saved (trimmed), listed for its own vendor only.
        for (item, resp) in [("part2-a-1", "vendor"), ("part2-a-2", "joint")] {
            let r = b
                .json(
                    &app,
                    Method::PUT,
                    base,
                    Some(answer(&cb.vendor_id, item, resp)),
                )
                .await;
            assert_eq!(r.status(), 200, "{item}");
            let saved: Value = r.json().await.unwrap();
            assert_eq!(
                (saved["product"].as_str(), saved["agreed_content"].as_str()),
                (Some("電子カルテ X"), Some("標準の合意内容"))
            );
        }
        let mine: Vec<Value> = b.get(&app, base).await.json().await.unwrap();
        assert_eq!(
            mine.iter()
                .filter(|s| s["product"] == "電子カルテ X")
                .count(),
            2
        );
        let theirs: Vec<Value> = a.get(&app, base).await.json().await.unwrap();
        assert!(theirs
            .iter()
            .all(|s| s["vendor_id"] != cb.vendor_id.as_str()));

        // Applied: a contract that is not B社's refuses the whole request before anything
        // is proposed; on B社's own, the open item is proposed and the agreed one skipped.
        let apply = format!("{base}/apply");
        let heads = app.store.audit_heads().await.unwrap();
        let r = b
            .json(
                &app,
                Method::POST,
                &apply,
                Some(json!({"vendor_id": cb.vendor_id, "product": "電子カルテ X",
                            "contracts": [cb.id, ca.id]})),
            )
            .await;
        assert_eq!(r.status(), 404);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        let body = json!({"vendor_id": cb.vendor_id, "product": "電子カルテ X",
                          "contracts": [cb.id]});
        let r = b.json(&app, Method::POST, &apply, Some(body.clone())).await;
        assert_eq!(r.status(), 200);
        let done: Value = r.json().await.unwrap();
        assert_eq!(
            (done["applied"].as_u64(), done["skipped"].as_u64()),
            (Some(1), Some(1))
        );
        let row = item_row(&app, &cb.id, "part2-a-2").await.unwrap();
        assert_eq!(
            (row.state.as_str(), row.proposed_by.map(|p| p.as_str())),
            ("negotiating", Some("vendor"))
        );
        assert_ne!(app.store.audit_heads().await.unwrap(), heads, "audited");
        // Applying again proposes nothing new.
        let again: Value = b
            .json(&app, Method::POST, &apply, Some(body))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (again["applied"].as_u64(), again["skipped"].as_u64()),
            (Some(0), Some(2))
        );
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}
