//! The server a test talks to: the real router on loopback, on SQLite or PostgreSQL.

use super::*;

pub struct App {
    pub base: String,
    pub store: Arc<dyn Store>,
    /// The PostgreSQL pool under `store` (its private schema), when on PostgreSQL: for tests
    /// that hold row locks or tamper with rows.
    pub pg: Option<sqlx::PgPool>,
    pub _dir: tempfile::TempDir,
    pub _stop: tokio::sync::oneshot::Sender<()>,
}

impl App {
    /// A second server process on the same database (a restart, or a second node).
    pub async fn second_server(&self, cfg: WebConfig) -> App {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(self.store.clone(), cfg);
        tokio::spawn(mamori_web::serve(listener, state, std::future::pending()));
        App {
            base,
            store: self.store.clone(),
            pg: self.pg.clone(),
            _dir: tempfile::tempdir().unwrap(),
            _stop: tokio::sync::oneshot::channel().0,
        }
    }
}

/// `TEST_DATABASE_URL`, which CI must set: a test that needs PostgreSQL fails there without
/// it, and is skipped (returns `None`) elsewhere.
pub fn pg_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => Some(url),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("CI runs the HTTP suite on PostgreSQL too: set TEST_DATABASE_URL")
        }
        Err(_) => None,
    }
}

/// The app on PostgreSQL (a private schema of its own), when `TEST_DATABASE_URL` is set.
pub async fn start_pg() -> Option<App> {
    let url = pg_url()?;
    let pg = mamori_store::PgStore::connect_private_schema(&url)
        .await
        .unwrap();
    let pool = pg.raw_pool().clone();
    let dir = tempfile::tempdir().unwrap();
    let mut app = start_on(Arc::new(pg), dir, WebConfig::default()).await;
    app.pg = Some(pool);
    Some(app)
}

/// An app on a PostgreSQL database of its own (created for the test), so the test can drop
/// the whole database under the running server.
pub struct OwnDatabase {
    pub app: App,
    admin_url: String,
    name: String,
}

impl OwnDatabase {
    /// `DROP DATABASE … WITH (FORCE)`: the server's connections are cut and it cannot
    /// reconnect.
    pub async fn drop_database(&self) {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&self.admin_url).await.unwrap();
        sqlx::query(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .execute(&mut c)
            .await
            .unwrap();
    }
}

pub async fn start_on_own_pg_database() -> Option<OwnDatabase> {
    use sqlx::Connection;
    let admin_url = pg_url()?;
    let id = mamori_store::new_id().replace('-', "");
    let name = format!("mamori_gone_{}", &id[..12]);
    let mut c = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .await
        .unwrap();
    let head = admin_url.split('?').next().unwrap();
    let url = format!("{}/{name}", &head[..head.rfind('/').unwrap()]);
    let pg = mamori_store::PgStore::connect(&url).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = start_on(Arc::new(pg), dir, WebConfig::default()).await;
    Some(OwnDatabase {
        app,
        admin_url,
        name,
    })
}

pub async fn start_with(cfg: WebConfig) -> App {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.path().join("m.db")).await.unwrap());
    start_on(store, dir, cfg).await
}

/// The apps a test runs on: SQLite, and PostgreSQL (a private schema) when
/// `TEST_DATABASE_URL` is set — which CI must do.
pub async fn start_each() -> Vec<App> {
    let mut apps = vec![start().await];
    apps.extend(start_pg().await);
    apps
}

pub async fn start_on(store: Arc<dyn Store>, dir: tempfile::TempDir, cfg: WebConfig) -> App {
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
        pg: None,
        _dir: dir,
        _stop: tx,
    }
}

pub async fn start() -> App {
    start_with(WebConfig::default()).await
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

pub struct SqlitePools {
    pub pool: sqlx::SqlitePool,
}

/// Open the test's database file directly (a second writer, as a tamperer would).
pub fn pools(app: &App) -> SqlitePools {
    let path = app._dir.path().join("m.db");
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(std::time::Duration::from_secs(5));
    SqlitePools {
        pool: sqlx::SqlitePool::connect_lazy_with(opts),
    }
}
