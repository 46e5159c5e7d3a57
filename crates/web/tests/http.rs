//! The web layer over real HTTP: a real server on loopback with a real SQLite database
//! (the storage contract suite covers PostgreSQL), driven by an HTTP client with cookies.

use mamori_app::demo::{self, DEMO_CODE, DEMO_PASSWORD};
use mamori_domain::Role;
use mamori_store::{now_ms, Actor, SqliteStore, Store};
use mamori_web::auth::totp;
use mamori_web::{AppState, WebConfig};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

struct App {
    base: String,
    store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn start_with(cfg: WebConfig) -> App {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("m.db")).await.unwrap());
    start_on(store, dir, cfg).await
}

/// The apps a test runs on: SQLite, and PostgreSQL (a private schema) when
/// `TEST_DATABASE_URL` is set — which CI must do.
async fn start_each() -> Vec<App> {
    let mut apps = vec![start().await];
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        let pg = mamori_store::PgStore::connect_private_schema(&url)
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        apps.push(start_on(Arc::new(pg), dir, WebConfig::default()).await);
    } else if std::env::var("CI").is_ok() {
        panic!("CI runs the HTTP suite on PostgreSQL too: set TEST_DATABASE_URL");
    }
    apps
}

async fn start_on(store: Arc<dyn Store>, dir: tempfile::TempDir, cfg: WebConfig) -> App {
    assert!(demo::load(store.as_ref()).await.unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(store.clone(), cfg);
    tokio::spawn(mamori_web::serve(listener, state, async move {
        let _ = rx.await;
    }));
    App {
        base,
        store,
        _dir: dir,
        _stop: tx,
    }
}

async fn start() -> App {
    start_with(WebConfig::default()).await
}

fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

/// The CSRF token embedded in a page.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

struct Session {
    c: Client,
    csrf: String,
}

impl Session {
    /// Create a personal API token through the API: (the answer, the secret).
    async fn new_token(&self, app: &App, name: &str) -> (Value, String) {
        let r = self
            .json(
                app,
                Method::POST,
                "/api/v1/me/tokens",
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(r.status(), 201);
        let created: Value = r.json().await.unwrap();
        let secret = created["secret"].as_str().unwrap().to_string();
        (created, secret)
    }
    async fn get(&self, app: &App, path: &str) -> reqwest::Response {
        self.c
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
    }
    async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("_csrf", &self.csrf));
        self.c
            .post(format!("{}{path}", app.base))
            .form(&f)
            .send()
            .await
            .unwrap()
    }
    async fn json(
        &self,
        app: &App,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut r = self
            .c
            .request(method, format!("{}{path}", app.base))
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }
}

async fn login_page(app: &App, c: &Client) -> String {
    let page = c.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

async fn try_login(app: &App, c: &Client, email: &str, password: &str) -> reqwest::Response {
    let csrf = csrf_of(&login_page(app, c).await);
    c.post(format!("{}/login", app.base))
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap()
}

/// Sign in (password only) and read the session's CSRF token from the profile page.
async fn login(app: &App, email: &str) -> Session {
    let c = client();
    let r = try_login(app, &c, email, DEMO_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {email}");
    let mut profile = c.get(format!("{}/profile", app.base)).send().await.unwrap();
    if profile.status() == StatusCode::SEE_OTHER {
        // A step of sign-in is left (MFA enrolment): its page carries the token too.
        let to = location(&profile);
        profile = c.get(format!("{}{to}", app.base)).send().await.unwrap();
    }
    let csrf = csrf_of(&profile.text().await.unwrap());
    Session { c, csrf }
}

/// Answer the second sign-in step with the current TOTP code of `secret`.
async fn submit_totp(app: &App, c: &Client, secret: &str, next: &str) -> reqwest::Response {
    let page = c
        .get(format!("{}/login/mfa", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = totp::code_at(secret, now_ms()).unwrap();
    c.post(format!("{}/login/mfa", app.base))
        .form(&[
            ("code", code.as_str()),
            ("_csrf", &csrf_of(&page)),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

/// Enrol a second factor for `email` directly in the store and sign in with it.
async fn login_with_totp(app: &App, email: &str) -> Session {
    let user = app
        .store
        .user_auth_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .user;
    let secret = totp::new_secret();
    if !user.mfa_enabled {
        app.store
            .enable_totp(&Actor::system("test"), &user.id, &secret, 0, &[])
            .await
            .unwrap();
    }
    let c = client();
    let r = try_login(app, &c, email, DEMO_PASSWORD).await;
    assert!(
        location(&r).starts_with("/login/mfa"),
        "{email}: {}",
        location(&r)
    );
    let r = submit_totp(app, &c, &secret, "/").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let profile = c.get(format!("{}/profile", app.base)).send().await.unwrap();
    assert_eq!(profile.status(), 200);
    let csrf = csrf_of(&profile.text().await.unwrap());
    Session { c, csrf }
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn user_id_of(members: &Value, email: &str) -> String {
    members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == email)
        .map(|m| m["user"]["id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{email} not a member"))
}

// ------------------------------------------------------------------ i18n and OpenAPI

#[test]
fn both_locales_have_the_same_keys() {
    let ja = mamori_web::i18n::message_ids(mamori_web::i18n::JA_FTL);
    let en = mamori_web::i18n::message_ids(mamori_web::i18n::EN_FTL);
    assert!(ja.len() > 150, "{}", ja.len());
    let only_ja: Vec<_> = ja.iter().filter(|k| !en.contains(k)).collect();
    let only_en: Vec<_> = en.iter().filter(|k| !ja.contains(k)).collect();
    assert!(
        only_ja.is_empty() && only_en.is_empty(),
        "ja only: {only_ja:?}; en only: {only_en:?}"
    );
    let mut dedup = ja.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), ja.len(), "duplicate keys");
}

#[test]
fn every_key_used_in_templates_and_code_exists() {
    let ja = mamori_web::i18n::message_ids(mamori_web::i18n::JA_FTL);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    // Every file of the web crate's templates and sources, and of the application layer
    // (exports and mail are written in words there too).
    let mut files = vec![];
    let mut dirs = vec![
        root.join("templates"),
        root.join("src"),
        root.join("../app/src"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 40, "the sources were found");
    {
        for path in files {
            let text = std::fs::read_to_string(path).unwrap();
            for (i, _) in text
                .match_indices(".t(\"")
                .chain(text.match_indices(".t1(\""))
            {
                let rest = &text[i..];
                let start = rest.find('"').unwrap() + 1;
                let key = &rest[start..start + rest[start..].find('"').unwrap()];
                if !key.is_empty() && !ja.contains(&key.to_string()) {
                    missing.push(key.to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from the locales: {missing:?}"
    );
    // Keys built at run time: roles, kinds, audit groups, error keys of the domain.
    for role in Role::ALL {
        assert!(ja.contains(&format!("role-{}", role.as_str().replace('_', "-"))));
    }
    for k in [
        "required",
        "invalid-name",
        "invalid-email",
        "invalid-beds",
        "invalid-institution-code",
        "invalid-prefecture",
        "institution-code-prefecture-mismatch",
        "password-too-short",
        "password-too-long",
        "password-common",
        "password-equals-email",
    ] {
        assert!(ja.contains(&k.to_string()), "{k}");
    }
}

#[tokio::test]
async fn openapi_document_is_stable() {
    let app = start().await;
    let r = client()
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

// ------------------------------------------------------------------ sign-in

#[tokio::test]
async fn sign_in_sets_a_session_and_pages_carry_security_headers() {
    let app = start().await;
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

#[tokio::test]
async fn csrf_is_required_on_every_state_change() {
    let app = start().await;
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
    assert_eq!(
        app.store
            .institution_by_code(DEMO_CODE)
            .await
            .unwrap()
            .unwrap()
            .name,
        "さくら総合病院"
    );
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
    let ok = s
        .form(
            &app,
            &format!("/i/{DEMO_CODE}/settings"),
            &[
                ("version", "1"),
                ("name", "さくら総合病院"),
                ("beds", "201"),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
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
    let again = AppState::new(
        app.store.clone(),
        WebConfig {
            login_max_per_account: 3,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(mamori_web::serve(listener, again, std::future::pending()));
    let second = App {
        base,
        store: app.store.clone(),
        _dir: tempfile::tempdir().unwrap(),
        _stop: tokio::sync::oneshot::channel().0,
    };
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
    let user = app
        .store
        .user_auth_by_email("rijicho@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user;
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

struct SqlitePools {
    pool: sqlx::SqlitePool,
}

/// Open the test's database file directly (a second writer, as a tamperer would).
fn pools(app: &App) -> SqlitePools {
    let path = app._dir.path().join("m.db");
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(5));
    SqlitePools {
        pool: sqlx::SqlitePool::connect_lazy_with(opts),
    }
}

#[tokio::test]
async fn totp_enrolment_sign_in_replay_and_recovery_codes() {
    let app = start().await;
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
    let mfa_page = c
        .get(format!("{}/login/mfa", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let csrf2 = csrf_of(
        &c2.get(format!("{}/login/mfa", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let r = c2
        .post(format!("{}/login/mfa", app.base))
        .form(&[("code", codes[0].as_str()), ("_csrf", &csrf2)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let c3 = client();
    try_login(&app, &c3, "unyo@sakura.example.jp", DEMO_PASSWORD).await;
    let csrf3 = csrf_of(
        &c3.get(format!("{}/login/mfa", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
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

#[tokio::test]
async fn mandatory_mfa_sends_members_to_enrolment() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let r = so
        .form(
            &app,
            &format!("/i/{DEMO_CODE}/settings"),
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

// ------------------------------------------------------------------ tokens and API

#[tokio::test]
async fn personal_api_tokens_work_until_revoked() {
    let app = start().await;
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

#[tokio::test]
async fn concurrent_edits_are_refused_not_overwritten() {
    let app = start().await;
    let a = login(&app, "anzen@sakura.example.jp").await;
    let b = login(&app, "anzen@sakura.example.jp").await;
    let path = format!("/api/v1/institutions/{DEMO_CODE}");
    let body = |name: &str| json!({"version": 1, "name": name, "beds": 200, "mfa_required": false});
    let (ra, rb) = tokio::join!(
        a.json(&app, Method::PATCH, &path, Some(body("Aの変更"))),
        b.json(&app, Method::PATCH, &path, Some(body("Bの変更")))
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let loser = if ra.status() == 409 { ra } else { rb };
    let err: Value = loser.json().await.unwrap();
    assert_eq!(err["error"]["code"], "conflict");
    assert!(err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("他の人が先に"));
    let name = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap()
        .name;
    assert!(name == "Aの変更" || name == "Bの変更");
    // The HTML form with a stale version shows the conflict and keeps the input.
    let r = a
        .form(
            &app,
            &format!("/i/{DEMO_CODE}/settings"),
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
    assert_eq!(
        app.store
            .institution_by_code(DEMO_CODE)
            .await
            .unwrap()
            .unwrap()
            .name,
        name
    );
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    let app = start().await;
    let s = login(&app, "anzen@sakura.example.jp").await;
    let before = app
        .store
        .audit_chain(
            &app.store
                .institution_by_code(DEMO_CODE)
                .await
                .unwrap()
                .unwrap()
                .id,
            0,
            1000,
        )
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
            Some(json!({"email": "x@example.jp", "display_name": "x", "role": "platform_admin"})),
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
    let r = s
        .form(
            &app,
            &format!("/i/{DEMO_CODE}/settings"),
            &[("version", "abc"), ("name", "x"), ("beds", "1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("送信された内容を読み取れませんでした"));
    let r = s
        .form(
            &app,
            &format!("/i/{DEMO_CODE}/settings"),
            &[("version", "1"), ("name", ""), ("beds", "-3")],
        )
        .await;
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
        .audit_chain(
            &app.store
                .institution_by_code(DEMO_CODE)
                .await
                .unwrap()
                .unwrap()
                .id,
            0,
            1000,
        )
        .await
        .unwrap()
        .len();
    assert_eq!(
        before, after,
        "no bad request changed or audited anything in the institution"
    );
    assert_eq!(
        app.store
            .institution_by_code(DEMO_CODE)
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
}

#[tokio::test]
async fn members_can_be_added_and_audit_log_filtered_and_exported() {
    let app = start().await;
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
        audit.contains("<span class=\"action\">役割を付与</span>"),
        "the grant is listed"
    );
    assert!(
        !audit.contains("<span class=\"action\">ログイン</span>"),
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
    assert!(lines.all(|l| l.contains(",auth.")));
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

#[tokio::test]
async fn language_switch() {
    let app = start().await;
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

// ------------------------------------------------------------------ the policy matrix

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Role(Role),
    VendorNoContract,
    /// B社: the vendor of the contract the probes open.
    ContractVendor,
    /// A社: a vendor with a contract at the institution, but not this one.
    OtherContractVendor,
    PlatformAdmin,
    OtherInstitutionOfficer,
}

const EVERYONE: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::Role(Role::Staff),
    Who::Role(Role::Inspector),
    Who::VendorNoContract,
    Who::ContractVendor,
    Who::OtherContractVendor,
    Who::PlatformAdmin,
    Who::OtherInstitutionOfficer,
];
const DASHBOARD: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::Role(Role::Staff),
];
const VIEW_MEMBERS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::PlatformAdmin,
];
const MANAGE_MEMBERS: &[Who] = &[Who::Role(Role::SecurityOfficer), Who::PlatformAdmin];
const AUDIT: &[Who] = &[Who::Role(Role::Executive), Who::Role(Role::SecurityOfficer)];
const SETTINGS: &[Who] = &[Who::Role(Role::SecurityOfficer)];
const PLATFORM: &[Who] = &[Who::PlatformAdmin];
const VIEW_CONTRACTS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
const MANAGE_CONTRACTS: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
];
const CONTRACT_VIEW: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::ContractVendor,
];
const CONTRACT_ANSWER: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::ContractVendor,
];
const VIEW_ASSESSMENTS: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
const ANSWER_ASSESSMENT: &[Who] = &[
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
];
const APPROVE_ASSESSMENT: &[Who] = &[Who::Role(Role::Executive)];
const SHEET_B_VIEW: &[Who] = &[
    Who::Role(Role::Executive),
    Who::Role(Role::SecurityOfficer),
    Who::Role(Role::PlanningManager),
    Who::Role(Role::SystemOperator),
    Who::ContractVendor,
];
const VENDOR_B_ADMIN: &[Who] = &[Who::ContractVendor, Who::PlatformAdmin];
const VENDOR_PORTAL: &[Who] = &[
    Who::VendorNoContract,
    Who::ContractVendor,
    Who::OtherContractVendor,
];

struct Probe {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    form: &'static [(&'static str, &'static str)],
    allowed: &'static [Who],
    /// Status an allowed caller gets for this probe.
    ok: u16,
}

fn probes() -> Vec<Probe> {
    let p = |method: Method, path: &'static str, allowed: &'static [Who], ok: u16| Probe {
        method,
        path,
        body: None,
        form: &[],
        allowed,
        ok,
    };
    let f = |path: &'static str,
             form: &'static [(&'static str, &'static str)],
             allowed: &'static [Who],
             ok: u16| Probe {
        method: Method::POST,
        path,
        body: None,
        form,
        allowed,
        ok,
    };
    let j =
        |method: Method, path: &'static str, body: Value, allowed: &'static [Who], ok: u16| Probe {
            method,
            path,
            body: Some(body),
            form: &[],
            allowed,
            ok,
        };
    vec![
        // HTML pages
        p(Method::GET, "/home", EVERYONE, 200),
        p(Method::GET, "/profile", EVERYONE, 200),
        p(Method::GET, "/profile/mfa", EVERYONE, 200),
        p(Method::GET, "/profile/tokens", EVERYONE, 200),
        f(
            "/profile",
            &[("version", "0"), ("display_name", "x"), ("locale", "ja")],
            EVERYONE,
            409,
        ),
        f(
            "/profile/password",
            &[("current_password", "wrong"), ("new_password", "x")],
            EVERYONE,
            422,
        ),
        f(
            "/profile/mfa",
            &[("secret", "bad"), ("code", "1")],
            EVERYONE,
            422,
        ),
        f("/profile/mfa/disable", &[("code", "1")], EVERYONE, 422),
        f(
            "/profile/tokens",
            &[("name", ""), ("expires_in_days", "1")],
            EVERYONE,
            422,
        ),
        f("/profile/tokens/unknown/revoke", &[], EVERYONE, 404),
        p(Method::GET, "/admin", PLATFORM, 200),
        f(
            "/admin/institutions",
            &[
                ("code", "1"),
                ("name", "x"),
                ("kind", "clinic"),
                ("prefecture", "13"),
                ("beds", "0"),
            ],
            PLATFORM,
            422,
        ),
        f("/admin/vendors", &[("name", "")], PLATFORM, 422),
        p(Method::GET, "/i/1311234567", DASHBOARD, 200),
        p(Method::GET, "/i/1311234567/members", VIEW_MEMBERS, 200),
        f(
            "/i/1311234567/members",
            &[("email", "bad"), ("display_name", "x"), ("role", "staff")],
            MANAGE_MEMBERS,
            422,
        ),
        f(
            "/i/1311234567/members/{inspector}/roles/inspector/revoke",
            &[],
            MANAGE_MEMBERS,
            303,
        ),
        p(Method::GET, "/i/1311234567/settings", SETTINGS, 200),
        f(
            "/i/1311234567/settings",
            &[("version", "0"), ("name", "x"), ("beds", "1")],
            SETTINGS,
            409,
        ),
        p(Method::GET, "/i/1311234567/audit", AUDIT, 200),
        p(Method::GET, "/i/1311234567/audit.csv", AUDIT, 200),
        // JSON API
        p(Method::GET, "/api/v1/me", EVERYONE, 200),
        j(
            Method::PATCH,
            "/api/v1/me",
            json!({"version": 0, "display_name": "x", "locale": "ja"}),
            EVERYONE,
            409,
        ),
        j(
            Method::POST,
            "/api/v1/me/password",
            json!({"current_password": "wrong", "new_password": "x"}),
            EVERYONE,
            422,
        ),
        p(Method::POST, "/api/v1/me/mfa/setup", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/me/mfa",
            json!({"secret": "bad", "code": "1"}),
            EVERYONE,
            422,
        ),
        j(
            Method::DELETE,
            "/api/v1/me/mfa",
            json!({"code": "1"}),
            EVERYONE,
            400,
        ),
        p(Method::GET, "/api/v1/me/tokens", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/me/tokens",
            json!({"name": ""}),
            EVERYONE,
            422,
        ),
        p(Method::DELETE, "/api/v1/me/tokens/unknown", EVERYONE, 404),
        p(Method::GET, "/api/v1/institutions", EVERYONE, 200),
        j(
            Method::POST,
            "/api/v1/institutions",
            json!({"code": "1", "name": "x", "kind": "clinic", "prefecture": "13"}),
            PLATFORM,
            422,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567",
            DASHBOARD,
            200,
        ),
        j(
            Method::PATCH,
            "/api/v1/institutions/1311234567",
            json!({"version": 0, "name": "x", "beds": 1, "mfa_required": false}),
            SETTINGS,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/members",
            VIEW_MEMBERS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/institutions/1311234567/members",
            json!({"email": "bad", "display_name": "x", "role": "staff"}),
            MANAGE_MEMBERS,
            422,
        ),
        j(
            Method::PUT,
            "/api/v1/institutions/1311234567/members/{staff}/roles/staff",
            json!({}),
            MANAGE_MEMBERS,
            204,
        ),
        p(
            Method::DELETE,
            "/api/v1/institutions/1311234567/members/{inspector}/roles/inspector",
            MANAGE_MEMBERS,
            204,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/audit",
            AUDIT,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/audit.csv",
            AUDIT,
            200,
        ),
        p(Method::GET, "/api/v1/vendors", PLATFORM, 200),
        j(
            Method::POST,
            "/api/v1/vendors",
            json!({"name": ""}),
            PLATFORM,
            422,
        ),
        p(Method::GET, "/api/v1/openapi.json", &[], 200),
        p(Method::GET, "/catalogs", EVERYONE, 200),
        p(
            Method::GET,
            "/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            EVERYONE,
            200,
        ),
        p(
            Method::GET,
            "/catalogs/mhlw/bcp-checklist@2024-06",
            EVERYONE,
            200,
        ),
        p(
            Method::GET,
            "/catalogs/mhlw/bcp-checklist@2024-06/items/1-1",
            EVERYONE,
            200,
        ),
        p(Method::GET, "/i/1311234567/systems", VIEW_CONTRACTS, 200),
        f(
            "/i/1311234567/systems",
            &[("name", ""), ("category", "ehr"), ("hosting", "cloud")],
            MANAGE_CONTRACTS,
            422,
        ),
        f(
            "/i/1311234567/systems/links",
            &[("a", "x"), ("b", "x")],
            MANAGE_CONTRACTS,
            303,
        ),
        p(Method::GET, "/i/1311234567/contracts", VIEW_CONTRACTS, 200),
        f(
            "/i/1311234567/contracts",
            &[("title", ""), ("vendor_id", ""), ("kind", "maintenance")],
            MANAGE_CONTRACTS,
            422,
        ),
        p(Method::GET, "/i/1311234567/matrix", VIEW_CONTRACTS, 200),
        p(Method::GET, "/contracts/{contract_b}", CONTRACT_VIEW, 200),
        f(
            "/contracts/{contract_b}/items/part2-a-1",
            &[("step", "accept"), ("version", "999")],
            CONTRACT_ANSWER,
            409,
        ),
        p(Method::GET, "/vendor", VENDOR_PORTAL, 200),
        // A vendor's members: its administrators (B社's person) and the platform admin.
        p(
            Method::GET,
            "/vendors/{vendor_b}/members",
            VENDOR_B_ADMIN,
            200,
        ),
        f(
            "/vendors/{vendor_b}/members",
            &[
                ("email", "not-an-address"),
                ("display_name", "x"),
                ("role", "member"),
            ],
            VENDOR_B_ADMIN,
            422,
        ),
        f(
            "/vendors/{vendor_b}/members/{staff}/confirm",
            &[],
            VENDOR_B_ADMIN,
            404,
        ),
        f(
            "/vendors/{vendor_b}/members/{b_user}/role",
            &[("role", "owner")],
            VENDOR_B_ADMIN,
            422,
        ),
        f(
            "/vendors/{vendor_b}/members/{staff}/remove",
            &[],
            VENDOR_B_ADMIN,
            404,
        ),
        p(
            Method::GET,
            "/api/v1/vendors/{vendor_b}/members",
            VENDOR_B_ADMIN,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/vendors/{vendor_b}/members",
            json!({"email": "not-an-address", "display_name": "x", "role": "member"}),
            VENDOR_B_ADMIN,
            422,
        ),
        j(
            Method::PUT,
            "/api/v1/vendors/{vendor_b}/members/{staff}",
            json!({"role": "member", "status": "active"}),
            VENDOR_B_ADMIN,
            404,
        ),
        p(
            Method::DELETE,
            "/api/v1/vendors/{vendor_b}/members/{staff}",
            VENDOR_B_ADMIN,
            404,
        ),
        p(
            Method::GET,
            "/i/1311234567/assessments",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/i/1311234567/assessments",
            &[("fiscal_year", "1999"), ("catalog_id", "x")],
            ANSWER_ASSESSMENT,
            422,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/assessments/{assessment}/answers",
            &[("item_id", "1-1"), ("slot", "all"), ("version", "999")],
            ANSWER_ASSESSMENT,
            409,
        ),
        f(
            "/assessments/{assessment}/approve",
            &[("version", "999")],
            APPROVE_ASSESSMENT,
            303,
        ),
        f(
            "/assessments/{assessment}/reopen",
            &[("version", "999"), ("reason", "x")],
            ANSWER_ASSESSMENT,
            303,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}/revisions/1",
            VIEW_ASSESSMENTS,
            404,
        ),
        f(
            "/assessments/{assessment}/vendor-sheets",
            &[],
            ANSWER_ASSESSMENT,
            303,
        ),
        p(Method::GET, "/vendor-sheets/{sheet_b}", SHEET_B_VIEW, 200),
        f(
            "/vendor-sheets/{sheet_b}/return",
            &[("version", "999"), ("reason", "x")],
            ANSWER_ASSESSMENT,
            303,
        ),
        f(
            "/vendor-sheets/{sheet_a}/answers",
            &[("item_id", "1-1"), ("slot", "all"), ("version", "999")],
            &[Who::OtherContractVendor],
            409,
        ),
        f(
            "/vendor-sheets/{sheet_a}/submit",
            &[("version", "999")],
            &[Who::OtherContractVendor],
            303,
        ),
        f(
            "/assessments/{assessment}/inspector-links",
            &[("label", ""), ("days", "7")],
            ANSWER_ASSESSMENT,
            303,
        ),
        f(
            "/assessments/{assessment}/inspector-links/unknown/revoke",
            &[],
            ANSWER_ASSESSMENT,
            404,
        ),
        p(Method::GET, "/inspect/not-a-token", &[], 410),
        f(
            "/assessments/{assessment}/evidence",
            &[("item_id", "1-1")],
            ANSWER_ASSESSMENT,
            400,
        ),
        f(
            "/assessments/{assessment}/evidence/unknown/withdraw",
            &[("reason", "x")],
            ANSWER_ASSESSMENT,
            404,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}/evidence/unknown",
            VIEW_ASSESSMENTS,
            404,
        ),
        p(Method::GET, "/inspect/not-a-token/evidence/x", &[], 404),
        p(
            Method::GET,
            "/assessments/{assessment}/bundle.zip",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(Method::GET, "/inspect/not-a-token/bundle.zip", &[], 404),
        p(
            Method::GET,
            "/assessments/{assessment}/export.xlsx",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/assessments/{assessment}/export.pdf",
            VIEW_ASSESSMENTS,
            200,
        ),
        f(
            "/vendor-sheets/{sheet_a}/copy",
            &[("from", "none")],
            &[Who::OtherContractVendor],
            404,
        ),
        f(
            "/contracts/{contract_b}/subcontractors",
            &[("name", "")],
            CONTRACT_ANSWER,
            303,
        ),
        f(
            "/contracts/{contract_c}/subcontractors/{sub_c}/approve",
            &[],
            MANAGE_CONTRACTS,
            303,
        ),
        p(
            Method::GET,
            "/contract-documents/{doc_b}",
            CONTRACT_VIEW,
            200,
        ),
        f(
            "/contracts/{contract_b}/documents",
            &[("kind", "sla")],
            CONTRACT_ANSWER,
            400,
        ),
        f(
            "/i/1311234567/invites",
            &[("vendor_id", "x"), ("email", "bad"), ("display_name", "x")],
            MANAGE_CONTRACTS,
            303,
        ),
        p(Method::GET, "/invite/not-a-token", &[], 410),
        f("/invite/not-a-token", &[("password", "x")], &[], 410),
        p(Method::GET, "/vendor/certifications", VENDOR_PORTAL, 200),
        f(
            "/vendor/certifications",
            &[("vendor_id", "x"), ("kind", "other"), ("name", "x")],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/certifications/unknown/delete",
            &[],
            VENDOR_PORTAL,
            404,
        ),
        p(Method::GET, "/vendor/standard-answers", VENDOR_PORTAL, 200),
        f(
            "/vendor/standard-answers",
            &[
                ("vendor_id", "x"),
                ("product", "p"),
                ("item_id", "part2-a-1"),
            ],
            VENDOR_PORTAL,
            404,
        ),
        f(
            "/vendor/standard-answers/apply",
            &[("vendor_id", "x"), ("product", "p")],
            VENDOR_PORTAL,
            404,
        ),
        p(
            Method::GET,
            "/contracts/{contract_b}/export.xlsx",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/contracts/{contract_b}/print",
            CONTRACT_VIEW,
            200,
        ),
        p(
            Method::GET,
            "/i/1311234567/matrix.xlsx?dates=seireki",
            VIEW_CONTRACTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/contracts",
            VIEW_CONTRACTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/role-sharing-matrix",
            VIEW_CONTRACTS,
            200,
        ),
        p(Method::GET, "/api/v1/vendor/contracts", VENDOR_PORTAL, 200),
        p(
            Method::GET,
            "/api/v1/contracts/{contract_b}/items",
            CONTRACT_VIEW,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/contracts/{contract_b}/items/part2-a-1",
            json!({"step": "accept", "version": 999}),
            CONTRACT_ANSWER,
            409,
        ),
        p(
            Method::GET,
            "/api/v1/institutions/1311234567/assessments",
            VIEW_ASSESSMENTS,
            200,
        ),
        p(
            Method::GET,
            "/api/v1/assessments/{assessment}",
            VIEW_ASSESSMENTS,
            200,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/answers",
            json!({"item_id": "1-1", "slot": "all", "version": 999}),
            ANSWER_ASSESSMENT,
            409,
        ),
        j(
            Method::POST,
            "/api/v1/assessments/{assessment}/approve",
            json!({"version": 999}),
            APPROVE_ASSESSMENT,
            422,
        ),
        p(Method::GET, "/catalog-imports", PLATFORM, 200),
        f("/catalog-imports", &[("document", "x")], PLATFORM, 400),
        p(Method::GET, "/catalog-imports/unknown", PLATFORM, 404),
        f("/catalog-imports/unknown/confirm", &[], PLATFORM, 404),
        f("/catalog-imports/unknown/discard", &[], PLATFORM, 404),
        p(Method::GET, "/api/v1/catalogs", EVERYONE, 200),
        p(
            Method::GET,
            "/api/v1/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            EVERYONE,
            200,
        ),
    ]
}

/// Routes outside the matrix, each with the test that covers it.
const COVERED_ELSEWHERE: &[&str] = &[
    "/api/v1/me/sign-out-everywhere", // idle_and_absolute_session_timeouts_and_sign_out_everywhere (HTML twin)
];

#[tokio::test]
async fn policy_matrix_every_route_every_role() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    // A second institution with its own security officer.
    let other = app
        .store
        .create_institution(
            &Actor::system("test"),
            mamori_store::NewInstitution {
                code: "2712345678".into(),
                name: "なにわ診療所".into(),
                kind: mamori_domain::InstitutionKind::Clinic,
                prefecture: "27".into(),
                beds: 0,
                mfa_required: false,
            },
        )
        .await
        .unwrap();
    let hash = app
        .store
        .user_auth_by_email("anzen@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    let o = app
        .store
        .create_user(
            &Actor::system("test"),
            mamori_store::NewUser {
                email: "officer@naniwa.example.jp".into(),
                display_name: "なにわ 責任者".into(),
                password_hash: hash,
                platform_admin: false,
                locale: "ja".into(),
            },
        )
        .await
        .unwrap();
    app.store
        .grant_role(
            &Actor::system("test"),
            &other.id,
            &o.id,
            Role::SecurityOfficer,
            None,
        )
        .await
        .unwrap();
    let inspector = app
        .store
        .user_auth_by_email("kensa@pref.tokyo.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let staff = app
        .store
        .user_auth_by_email("shokuin@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;

    let contract_b = app
        .store
        .contracts(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.vendor_name == "B社")
        .expect("the demo has B社's contract")
        .id;
    let contracts = app.store.contracts(&inst.id).await.unwrap();
    let contract_c = contracts
        .iter()
        .find(|c| c.vendor_name == "C社")
        .unwrap()
        .id
        .clone();
    let sub_c = app.store.subcontractors(&inst.id).await.unwrap()[0]
        .id
        .clone();
    let doc_b = app.store.contract_documents(&contract_b).await.unwrap()[0]
        .id
        .clone();
    let assessment = app.store.assessments(&inst.id).await.unwrap()[0].id.clone();
    let sheets = app.store.vendor_sheets(&assessment).await.unwrap();
    let sheet_of = |v: &str| {
        sheets
            .iter()
            .find(|s| s.vendor_name == v)
            .unwrap()
            .id
            .clone()
    };
    let (sheet_a, sheet_b) = (sheet_of("A社"), sheet_of("B社"));
    let vendor_b = app
        .store
        .list_vendors()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "B社")
        .unwrap()
        .id;
    let b_user = app
        .store
        .user_auth_by_email("tanto@b-sha.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let email_of = |w: Who| match w {
        Who::Role(Role::Executive) => "rijicho@sakura.example.jp",
        Who::Role(Role::SecurityOfficer) => "anzen@sakura.example.jp",
        Who::Role(Role::PlanningManager) => "kikaku@sakura.example.jp",
        Who::Role(Role::SystemOperator) => "unyo@sakura.example.jp",
        Who::Role(Role::Staff) => "shokuin@sakura.example.jp",
        Who::Role(Role::Inspector) => "kensa@pref.tokyo.example.jp",
        Who::VendorNoContract => "tanto@d-sha.example.jp",
        Who::ContractVendor => "tanto@b-sha.example.jp",
        Who::OtherContractVendor => "tanto@a-sha.example.jp",
        Who::PlatformAdmin => "admin@mamori.example",
        Who::OtherInstitutionOfficer => "officer@naniwa.example.jp",
        _ => unreachable!(),
    };
    let mut whos = vec![Who::Anonymous];
    whos.extend_from_slice(EVERYONE);
    let mut failures = Vec::new();
    let mut checked = 0;
    for who in whos {
        let session = match who {
            Who::Anonymous => {
                let c = client();
                let csrf = csrf_of(&login_page(&app, &c).await);
                Session { c, csrf }
            }
            Who::PlatformAdmin => login_with_totp(&app, email_of(who)).await,
            w => login(&app, email_of(w)).await,
        };
        for probe in probes() {
            let path = probe
                .path
                .replace("{inspector}", &inspector)
                .replace("{staff}", &staff)
                .replace("{contract_b}", &contract_b)
                .replace("{contract_c}", &contract_c)
                .replace("{sub_c}", &sub_c)
                .replace("{doc_b}", &doc_b)
                .replace("{assessment}", &assessment)
                .replace("{sheet_a}", &sheet_a)
                .replace("{sheet_b}", &sheet_b)
                .replace("{vendor_b}", &vendor_b)
                .replace("{b_user}", &b_user);
            let r = if !probe.form.is_empty()
                || (probe.method == Method::POST && !path.starts_with("/api/"))
            {
                session.form(&app, &path, probe.form).await
            } else {
                session
                    .json(&app, probe.method.clone(), &path, probe.body.clone())
                    .await
            };
            let status = r.status().as_u16();
            let public = probe.allowed.is_empty();
            // The platform administrator has a second factor (it is required of him), so the
            // enrolment endpoints answer "already set up".
            let ok = if who == Who::PlatformAdmin
                && path.starts_with("/api/v1/me/mfa")
                && probe.method == Method::POST
            {
                400
            } else {
                probe.ok
            };
            let expected_ok = public || probe.allowed.contains(&who);
            let pass = if public {
                status == ok
            } else if who == Who::Anonymous {
                if path.starts_with("/api/") {
                    status == 401
                } else {
                    status == 303 && location(&r).starts_with("/login")
                }
            } else if expected_ok {
                status == ok
            } else {
                status == 403 || status == 404
            };
            checked += 1;
            if !pass {
                failures.push(format!(
                    "{who:?} {} {path}: got {status}, expected {}",
                    probe.method,
                    if expected_ok {
                        ok.to_string()
                    } else {
                        "403/404".into()
                    }
                ));
            }
            // Restore what an allowed probe changed.
            if status == 204 || status == 303 {
                app.store
                    .grant_role(
                        &Actor::system("test"),
                        &inst.id,
                        &inspector,
                        Role::Inspector,
                        Some(now_ms() + 86_400_000),
                    )
                    .await
                    .unwrap();
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 400, "{checked}");

    // Every API path of the OpenAPI document is in the matrix or covered elsewhere.
    let doc: Value = client()
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let probed: Vec<String> = probes()
        .iter()
        .map(|p| {
            p.path
                .split('?')
                .next()
                .unwrap_or_default()
                .replace("1311234567", "{code}")
                .replace("{inspector}", "{user_id}")
                .replace("{staff}", "{user_id}")
                .replace("/roles/inspector", "/roles/{role}")
                .replace("/roles/staff", "/roles/{role}")
                .replace("/tokens/unknown", "/tokens/{id}")
                .replace("{contract_b}", "{id}")
                .replace("{assessment}", "{id}")
                .replace("/items/part2-a-1", "/items/{item}")
                .replace("{vendor_b}", "{vendor_id}")
                .replace("{b_user}", "{user_id}")
                .replace("/members/{staff}", "/members/{user_id}")
        })
        .collect();
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(
            probed.contains(path) || COVERED_ELSEWHERE.contains(&path.as_str()),
            "{path} is not in the policy matrix"
        );
    }
    // Every route the router declares — HTML pages and forms as well as the API — has a
    // probe (or is covered elsewhere, with the test named).
    let missing = unprobed(declared_routes());
    assert!(
        missing.is_empty(),
        "routes without a probe:\n{}",
        missing.join("\n")
    );
}

/// The routes of `routes` that no probe reaches and no entry of `UNPROBED_ROUTES` explains.
fn unprobed(routes: Vec<(Method, String)>) -> Vec<String> {
    let probes = probes();
    routes
        .into_iter()
        .filter(|(method, pattern)| {
            let probed = probes.iter().any(|p| {
                p.method == *method
                    && route_matches(pattern, p.path.split('?').next().unwrap_or(""))
            });
            let explained = COVERED_ELSEWHERE.contains(&pattern.as_str())
                || UNPROBED_ROUTES
                    .iter()
                    .any(|(m, r, _)| *m == method.as_str() && r == pattern);
            !probed && !explained
        })
        .map(|(m, p)| format!("{m} {p}"))
        .collect()
}

/// Routes the matrix does not probe, each with why and the test that covers it.
const UNPROBED_ROUTES: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/",
        "redirects to the user's home: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/login",
        "public sign-in page: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "POST",
        "/login",
        "public sign-in: sign_in_is_throttled_per_account_and_per_address",
    ),
    (
        "GET",
        "/login/mfa",
        "second sign-in step: totp_enrolment_sign_in_replay_and_recovery_codes",
    ),
    (
        "POST",
        "/login/mfa",
        "second sign-in step: totp_enrolment_sign_in_replay_and_recovery_codes",
    ),
    (
        "POST",
        "/logout",
        "ends one's own session: idle_and_absolute_session_timeouts_and_sign_out_everywhere",
    ),
    (
        "POST",
        "/logout/all",
        "ends one's own sessions: idle_and_absolute_session_timeouts_and_sign_out_everywhere",
    ),
    ("POST", "/lang", "language cookie: language_switch"),
    (
        "GET",
        "/healthz",
        "public health check: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/assets/{file}",
        "public embedded assets: sign_in_sets_a_session_and_pages_carry_security_headers",
    ),
    (
        "GET",
        "/api/v1/openapi.json",
        "public document: openapi_document_is_stable",
    ),
];

/// `(method, path)` of every route `mamori_web::router` serves (`mamori_web::route_table`):
/// a route added without a probe fails the matrix.
fn declared_routes() -> Vec<(Method, String)> {
    // The router's own table: the same declarations build the router and this list.
    mamori_web::route_table()
        .into_iter()
        .map(|r| (Method::from_bytes(r.method.as_bytes()).unwrap(), r.path))
        .collect()
}

/// Whether a concrete probe path (placeholders like `{contract_b}` allowed) matches a route
/// pattern with `{param}` segments.
fn route_matches(pattern: &str, path: &str) -> bool {
    let a: Vec<&str> = pattern.split('/').collect();
    let b: Vec<&str> = path.split('/').collect();
    a.len() == b.len()
        && a.iter()
            .zip(&b)
            .all(|(x, y)| (x.starts_with('{') && x.ends_with('}') && !y.is_empty()) || x == y)
}

#[test]
fn the_route_table_is_read_from_the_router() {
    let routes = declared_routes();
    assert!(routes.contains(&(Method::GET, "/i/{code}/members".into())));
    assert!(routes.contains(&(Method::POST, "/i/{code}/members".into())));
    assert!(routes.contains(&(
        Method::PUT,
        "/api/v1/institutions/{code}/members/{user_id}/roles/{role}".into()
    )));
    assert!(routes.contains(&(Method::DELETE, "/api/v1/me/tokens/{id}".into())));
    assert!(routes.len() > 100, "{}", routes.len());
    assert!(route_matches(
        "/contracts/{id}/items/{item}",
        "/contracts/{contract_b}/items/part2-a-1"
    ));
    assert!(!route_matches(
        "/contracts/{id}",
        "/contracts/{contract_b}/print"
    ));
    // A route nobody probes is reported; every declared route is probed or explained, and
    // every explanation names a route that exists.
    let fake = vec![(Method::POST, "/i/{code}/nothing/{id}".to_string())];
    assert_eq!(
        unprobed(fake),
        vec!["POST /i/{code}/nothing/{id}".to_string()]
    );
    assert_eq!(unprobed(routes.clone()), Vec::<String>::new());
    for (m, r, why) in UNPROBED_ROUTES {
        assert!(
            routes.iter().any(|(rm, rp)| rm.as_str() == *m && rp == r),
            "{m} {r} ({why}) is not a route"
        );
    }
}

#[path = "http/api_parity.rs"]
mod api_parity;
#[path = "http/control_chars.rs"]
mod control_chars;
#[path = "http/escalation.rs"]
mod escalation;
#[path = "http/throttling.rs"]
mod throttling;

// ------------------------------------------------------------------ request parsing

mod parsing {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
        /// Arbitrary form bodies and JSON never crash a handler or change data: the answer is
        /// a clear 4xx (or the sign-in page again), never a 5xx.
        #[test]
        fn arbitrary_bodies_get_4xx(body in proptest::collection::vec(any::<u8>(), 0..300), json_like in "\\{[\"a-z:0-9, \\[\\]{}]{0,60}\\}?") {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                let app = shared_app().await;
                let s = login_cached(app).await;
                for (path, ct, b) in [
                    ("/login", "application/x-www-form-urlencoded", body.clone()),
                    ("/i/1311234567/members", "application/x-www-form-urlencoded", body.clone()),
                    ("/api/v1/institutions/1311234567/members", "application/json", json_like.clone().into_bytes()),
                    ("/api/v1/me/tokens", "application/json", body.clone()),
                ] {
                    let r = s.c.post(format!("{}{path}", app.base)).header("x-csrf-token", &s.csrf).header(CONTENT_TYPE, ct).body(b).send().await.unwrap();
                    let st = r.status().as_u16();
                    prop_assert!(st < 500, "{path}: {st}");
                    prop_assert!(st != 201, "{path}: created something from garbage");
                }
                Ok(())
            })?;
        }
    }

    static APP: tokio::sync::OnceCell<App> = tokio::sync::OnceCell::const_new();

    async fn shared_app() -> &'static App {
        // One server for all cases, on a runtime of its own that outlives each case.
        APP.get_or_init(|| async {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let app = start().await;
                    tx.send(app).unwrap();
                    std::future::pending::<()>().await;
                });
            });
            rx.recv().unwrap()
        })
        .await
    }

    async fn login_cached(app: &App) -> Session {
        login(app, "anzen@sakura.example.jp").await
    }
}

// ------------------------------------------------------------------ findings of the security review

#[tokio::test]
async fn next_accepts_only_plain_paths_on_this_site() {
    use mamori_web::ui::safe_next;
    assert_eq!(
        safe_next("/i/1311234567/audit?page=2"),
        "/i/1311234567/audit?page=2"
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
    let user = app
        .store
        .user_auth_by_email("kikaku@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user;
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

#[tokio::test]
async fn api_tokens_cannot_manage_credentials_and_password_change_ends_other_sessions() {
    let app = start().await;
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

#[tokio::test]
async fn existing_accounts_self_grants_and_the_last_officer_are_protected() {
    let app = start().await;
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

#[tokio::test]
async fn platform_administrators_must_use_a_second_factor() {
    let app = start().await;
    let c = client();
    try_login(&app, &c, "admin@mamori.example", DEMO_PASSWORD).await;
    let r = c.get(format!("{}/admin", app.base)).send().await.unwrap();
    assert_eq!(location(&r), "/profile/mfa");
}

// ------------------------------------------------------------------ catalogs

#[tokio::test]
async fn every_catalog_and_item_page_renders_and_search_finds_across_documents() {
    let app = start().await;
    let s = login(&app, "shokuin@sakura.example.jp").await;
    let list = s.get(&app, "/catalogs").await.text().await.unwrap();
    assert!(list.contains("サイバーセキュリティ対策チェックリスト") && list.contains("一部のみ"));
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let untranslated = [
        "catalog-kind-",
        "provenance-",
        "answer-",
        "device-",
        "addressee-",
        "relation-",
        "item-",
    ];
    let mut pages = 0;
    for c in registry.catalogs.values() {
        let page = s.get(&app, &format!("/catalogs/{}", c.catalog.id)).await;
        assert_eq!(page.status(), 200, "{}", c.catalog.id);
        let html = page.text().await.unwrap();
        assert!(html.contains(&c.catalog.title));
        for item in &c.items {
            let r = s
                .get(
                    &app,
                    &format!("/catalogs/{}/items/{}", c.catalog.id, item.id),
                )
                .await;
            assert_eq!(r.status(), 200, "{} {}", c.catalog.id, item.id);
            let html = r.text().await.unwrap();
            for k in untranslated {
                assert!(
                    !html.contains(&format!(">{k}")),
                    "untranslated {k} on {} {}",
                    c.catalog.id,
                    item.id
                );
            }
            if item.provenance == mamori_catalog::Provenance::Unverified {
                assert!(
                    html.contains("公式文書で確認されていません"),
                    "unverified mark on {}",
                    item.id
                );
            }
            pages += 1;
        }
    }
    assert!(pages > 100, "{pages}");
    // 「台帳」: the checklist items, the guideline section and the BCP item (through its reference).
    let hits: Value = s
        .json(
            &app,
            Method::GET,
            "/api/v1/catalogs/search?q=%E5%8F%B0%E5%B8%B3",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let found: Vec<String> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["catalog_id"].as_str().unwrap(),
                h["item_id"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "mhlw/cyber-checklist-institution@R6 2-1",
        "mhlw/guideline-management@6.0 s9.1",
        "mhlw/bcp-checklist@2024-06 1-1",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:?}"
        );
    }
    // Items whose own text matches rank above those found through a reference.
    let pos = |id: &str| found.iter().position(|f| f == id).unwrap();
    assert!(pos("mhlw/cyber-checklist-institution@R6 2-1") < pos("mhlw/bcp-checklist@2024-06 1-1"));
    let page = s
        .get(&app, "/catalogs/search?q=%E5%8F%B0%E5%B8%B3")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<mark>台帳</mark>"),
        "matches are highlighted"
    );
    // A checklist item links through the crosswalk to the guideline section it cites.
    let item = s
        .get(
            &app,
            "/catalogs/mhlw/cyber-checklist-institution@R6/items/2-1",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        item.contains("/catalogs/mhlw/guideline-management@6.0#s9.1"),
        "crosswalk link"
    );
    assert_eq!(s.get(&app, "/catalogs/mhlw/none@1").await.status(), 404);
    assert_eq!(
        s.get(&app, "/catalogs/mhlw/bcp-checklist@2024-06/items/none")
            .await
            .status(),
        404
    );
    let empty: Value = s
        .json(&app, Method::GET, "/api/v1/catalogs/search?q=%20", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(empty.as_array().unwrap().len(), 0);
}

// ------------------------------------------------------------------ catalog import

async fn upload(
    s: &Session,
    app: &App,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    // The CSRF field first, as the page's form sends it.
    let mut form = reqwest::multipart::Form::new().text("_csrf", s.csrf.clone());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
    );
    s.c.post(format!("{}/catalog-imports", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[tokio::test]
async fn catalog_import_upload_preview_diff_confirm_and_serve_after_restart() {
    let app = start().await;
    let admin = login_with_totp(&app, "admin@mamori.example").await;
    let page = admin.get(&app, "/catalog-imports").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""));
    let document = "mhlw/cyber-checklist-institution";
    let fields = |version: &'static str| {
        vec![
            ("document", document),
            ("version", version),
            ("title", "令和8年度版 医療機関確認用"),
            ("published", "2026-05"),
        ]
    };

    // Refused files: the row and column are named and nothing is staged.
    let dup = upload(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1-(1),a\n1-(1),b\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(dup.status(), 422);
    let html = dup.text().await.unwrap();
    assert!(
        html.contains("行 3, 列 A") && html.contains("重複"),
        "{html}"
    );
    assert!(
        html.contains("value=\"R8\""),
        "the form keeps what was typed"
    );
    let xls = upload(
        &admin,
        &app,
        &fields("R8"),
        "r8.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
    )
    .await;
    assert_eq!(xls.status(), 422);
    assert!(xls.text().await.unwrap().contains(".xlsx"));
    // The same refusal in English: place and problem are translated, not only the frame.
    admin
        .form(
            &app,
            "/lang",
            &[("lang", "en"), ("next", "/catalog-imports")],
        )
        .await;
    let dup_en = upload(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1-(1),a\n1-(1),b\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(dup_en.status(), 422);
    let html = dup_en.text().await.unwrap();
    assert!(
        html.contains("Row 3, column A")
            && html.contains("appears twice (also at row 2, column A)"),
        "{html}"
    );
    admin
        .form(
            &app,
            "/lang",
            &[("lang", "ja"), ("next", "/catalog-imports")],
        )
        .await;
    let no_file = upload(&admin, &app, &fields("R8"), "", vec![]).await;
    assert_eq!(no_file.status(), 422);
    let bad_date = upload(
        &admin,
        &app,
        &[
            ("document", document),
            ("version", "R8"),
            ("published", "令和8年"),
        ],
        "r8.csv",
        "項番,チェック項目\n1,a\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(bad_date.status(), 422);
    assert!(app.store.catalog_imports(10).await.unwrap().is_empty());

    // A new version: first item unchanged, second reworded, one added, the rest removed.
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let r7 = &registry.catalogs[&format!("{document}@R7")];
    let (keep, reword) = (&r7.items[0], &r7.items[1]);
    let csv = format!(
        "項番,チェック項目\n{},{}\n{},{}\n9-(9),{}\n",
        keep.number,
        csv_cell(&keep.text),
        reword.number,
        csv_cell("改訂された文言で確認する。"),
        csv_cell("量子耐性暗号への移行計画を策定している。")
    );
    let r = upload(&admin, &app, &fields("R8"), "r8.csv", csv.into_bytes()).await;
    assert_eq!(r.status(), 303);
    let preview_path = location(&r);
    assert!(preview_path.starts_with("/catalog-imports/"));
    let preview = admin.get(&app, &preview_path).await.text().await.unwrap();
    let removed = r7.items.len() - 2;
    for expected in [
        "追加 1 件".to_string(),
        "変更 1 件".to_string(),
        format!("削除 {removed} 件"),
        "同じ 1 件".into(),
        "見出し行 1: 項番 = A, 内容 = B".into(),
        "改訂された文言で確認する。".into(),
        reword.text.clone(),
    ] {
        assert!(preview.contains(&expected), "{expected} in preview");
    }
    assert_eq!(
        admin
            .get(&app, &format!("/catalogs/{document}@R8"))
            .await
            .status(),
        404,
        "nothing is served before confirmation"
    );

    // Confirm: served at once, searchable, with a crosswalk from R7.
    let id = preview_path.trim_start_matches("/catalog-imports/");
    let done = admin
        .form(&app, &format!("/catalog-imports/{id}/confirm"), &[])
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("/catalogs/{document}@R8"));
    let cat = admin.get(&app, &format!("/catalogs/{document}@R8")).await;
    assert_eq!(cat.status(), 200);
    assert!(cat
        .text()
        .await
        .unwrap()
        .contains("令和8年度版 医療機関確認用"));
    let list = admin.get(&app, "/catalogs").await.text().await.unwrap();
    assert!(list.contains("読み込み版"));
    let found = admin
        .get(
            &app,
            "/catalogs/search?q=%E9%87%8F%E5%AD%90%E8%80%90%E6%80%A7",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        found.contains(&format!("/catalogs/{document}@R8/items/")),
        "{found}"
    );
    let item = admin
        .get(&app, &format!("/catalogs/{document}@R8/items/{}", keep.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        item.contains(&format!("/catalogs/{document}@R7/items/{}", keep.id)),
        "crosswalk to the previous version"
    );
    assert_eq!(
        admin
            .form(&app, &format!("/catalog-imports/{id}/confirm"), &[])
            .await
            .status(),
        409,
        "confirmed once only"
    );
    let again = upload(
        &admin,
        &app,
        &fields("R8"),
        "r8.csv",
        "項番,チェック項目\n1,a\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("既にあります"));

    // Discard: never served, and cannot be confirmed afterwards.
    let r = upload(
        &admin,
        &app,
        &fields("R9"),
        "r9.csv",
        "項番,チェック項目\n1,a\n".as_bytes().to_vec(),
    )
    .await;
    let r9 = location(&r);
    assert_eq!(
        admin
            .form(&app, &format!("{r9}/discard"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(
        admin
            .form(&app, &format!("{r9}/confirm"), &[])
            .await
            .status(),
        409
    );
    assert_eq!(
        admin
            .get(&app, &format!("/catalogs/{document}@R9"))
            .await
            .status(),
        404
    );

    // A second server on the same database serves the confirmed version.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (_tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(mamori_web::serve(
        listener,
        AppState::new(app.store.clone(), WebConfig::default()),
        async move {
            let _ = rx.await;
        },
    ));
    let staff = login(
        &App {
            base: base.clone(),
            store: app.store.clone(),
            _dir: tempfile::tempdir().unwrap(),
            _stop: tokio::sync::oneshot::channel().0,
        },
        "shokuin@sakura.example.jp",
    )
    .await;
    let r = staff
        .c
        .get(format!("{base}/catalogs/{document}@R8"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "served after a restart");
    let r = staff
        .c
        .get(format!("{base}/catalog-imports"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "only the platform administrator imports");
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

// ------------------------------------------------------------------ role sharing

async fn demo_contract(app: &App, vendor: &str) -> mamori_store::Contract {
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    app.store
        .contracts(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.vendor_name == vendor)
        .unwrap()
}

async fn item_row(app: &App, contract: &str, item: &str) -> Option<mamori_store::RoleSharingItem> {
    app.store
        .role_sharing_items(contract)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.item_id == item)
}

#[tokio::test]
async fn role_sharing_both_parties_propose_accept_reopen_and_bad_input_changes_nothing() {
    let app = start().await;
    let cb = demo_contract(&app, "B社").await;
    let d_vendor = app
        .store
        .list_vendors()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == "D社")
        .unwrap()
        .id;
    let b = login(&app, "tanto@b-sha.example.jp").await;
    let a = login(&app, "tanto@a-sha.example.jp").await;
    let d = login(&app, "tanto@d-sha.example.jp").await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let path = format!("/contracts/{}", cb.id);
    let step = |item: &str| format!("{path}/items/{item}");

    // The vendor sees its contract and what awaits it; other vendors see nothing of it.
    let page = b.get(&app, &path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("あなたの承認待ち 1"),
        "B must accept Part2 A2"
    );
    for other in [&a, &d] {
        assert_eq!(other.get(&app, &path).await.status(), 404);
        let r = other
            .form(
                &app,
                &step("part2-a-2"),
                &[("step", "accept"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status(), 404, "another vendor cannot answer B's contract");
    }
    let portal = b.get(&app, "/vendor").await.text().await.unwrap();
    assert!(portal.contains("さくら総合病院") && portal.contains(&cb.title));
    assert!(
        !portal.contains("レセコン保守契約"),
        "A's contract is not in B's portal"
    );

    // B accepts the institution's proposal on A2.
    let r = b
        .form(
            &app,
            &step("part2-a-2"),
            &[("step", "accept"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        item_row(&app, &cb.id, "part2-a-2").await.unwrap().state,
        "agreed"
    );
    // An agreed item is not edited without reopening.
    let r = b
        .form(
            &app,
            &step("part2-a-2"),
            &[
                ("step", "propose"),
                ("version", "2"),
                ("responsibility", "vendor"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("再協議"));

    // Bad input: dates out of order, a vendor without a contract, a Part 1 item.
    let before = item_row(&app, &cb.id, "part2-a-12").await.unwrap();
    let bad = [
        vec![
            ("step", "propose"),
            ("version", "1"),
            ("responsibility", "vendor"),
            ("agreed_content", "年1回、見直し案を提出する。"),
            ("first_check", "no"),
            ("first_checked_on", "2024-10-15"),
            ("completed_on", "2024-10-01"),
        ],
        vec![
            ("step", "propose"),
            ("version", "1"),
            ("responsibility", "other_vendor"),
            ("other_vendor_id", d_vendor.as_str()),
        ],
        vec![
            ("step", "propose"),
            ("version", "1"),
            ("responsibility", "vendor"),
            ("first_checked_on", "2024-02-30"),
        ],
    ];
    let expected = ["初回確認日より前", "契約がありません", "実在する日"];
    for (fields, msg) in bad.iter().zip(expected) {
        let r = b.form(&app, &step("part2-a-12"), fields).await;
        assert_eq!(r.status(), 422, "{msg}");
        let html = r.text().await.unwrap();
        assert!(html.contains(msg), "{msg}");
        if fields.iter().any(|(k, _)| *k == "agreed_content") {
            assert!(
                html.contains("年1回、見直し案を提出する。"),
                "typed text kept"
            );
        }
    }
    assert_eq!(
        item_row(&app, &cb.id, "part2-a-12").await.unwrap(),
        before,
        "nothing changed"
    );
    let r = b
        .form(
            &app,
            &step("part1-a-2-1"),
            &[("step", "propose"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Part1"));

    // B corrects A12; the institution accepts; a stale accept is refused.
    let r = b
        .form(
            &app,
            &step("part2-a-12"),
            &[
                ("step", "propose"),
                ("version", "1"),
                ("responsibility", "vendor"),
                ("agreed_content", "年1回、見直し案を提出する。"),
                ("written_in", "保守契約書 第10条"),
                ("first_check", "no"),
                ("first_checked_on", "2024-10-15"),
                ("completed_on", "2024-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        so.form(
            &app,
            &step("part2-a-12"),
            &[("step", "accept"), ("version", "1")]
        )
        .await
        .status(),
        409,
        "accepting what was read before B's change is refused"
    );
    assert_eq!(
        b.form(
            &app,
            &step("part2-a-12"),
            &[("step", "accept"), ("version", "2")]
        )
        .await
        .status(),
        422,
        "B cannot accept its own proposal"
    );
    let r = so
        .form(
            &app,
            &step("part2-a-12"),
            &[("step", "accept"), ("version", "2")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let row = item_row(&app, &cb.id, "part2-a-12").await.unwrap();
    assert_eq!((row.state.as_str(), row.version), ("agreed", 3));

    // Reopen needs a reason; both parties read the history.
    assert_eq!(
        so.form(
            &app,
            &step("part2-a-12"),
            &[("step", "reopen"), ("version", "3")]
        )
        .await
        .status(),
        422
    );
    let r = so
        .form(
            &app,
            &step("part2-a-12"),
            &[
                ("step", "reopen"),
                ("version", "3"),
                ("reason", "契約更新のため"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let history = app
        .store
        .role_sharing_history(&cb.id, Some("part2-a-12"))
        .await
        .unwrap();
    let steps: Vec<&str> = history.iter().map(|h| h.step.as_str()).collect();
    assert_eq!(steps, ["propose", "propose", "accept", "reopen"]);
    let html = b.get(&app, &path).await.text().await.unwrap();
    assert!(
        html.contains("契約更新のため"),
        "the vendor reads the reason"
    );

    // The matrix: A and B both claim A11 alone on the receipt computer.
    let m = so.get(&app, "/i/1311234567/matrix?flag=overlap").await;
    assert_eq!(m.status(), 200);
    let html = m.text().await.unwrap();
    assert!(
        html.contains("重複:A社・B社"),
        "the overlap names both vendors"
    );
    assert!(!html.contains("Part2 A12"), "filtered to overlaps");
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn role_sharing_exports_are_downloads_that_read_back_as_stored() {
    use calamine::{Data, Reader, Xlsx};
    let app = start().await;
    let cb = demo_contract(&app, "B社").await;
    let b = login(&app, "tanto@b-sha.example.jp").await;
    let r = b
        .get(&app, &format!("/contracts/{}/export.xlsx", cb.id))
        .await;
    assert_eq!(r.status(), 200);
    let cd = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''"),
        "{cd}"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = wb.worksheet_range("確認表").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    o => o.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows[2][1], "B社");
    let stored = app.store.role_sharing_items(&cb.id).await.unwrap();
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let cat = &registry.catalogs[&cb.catalog_id];
    let mut compared = 0;
    for s in &stored {
        let number = &cat.item(&s.item_id).unwrap().number;
        let row = rows
            .iter()
            .find(|r| r[0] == *number)
            .expect("every answered item is exported");
        let check = match s.first_check.as_deref() {
            Some("yes") => "はい",
            Some("no") => "いいえ",
            _ => "",
        };
        let date = s
            .first_checked_on
            .as_deref()
            .map(|d| mamori_domain::wareki::wareki(d).unwrap())
            .unwrap_or_default();
        let first = match (check.is_empty(), date.is_empty()) {
            (true, true) => String::new(),
            (false, true) => check.to_string(),
            (true, false) => date,
            (false, false) => format!("{check}({date})"),
        };
        assert_eq!(row[3], first, "{number} 初回確認");
        assert_eq!(
            row[4],
            s.completed_on
                .as_deref()
                .map(|d| mamori_domain::wareki::wareki(d).unwrap())
                .unwrap_or_default(),
            "{number} 完了日"
        );
        assert_eq!(row[5], s.remarks, "{number} 備考欄");
        assert_eq!(row[7], s.agreed_content, "{number} 合意内容");
        assert_eq!(row[8], s.written_in, "{number} 記載箇所");
        compared += 1;
    }
    assert!(compared >= 5);
    let print = b
        .get(&app, &format!("/contracts/{}/print?dates=seireki", cb.id))
        .await;
    assert_eq!(print.status(), 200);
    assert!(print.text().await.unwrap().contains("2024年10月15日"));
    let so = login(&app, "anzen@sakura.example.jp").await;
    let m = so.get(&app, "/i/1311234567/matrix.xlsx").await;
    assert_eq!(m.status(), 200);
    assert_eq!(
        m.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        so.get(&app, "/i/1311234567/matrix.xlsx?dates=xx")
            .await
            .status(),
        422
    );
}

#[tokio::test]
async fn documents_subcontractors_invitations_standard_answers_and_dashboard_signals() {
    let app = start().await;
    let cb = demo_contract(&app, "B社").await;
    let b = login(&app, "tanto@b-sha.example.jp").await;
    let a = login(&app, "tanto@a-sha.example.jp").await;
    let so = login(&app, "anzen@sakura.example.jp").await;

    // Dashboard: A社's ISMS expires within 60 days; C社's subcontractor awaits approval.
    let dash = so.get(&app, "/i/1311234567").await.text().await.unwrap();
    assert!(dash.contains("60日以内に期限") && dash.contains("X データセンター株式会社"));
    assert!(dash.contains("抜け "), "gap count on the dashboard");
    let staff = login(&app, "shokuin@sakura.example.jp").await;
    let dash = staff.get(&app, "/i/1311234567").await.text().await.unwrap();
    assert!(
        !dash.contains("role-sharing-signals"),
        "staff see no contract signals"
    );

    // Documents: sniffed, kept by hash, downloads only; unknown kinds refused.
    let upload = |s: &Session, kind: &str, name: &str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", s.csrf.clone())
            .text("kind", kind.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        s.c.post(format!("{}/contracts/{}/documents", app.base, cb.id))
            .multipart(form)
            .send()
    };
    let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\n".to_vec();
    let r = upload(&b, "mds_sds", "B社_MDS.pdf", pdf.clone())
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).contains("ok=flash-document-added"));
    let r = upload(&b, "other", "x.bin", vec![0, 1, 2, 3])
        .await
        .unwrap();
    assert!(location(&r).contains("err=error-document-type"));
    let docs = app.store.contract_documents(&cb.id).await.unwrap();
    let mds = docs.iter().find(|d| d.kind == "mds_sds").unwrap();
    assert_eq!(
        docs.len(),
        2,
        "the demo SLA and the MDS; the refused file left nothing"
    );
    assert_eq!(mds.media_type, "application/pdf");
    let r = so
        .get(&app, &format!("/contract-documents/{}", mds.id))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    assert_eq!(
        a.get(&app, &format!("/contract-documents/{}", mds.id))
            .await
            .status(),
        404,
        "vendor A cannot fetch B's document"
    );

    // Subcontracting: B declares, only the institution approves, once.
    let r = b
        .form(
            &app,
            &format!("/contracts/{}/subcontractors", cb.id),
            &[("name", "Y システムサービス"), ("scope", "夜間の監視")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let sub = app
        .store
        .subcontractors(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Y システムサービス")
        .unwrap();
    let approve = format!("/contracts/{}/subcontractors/{}/approve", cb.id, sub.id);
    assert_eq!(b.form(&app, &approve, &[]).await.status(), 403);
    assert!(
        location(&so.form(&app, &approve, &[]).await).contains("ok=flash-subcontractor-approved")
    );
    assert!(
        location(&so.form(&app, &approve, &[]).await).contains("err=error-subcontractor-approved")
    );

    // Invitation: a one-time link, shown to the inviter; the contact sets a password.
    let page = so
        .form(
            &app,
            "/i/1311234567/invites",
            &[
                ("vendor_id", cb.vendor_id.as_str()),
                ("email", "yamada@b-sha.example.jp"),
                ("display_name", "B社 山田"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let start = page.find("/invite/").unwrap();
    let link = page[start..start + page[start..].find('<').unwrap()].to_string();
    let guest = client();
    let html = guest
        .get(format!("{}{link}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let post = |pw: &str| {
        guest
            .post(format!("{}{link}", app.base))
            .form(&[("_csrf", csrf.as_str()), ("password", pw)])
            .send()
    };
    assert_eq!(post("short").await.unwrap().status(), 422);
    let r = post("yamada-b-sha-2026!").await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        post("yamada-b-sha-2026!").await.unwrap().status(),
        410,
        "used once"
    );
    let r = try_login(
        &app,
        &client(),
        "yamada@b-sha.example.jp",
        "yamada-b-sha-2026!",
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Standard answers: proposed where the item is open; agreed items are left alone.
    for (item, resp) in [("part2-a-1", "vendor"), ("part2-a-2", "joint")] {
        let r = b
            .form(
                &app,
                "/vendor/standard-answers",
                &[
                    ("vendor_id", cb.vendor_id.as_str()),
                    ("product", "電子カルテ X"),
                    ("item_id", item),
                    ("responsibility", resp),
                    ("agreed_content", "標準の合意内容"),
                ],
            )
            .await;
        assert!(location(&r).contains("ok=flash-standard-saved"), "{item}");
    }
    let r = b
        .form(
            &app,
            "/vendor/standard-answers/apply",
            &[
                ("vendor_id", cb.vendor_id.as_str()),
                ("product", "電子カルテ X"),
                ("contract", cb.id.as_str()),
            ],
        )
        .await;
    assert!(
        location(&r).contains("applied=1&skipped=1"),
        "{}",
        location(&r)
    );
    let row = item_row(&app, &cb.id, "part2-a-2").await.unwrap();
    assert_eq!(
        (
            row.state.as_str(),
            row.proposed_by.as_deref(),
            row.agreed_content.as_str()
        ),
        ("negotiating", Some("vendor"), "標準の合意内容")
    );
    let a_contract = demo_contract(&app, "A社").await;
    let r = b
        .form(
            &app,
            "/vendor/standard-answers/apply",
            &[
                ("vendor_id", cb.vendor_id.as_str()),
                ("product", "電子カルテ X"),
                ("contract", a_contract.id.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 404, "B cannot apply answers to A's contract");
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

/// A loopback SMTP sink that accepts one message and hands its text back.
async fn smtp_sink() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (r, mut w) = sock.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    w.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let upper = line.to_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250 sink\r\n"
            } else if upper.starts_with("DATA") {
                in_data = true;
                b"354 go on\r\n"
            } else if upper.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            w.write_all(reply).await.unwrap();
        }
        let _ = tx.send(data);
    });
    (port, rx)
}

#[tokio::test]
async fn invitations_are_mailed_when_smtp_is_configured() {
    let (port, mail) = smtp_sink().await;
    let app = start_with(WebConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        public_url: Some("https://mamori.example.jp".into()),
        mail_from: "mamori@sakura.example.jp".into(),
        ..WebConfig::default()
    })
    .await;
    let cb = demo_contract(&app, "B社").await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let page = so
        .form(
            &app,
            "/i/1311234567/invites",
            &[
                ("vendor_id", cb.vendor_id.as_str()),
                ("email", "sato@b-sha.example.jp"),
                ("display_name", "B社 佐藤"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("invite-mailed"), "sent, not shown");
    assert!(
        !page.contains("/invite/"),
        "the link is not shown when it was mailed"
    );
    let text = tokio::time::timeout(std::time::Duration::from_secs(10), mail)
        .await
        .unwrap()
        .unwrap();
    assert!(text.contains("To: sato@b-sha.example.jp"));
    // The body is base64 (UTF-8 Japanese text).
    let encoded: String = text
        .split("\n\n")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    use base64::Engine;
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(text.contains("さくら総合病院"));
    let at = text
        .find("https://mamori.example.jp/invite/")
        .expect("the link is in the mail");
    let path: String = text[at + "https://mamori.example.jp".len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let guest = client();
    let html = guest
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200, "the mailed link works");
    let csrf = csrf_of(&html.text().await.unwrap());
    let r = guest
        .post(format!("{}{path}", app.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("password", "sato-b-sha-pass-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // A relay that is down: the inviter is told, and gets the link to pass on.
    let app = start_with(WebConfig {
        smtp_url: Some("smtp://127.0.0.1:1".into()),
        public_url: Some("https://mamori.example.jp".into()),
        ..WebConfig::default()
    })
    .await;
    let cb = demo_contract(&app, "B社").await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let page = so
        .form(
            &app,
            "/i/1311234567/invites",
            &[
                ("vendor_id", cb.vendor_id.as_str()),
                ("email", "sato@b-sha.example.jp"),
                ("display_name", "B社 佐藤"),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("メールを送れませんでした") && page.contains("/invite/"));
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_nothing_is_kept() {
    let app = start_with(WebConfig {
        max_upload_bytes: 2048,
        ..WebConfig::default()
    })
    .await;
    let cb = demo_contract(&app, "B社").await;
    let b = login(&app, "tanto@b-sha.example.jp").await;
    let before = app.store.contract_documents(&cb.id).await.unwrap().len();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(8192, b' ');
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .text("kind", "contract")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf).file_name("big.pdf"),
        );
    let r =
        b.c.post(format!("{}/contracts/{}/documents", app.base, cb.id))
            .multipart(form)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("大きすぎ"));
    assert_eq!(
        app.store.contract_documents(&cb.id).await.unwrap().len(),
        before
    );
}

// ------------------------------------------------------------------ cyber checklist

#[tokio::test]
async fn cyber_checklist_answers_item_zero_approval_lock_revision_and_next_year() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    assert_eq!(a.fiscal_year, 2024);
    let so = login(&app, "anzen@sakura.example.jp").await;
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    let path = format!("/assessments/{}", a.id);
    let sheet = so.get(&app, &path).await.text().await.unwrap();
    assert!(sheet.contains("令和6年度") && sheet.contains("端末PC"));
    let dash = so.get(&app, "/i/1311234567").await.text().await.unwrap();
    assert!(
        dash.contains("checklist-signals") && dash.contains("2-(3)"),
        "いいえ items on the dashboard"
    );
    assert!(
        dash.contains("A社、C社"),
        "outstanding vendor sheets on the dashboard"
    );
    let version = |item: &str, slot: &str| {
        let store = app.store.clone();
        let (id, item, slot) = (a.id.clone(), item.to_string(), slot.to_string());
        async move {
            store
                .assessment_answers(&id)
                .await
                .unwrap()
                .into_iter()
                .find(|x| x.item_id == item && x.slot == slot)
                .map(|x| x.version)
                .unwrap_or(0)
                .to_string()
        }
    };
    let save = |s: &Session, item: &str, slot: &str, v: String, extra: &[(&str, &str)]| {
        let mut f: Vec<(String, String)> = vec![
            ("item_id".into(), item.into()),
            ("slot".into(), slot.into()),
            ("version".into(), v),
        ];
        f.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let url = format!("{}{path}/answers", app.base);
        let csrf = s.csrf.clone();
        let c = s.c.clone();
        async move {
            f.push(("_csrf".into(), csrf));
            c.post(url).form(&f).send().await.unwrap()
        }
    };
    let yes = [("check1", "yes"), ("check1_on", "2024-07-01")];
    // Bad input: target outside the fiscal year, a slot the item does not have, stale.
    let r = save(
        &so,
        "2-6",
        "server",
        "0".into(),
        &[
            ("check1", "no"),
            ("check1_on", "2024-07-01"),
            ("target_on", "2025-04-30"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("年度内"));
    assert_eq!(
        save(&so, "2-6", "all", "0".into(), &yes).await.status(),
        422
    );
    assert_eq!(
        save(&so, "1-1", "all", "0".into(), &yes).await.status(),
        409,
        "1-1 exists"
    );
    assert_eq!(version("2-6", "server").await, "0", "nothing saved");
    // Item 0 いいえ: nothing else applies, and cannot be answered.
    let v0 = version("0", "all").await;
    assert_eq!(
        save(
            &so,
            "0",
            "all",
            v0,
            &[("check1", "no"), ("check1_on", "2024-07-01")]
        )
        .await
        .status(),
        303
    );
    let r = save(&so, "2-6", "server", "0".into(), &yes).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("確認不要"));
    let v0 = version("0", "all").await;
    assert_eq!(save(&so, "0", "all", v0, &yes).await.status(), 303);

    // Approval needs every first check; then the sheet is locked.
    let ver = app
        .store
        .assessment(&a.id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = exec
        .form(&app, &format!("{path}/approve"), &[("version", &ver)])
        .await;
    assert!(location(&r).contains("err=error-cy-incomplete"));
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let cat = &registry.catalogs[&a.catalog_id];
    for item in &cat.items {
        let slots: Vec<&str> = if item.devices.is_empty() {
            vec!["all"]
        } else {
            item.devices
                .iter()
                .map(|d| match d {
                    mamori_catalog::Device::Server => "server",
                    mamori_catalog::Device::Terminal => "terminal",
                    mamori_catalog::Device::Network => "network",
                })
                .collect()
        };
        for slot in slots {
            if version(&item.id, slot).await == "0" {
                assert_eq!(
                    save(&so, &item.id, slot, "0".into(), &yes).await.status(),
                    303
                );
            }
        }
    }
    assert_eq!(
        so.form(&app, &format!("{path}/approve"), &[("version", &ver)])
            .await
            .status(),
        403,
        "only the executive approves"
    );
    let r = exec
        .form(&app, &format!("{path}/approve"), &[("version", &ver)])
        .await;
    assert!(
        location(&r).contains("ok=flash-cy-approved"),
        "{}",
        location(&r)
    );
    let v = version("1-1", "all").await;
    let r = save(&so, "1-1", "all", v, &yes).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("新しい版"));
    let ver = app
        .store
        .assessment(&a.id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    let r = so
        .form(
            &app,
            &format!("{path}/reopen"),
            &[("version", &ver), ("reason", "端末の追加")],
        )
        .await;
    assert!(location(&r).contains("ok=flash-cy-reopened"));
    let again = app.store.assessment(&a.id).await.unwrap().unwrap();
    assert_eq!((again.status.as_str(), again.revision), ("draft", 2));
    assert_eq!(
        so.get(&app, &format!("{path}/revisions/1")).await.status(),
        200
    );

    // 令和7年度 on the 令和7年度版: answers carried through the crosswalk for re-confirmation.
    let r = so
        .form(
            &app,
            "/i/1311234567/assessments",
            &[
                ("fiscal_year", "2025"),
                ("catalog_id", "mhlw/cyber-checklist-institution@R7"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let next = app
        .store
        .assessments(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.fiscal_year == 2025)
        .unwrap();
    let carried = app.store.assessment_answers(&next.id).await.unwrap();
    assert!(!carried.is_empty() && carried.iter().all(|x| x.carried));
    let html = so
        .get(&app, &format!("/assessments/{}", next.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("前年度の回答(要再確認)"));
    assert!(
        html.contains("data-testid=\"cy-progress\">0 /"),
        "carried answers are not this year's"
    );
    assert!(mamori_store::verify_audit(app.store.as_ref())
        .await
        .unwrap()
        .is_ok());
}

#[tokio::test]
async fn vendor_sheets_outstanding_answered_in_the_portal_and_submitted() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
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
        page.contains("提出済") && page.contains("未提出"),
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
        .find(|x| x.item_id == "1-1" && x.slot == "all")
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

#[tokio::test]
async fn inspector_link_shows_only_the_sheets_is_audited_and_stops_when_revoked() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    let so = login(&app, "anzen@sakura.example.jp").await;
    let page = so
        .form(
            &app,
            &format!("/assessments/{}/inspector-links", a.id),
            &[("label", "東京都 立入検査"), ("days", "7")],
        )
        .await
        .text()
        .await
        .unwrap();
    let at = page.find("/inspect/").expect("the link is shown once");
    let path: String = page[at..].chars().take_while(|c| *c != '<').collect();
    let inspector = client();
    let r = inspector
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("さくら総合病院") && html.contains("令和6年度"));
    assert!(
        html.contains("事業者確認用"),
        "B社's submitted vendor sheet"
    );
    assert!(
        html.contains("A社") && html.contains("C社"),
        "outstanding vendor sheets named"
    );
    assert!(
        !html.contains("/i/1311234567"),
        "no way into the rest of the institution"
    );
    for other in [
        "/i/1311234567",
        "/vendor",
        &format!("/assessments/{}", a.id),
    ] {
        let r = inspector
            .get(format!("{}{other}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{other}: the link opens nothing else");
    }
    let events = app
        .store
        .audit_events(&mamori_store::AuditFilter {
            institution_id: inst.id.clone(),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.action == "inspector.access"));
    let link = app.store.inspector_links(&a.id).await.unwrap()[0].clone();
    let r = so
        .form(
            &app,
            &format!("/assessments/{}/inspector-links/{}/revoke", a.id, link.id),
            &[],
        )
        .await;
    assert!(location(&r).contains("ok=flash-inspector-revoked"));
    let r = inspector
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410, "revoked");
    // An expired link is refused the same way.
    app.store
        .create_inspector_link(
            &Actor::system("test"),
            &mamori_store::InspectorLink {
                id: "expired".into(),
                institution_id: inst.id.clone(),
                assessment_id: a.id.clone(),
                label: "期限切れ".into(),
                expires_at: mamori_store::now_ms() - 1,
                revoked_at: None,
                created_by: None,
                created_at: 0,
            },
            &hex_sha256("expired-token"),
        )
        .await
        .unwrap();
    let r = inspector
        .get(format!("{}/inspect/expired-token", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 410);
    let vendor = login(&app, "tanto@b-sha.example.jp").await;
    let r = vendor
        .form(
            &app,
            &format!("/assessments/{}/inspector-links", a.id),
            &[("label", "x"), ("days", "7")],
        )
        .await;
    assert_eq!(r.status(), 404, "a vendor issues no inspection link");
}

fn hex_sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn checklist_export_reads_back_as_answered() {
    use calamine::{Data, Reader, Xlsx};
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    let so = login(&app, "anzen@sakura.example.jp").await;
    let r = so
        .get(&app, &format!("/assessments/{}/export.xlsx", a.id))
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["医療機関確認用", "事業者確認用 B社"]);
    let rows: Vec<Vec<String>> = wb
        .worksheet_range("医療機関確認用")
        .unwrap()
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    o => o.to_string(),
                })
                .collect()
        })
        .collect();
    let answers = app.store.assessment_answers(&a.id).await.unwrap();
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let cat = &registry.catalogs[&a.catalog_id];
    let slot_label = |s: &str| match s {
        "all" => "医療情報システム全般",
        "server" => "サーバ",
        "terminal" => "端末PC",
        _ => "ネットワーク機器",
    };
    // Each answer's row: find the item's first row, then its slot below it.
    for x in &answers {
        let number = &cat.item(&x.item_id).unwrap().number;
        let start = rows.iter().position(|r| r[0] == *number).unwrap();
        let row = rows[start..]
            .iter()
            .find(|r| r[2] == slot_label(&x.slot))
            .unwrap();
        let check = match x.check1.as_deref() {
            Some("yes") => "はい",
            Some("no") => "いいえ",
            _ => "",
        };
        assert_eq!(row[3], check, "{number} {}", x.slot);
        assert_eq!(
            row[4],
            mamori_domain::wareki::wareki(x.check1_on.as_deref().unwrap()).unwrap()
        );
        assert_eq!(
            row[5],
            x.target_on
                .as_deref()
                .map(|t| mamori_domain::wareki::wareki(t).unwrap())
                .unwrap_or_default(),
            "{number} 目標日"
        );
    }
    assert!(answers.len() >= 9);
}

#[tokio::test]
async fn evidence_files_and_links_suggestions_staleness_and_the_inspector_view() {
    let app = start().await;
    let inst = app
        .store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap();
    let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
    let so = login(&app, "anzen@sakura.example.jp").await;
    let path = format!("/assessments/{}", a.id);
    let html = so.get(&app, &path).await.text().await.unwrap();
    assert!(
        html.contains("が任命されています"),
        "1-(1) suggested from the officer role"
    );
    assert!(
        html.contains("MDS/SDS が登録されていない契約があります"),
        "2-(3) from the documents"
    );
    let add = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, Vec<u8>)>| {
        let mut form = reqwest::multipart::Form::new().text("_csrf", so.csrf.clone());
        for (k, v) in fields {
            form = form.text(k, v);
        }
        if let Some((name, bytes)) = file {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        }
        so.c.post(format!("{}{path}/evidence", app.base))
            .multipart(form)
            .send()
    };
    let officer = app
        .store
        .user_auth_by_email("anzen@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .user
        .id;
    let r = add(
        vec![
            ("item_id", "1-1".into()),
            ("target", format!("officer:{officer}")),
            ("effective_on", "2024-04-01".into()),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(location(&r).contains("ok=flash-evidence-added"));
    let r = add(
        vec![
            ("item_id", "3-3".into()),
            ("target", String::new()),
            ("effective_on", "2023-01-10".into()),
        ],
        Some(("BCP.pdf", b"%PDF-1.4 BCP".to_vec())),
    )
    .await
    .unwrap();
    assert!(location(&r).contains("ok=flash-evidence-added"));
    let r = add(
        vec![
            ("item_id", "1-1".into()),
            ("target", "officer:someone-else".into()),
            ("effective_on", "2024-04-01".into()),
        ],
        None,
    )
    .await
    .unwrap();
    assert!(
        location(&r).contains("err=error-evidence-target"),
        "only the institution's records"
    );
    let ev = app.store.evidence(&a.id).await.unwrap();
    assert_eq!(ev.len(), 2);
    let html = so.get(&app, &path).await.text().await.unwrap();
    assert!(
        html.contains("BCP.pdf") && html.contains("1年以上前"),
        "stale evidence marked"
    );
    let file = ev.iter().find(|e| e.kind == "file").unwrap();
    let r = so.get(&app, &format!("{path}/evidence/{}", file.id)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), b"%PDF-1.4 BCP".to_vec());
    // The inspector sees the evidence and can fetch the file through the link.
    let page = so
        .form(
            &app,
            &format!("{path}/inspector-links"),
            &[("label", "検査"), ("days", "3")],
        )
        .await
        .text()
        .await
        .unwrap();
    let at = page.find("/inspect/").unwrap();
    let link: String = page[at..].chars().take_while(|c| *c != '<').collect();
    let inspector = client();
    let html = inspector
        .get(format!("{}{link}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("BCP.pdf"));
    let r = inspector
        .get(format!("{}{link}/evidence/{}", app.base, file.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // The whole bundle: sheets as xlsx and PDF, the evidence index and the files.
    for bundle in [
        so.get(&app, &format!("{path}/bundle.zip")).await,
        inspector
            .get(format!("{}{link}/bundle.zip", app.base))
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(bundle.status(), 200);
        let bytes = bundle.bytes().await.unwrap().to_vec();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().to_string())
            .collect();
        assert!(names.contains(&"checklist.xlsx".to_string()), "{names:?}");
        assert!(names.contains(&"checklist.pdf".to_string()));
        assert!(names
            .iter()
            .any(|n| n.starts_with("evidence/") && n.ends_with("BCP.pdf")));
        let mut index = String::new();
        std::io::Read::read_to_string(&mut z.by_name("evidence-index.csv").unwrap(), &mut index)
            .unwrap();
        assert!(
            index.contains("3-(3)") && index.contains("はい"),
            "stale marked in the index"
        );
    }

    // The file was attached by mistake: withdrawn (取り下げ) with a reason. A reason is
    // required, the executive (who does not answer) cannot, and afterwards the file is gone
    // from the sheet, the inspector's view, its download and the bundle; the audit keeps it.
    let withdraw = format!("{path}/evidence/{}/withdraw", file.id);
    assert!(html_has_withdraw(
        &so.get(&app, &path).await.text().await.unwrap()
    ));
    let r = so.form(&app, &withdraw, &[("reason", " ")]).await;
    assert!(location(&r).contains("err=error-ev-withdraw-reason"));
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    assert_eq!(
        exec.form(&app, &withdraw, &[("reason", "x")])
            .await
            .status(),
        403
    );
    assert_eq!(
        app.store.evidence(&a.id).await.unwrap().len(),
        2,
        "nothing changed"
    );
    let r = so
        .form(&app, &withdraw, &[("reason", "前年度の BCP を誤って添付")])
        .await;
    assert!(
        location(&r).contains("ok=flash-evidence-withdrawn"),
        "{}",
        location(&r)
    );
    assert_eq!(app.store.evidence(&a.id).await.unwrap().len(), 1);
    assert!(!so
        .get(&app, &path)
        .await
        .text()
        .await
        .unwrap()
        .contains("BCP.pdf"));
    assert_eq!(
        so.get(&app, &format!("{path}/evidence/{}", file.id))
            .await
            .status(),
        404
    );
    let html = inspector
        .get(format!("{}{link}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("BCP.pdf"));
    let r = inspector
        .get(format!("{}{link}/evidence/{}", app.base, file.id))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let bytes = so
        .get(&app, &format!("{path}/bundle.zip"))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    assert!(!z.file_names().any(|n| n.ends_with("BCP.pdf")));
    assert_eq!(
        so.form(&app, &withdraw, &[("reason", "again")])
            .await
            .status(),
        404,
        "withdrawn once"
    );
    let audit = so
        .get(&app, "/i/1311234567/audit.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        audit.contains("assessment.evidence.withdraw")
            && audit.contains("前年度の BCP を誤って添付")
    );
}

fn html_has_withdraw(html: &str) -> bool {
    html.contains("data-testid=\"ev-withdraw\"")
}

#[tokio::test]
async fn assessment_api_fills_the_sheet_refuses_bad_input_and_the_executive_approves() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let list: Value = so
        .json(
            &app,
            Method::GET,
            "/api/v1/institutions/1311234567/assessments",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let a = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["fiscal_year"] == 2024)
        .expect("the demo's 令和6年度 sheet")
        .clone();
    assert_eq!(a["fiscal_year_label"], "令和6年度");
    assert_eq!(a["status"], "draft");
    assert!(a["done"].as_u64().unwrap() < a["needed"].as_u64().unwrap());
    let id = a["id"].as_str().unwrap().to_string();
    let sheet_path = format!("/api/v1/assessments/{id}");
    let answers_path = format!("{sheet_path}/answers");
    let read = |s: &Session| {
        let (c, csrf, url) = (
            s.c.clone(),
            s.csrf.clone(),
            format!("{}{sheet_path}", app.base),
        );
        async move {
            let r = c
                .get(url)
                .header("x-csrf-token", csrf)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let sheet = read(&so).await;
    let rows = sheet["answers"].as_array().unwrap().clone();
    assert_eq!(rows.len() as u64, a["needed"].as_u64().unwrap());
    assert!(rows
        .iter()
        .any(|r| r["number"] == "2-(6)" && r["slot"] == "server"));
    let version_of = |sheet: &Value, item: &str, slot: &str| {
        sheet["answers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["item_id"] == item && r["slot"] == slot)
            .unwrap()["version"]
            .as_i64()
            .unwrap()
    };

    // Bad input: a target date outside the fiscal year, a slot the item lacks, a stale
    // version, a non-member. Nothing changes.
    let v = version_of(&sheet, "2-6", "server");
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(json!({"item_id": "2-6", "slot": "server", "version": v,
                "check1": "no", "check1_on": "2024-07-01", "target_on": "2025-04-30"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("年度内"));
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(json!({"item_id": "2-6", "slot": "all", "version": 0, "check1": "yes"})),
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(
                json!({"item_id": "2-6", "slot": "server", "version": v + 7, "check1": "yes",
                "check1_on": "2024-07-01"}),
            ),
        )
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(read(&so).await, sheet, "refusals changed nothing");
    let staff = login(&app, "shokuin@sakura.example.jp").await;
    assert_eq!(
        staff
            .json(&app, Method::GET, &sheet_path, None)
            .await
            .status(),
        403
    );

    // Fill every first check still open through the API, then approve as the executive.
    for row in &rows {
        if row["check1"].is_string() && !row["carried"].as_bool().unwrap() {
            continue;
        }
        let r = so
            .json(
                &app,
                Method::POST,
                &answers_path,
                // The row as read, nulls and all, with the first check filled in.
                Some({
                    let mut body = row.clone();
                    body["check1"] = json!("yes");
                    body["check1_on"] = json!("2024-07-01");
                    body
                }),
            )
            .await;
        assert_eq!(r.status(), 200, "{row}");
        let saved: Value = r.json().await.unwrap();
        assert_eq!(saved["check1"], "yes");
        assert_eq!(saved["version"], row["version"].as_i64().unwrap() + 1);
    }
    let filled = read(&so).await;
    assert_eq!(
        filled["assessment"]["done"], filled["assessment"]["needed"],
        "complete"
    );
    let exec = login(&app, "rijicho@sakura.example.jp").await;
    let approve = format!("{sheet_path}/approve");
    let v = filled["assessment"]["version"].as_i64().unwrap();
    assert_eq!(
        so.json(&app, Method::POST, &approve, Some(json!({"version": v})))
            .await
            .status(),
        403,
        "only the executive approves"
    );
    assert_eq!(
        exec.json(
            &app,
            Method::POST,
            &approve,
            Some(json!({"version": v + 1}))
        )
        .await
        .status(),
        409
    );
    let r = exec
        .json(&app, Method::POST, &approve, Some(json!({"version": v})))
        .await;
    assert_eq!(r.status(), 200);
    let approved: Value = r.json().await.unwrap();
    assert_eq!(approved["status"], "approved");
    // An approved sheet is locked.
    let v = version_of(&filled, "2-6", "server");
    let r = so
        .json(
            &app,
            Method::POST,
            &answers_path,
            Some(
                json!({"item_id": "2-6", "slot": "server", "version": v, "check1": "no",
                "check1_on": "2024-07-02", "target_on": "2025-01-31"}),
            ),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(version_of(&read(&so).await, "2-6", "server"), v);
}

#[path = "http/upload_bombs.rs"]
mod upload_bombs;
