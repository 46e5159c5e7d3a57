//! Issue 13 item 6's figure: importing the whole shared end-of-support folder
//! (`../shared/feeds/eos`: endoflife.date product pages, the identifiers TSV, distro-info
//! CSVs, plus the files that are skipped) into the feed database — the walk, parsing, the
//! merge, the writes in one transaction and the audit event — on SQLite files in a fresh
//! data directory (first import) and again over the same data (a re-import, which rewrites
//! nothing). Target: under 1 s. Also run alone with `BENCH_ONLY_EOS=1`;
//! `BENCH_EOS_DIR` names another folder.

use super::*;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub async fn eos_bench() -> Result<()> {
    let dir = std::env::var("BENCH_EOS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/feeds/eos")
        });
    if !dir.exists() {
        println!("\nEOS import: {} absent, not measured", dir.display());
        return Ok(());
    }
    println!("\nEOS import of {}", dir.display());
    let runs = 5;
    let (mut first, mut again) = (Vec::new(), Vec::new());
    let mut summary = String::new();
    for _ in 0..runs {
        let data = tempfile::tempdir()?;
        let url = format!("sqlite://{}", data.path().join("mamori.db").display());
        let ctx = mamori_app::Ctx::new(mamori_store::open(&url).await?);
        ctx.set_feeds(mamori_store::open_feeds(&url).await?);
        for (n, times) in [&mut first, &mut again].into_iter().enumerate() {
            let t = Instant::now();
            let root = dir.clone();
            let (batch, digest) = tokio::task::spawn_blocking(move || {
                mamori_app::feed_imports::read_path(&root, |_| {})
            })
            .await?
            .map_err(anyhow::Error::msg)?;
            let report = mamori_app::feed_imports::import_batch(
                &ctx,
                &Actor::system("bench"),
                batch,
                &dir.display().to_string(),
                digest,
                false,
            )
            .await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            if !report.written {
                bail!("EOS import refused: {:?}", report.refused);
            }
            if n == 0 {
                summary = report.summary();
            }
        }
    }
    println!("  {summary}");
    println!(
        "  first import (fresh feeds.sqlite): median {:.0} ms, max {:.0} ms (n={runs})",
        median(&mut first.clone()),
        first.iter().cloned().fold(0.0, f64::max)
    );
    println!(
        "  re-import (same data, nothing rewritten): median {:.0} ms, max {:.0} ms (n={runs})",
        median(&mut again.clone()),
        again.iter().cloned().fold(0.0, f64::max)
    );
    Ok(())
}
