//! The second sign-in step and the pages that check a secret answer 429 with `Retry-After`
//! once throttled (the MFA step answered 200 before).

use crate::common::*;

#[tokio::test]
async fn the_second_factor_step_is_throttled_with_429_and_retry_after() {
    let cfg = WebConfig {
        login_max_per_account: 3,
        ..Default::default()
    };
    let app = start_with(cfg).await;
    let user = user_by_email(&app, "rijicho@sakura.example.jp").await;
    app.store
        .enable_totp(
            &Actor::system("test"),
            &user.id,
            &totp::new_secret(),
            0,
            &[],
        )
        .await
        .unwrap();
    let c = client();
    let r = try_login(&app, &c, "rijicho@sakura.example.jp", DEMO_PASSWORD).await;
    assert!(location(&r).starts_with("/login/mfa"));
    let page = get_text(&app, &c, "/login/mfa").await;
    let csrf = csrf_of(&page);
    let mut statuses = vec![];
    for _ in 0..4 {
        let r = c
            .post(format!("{}/login/mfa", app.base))
            .form(&[("code", "000000"), ("_csrf", &csrf), ("next", "/")])
            .send()
            .await
            .unwrap();
        let retry = r.headers().get(reqwest::header::RETRY_AFTER).cloned();
        statuses.push((r.status().as_u16(), retry.is_some()));
    }
    // Three wrong codes are answers on the page; the fourth attempt is throttled.
    assert_eq!(
        statuses,
        vec![(200, false), (200, false), (200, false), (429, true)]
    );
    // A throttled error page of any other route carries Retry-After as well.
    let so = login(&app, "anzen@sakura.example.jp").await;
    let mut last = None;
    for _ in 0..4 {
        last = Some(
            so.form(
                &app,
                "/profile/password",
                &[("current_password", "wrong"), ("new_password", "x")],
            )
            .await,
        );
    }
    let r = last.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get(reqwest::header::RETRY_AFTER).is_some());
    assert!(r.text().await.unwrap().contains("試行回数が多すぎます"));
}

/// Behind a reverse proxy every request comes from the proxy's address: with the proxy
/// named in `trusted_proxies`, the client's own address (`X-Forwarded-For`) is throttled
/// instead, so one client's failures do not lock everyone out; a client cannot pose as
/// another by writing the header itself when it is not the proxy.
#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_throttled_on_its_own() {
    let cfg = WebConfig {
        login_max_per_account: 100,
        login_max_per_address: 3,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..Default::default()
    };
    let app = start_with(cfg).await;
    let attempt = |from: &'static str, email: &'static str, pw: &'static str| {
        let app = &app;
        async move {
            let c = client();
            let page = c
                .get(format!("{}/login", app.base))
                .header("x-forwarded-for", from)
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            c.post(format!("{}/login", app.base))
                .header("x-forwarded-for", from)
                .form(&[
                    ("email", email),
                    ("password", pw),
                    ("_csrf", &csrf_of(&page)),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    for _ in 0..3 {
        attempt("203.0.113.7", "nobody@example.jp", "wrong").await;
    }
    assert_eq!(
        attempt("203.0.113.7", "kikaku@sakura.example.jp", DEMO_PASSWORD).await,
        429
    );
    // Another client behind the same proxy signs in.
    assert_eq!(
        attempt("198.51.100.2", "kikaku@sakura.example.jp", DEMO_PASSWORD).await,
        303
    );
    // A client that writes a header of its own before the proxy's is still the proxy's entry.
    assert_eq!(
        attempt(
            "198.51.100.2, 203.0.113.7",
            "unyo@sakura.example.jp",
            DEMO_PASSWORD
        )
        .await,
        429
    );
    // The refusals are audited sign-in failures; the limit is cleared by `mamori throttle
    // clear` (the CLI suite) — here through the store.
    app.store.throttle_clear_all().await.unwrap();
    assert_eq!(
        attempt("203.0.113.7", "unyo@sakura.example.jp", DEMO_PASSWORD).await,
        303
    );
}
