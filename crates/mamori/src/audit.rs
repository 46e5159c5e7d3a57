//! `mamori audit …`: verifying the chains and taking signed checkpoints, and the server's
//! daily checkpoint. The signing key is a file outside the database (`audit_key_file`,
//! default `<data-dir>/audit-signing.key`, mode 0600); checkpoints are written to
//! `<data-dir>/checkpoints/` (and wherever `--out` says) and kept in the database.

use crate::config::Config;
use crate::DataArgs;
use anyhow::{bail, Context, Result};
use clap::Subcommand;
use mamori_domain::audit::ChainBreak;
use mamori_domain::audit_checkpoint::{fingerprint, public_key_of, Checkpoint};
use mamori_store::{Actor, AuditReport, CheckpointSource, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify every audit chain, the chain registry and every checkpoint (those in the
    /// database, those in <data-dir>/checkpoints/ and those given); exits 1 naming each
    /// broken chain and its first bad event.
    Verify {
        /// A checkpoint file kept outside the machine (repeatable).
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Sign every chain's last event (id, seq, hash) with the audit key and write the
    /// checkpoint to <data-dir>/checkpoints/ (and to --out), into the database and the
    /// global chain. Refused when a chain does not verify.
    Checkpoint {
        /// Also write the checkpoint here (e.g. on removable media); never overwritten.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// How often the server takes a checkpoint.
const DAILY: Duration = Duration::from_secs(24 * 3600);

pub async fn run(command: AuditCommand) -> Result<ExitCode> {
    match command {
        AuditCommand::Verify { checkpoints, data } => {
            let cfg = Config::resolve(&data, None)?;
            let store = crate::open(&cfg).await?;
            verify(store.as_ref(), &cfg, &checkpoints).await
        }
        AuditCommand::Checkpoint { out, data } => {
            let cfg = Config::resolve(&data, None)?;
            if let Some(out) = &out {
                if out.exists() {
                    bail!(
                        "{} は既にあります。別の --out を指定してください",
                        out.display()
                    );
                }
            }
            let store = crate::open(&cfg).await?;
            match take(store.as_ref(), &cfg, Actor::system("cli")).await? {
                Err(report) => {
                    print_breaks(store.as_ref(), &report).await?;
                    println!("改ざんを検出したため、チェックポイントは作成しませんでした。");
                    Ok(ExitCode::from(1))
                }
                Ok((cp, path)) => {
                    if let Some(out) = &out {
                        write_new(out, &cp.to_text())?;
                        println!("{} にも書き出しました。", out.display());
                    }
                    println!(
                        "チェックポイントを作成しました: {} ({} チェーン、{})\n鍵の指紋: {}\nダイジェスト: {}",
                        path.display(),
                        cp.entries.len(),
                        cp.created(),
                        cp.fingerprint(),
                        cp.digest()
                    );
                    println!(
                        "印刷するか取り外せる媒体に保存し、このマシンの外に保管してください。"
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
    }
}

/// The secret key, created (mode 0600) on first use.
fn load_or_create_key(path: &Path) -> Result<[u8; 32]> {
    if path.exists() {
        return read_key(path);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("ディレクトリを作れません: {}", dir.display()))?;
    }
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options
        .open(path)
        .with_context(|| format!("署名鍵を作れません: {}", path.display()))?;
    std::io::Write::write_all(&mut f, format!("{}\n", hex::encode(secret)).as_bytes())?;
    f.sync_all()?;
    tracing::info!(
        path = %path.display(),
        fingerprint = %fingerprint(&public_key_of(&secret)),
        "created the audit signing key"
    );
    Ok(secret)
}

fn read_key(path: &Path) -> Result<[u8; 32]> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "署名鍵 {} は他の利用者も読めます(mode {:o})。chmod 600 にしてください",
                path.display(),
                mode & 0o777
            );
        }
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("署名鍵を読めません: {}", path.display()))?;
    hex::decode(text.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .with_context(|| format!("署名鍵の形式が正しくありません: {}", path.display()))
}

/// Write a new file whole or not at all (written aside, then renamed), never replacing one.
fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("ディレクトリを作れません: {}", dir.display()))?;
    }
    if path.exists() {
        bail!("{} は既にあります", path.display());
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(".partial");
    let aside = PathBuf::from(aside);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&aside)
        .with_context(|| format!("書き込めません: {}", aside.display()))?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&aside, path).with_context(|| format!("書き込めません: {}", path.display()))
}

fn checkpoint_dir(cfg: &Config) -> PathBuf {
    cfg.data_dir.join("checkpoints")
}

/// The checkpoint files in `<data-dir>/checkpoints/`, oldest name first.
fn stored_files(cfg: &Config) -> Result<Vec<(PathBuf, CheckpointSource)>> {
    let dir = checkpoint_dir(cfg);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| read_source(&p).map(|s| (p, s)))
        .collect()
}

fn read_source(path: &Path) -> Result<CheckpointSource> {
    Ok(CheckpointSource {
        name: path.display().to_string(),
        text: std::fs::read_to_string(path)
            .with_context(|| format!("チェックポイントを読めません: {}", path.display()))?,
    })
}

/// Verify, then sign and keep a checkpoint: its file under `<data-dir>/checkpoints/`.
pub async fn take(
    store: &dyn Store,
    cfg: &Config,
    actor: Actor,
) -> Result<std::result::Result<(Checkpoint, PathBuf), AuditReport>> {
    let secret = load_or_create_key(&cfg.audit_key_file)?;
    let files: Vec<CheckpointSource> = stored_files(cfg)?.into_iter().map(|(_, s)| s).collect();
    let cp = match mamori_store::take_checkpoint(store, &actor, &secret, &files).await? {
        Ok(cp) => cp,
        Err(report) => return Ok(Err(report)),
    };
    let stamp = chrono::DateTime::from_timestamp_millis(cp.created_ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%S%3fZ");
    let path = checkpoint_dir(cfg).join(format!("checkpoint-{stamp}.txt"));
    write_new(&path, &cp.to_text())?;
    Ok(Ok((cp, path)))
}

async fn verify(store: &dyn Store, cfg: &Config, given: &[PathBuf]) -> Result<ExitCode> {
    let stored = stored_files(cfg)?;
    let mut files: Vec<CheckpointSource> = Vec::new();
    for p in given {
        let same = stored.iter().any(|(s, _)| {
            s.canonicalize()
                .ok()
                .is_some_and(|c| Some(c) == p.canonicalize().ok())
        });
        if !same {
            files.push(read_source(p)?);
        }
    }
    files.extend(stored.into_iter().map(|(_, s)| s));
    let key = if cfg.audit_key_file.exists() {
        Some(public_key_of(&read_key(&cfg.audit_key_file)?))
    } else {
        None
    };
    let report = mamori_store::verify_audit_report(store, &files, key.as_deref()).await?;
    if report.is_intact() {
        println!(
            "監査チェーンは完全です: {} チェーン、{} 件のイベントを検証しました。",
            report.chains, report.events
        );
    } else {
        print_breaks(store, &report).await?;
    }
    if let Some(latest) = report.checkpoints.iter().max_by_key(|c| c.created_ms) {
        println!(
            "署名付きチェックポイント {} 件と照合しました(最新: {})。",
            report.checkpoints.len(),
            latest.name
        );
        match &key {
            Some(k) => println!("署名鍵の指紋: {}", fingerprint(k)),
            None => {
                let mut prints: Vec<&str> = report
                    .checkpoints
                    .iter()
                    .map(|c| c.fingerprint.as_str())
                    .collect();
                prints.sort_unstable();
                prints.dedup();
                println!(
                    "署名鍵 {} がないため、チェックポイントに埋め込まれた公開鍵で検証しました(指紋: {})。印刷した指紋と同じか確かめてください。",
                    cfg.audit_key_file.display(),
                    prints.join(", ")
                );
            }
        }
    } else {
        println!(
            "チェックポイントはありません: 末尾の削除や再計算による書き換えは検出できません(mamori audit checkpoint)。"
        );
    }
    Ok(if report.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One line per broken chain, with the institution's name when it still exists.
async fn print_breaks(store: &dyn Store, report: &AuditReport) -> Result<()> {
    let ids: Vec<String> = report
        .breaks
        .iter()
        .filter_map(ChainBreak::chain)
        .map(str::to_string)
        .collect();
    let institutions = store.institutions_by_ids(&ids).await?;
    for b in &report.breaks {
        let name = b
            .chain()
            .and_then(|c| institutions.iter().find(|i| i.id == c))
            .map(|i| format!(" [{} ({})]", i.name, i.code))
            .unwrap_or_default();
        println!("監査チェーンの改ざんを検出しました: {b}{name}");
    }
    Ok(())
}

/// The server's checkpoint: at start-up when the latest is a day old (or there is none),
/// then every day. A failure is logged, and tried again the next day.
pub fn spawn_daily(store: Arc<dyn Store>, cfg: Config) {
    tokio::spawn(async move {
        loop {
            let wait = match daily_once(store.as_ref(), &cfg).await {
                Ok(wait) => wait,
                Err(e) => {
                    tracing::error!("audit checkpoint failed: {e:#}");
                    DAILY
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
}

/// Take the checkpoint if one is due; how long until the next is.
async fn daily_once(store: &dyn Store, cfg: &Config) -> Result<Duration> {
    let now = mamori_store::now_ms();
    let day = DAILY.as_millis() as i64;
    if let Some(at) = store.latest_checkpoint_at().await? {
        if now - at < day {
            return Ok(Duration::from_millis((at + day - now).max(60_000) as u64));
        }
    }
    if store.audit_heads().await?.is_empty() {
        return Ok(DAILY);
    }
    match take(store, cfg, Actor::system("mamori")).await? {
        Ok((cp, path)) => tracing::info!(
            path = %path.display(),
            chains = cp.entries.len(),
            fingerprint = %cp.fingerprint(),
            "audit checkpoint written"
        ),
        Err(report) => {
            for b in &report.breaks {
                tracing::error!("audit chain tampering detected; no checkpoint signed: {b}");
            }
        }
    }
    Ok(DAILY)
}
