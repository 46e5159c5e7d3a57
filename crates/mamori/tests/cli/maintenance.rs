//! `mamori throttle clear`: a lock-out (e.g. many failed sign-ins through one proxy
//! address) is lifted from the command line, and the clearing is audited.

use super::*;

#[tokio::test]
async fn throttle_clear_lifts_every_limit_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    // A database with throttled keys: the store as the server would fill it.
    let global_before = {
        let store = mamori_store::SqliteStore::open(&dir.path().join("mamori.db"))
            .await
            .unwrap();
        use mamori_store::ThrottleStore;
        for key in ["a", "b"] {
            for t in 0..3 {
                store
                    .throttle_attempt(key, 3, 900_000, t)
                    .await
                    .unwrap()
                    .unwrap();
            }
        }
        global_seq(&store).await
    };
    let out = run(&["throttle", "clear", "--data-dir", &data]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2 件"), "{}", text(&out));
    let store = mamori_store::SqliteStore::open(&dir.path().join("mamori.db"))
        .await
        .unwrap();
    use mamori_store::ThrottleStore;
    assert_eq!(
        store.throttle_attempt("a", 3, 900_000, 4).await.unwrap(),
        Ok(())
    );
    assert_eq!(
        global_seq(&store).await,
        global_before + 1,
        "one audit event"
    );
    // The audit chain stays intact.
    let out = run(&["audit", "verify", "--data-dir", &data]);
    assert!(out.status.success(), "{}", text(&out));
}

async fn global_seq(store: &dyn mamori_store::Store) -> i64 {
    store
        .audit_heads()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.chain == "global")
        .map(|h| h.seq)
        .unwrap_or(0)
}
