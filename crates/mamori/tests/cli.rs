//! The `mamori` binary as a user runs it: real processes, real files, real ports.

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

#[path = "cli/assets.rs"]
mod assets;
#[path = "cli/audit_anchor.rs"]
mod audit_anchor;
#[path = "cli/config.rs"]
mod config;
#[path = "cli/feeds.rs"]
mod feeds;

const BIN: &str = env!("CARGO_BIN_EXE_mamori");

fn mamori(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("MAMORI_") {
            c.env_remove(k);
        }
    }
    c
}

fn run(args: &[&str]) -> Output {
    mamori(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Server {
    child: Option<Child>,
    base: String,
}

impl Server {
    fn into_child(mut self) -> Child {
        self.child.take().expect("child present until taken")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

async fn serve(extra: &[&str]) -> Server {
    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let mut args = vec!["serve", "--bind", &bind];
    args.extend_from_slice(extra);
    let child = mamori(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Owned by the guard from here on: killed and waited for even if the start fails.
    let server = Server {
        child: Some(child),
        base: format!("http://{bind}"),
    };
    let c = reqwest::Client::new();
    for _ in 0..150 {
        if c.get(format!("{}/healthz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("mamori serve did not become healthy");
}

async fn sign_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let m = "name=\"_csrf\" value=\"";
    let at = page.find(m).unwrap() + m.len();
    let csrf = &page[at..at + page[at..].find('"').unwrap()];
    let r = c
        .post(format!("{base}/login"))
        .form(&[("email", email), ("password", password), ("_csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in of {email}");
    c
}

#[tokio::test]
async fn demo_start_sessions_survive_restart_and_demo_loads_only_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let s = serve(&["--demo", "--data-dir", data]).await;
    let health: serde_json::Value = reqwest::get(format!("{}/healthz", s.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["database"], "sqlite");
    assert!(dir.path().join("mamori.db").exists());
    let c = sign_in(&s.base, "anzen@sakura.example.jp", "sakura-demo-2026").await;
    assert_eq!(
        c.get(format!("{}/i/1311234569", s.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    drop(s);
    // The session lives in the database: it survives a restart. The demo is not loaded twice.
    let s = serve(&["--demo", "--data-dir", data]).await;
    assert_eq!(
        c.get(format!("{}/i/1311234569", s.base))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let mut child = s.into_child();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(
        text(&out).contains("既にデータがあるため"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn user_and_token_commands_and_the_token_works() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let s = serve(&["--demo", "--data-dir", data]).await;
    let out = run(&[
        "user",
        "create",
        "--email",
        "New@Sakura.example.jp",
        "--name",
        "新任 者",
        "--institution",
        "1311234569",
        "--role",
        "planning_manager",
        "--data-dir",
        data,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let pw = text(&out)
        .lines()
        .find_map(|l| l.strip_prefix("初期パスワード: "))
        .unwrap()
        .to_string();
    sign_in(&s.base, "new@sakura.example.jp", &pw).await;
    // Duplicates, bad roles and weak passwords are refused with a clear message.
    let dup = run(&[
        "user",
        "create",
        "--email",
        "new@sakura.example.jp",
        "--name",
        "x",
        "--data-dir",
        data,
    ]);
    assert_eq!(dup.status.code(), Some(2));
    assert!(text(&dup).contains("既に存在します"));
    let bad_role = run(&[
        "user",
        "create",
        "--email",
        "r@example.jp",
        "--name",
        "x",
        "--institution",
        "1311234569",
        "--role",
        "platform_admin",
        "--data-dir",
        data,
    ]);
    assert!(text(&bad_role).contains("付与できない役割"));
    let mut weak = mamori(&[
        "user",
        "create",
        "--email",
        "w@example.jp",
        "--name",
        "x",
        "--password-stdin",
        "--data-dir",
        data,
    ])
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    weak.stdin
        .take()
        .unwrap()
        .write_all(b"password1234\n")
        .unwrap();
    let weak = weak.wait_with_output().unwrap();
    assert!(
        text(&weak).contains("パスワードが規則に合いません"),
        "{}",
        text(&weak)
    );

    let out = run(&[
        "token",
        "create",
        "--user",
        "anzen@sakura.example.jp",
        "--name",
        "CLI",
        "--days",
        "7",
        "--data-dir",
        data,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/me", s.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["email"], "anzen@sakura.example.jp");
    let unknown = run(&[
        "token",
        "create",
        "--user",
        "nobody@example.jp",
        "--data-dir",
        data,
    ]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[tokio::test]
async fn audit_verify_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    {
        let _s = serve(&["--demo", "--data-dir", data]).await;
    }
    let ok = run(&["audit", "verify", "--data-dir", data]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("監査チェーンは完全です"));
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}/mamori.db", data))
        .await
        .unwrap();
    let (id,): (String,) =
        sqlx::query_as("SELECT id FROM audit_events WHERE chain = 'global' AND seq = 3")
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query(
        "UPDATE audit_events SET changes = '{\"email\":\"mallory@example.jp\"}' WHERE id = $1",
    )
    .bind(&id)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let bad = run(&["audit", "verify", "--data-dir", data]);
    assert_eq!(bad.status.code(), Some(1));
    let out = text(&bad);
    assert!(
        out.contains("改ざんを検出") && out.contains(&id) && out.contains("seq 3"),
        "{out}"
    );
}

#[test]
fn configuration_rejects_unknown_keys_and_variables() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("mamori.toml");
    std::fs::write(&cfg, "bind = \"127.0.0.1:1\"\nsesion_idle_secs = 10\n").unwrap();
    let out = run(&[
        "audit",
        "verify",
        "--config",
        cfg.to_str().unwrap(),
        "--data-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("設定ファイルに誤りがあります")
            && text(&out).contains("sesion_idle_secs"),
        "{}",
        text(&out)
    );
    let clean = tempfile::tempdir().unwrap();
    let out = mamori(&[
        "audit",
        "verify",
        "--data-dir",
        clean.path().to_str().unwrap(),
    ])
    .env("MAMORI_BINDD", "x")
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("不明な環境変数です: MAMORI_BINDD"));
    let out = mamori(&[
        "audit",
        "verify",
        "--data-dir",
        clean.path().to_str().unwrap(),
    ])
    .env("MAMORI_SESSION_IDLE_SECS", "abc")
    .output()
    .unwrap();
    assert!(text(&out).contains("MAMORI_SESSION_IDLE_SECS の値が正しくありません"));
}

#[tokio::test]
async fn the_same_product_runs_on_postgresql() {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("TEST_DATABASE_URL not set: skipped");
        return;
    };
    let schema = format!("mamori_cli_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query("ALTER EXTENSION pg_trgm SET SCHEMA public")
        .execute(&admin)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = format!("{url}{sep}options=-c%20search_path%3D{schema}%2Cpublic");
    let dir = tempfile::tempdir().unwrap();
    {
        let s = serve(&[
            "--demo",
            "--database-url",
            &db,
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .await;
        let health: serde_json::Value = reqwest::get(format!("{}/healthz", s.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["database"], "postgres");
        let c = sign_in(&s.base, "anzen@sakura.example.jp", "sakura-demo-2026").await;
        assert_eq!(
            c.get(format!("{}/i/1311234569/audit", s.base))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert!(
        !dir.path().join("mamori.db").exists(),
        "no SQLite file when PostgreSQL is used"
    );
    let ok = run(&["audit", "verify", "--database-url", &db]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
}

#[test]
fn catalog_commands_check_list_search_and_import() {
    let out = run(&["catalog", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let list = text(&run(&["catalog", "list"]));
    assert!(list.contains("mhlw/cyber-checklist-institution@R6") && list.contains("partial"));
    let found = text(&run(&["catalog", "search", "台帳"]));
    assert!(found.contains("【台帳】"), "{found}");
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r8.csv");
    std::fs::write(&csv, "項番,チェック項目\n1-(1),医療情報システム安全管理責任者を設置している。\n2-(1),新しい文言。\n").unwrap();
    let target = dir.path().join("out.toml");
    let data = dir.path().join("data");
    let args_as = |yes: bool, id: &'static str| {
        let mut a = vec![
            "catalog",
            "import",
            csv.to_str().unwrap(),
            "--as",
            id,
            "--published",
            "2026-06",
            "--data-dir",
            data.to_str().unwrap(),
        ];
        if yes {
            a.push("--yes");
        } else {
            a.extend(["--out", target.to_str().unwrap()]);
        }
        a
    };
    let args = |yes: bool| args_as(yes, "mhlw/cyber-checklist-institution@R8");
    // Without --yes: the preview (how the sheet was read, the diff, partial unless declared)
    // and, with --out, the catalog file for review; nothing in the database.
    let preview = run(&args(false));
    assert_eq!(preview.status.code(), Some(0), "{}", text(&preview));
    for needle in ["差分", "--yes", "見出し行 1", "一部のみ"] {
        assert!(
            text(&preview).contains(needle),
            "{needle}: {}",
            text(&preview)
        );
    }
    let check = run(&["catalog", "check", target.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let served = |cmd: &[&str]| {
        let mut a = vec!["catalog"];
        a.extend_from_slice(cmd);
        a.extend(["--data-dir", data.to_str().unwrap()]);
        text(&run(&a))
    };
    assert!(!served(&["list"]).contains("@R8"), "not confirmed yet");
    let done = run(&args(true));
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    // Confirmed: listed and searchable from the database (a running server serves it too,
    // see the HTTP test a_version_confirmed_elsewhere_is_served_without_a_restart).
    assert!(served(&["list"]).contains("mhlw/cyber-checklist-institution@R8"));
    assert!(served(&["search", "新しい文言"]).contains("@R8"));
    // The confirmed version is in the database: the same id is refused the second time, and
    // the next version compares with it (R8 is now the latest).
    let again = run(&args(false));
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("既にあります"), "{}", text(&again));
    let verify = run(&["audit", "verify", "--data-dir", data.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    std::fs::write(&csv, "項番,チェック項目\n1-(1),a\n1-(1),b\n").unwrap();
    let dup = run(&args_as(false, "mhlw/cyber-checklist-institution@R9"));
    assert_eq!(dup.status.code(), Some(1));
    assert!(
        text(&dup).contains("行 3, 列 A") && text(&dup).contains("重複"),
        "{}",
        text(&dup)
    );
}

#[tokio::test]
async fn export_role_sharing_and_matrix_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    {
        let _s = serve(&["--demo", "--data-dir", data]).await;
    }
    let out = dir.path().join("b.xlsx");
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "export",
            "role-sharing",
            "--institution",
            "1311234569",
            "--vendor",
            "B社",
            "--out",
            out.to_str().unwrap(),
            "--data-dir",
            data,
        ];
        a.extend_from_slice(extra);
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let a = args(&[]);
    let ok = run(&refs(&a));
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04") && bytes.len() > 4000);
    // Read back, not only recognised: B社's sheet, its answered items, dates in 和暦.
    let wareki = xlsx_cells(&out);
    let row_of = |rows: &[Vec<String>], number: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == number))
            .cloned()
            .unwrap_or_else(|| panic!("{number} exported: {rows:?}"))
    };
    assert!(wareki.iter().any(|r| r == &["事業者", "B社"]), "{wareki:?}");
    let answered = wareki
        .iter()
        .filter(|r| r.len() > 3 && (r[3].starts_with("はい") || r[3].starts_with("いいえ")))
        .count();
    assert!(answered >= 5, "answered items exported: {wareki:?}");
    let a1 = row_of(&wareki, "Part1 A1");
    assert_eq!(a1[3], "いいえ(令和6年10月15日)");
    assert_eq!(a1[4], "令和6年11月20日");
    assert_eq!(a1[7], "B社の MDS/SDS の提出を受けて確認した。");
    let again = run(&refs(&a));
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("--force"), "{}", text(&again));
    let forced = args(&["--force", "--dates", "seireki"]);
    assert_eq!(run(&refs(&forced)).status.code(), Some(0));
    let seireki = xlsx_cells(&out);
    assert_eq!(seireki.len(), wareki.len(), "the same rows");
    let a1 = row_of(&seireki, "Part1 A1");
    assert_eq!(
        (a1[3].as_str(), a1[4].as_str()),
        ("いいえ(2024年10月15日)", "2024年11月20日")
    );
    let mut unknown = args(&["--force"]);
    unknown[5] = "Z社".into();
    let r = run(&refs(&unknown));
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("契約のある事業者: A社、B社、C社"),
        "{}",
        text(&r)
    );
    let m = dir.path().join("m.xlsx");
    let r = run(&[
        "export",
        "matrix",
        "--institution",
        "1311234569",
        "--out",
        m.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(std::fs::read(&m).unwrap().starts_with(b"PK"));
    let matrix = xlsx_cells(&m).concat();
    for vendor in ["A社", "B社", "C社"] {
        assert!(
            matrix.iter().any(|c| c.contains(vendor)),
            "{vendor} in the matrix: {matrix:?}"
        );
    }
    let c = dir.path().join("checklist.xlsx");
    let r = run(&[
        "export",
        "checklist",
        "--institution",
        "1311234569",
        "--fiscal-year",
        "2024",
        "--out",
        c.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(std::fs::read(&c).unwrap().starts_with(b"PK"));
    let checklist = xlsx_cells(&c).concat();
    assert!(
        checklist.iter().any(|c| c.contains("令和6年度")),
        "{checklist:?}"
    );
    assert!(checklist.iter().any(|c| c == "1-(1)"), "{checklist:?}");
    assert!(checklist.iter().any(|c| c == "はい"), "answers exported");
    let p = dir.path().join("checklist.pdf");
    let r = run(&[
        "export",
        "checklist",
        "--institution",
        "1311234569",
        "--fiscal-year",
        "2024",
        "--out",
        p.to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    let pdf = std::fs::read(&p).unwrap();
    assert!(
        pdf.starts_with(b"%PDF-") && pdf.len() > 10_000,
        "{}",
        pdf.len()
    );
    assert!(
        pdf.trim_ascii_end().ends_with(b"%%EOF"),
        "a complete PDF, not a truncated one"
    );
    let r = run(&[
        "export",
        "checklist",
        "--institution",
        "1311234569",
        "--fiscal-year",
        "2023",
        "--out",
        dir.path().join("none.xlsx").to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("2023 年度のチェックリストはありません"),
        "{}",
        text(&r)
    );
    let verify = run(&["audit", "verify", "--data-dir", data]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
}

/// Every row of the first sheet of an xlsx file, as the cells' text (read back with the
/// product's own bounded reader).
fn xlsx_cells(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let sheet = mamori_sheets::read_xlsx(&bytes, None, &mamori_sheets::Limits::default()).unwrap();
    sheet
        .rows
        .iter()
        .map(|r| {
            let last = r.cells.last().map(|c| c.col + 1).unwrap_or(0);
            (0..last).map(|c| r.text(c)).collect()
        })
        .collect()
}

#[path = "cli/maintenance.rs"]
mod maintenance;
#[path = "cli/upload_bombs.rs"]
mod upload_bombs;
