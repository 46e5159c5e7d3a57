//! Sign-in, CSRF, throttling of sign-in, session timeouts and the `next` parameter.

use crate::common::*;

#[tokio::test]
async fn sign_in_sets_a_session_and_pages_carry_security_headers() {
    for app in start_each().await {
        let c = client();
        let r = c.get(format!("{}/", app.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert!(location(&r).starts_with("/login"));
        let bad = try_login(&app, &c, "anzen@sakura.example.jp", "wrong-password-123").await;
        assert_eq!(bad.status(), 200);
        assert!(bad
            .text()
            .await
            .unwrap()
            .contains("メールアドレスまたはパスワードが正しくありません。"));
        let ok = try_login(&app, &c, "ANZEN@sakura.example.jp ", DEMO_PASSWORD).await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
        let cookie = ok
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            cookie.contains("mamori_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        let home = c.get(format!("{}/", app.base)).send().await.unwrap();
        assert_eq!(location(&home), format!("/i/{DEMO_CODE}"));
        let dash = c
            .get(format!("{}/i/{DEMO_CODE}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(dash.status(), 200);
        let h = dash.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "same-origin");
        assert!(h["server-timing"].to_str().unwrap().starts_with("app;dur="));
        let body = dash.text().await.unwrap();
        assert!(body.contains("さくら総合病院") && body.contains("<html lang=\"ja\">"));
        assert!(
            !body.contains("<script>") && !body.contains(" style="),
            "no inline script or style"
        );
        // A failed and a successful sign-in are both audited.
        let events = app.store.audit_chain("global", 0, 1000).await.unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.contains(&"auth.sign_in_failed") && actions.contains(&"auth.sign_in"));
        let signed_in = events
            .iter()
            .rev()
            .find(|e| e.action == "auth.sign_in")
            .unwrap();
        assert_eq!(signed_in.client_addr.as_deref(), Some("127.0.0.1"));
        assert!(signed_in.request_id.is_some());
    }
}

#[tokio::test]
async fn csrf_is_required_on_every_state_change() {
    for app in start_each().await {
        let s = login(&app, "anzen@sakura.example.jp").await;
        let url = format!("{}/i/{DEMO_CODE}/settings", app.base);
        let fields = [("version", "1"), ("name", "乗っ取り"), ("beds", "1")];
        let none = s.c.post(&url).form(&fields).send().await.unwrap();
        assert_eq!(none.status(), StatusCode::FORBIDDEN);
        assert!(none.text().await.unwrap().contains("不正な送信"));
        let mut forged = fields.to_vec();
        forged.push(("_csrf", "forged-token"));
        assert_eq!(
            s.c.post(&url).form(&forged).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        let api =
            s.c.patch(format!("{}/api/v1/institutions/{DEMO_CODE}", app.base))
                .json(&json!({"version": 1, "name": "x", "beds": 1, "mfa_required": false}))
                .send()
                .await
                .unwrap();
        assert_eq!(api.status(), StatusCode::FORBIDDEN);
        assert_eq!(api.json::<Value>().await.unwrap()["error"]["code"], "csrf");
        // Nothing changed.
        assert_eq!(demo_institution(&app).await.name, "さくら総合病院");
        // Login itself needs the pre-session token.
        let c = client();
        let r = c
            .post(format!("{}/login", app.base))
            .form(&[
                ("email", "anzen@sakura.example.jp"),
                ("password", DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // With the right token it works.
        let ok = post_demo_settings(
            &s,
            &app,
            &[
                ("version", "1"),
                ("name", "さくら総合病院"),
                ("beds", "201"),
            ],
        )
        .await;
        assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn sign_in_is_throttled_per_account_and_per_address() {
    let cfg = WebConfig {
        login_max_per_account: 3,
        login_max_per_address: 6,
        ..Default::default()
    };
    let app = start_with(cfg).await;
    for _ in 0..3 {
        try_login(
            &app,
            &client(),
            "shokuin@sakura.example.jp",
            "not-the-password",
        )
        .await;
    }
    let r = try_login(&app, &client(), "shokuin@sakura.example.jp", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()[reqwest::header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    assert!(r.text().await.unwrap().contains("試行回数が多すぎます"));
    // A restart (a new server on the same database) does not reset the count.
    let second = app
        .second_server(WebConfig {
            login_max_per_account: 3,
            ..Default::default()
        })
        .await;
    let r = try_login(
        &second,
        &client(),
        "shokuin@sakura.example.jp",
        DEMO_PASSWORD,
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "a second process shares the count"
    );
    // Another account from the same address still works until the address limit.
    assert_eq!(
        try_login(&app, &client(), "kikaku@sakura.example.jp", DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    for _ in 0..3 {
        try_login(&app, &client(), "nobody@example.jp", "not-the-password").await;
    }
    let r = try_login(&app, &client(), "unyo@sakura.example.jp", DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn idle_and_absolute_session_timeouts_and_sign_out_everywhere() {
    let app = start().await;
    let s = login(&app, "rijicho@sakura.example.jp").await;
    let user = user_by_email(&app, "rijicho@sakura.example.jp").await;
    let other = login(&app, "rijicho@sakura.example.jp").await;
    // Find the sessions through the audit trail is not possible (hashes are not logged);
    // age every session of the user directly in the database instead.
    let SqlitePools { pool } = pools(&app);
    sqlx::query(
        "UPDATE sessions SET last_seen_at = last_seen_at - 31 * 60 * 1000 WHERE user_id = $1",
    )
    .bind(&user.id)
    .execute(&pool)
    .await
    .unwrap();
    let r = s.get(&app, &format!("/i/{DEMO_CODE}")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).starts_with("/login?expired=1"),
        "{}",
        location(&r)
    );
    let page = s.get(&app, &location(&r)).await.text().await.unwrap();
    assert!(page.contains("一定時間操作がなかったため"));
    // The expired session is gone from the database.
    let api = other.json(&app, Method::GET, "/api/v1/me", None).await;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.json::<Value>().await.unwrap()["error"]["code"],
        "session_expired"
    );

    let s = login(&app, "rijicho@sakura.example.jp").await;
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = $2")
        .bind(now_ms() - 1)
        .bind(&user.id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        s.get(&app, &format!("/i/{DEMO_CODE}")).await.status(),
        StatusCode::SEE_OTHER
    );

    let a = login(&app, "rijicho@sakura.example.jp").await;
    let b = login(&app, "rijicho@sakura.example.jp").await;
    let r = a.form(&app, "/logout/all", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        b.get(&app, "/profile").await.status(),
        StatusCode::SEE_OTHER
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sessions WHERE user_id = $1")
        .bind(&user.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

// ------------------------------------------------------------------ findings of the security review

#[tokio::test]
async fn next_accepts_only_plain_paths_on_this_site() {
    assert_eq!(
        safe_next("/i/1311234569/audit?page=2"),
        "/i/1311234569/audit?page=2"
    );
    for bad in [
        "//evil.example",
        "/\t/evil.example",
        "/\n/evil",
        "https://evil.example",
        "/\\evil",
        "/ /x",
        "javascript:alert(1)",
    ] {
        assert_eq!(safe_next(bad), "/", "{bad:?}");
    }
    let app = start().await;
    let c = client();
    let csrf = csrf_of(&login_page(&app, &c).await);
    let r = c
        .post(format!("{}/login", app.base))
        .form(&[
            ("email", "anzen@sakura.example.jp"),
            ("password", DEMO_PASSWORD),
            ("_csrf", &csrf),
            ("next", "/\t/evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn the_session_id_changes_when_the_second_factor_is_proven() {
    let app = start().await;
    let user = user_by_email(&app, "kikaku@sakura.example.jp").await;
    let secret = totp::new_secret();
    app.store
        .enable_totp(&Actor::system("test"), &user.id, &secret, 0, &[])
        .await
        .unwrap();
    let c = client();
    let r = try_login(&app, &c, "kikaku@sakura.example.jp", DEMO_PASSWORD).await;
    let cookie_of = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("mamori_session="))
            .map(|v| v.split(';').next().unwrap().to_string())
    };
    let before = cookie_of(&r).unwrap();
    let r = submit_totp(&app, &c, &secret, "/profile").await;
    assert_eq!(location(&r), "/profile", "next survives the second step");
    let after = cookie_of(&r).expect("a new session cookie");
    assert_ne!(before, after);
    // The pre-MFA session id is worthless now.
    let old = client()
        .get(format!("{}/api/v1/me", app.base))
        .header("cookie", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.get(format!("{}/profile", app.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
