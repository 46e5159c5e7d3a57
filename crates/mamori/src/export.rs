//! `mamori export …`: an institution's checklists in the official layouts, from the command line.

use super::*;

#[derive(Subcommand)]
pub enum ExportCommand {
    /// The role-sharing checklist of the institution's contract with a vendor.
    RoleSharing {
        /// 医療機関コード (10 digits).
        #[arg(long)]
        institution: String,
        /// The vendor's name as registered (e.g. B社).
        #[arg(long)]
        vendor: String,
        /// Part of the contract's title, when the institution has several contracts with it.
        #[arg(long)]
        contract: Option<String>,
        #[arg(long)]
        out: std::path::PathBuf,
        /// `wareki` (令和6年6月10日, default) or `seireki` (2024年6月10日).
        #[arg(long, default_value = "wareki")]
        dates: String,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The cybersecurity checklist of a fiscal year: the institution sheet and every
    /// submitted vendor sheet, one worksheet each.
    Checklist {
        #[arg(long)]
        institution: String,
        /// The fiscal year as a Western year (2024 = 令和6年度).
        #[arg(long)]
        fiscal_year: i64,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value = "wareki")]
        dates: String,
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// The cross-vendor role matrix of the institution.
    Matrix {
        #[arg(long)]
        institution: String,
        #[arg(long)]
        out: std::path::PathBuf,
        #[arg(long, default_value = "wareki")]
        dates: String,
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

pub async fn export_command(command: ExportCommand) -> Result<std::process::ExitCode> {
    let (data, code, out, dates, force) = match &command {
        ExportCommand::RoleSharing {
            data,
            institution,
            out,
            dates,
            force,
            ..
        }
        | ExportCommand::Matrix {
            data,
            institution,
            out,
            dates,
            force,
        }
        | ExportCommand::Checklist {
            data,
            institution,
            out,
            dates,
            force,
            ..
        } => (data, institution, out, dates, *force),
    };
    let dates = mamori_export::DateStyle::parse(dates)
        .context("--dates は wareki か seireki を指定してください")?;
    let pdf = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if pdf && !matches!(command, ExportCommand::Checklist { .. }) {
        bail!("PDF で出力できるのはチェックリストだけです。.xlsx のファイル名を指定してください");
    }
    if out.exists() && !force {
        bail!(
            "{} は既にあります。上書きするには --force を付けてください",
            out.display()
        );
    }
    let cfg = config::Config::resolve(data, None)?;
    let store = open(&cfg).await?;
    let ctx = mamori_app::Ctx::new(store.clone());
    ctx.set_catalogs(mamori_app::catalogs::load(store.as_ref()).await?);
    let inst = store
        .institution_by_code(code)
        .await?
        .with_context(|| format!("医療機関コード {code} の医療機関はありません"))?;
    let actor = Actor::system("cli");
    let (bytes, target, what) = match &command {
        ExportCommand::RoleSharing {
            vendor, contract, ..
        } => {
            let all = store.contracts(&inst.id).await?;
            let matching: Vec<_> = all
                .iter()
                .filter(|c| c.vendor_name == *vendor)
                .filter(|c| {
                    contract
                        .as_ref()
                        .is_none_or(|t| c.title.contains(t.as_str()))
                })
                .collect();
            let c = match matching.as_slice() {
                [one] => *one,
                [] => bail!(
                    "{} と事業者「{vendor}」の契約はありません(契約のある事業者: {})",
                    inst.name,
                    all.iter()
                        .map(|c| c.vendor_name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
                many => bail!(
                    "事業者「{vendor}」との契約が複数あります。--contract で契約名の一部を指定してください: {}",
                    many.iter().map(|c| c.title.as_str()).collect::<Vec<_>>().join("、")
                ),
            };
            let sheet = mamori_app::role_sharing::checklist_sheet(&ctx, c)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            (
                mamori_export::checklist_xlsx(&sheet, dates)?,
                ("contract", c.id.clone()),
                "checklist.xlsx",
            )
        }
        ExportCommand::Checklist { fiscal_year, .. } => {
            let a = store
                .assessments(&inst.id)
                .await?
                .into_iter()
                .find(|a| a.fiscal_year == *fiscal_year)
                .with_context(|| {
                    format!(
                        "{} の {fiscal_year} 年度のチェックリストはありません",
                        inst.name
                    )
                })?;
            let sheets = mamori_app::assessments::check_sheets(&ctx, &a)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if pdf {
                (
                    mamori_pdf::checklist_pdf(&sheets, dates)?,
                    ("assessment", a.id.clone()),
                    "checklist.pdf",
                )
            } else {
                (
                    mamori_export::checklist_workbook(&sheets, dates)?,
                    ("assessment", a.id.clone()),
                    "checklist.xlsx",
                )
            }
        }
        ExportCommand::Matrix { .. } => {
            let m = mamori_app::role_sharing::matrix(&ctx, &inst)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            (
                mamori_export::matrix_xlsx(
                    &mamori_app::role_sharing::matrix_sheet(&inst, &m),
                    dates,
                )?,
                ("institution", inst.id.clone()),
                "matrix.xlsx",
            )
        }
    };
    std::fs::write(out, &bytes).with_context(|| format!("書き込めません: {}", out.display()))?;
    store
        .record(
            &actor,
            mamori_store::AuditDraft::new(
                Some(&inst.id),
                if target.0 == "assessment" {
                    "assessment.export"
                } else {
                    "role_sharing.export"
                },
                target.0,
                &target.1,
                serde_json::json!({"export": what, "via": "cli"}),
            ),
        )
        .await?;
    println!("{} を書き出しました({} バイト)", out.display(), bytes.len());
    Ok(std::process::ExitCode::SUCCESS)
}
