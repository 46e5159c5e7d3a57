//! Configuration: command-line flags, then `MAMORI_…` environment variables, then the
//! TOML file, then defaults. Unknown keys in the file and unknown `MAMORI_…` variables are
//! errors, so that a typo never silently leaves a security setting at its default.

use crate::DataArgs;
use anyhow::{bail, Context, Result};
use mamori_web::WebConfig;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    session_idle_secs: Option<i64>,
    session_absolute_secs: Option<i64>,
    secure_cookies: Option<bool>,
    max_body_bytes: Option<usize>,
    max_upload_bytes: Option<usize>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    login_max_per_account: Option<u32>,
    login_max_per_address: Option<u32>,
    login_window_secs: Option<i64>,
    audit_key_file: Option<PathBuf>,
    trusted_proxies: Option<String>,
}

/// Environment variables mamori reads (besides MAMORI_LOG for the log filter).
const ENV_KEYS: [&str; 17] = [
    "MAMORI_TRUSTED_PROXIES",
    "MAMORI_BIND",
    "MAMORI_DATA_DIR",
    "MAMORI_DATABASE_URL",
    "MAMORI_CONFIG",
    "MAMORI_SESSION_IDLE_SECS",
    "MAMORI_SESSION_ABSOLUTE_SECS",
    "MAMORI_SECURE_COOKIES",
    "MAMORI_MAX_BODY_BYTES",
    "MAMORI_MAX_UPLOAD_BYTES",
    "MAMORI_SMTP_URL",
    "MAMORI_MAIL_FROM",
    "MAMORI_PUBLIC_URL",
    "MAMORI_LOGIN_MAX_PER_ACCOUNT",
    "MAMORI_LOGIN_MAX_PER_ADDRESS",
    "MAMORI_LOGIN_WINDOW_SECS",
    "MAMORI_AUDIT_KEY_FILE",
];

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    /// The Ed25519 key that signs audit checkpoints (default `<data-dir>/audit-signing.key`).
    pub audit_key_file: PathBuf,
    database_url: Option<String>,
    pub web: WebConfig,
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

fn env_parse<T: std::str::FromStr>(key: &str) -> Result<Option<T>> {
    env(key)
        .map(|v| {
            v.parse::<T>()
                .map_err(|_| anyhow::anyhow!("{key} の値が正しくありません: {v}"))
        })
        .transpose()
}

impl Config {
    pub fn resolve(args: &DataArgs, bind: Option<String>) -> Result<Self> {
        for (k, _) in std::env::vars() {
            if k.starts_with("MAMORI_") && k != "MAMORI_LOG" && !ENV_KEYS.contains(&k.as_str()) {
                bail!(
                    "不明な環境変数です: {k}(使えるのは {} と MAMORI_LOG)",
                    ENV_KEYS.join(", ")
                );
            }
        }
        let data_dir = args
            .data_dir
            .clone()
            .or_else(|| env("MAMORI_DATA_DIR").map(PathBuf::from));
        let config_path = args
            .config
            .clone()
            .or_else(|| env("MAMORI_CONFIG").map(PathBuf::from));
        let file = match &config_path {
            Some(p) => Some(read_file(p)?),
            None => {
                let p = data_dir
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("mamori-data"))
                    .join("mamori.toml");
                if p.exists() {
                    Some(read_file(&p)?)
                } else {
                    None
                }
            }
        }
        .unwrap_or_default();
        let d = WebConfig::default();
        let web = WebConfig {
            session_idle_secs: env_parse("MAMORI_SESSION_IDLE_SECS")?
                .or(file.session_idle_secs)
                .unwrap_or(d.session_idle_secs),
            session_absolute_secs: env_parse("MAMORI_SESSION_ABSOLUTE_SECS")?
                .or(file.session_absolute_secs)
                .unwrap_or(d.session_absolute_secs),
            secure_cookies: env_parse("MAMORI_SECURE_COOKIES")?
                .or(file.secure_cookies)
                .unwrap_or(d.secure_cookies),
            max_body_bytes: env_parse("MAMORI_MAX_BODY_BYTES")?
                .or(file.max_body_bytes)
                .unwrap_or(d.max_body_bytes),
            max_upload_bytes: env_parse("MAMORI_MAX_UPLOAD_BYTES")?
                .or(file.max_upload_bytes)
                .unwrap_or(d.max_upload_bytes),
            smtp_url: env("MAMORI_SMTP_URL").or(file.smtp_url),
            mail_from: env("MAMORI_MAIL_FROM")
                .or(file.mail_from)
                .unwrap_or(d.mail_from),
            public_url: env("MAMORI_PUBLIC_URL")
                .or(file.public_url)
                .map(|u| u.trim_end_matches('/').to_string()),
            login_max_per_account: env_parse("MAMORI_LOGIN_MAX_PER_ACCOUNT")?
                .or(file.login_max_per_account)
                .unwrap_or(d.login_max_per_account),
            login_max_per_address: env_parse("MAMORI_LOGIN_MAX_PER_ADDRESS")?
                .or(file.login_max_per_address)
                .unwrap_or(d.login_max_per_address),
            login_window_secs: env_parse("MAMORI_LOGIN_WINDOW_SECS")?
                .or(file.login_window_secs)
                .unwrap_or(d.login_window_secs),
            trusted_proxies: parse_proxies(
                env("MAMORI_TRUSTED_PROXIES")
                    .or(file.trusted_proxies)
                    .as_deref()
                    .unwrap_or(""),
            )?,
            mail_poll_ms: d.mail_poll_ms,
        };
        if web.session_idle_secs < 60 || web.session_absolute_secs < web.session_idle_secs {
            bail!("セッションの設定が正しくありません(session_idle_secs は60以上、session_absolute_secs はそれ以上)");
        }
        let data_dir = data_dir
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("mamori-data"));
        Ok(Config {
            bind: bind
                .or_else(|| env("MAMORI_BIND"))
                .or(file.bind)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            audit_key_file: env("MAMORI_AUDIT_KEY_FILE")
                .map(PathBuf::from)
                .or(file.audit_key_file)
                .unwrap_or_else(|| data_dir.join("audit-signing.key")),
            data_dir,
            database_url: args
                .database_url
                .clone()
                .or_else(|| env("MAMORI_DATABASE_URL"))
                .or(file.database_url),
            web,
        })
    }

    /// The database to open: PostgreSQL when a URL is given, else SQLite in the data directory.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => format!("sqlite://{}", self.data_dir.join("mamori.db").display()),
        }
    }
}

/// `trusted_proxies`: comma-separated IP addresses of the reverse proxies in front of mamori.
fn parse_proxies(list: &str) -> Result<Vec<std::net::IpAddr>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .with_context(|| format!("trusted_proxies: IP アドレスではありません: {s}"))
        })
        .collect()
}

fn read_file(p: &std::path::Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(p)
        .with_context(|| format!("設定ファイルを読めません: {}", p.display()))?;
    toml::from_str(&text).with_context(|| format!("設定ファイルに誤りがあります: {}", p.display()))
}

/// Hide the password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}
