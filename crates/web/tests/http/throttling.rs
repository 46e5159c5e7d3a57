//! The second sign-in step and the pages that check a secret answer 429 with `Retry-After`
//! once throttled (the MFA step answered 200 before).

use super::*;

#[tokio::test]
async fn the_second_factor_step_is_throttled_with_429_and_retry_after() {
    let cfg = WebConfig {
        login_max_per_account: 3,
        ..Default::default()
    };
    let app = start_with(cfg).await;
    let user = app
        .store
        .user_auth_by_email("rijicho@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user;
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
    let page = c
        .get(format!("{}/login/mfa", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
