//! An asset's end-of-support link from its page: confirm a suggested product cycle (or
//! replace the link), remove it. ManageAssets; a stale version is refused with 409.

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

/// The confirm form: the cycle chosen and the link's version when one is replaced.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub product: String,
    pub cycle: String,
    /// Empty for a new link.
    pub version: String,
}

fn version(v: &str) -> AppResult<Option<i64>> {
    match v.trim() {
        "" => Ok(None),
        v => v.parse().map(Some).map_err(|_| AppError::Invalid {
            field: "version",
            key: "error-conflict",
        }),
    }
}

pub async fn confirm(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let v = version(&f.version)?;
    mamori_app::eos::confirm(&state, &auth, &id, &f.product, &f.cycle, v).await?;
    Ok(Redirect::to(&format!("/ledger/{id}?ok=flash-eos-linked#eos")).into_response())
}

pub async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let v = version(&f.version)?.unwrap_or(0);
    mamori_app::eos::remove(&state, &auth, &id, v).await?;
    Ok(Redirect::to(&format!("/ledger/{id}?ok=flash-eos-unlinked#eos")).into_response())
}
