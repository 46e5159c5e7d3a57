//! `mamori feeds import --kind eos PATH`: feed data from files, offline (a file or a
//! directory such as the shared `feeds/eos/`), into the feed database kept apart from the
//! institutions' data. Prints each file as it is read, then a summary. A file that fails to
//! read refuses the whole import (nothing written, exit 1) unless `--skip-bad` is given: then
//! the good files are imported, the failed ones listed, and the exit status is still 1 so a
//! script notices. Audited in the global chain as the platform's action (`feed.import`).

use super::*;
use mamori_domain::codes::FeedKind;

#[derive(Subcommand)]
pub enum FeedsCommand {
    /// Import feed data from a file or a directory.
    Import {
        /// The feed: `eos` (end of support: endoflife.date product pages or API JSON,
        /// distro-info CSV, the identifiers TSV).
        #[arg(long, default_value = "eos")]
        kind: String,
        /// A file or a directory (walked within bounds; hidden entries and links skipped).
        path: std::path::PathBuf,
        /// Import the good files when some fail (they are listed; the exit status is 1).
        #[arg(long)]
        skip_bad: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// The main store and, beside it, the feed database.
pub async fn open_ctx(cfg: &config::Config) -> Result<mamori_app::Ctx> {
    let store = open(cfg).await?;
    let ctx = mamori_app::Ctx::new(store);
    let url = cfg.database_url();
    let feeds = mamori_store::open_feeds(&url)
        .await
        .with_context(|| format!("cannot open the feed database ({})", config::redact(&url)))?;
    ctx.set_feeds(feeds);
    Ok(ctx)
}

pub async fn run(command: FeedsCommand) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    let FeedsCommand::Import {
        kind,
        path,
        skip_bad,
        data,
    } = command;
    if FeedKind::parse(&kind).is_none() {
        bail!("未対応のフィードの種類です: {kind}(eos のみ)");
    }
    let cfg = config::Config::resolve(&data, None)?;
    let ctx = open_ctx(&cfg).await?;
    let started = std::time::Instant::now();
    let root = path.clone();
    let read = tokio::task::spawn_blocking(move || {
        mamori_app::feed_imports::read_path(&root, |p| eprintln!("読み込み中: {p}"))
    })
    .await?;
    let (batch, digest) = read.map_err(|e| anyhow::anyhow!("読み込めません: {e}"))?;
    let report = mamori_app::feed_imports::import_batch(
        &ctx,
        &Actor::system("cli"),
        batch,
        &path.display().to_string(),
        digest,
        skip_bad,
    )
    .await
    .map_err(|e| anyhow::anyhow!("取り込めません: {e}"))?;
    for s in &report.skipped {
        println!("対象外: {} ({})", s.path, s.reason);
    }
    for w in &report.warnings {
        println!("警告: {w}");
    }
    for f in &report.failed {
        println!("失敗: {f}");
    }
    println!("{}", report.summary());
    match (&report.refused, report.changed) {
        (Some(key), _) if key == "error-feed-failed" => {
            println!("読み込めないファイルがあるため、何も取り込みませんでした(--skip-bad で読めたファイルだけ取り込みます)。");
            Ok(ExitCode::from(1))
        }
        (Some(_), _) => {
            println!("取り込めるサポート期限のデータがありません。何も取り込みませんでした。");
            Ok(ExitCode::from(1))
        }
        (None, changed) => {
            println!(
                "取り込みました: 製品 {} 件、サイクル {} 件(更新された製品 {} 件、{} ms)",
                report.products,
                report.cycles,
                changed.unwrap_or(0),
                started.elapsed().as_millis()
            );
            for a in mamori_app::eos::attributions() {
                println!("  {a}");
            }
            Ok(if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}
