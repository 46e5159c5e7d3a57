//! 承認依頼 and the notices it causes: the officer asks for approval (refused, naming every
//! item, while the sheet is incomplete), the sheet is locked, the executive is told in the
//! app and by mail (the outbox, in the same transaction), sends it back with a reason or
//! approves it; the approval block names who and when. Notices are the reader's own, mail
//! preferences refuse unknown kinds. On SQLite and PostgreSQL.

use crate::common::*;

const EXEC: &str = "rijicho@sakura.example.jp";
const OFFICER: &str = "anzen@sakura.example.jp";

async fn notices(app: &App, s: &Session) -> Value {
    let r = s
        .json(app, Method::GET, "/api/v1/notifications", None)
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// The kinds of the notices, reminders left out (the demo's overdue target dates remind
/// its officer from the server's start).
fn kinds(v: &Value) -> Vec<String> {
    v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_string())
        .filter(|k| !k.ends_with("_due") && !k.ends_with("_expiring"))
        .collect()
}

#[tokio::test]
async fn approval_request_tells_the_executive_and_the_answer_tells_the_officer() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let officer = login(&app, OFFICER).await;
        let exec = login(&app, EXEC).await;
        let request_url = format!("/api/v1/assessments/{}/request-approval", a.id);

        // Incomplete: refused naming every unmet item; nothing changes, nobody is told.
        let heads = app.store.audit_heads().await.unwrap();
        let r = officer
            .json(
                &app,
                Method::POST,
                &request_url,
                Some(json!({"version": a.version})),
            )
            .await;
        assert_eq!(r.status(), 422);
        let v: Value = r.json().await.unwrap();
        assert!(!v["error"]["items"].as_array().unwrap().is_empty());
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(outbox_for(&app, EXEC).await.is_empty());
        assert_eq!(notices(&app, &exec).await["unread"], 0);

        // Complete: the page's button asks; the sheet waits, locked.
        complete_sheet(&app, &a).await;
        let a = app.store.assessment(&a.id).await.unwrap().unwrap();
        let page = get_text(&app, &officer.c, &format!("/assessments/{}", a.id)).await;
        assert!(page.contains(r#"data-testid="request-approval""#), "{page}");
        let r = officer
            .form(
                &app,
                &format!("/assessments/{}/request-approval", a.id),
                &[("version", &a.version.to_string())],
            )
            .await;
        assert!(
            location(&r).contains("ok=flash-approval-requested"),
            "{}",
            location(&r)
        );
        let a = app.store.assessment(&a.id).await.unwrap().unwrap();
        assert_eq!(a.status, mamori_domain::codes::AssessmentStatus::Requested);
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/answers", a.id),
                Some(json!({"item_id": "1-1", "slot": "all", "version": 1,
                            "check1": "no", "check1_on": "2025-06-02", "target_on": "2026-01-31"})),
            )
            .await;
        assert_eq!(
            r.status(),
            422,
            "answers are locked while approval is requested"
        );

        // The executive is told in the app and by mail (with the link to the sheet); the
        // officer, who asked, is not told of its own request.
        let v = notices(&app, &exec).await;
        assert_eq!(v["unread"], 1);
        assert_eq!(kinds(&v), ["approval_requested"]);
        let text = v["notices"][0]["text"].as_str().unwrap();
        assert!(
            text.contains("承認依頼") && text.contains("令和7年度"),
            "{text}"
        );
        assert_eq!(
            outbox_for(&app, EXEC).await,
            [(
                "approval_requested".to_string(),
                format!("/assessments/{}", a.id)
            )]
        );
        assert!(kinds(&notices(&app, &officer).await).is_empty());
        let home = get_text(&app, &exec.c, &format!("/i/{DEMO_CODE}")).await;
        assert!(
            home.contains(r#"data-testid="awaiting-approval""#),
            "{home}"
        );
        assert!(
            home.contains("nav-count"),
            "the unread count is in the menu"
        );

        // Sending back needs a reason from the executive; with one, the officer is told why.
        let back_url = format!("/api/v1/assessments/{}/send-back", a.id);
        let r = exec
            .json(
                &app,
                Method::POST,
                &back_url,
                Some(json!({"version": a.version, "reason": " "})),
            )
            .await;
        assert_eq!(r.status(), 422);
        let r = exec
            .json(
                &app,
                Method::POST,
                &back_url,
                Some(json!({"version": a.version, "reason": "2-3 の根拠資料を添付してください"})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "draft");
        assert_eq!(v["returned_reason"], "2-3 の根拠資料を添付してください");
        let v = notices(&app, &officer).await;
        assert_eq!(kinds(&v), ["approval_returned"]);
        assert!(v["notices"][0]["text"]
            .as_str()
            .unwrap()
            .contains("2-3 の根拠資料"));

        // Asked again and approved: the approval block names the approver, role and day.
        let a = app.store.assessment(&a.id).await.unwrap().unwrap();
        let r = officer
            .json(
                &app,
                Method::POST,
                &request_url,
                Some(json!({"version": a.version})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "requested");
        assert!(v["approval"]["requested_by"]
            .as_str()
            .unwrap()
            .contains("安全"));
        let r = exec
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/approve", a.id),
                Some(json!({"version": v["version"]})),
            )
            .await;
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "approved");
        assert_eq!(v["approval"]["approver"], "桜井 一郎(理事長)");
        assert_eq!(v["approval"]["role"], "経営層");
        assert!(v["approval"]["date"].as_str().unwrap().starts_with("令和"));
        let sheet = get_text(&app, &officer.c, &format!("/assessments/{}", a.id)).await;
        assert!(sheet.contains(r#"data-testid="approval-block""#));
        assert!(sheet.contains("桜井 一郎(理事長)"));
        let v = notices(&app, &officer).await;
        assert_eq!(kinds(&v), ["approved", "approval_returned"]);

        // A notice is its reader's own: another user's id is not found.
        let officers_notice = v["notices"][0]["id"].as_str().unwrap().to_string();
        assert_eq!(v["notices"][0]["kind"], "approved");
        let r = exec
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/notifications/{officers_notice}/read"),
                None,
            )
            .await;
        assert_eq!(r.status(), 404);
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/notifications/{officers_notice}/read"),
                None,
            )
            .await;
        assert_eq!(r.status(), 204);
        let unread = notices(&app, &officer).await["unread"].as_i64().unwrap();
        assert!(
            unread >= 1,
            "the returned notice and the reminders are still unread"
        );
        let r = officer
            .json(&app, Method::POST, "/api/v1/notifications/read-all", None)
            .await;
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["marked"], unread);
        assert_eq!(notices(&app, &officer).await["unread"], 0);
    }
}

#[tokio::test]
async fn mail_preferences_refuse_unknown_kinds_and_stop_only_the_mail() {
    for app in start_each().await {
        let exec = login(&app, EXEC).await;
        let url = "/api/v1/notifications/preferences";
        let r = exec
            .json(
                &app,
                Method::PUT,
                url,
                Some(json!([{"kind": "approval_requested", "mail": false},
                            {"kind": "lottery_won", "mail": false}])),
            )
            .await;
        assert_eq!(r.status(), 422, "an unknown kind is refused");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["message"], "通知の種類が正しくありません。");
        let prefs: Value = exec
            .json(&app, Method::GET, url, None)
            .await
            .json()
            .await
            .unwrap();
        assert!(
            prefs.as_array().unwrap().iter().all(|p| p["mail"] == true),
            "nothing changed"
        );

        let r = exec
            .json(
                &app,
                Method::PUT,
                url,
                Some(json!([{"kind": "approval_requested", "mail": false}])),
            )
            .await;
        assert_eq!(r.status(), 200);
        let prefs: Value = r.json().await.unwrap();
        let off: Vec<_> = prefs
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["mail"] == false)
            .map(|p| p["kind"].as_str().unwrap())
            .collect();
        assert_eq!(off, ["approval_requested"]);

        // The request still shows in the app; no mail is queued for it.
        let a = new_assessment(&app).await;
        complete_sheet(&app, &a).await;
        let officer = login(&app, OFFICER).await;
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/request-approval", a.id),
                Some(json!({"version": a.version})),
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(kinds(&notices(&app, &exec).await), ["approval_requested"]);
        assert!(outbox_for(&app, EXEC).await.is_empty());

        // The page's form: only the ticked kinds are mailed; a forged kind changes nothing.
        let r = exec
            .form(&app, "/notifications/preferences", &[("mail", "nonsense")])
            .await;
        assert!(location(&r).contains("err=error-notice-kind"));
        let prefs: Value = exec
            .json(&app, Method::GET, url, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            prefs
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["mail"] == false)
                .count(),
            1
        );
        let page = get_text(&app, &exec.c, "/notifications").await;
        assert!(page.contains(r#"data-testid="notices""#) && page.contains("承認依頼"));
    }
}

#[tokio::test]
async fn vendor_sheet_requests_and_submissions_tell_the_other_side() {
    for app in start_each().await {
        let a = new_assessment(&app).await;
        let officer = login(&app, OFFICER).await;
        let r = officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/vendor-sheets", a.id),
                None,
            )
            .await;
        assert!(r.status().is_success(), "{}", r.status());
        // Every active member of each vendor asked is told, once; asking again tells nobody.
        let vendor = login(&app, "tanto@a-sha.example.jp").await;
        let v = notices(&app, &vendor).await;
        assert_eq!(kinds(&v), ["vendor_sheet_requested"]);
        assert!(v["notices"][0]["text"].as_str().unwrap().contains("さくら"));
        officer
            .json(
                &app,
                Method::POST,
                &format!("/api/v1/assessments/{}/vendor-sheets", a.id),
                None,
            )
            .await;
        assert_eq!(kinds(&notices(&app, &vendor).await).len(), 1);
        assert_eq!(
            outbox_for(&app, "tanto@a-sha.example.jp").await,
            [("vendor_sheet_requested".to_string(), "/vendor".to_string())]
        );
    }
}
