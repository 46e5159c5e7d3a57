//! Arbitrary request bodies never crash a handler (property test).

use crate::common::*;
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
                ("/i/1311234569/members", "application/x-www-form-urlencoded", body.clone()),
                ("/api/v1/institutions/1311234569/members", "application/json", json_like.clone().into_bytes()),
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
