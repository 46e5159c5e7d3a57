//! `mamori assets …`: an institution's asset ledger from the command line — import a file
//! through the same dry run as the pages (confirmed with `--yes`), export it as xlsx or PDF.

use super::*;
use mamori_app::asset_imports;
use mamori_app::assets::LedgerFormat;

#[derive(Subcommand)]
pub enum AssetsCommand {
    /// Import a ledger (xlsx, or CSV in UTF-8 or Shift_JIS): prints the dry run; with
    /// --yes and no errors, imports every row at once.
    Import {
        /// The file.
        file: std::path::PathBuf,
        /// 医療機関コード (10 digits).
        #[arg(long)]
        institution: String,
        /// Import when the dry run has no errors (without it nothing is written).
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Write the ledger as xlsx (every column) or PDF (for paper), by the file's extension.
    Export {
        #[arg(long)]
        institution: String,
        #[arg(long)]
        out: std::path::PathBuf,
        /// `wareki` (令和6年6月10日, default) or `seireki`.
        #[arg(long, default_value = "wareki")]
        dates: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub async fn run(command: AssetsCommand) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match command {
        AssetsCommand::Import {
            file,
            institution,
            yes,
            data,
        } => {
            let cfg = config::Config::resolve(&data, None)?;
            let ctx = mamori_app::Ctx::new(open(&cfg).await?);
            let meta = std::fs::metadata(&file)
                .with_context(|| format!("読み込めません: {}", file.display()))?;
            mamori_sheets_size(meta.len())?;
            let bytes = std::fs::read(&file)
                .with_context(|| format!("読み込めません: {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tr = mamori_web::i18n::Tr::new(mamori_web::i18n::Lang::Ja);
            let p = match asset_imports::import_cli(&ctx, &institution, &name, bytes, yes)
                .await
                .map_err(|e| match e {
                    mamori_app::Error::NotFound => {
                        anyhow::anyhow!("医療機関コード {institution} の医療機関はありません")
                    }
                    e => anyhow::anyhow!("{e}"),
                })? {
                Ok(p) => p,
                Err(r) => bail!("{}", r.message(&tr)),
            };
            println!(
                "{}: {} 行(見出しは {} 行目)。追加 {} 台、変更 {} 台、変更なし {} 台。",
                name,
                p.rows,
                p.header_line,
                p.plan.creates(),
                p.plan.updates(),
                p.plan.same()
            );
            for e in &p.plan.errors {
                println!(
                    "  {}: {}",
                    asset_imports::place_of(&tr, e),
                    asset_imports::message_of(&tr, e)
                );
            }
            if !p.plan.errors.is_empty() {
                eprintln!(
                    "誤りが {} 件あるため取り込みませんでした。",
                    p.plan.errors.len()
                );
                return Ok(ExitCode::from(1));
            }
            if p.import.status == mamori_domain::codes::ImportStatus::Confirmed {
                println!("台帳に取り込みました。");
            } else {
                println!("確認のみ(台帳は変わっていません)。取り込むには --yes を付けてください。");
            }
            Ok(ExitCode::SUCCESS)
        }
        AssetsCommand::Export {
            institution,
            out,
            dates,
            force,
            data,
        } => {
            let format = match out.extension().map(|e| e.to_ascii_lowercase()) {
                Some(e) if e == "pdf" => LedgerFormat::Pdf,
                Some(e) if e == "xlsx" => LedgerFormat::Xlsx,
                _ => bail!("--out は .xlsx か .pdf のファイル名にしてください"),
            };
            if out.exists() && !force {
                bail!(
                    "{} は既にあります。上書きするには --force を付けてください",
                    out.display()
                );
            }
            let cfg = config::Config::resolve(&data, None)?;
            let store = open(&cfg).await?;
            let ctx = mamori_app::Ctx::new(store.clone());
            let inst = store
                .institution_by_code(&institution)
                .await?
                .with_context(|| format!("医療機関コード {institution} の医療機関はありません"))?;
            let e = mamori_app::assets::write_ledger(
                &ctx,
                &Actor::system("cli"),
                &inst,
                &dates,
                format,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&out, &e.bytes)
                .with_context(|| format!("書き込めません: {}", out.display()))?;
            println!(
                "{} を書き出しました({} バイト)",
                out.display(),
                e.bytes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Refuse a file over the import limit before reading it.
fn mamori_sheets_size(len: u64) -> Result<()> {
    let max = asset_imports::limits().max_file_bytes;
    if len > max {
        bail!("ファイルが大きすぎます({len} バイト。上限は {max} バイト)");
    }
    Ok(())
}
