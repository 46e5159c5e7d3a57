//! The checklist's page actions through `/api/v1`: starting a year, reopening, inspector
//! links, evidence and the exports — the same rules, policy and audit as the pages, on both
//! databases.

use crate::common::*;

/// The actions of the institution's audit events whose target is `target`, oldest first.
async fn audited(app: &App, inst: &str, target: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = app
        .store
        .audit_events(&mamori_store::AuditFilter {
            institution_id: inst.to_string(),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.target_id == target)
        .map(|e| (e.action, e.actor_label))
        .collect();
    out.reverse();
    out
}

/// The error envelope of a refusal: its status and code.
async fn refused(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap();
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (status, code, body)
}

/// Asserts that `r` is a refusal with `status` and the envelope's `code`.
async fn assert_refused(r: reqwest::Response, status: u16, code: &str) {
    let (s, c, body) = refused(r).await;
    assert_eq!((s, c.as_str()), (status, code), "{body}");
}

#[tokio::test]
async fn starting_a_year_and_reopening_through_the_api() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let (other, _) = officer_elsewhere(&app, "2712345678", "officer@naniwa.example.jp").await;
        let base = format!("/api/v1/institutions/{DEMO_CODE}/assessments");
        let next =
            json!({"fiscal_year": 2025, "catalog_id": "mhlw/cyber-checklist-institution@R7"});

        // Refusals change nothing: a member without the right (403), someone with no role
        // there (404), a version of another document or a year out of range (422).
        let heads = app.store.audit_heads().await.unwrap();
        let before = app.store.assessments(&inst.id).await.unwrap();
        for (who, status, code) in [(&staff, 403, "forbidden"), (&other, 404, "not_found")] {
            let r = who
                .json(&app, Method::POST, &base, Some(next.clone()))
                .await;
            assert_refused(r, status, code).await;
        }
        for (body, field) in [
            (
                json!({"fiscal_year": 2025, "catalog_id": "mhlw/cyber-checklist-pharmacy@R6"}),
                "catalog_id",
            ),
            (
                json!({"fiscal_year": 2025, "catalog_id": "nothing"}),
                "catalog_id",
            ),
            (
                json!({"fiscal_year": 1999, "catalog_id": "mhlw/cyber-checklist-institution@R7"}),
                "fiscal_year",
            ),
            (
                json!({"fiscal_year": i64::MAX, "catalog_id": "mhlw/cyber-checklist-institution@R7"}),
                "fiscal_year",
            ),
        ] {
            let (s, code, b) =
                refused(so.json(&app, Method::POST, &base, Some(body.clone())).await).await;
            assert_eq!((s, code.as_str()), (422, "invalid"), "{body}");
            assert_eq!(b["error"]["field"], field, "{body}");
            assert!(!b["error"]["message"].as_str().unwrap().is_empty());
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(app.store.assessments(&inst.id).await.unwrap(), before);

        // Started on the newer version: last year's answers carried for re-confirmation.
        let r = so.json(&app, Method::POST, &base, Some(next.clone())).await;
        assert_eq!(r.status(), 201);
        let started: Value = r.json().await.unwrap();
        assert_eq!(started["fiscal_year"], 2025);
        assert_eq!(started["fiscal_year_label"], "令和7年度");
        assert_eq!(started["catalog_id"], "mhlw/cyber-checklist-institution@R7");
        assert_eq!(started["status"], "draft");
        let id = started["id"].as_str().unwrap().to_string();
        let carried = app.store.assessment_answers(&id).await.unwrap();
        assert!(!carried.is_empty() && carried.iter().all(|x| x.carried));
        assert_eq!(
            audited(&app, &inst.id, &id).await,
            vec![(
                "assessment.create".to_string(),
                "anzen@sakura.example.jp".to_string()
            )]
        );
        // The year has one now.
        assert_refused(
            so.json(&app, Method::POST, &base, Some(next)).await,
            409,
            "duplicate",
        )
        .await;

        // Reopening: only an approved sheet, at its version, with a reason.
        let a = app.store.assessments(&inst.id).await.unwrap();
        let a = a.iter().find(|x| x.fiscal_year == 2024).unwrap();
        let approved = app
            .store
            .approve_assessment(&Actor::system("test"), &a.id, a.version, &[])
            .await
            .unwrap();
        let reopen = format!("/api/v1/assessments/{}/reopen", a.id);
        let body = |v: i64, reason: &str| Some(json!({"version": v, "reason": reason}));
        let heads = app.store.audit_heads().await.unwrap();
        for (who, b, want) in [
            (
                &staff,
                body(approved.version, "端末の追加"),
                (403, "forbidden"),
            ),
            (
                &other,
                body(approved.version, "端末の追加"),
                (404, "not_found"),
            ),
            (&so, body(approved.version, "  "), (422, "invalid")),
            (
                &so,
                body(approved.version + 5, "端末の追加"),
                (409, "conflict"),
            ),
        ] {
            let (s, code, _) = refused(who.json(&app, Method::POST, &reopen, b).await).await;
            assert_eq!((s, code.as_str()), want);
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(
            app.store.assessment(&a.id).await.unwrap().unwrap(),
            approved
        );
        let r = so
            .json(
                &app,
                Method::POST,
                &reopen,
                body(approved.version, " 端末の追加 "),
            )
            .await;
        assert_eq!(r.status(), 200);
        let reopened: Value = r.json().await.unwrap();
        assert_eq!(reopened["status"], "draft");
        assert_eq!(reopened["revision"], 2);
        let stored = app.store.assessment(&a.id).await.unwrap().unwrap();
        assert_eq!(stored.reopen_reason, "端末の追加");
        assert!(audited(&app, &inst.id, &a.id).await.contains(&(
            "assessment.reopen".to_string(),
            "anzen@sakura.example.jp".to_string()
        )));
        // A draft is not reopened again.
        assert_refused(
            so.json(
                &app,
                Method::POST,
                &reopen,
                body(stored.version, "もう一度"),
            )
            .await,
            409,
            "conflict",
        )
        .await;
    }
}

#[tokio::test]
async fn inspector_links_through_the_api_show_the_secret_once() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let (other, _) = officer_elsewhere(&app, "2712345678", "officer@naniwa.example.jp").await;
        let base = format!("/api/v1/assessments/{}/inspector-links", a.id);
        let ask = json!({"label": " 東京都 医療安全課 ", "days": 7});

        // The executive sees the sheet but does not answer it (403); another institution's
        // officer learns nothing (404); the label and the days are checked (422).
        let heads = app.store.audit_heads().await.unwrap();
        for (who, status, code) in [(&exec, 403, "forbidden"), (&other, 404, "not_found")] {
            let r = who.json(&app, Method::POST, &base, Some(ask.clone())).await;
            assert_refused(r, status, code).await;
        }
        for (body, field) in [
            (json!({"label": "", "days": 7}), "label"),
            (json!({"label": "x", "days": 31}), "days"),
            (json!({"label": "x", "days": -1}), "days"),
            (json!({}), "label"),
        ] {
            let (s, code, b) =
                refused(so.json(&app, Method::POST, &base, Some(body.clone())).await).await;
            assert_eq!((s, code.as_str()), (422, "invalid"), "{body}");
            assert_eq!(b["error"]["field"], field, "{body}");
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app.store.inspector_links(&a.id).await.unwrap().is_empty());

        let r = so.json(&app, Method::POST, &base, Some(ask)).await;
        assert_eq!(r.status(), 201);
        let made: Value = r.json().await.unwrap();
        // The whole link (the host the officer used, without a `public_url`).
        let full = made["url"].as_str().unwrap().to_string();
        let url = full.strip_prefix(&app.base).unwrap_or_default().to_string();
        assert!(url.starts_with("/inspect/"), "{full}");
        assert_eq!(made["link"]["label"], "東京都 医療安全課");
        assert_eq!(made["link"]["active"], true);
        let id = made["link"]["id"].as_str().unwrap().to_string();
        // The link opens the sheet, read-only, for anyone who has it.
        let r = client()
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("令和6年度"));
        // Listed (for the executive too), never with its secret.
        let secret = url.trim_start_matches("/inspect/");
        let r = exec.get(&app, &base).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        assert!(!text.contains(secret));
        let list: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["id"], id.as_str());
        assert_eq!(other.get(&app, &base).await.status(), 404);

        // Revoked by those who answer the sheet, once; then it opens nothing.
        let revoke = format!("{base}/{id}/revoke");
        assert_refused(
            exec.json(&app, Method::POST, &revoke, None).await,
            403,
            "forbidden",
        )
        .await;
        assert_refused(
            so.json(&app, Method::POST, &format!("{base}/unknown/revoke"), None)
                .await,
            404,
            "not_found",
        )
        .await;
        assert_eq!(
            so.json(&app, Method::POST, &revoke, None).await.status(),
            204
        );
        assert_refused(
            so.json(&app, Method::POST, &revoke, None).await,
            409,
            "conflict",
        )
        .await;
        let r = client()
            .get(format!("{}{url}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 410);
        let list: Vec<Value> = so.get(&app, &base).await.json().await.unwrap();
        assert_eq!(list[0]["active"], false);
        assert!(list[0]["revoked_at"].is_i64());
        let events = audited(&app, &inst.id, &a.id).await;
        let officer = "anzen@sakura.example.jp".to_string();
        assert!(events.contains(&("inspector.link.create".into(), officer.clone())));
        assert!(events.contains(&("inspector.link.revoke".into(), officer)));
    }
}

/// A multipart upload of evidence to `path` with `auth` (a bearer token, or a session's
/// CSRF header): the fields and, when given, a file.
async fn upload_evidence(
    app: &App,
    c: &reqwest::Client,
    auth: (&str, &str),
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    }
    c.post(format!("{}{path}", app.base))
        .header(auth.0, auth.1)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn evidence_through_the_api_upload_download_and_withdraw() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let (_, token) = so.new_token(&app, "evidence").await;
        let bearer = format!("Bearer {token}");
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let (other, _) = officer_elsewhere(&app, "2712345678", "officer@naniwa.example.jp").await;
        let base = format!("/api/v1/assessments/{}/evidence", a.id);
        let pdf = b"%PDF-1.4 evidence through the API".to_vec();
        let good = [("item_id", "3-3"), ("effective_on", "2024-06-01")];
        let as_officer = ("authorization", bearer.as_str());

        // Refusals leave nothing behind: anonymous (401), the executive who only sees the
        // sheet (403), another institution's officer (404), a wrong field (422).
        let heads = app.store.audit_heads().await.unwrap();
        let before = app.store.evidence(&a.id).await.unwrap();
        let anon = upload_evidence(
            &app,
            &client(),
            ("x-none", "1"),
            &base,
            &good,
            Some(("e.pdf", pdf.clone())),
        )
        .await;
        assert_refused(anon, 401, "not_signed_in").await;
        for (who, want) in [(&exec, (403, "forbidden")), (&other, (404, "not_found"))] {
            let r = upload_evidence(
                &app,
                &who.c,
                ("x-csrf-token", &who.csrf),
                &base,
                &good,
                Some(("e.pdf", pdf.clone())),
            )
            .await;
            let (s, code, _) = refused(r).await;
            assert_eq!((s, code.as_str()), want);
        }
        for (fields, file, field) in [
            (
                vec![("item_id", "9-99"), ("effective_on", "2024-06-01")],
                Some(("e.pdf", pdf.clone())),
                "item_id",
            ),
            (
                vec![("item_id", "3-3"), ("effective_on", "2024-02-30")],
                Some(("e.pdf", pdf.clone())),
                "effective_on",
            ),
            (
                good.to_vec(),
                Some(("e.bin", vec![0u8, 1, 2, 3, 0xff])),
                "file",
            ),
            (good.to_vec(), None, "target"),
            (
                vec![
                    ("item_id", "3-3"),
                    ("effective_on", "2024-06-01"),
                    ("target", "contract:nothing"),
                ],
                None,
                "target",
            ),
        ] {
            let r = upload_evidence(&app, &client(), as_officer, &base, &fields, file).await;
            let (s, code, b) = refused(r).await;
            assert_eq!((s, code.as_str()), (422, "invalid"), "{fields:?}");
            assert_eq!(b["error"]["field"], field, "{fields:?}");
        }
        // Not multipart at all: a bad request.
        let r = so
            .json(&app, Method::POST, &base, Some(json!({"item_id": "3-3"})))
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert_eq!(app.store.evidence(&a.id).await.unwrap(), before);

        // A file, with an API token (no CSRF token needed), and a link to the officer, with
        // the session (its CSRF token in the header).
        let r = upload_evidence(
            &app,
            &client(),
            as_officer,
            &base,
            &good,
            Some(("点検記録.pdf", pdf.clone())),
        )
        .await;
        assert_eq!(r.status(), 201);
        let file: Value = r.json().await.unwrap();
        assert_eq!(file["kind"], "file");
        assert_eq!(file["label"], "点検記録.pdf");
        assert_eq!(file["media_type"], "application/pdf");
        let download = file["download"].as_str().unwrap().to_string();
        let officer_id = user_id(&app, "anzen@sakura.example.jp").await;
        let target = format!("officer:{officer_id}");
        let r = upload_evidence(
            &app,
            &so.c,
            ("x-csrf-token", &so.csrf),
            &base,
            &[
                ("item_id", "1-1"),
                ("effective_on", "2024-05-01"),
                ("target", &target),
            ],
            None,
        )
        .await;
        assert_eq!(r.status(), 201);
        let link: Value = r.json().await.unwrap();
        assert_eq!(link["kind"], "officer");
        assert!(link["download"].is_null());

        // Listed for whoever sees the sheet; the file downloads as the page serves it.
        let list: Vec<Value> = exec.get(&app, &base).await.json().await.unwrap();
        assert!(list.iter().any(|e| e["id"] == file["id"]));
        assert!(list.iter().any(|e| e["id"] == link["id"]));
        assert_eq!(other.get(&app, &base).await.status(), 404);
        let r = exec.get(&app, &download).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let disposition = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
        let page = exec
            .get(
                &app,
                &format!(
                    "/assessments/{}/evidence/{}",
                    a.id,
                    file["id"].as_str().unwrap()
                ),
            )
            .await;
        assert_eq!(
            page.headers()["content-disposition"].to_str().unwrap(),
            disposition
        );
        assert_eq!(other.get(&app, &download).await.status(), 404);
        let link_download = format!("{base}/{}/download", link["id"].as_str().unwrap());
        assert_eq!(exec.get(&app, &link_download).await.status(), 404);

        // Withdrawn with a reason, by those who answer the sheet; then it is gone.
        let withdraw = format!("{base}/{}/withdraw", file["id"].as_str().unwrap());
        let heads = app.store.audit_heads().await.unwrap();
        let reason = |r: &str| Some(json!({ "reason": r }));
        assert_refused(
            exec.json(&app, Method::POST, &withdraw, reason("誤り"))
                .await,
            403,
            "forbidden",
        )
        .await;
        let (s, code, b) = refused(so.json(&app, Method::POST, &withdraw, reason(" ")).await).await;
        assert_eq!((s, code.as_str()), (422, "invalid"));
        assert_eq!(b["error"]["field"], "reason");
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        let r = so
            .json(&app, Method::POST, &withdraw, reason("別の項目の記録"))
            .await;
        assert_eq!(r.status(), 204);
        assert_eq!(exec.get(&app, &download).await.status(), 404);
        let list: Vec<Value> = so.get(&app, &base).await.json().await.unwrap();
        assert!(!list.iter().any(|e| e["id"] == file["id"]));
        assert_refused(
            so.json(&app, Method::POST, &withdraw, reason("もう一度"))
                .await,
            404,
            "not_found",
        )
        .await;
        let events = audited(&app, &inst.id, &a.id).await;
        let officer = "anzen@sakura.example.jp".to_string();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.0 == "assessment.evidence.add" && e.1 == officer)
                .count(),
            2
        );
        assert!(events.contains(&("assessment.evidence.withdraw".into(), officer)));

        // An approved sheet is locked (409), for both.
        app.store
            .approve_assessment(&Actor::system("test"), &a.id, a.version, &[])
            .await
            .unwrap();
        let r = upload_evidence(
            &app,
            &client(),
            as_officer,
            &base,
            &good,
            Some(("e.pdf", pdf.clone())),
        )
        .await;
        assert_refused(r, 409, "conflict").await;
        let withdraw = format!("{base}/{}/withdraw", link["id"].as_str().unwrap());
        let (s, code, _) =
            refused(so.json(&app, Method::POST, &withdraw, reason("誤り")).await).await;
        assert_eq!((s, code.as_str()), (409, "conflict"));
    }
}

#[tokio::test]
async fn evidence_upload_through_the_api_keeps_the_upload_limit() {
    let app = start_with(mamori_web::WebConfig {
        max_upload_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let inst = demo_institution(&app).await;
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    let so = login(&app, "anzen@sakura.example.jp").await;
    let base = format!("/api/v1/assessments/{}/evidence", a.id);
    let mut big = b"%PDF-1.4 ".to_vec();
    big.resize(256 * 1024, b'x');
    let heads = app.store.audit_heads().await.unwrap();
    let r = upload_evidence(
        &app,
        &so.c,
        ("x-csrf-token", &so.csrf),
        &base,
        &[("item_id", "3-3"), ("effective_on", "2024-06-01")],
        Some(("big.pdf", big)),
    )
    .await;
    assert_refused(r, 413, "payload_too_large").await;
    assert_eq!(app.store.audit_heads().await.unwrap(), heads);
    // A wrong CSRF header is refused before the body is read.
    let r = upload_evidence(
        &app,
        &so.c,
        ("x-csrf-token", "wrong"),
        &base,
        &[("item_id", "3-3"), ("effective_on", "2024-06-01")],
        Some(("e.pdf", b"%PDF-1.4 x".to_vec())),
    )
    .await;
    assert_eq!(r.status(), 403);
}
