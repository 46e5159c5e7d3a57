//! An institution's settings and members: optimistic versions, bad input, the audit log,
//! the language switch, and the rules that protect existing accounts and the last officer.

use crate::common::*;

/// Two saves of the same version race (both released by a barrier on a multi-thread
/// runtime, so the server handles them at once): exactly one wins, the other gets 409, and
/// the stored value is the winner's, on both databases, round after round.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_edits_are_refused_not_overwritten() {
    for app in start_each().await {
        let a = login(&app, "anzen@sakura.example.jp").await;
        let b = login(&app, "anzen@sakura.example.jp").await;
        let path = format!("/api/v1/institutions/{DEMO_CODE}");
        let mut name = String::new();
        for round in 0..5 {
            let version = demo_institution(&app).await.version;
            let barrier = Arc::new(tokio::sync::Barrier::new(2));
            let tasks: Vec<_> = [(&a, "Aの変更"), (&b, "Bの変更")]
            .into_iter()
            .map(|(s, who)| {
                let value = format!("{who}{round}");
                let req = s
                    .c
                    .patch(format!("{}{path}", app.base))
                    .header("x-csrf-token", &s.csrf)
                    .json(&json!({"version": version, "name": value, "beds": 200, "mfa_required": false}));
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    barrier.wait().await;
                    (value, req.send().await.unwrap())
                })
            })
            .collect();
            let mut results = Vec::new();
            for t in tasks {
                results.push(t.await.unwrap());
            }
            let mut statuses: Vec<u16> = results.iter().map(|(_, r)| r.status().as_u16()).collect();
            statuses.sort();
            assert_eq!(statuses, [200, 409], "round {round}");
            let (winner, loser): (Vec<_>, Vec<_>) =
                results.into_iter().partition(|(_, r)| r.status() == 200);
            let (won, _) = &winner[0];
            let (_, loser) = loser.into_iter().next().unwrap();
            let err: Value = loser.json().await.unwrap();
            assert_eq!(err["error"]["code"], "conflict");
            assert!(err["error"]["message"]
                .as_str()
                .unwrap()
                .contains("他の人が先に"));
            name = demo_institution(&app).await.name;
            assert_eq!(&name, won, "the stored value is the edit that got 200");
        }
        // The HTML form with a stale version shows the conflict and keeps the input.
        let r = post_demo_settings(
            &a,
            &app,
            &[
                ("version", "1"),
                ("name", "古い画面からの保存"),
                ("beds", "5"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let page = r.text().await.unwrap();
        assert!(
            page.contains("他の人が先にこのデータを変更しました")
                && page.contains("古い画面からの保存")
        );
        assert_eq!(demo_institution(&app).await.name, name);
    }
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let before = app
            .store
            .audit_chain(&demo_institution(&app).await.id, 0, 1000)
            .await
            .unwrap()
            .len();
        let members = format!("/api/v1/institutions/{DEMO_CODE}/members");
        let raw = |body: &'static str, ct: &'static str| {
            s.c.post(format!("{}{members}", app.base))
                .header("x-csrf-token", &s.csrf)
                .header(CONTENT_TYPE, ct)
                .body(body)
                .send()
        };
        let r = raw("{not json", "application/json").await.unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["message"],
            "JSON の構文が正しくありません。"
        );
        let r = raw(r#"{"email": 5}"#, "application/json").await.unwrap();
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "bad_request"
        );
        let r = raw(r#"{}"#, "text/plain").await.unwrap();
        assert_eq!(r.status(), 400);
        let r = s
            .json(
                &app,
                Method::POST,
                &members,
                Some(json!({"email": "bad", "display_name": "x", "role": "staff"})),
            )
            .await;
        assert_eq!(r.status(), 422);
        let e: Value = r.json().await.unwrap();
        assert_eq!(
            (e["error"]["field"].as_str(), e["error"]["message"].as_str()),
            (
                Some("email"),
                Some("メールアドレスの形式が正しくありません。")
            )
        );
        let r = s
            .json(
                &app,
                Method::POST,
                &members,
                Some(
                    json!({"email": "x@example.jp", "display_name": "x", "role": "platform_admin"}),
                ),
            )
            .await;
        assert_eq!(r.status(), 422);
        let r = s
            .json(
                &app,
                Method::POST,
                &members,
                Some(json!({"email": "x@example.jp", "display_name": "x", "role": "inspector"})),
            )
            .await;
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["field"],
            "expires_at"
        );
        // Oversized body.
        let big = "x".repeat(2 * 1024 * 1024);
        let r =
            s.c.post(format!("{}/login", app.base))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(big.clone())
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 413);
        assert!(r.text().await.unwrap().contains("大きすぎます"));
        let r =
            s.c.post(format!("{}{members}", app.base))
                .header("x-csrf-token", &s.csrf)
                .header(CONTENT_TYPE, "application/json")
                .body(big)
                .send()
                .await
                .unwrap();
        assert_eq!(r.status(), 413);
        // Unknown ids, another institution, unknown routes.
        assert_eq!(s.get(&app, "/i/9999999999").await.status(), 404);
        let r = s
            .json(&app, Method::GET, "/api/v1/institutions/9999999999", None)
            .await;
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "not_found"
        );
        let r = s
            .json(
                &app,
                Method::DELETE,
                &format!("{members}/no-such-user/roles/staff"),
                None,
            )
            .await;
        assert_eq!(r.status(), 404);
        let page = s.get(&app, "/no/such/page").await;
        assert_eq!(page.status(), 404);
        assert!(page
            .text()
            .await
            .unwrap()
            .contains("ページが見つかりません"));
        // Form fields of the wrong type.
        let r = post_demo_settings(
            &s,
            &app,
            &[("version", "abc"), ("name", "x"), ("beds", "1")],
        )
        .await;
        assert_eq!(r.status(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("送信された内容を読み取れませんでした"));
        let r =
            post_demo_settings(&s, &app, &[("version", "1"), ("name", ""), ("beds", "-3")]).await;
        assert_eq!(r.status(), 422);
        // The last security officer cannot be removed.
        let list: Value = s
            .json(&app, Method::GET, &members, None)
            .await
            .json()
            .await
            .unwrap();
        let so = user_id_of(&list, "anzen@sakura.example.jp");
        let r = s
            .json(
                &app,
                Method::DELETE,
                &format!("{members}/{so}/roles/security_officer"),
                None,
            )
            .await;
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "role");
        let after = app
            .store
            .audit_chain(&demo_institution(&app).await.id, 0, 1000)
            .await
            .unwrap()
            .len();
        assert_eq!(
            before, after,
            "no bad request changed or audited anything in the institution"
        );
        assert_eq!(demo_institution(&app).await.version, 1);
    }
}

#[tokio::test]
async fn members_can_be_added_and_audit_log_filtered_and_exported() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let r = s
            .form(
                &app,
                &format!("/i/{DEMO_CODE}/members"),
                &[
                    ("email", "Shinjin@Sakura.example.jp"),
                    ("display_name", "新人 太郎"),
                    ("role", "staff"),
                    ("expires_on", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.unwrap();
        let marker = "data-testid=\"initial-password\">";
        let at = page.find(marker).unwrap() + marker.len();
        let pw = page[at..at + page[at..].find('<').unwrap()].to_string();
        assert_eq!(pw.len(), 16);
        let c = client();
        assert_eq!(
            try_login(&app, &c, "shinjin@sakura.example.jp", &pw)
                .await
                .status(),
            StatusCode::SEE_OTHER
        );
        let audit = s
            .get(
                &app,
                &format!("/i/{DEMO_CODE}/audit?action=member.&actor=anzen"),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(
            audit.contains("に役割「職員」を付与しました。"),
            "the grant is listed, in a sentence: {audit}"
        );
        assert!(
            !audit.contains("さんがログインしました。"),
            "sign-ins are filtered out"
        );
        let csv = s
            .get(&app, &format!("/i/{DEMO_CODE}/audit.csv?action=auth."))
            .await;
        assert_eq!(csv.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
        let bytes = csv.bytes().await.unwrap();
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("occurred_at_jst,chain,seq,action,actor"));
        let rows: Vec<&str> = lines.collect();
        // The test signed in twice (the officer and the new member): an empty export would
        // prove nothing.
        assert!(rows.len() >= 2, "the sign-ins are exported: {rows:?}");
        assert!(rows.iter().all(|l| l.contains(",auth.")), "{rows:?}");
        assert!(
            rows.iter().any(|l| l.contains(",auth.sign_in,")),
            "{rows:?}"
        );
        // The export itself is in the log.
        let json: Value = s
            .json(
                &app,
                Method::GET,
                &format!("/api/v1/institutions/{DEMO_CODE}/audit?action=audit."),
                None,
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(json[0]["action"], "audit.export");
        let bad = s
            .get(&app, &format!("/i/{DEMO_CODE}/audit?from=2026-13-45"))
            .await
            .text()
            .await
            .unwrap();
        assert!(bad.contains("YYYY-MM-DD"));
    }
}

#[tokio::test]
async fn language_switch() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let r = s
            .form(&app, "/lang", &[("lang", "en"), ("next", "/profile")])
            .await;
        assert_eq!(location(&r), "/profile");
        let page = s.get(&app, "/profile").await.text().await.unwrap();
        assert!(page.contains("<html lang=\"en\">") && page.contains("Change password"));
        let r = s
            .form(
                &app,
                "/lang",
                &[("lang", "en"), ("next", "https://evil.example/")],
            )
            .await;
        assert_eq!(location(&r), "/");
        let err = s
            .json(&app, Method::GET, "/api/v1/institutions/0000000000", None)
            .await
            .json::<Value>()
            .await
            .unwrap();
        assert_eq!(
            err["error"]["message"],
            "The page or record you asked for was not found."
        );
    }
}

#[tokio::test]
async fn existing_accounts_self_grants_and_the_last_officer_are_protected() {
    for app in start_each().await {
        let so = login(&app, "anzen@sakura.example.jp").await;
        let members = format!("/api/v1/institutions/{DEMO_CODE}/members");
        // An officer cannot silently link an account that already exists (e.g. another
        // institution's staff): that would expose its sign-in history.
        let r = so
        .json(
            &app,
            Method::POST,
            &members,
            Some(json!({"email": "tanto@a-sha.example.jp", "display_name": "x", "role": "staff"})),
        )
        .await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "email");
        // A platform administrator may link it, but not to himself.
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        let r = admin.json(&app, Method::POST, &members, Some(json!({"email": "admin@mamori.example", "display_name": "x", "role": "security_officer"}))).await;
        assert_eq!(r.status(), 422);
        assert!(r.json::<Value>().await.unwrap()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("自分自身"));
        let r = admin
        .json(
            &app,
            Method::POST,
            &members,
            Some(json!({"email": "tanto@a-sha.example.jp", "display_name": "x", "role": "staff"})),
        )
        .await;
        assert_eq!(r.status(), 201);
        // The last live officer cannot be given an expiry, nor removed.
        let list: Value = so
            .json(&app, Method::GET, &members, None)
            .await
            .json()
            .await
            .unwrap();
        let me = user_id_of(&list, "anzen@sakura.example.jp");
        let r = so
            .json(
                &app,
                Method::PUT,
                &format!("{members}/{me}/roles/security_officer"),
                Some(json!({"expires_at": now_ms() + 60_000})),
            )
            .await;
        assert_eq!(r.status(), 422);
        // Flash keys must be real messages: arbitrary text is not echoed.
        let page = so
            .get(
                &app,
                &format!("/i/{DEMO_CODE}/members?err=error-至急03-0000-0000へ電話"),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains("至急"));
    }
}

/// The platform administrator adds an institution through the API: the 医療機関コード must
/// carry its prefecture, the fee table of its kind and its check digit; a refused code
/// names the rule and adds nothing.
#[tokio::test]
async fn a_new_institutions_code_is_checked_against_its_kind_and_check_digit() {
    for app in start_each().await {
        let admin = login_with_totp(&app, "admin@mamori.example").await;
        let add = |code: &str, kind: &str| {
            admin.json(
                &app,
                Method::POST,
                "/api/v1/institutions",
                Some(json!({"code": code, "name": "みなと薬局", "kind": kind,
                    "prefecture": "13", "beds": 0})),
            )
        };
        let heads = app.store.audit_heads().await.unwrap();
        for (code, kind, key) in [
            ("1341234560", "pharmacy", "institution-code-check-digit"),
            ("1311234569", "pharmacy", "institution-code-kind-mismatch"),
            (
                "1341234563",
                "dental_clinic",
                "institution-code-kind-mismatch",
            ),
            (
                "2741234567",
                "pharmacy",
                "institution-code-prefecture-mismatch",
            ),
        ] {
            let r = add(code, kind).await;
            assert_eq!(r.status(), 422, "{code} {kind}");
            let v: Value = r.json().await.unwrap();
            let message = i18n::Tr::new(i18n::Lang::Ja).t(key);
            assert_eq!(
                (&v["error"]["field"], &v["error"]["message"]),
                (&json!("code"), &json!(message)),
                "{code} {kind}"
            );
        }
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);
        assert!(app
            .store
            .institution_by_code("1341234563")
            .await
            .unwrap()
            .is_none());
        let r = add("1341234563", "pharmacy").await;
        assert_eq!(r.status(), 201);
        assert!(app
            .store
            .institution_by_code("1341234563")
            .await
            .unwrap()
            .is_some());
    }
}
