//! Second factor (TOTP, recovery codes, mandatory MFA) and personal API tokens.

use crate::common::*;

#[tokio::test]
async fn totp_enrolment_sign_in_replay_and_recovery_codes() {
    for app in start_each().await {
        let s = login(&app, "unyo@sakura.example.jp").await;
        let page = s.get(&app, "/profile/mfa").await.text().await.unwrap();
        let marker = "data-testid=\"totp-secret\">";
        let at = page.find(marker).unwrap() + marker.len();
        let secret = page[at..at + page[at..].find('<').unwrap()].to_string();
        assert!(page.contains("<svg"), "QR code is inline SVG");
        let wrong = s
            .form(
                &app,
                "/profile/mfa",
                &[("secret", &secret), ("code", "000000")],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let code = totp::code_at(&secret, now_ms()).unwrap();
        let ok = s
            .form(
                &app,
                "/profile/mfa",
                &[("secret", &secret), ("code", &code)],
            )
            .await;
        assert_eq!(ok.status(), 200);
        let body = ok.text().await.unwrap();
        let codes: Vec<String> = body
            .match_indices("<li><code>")
            .map(|(i, _)| body[i + 10..i + 21].to_string())
            .collect();
        assert_eq!(codes.len(), 10, "{codes:?}");

        // Sign in again: the password alone is not enough.
        let c = client();
        let r = try_login(&app, &c, "unyo@sakura.example.jp", DEMO_PASSWORD).await;
        assert!(location(&r).starts_with("/login/mfa"));
        let dash = c
            .get(format!("{}/i/{DEMO_CODE}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&dash), "/login/mfa");
        let api = c
            .get(format!("{}/api/v1/me", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
        let mfa_page = get_text(&app, &c, "/login/mfa").await;
        let csrf = csrf_of(&mfa_page);
        let post = |code: String| {
            let c = c.clone();
            let csrf = csrf.clone();
            let url = format!("{}/login/mfa", app.base);
            async move {
                c.post(url)
                    .form(&[("code", code.as_str()), ("_csrf", csrf.as_str())])
                    .send()
                    .await
                    .unwrap()
            }
        };
        // The code used for enrolment cannot be replayed.
        let replay = post(code.clone()).await;
        assert!(replay.text().await.unwrap().contains("既に使われました"));
        // The next time step's code is accepted once.
        let next = totp::code_at(&secret, now_ms() + 30_000).unwrap();
        assert_eq!(post(next.clone()).await.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            c.get(format!("{}/i/{DEMO_CODE}", app.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );

        // A recovery code works once.
        let c2 = client();
        try_login(&app, &c2, "unyo@sakura.example.jp", DEMO_PASSWORD).await;
        let csrf2 = csrf_of(&get_text(&app, &c2, "/login/mfa").await);
        let r = c2
            .post(format!("{}/login/mfa", app.base))
            .form(&[("code", codes[0].as_str()), ("_csrf", &csrf2)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let c3 = client();
        try_login(&app, &c3, "unyo@sakura.example.jp", DEMO_PASSWORD).await;
        let csrf3 = csrf_of(&get_text(&app, &c3, "/login/mfa").await);
        let r = c3
            .post(format!("{}/login/mfa", app.base))
            .form(&[("code", codes[0].as_str()), ("_csrf", &csrf3)])
            .send()
            .await
            .unwrap();
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("認証コードが正しくありません"));
    }
}

#[tokio::test]
async fn mandatory_mfa_sends_members_to_enrolment() {
    for app in start_each().await {
        let so = login(&app, "anzen@sakura.example.jp").await;
        let r = post_demo_settings(
            &so,
            &app,
            &[
                ("version", "1"),
                ("name", "さくら総合病院"),
                ("beds", "200"),
                ("mfa_required", "true"),
            ],
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let dash = staff.get(&app, &format!("/i/{DEMO_CODE}")).await;
        assert_eq!(location(&dash), "/profile/mfa");
        let page = staff.get(&app, "/profile/mfa").await.text().await.unwrap();
        assert!(page.contains("多要素認証が必須"));
        let api = staff.json(&app, Method::GET, "/api/v1/me", None).await;
        assert_eq!(api.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            api.json::<Value>().await.unwrap()["error"]["code"],
            "mfa_enrolment_required"
        );
    }
}

// ------------------------------------------------------------------ tokens and API

#[tokio::test]
async fn personal_api_tokens_work_until_revoked() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let page = s
            .form(
                &app,
                "/profile/tokens",
                &[("name", "資産台帳の連携"), ("expires_in_days", "30")],
            )
            .await
            .text()
            .await
            .unwrap();
        let marker = "data-testid=\"token-secret\">";
        let at = page.find(marker).unwrap() + marker.len();
        let token = page[at..at + page[at..].find('<').unwrap()].to_string();
        assert!(token.starts_with("mamori_"));
        let c = client();
        let me = c
            .get(format!("{}/api/v1/me", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["user"]["email"], "anzen@sakura.example.jp");
        assert_eq!(me["institutions"][0]["roles"][0], "security_officer");
        // A bearer request needs no CSRF token.
        let r = c
        .patch(format!("{}/api/v1/institutions/{DEMO_CODE}", app.base))
        .bearer_auth(&token)
        .json(&json!({"version": 1, "name": "さくら総合病院", "beds": 210, "mfa_required": false}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), 200);
        let forged = c
            .get(format!("{}/api/v1/me", app.base))
            .bearer_auth("mamori_forged")
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
        let list: Value = c
            .get(format!("{}/api/v1/me/tokens", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = list[0]["id"].as_str().unwrap().to_string();
        assert!(list[0]["last_used_at"].is_i64());
        // A token manages no credential, not even itself: revoking is done signed in.
        let del = c
            .delete(format!("{}/api/v1/me/tokens/{id}", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(del.status(), StatusCode::BAD_REQUEST);
        let del = s
            .json(
                &app,
                Method::DELETE,
                &format!("/api/v1/me/tokens/{id}"),
                None,
            )
            .await;
        assert_eq!(del.status(), StatusCode::NO_CONTENT);
        let after = c
            .get(format!("{}/api/v1/me", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
        let body: Value = after.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_signed_in");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ログイン"));
    }
}

#[tokio::test]
async fn api_tokens_cannot_manage_credentials_and_password_change_ends_other_sessions() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let other = login(&app, "anzen@sakura.example.jp").await;
        let (_, token) = s.new_token(&app, "t").await;
        let c = client();
        for (m, path, body) in [
            (Method::POST, "/api/v1/me/tokens", json!({"name": "second"})),
            (Method::POST, "/api/v1/me/mfa/setup", json!({})),
            (
                Method::POST,
                "/api/v1/me/password",
                json!({"current_password": DEMO_PASSWORD, "new_password": "とても長い新しいパスワード2026"}),
            ),
        ] {
            let r = c
                .request(m, format!("{}{path}", app.base))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 400, "{path}");
            assert!(r.json::<Value>().await.unwrap()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("API トークンではできません"));
        }
        let r = s.json(&app, Method::POST, "/api/v1/me/password", Some(json!({"current_password": DEMO_PASSWORD, "new_password": "とても長い新しいパスワード2026"}))).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            s.get(&app, "/profile").await.status(),
            200,
            "the session that changed it stays"
        );
        assert_eq!(
            other.get(&app, "/profile").await.status(),
            StatusCode::SEE_OTHER,
            "other sessions end"
        );
        // Guessing the current password is throttled like sign-in.
        for _ in 0..5 {
            s.json(
                &app,
                Method::POST,
                "/api/v1/me/password",
                Some(json!({"current_password": "wrong", "new_password": "x"})),
            )
            .await;
        }
        let r = s
            .json(
                &app,
                Method::POST,
                "/api/v1/me/password",
                Some(json!({"current_password": "wrong", "new_password": "x"})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn platform_administrators_must_use_a_second_factor() {
    for app in start_each().await {
        let c = client();
        try_login(&app, &c, "admin@mamori.example", DEMO_PASSWORD).await;
        let r = c.get(format!("{}/admin", app.base)).send().await.unwrap();
        assert_eq!(location(&r), "/profile/mfa");
    }
}
