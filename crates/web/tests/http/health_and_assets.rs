//! What a load balancer and a browser fetch before anything else: `/healthz` (which must
//! fail when the database is gone) and the embedded assets every page links.

use crate::common::*;

/// Every `/assets/…` a page links (stylesheet, scripts, icon) is served with its type and
/// exactly the bytes of `crates/web/assets/`; an unknown asset is 404. A missing `app.css`
/// or `htmx.min.js` fails here, not only in the browser.
#[tokio::test]
async fn every_asset_a_page_links_is_served() {
    let app = start().await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    let mut linked = std::collections::BTreeSet::new();
    for page in [
        client()
            .get(format!("{}/login", app.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        so.get(&app, &format!("/i/{DEMO_CODE}"))
            .await
            .text()
            .await
            .unwrap(),
    ] {
        for (at, _) in page.match_indices("\"/assets/") {
            let rest = &page[at + 1..];
            let path = &rest[..rest.find(['"', '?']).unwrap()];
            linked.insert(path.to_string());
        }
    }
    for needed in [
        "/assets/app.css",
        "/assets/app.js",
        "/assets/htmx.min.js",
        "/assets/favicon.svg",
    ] {
        assert!(linked.contains(needed), "{needed} is linked: {linked:?}");
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    for path in &linked {
        let r = client()
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        let want = match path.rsplit('.').next().unwrap() {
            "css" => "text/css",
            "js" => "javascript",
            "svg" => "image/svg+xml",
            other => panic!("unexpected asset type {other}"),
        };
        assert!(ct.contains(want), "{path}: {ct}");
        let body = r.bytes().await.unwrap();
        let on_disk = std::fs::read(dir.join(path.trim_start_matches("/assets/"))).unwrap();
        assert!(!on_disk.is_empty(), "{path}");
        assert_eq!(
            body.to_vec(),
            on_disk,
            "{path} is the file of the repository"
        );
    }
    let r = client()
        .get(format!("{}/assets/missing.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

/// `/healthz` answers 200 with the backend while the database answers, and 503 once the
/// database is gone (PostgreSQL: the server's database is dropped under it).
#[tokio::test]
async fn healthz_fails_when_the_database_is_gone() {
    for app in start_each().await {
        let r = client()
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert!(
            body["database"] == "sqlite" || body["database"] == "postgres",
            "{body}"
        );
    }
    let Some(db) = start_on_own_pg_database().await else {
        return;
    };
    let health = || async {
        client()
            .get(format!("{}/healthz", db.app.base))
            .send()
            .await
            .unwrap()
    };
    let r = health().await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["database"], "postgres");
    db.drop_database().await;
    let r = health().await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    // (The request middleware already fails on the database, so the answer is the error
    // page rather than the handler's JSON: the status is what a load balancer reads.)
    let body = r.text().await.unwrap();
    assert!(!body.contains("\"ok\""), "{body}");
}
