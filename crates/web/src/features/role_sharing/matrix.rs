//! The cross-vendor matrix, and the exports (checklist and matrix as xlsx, the print page).

use crate::http::auth::Auth;
use crate::http::download::{date_style, ExportQuery};
use crate::http::error::AppResult;
use crate::http::state::AppState;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use mamori_app::role_sharing::{self as rsw};
use mamori_domain::policy::Action;
use serde::Deserialize;

// ------------------------------------------------------------------ matrix

#[derive(Template)]
#[template(path = "role_sharing/matrix.html")]
pub(crate) struct MatrixPage {
    page: PageCtx,
    m: rsw::Matrix,
    filter: String,
    filters: Vec<(String, String, usize)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct MatrixQuery {
    #[serde(default)]
    pub flag: String,
}

pub async fn matrix(
    State(state): State<AppState>,
    auth: Auth,
    Path(code): Path<String>,
    Query(q): Query<MatrixQuery>,
) -> AppResult<Response> {
    let inst =
        mamori_app::access::institution_for(state.store(), &auth, &code, Action::ViewContracts)
            .await?;
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "matrix",
        Some(&inst),
        &format!("/i/{code}/matrix"),
    )
    .await?;
    let tr = page.tr;
    let mut m = rsw::matrix(&state, &inst).await?;
    let codes = [
        "gap",
        "overlap",
        "disagreement",
        "no-without-completion",
        "coordinate",
    ];
    let filter = if codes.contains(&q.flag.as_str()) {
        q.flag.clone()
    } else {
        String::new()
    };
    if !filter.is_empty() {
        for g in &mut m.groups {
            g.rows.retain(|r| r.flags.iter().any(|f| f.code == filter));
        }
        m.groups.retain(|g| !g.rows.is_empty());
    }
    let filters = codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                tr.t(&format!("matrix-flag-{c}")),
                m.counts.get(*c).copied().unwrap_or(0),
            )
        })
        .collect();
    Ok(render(&MatrixPage {
        page,
        m,
        filter,
        filters,
    })?
    .into_response())
}

// ------------------------------------------------------------------ exports

#[derive(Template)]
#[template(path = "role_sharing/contract_print.html")]
pub(crate) struct PrintPage {
    sheet: mamori_export::ChecklistSheet,
    rows: Vec<(mamori_export::ChecklistRow, String, String)>,
    exported_on: String,
}

/// The checklist laid out for printing (A4 landscape), in Japanese as the official form.
pub async fn contract_print(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (c, _) = rsw::contract_for(state.store(), &auth, &id, Action::ViewContracts).await?;
    let dates = date_style(&q)?;
    let sheet = rsw::checklist_sheet(&state, &c).await?;
    let rows = sheet
        .rows
        .iter()
        .map(|r| {
            (
                r.clone(),
                mamori_export::first_check_cell(r, dates),
                if r.completed_on.is_empty() {
                    String::new()
                } else {
                    dates.date(&r.completed_on)
                },
            )
        })
        .collect();
    Ok(render(&PrintPage {
        exported_on: dates.date(&sheet.exported_on),
        rows,
        sheet,
    })?
    .into_response())
}
