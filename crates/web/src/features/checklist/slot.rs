//! One answer field of a sheet (an item's slot) as both sheets show it — the
//! institution's checklist and a vendor's 事業者確認用 sheet — and saving it in place.
//!
//! With htmx a save swaps only that slot (the other rows keep what is typed in them) and
//! refreshes the progress outline out of band; without JavaScript the whole page comes
//! back with the slot's posted values and an error summary at the top that takes focus.

use super::sheet::{AnswerForm, Redo, SectionView, SlotView};
use crate::http::error::{AppError, AppResult};
use crate::i18n::Tr;
use crate::ui::render;
use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use mamori_catalog::Catalog;
use mamori_store::AssessmentAnswer;
use serde::Deserialize;

/// A request made by htmx (it swaps a fragment instead of loading a page).
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("HX-Request").is_some_and(|v| v == "true")
}

/// One line of the progress outline: a section, how much of it is answered, its anchor.
pub struct OutlineRow {
    pub anchor: String,
    pub title: String,
    pub done: usize,
    pub needed: usize,
}

impl OutlineRow {
    pub fn complete(&self) -> bool {
        self.done >= self.needed
    }
}

/// A section's heading: its number and title, or, where the official text gives no
/// title (or it is not verified yet), 「区分 N」.
pub fn section_title(tr: &Tr, number: &str, title: &str) -> String {
    if title.trim().is_empty() {
        tr.t1("cy-section-untitled", "number", number)
    } else {
        format!("{number} {title}").trim().to_string()
    }
}

pub fn section_anchor(section_id: &str) -> String {
    format!("sec-{section_id}")
}

/// The outline of a sheet: every section with its progress, in sheet order.
pub fn outline(tr: &Tr, cat: &Catalog, answers: &[AssessmentAnswer]) -> Vec<OutlineRow> {
    mamori_app::assessments::section_progress(cat, answers)
        .into_iter()
        .filter_map(|(id, done, needed)| {
            let s = cat.sections.iter().find(|s| s.id == id)?;
            Some(OutlineRow {
                anchor: section_anchor(&id),
                title: section_title(tr, &s.number, &s.title),
                done,
                needed,
            })
        })
        .collect()
}

/// Which items a sheet shows: all, those not answered yet, or those answered いいえ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Show {
    #[default]
    All,
    Open,
    No,
}

impl Show {
    pub fn as_str(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Open => "open",
            Show::No => "no",
        }
    }
}

/// How a sheet's page is asked for: the filter, and (after a save without JavaScript)
/// the slot just saved, `item:slot`, which says so where it is.
#[derive(Debug, Default, Deserialize)]
pub struct SheetQuery {
    #[serde(default)]
    pub show: Option<Show>,
    #[serde(default)]
    pub saved: Option<String>,
}

impl SheetQuery {
    pub fn show(&self) -> Show {
        self.show.unwrap_or_default()
    }

    /// Mark the slot just saved (it then says so where it is).
    pub fn apply(&self, sections: &mut [SectionView]) {
        let Some((item, slot)) = self.saved.as_deref().and_then(|s| s.split_once(':')) else {
            return;
        };
        for sl in sections
            .iter_mut()
            .flat_map(|s| s.items.iter_mut())
            .filter(|i| i.id == item)
            .flat_map(|i| i.slots.iter_mut())
            .filter(|sl| sl.slot == slot)
        {
            sl.saved = true;
        }
    }
}

/// Keep the items `show` asks for; sections left empty are dropped. Returns how many
/// items each filter would show: (all, open, no).
pub fn filter_sections(sections: &mut Vec<SectionView>, show: Show) -> (usize, usize, usize) {
    let open = |i: &super::sheet::ItemView| {
        i.applicable
            && i.slots
                .iter()
                .any(|s| s.check1.is_empty() || s.carried || s.error.is_some())
    };
    let no = |i: &super::sheet::ItemView| i.slots.iter().any(|s| s.check1 == "no");
    let items = sections.iter().flat_map(|s| s.items.iter());
    let counts = (
        items.clone().count(),
        items.clone().filter(|i| open(i)).count(),
        items.filter(|i| no(i)).count(),
    );
    for s in sections.iter_mut() {
        s.items.retain(|i| match show {
            Show::All => true,
            Show::Open => open(i),
            Show::No => no(i),
        });
    }
    sections.retain(|s| !s.items.is_empty());
    counts
}

/// The item a slot belongs to, as the slot's form names it.
pub struct ItemHead {
    pub id: String,
    pub number: String,
}

/// The answer of one slot sent back to htmx: the slot (saved, or refused with the posted
/// values and the error) and the outline, refreshed out of band.
#[derive(Template)]
#[template(path = "checklist/slot_fragment.html")]
pub struct SlotFragment {
    pub tr: Tr,
    pub csrf: String,
    pub answer_url: String,
    pub sheet_url: String,
    pub i: ItemHead,
    pub sl: SlotView,
    pub can_answer: bool,
    pub fy_range: (String, String),
    pub outline: Vec<OutlineRow>,
    pub done: usize,
    pub needed: usize,
}

/// The message and field of a refused save, for the slot and the error summary.
pub fn refusal(tr: &Tr, e: &AppError) -> Option<(String, String)> {
    match e {
        AppError::Invalid { field, key } => Some((tr.t(key), field.to_string())),
        AppError::Conflict(_) => Some((tr.t(e.info().key), "check1".to_string())),
        _ => None,
    }
}

/// What a refused save answers with: 422 for a rule, 409 for a stale version.
pub fn refusal_status(e: &AppError) -> StatusCode {
    if matches!(e, AppError::Conflict(_)) {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The inputs of [`slot_reply`]: the sheet's catalog and answers after the save.
pub(crate) struct SlotReply<'a> {
    pub tr: Tr,
    pub csrf: String,
    pub answer_url: String,
    pub cat: &'a Catalog,
    pub answers: &'a [AssessmentAnswer],
    pub item_id: &'a str,
    pub slot: &'a str,
    pub fy: i64,
    pub redo: Option<&'a Redo<'a>>,
    pub status: StatusCode,
}

/// Render one slot for htmx after a save (or a refusal).
pub(crate) fn slot_reply(r: SlotReply<'_>) -> AppResult<Response> {
    let item = r.cat.item(r.item_id).ok_or(AppError::NotFound)?;
    let slot = mamori_domain::assessment::Slot::parse(r.slot).ok_or(AppError::NotFound)?;
    let today = mamori_domain::time::today_jst();
    let ans = r
        .answers
        .iter()
        .find(|x| x.item_id == r.item_id && x.slot == slot);
    let mut sl = super::sheet::slot_view(&r.tr, r.item_id, slot, ans, &today, r.redo);
    sl.saved = r.redo.is_none();
    let m = mamori_app::assessments::model(r.cat, r.answers);
    let body = render(&SlotFragment {
        outline: outline(&r.tr, r.cat, r.answers),
        done: m.done,
        needed: m.needed,
        i: ItemHead {
            id: item.id.clone(),
            number: item.number.clone(),
        },
        sl,
        can_answer: true,
        fy_range: mamori_domain::assessment::fiscal_year_range(r.fy as i32),
        sheet_url: r.answer_url.trim_end_matches("/answers").to_string(),
        answer_url: r.answer_url,
        csrf: r.csrf,
        tr: r.tr,
    })?;
    Ok((r.status, body).into_response())
}

/// What a save came to: none when saved, otherwise the values sent with the refusal's
/// message and field; and the status to answer with. Anything but a refusal is an error.
pub(crate) fn outcome<'a, T>(
    tr: &Tr,
    result: AppResult<T>,
    f: &'a AnswerForm,
) -> AppResult<(Option<Redo<'a>>, StatusCode)> {
    match result {
        Ok(_) => Ok((None, StatusCode::OK)),
        Err(e) => {
            let Some((error, field)) = refusal(tr, &e) else {
                return Err(e);
            };
            let redo = Redo {
                item_id: &f.item_id,
                slot: &f.slot,
                form: f,
                error,
                field,
            };
            Ok((Some(redo), refusal_status(&e)))
        }
    }
}

/// The slot for htmx after a save on the sheet at `sheet_url` (its catalog and answers
/// as they are now).
#[allow(clippy::too_many_arguments)]
pub(crate) fn htmx_reply(
    state: &crate::http::state::AppState,
    tr: Tr,
    csrf: String,
    catalog_id: &str,
    answers: &[AssessmentAnswer],
    sheet_url: &str,
    f: &AnswerForm,
    fy: i64,
    redo: Option<&Redo<'_>>,
    status: StatusCode,
) -> AppResult<Response> {
    let reg = state.catalogs();
    let cat = reg
        .catalogs
        .get(catalog_id)
        .ok_or_else(|| AppError::Internal(format!("catalog {catalog_id} not served")))?;
    slot_reply(SlotReply {
        tr,
        csrf,
        answer_url: format!("{sheet_url}/answers"),
        cat,
        answers,
        item_id: &f.item_id,
        slot: &f.slot,
        fy,
        redo,
        status,
    })
}

/// Where a save without JavaScript lands: back at its slot, which says it is saved.
pub(crate) fn saved_redirect(sheet_url: &str, f: &AnswerForm) -> Response {
    axum::response::Redirect::to(&format!(
        "{sheet_url}?saved={}:{}#slot-{}-{}",
        f.item_id, f.slot, f.item_id, f.slot
    ))
    .into_response()
}

/// The error summary of a page shown again after a refusal: the link to the field and
/// "number slot: message".
pub(crate) fn error_summary(
    tr: &Tr,
    cat: &Catalog,
    redo: Option<&Redo<'_>>,
) -> Option<(String, String)> {
    redo.map(|r| {
        let number = cat
            .item(r.item_id)
            .map(|i| i.number.as_str())
            .unwrap_or(r.item_id);
        let slot = tr.t(&format!("cy-slot-{}", r.slot));
        (
            format!("#f-{}-{}-{}", r.item_id, r.slot, r.field),
            format!("{number} {slot}: {}", r.error),
        )
    })
}
