//! `mamori`: the one binary. `mamori serve` runs the workbench; the other commands work on
//! the same data (`--data-dir` / `--database-url`).

mod assets;
mod audit;
mod catalog;
mod config;
mod export;
mod feeds;
mod maintenance;

use export::{export_command, ExportCommand};
use maintenance::ThrottleCommand;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use mamori_app::{accounts, credentials, demo};
use mamori_domain::{password, validate, Role};
use mamori_store::{Actor, NewUser, Store};
use mamori_web::AppState;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "mamori",
    version,
    about = "mamori (守り) — 医療情報システム安全管理ワークベンチ"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; every command that works on data takes these.
#[derive(Args, Clone, Default)]
pub struct DataArgs {
    /// Directory for the SQLite database (default ./mamori-data).
    #[arg(long, global = true)]
    pub data_dir: Option<std::path::PathBuf>,
    /// PostgreSQL URL (postgres://…); overrides --data-dir. Also MAMORI_DATABASE_URL.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Configuration file (TOML). Default: <data-dir>/mamori.toml when it exists.
    #[arg(long, global = true)]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080). Also MAMORI_BIND.
        #[arg(long)]
        bind: Option<String>,
        /// Load the demo institution さくら総合病院 into an empty database.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Maintenance of the sign-in throttle.
    Throttle {
        #[command(subcommand)]
        command: ThrottleCommand,
    },
    /// Work with the audit chain.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// The official documents as catalogs.
    Catalog {
        #[command(subcommand)]
        command: catalog::CatalogCommand,
    },
    /// An institution's asset ledger (機器台帳): import and export.
    Assets {
        #[command(subcommand)]
        command: assets::AssetsCommand,
    },
    /// Feed data (end of support) from files, into the feed database.
    Feeds {
        #[command(subcommand)]
        command: feeds::FeedsCommand,
    },
    /// Write an institution's checklists in the official layouts (xlsx).
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; prints a generated initial password unless --password-stdin is given.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Make the user a platform administrator.
        #[arg(long)]
        platform_admin: bool,
        /// Grant a role in this institution (医療機関コード) …
        #[arg(long, requires = "role")]
        institution: Option<String>,
        /// … this role (executive, security_officer, planning_manager, system_operator, staff).
        #[arg(long, requires = "institution")]
        role: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a personal API token for a user; prints the secret once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "command line")]
        name: String,
        /// Days until it expires (1–365; 90 when not given). Every token expires.
        #[arg(long)]
        days: Option<i64>,
        #[command(flatten)]
        data: DataArgs,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("MAMORI_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn open(cfg: &config::Config) -> Result<Arc<dyn Store>> {
    let url = cfg.database_url();
    if !url.starts_with("postgres") {
        std::fs::create_dir_all(&cfg.data_dir)
            .with_context(|| format!("cannot create data directory {}", cfg.data_dir.display()))?;
    }
    mamori_store::open(&url)
        .await
        .with_context(|| format!("cannot open the database ({})", config::redact(&url)))
}

async fn run(cli: Cli) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match cli.command {
        Command::Serve {
            bind,
            demo: with_demo,
            data,
        } => {
            let cfg = config::Config::resolve(&data, bind)?;
            let store = open(&cfg).await?;
            let mut demo_loaded = false;
            if with_demo {
                if demo::load(store.as_ref()).await? {
                    demo_loaded = true;
                    print_demo(&cfg.bind);
                } else {
                    eprintln!(
                        "データベースに既にデータがあるため、デモデータは読み込みませんでした。"
                    );
                }
            }
            let listener = tokio::net::TcpListener::bind(&cfg.bind)
                .await
                .with_context(|| format!("cannot listen on {}", cfg.bind))?;
            eprintln!(
                "mamori を起動しました: http://{} (データベース: {})",
                listener.local_addr()?,
                store.backend()
            );
            audit::spawn_daily(store.clone(), cfg.clone());
            let state = AppState::new(store, cfg.web.clone());
            let url = cfg.database_url();
            state
                .ctx()
                .set_feeds(mamori_store::open_feeds(&url).await.with_context(|| {
                    format!("cannot open the feed database ({})", config::redact(&url))
                })?);
            if with_demo {
                demo_eos(state.ctx(), demo_loaded).await?;
            }
            mamori_web::serve(listener, state, shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    platform_admin,
                    institution,
                    role,
                    password_stdin,
                    data,
                },
        } => {
            let cfg = config::Config::resolve(&data, None)?;
            let email = validate::email(&email)
                .map_err(|_| anyhow::anyhow!("メールアドレスの形式が正しくありません: {email}"))?;
            let name = validate::name("name", &name)
                .map_err(|_| anyhow::anyhow!("氏名が正しくありません"))?;
            let role = role
                .map(|r| {
                    r.parse::<Role>()
                        .ok()
                        .filter(|r| r.is_institution_role())
                        .with_context(|| format!("付与できない役割です: {r}"))
                })
                .transpose()?;
            let (pw, generated) = if password_stdin {
                let mut s = String::new();
                std::io::stdin().read_line(&mut s)?;
                (s.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                (accounts::initial_password(), true)
            };
            if let Err(e) = password::check(&pw, &email) {
                bail!("パスワードが規則に合いません: {e}");
            }
            let store = open(&cfg).await?;
            let inst = match &institution {
                Some(code) => Some(
                    store
                        .institution_by_code(code)
                        .await?
                        .with_context(|| format!("医療機関コード {code} の医療機関はありません"))?,
                ),
                None => None,
            };
            let actor = Actor::system("cli");
            let hash = credentials::hash_password(&pw).map_err(|e| anyhow::anyhow!("{e}"))?;
            let user = store
                .create_user(
                    &actor,
                    NewUser {
                        email: email.clone(),
                        display_name: name,
                        password_hash: hash,
                        platform_admin,
                        locale: "ja".into(),
                    },
                )
                .await
                .map_err(|e| match e {
                    mamori_store::StoreError::Duplicate(_) => {
                        anyhow::anyhow!("このメールアドレスの利用者は既に存在します: {email}")
                    }
                    other => other.into(),
                })?;
            if let (Some(inst), Some(role)) = (inst, role) {
                let expires = None;
                store
                    .grant_role(&actor, &inst.id, &user.id, role, expires)
                    .await?;
                println!("{} に役割 {} を付与しました。", inst.name, role);
            }
            println!("利用者を作成しました: {email}");
            if generated {
                println!("初期パスワード: {pw}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    user,
                    name,
                    days,
                    data,
                },
        } => {
            let cfg = config::Config::resolve(&data, None)?;
            let store = open(&cfg).await?;
            let email = user.trim().to_lowercase();
            let u = store
                .user_auth_by_email(&email)
                .await?
                .with_context(|| format!("利用者が見つかりません: {email}"))?;
            let actor = Actor {
                user_id: Some(u.user.id.clone()),
                label: format!("cli:{email}"),
                request_id: None,
                client_addr: None,
            };
            let created = accounts::create_token(
                store.as_ref(),
                &actor,
                &u.user.id,
                accounts::TokenInput {
                    name,
                    expires_in_days: days,
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("トークンを作成できません: {e}"))?;
            println!("{}", created.secret);
            eprintln!("API トークンを作成しました(この表示が最後です)。Authorization: Bearer <token> で使います。");
            Ok(ExitCode::SUCCESS)
        }
        Command::Catalog { command } => catalog::run(command).await,
        Command::Assets { command } => assets::run(command).await,
        Command::Export { command } => export_command(command).await,
        Command::Feeds { command } => feeds::run(command).await,
        Command::Audit { command } => audit::run(command).await,
        Command::Throttle { command } => maintenance::run(command).await,
    }
}

/// The demo's end-of-support sample: the feed when the feed database is empty, the ledger
/// entries when the demo was loaded now.
async fn demo_eos(ctx: &mamori_app::Ctx, loaded: bool) -> Result<()> {
    mamori_app::demo_eos::load_feed_sample(ctx).await?;
    if loaded {
        let inst = ctx
            .store()
            .institution_by_code(demo::DEMO_CODE)
            .await?
            .context("demo institution")?;
        mamori_app::demo_eos::load_ledger(ctx, &inst.id).await?;
    }
    Ok(())
}

fn print_demo(bind: &str) {
    println!();
    println!(
        "デモデータ「さくら総合病院」(医療機関コード {}) を読み込みました。",
        demo::DEMO_CODE
    );
    println!("ブラウザで http://{bind}/ を開き、次のいずれかでログインしてください。");
    println!("パスワードはすべて: {}", demo::DEMO_PASSWORD);
    for u in demo::DEMO_USERS.iter() {
        println!("  {:<32} {}", u.email, u.name);
    }
    for (v, product) in demo::DEMO_VENDORS {
        println!("  事業者 {v}: {product}");
    }
    println!();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    eprintln!("mamori を停止します。");
}
