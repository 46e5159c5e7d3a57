//! Search across the catalogs in memory (the command line; the server searches in its
//! database with trigram indexes).

use crate::model::{Catalog, Item};
use crate::Registry;

pub struct Hit<'a> {
    pub catalog: &'a Catalog,
    pub item: &'a Item,
    pub score: u32,
}

/// Items whose number, text, references or section title contain every word of `query`
/// (case-insensitive), best first: a match in the number ranks above one in the text.
pub fn search<'a>(registry: &'a Registry, query: &str) -> Vec<Hit<'a>> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return vec![];
    }
    let mut hits = Vec::new();
    for c in registry.catalogs.values() {
        for item in &c.items {
            let section = c
                .section(&item.section)
                .map(|s| s.title.to_lowercase())
                .unwrap_or_default();
            let number = item.number.to_lowercase();
            let text = item.text.to_lowercase();
            let refs = item.references.join(" ").to_lowercase();
            let mut score = 0;
            let all = words.iter().all(|w| {
                let s = if number.contains(w.as_str()) {
                    8
                } else if text.contains(w.as_str()) {
                    4 + text.matches(w.as_str()).count().min(4) as u32
                } else if refs.contains(w.as_str()) || section.contains(w.as_str()) {
                    2
                } else {
                    0
                };
                score += s;
                s > 0
            });
            if all {
                hits.push(Hit {
                    catalog: c,
                    item,
                    score,
                });
            }
        }
    }
    hits.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.catalog.catalog.id.cmp(&b.catalog.catalog.id))
    });
    hits
}

/// `text` with every occurrence of the query's words wrapped in 【 】 (for a terminal).
pub fn highlight(text: &str, query: &str) -> String {
    let mut out = text.to_string();
    for w in query.split_whitespace() {
        if !w.is_empty() {
            out = out.replace(w, &format!("【{w}】"));
        }
    }
    out
}
