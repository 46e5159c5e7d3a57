//! Suggesting the product cycle of a ledger entry from its OS text and/or OS CPE. A person
//! confirms the link; the suggestions are ranked, explained and few.
//!
//! How a text is read:
//! 1. It is folded and tokenized (`text.rs`). Product names are found as token runs: each
//!    product's id (`windows-server` → `windows server`), title (`Microsoft Windows Server`),
//!    title without a vendor (`Windows Server`), CPE names (`ubuntu linux`) and a few curated
//!    aliases (`aliases.rs`). The longest name wins where names overlap (`Windows Server 2019`
//!    is not `Windows`); names of the same length are all kept (ambiguous). A known vendor
//!    right before a one-word name of another vendor's product rules it out (`Cisco IOS` is
//!    not Apple's `iOS`).
//! 2. The tokens after a product name (up to the next name) must explain one of its cycles:
//!    the cycle id split at `-` (`2012-r2` → `2012` + `r2`; `10-22h2` → `10` + `22h2`; `11-24h2-e`
//!    → `11` + `24h2` + edition `e`), else its label (`13.0-sp3` is labelled `2016 SP3`),
//!    else its codename (`jammy`). Parts that start with a digit must all be there, exactly
//!    or as a version prefix (`9.4` is cycle `9`, `7.0.12` cycle `7.0`).
//! 3. Score (0–100): 50 for the product and 30 for an exact version (20 for a prefix); +5 per
//!    qualifier found (`r2`, `sp1`, edition `e` = Enterprise/Education, `w` = Home/Pro, `lts`
//!    = LTSC/LTSB, `iot`, `sac`); −10 per qualifier of the cycle the text lacks; −25 when the
//!    text names another edition; −10 per `r2` / `spN` / `ltsc` / `iot` in the text the
//!    cycle does not have; −3 per other unexplained number (at most −9).
//!    A CPE whose vendor and product are one of a product's identifiers scores 65 for the
//!    product instead of 50 (reason `cpe vendor:product version`); any other CPE is read as
//!    text (`windows_server_2012` + `r2`) with +5. When the text and the CPE agree, +10.
//! 4. Suggestions under [`MIN_SCORE`] (30) are dropped; at most [`MAX_SUGGESTIONS`] (5) are
//!    returned, best first; ties go to the cycle whose security support ends first (the
//!    cautious reading), then by product and cycle id.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::aliases::{ALIASES, GENERIC, REWRITES, VENDORS};
use super::text::{fold, tokens};
use super::{EosProduct, Identifier, Support};

/// Suggestions scoring less are not returned.
pub const MIN_SCORE: u8 = 30;
/// At most this many suggestions are returned.
pub const MAX_SUGGESTIONS: usize = 5;

/// A suggested link from a ledger entry to a product cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub product: String,
    pub cycle: String,
    /// For people: `Windows Server 2012 R2`, `Red Hat Enterprise Linux 9`.
    pub label: String,
    /// 0–100; see the module documentation.
    pub score: u8,
    /// What matched: `cpe windows_server_2012 r2`, `text "rhel" 9.4→9`.
    pub reason: String,
}

/// A cycle's parts: those starting with a digit must all match; the others are qualifiers.
#[derive(Debug, Clone, Default)]
struct Form {
    mains: Vec<String>,
    quals: Vec<String>,
}

#[derive(Debug, Clone)]
struct CycleForms {
    id: Form,
    label: Option<Form>,
    codename: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
struct Entry {
    vendors: HashSet<String>,
    cycles: Vec<CycleForms>,
}

/// The products to suggest from, with their names and cycles prepared for matching.
#[derive(Debug, Clone, Default)]
pub struct EosIndex {
    products: Vec<EosProduct>,
    entries: Vec<Entry>,
    /// First token → (product, the name's tokens).
    names: HashMap<String, Vec<(usize, Vec<String>)>>,
    /// Single-token names, split off glued versions (`rhel9`).
    split_words: HashSet<String>,
    /// The curated vendor names ([`VENDORS`]), spaces removed.
    vendors: HashSet<String>,
    /// (part, vendor, product) of each CPE identifier → products.
    cpes: HashMap<(String, String, String), Vec<usize>>,
}

/// The parts of a CPE name that matter here, lower case, `*` and `-` as `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cpe {
    part: String,
    vendor: String,
    product: String,
    version: Option<String>,
    update: Option<String>,
}

fn parse_cpe(s: &str) -> Option<Cpe> {
    let s = s.trim().to_ascii_lowercase();
    let fields: Vec<String> = if let Some(rest) = s.strip_prefix("cpe:2.3:") {
        // Split at ':' not escaped by '\'; drop the escapes.
        let mut fields = vec![String::new()];
        let mut escaped = false;
        for c in rest.chars() {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, ':') => fields.push(String::new()),
                _ => {
                    escaped = false;
                    fields.last_mut()?.push(c);
                }
            }
        }
        fields
    } else if let Some(rest) = s.strip_prefix("cpe:/") {
        rest.split(':').map(percent_decode).collect()
    } else {
        return None;
    };
    let get = |i: usize| {
        fields
            .get(i)
            .filter(|v| !v.is_empty() && *v != "*" && *v != "-")
            .cloned()
    };
    Some(Cpe {
        part: get(0)?,
        vendor: get(1)?,
        product: get(2)?,
        version: get(3),
        update: get(4),
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Tokens without the glued-word split (for names, labels and cycle ids).
fn plain_tokens(s: &str) -> Vec<String> {
    tokens(&fold(s), &HashSet::new())
}

fn form_of(parts: Vec<String>) -> Form {
    let (mains, quals) = parts
        .into_iter()
        .partition(|p| p.starts_with(|c: char| c.is_ascii_digit()));
    Form { mains, quals }
}

impl EosIndex {
    /// Prepare `products` for [`suggest`].
    pub fn new(products: &[EosProduct]) -> Self {
        let mut index = EosIndex {
            products: products.to_vec(),
            ..EosIndex::default()
        };
        let vendor_prefixes: Vec<Vec<String>> = VENDORS.iter().map(|v| plain_tokens(v)).collect();
        index.vendors = VENDORS.iter().map(|v| v.replace(' ', "")).collect();
        for (pi, p) in products.iter().enumerate() {
            let mut names: Vec<Vec<String>> = vec![
                plain_tokens(&p.id.replace('-', " ")),
                plain_tokens(&p.title),
            ];
            let title = plain_tokens(&p.title);
            let mut vendors = HashSet::new();
            for prefix in &vendor_prefixes {
                if title.len() > prefix.len() && title.starts_with(prefix) {
                    vendors.insert(prefix.concat());
                    let rest = title[prefix.len()..].to_vec();
                    let generic = rest.len() == 1
                        && (rest[0].len() <= 2 || GENERIC.contains(&rest[0].as_str()));
                    if !generic {
                        names.push(rest);
                    }
                }
            }
            for cpe in p.cpes.iter().filter_map(|c| parse_cpe(c)) {
                vendors.insert(cpe.vendor.replace('_', ""));
                let product = plain_tokens(&cpe.product.replace('_', " "));
                let mut with_vendor = plain_tokens(&cpe.vendor.replace('_', " "));
                with_vendor.extend(product.iter().cloned());
                names.push(with_vendor);
                if product
                    .first()
                    .is_some_and(|t| !GENERIC.contains(&t.as_str()))
                {
                    names.push(product);
                }
                index
                    .cpes
                    .entry((cpe.part.clone(), cpe.vendor.clone(), cpe.product.clone()))
                    .or_default()
                    .push(pi);
            }
            for (id, extra) in ALIASES {
                if *id == p.id {
                    names.extend(extra.iter().map(|a| plain_tokens(a)));
                }
            }
            names.sort();
            names.dedup();
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                if name.len() == 1 {
                    index.split_words.insert(name[0].clone());
                }
                index
                    .names
                    .entry(name[0].clone())
                    .or_default()
                    .push((pi, name));
            }
            let name_words: HashSet<String> = index
                .names
                .values()
                .flatten()
                .filter(|(i, _)| *i == pi)
                .flat_map(|(_, n)| n.iter().cloned())
                .collect();
            let cycles = p
                .cycles
                .iter()
                .map(|c| cycle_forms(c, &name_words))
                .collect();
            index.entries.push(Entry { vendors, cycles });
        }
        for list in index.names.values_mut() {
            list.sort();
            list.dedup();
        }
        index
    }

    /// Add identifiers (e.g. from `identifiers-all-products.tsv`) to the products present;
    /// identifiers of absent products are ignored.
    pub fn with_identifiers(self, identifiers: &[Identifier]) -> Self {
        let mut products = self.products;
        for id in identifiers.iter().filter(|i| i.kind == "cpe") {
            if let Some(p) = products.iter_mut().find(|p| p.id == id.product) {
                if !p.cpes.contains(&id.value) {
                    p.cpes.push(id.value.clone());
                }
            }
        }
        EosIndex::new(&products)
    }

    pub fn products(&self) -> &[EosProduct] {
        &self.products
    }

    pub fn product(&self, id: &str) -> Option<&EosProduct> {
        self.products.iter().find(|p| p.id == id)
    }
}

fn cycle_forms(c: &super::EosCycle, name_words: &HashSet<String>) -> CycleForms {
    let id_parts: Vec<String> = c.cycle.split('-').flat_map(plain_tokens).collect();
    let codename: Vec<String> = c.codename.as_deref().map(plain_tokens).unwrap_or_default();
    let label = c.label.as_deref().map(|l| {
        let parts = plain_tokens(l)
            .into_iter()
            .filter(|t| !name_words.contains(t) && !codename.contains(t))
            .collect();
        form_of(parts)
    });
    CycleForms {
        id: form_of(id_parts),
        label: label.filter(|f| !f.mains.is_empty()),
        codename: (!codename.is_empty()).then_some(codename),
    }
}

const ENTERPRISE: &[&str] = &["e", "enterprise", "education", "edu", "ent"];
const WORKSTATION: &[&str] = &[
    "w",
    "pro",
    "home",
    "professional",
    "workstation",
    "workstations",
];
const LTS: &[&str] = &["lts", "ltsc", "ltsb"];
/// Qualifiers a text names on purpose: one the cycle lacks counts against it.
fn is_strong(t: &str) -> bool {
    matches!(t, "ltsc" | "ltsb" | "iot" | "sac")
        || (t.len() == 2 && t.starts_with('r') && t.as_bytes()[1].is_ascii_digit())
        || (t.len() > 2 && t.starts_with("sp") && t[2..].chars().all(|c| c.is_ascii_digit()))
}

fn qual_matches(q: &str, t: &str) -> bool {
    match q {
        "e" => ENTERPRISE.contains(&t),
        "w" => WORKSTATION.contains(&t),
        "lts" | "ltsc" | "ltsb" => LTS.contains(&t),
        "sac" => matches!(t, "sac" | "semiannual"),
        "ac" => matches!(t, "ac" | "annual"),
        _ => q == t,
    }
}

fn conflicts(q: &str, seg: &[String]) -> bool {
    let has = |set: &[&str]| seg.iter().any(|t| set.contains(&t.as_str()));
    match q {
        "e" => has(WORKSTATION) && !has(ENTERPRISE),
        "w" => has(ENTERPRISE) && !has(WORKSTATION),
        _ => false,
    }
}

/// Score a form against the tokens after a product name; `None` when its numbers are not
/// all there. Returns the score and the evidence (`2012 r2`, `9.4→9`).
fn score_form(form: &Form, seg: &[String], codename: bool) -> Option<(i32, Vec<String>)> {
    let mut used = vec![false; seg.len()];
    let mut evidence = Vec::new();
    let mut score = 50;
    if codename {
        let first = form.quals.first()?;
        let at = seg.iter().position(|t| t == first)?;
        used[at] = true;
        evidence.push(first.clone());
        score += 25;
        for q in &form.quals[1..] {
            if let Some(i) = seg.iter().position(|t| t == q) {
                used[i] = true;
                score += 5;
            }
        }
        return Some((score.min(100), evidence));
    }
    if form.mains.is_empty() && form.quals.is_empty() {
        return None;
    }
    let mut exact = true;
    for m in &form.mains {
        let free = |i: &usize| !used[*i];
        let hit = (0..seg.len())
            .filter(free)
            .find(|&i| seg[i] == *m)
            .or_else(|| {
                let numeric = m.chars().all(|c| c.is_ascii_digit() || c == '.');
                (0..seg.len()).filter(free).find(|&i| {
                    numeric
                        && seg[i].len() > m.len()
                        && seg[i].starts_with(m.as_str())
                        && seg[i][m.len()..].starts_with('.')
                })
            })?;
        used[hit] = true;
        if seg[hit] == *m {
            evidence.push(m.clone());
        } else {
            exact = false;
            evidence.push(format!("{}→{m}", seg[hit]));
        }
    }
    score += if exact { 30 } else { 20 };
    let mut matched_quals = 0;
    for q in &form.quals {
        match (0..seg.len()).find(|&i| !used[i] && qual_matches(q, &seg[i])) {
            Some(i) => {
                used[i] = true;
                matched_quals += 1;
                evidence.push(seg[i].clone());
                score += 5;
            }
            None if form.mains.is_empty() => return None,
            None if conflicts(q, seg) => score -= 25,
            None => score -= 10,
        }
    }
    if form.mains.is_empty() && matched_quals == 0 {
        return None;
    }
    let mut numbers = 0;
    for t in seg
        .iter()
        .enumerate()
        .filter(|(i, _)| !used[*i])
        .map(|(_, t)| t)
    {
        if is_strong(t) && !form.quals.iter().any(|q| qual_matches(q, t)) {
            score -= 10;
        } else if t.chars().any(|c| c.is_ascii_digit()) && numbers < 3 {
            numbers += 1;
            score -= 3;
        }
    }
    Some((score.clamp(0, 100), evidence))
}

/// A product name found in the text.
struct Hit {
    product: usize,
    start: usize,
    len: usize,
}

impl EosIndex {
    fn find_names(&self, toks: &[String]) -> Vec<Hit> {
        let mut found = Vec::new();
        for (start, t) in toks.iter().enumerate() {
            for (product, name) in self.names.get(t).into_iter().flatten() {
                if toks[start..].starts_with(name) {
                    found.push(Hit {
                        product: *product,
                        start,
                        len: name.len(),
                    });
                }
            }
        }
        found.sort_by(|a, b| b.len.cmp(&a.len).then(a.start.cmp(&b.start)));
        let mut kept: Vec<Hit> = Vec::new();
        for h in found {
            let overlaps = |k: &Hit| h.start < k.start + k.len && k.start < h.start + h.len;
            if kept
                .iter()
                .any(|k| overlaps(k) && (k.len > h.len || k.product == h.product))
            {
                continue;
            }
            // `Cisco IOS`: a one-word name right after another vendor's name.
            let before = h.start.checked_sub(1).map(|i| toks[i].as_str());
            if let (1, Some(v)) = (h.len, before) {
                if self.vendors.contains(v) && !self.entries[h.product].vendors.contains(v) {
                    continue;
                }
            }
            kept.push(h);
        }
        kept.sort_by_key(|h| h.start);
        kept
    }

    /// Cycles of `product` explained by `seg`, with score and evidence.
    fn cycles_for(&self, product: usize, seg: &[String]) -> Vec<(usize, i32, String)> {
        let mut out = Vec::new();
        for (ci, forms) in self.entries[product].cycles.iter().enumerate() {
            let scored = score_form(&forms.id, seg, false)
                .map(|(s, e)| (s, e.join(" ")))
                .or_else(|| {
                    let f = forms.label.as_ref()?;
                    score_form(f, seg, false).map(|(s, e)| (s, format!("label {}", e.join(" "))))
                })
                .or_else(|| {
                    let quals = forms.codename.clone()?;
                    let f = Form {
                        mains: vec![],
                        quals,
                    };
                    score_form(&f, seg, true).map(|(s, e)| (s, format!("codename {}", e.join(" "))))
                });
            if let Some((s, e)) = scored {
                out.push((ci, s, e));
            }
        }
        out
    }

    fn suggest_text(
        &self,
        text: &str,
        bonus: i32,
        reason: impl Fn(&str, &str) -> String,
    ) -> Vec<Raw> {
        let toks = tokens(&fold(text), &self.split_words);
        let hits = self.find_names(&toks);
        // Tokens after each name up to the next one, joined per product.
        let mut segs: Vec<(usize, String, Vec<String>)> = Vec::new();
        for (i, h) in hits.iter().enumerate() {
            let end = hits
                .get(i + 1)
                .map_or(toks.len(), |n| n.start.max(h.start + h.len));
            let seg = toks[(h.start + h.len).min(end)..end].to_vec();
            match segs.iter_mut().find(|(p, _, _)| *p == h.product) {
                Some((_, _, s)) => s.extend(seg),
                None => segs.push((h.product, toks[h.start..h.start + h.len].join(" "), seg)),
            }
        }
        let mut out = Vec::new();
        for (p, name, seg) in segs {
            let seg = rewrite(&self.products[p].id, seg);
            for (ci, score, evidence) in self.cycles_for(p, &seg) {
                out.push(Raw {
                    product: p,
                    cycle: ci,
                    score: score + bonus,
                    reason: reason(&name, &evidence),
                });
            }
        }
        out
    }

    fn suggest_cpe(&self, cpe: &str) -> Vec<Raw> {
        let Some(c) = parse_cpe(cpe) else {
            return Vec::new();
        };
        let version: Vec<String> = [&c.version, &c.update]
            .into_iter()
            .flatten()
            .flat_map(|v| plain_tokens(&v.replace('_', " ")))
            .collect();
        let shown = [Some(&c.product), c.version.as_ref(), c.update.as_ref()]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        let key = (c.part.clone(), c.vendor.clone(), c.product.clone());
        let mut out = Vec::new();
        if let Some(products) = self.cpes.get(&key) {
            for &p in products {
                for (ci, score, evidence) in self.cycles_for(p, &version) {
                    out.push(Raw {
                        product: p,
                        cycle: ci,
                        score: score + 15,
                        reason: format!("cpe {}:{} {evidence}", c.vendor, c.product),
                    });
                }
            }
        }
        if out.is_empty() {
            let as_text =
                format!("{} {} {}", c.vendor, c.product, version.join(" ")).replace('_', " ");
            out = self.suggest_text(&as_text, 5, |_, _| format!("cpe {shown}"));
        }
        out
    }
}

/// `seg` with the product's [`REWRITES`] applied.
fn rewrite(product: &str, mut seg: Vec<String>) -> Vec<String> {
    for (_, from, to) in REWRITES.iter().filter(|(id, _, _)| *id == product) {
        if let Some(at) = seg
            .windows(from.len())
            .position(|w| w.iter().zip(from.iter()).all(|(a, b)| a == b))
        {
            seg.splice(at..at + from.len(), to.iter().map(|t| t.to_string()));
        }
    }
    seg
}

struct Raw {
    product: usize,
    cycle: usize,
    score: i32,
    reason: String,
}

fn eol_key(s: &Support) -> (u8, Option<chrono::NaiveDate>) {
    match s {
        Support::Ended => (0, None),
        Support::On(d) => (1, Some(*d)),
        Support::NotEnded => (2, None),
    }
}

/// Suggest product cycles for a ledger entry: its free-text OS (`Windows Server 2012 R2
/// Standard`) and/or its OS CPE. Best first, at most [`MAX_SUGGESTIONS`], none under
/// [`MIN_SCORE`]; see the module documentation for the scoring.
pub fn suggest(os_text: &str, cpe: Option<&str>, catalog: &EosIndex) -> Vec<Suggestion> {
    let from_text = catalog.suggest_text(os_text, 0, |name, ev| format!("text \"{name}\" {ev}"));
    let from_cpe = cpe.map(|c| catalog.suggest_cpe(c)).unwrap_or_default();
    let mut merged: Vec<Raw> = Vec::new();
    for r in from_cpe.into_iter().chain(from_text) {
        match merged
            .iter_mut()
            .find(|m| m.product == r.product && m.cycle == r.cycle)
        {
            Some(m) if m.reason.starts_with("cpe") && r.reason.starts_with("text") => {
                m.score = m.score.max(r.score) + 10;
                m.reason = format!("{}; {}", m.reason, r.reason);
            }
            Some(m) => {
                if r.score > m.score {
                    *m = r;
                }
            }
            None => merged.push(r),
        }
    }
    let mut out: Vec<(Raw, &super::EosCycle)> = merged
        .into_iter()
        .filter(|r| r.score >= i32::from(MIN_SCORE))
        .map(|r| {
            let c = &catalog.products[r.product].cycles[r.cycle];
            (r, c)
        })
        .collect();
    out.sort_by(|(a, ca), (b, cb)| {
        b.score
            .min(100)
            .cmp(&a.score.min(100))
            .then(eol_key(&ca.eol).cmp(&eol_key(&cb.eol)))
            .then(a.product.cmp(&b.product))
            .then(a.cycle.cmp(&b.cycle))
    });
    out.truncate(MAX_SUGGESTIONS);
    out.into_iter()
        .map(|(r, c)| {
            let p = &catalog.products[r.product];
            Suggestion {
                product: p.id.clone(),
                cycle: c.cycle.clone(),
                label: c.display(&p.title),
                score: r.score.clamp(0, 100) as u8,
                reason: r.reason,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpe_names_parse_in_both_bindings() {
        let c = parse_cpe("cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*").unwrap();
        assert_eq!(
            (c.part.as_str(), c.vendor.as_str(), c.product.as_str()),
            ("o", "microsoft", "windows_server_2012")
        );
        assert_eq!(c.version.as_deref(), Some("r2"));
        assert_eq!(c.update, None);
        let c = parse_cpe("cpe:/o:redhat:enterprise_linux:9.4").unwrap();
        assert_eq!(c.version.as_deref(), Some("9.4"));
        let c = parse_cpe("cpe:2.3:a:vendor:pro\\:duct:1\\.0:-").unwrap();
        assert_eq!(c.product, "pro:duct");
        assert_eq!(c.version.as_deref(), Some("1.0"));
        assert_eq!(parse_cpe("cpe:/a:x%2ey:z").unwrap().vendor, "x.y");
        assert_eq!(parse_cpe("not a cpe"), None);
        assert_eq!(parse_cpe("cpe:2.3:o:*:x"), None);
    }

    #[test]
    fn forms_score_exact_prefix_and_qualifiers() {
        let seg = |s: &str| plain_tokens(s);
        let f = form_of(vec!["2012".into(), "r2".into()]);
        assert_eq!(
            score_form(&f, &seg("2012 r2 standard"), false).unwrap().0,
            85
        );
        assert_eq!(score_form(&f, &seg("2012 standard"), false).unwrap().0, 70);
        let f = form_of(vec!["2012".into()]);
        assert_eq!(score_form(&f, &seg("2012 r2"), false).unwrap().0, 70);
        let f = form_of(vec!["9".into()]);
        let (s, e) = score_form(&f, &seg("9.4"), false).unwrap();
        assert_eq!((s, e), (70, vec!["9.4→9".to_string()]));
        assert!(score_form(&f, &seg("94"), false).is_none());
        let f = form_of(vec!["11".into(), "24h2".into(), "e".into()]);
        assert_eq!(score_form(&f, &seg("11 pro 24h2"), false).unwrap().0, 55);
        assert_eq!(
            score_form(&f, &seg("11 enterprise 24h2"), false).unwrap().0,
            85
        );
    }
}
