//! `mamori throttle …`: maintenance of the sign-in throttle kept in the database.

use super::*;

#[derive(Subcommand)]
pub enum ThrottleCommand {
    /// Forget every counted sign-in and secret-check attempt (after a lock-out, e.g. when
    /// many failed sign-ins came through one proxy address). Audited in the global chain.
    Clear {
        #[command(flatten)]
        data: DataArgs,
    },
}

pub async fn run(command: ThrottleCommand) -> Result<std::process::ExitCode> {
    let ThrottleCommand::Clear { data } = command;
    let cfg = config::Config::resolve(&data, None)?;
    let store = open(&cfg).await?;
    let cleared = store.throttle_clear_all().await?;
    store
        .record(
            &Actor::system("cli:throttle-clear"),
            mamori_store::AuditDraft::new(
                None,
                "auth.throttle_clear",
                "throttle",
                "",
                serde_json::json!({ "keys": cleared }),
            ),
        )
        .await?;
    println!("ログイン試行の制限を解除しました({cleared} 件)。");
    Ok(std::process::ExitCode::SUCCESS)
}
