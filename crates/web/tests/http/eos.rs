//! End of support (issue 13 item 6): the platform administrator imports the shared
//! end-of-support folder (endoflife.date, distro-info-data) as a zip — or the committed
//! fixtures when the folder is absent — then a Windows Server 2012 R2 server linked to
//! windows-server/2012-r2 shows サポート終了 on the ledger, its page, the dashboard and the
//! API, and a RHEL 9 server linked to rhel/9 does not. Uploads are the administrator's
//! only; a file that is not data, a broken zip or one over the limit is refused in
//! Japanese and nothing is written; a re-import rewrites nothing.

use crate::common::*;
use std::io::Write;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../feeds/tests/fixtures/eos")
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/feeds/eos");
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "{} absent: importing the committed fixtures instead",
            p.display()
        );
        None
    }
}

/// A zip of every file under `dir`, named relative to it.
fn zip_dir(dir: &Path) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
        } else {
            files.push(p);
        }
    }
    files.sort();
    for f in files {
        let name = f
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

async fn new_asset(so: &Session, app: &App, name: &str, os: &str, version: &str) -> String {
    let r = so
        .json(
            app,
            Method::POST,
            "/api/v1/institutions/1311234569/assets",
            Some(json!({"name": name, "kind": "server", "os": os, "os_version": version})),
        )
        .await;
    assert_eq!(r.status(), 201);
    r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The ledger row of the entry named `name` (its `<tr>`).
fn row<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html.find(&format!(">{name}</a>")).expect("row listed");
    let start = html[..at].rfind("<tr>").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    &html[start..end]
}

#[tokio::test]
async fn eos_import_of_the_shared_data_shows_windows_2012_r2_passed_and_rhel_9_not() {
    let app = start().await;
    let admin = login_with_totp(&app, "admin@mamori.example").await;
    let (dir, expect_products) = match shared() {
        Some(p) => (p, 73),
        None => (fixtures(), 6),
    };
    let zip = zip_dir(&dir);
    let r = admin
        .post_file(&app, "/admin/feeds/eos", &[], "eos.zip", zip.clone())
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("data-testid=\"feed-imported\""), "{html}");
    assert!(
        html.contains(&format!("取り込みました: 製品 {expect_products} 件")),
        "{html}"
    );
    assert!(html.contains("windows-server.md"));
    assert!(html.contains("Data from endoflife.date (MIT)"));
    assert!(html.contains("distro-info-data (ISC)"));
    // The feed page lists the import with its counts and who did it.
    let page = admin.get(&app, "/admin/feeds").await.text().await.unwrap();
    assert!(page.contains("admin@mamori.example"), "{page}");
    assert!(page.contains("data-testid=\"feed-imports\""));

    // The same zip again through the API: nothing rewritten.
    let (_, token) = admin.new_token(&app, "feeds").await;
    let r = api_upload(&app, &token, "/api/v1/feeds/eos", &[], "eos.zip", zip).await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["changed"], 0, "{report}");
    assert_eq!(report["products"], expect_products);
    let status: Value = api_call(&app, &token, Method::GET, "/api/v1/feeds/eos", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["imports"].as_array().unwrap().len(), 2);
    assert_eq!(status["products"], expect_products);

    // Two servers: suggestions from their OS, confirmed by the security officer.
    let so = login(&app, "anzen@sakura.example.jp").await;
    let win = new_asset(&so, &app, "旧画像サーバ", "Windows Server", "2012 R2").await;
    let rhel = new_asset(&so, &app, "検査サーバ", "Red Hat Enterprise Linux", "9").await;
    let section: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/assets/{win}/eos"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let first = &section["suggestions"][0];
    assert_eq!(
        (first["product"].as_str(), first["cycle"].as_str()),
        (Some("windows-server"), Some("2012-r2")),
        "{section}"
    );
    assert_eq!(section["eos"]["standing"], "unknown");
    // The page: the suggestion offered with a button; confirmed there.
    let page = so
        .get(&app, &format!("/ledger/{win}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("サポート期限(EOS)") && page.contains("data-testid=\"eos-confirm\""));
    let r = so
        .form(
            &app,
            &format!("/ledger/{win}/eos"),
            &[("product", "windows-server"), ("cycle", "2012-r2")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // The API for the other.
    let r = so
        .json(
            &app,
            Method::PUT,
            &format!("/api/v1/assets/{rhel}/eos"),
            Some(json!({"product": "rhel", "cycle": "9"})),
        )
        .await;
    assert_eq!(r.status(), 200);
    let rh: Value = r.json().await.unwrap();
    assert_eq!(rh["eos"]["standing"], "supported", "{rh}");
    assert_eq!(rh["eos"]["eos_on"], "2032-05-31");
    assert_eq!(rh["link_version"], 1);

    let w: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/assets/{win}/eos"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w["eos"]["standing"], "passed", "{w}");
    assert_eq!(w["eos"]["eos_on"], "2023-10-10");
    assert_eq!(w["eos"]["basis"], "link");
    assert_eq!(w["eos"]["attribution"], "Data from endoflife.date (MIT)");

    // The ledger: サポート終了 on the Windows row, no badge on the RHEL row; attribution.
    let list = so
        .get(&app, "/i/1311234569/ledger")
        .await
        .text()
        .await
        .unwrap();
    let wrow = row(&list, "旧画像サーバ");
    assert!(
        wrow.contains("2023-10-10") && wrow.contains("サポート終了"),
        "{wrow}"
    );
    let rrow = row(&list, "検査サーバ");
    assert!(
        rrow.contains("2032-05-31") && !rrow.contains("eos-badge"),
        "{rrow}"
    );
    assert!(list.contains("Data from endoflife.date (MIT)"));
    // The asset page.
    let page = so
        .get(&app, &format!("/ledger/{win}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("サポート終了") && page.contains("Windows Server 2012 R2"));
    assert!(page.contains("data-testid=\"eos-remove\""));
    assert!(page.contains("Data from endoflife.date (MIT)"));
    // The dashboard lists the Windows server, linking to it, and not the RHEL one.
    let dash = so.get(&app, "/i/1311234569").await.text().await.unwrap();
    let at = dash.find("data-testid=\"eos-panel\"").expect("panel shown");
    let panel = &dash[at..at + dash[at..].find("</section>").unwrap()];
    assert!(
        panel.contains(&format!("href=\"/ledger/{win}\"")),
        "{panel}"
    );
    assert!(!panel.contains(&rhel));
    let listed: Value = so
        .json(
            &app,
            Method::GET,
            "/api/v1/institutions/1311234569/eos",
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["asset_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&win.as_str()) && !ids.contains(&rhel.as_str()));

    // Removing the link (at its version; a stale one is 409): the manual date applies.
    let stale = so
        .json(
            &app,
            Method::DELETE,
            &format!("/api/v1/assets/{win}/eos?version=7"),
            None,
        )
        .await;
    assert_eq!(stale.status(), 409);
    let r = so
        .form(
            &app,
            &format!("/ledger/{win}/eos/remove"),
            &[("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let w: Value = so
        .json(
            &app,
            Method::GET,
            &format!("/api/v1/assets/{win}/eos"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w["eos"]["basis"], "none");
    let actions: Vec<String> = app
        .store
        .audit_events(&mamori_store::AuditFilter {
            institution_id: demo_institution(&app).await.id,
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("asset.eos_"))
            .count(),
        3
    );
}

#[tokio::test]
async fn eos_uploads_are_the_platform_administrators_and_bad_files_are_refused_in_japanese() {
    let app = start_with(WebConfig {
        max_upload_bytes: 256 * 1024,
        ..WebConfig::default()
    })
    .await;
    let so = login(&app, "anzen@sakura.example.jp").await;
    assert_eq!(so.get(&app, "/admin/feeds").await.status(), 403);
    let r = so
        .post_file(&app, "/admin/feeds/eos", &[], "rhel.md", b"---\n".to_vec())
        .await;
    assert_eq!(r.status(), 403);
    let (_, so_token) = so.new_token(&app, "so").await;
    let r = api_upload(
        &app,
        &so_token,
        "/api/v1/feeds/eos",
        &[],
        "x.md",
        b"x".to_vec(),
    )
    .await;
    assert_eq!(r.status(), 403);

    let admin = login_with_totp(&app, "admin@mamori.example").await;
    let heads = || async { app.store.audit_heads().await.unwrap() };
    let before = heads().await;
    // Not data (a PNG), a broken zip: 422 with the reason in Japanese, nothing written.
    let r = admin
        .post_file(
            &app,
            "/admin/feeds/eos",
            &[],
            "photo.png",
            b"\x89PNG\r\n\x1a\n...".to_vec(),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("取り込めるサポート期限のデータがありません"));
    let r = admin
        .post_file(
            &app,
            "/admin/feeds/eos",
            &[],
            "eos.zip",
            b"PK\x03\x04broken".to_vec(),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("zip ファイルとして読み込めません"));
    // A broken product page: nothing written, unless the good files are asked for.
    let zip = {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("rhel.md", o).unwrap();
        w.write_all(&std::fs::read(fixtures().join("rhel.md")).unwrap())
            .unwrap();
        w.start_file("broken.md", o).unwrap();
        w.write_all(b"---\ntitle: [unclosed\n---\n").unwrap();
        w.finish().unwrap().into_inner()
    };
    let r = admin
        .post_file(&app, "/admin/feeds/eos", &[], "eos.zip", zip.clone())
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("読み込めないファイルがあるため、何も取り込みませんでした"),
        "{html}"
    );
    assert!(html.contains("broken.md"));
    assert_eq!(heads().await, before, "nothing audited, nothing written");
    let (_, token) = admin.new_token(&app, "feeds").await;
    let status: Value = api_call(&app, &token, Method::GET, "/api/v1/feeds/eos", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["products"], 0);
    let r = api_upload(
        &app,
        &token,
        "/api/v1/feeds/eos",
        &[],
        "eos.zip",
        zip.clone(),
    )
    .await;
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.unwrap();
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("何も取り込みませんでした"));
    let r = api_upload(
        &app,
        &token,
        "/api/v1/feeds/eos",
        &[("skip_bad", "1")],
        "eos.zip",
        zip,
    )
    .await;
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["products"], 1);
    assert_eq!(report["failed"].as_array().unwrap().len(), 1);
    // Over the upload limit: refused (413) with a Japanese message.
    let big = vec![b'a'; 300 * 1024];
    let r = admin
        .post_file(&app, "/admin/feeds/eos", &[], "big.md", big)
        .await;
    assert_eq!(r.status(), 413);
    let body = r.text().await.unwrap();
    assert!(
        body.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)),
        "{body}"
    );
}
