//! `cargo run --release -p mamori-bench [-- --institutions N --users-per M --requests R]`
//!
//! Loads N institutions with M users each into a fresh SQLite database, starts the real
//! server on loopback and measures, per page, the server time that the server itself reports
//! in its `Server-Timing` header (so client and network are excluded). Then the median time
//! of appending one audit event, and the resident memory of an idle `mamori serve` process
//! (when the binary is found next to this one).

use anyhow::{bail, Context, Result};
use mamori_app::demo;
use mamori_domain::{InstitutionKind, Role};
use mamori_store::{Actor, AuditDraft, NewInstitution, NewUser, SqliteStore, Store};
use mamori_web::{AppState, WebConfig};
use std::sync::Arc;
use std::time::Instant;

mod diagram;
mod eos;
mod ledger;
mod notices;
mod role_sharing;
mod scale;
use role_sharing::role_sharing_bench;

struct Args {
    institutions: usize,
    users_per: usize,
    requests: usize,
}

fn args() -> Result<Args> {
    let mut a = Args {
        institutions: 1000,
        users_per: 20,
        requests: 300,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v: usize = it.next().context("value missing")?.parse()?;
        match k.as_str() {
            "--institutions" => a.institutions = v,
            "--users-per" => a.users_per = v,
            "--requests" => a.requests = v,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

/// The catalog search for eight typical queries, 50 times each, straight on the store.
async fn search_bench(store: &dyn Store, label: &str) -> Result<()> {
    println!("catalog search, {label}:");
    let queries = [
        "台帳",
        "リモートメンテナンス",
        "バックアップ",
        "責任者",
        "2-(1)",
        "サーバ 端末PC",
        "事業者",
        "インシデント",
    ];
    for q in queries {
        let words: Vec<String> = q.split_whitespace().map(String::from).collect();
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..50 {
            let t = Instant::now();
            found = store.search_catalog_items(&words, 500).await?.len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  {q:<20} {found:>4} hits   median {:.3} ms   p99 {:.3} ms",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
    Ok(())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn load(store: &dyn Store, a: &Args) -> Result<()> {
    let actor = Actor::system("bench");
    let hash = mamori_app::credentials::hash_password(demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let roles = [
        Role::Executive,
        Role::SecurityOfficer,
        Role::PlanningManager,
        Role::SystemOperator,
    ];
    for i in 0..a.institutions {
        let pref = format!("{:02}", i % 47 + 1);
        let inst = store
            .create_institution(
                &actor,
                NewInstitution {
                    code: format!("{pref}{:08}", i),
                    name: format!("ベンチ病院 {i}"),
                    kind: InstitutionKind::Hospital,
                    prefecture: pref,
                    beds: 100,
                    mfa_required: false,
                },
            )
            .await?;
        for u in 0..a.users_per {
            let user = store
                .create_user(
                    &actor,
                    NewUser {
                        email: format!("u{u}@h{i}.example.jp"),
                        display_name: format!("利用者 {i}-{u}"),
                        password_hash: hash.clone(),
                        platform_admin: false,
                        locale: "ja".into(),
                    },
                )
                .await?;
            let role = roles.get(u).copied().unwrap_or(Role::Staff);
            store
                .grant_role(&actor, &inst.id, &user.id, role, None)
                .await?;
        }
    }
    Ok(())
}

async fn measure(c: &reqwest::Client, url: &str, n: usize) -> Result<(f64, f64, f64)> {
    let mut server = Vec::with_capacity(n);
    let mut wall = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let r = c.get(url).send().await?;
        let status = r.status();
        let timing = r
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        r.bytes().await?;
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        if !status.is_success() {
            bail!("{url}: {status}");
        }
        let ms: f64 = timing
            .trim_start_matches("app;dur=")
            .parse()
            .context("Server-Timing")?;
        server.push(ms);
    }
    server.sort_by(f64::total_cmp);
    wall.sort_by(f64::total_cmp);
    Ok((
        percentile(&server, 0.5),
        percentile(&server, 0.99),
        percentile(&wall, 0.5),
    ))
}

/// POST a form `n` times (fields from `form(i)`), the server's own time per request.
async fn measure_post(
    c: &reqwest::Client,
    url: &str,
    n: usize,
    form: impl Fn(usize) -> Vec<(String, String)>,
) -> Result<(f64, f64)> {
    measure_post_as(c, url, n, false, form).await
}

/// As [`measure_post`]; with `htmx` the request is htmx's (`HX-Request`): the answer is
/// the saved fragment (200), not a redirect.
async fn measure_post_as(
    c: &reqwest::Client,
    url: &str,
    n: usize,
    htmx: bool,
    form: impl Fn(usize) -> Vec<(String, String)>,
) -> Result<(f64, f64)> {
    let mut server = Vec::with_capacity(n);
    for i in 0..n {
        let mut req = c.post(url).form(&form(i));
        if htmx {
            req = req.header("HX-Request", "true");
        }
        let r = req.send().await?;
        let status = r.status();
        let timing = r
            .headers()
            .get("server-timing")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        r.bytes().await?;
        if status.as_u16() != if htmx { 200 } else { 303 } {
            bail!("{url}: {status}");
        }
        server.push(
            timing
                .trim_start_matches("app;dur=")
                .parse::<f64>()
                .context("Server-Timing")?,
        );
    }
    server.sort_by(f64::total_cmp);
    Ok((percentile(&server, 0.5), percentile(&server, 0.99)))
}

async fn csrf_of(c: &reqwest::Client, url: &str) -> Result<String> {
    let page = c.get(url).send().await?.text().await?;
    let m = "name=\"_csrf\" value=\"";
    let at = page.find(m).context("csrf")? + m.len();
    Ok(page[at..at + page[at..].find('"').context("csrf")?].to_string())
}

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    if std::env::var("BENCH_ONLY_EOS").is_ok() {
        return eos::eos_bench().await;
    }
    let dir = tempfile::tempdir()?;
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("mamori.db")).await?);
    demo::load(store.as_ref()).await?;
    let t = Instant::now();
    load(store.as_ref(), &a).await?;
    let users = a.institutions * a.users_per;
    println!(
        "loaded {} institutions and {users} users (+ demo) into SQLite in {:.1} s",
        a.institutions,
        t.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = AppState::new(store.clone(), WebConfig::default());
    tokio::spawn(mamori_web::serve(listener, state, std::future::pending()));

    // The platform administrator must have a second factor: enrol one for him.
    let admin_secret = mamori_app::credentials::totp::new_secret();
    let admin_id = store
        .user_auth_by_email("admin@mamori.example")
        .await?
        .context("admin")?
        .user
        .id;
    store
        .enable_totp(&Actor::system("bench"), &admin_id, &admin_secret, 0, &[])
        .await?;
    let sign_in = |email: &'static str| {
        let base = base.clone();
        let secret = admin_secret.clone();
        async move {
            let c = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            let page = c.get(format!("{base}/login")).send().await?.text().await?;
            let m = "name=\"_csrf\" value=\"";
            let at = page.find(m).context("csrf")? + m.len();
            let csrf = page[at..at + page[at..].find('"').context("csrf")?].to_string();
            let r = c
                .post(format!("{base}/login"))
                .form(&[
                    ("email", email),
                    ("password", demo::DEMO_PASSWORD),
                    ("_csrf", &csrf),
                ])
                .send()
                .await?;
            if r.status().as_u16() != 303 {
                bail!("sign-in of {email} failed: {}", r.status());
            }
            if email == "admin@mamori.example" {
                let page = c
                    .get(format!("{base}/login/mfa"))
                    .send()
                    .await?
                    .text()
                    .await?;
                let at = page.find(m).context("csrf")? + m.len();
                let csrf = page[at..at + page[at..].find('"').context("csrf")?].to_string();
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)?
                    .as_millis() as i64;
                let code = mamori_app::credentials::totp::code_at(&secret, now).context("totp")?;
                let r = c
                    .post(format!("{base}/login/mfa"))
                    .form(&[("code", code.as_str()), ("_csrf", &csrf), ("next", "/")])
                    .send()
                    .await?;
                if r.status().as_u16() != 303 {
                    bail!("second factor of {email} failed: {}", r.status());
                }
            }
            Ok::<_, anyhow::Error>(c)
        }
    };
    let mid = a.institutions / 2;
    let officer_email: &'static str = Box::leak(format!("u1@h{mid}.example.jp").into_boxed_str());
    let officer = sign_in(officer_email).await?;
    let admin = sign_in("admin@mamori.example").await?;
    let code = format!("{:02}{:08}", mid % 47 + 1, mid);
    // The diagram's institution: the next one, its ledger apart from the ledger bench's.
    let next = mid + 1;
    let net_email: &'static str = Box::leak(format!("u1@h{next}.example.jp").into_boxed_str());
    let net_code = format!("{:02}{:08}", next % 47 + 1, next);
    if std::env::var("BENCH_ONLY_DIAGRAM").is_ok() {
        let net_officer = sign_in(net_email).await?;
        diagram::diagram_bench(store.clone(), &base, &net_officer, &net_code).await?;
        return Ok(());
    }
    if std::env::var("BENCH_ONLY_LEDGER").is_ok() {
        ledger::ledger_bench(store.clone(), &base, &officer, &code).await?;
        return Ok(());
    }
    println!("\npage (institution {code})                  server median   server p99   wall median   (n={})", a.requests);
    let pages = [
        (&officer, format!("/i/{code}"), "dashboard"),
        (&officer, format!("/i/{code}/members"), "members list"),
        (&officer, format!("/i/{code}/audit"), "audit log"),
        (&officer, "/api/v1/me".to_string(), "API /me"),
        (
            &officer,
            format!("/api/v1/institutions/{code}/members"),
            "API members",
        ),
        (&admin, "/admin".to_string(), "institution list (admin)"),
        (
            &admin,
            "/admin?page=10".to_string(),
            "institution list p.10",
        ),
    ];
    for (c, path, label) in pages {
        let (p50, p99, wall) = measure(c, &format!("{base}{path}"), a.requests).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms {wall:>10.3} ms");
    }

    // Appending an audit event (its own transaction, sealed into the chain).
    let inst = store
        .institution_by_code(&code)
        .await?
        .context("institution")?;
    let actor = Actor::system("bench");
    let mut times = Vec::new();
    for n in 0..2000 {
        let t = Instant::now();
        store
            .record(
                &actor,
                AuditDraft::new(
                    Some(&inst.id),
                    "bench.event",
                    "n",
                    &n.to_string(),
                    serde_json::json!({"n": n}),
                ),
            )
            .await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\naudit append (n=2000)                      median {:.3} ms   p99 {:.3} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    let t = Instant::now();
    let verified = mamori_store::verify_audit(store.as_ref())
        .await?
        .map_err(|b| anyhow::anyhow!("{b}"))?;
    println!(
        "audit verify: {} chains, {} events in {:.0} ms",
        verified.0,
        verified.1,
        t.elapsed().as_secs_f64() * 1000.0
    );

    // Catalogs: parsing and validating every embedded file (what start-up does), then search
    // on SQLite with all catalogs plus 20 further versions loaded (as imports would add).
    let mut parse_ms = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let r = mamori_catalog::Registry::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
        let problems = r.problems();
        parse_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if !problems.is_empty() {
            bail!("embedded catalogs have problems");
        }
    }
    parse_ms.sort_by(f64::total_cmp);
    let registry = mamori_catalog::Registry::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    let items: usize = registry.catalogs.values().map(|c| c.items.len()).sum();
    println!(
        "\ncatalogs: parse + validate {} catalogs / {} crosswalks / {items} items: median {:.2} ms, max {:.2} ms",
        registry.catalogs.len(),
        registry.crosswalks.len(),
        percentile(&parse_ms, 0.5),
        percentile(&parse_ms, 1.0)
    );
    // Search over the catalogs as shipped (the server indexed them at its start).
    search_bench(store.as_ref(), "shipped catalogs").await?;
    // 20 further versions of every catalog, confirmed as imports (as an upload would), then
    // the start-up load (embedded + imports from the database) is measured and indexed.
    let actor = mamori_store::Actor::system("bench");
    for n in 0..20 {
        for c in registry.catalogs.values() {
            let mut c = c.clone();
            let based_on = c.catalog.id.clone();
            c.catalog.version = format!("{}-bench{n}", c.catalog.version);
            c.catalog.id = format!(
                "{}/{}@{}",
                c.catalog.publisher, c.catalog.document, c.catalog.version
            );
            let import = mamori_store::CatalogImport {
                id: mamori_store::new_id(),
                catalog_id: c.catalog.id.clone(),
                based_on,
                file_name: "bench.xlsx".into(),
                file_sha256: String::new(),
                mapping: String::new(),
                body: c.to_toml()?,
                status: mamori_domain::codes::ImportStatus::Pending,
                created_by: None,
                created_at: 0,
                decided_at: None,
            };
            store.stage_catalog_import(&actor, &import).await?;
            store
                .decide_catalog_import(&actor, &import.id, true)
                .await?;
        }
    }
    // The running server serves versions confirmed elsewhere within five seconds (its
    // catalog watcher reloads and re-indexes them); let it, so that what follows is not
    // measured during that reload.
    tokio::time::sleep(std::time::Duration::from_secs(7)).await;
    let mut load_ms = Vec::new();
    let mut served = None;
    for _ in 0..10 {
        let t = Instant::now();
        let s = mamori_app::catalogs::load(store.as_ref()).await?;
        load_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        served = Some(s);
    }
    load_ms.sort_by(f64::total_cmp);
    let served = served.context("no load")?;
    println!(
        "catalogs: start-up load of {} catalogs ({} imported, from the database): median {:.1} ms, max {:.1} ms",
        served.catalogs.len(),
        served.imported.len(),
        percentile(&load_ms, 0.5),
        percentile(&load_ms, 1.0)
    );
    mamori_app::catalogs::sync(store.as_ref(), &served).await?;
    search_bench(store.as_ref(), "with 20 further versions of every catalog").await?;
    let (p50, p99, _) = measure(
        &officer,
        &format!("{base}/catalogs/search?q=%E5%8F%B0%E5%B8%B3"),
        a.requests,
    )
    .await?;
    println!(
        "search page 台帳 (server time, ranked + rendered)    median {p50:.3} ms   p99 {p99:.3} ms"
    );

    // Import of a 500-row sheet laid out as the official checklist (xlsx), parse to catalog.
    let csv: String = std::iter::once("項番,チェック項目\n".to_string())
        .chain((1..=500).map(|n| {
            format!(
                "{}-({}),医療情報システムの項目 {n} について確認している。\n",
                n / 50 + 1,
                n % 50 + 1
            )
        }))
        .collect();
    let template = registry
        .catalogs
        .get("mhlw/cyber-checklist-institution@R6")
        .context("R6")?
        .catalog
        .clone();
    let meta = mamori_catalog::import::ImportMeta {
        template,
        version: "R9".into(),
        published: "2027-05".into(),
        source_file: "bench.csv".into(),
    };
    let mut import_ms = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let rows =
            mamori_catalog::import::read_csv(csv.as_bytes()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let c = mamori_catalog::import::catalog_from_rows(&rows, &meta)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if !mamori_catalog::check_catalog(&c).is_empty() {
            bail!("imported catalog invalid");
        }
        import_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    import_ms.sort_by(f64::total_cmp);
    println!(
        "import 500-row CSV → validated catalog: median {:.2} ms",
        percentile(&import_ms, 0.5)
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "項番")?;
    ws.write_string(0, 1, "チェック項目")?;
    for n in 1..=500u32 {
        ws.write_string(n, 0, format!("{}-({})", n / 50 + 1, n % 50 + 1))?;
        ws.write_string(
            n,
            1,
            format!("医療情報システムの項目 {n} について確認している。"),
        )?;
    }
    let xlsx = wb.save_to_buffer()?;
    let mut xlsx_ms = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let rows =
            mamori_catalog::import::read_xlsx(&xlsx, None).map_err(|e| anyhow::anyhow!("{e}"))?;
        let c = mamori_catalog::import::catalog_from_rows(&rows, &meta)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        if c.items.len() != 500 || !mamori_catalog::check_catalog(&c).is_empty() {
            bail!("imported xlsx catalog invalid");
        }
        xlsx_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    xlsx_ms.sort_by(f64::total_cmp);
    println!(
        "import 500-row xlsx → validated catalog: median {:.2} ms, max {:.2} ms",
        percentile(&xlsx_ms, 0.5),
        percentile(&xlsx_ms, 1.0)
    );

    scale::import_bench(&registry)?;
    scale::matrix_bench(store.clone()).await?;
    notices::daily_bench(store.clone()).await?;
    if std::env::var("BENCH_ONLY_SCALE").is_ok() {
        return Ok(());
    }

    role_sharing_bench(store.as_ref(), &base, &sign_in, a.requests).await?;
    ledger::ledger_bench(store.clone(), &base, &officer, &code).await?;
    eos::eos_bench().await?;
    let net_officer = sign_in(net_email).await?;
    diagram::diagram_bench(store.clone(), &base, &net_officer, &net_code).await?;

    // Idle memory of the real binary on this data set.
    let exe = std::env::current_exe()?;
    let bin = exe.with_file_name("mamori");
    if bin.exists() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0")?;
            l.local_addr()?.port()
        };
        let mut child = std::process::Command::new(&bin)
            .args(["serve", "--data-dir"])
            .arg(dir.path())
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        let c = reqwest::Client::new();
        let mut up = false;
        for _ in 0..100 {
            if c.get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        for _ in 0..20 {
            let _ = c.get(format!("http://127.0.0.1:{port}/login")).send().await;
        }
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let rss = rss_kib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        match (up, rss) {
            (true, Some(kib)) => println!(
                "idle memory of `mamori serve` (VmRSS)       {:.1} MB",
                kib as f64 / 1024.0
            ),
            _ => println!("idle memory: the server did not start"),
        }
    } else {
        println!("idle memory: build the binary first (cargo build --release -p mamori)");
    }
    Ok(())
}
