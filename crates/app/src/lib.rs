//! mamori's use cases, shared by the pages, the JSON API, the command line and the bench:
//! each loads what it needs, asks the one policy (`mamori_domain::policy`), applies the
//! domain's rules and saves through the store, which writes the audit event in the same
//! transaction. Nothing here knows about HTTP; a refusal is an [`Error`], which the web
//! layer turns into a status and a page or a JSON envelope.

pub mod access;
pub mod accounts;
pub mod answers;
pub mod approvals;
pub mod assessments;
pub mod asset_imports;
pub mod assets;
pub mod audit_log;
pub mod caller;
pub mod catalog_imports;
pub mod catalogs;
pub mod certifications;
pub mod clock;
pub mod contracts;
pub mod credentials;
pub mod demo;
pub mod demo_eos;
mod demo_more;
mod demo_network;
pub mod diagram;
pub mod documents;
pub mod eos;
pub mod error;
pub mod evidence;
pub mod exports;
pub mod feed_imports;
pub mod files;
pub mod inspector;
pub mod inventory;
pub mod invitations;
pub mod mail;
pub mod network;
pub mod notifications;
pub mod role_sharing;
pub mod role_sharing_exports;
pub mod sheet_standards;
pub mod standard_answers;
pub mod subcontractors;
pub mod systems;
pub mod throttle;
pub mod vendor_sheets;

use std::sync::{Arc, RwLock};

pub use caller::Caller;
pub use catalogs::Catalogs;
pub use error::{Error, Result, UnmetItem};
use mamori_store::{FeedStore, Store};

/// Limits the use cases apply (set from the server's configuration).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed secret checks (current password, TOTP code) per account within the window
    /// before further ones are refused.
    pub attempts_per_account: u32,
    /// The window of that count (seconds).
    pub attempt_window_secs: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            attempts_per_account: 5,
            attempt_window_secs: 15 * 60,
        }
    }
}

/// What every use case runs over: the store, the catalogs served, the clock, the mail
/// relay, the attempt counter. Cheap to clone.
#[derive(Clone)]
pub struct Ctx(Arc<Inner>);

struct Inner {
    store: Arc<dyn Store>,
    /// Replaced as a whole when an import is confirmed; readers keep the set they took.
    catalogs: RwLock<Arc<Catalogs>>,
    /// One reload at a time (a confirmation and the watcher of versions confirmed
    /// elsewhere), so that two never index the same new version at once.
    reload: tokio::sync::Mutex<()>,
    clock: Arc<dyn clock::Clock>,
    mail: mail::MailConfig,
    throttle: throttle::Throttle,
    limits: Limits,
    /// The feed database (global data, kept apart from the institutions'): an in-memory one
    /// until [`Ctx::set_feeds`] names the real one.
    feeds: RwLock<Arc<dyn FeedStore>>,
    /// The end-of-support data as last read, with the number of imports it was read at.
    eos: RwLock<Option<Arc<eos::EosData>>>,
}

impl Ctx {
    /// A context over `store` with the embedded catalogs (call [`Ctx::reload_catalogs`] to
    /// add the confirmed imports), the system clock and no mail relay.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Ctx::with(
            store,
            mail::MailConfig::default(),
            Limits::default(),
            Arc::new(clock::SystemClock),
        )
    }

    pub fn with(
        store: Arc<dyn Store>,
        mail: mail::MailConfig,
        limits: Limits,
        clock: Arc<dyn clock::Clock>,
    ) -> Self {
        let throttle = throttle::Throttle::new(store.clone(), limits.attempt_window_secs);
        Ctx(Arc::new(Inner {
            store,
            catalogs: RwLock::new(Arc::new(Catalogs {
                registry: catalogs::embedded(),
                imported: Default::default(),
                confirmed: 0,
            })),
            reload: tokio::sync::Mutex::new(()),
            clock,
            mail,
            throttle,
            limits,
            feeds: RwLock::new(Arc::new(LazyMemoryFeeds::default())),
            eos: RwLock::new(None),
        }))
    }

    pub fn store(&self) -> &dyn Store {
        self.0.store.as_ref()
    }
    pub fn store_arc(&self) -> Arc<dyn Store> {
        self.0.store.clone()
    }
    pub fn now(&self) -> i64 {
        self.0.clock.now_ms()
    }
    pub fn mail(&self) -> &mail::MailConfig {
        &self.0.mail
    }
    pub fn throttle(&self) -> &throttle::Throttle {
        &self.0.throttle
    }
    pub fn limits(&self) -> &Limits {
        &self.0.limits
    }
    /// The feed database.
    pub fn feeds(&self) -> Arc<dyn FeedStore> {
        match self.0.feeds.read() {
            Ok(f) => f.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
    /// Use `feeds` as the feed database (the server and the command line open it next to
    /// the main database: `mamori_store::open_feeds`).
    pub fn set_feeds(&self, feeds: Arc<dyn FeedStore>) {
        match self.0.feeds.write() {
            Ok(mut f) => *f = feeds,
            Err(poisoned) => *poisoned.into_inner() = feeds,
        }
        self.set_eos(None);
    }
    fn set_eos(&self, data: Option<Arc<eos::EosData>>) {
        match self.0.eos.write() {
            Ok(mut e) => *e = data,
            Err(poisoned) => *poisoned.into_inner() = data,
        }
    }
    pub(crate) fn eos_cached(&self) -> Option<Arc<eos::EosData>> {
        match self.0.eos.read() {
            Ok(e) => e.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
    pub(crate) fn set_eos_cache(&self, data: Arc<eos::EosData>) {
        self.set_eos(Some(data));
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
    /// Serve the embedded catalogs plus every confirmed import, and index them for search.
    /// Reload the catalogs when more imports are confirmed in the store than are served
    /// (confirmed by another process); true when it reloaded.
    pub async fn refresh_catalogs(&self) -> Result<bool> {
        let _one = self.0.reload.lock().await;
        let confirmed = self.store().confirmed_catalog_import_count().await?;
        if confirmed == self.catalogs().confirmed {
            return Ok(false);
        }
        self.reload_unlocked().await?;
        Ok(true)
    }

    pub async fn reload_catalogs(&self) -> Result<usize> {
        let _one = self.0.reload.lock().await;
        self.reload_unlocked().await
    }

    async fn reload_unlocked(&self) -> Result<usize> {
        let loaded = catalogs::load(self.store()).await?;
        let indexed = catalogs::sync(self.store(), &loaded).await?;
        self.set_catalogs(loaded);
        Ok(indexed)
    }
}

/// An in-memory feed database opened on first use: what a context has until it is given the
/// real one (tests, tools that never read feed data).
#[derive(Default)]
struct LazyMemoryFeeds(tokio::sync::OnceCell<mamori_store::SqliteFeedStore>);

impl LazyMemoryFeeds {
    async fn get(&self) -> mamori_store::Result<&mamori_store::SqliteFeedStore> {
        self.0
            .get_or_try_init(mamori_store::SqliteFeedStore::memory)
            .await
    }
}

#[async_trait::async_trait]
impl FeedStore for LazyMemoryFeeds {
    async fn import_eos(
        &self,
        import: &mamori_store::NewFeedImport,
        products: &[mamori_store::EosProductRecord],
    ) -> mamori_store::Result<mamori_store::FeedImport> {
        self.get().await?.import_eos(import, products).await
    }
    async fn eos_products(&self) -> mamori_store::Result<Vec<mamori_store::EosProductRecord>> {
        self.get().await?.eos_products().await
    }
    async fn feed_imports(
        &self,
        kind: &str,
        limit: i64,
    ) -> mamori_store::Result<Vec<mamori_store::FeedImport>> {
        self.get().await?.feed_imports(kind, limit).await
    }
    async fn feed_generation(&self) -> mamori_store::Result<i64> {
        self.get().await?.feed_generation().await
    }
}
