//! `mamori feeds import --kind eos PATH`: the committed fixtures (and the shared folder when
//! present) into the feed database beside the main file, file by file with a summary;
//! idempotent; a bad file refuses the whole import unless --skip-bad; audited in the
//! global chain.

use super::*;

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../feeds/tests/fixtures/eos")
}

async fn audit_count(data: &std::path::Path) -> i64 {
    use sqlx::ConnectOptions;
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(data.join("mamori.db"))
        .read_only(true)
        .connect()
        .await
        .unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'feed.import' AND chain = 'global'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    n
}

#[tokio::test]
async fn feeds_import_eos_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let fx = fixtures();
    let import = |path: &str, extra: &[&str]| {
        let mut a = vec!["feeds", "import", "--kind", "eos", path, "--data-dir", data];
        a.extend_from_slice(extra);
        run(&a)
    };
    let o = import(fx.to_str().unwrap(), &[]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("読み込み中: ") && t.contains("windows-server.md"),
        "{t}"
    );
    assert!(
        t.contains("対象外: LICENSE.endoflife-date (licence text)"),
        "{t}"
    );
    assert!(t.contains("取り込みました: 製品 6 件"), "{t}");
    assert!(t.contains("Data from endoflife.date (MIT)"), "{t}");
    assert!(t.contains("distro-info-data (ISC)"), "{t}");
    assert!(dir.path().join("feeds.sqlite").exists());
    // Again: the same rows, nothing rewritten; each import audited.
    let again = import(fx.to_str().unwrap(), &[]);
    assert!(
        text(&again).contains("更新された製品 0 件"),
        "{}",
        text(&again)
    );
    assert_eq!(audit_count(dir.path()).await, 2);

    // A broken file among good ones: nothing written (exit 1) unless --skip-bad.
    let mixed = dir.path().join("mixed");
    std::fs::create_dir(&mixed).unwrap();
    std::fs::copy(fx.join("rhel.md"), mixed.join("rhel.md")).unwrap();
    std::fs::write(mixed.join("broken.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    let o = import(mixed.to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("失敗: "), "{}", text(&o));
    assert!(
        text(&o).contains("何も取り込みませんでした"),
        "{}",
        text(&o)
    );
    assert_eq!(audit_count(dir.path()).await, 2);
    let o = import(mixed.to_str().unwrap(), &["--skip-bad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("取り込みました: 製品 1 件"),
        "{}",
        text(&o)
    );
    assert_eq!(audit_count(dir.path()).await, 3);

    // Nothing to read, an unknown kind: refused.
    let o = import(fx.join("README.md").to_str().unwrap(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let o = run(&[
        "feeds",
        "import",
        "--kind",
        "nvd",
        fx.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("未対応のフィードの種類"), "{}", text(&o));
}

#[tokio::test]
async fn feeds_import_of_the_shared_folder() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/feeds/eos");
    if !shared.exists() {
        eprintln!(
            "{} absent: the shared folder's import is not tested",
            shared.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let o = run(&[
        "feeds",
        "import",
        "--kind",
        "eos",
        shared.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(0), "{t}");
    assert!(
        t.contains("取り込みました: 製品 73 件、サイクル 1508 件"),
        "{t}"
    );
    assert!(
        t.contains("対象外: endoflife.date/api_v1/openapi.yml"),
        "{t}"
    );
}
