//! The catalogs in the UI and the API: browsing by document and version, the item page with
//! its crosswalk relations, and Japanese search (the database's trigram index, ranked here).

use crate::http::auth::Auth;
use crate::http::error::{AppError, AppResult};
use crate::http::state::{AppState, Catalogs};
use crate::i18n::Tr;
use crate::ui::{render, PageCtx};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use mamori_catalog::{Answer, Catalog, Item, Provenance};
use mamori_domain::codes::CatalogEntryKind;
use mamori_domain::policy::{Action, Scope};
use serde::{Deserialize, Serialize};

pub use mamori_app::catalogs::{embedded, index_record, load, provenance_code, sync};

pub(crate) fn answer_key(a: Answer) -> &'static str {
    match a {
        Answer::None => "answer-none",
        Answer::YesNo => "answer-yes-no",
        Answer::YesNoPerDevice => "answer-per-device",
        Answer::Text => "answer-text",
        Answer::Date => "answer-date",
    }
}

fn href(catalog_id: &str) -> String {
    format!("/catalogs/{catalog_id}")
}

fn item_href(catalog_id: &str, item_id: &str) -> String {
    format!("/catalogs/{catalog_id}/items/{item_id}")
}

fn catalog<'a>(catalogs: &'a Catalogs, publisher: &str, docver: &str) -> AppResult<&'a Catalog> {
    catalogs
        .catalogs
        .get(&format!("{publisher}/{docver}"))
        .ok_or(AppError::NotFound)
}

// ------------------------------------------------------------------ list

pub struct CatalogRow {
    pub href: String,
    pub id: String,
    pub title: String,
    pub version: String,
    pub published: String,
    pub items: usize,
    pub unverified: usize,
    pub complete: bool,
    pub imported: bool,
}

#[derive(Template)]
#[template(path = "catalogs/catalogs.html")]
struct ListPage {
    page: PageCtx,
    groups: Vec<(String, Vec<CatalogRow>)>,
    crosswalks: usize,
}

pub async fn list(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    let page = PageCtx::signed_in(&state, &auth, "catalogs", None, "/catalogs").await?;
    let tr = page.tr;
    let mut groups: Vec<(String, Vec<CatalogRow>)> = Vec::new();
    let catalogs = state.catalogs();
    for c in catalogs.catalogs.values() {
        let m = &c.catalog;
        let label = tr.t(&format!(
            "catalog-kind-{}",
            mamori_app::catalogs::kind_of(m.kind)
        ));
        let row = CatalogRow {
            href: href(&m.id),
            id: m.id.clone(),
            title: m.title.clone(),
            version: m.version.clone(),
            published: m.published.clone(),
            items: c.items.len(),
            unverified: c
                .items
                .iter()
                .filter(|i| i.provenance == Provenance::Unverified)
                .count(),
            complete: m.coverage.complete,
            imported: catalogs.imported.contains(&m.id),
        };
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((label, vec![row])),
        }
    }
    let crosswalks = state.catalogs().crosswalks.len();
    Ok(render(&ListPage {
        page,
        groups,
        crosswalks,
    })?
    .into_response())
}

// ------------------------------------------------------------------ one catalog

pub struct ItemRow {
    pub href: String,
    pub number: String,
    pub text: String,
    pub unverified: bool,
    pub provenance: String,
    pub answer: String,
    pub depth: usize,
}

pub struct SectionRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub depth: usize,
    pub items: Vec<ItemRow>,
}

#[derive(Template)]
#[template(path = "catalogs/catalog.html")]
struct CatalogPage {
    page: PageCtx,
    c: Catalog,
    sections: Vec<SectionRow>,
    unverified: usize,
}

fn item_row(tr: &Tr, c: &Catalog, i: &Item) -> ItemRow {
    ItemRow {
        href: item_href(&c.catalog.id, &i.id),
        number: i.number.clone(),
        text: i.text.clone(),
        unverified: i.provenance == Provenance::Unverified,
        provenance: tr.t(&format!("provenance-{}", provenance_code(i.provenance))),
        answer: tr.t(answer_key(i.answer)),
        depth: 0,
    }
}

/// Sections in document order (depth-first from the top), each with its items.
fn section_rows(tr: &Tr, c: &Catalog) -> Vec<SectionRow> {
    fn walk(tr: &Tr, c: &Catalog, parent: &str, depth: usize, out: &mut Vec<SectionRow>) {
        for s in c.sections.iter().filter(|s| s.parent == parent) {
            out.push(SectionRow {
                id: s.id.clone(),
                number: s.number.clone(),
                title: s.title.clone(),
                depth,
                items: c
                    .items
                    .iter()
                    .filter(|i| i.section == s.id)
                    .map(|i| item_row(tr, c, i))
                    .collect(),
            });
            if depth < 8 {
                walk(tr, c, &s.id, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(tr, c, "", 0, &mut out);
    out
}

pub async fn show(
    State(state): State<AppState>,
    auth: Auth,
    Path((publisher, docver)): Path<(String, String)>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    let c = catalog(&state.catalogs(), &publisher, &docver)?.clone();
    let page = PageCtx::signed_in(&state, &auth, "catalogs", None, &href(&c.catalog.id)).await?;
    let sections = section_rows(&page.tr, &c);
    let unverified = c
        .items
        .iter()
        .filter(|i| i.provenance == Provenance::Unverified)
        .count();
    Ok(render(&CatalogPage {
        page,
        c,
        sections,
        unverified,
    })?
    .into_response())
}

// ------------------------------------------------------------------ one item

pub struct RelatedRow {
    pub kind: String,
    pub catalog_title: String,
    pub catalog_id: String,
    pub number: String,
    pub text: String,
    pub href: String,
    pub provenance: String,
}

#[derive(Template)]
#[template(path = "catalogs/catalog_item.html")]
struct ItemPage {
    page: PageCtx,
    c: Catalog,
    item: Item,
    section: String,
    answer: String,
    devices: String,
    roles: String,
    provenance: String,
    unverified: bool,
    related: Vec<RelatedRow>,
    /// Where mamori keeps what the item asks for (the asset ledger for 課題① and the items
    /// on 台帳): (link, institution) for each institution whose ledger the viewer reads.
    ledgers: Vec<(String, String)>,
}

/// The items the asset ledger answers (課題① 「資源を網羅的に把握できていない」, the
/// 確認表's Part1 参考3①, BCP 1-1, the checklist's 台帳管理), by catalog document and id.
const LEDGER_ITEMS: &[(&str, &str)] = &[
    ("mhlw/role-sharing-challenges", "challenge-1"),
    ("mhlw/role-sharing", "part1-ref-3-1"),
    ("mhlw/bcp-checklist", "1-1"),
    ("mhlw/cyber-checklist-institution", "2-1"),
];

pub async fn item(
    State(state): State<AppState>,
    auth: Auth,
    Path((publisher, docver, item_id)): Path<(String, String, String)>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    let registry = state.catalogs();
    let c = catalog(&registry, &publisher, &docver)?;
    let item = c.item(&item_id).ok_or(AppError::NotFound)?.clone();
    let page = PageCtx::signed_in(
        &state,
        &auth,
        "catalogs",
        None,
        &item_href(&c.catalog.id, &item.id),
    )
    .await?;
    let tr = page.tr;
    let mut ledgers = Vec::new();
    if LEDGER_ITEMS
        .iter()
        .any(|(doc, id)| c.catalog.id.starts_with(&format!("{doc}@")) && *id == item.id)
    {
        for inst in mamori_app::access::my_institutions(state.store(), &auth).await? {
            if mamori_app::access::may(&auth, Action::ViewAssets, Scope::Institution(&inst.id)) {
                ledgers.push((format!("/i/{}/ledger", inst.code), inst.name));
            }
        }
    }
    let mut related = Vec::new();
    for (x, r, forward) in registry.related(&c.catalog.id, &item.id) {
        let (other_id, other) = if forward {
            (&x.crosswalk.to, &r.to)
        } else {
            (&x.crosswalk.from, &r.from)
        };
        let Some(oc) = registry.catalogs.get(other_id) else {
            continue;
        };
        let (number, text, href) = match (oc.item(other), oc.section(other)) {
            (Some(i), _) => (i.number.clone(), i.text.clone(), item_href(other_id, &i.id)),
            (None, Some(s)) => (
                s.number.clone(),
                s.title.clone(),
                format!("{}#{}", href(other_id), s.id),
            ),
            _ => continue,
        };
        related.push(RelatedRow {
            kind: tr.t(&format!("relation-{}", r.kind.as_str())),
            catalog_title: format!("{} ({})", oc.catalog.title, oc.catalog.version),
            catalog_id: other_id.clone(),
            number,
            text,
            href,
            provenance: tr.t(&format!("provenance-{}", provenance_code(r.provenance))),
        });
    }
    let section = c
        .section(&item.section)
        .map(|s| format!("{} {}", s.number, s.title).trim().to_string())
        .unwrap_or_default();
    let devices = item
        .devices
        .iter()
        .map(|d| tr.t(&format!("device-{}", format!("{d:?}").to_lowercase())))
        .collect::<Vec<_>>()
        .join("・");
    let roles = item
        .role
        .iter()
        .map(|r| tr.t(&format!("addressee-{}", format!("{r:?}").to_lowercase())))
        .collect::<Vec<_>>()
        .join("・");
    let body = ItemPage {
        answer: tr.t(answer_key(item.answer)),
        provenance: tr.t(&format!("provenance-{}", provenance_code(item.provenance))),
        unverified: item.provenance == Provenance::Unverified,
        c: c.clone(),
        item,
        section,
        devices,
        roles,
        related,
        ledgers,
        page,
    };
    Ok(render(&body)?.into_response())
}

// ------------------------------------------------------------------ search

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SearchQuery {
    /// Words to find (Japanese or English); every word must match.
    pub q: Option<String>,
}

/// One search result; `segments` is the text split into (part, is a match) for highlighting.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// `item` or `section`.
    #[schema(value_type = String)]
    pub kind: CatalogEntryKind,
    pub catalog_id: String,
    pub catalog_title: String,
    pub item_id: String,
    pub number: String,
    pub text: String,
    pub provenance: String,
    pub score: u32,
    pub segments: Vec<(String, bool)>,
}

/// The text in runs, marked where a search word matches it as search matches (folded: width,
/// kana, dashes; see `domain::text`), so what the user typed is highlighted in the text as
/// printed.
fn segments(text: &str, words: &[String]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let (folded, from) = mamori_domain::text::fold_mapped(text);
    let mut marked = vec![false; chars.len()];
    for w in words {
        let wc: Vec<char> = mamori_domain::text::fold(w).chars().collect();
        if wc.is_empty() || wc.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - wc.len() {
            if folded[start..start + wc.len()] == wc[..] {
                let end = from.get(start + wc.len()).copied().unwrap_or(chars.len());
                marked[from[start]..end].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let mut out: Vec<(String, bool)> = Vec::new();
    for (c, m) in chars.into_iter().zip(marked) {
        match out.last_mut() {
            Some((s, lm)) if *lm == m => s.push(c),
            _ => out.push((c.to_string(), m)),
        }
    }
    out
}

/// Search the catalogs: candidates from the database's trigram index, ranked here (a match
/// in the number first, then more matches, then shorter texts).
pub async fn search_items(state: &AppState, q: &str) -> AppResult<Vec<SearchHit>> {
    let words: Vec<String> = q
        .split_whitespace()
        .take(8)
        .map(|w| w.chars().take(50).collect())
        .collect();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let found = state.store().search_catalog_items(&words, 500).await?;
    let mut hits: Vec<SearchHit> = found
        .into_iter()
        .map(|r| {
            let number = mamori_domain::text::fold(&r.number);
            let text = mamori_domain::text::fold(&r.text);
            let score = words
                .iter()
                .map(|w| {
                    let w = mamori_domain::text::fold(w);
                    if number.contains(&w) {
                        100
                    } else if text.contains(&w) {
                        20 + 10 * text.matches(&w).count().min(5) as u32
                    } else {
                        5
                    }
                })
                .sum::<u32>()
                + 1000u32.saturating_sub(r.text.chars().count() as u32) / 100;
            let title = state
                .catalogs()
                .catalogs
                .get(&r.catalog_id)
                .map(|c| format!("{} ({})", c.catalog.title, c.catalog.version))
                .unwrap_or_else(|| r.catalog_id.clone());
            SearchHit {
                kind: r.kind,
                segments: segments(&r.text, &words),
                catalog_title: title,
                catalog_id: r.catalog_id,
                item_id: r.item_id,
                number: r.number,
                text: r.text,
                provenance: r.provenance,
                score,
            }
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.catalog_id.cmp(&b.catalog_id))
            .then(a.number.cmp(&b.number))
    });
    hits.truncate(100);
    Ok(hits)
}

#[derive(Template)]
#[template(path = "catalogs/catalog_search.html")]
struct SearchPage {
    page: PageCtx,
    q: String,
    hits: Vec<SearchHit>,
    searched: bool,
}

impl SearchHit {
    pub fn href(&self) -> String {
        if self.kind == CatalogEntryKind::Section {
            format!("{}#{}", href(&self.catalog_id), self.item_id)
        } else {
            item_href(&self.catalog_id, &self.item_id)
        }
    }
    pub fn unverified(&self) -> bool {
        self.provenance == "unverified"
    }
}

pub async fn search_page(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    let page = PageCtx::signed_in(&state, &auth, "catalogs", None, "/catalogs/search").await?;
    let query = q.q.unwrap_or_default();
    let hits = search_items(&state, &query).await?;
    Ok(render(&SearchPage {
        page,
        searched: !query.trim().is_empty(),
        q: query,
        hits,
    })?
    .into_response())
}

// ------------------------------------------------------------------ API

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogSummary {
    pub id: String,
    pub title: String,
    pub version: String,
    pub published: String,
    pub items: usize,
    pub complete: bool,
    pub unverified_items: usize,
}

#[utoipa::path(get, path = "/catalogs", tag = "catalogs",
    responses((status = 200, body = Vec<CatalogSummary>)))]
pub async fn api_list(
    State(state): State<AppState>,
    auth: Auth,
) -> AppResult<Json<Vec<CatalogSummary>>> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    Ok(Json(
        state
            .catalogs()
            .catalogs
            .values()
            .map(|c| CatalogSummary {
                id: c.catalog.id.clone(),
                title: c.catalog.title.clone(),
                version: c.catalog.version.clone(),
                published: c.catalog.published.clone(),
                items: c.items.len(),
                complete: c.catalog.coverage.complete,
                unverified_items: c
                    .items
                    .iter()
                    .filter(|i| i.provenance == Provenance::Unverified)
                    .count(),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/catalogs/search", tag = "catalogs", params(SearchQuery),
    responses((status = 200, body = Vec<SearchHit>)))]
pub async fn api_search(
    State(state): State<AppState>,
    auth: Auth,
    Query(q): Query<SearchQuery>,
) -> AppResult<Json<Vec<SearchHit>>> {
    mamori_app::access::require(&auth, Action::BrowseCatalogs, Scope::Platform)?;
    Ok(Json(
        search_items(&state, q.q.as_deref().unwrap_or("")).await?,
    ))
}
