//! Issue 13's figures: a 20,000-row ledger as xlsx (every column the export has, with
//! addresses, dates in 和暦 and a software sheet of 20,000 rows) — read, planned and
//! imported into an empty ledger, then planned again against the 20,000 entries (every row
//! unchanged); the process's peak memory (VmHWM) before and after; and the ledger page
//! and its API over 20,000 entries, as the server reports its time.

use super::*;
use mamori_app::asset_imports;

/// The process's peak resident memory (VmHWM), in KiB.
fn peak_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn workbook(rows: usize) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("機器台帳")?;
    let heads = [
        "機器名",
        "種類",
        "メーカー",
        "型番",
        "シリアル番号",
        "設置場所",
        "部署・利用者",
        "使用用途",
        "OS・ファームウェア",
        "バージョン",
        "OS CPE",
        "IPアドレス",
        "MACアドレス",
        "管理者権限で使用",
        "ウイルス対策ソフトと状態",
        "リモート保守",
        "所有形態",
        "状態",
        "導入日",
        "保守期限",
        "サポート終了日",
        "備考",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for n in 0..rows {
        let r = n as u32 + 1;
        let kind = [
            "端末PC",
            "サーバ",
            "スイッチ",
            "ネットワークに接続する医療機器",
        ][n % 4];
        let cells = [
            format!("機器{n:05}"),
            kind.to_string(),
            "富士通".into(),
            format!("FMV-{}", n % 97),
            format!("SN-{n:06}"),
            format!("本館{}階 {}号室", n % 9 + 1, n % 40 + 1),
            "医事課".into(),
            "電子カルテ端末".into(),
            "Windows".into(),
            "11 23H2".into(),
            "cpe:2.3:o:microsoft:windows_11_23h2:-:*:*:*:*:*:*:*".into(),
            format!("10.{}.{}.{}", n / 65_000 + 1, (n / 250) % 250, n % 250 + 1),
            format!(
                "00:1A:2B:{:02X}:{:02X}:{:02X}",
                n / 65_536 % 256,
                n / 256 % 256,
                n % 256
            ),
            if n % 3 == 0 { "はい" } else { "いいえ" }.into(),
            "ウイルスバスター(定義ファイル自動更新)".into(),
            "A社 IPsec VPN".into(),
            "リース".into(),
            "使用中".into(),
            "令和5年4月1日".into(),
            "2028-03-31".into(),
            "2033-10-14".into(),
            String::new(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    let soft = wb.add_worksheet().set_name("ソフトウェア")?;
    for (c, h) in ["シリアル番号", "ソフトウェア名", "バージョン", "CPE"]
        .iter()
        .enumerate()
    {
        soft.write_string(0, c as u16, *h)?;
    }
    for n in 0..rows {
        let r = n as u32 + 1;
        soft.write_string(r, 0, format!("SN-{n:06}"))?;
        soft.write_string(r, 1, "Microsoft Edge")?;
        soft.write_string(r, 2, "131.0")?;
        soft.write_string(r, 3, "cpe:2.3:a:microsoft:edge:131.0:*:*:*:*:*:*:*")?;
    }
    Ok(wb.save_to_buffer()?)
}

pub(crate) async fn ledger_bench(
    store: Arc<dyn Store>,
    base: &str,
    officer: &reqwest::Client,
    code: &str,
) -> Result<()> {
    let rows = 20_000;
    let bytes = workbook(rows)?;
    let ctx = mamori_app::Ctx::new(store.clone());
    println!(
        "\nledger import ({rows} rows xlsx, {:.1} MB, software sheet {rows} rows)",
        bytes.len() as f64 / 1e6
    );
    let before = peak_kib();
    let t = Instant::now();
    let read = asset_imports::read(&bytes).map_err(|_| anyhow::anyhow!("unreadable"))?;
    let read_ms = t.elapsed().as_secs_f64() * 1e3;
    let (_, plan) = asset_imports::plan_of(&read, &Vec::new(), &[], &[]);
    let plan_ms = t.elapsed().as_secs_f64() * 1e3 - read_ms;
    if !plan.errors.is_empty() {
        bail!(
            "the bench file has errors: {:?}",
            &plan.errors[..3.min(plan.errors.len())]
        );
    }
    drop(read);
    let t = Instant::now();
    let p = asset_imports::import_cli(&ctx, code, "bench.xlsx", bytes.clone(), true)
        .await?
        .map_err(|_| anyhow::anyhow!("refused"))?;
    let total_ms = t.elapsed().as_secs_f64() * 1e3;
    let after = peak_kib();
    println!("  read (xlsx → rows)                       {read_ms:>9.0} ms");
    println!("  plan (match, check, diff)                {plan_ms:>9.0} ms");
    println!(
        "  stage + plan + write {} entries          {total_ms:>9.0} ms",
        p.plan.creates()
    );
    let t = Instant::now();
    let again = asset_imports::import_cli(&ctx, code, "bench.xlsx", bytes, false)
        .await?
        .map_err(|_| anyhow::anyhow!("refused"))?;
    println!(
        "  dry run again over the {} entries ({} unchanged) {:>5.0} ms",
        rows,
        again.plan.same(),
        t.elapsed().as_secs_f64() * 1e3
    );
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "  peak memory (VmHWM) before {:.0} MB, after {:.0} MB",
            b as f64 / 1024.0,
            a as f64 / 1024.0
        );
    }
    println!(
        "\nledger over {rows} entries                   server median   server p99   wall median"
    );
    for (label, path) in [
        ("ledger page (first 100)", format!("/i/{code}/ledger")),
        (
            "ledger page, text + kind filter",
            format!("/i/{code}/ledger?q=%E6%9C%AC%E9%A4%A83%E9%9A%8E&kind=terminal"),
        ),
        (
            "ledger page 151 (offset 15,000)",
            format!("/i/{code}/ledger?offset=15000"),
        ),
        (
            "ledger API (JSON)",
            format!("/api/v1/institutions/{code}/assets"),
        ),
    ] {
        let (p50, p99, wall) = measure(officer, &format!("{base}{path}"), 20).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms {wall:>10.3} ms");
    }
    Ok(())
}
