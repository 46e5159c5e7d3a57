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
        }
    }
}

pub struct Inner {
    pub store: Arc<dyn Store>,
    /// The embedded catalogs, parsed once at start-up.
    pub catalogs: mamori_catalog::Registry,
    pub cfg: WebConfig,
    pub throttle: Throttle,
}

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

impl AppState {
    pub fn new(store: Arc<dyn Store>, cfg: WebConfig) -> Self {
        let throttle = Throttle::new(cfg.login_window_secs);
        // The embedded files are validated by the test suite; should one ever fail to
        // parse, the product still starts and says so in the log.
        let catalogs = mamori_catalog::Registry::embedded().unwrap_or_else(|e| {
            tracing::error!(error = %e, "embedded catalogs could not be parsed");
            mamori_catalog::Registry::default()
        });
        AppState(Arc::new(Inner {
            store,
            catalogs,
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
    pub fn catalogs(&self) -> &mamori_catalog::Registry {
        &self.0.catalogs
    }
}
