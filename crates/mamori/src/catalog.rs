//! `mamori catalog …`: check catalog files, list and search what is served, and import a
//! new version of a document from the official Excel or CSV (the same reading and checks as
//! the upload page, through `mamori_app::catalog_imports`).

use crate::{config, open, DataArgs};
use anyhow::{bail, Context, Result};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalog or crosswalk file; without PATH, every shipped file.
    Check { path: Option<std::path::PathBuf> },
    /// Each catalog version served (shipped, and imported into the database): id, version,
    /// items, coverage.
    List {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Items matching every word of QUERY, across all catalog versions served.
    Search {
        query: Vec<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Read a new version of a document from the official Excel (xlsx) or CSV (UTF-8 or
    /// Shift_JIS): show how the sheet was read and the differences to the latest version;
    /// write the new catalog file with --out for review; store the new version in the
    /// database only with --yes (a running server serves it within seconds).
    Import(Box<ImportArgs>),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    file: std::path::PathBuf,
    /// The new version's id, e.g. mhlw/cyber-checklist-institution@R8.
    #[arg(long = "as")]
    id: String,
    /// Sheet name (xlsx); default the first sheet.
    #[arg(long)]
    sheet: Option<String>,
    /// Publication date of the new version (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    published: String,
    /// Title of the new version as printed (default: the latest version's title).
    #[arg(long)]
    title: Option<String>,
    /// A further sheet of the same workbook as SHEET=ID (e.g.
    /// 事業者確認用=mhlw/cyber-checklist-vendor@R8), read as its own version; repeatable.
    #[arg(long = "also", value_name = "SHEET=ID")]
    also: Vec<String>,
    /// The file holds every item of the document (otherwise the version is partial).
    #[arg(long)]
    complete: bool,
    /// What a partial version lacks.
    #[arg(long)]
    missing: Option<String>,
    /// Corrections: the header row (Excel row number).
    #[arg(long)]
    header_row: Option<String>,
    /// Corrections: the 項番, 項目 and 内容 columns (letters).
    #[arg(long)]
    number_col: Option<String>,
    #[arg(long)]
    title_col: Option<String>,
    #[arg(long)]
    text_col: Option<String>,
    /// Corrections: heading rows, e.g. "4=part1,9=part2,15=reference".
    #[arg(long)]
    headings: Option<String>,
    /// Write the new catalog file here, with or without --yes (for review, or to ship it
    /// embedded); a directory when several sheets are read.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Confirm: store the new version in the database.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    data: DataArgs,
}

pub async fn run(command: CatalogCommand) -> Result<std::process::ExitCode> {
    use mamori_catalog::{parse, Document, Registry};
    use std::process::ExitCode;
    let registry =
        Registry::embedded().map_err(|e| anyhow::anyhow!("同梱のカタログを読めません: {e}"))?;
    match command {
        CatalogCommand::Check { path } => {
            let problems = match path {
                None => registry.problems(),
                Some(p) => {
                    let text = std::fs::read_to_string(&p)
                        .with_context(|| format!("ファイルを読めません: {}", p.display()))?;
                    let doc = match parse(&p.display().to_string(), &text) {
                        Ok(d) => d,
                        Err(e) => {
                            println!("{e}");
                            return Ok(ExitCode::from(1));
                        }
                    };
                    let mut with = registry.clone();
                    match &doc {
                        Document::Catalog(c) => {
                            let mut problems = mamori_catalog::check_catalog(c);
                            with.add(doc.clone());
                            // Crosswalks that point into this catalog must still resolve.
                            for x in with.crosswalks.values().filter(|x| {
                                x.crosswalk.from == c.catalog.id || x.crosswalk.to == c.catalog.id
                            }) {
                                problems.extend(mamori_catalog::check_crosswalk(x, &with));
                            }
                            problems
                        }
                        Document::Crosswalk(x) => mamori_catalog::check_crosswalk(x, &with),
                    }
                }
            };
            if problems.is_empty() {
                println!(
                    "OK: カタログ {} 件、対応表 {} 件を検証しました。",
                    registry.catalogs.len(),
                    registry.crosswalks.len()
                );
                Ok(ExitCode::SUCCESS)
            } else {
                for p in &problems {
                    println!("{p}");
                }
                println!("{} 件の問題があります。", problems.len());
                Ok(ExitCode::from(1))
            }
        }
        CatalogCommand::List { data } => {
            let registry = served(&data, registry).await?;
            println!("{:<48} {:<10} {:>6}  coverage", "id", "version", "items");
            for c in registry.catalogs.values() {
                let m = &c.catalog;
                let unverified = c
                    .items
                    .iter()
                    .filter(|i| i.provenance == mamori_catalog::Provenance::Unverified)
                    .count();
                let coverage = if m.coverage.complete {
                    "complete".to_string()
                } else {
                    format!("partial ({unverified} unverified)")
                };
                println!(
                    "{:<48} {:<10} {:>6}  {coverage}",
                    m.id,
                    m.version,
                    c.items.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogCommand::Import(args) => {
            let ImportArgs {
                file,
                id,
                sheet,
                published,
                title,
                also,
                complete,
                missing,
                header_row,
                number_col,
                title_col,
                text_col,
                headings,
                out,
                yes,
                data,
            } = *args;
            use mamori_catalog::import;
            let cfg = config::Config::resolve(&data, None)?;
            let store = open(&cfg).await?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            // A file larger than an import reads is refused before it is read.
            let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            if let Err(e) = import::check_file_size(len) {
                println!("{name}: {e}");
                return Ok(ExitCode::from(1));
            }
            let bytes = std::fs::read(&file)
                .with_context(|| format!("ファイルを読めません: {}", file.display()))?;
            let split = |id: &str| -> Result<(String, String)> {
                id.split_once('@')
                    .map(|(d, v)| (d.to_string(), v.to_string()))
                    .ok_or_else(|| anyhow::anyhow!("{id}: publisher/document@version の形で指定してください(例: mhlw/cyber-checklist-institution@R8)"))
            };
            let (document, version) = split(&id)?;
            let mut more = Vec::new();
            for a in &also {
                let (sheet, id) = a.split_once('=').ok_or_else(|| {
                    anyhow::anyhow!("--also {a}: シート名=版の id の形で指定してください")
                })?;
                let (d, v) = split(id)?;
                if v != version {
                    bail!(
                        "--also {a}: 同じファイルの各シートは同じ版 ({version}) として読み込みます"
                    );
                }
                more.push((d, sheet.to_string()));
            }
            let input = mamori_app::catalog_imports::ImportInput {
                document,
                version,
                title: title.unwrap_or_default(),
                published,
                sheet: sheet.unwrap_or_default(),
                more,
                complete,
                missing: missing.unwrap_or_default(),
                header_row: header_row.unwrap_or_default(),
                number_col: number_col.unwrap_or_default(),
                title_col: title_col.unwrap_or_default(),
                text_col: text_col.unwrap_or_default(),
                headings: headings.unwrap_or_default(),
            };
            // Compare with what the product serves: the shipped versions and earlier imports.
            // Read only: nothing is written before --yes (the search index is brought up
            // to date with the confirmation).
            let ctx = mamori_app::Ctx::new(store.clone());
            ctx.set_catalogs(mamori_app::catalogs::load(store.as_ref()).await?);
            let plans = match mamori_app::catalog_imports::plan(&ctx, &input, &name, &bytes) {
                Ok(p) => p,
                Err(e) => {
                    println!("{name}: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let mut failed = false;
            for plan in &plans {
                failed |= show(&name, plan);
            }
            if failed {
                return Ok(ExitCode::from(1));
            }
            if let Some(out) = &out {
                for plan in &plans {
                    let c = &plan.catalog.catalog;
                    let path = if plans.len() > 1 {
                        std::fs::create_dir_all(out)
                            .with_context(|| format!("作れません: {}", out.display()))?;
                        out.join(format!("{}@{}.toml", c.document, c.version))
                    } else {
                        out.clone()
                    };
                    if path.exists() {
                        bail!(
                            "{} は既にあります。別の --out を指定してください",
                            path.display()
                        );
                    }
                    std::fs::write(&path, plan.catalog.to_toml()?)
                        .with_context(|| format!("書き込めません: {}", path.display()))?;
                    println!("カタログファイルを書き出しました: {}", path.display());
                }
            }
            if !yes {
                println!(
                    "確定するには --yes を付けて再実行してください(データベースにはまだ何も書き込んでいません)。"
                );
                return Ok(ExitCode::SUCCESS);
            }
            for plan in &plans {
                let record = mamori_app::catalog_imports::record(plan, name.clone(), &bytes, None)?;
                mamori_app::catalog_imports::import_confirmed(&ctx, &record).await?;
                println!(
                    "新しい版 {} を確定しました。起動中のサーバも数秒のうちにこの版を使い始めます。",
                    plan.catalog.catalog.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CatalogCommand::Search { query, data } => {
            let registry = served(&data, registry).await?;
            let q = query.join(" ");
            let hits = mamori_catalog::search::search(&registry, &q);
            for h in &hits {
                println!(
                    "{}  {}  {}",
                    h.catalog.catalog.id,
                    h.item.number,
                    mamori_catalog::search::highlight(&h.item.text, &q)
                );
            }
            eprintln!("{} 件", hits.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The catalog versions the product serves: the shipped ones, and the confirmed imports of
/// the database when there is one (a missing SQLite database is not created for this).
async fn served(
    data: &DataArgs,
    shipped: mamori_catalog::Registry,
) -> Result<mamori_catalog::Registry> {
    let cfg = config::Config::resolve(data, None)?;
    let url = cfg.database_url();
    if !url.starts_with("postgres") && !cfg.data_dir.join("mamori.db").exists() {
        return Ok(shipped);
    }
    let store = open(&cfg).await?;
    Ok(mamori_app::catalogs::load(store.as_ref()).await?.registry)
}

/// Print how a sheet was read and what differs from the latest version; true when the new
/// version breaks the catalog's rules.
fn show(name: &str, plan: &mamori_catalog::import::Plan) -> bool {
    let new = &plan.catalog;
    println!(
        "読み込み: {name} → {} ({} 項目)",
        new.catalog.id,
        new.items.len()
    );
    for line in plan.mapping.describe().lines() {
        println!("  {line}");
    }
    println!(
        "  収録範囲: {}",
        if new.catalog.coverage.complete {
            "公式文書の全項目(--complete による申告)".to_string()
        } else {
            format!("一部のみ — {}", new.catalog.coverage.missing)
        }
    );
    for i in new.items.iter().take(5) {
        println!(
            "  {}  {}",
            i.number,
            i.text.chars().take(60).collect::<String>()
        );
    }
    let d = &plan.diff;
    println!(
        "{} との差分: 追加 {}、変更 {}、削除 {}、同じ {}",
        plan.based_on,
        d.added.len(),
        d.changed.len(),
        d.removed.len(),
        d.unchanged
    );
    for (label, list) in [
        ("追加", &d.added),
        ("変更", &d.changed),
        ("削除", &d.removed),
    ] {
        if !list.is_empty() {
            println!(
                "  {label}: {}",
                list.iter().take(30).cloned().collect::<Vec<_>>().join(", ")
            );
        }
    }
    for p in &plan.problems {
        println!("{p}");
    }
    !plan.problems.is_empty()
}
