//! The server a test talks to: the real router on loopback, on SQLite or PostgreSQL.

use super::*;

pub struct App {
    pub base: String,
    pub store: Arc<dyn Store>,
    pub _dir: tempfile::TempDir,
    pub _stop: tokio::sync::oneshot::Sender<()>,
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
