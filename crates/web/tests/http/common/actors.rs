//! Who sends a request: an anonymous client, a signed-in session (cookie and CSRF token),
//! a bearer token; and the one request helper they share.

use super::*;

/// The CSRF token embedded in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

pub struct Session {
    pub c: Client,
    pub csrf: String,
}

impl Session {
    /// Create a personal API token through the API: (the answer, the secret).
    pub async fn new_token(&self, app: &App, name: &str) -> (Value, String) {
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
    pub async fn get(&self, app: &App, path: &str) -> reqwest::Response {
        self.c
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap()
    }
    pub async fn form(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        f.push(("_csrf", &self.csrf));
        self.c
            .post(format!("{}{path}", app.base))
            .form(&f)
            .send()
            .await
            .unwrap()
    }
    /// A multipart form as a page sends it: the CSRF field first, then `fields`, then
    /// the file.
    pub async fn post_file(
        &self,
        app: &App,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: Vec<u8>,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new().text("_csrf", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
        );
        self.c
            .post(format!("{}{path}", app.base))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn json(
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

pub async fn login_page(app: &App, c: &Client) -> String {
    let page = c.get(format!("{}/login", app.base)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

pub async fn try_login(app: &App, c: &Client, email: &str, password: &str) -> reqwest::Response {
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
pub async fn login(app: &App, email: &str) -> Session {
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
pub async fn submit_totp(app: &App, c: &Client, secret: &str, next: &str) -> reqwest::Response {
    let page = get_text(app, c, "/login/mfa").await;
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
pub async fn login_with_totp(app: &App, email: &str) -> Session {
    let user = user_by_email(app, email).await;
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

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

pub fn user_id_of(members: &Value, email: &str) -> String {
    members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == email)
        .map(|m| m["user"]["id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("{email} not a member"))
}

pub async fn upload(
    s: &Session,
    app: &App,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    s.post_file(app, "/catalog-imports", fields, file_name, bytes)
        .await
}

pub fn csv_cell(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A multipart API request with a bearer token (no cookie, no CSRF token).
pub async fn api_upload(
    app: &App,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(file_name.to_string()),
    );
    client()
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// A JSON API request with a bearer token.
pub async fn api_call(
    app: &App,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut r = client()
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(token);
    if let Some(b) = body {
        r = r.json(&b);
    }
    r.send().await.unwrap()
}

/// The body of the page at `path`, fetched by `c`.
pub async fn get_text(app: &App, c: &Client, path: &str) -> String {
    c.get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A guest opens the invitation `link` and sets the demo password on its form.
pub async fn accept_invite(app: &App, link: &str) -> reqwest::Response {
    let c = client();
    let page = get_text(app, &c, link).await;
    c.post(format!("{}{link}", app.base))
        .form(&[("password", DEMO_PASSWORD), ("_csrf", &csrf_of(&page))])
        .send()
        .await
        .unwrap()
}
