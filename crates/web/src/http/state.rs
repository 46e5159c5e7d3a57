//! Shared application state and configuration of the web layer.

use mamori_store::Store;
use std::sync::Arc;

#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebConfig {
    /// A session unused for this long is signed out (seconds).
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, used or not (seconds).
    pub session_absolute_secs: i64,
    /// Mark cookies `Secure` (set when mamori is served over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
    /// Largest request body accepted (bytes).
    pub max_body_bytes: usize,
    /// Failed sign-ins per account within the window before it is throttled.
    pub login_max_per_account: u32,
    /// Failed sign-ins per client address within the window before it is throttled.
    pub login_max_per_address: u32,
    /// The throttling window (seconds).
    pub login_window_secs: i64,
    /// Largest uploaded file accepted (bytes): catalog imports, contract documents.
    pub max_upload_bytes: usize,
    /// SMTP relay for invitations, `smtp://host:port` (plain SMTP to a relay the hospital
    /// runs). Without it (or without `public_url`), an invitation link is shown to the
    /// inviter to pass on.
    pub smtp_url: Option<String>,
    /// Sender of mamori's mail.
    pub mail_from: String,
    /// The address users reach mamori at (`https://mamori.example.jp`), for links in mail.
    pub public_url: Option<String>,
    /// Reverse proxies in front of mamori: for a request from one of them, the client's
    /// address is taken from `X-Forwarded-For` (the nearest address that is not a trusted
    /// proxy). Without it every user behind the proxy would share one address, and one
    /// address's sign-in limit would lock everyone out.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How often the outbox is emptied (milliseconds).
    pub mail_poll_ms: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 60 * 60,
            secure_cookies: false,
            max_body_bytes: 1024 * 1024,
            login_max_per_account: 5,
            login_max_per_address: 30,
            login_window_secs: 15 * 60,
            max_upload_bytes: 10 * 1024 * 1024,
            smtp_url: None,
            mail_from: "mamori@localhost".into(),
            public_url: None,
            trusted_proxies: vec![],
            mail_poll_ms: 15_000,
        }
    }
}

pub use mamori_app::catalogs::Catalogs;

pub struct Inner {
    pub ctx: mamori_app::Ctx,
    pub cfg: WebConfig,
}

/// The web layer's state: the application context every use case runs over, and the web
/// configuration. It dereferences to the context, so a handler hands `&state` to `app`.
#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Arc<dyn Store>, cfg: WebConfig) -> Self {
        let mail = mamori_app::mail::MailConfig {
            smtp_url: cfg.smtp_url.clone(),
            mail_from: cfg.mail_from.clone(),
            public_url: cfg.public_url.clone(),
        };
        let limits = mamori_app::Limits {
            attempts_per_account: cfg.login_max_per_account,
            attempt_window_secs: cfg.login_window_secs,
        };
        let ctx = mamori_app::Ctx::with(
            store,
            mail,
            limits,
            Arc::new(mamori_app::clock::SystemClock),
        );
        AppState(Arc::new(Inner { ctx, cfg }))
    }
    pub fn cfg(&self) -> &WebConfig {
        &self.0.cfg
    }
    pub fn ctx(&self) -> &mamori_app::Ctx {
        &self.0.ctx
    }
}

impl std::ops::Deref for AppState {
    type Target = mamori_app::Ctx;
    fn deref(&self) -> &mamori_app::Ctx {
        &self.0.ctx
    }
}
