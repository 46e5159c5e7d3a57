//! Shared application state and configuration of the web layer.

use crate::throttle::Throttle;
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
        }
    }
}

/// The catalogs served: the embedded ones and the confirmed imports.
#[derive(Debug, Default)]
pub struct Catalogs {
    pub registry: mamori_catalog::Registry,
    /// Ids of the versions that came from an import (not shipped with this release).
    pub imported: std::collections::BTreeSet<String>,
}

impl std::ops::Deref for Catalogs {
    type Target = mamori_catalog::Registry;
    fn deref(&self) -> &Self::Target {
        &self.registry
    }
}

pub struct Inner {
    pub store: Arc<dyn Store>,
    /// Replaced as a whole when an import is confirmed; readers keep the set they took.
    pub catalogs: std::sync::RwLock<Arc<Catalogs>>,
    pub cfg: WebConfig,
    pub throttle: Throttle,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Arc<dyn Store>, cfg: WebConfig) -> Self {
        let throttle = Throttle::new(store.clone(), cfg.login_window_secs);
        let registry = crate::catalogs::embedded();
        AppState(Arc::new(Inner {
            store,
            catalogs: std::sync::RwLock::new(Arc::new(Catalogs {
                registry,
                imported: Default::default(),
            })),
            cfg,
            throttle,
        }))
    }
    pub fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }
    pub fn cfg(&self) -> &WebConfig {
        &self.0.cfg
    }
    /// The catalogs as they are now (a snapshot: an import confirmed meanwhile is not in it).
    pub fn catalogs(&self) -> Arc<Catalogs> {
        match self.0.catalogs.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
    /// Replace the catalogs served.
    pub fn set_catalogs(&self, catalogs: Catalogs) {
        let new = Arc::new(catalogs);
        match self.0.catalogs.write() {
            Ok(mut c) => *c = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}
