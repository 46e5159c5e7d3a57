//! Folding and tokenizing ledger text for matching.
//!
//! A tiny local fold (the crate stays free of the domain crate): full-width ASCII becomes
//! ASCII (`Ｗｉｎｄｏｗｓ（日本語版）` → `windows(日本語版)`), the ideographic space a space,
//! hiragana katakana, and everything lower case. A few katakana product words become their
//! English names (`ウィンドウズサーバー2016` → `windows server 2016`). Half-width katakana is
//! not folded.

use std::collections::HashSet;

/// Katakana (after folding) → English, longest first where one contains another.
const JA_WORDS: &[(&str, &str)] = &[
    ("ウィンドウズ", "windows"),
    ("ウインドウズ", "windows"),
    ("サーバー", "server"),
    ("サーバ", "server"),
    ("マイクロソフト", "microsoft"),
    ("レッドハット", "red hat"),
    ("エンタープライズ", "enterprise"),
    ("リナックス", "linux"),
    ("ウブントゥ", "ubuntu"),
    ("ウブンツ", "ubuntu"),
    ("デビアン", "debian"),
    ("セントオーエス", "centos"),
    ("フォーティゲート", "fortigate"),
    ("フォーティオーエス", "fortios"),
];

fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        // Hiragana as katakana.
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
}

/// `s` folded, with the katakana product words replaced by English ones.
pub(crate) fn fold(s: &str) -> String {
    let mut out: String = s.chars().map(fold_char).collect();
    if !out.is_ascii() {
        for (ja, en) in JA_WORDS {
            if out.contains(ja) {
                out = out.replace(ja, &format!(" {en} "));
            }
        }
    }
    out
}

/// Tokens of folded text: runs of ASCII letters and digits; a `.` between two digits stays in
/// the token (`9.4`, `7.0.12`). Then:
/// * a leading `v` before a digit goes (`v6.4.9` → `6.4.9`);
/// * letters then a version split when the letters are a known word (`split_words`):
///   `rhel9` → `rhel 9`, `win10` → `win 10`;
/// * a year or version glued to `r2` / `spN` splits: `2012r2` → `2012 r2`;
/// * `service pack N` and `sp N` become `spN`.
pub(crate) fn tokens(folded: &str, split_words: &HashSet<String>) -> Vec<String> {
    let chars: Vec<char> = folded.chars().collect();
    let mut raw: Vec<String> = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let keep_dot = c == '.'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())
            && !cur.is_empty();
        if c.is_ascii_alphanumeric() || keep_dot {
            cur.push(c);
        } else if !cur.is_empty() {
            raw.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        raw.push(cur);
    }
    let mut out = Vec::with_capacity(raw.len());
    for t in raw {
        split_token(t, split_words, &mut out);
    }
    join_service_packs(out)
}

fn is_version(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || c == '.')
}

fn split_token(t: String, split_words: &HashSet<String>, out: &mut Vec<String>) {
    // v6.4.9 → 6.4.9
    if let Some(rest) = t.strip_prefix('v') {
        if is_version(rest) {
            out.push(rest.to_string());
            return;
        }
    }
    // rhel9 → rhel 9 (known words only: rtx1210 stays)
    if let Some(at) = t.find(|c: char| c.is_ascii_digit()) {
        let (word, rest) = t.split_at(at);
        if at >= 2 && is_version(rest) && split_words.contains(word) {
            out.push(word.to_string());
            out.push(rest.to_string());
            return;
        }
        // 2012r2 → 2012 r2, 7sp1 → 7 sp1
        if at == 0 {
            if let Some(l) = t.find(|c: char| c.is_ascii_alphabetic()) {
                let (num, tail) = t.split_at(l);
                let glued = (tail.len() == 2
                    && tail.starts_with('r')
                    && tail[1..].chars().all(|c| c.is_ascii_digit()))
                    || (tail.len() > 2
                        && tail.starts_with("sp")
                        && tail[2..].chars().all(|c| c.is_ascii_digit()));
                if glued && is_version(num) {
                    out.push(num.to_string());
                    out.push(tail.to_string());
                    return;
                }
            }
        }
    }
    out.push(t);
}

fn join_service_packs(tokens: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let num = |j: usize| {
            tokens
                .get(j)
                .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        };
        if t == "service" && tokens.get(i + 1).is_some_and(|p| p == "pack") {
            if let Some(n) = num(i + 2) {
                out.push(format!("sp{n}"));
                i += 3;
                continue;
            }
        }
        if t == "sp" {
            if let Some(n) = num(i + 1) {
                out.push(format!("sp{n}"));
                i += 2;
                continue;
            }
        }
        out.push(t.clone());
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<String> {
        let words: HashSet<String> = ["rhel", "win", "windows"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        tokens(&fold(s), &words)
    }

    #[test]
    fn folds_widths_case_and_katakana_words() {
        assert_eq!(
            fold("Ｗｉｎｄｏｗｓ　Server（日本語版）"),
            "windows server(日本語版)"
        );
        assert_eq!(
            toks("ウィンドウズサーバー2016"),
            vec!["windows", "server", "2016"]
        );
        assert_eq!(
            toks("Windows Server 2016（日本語版）"),
            vec!["windows", "server", "2016"]
        );
    }

    #[test]
    fn tokens_keep_versions_and_split_glued_words() {
        assert_eq!(
            toks("FortiGate (FortiOS v6.4.9)"),
            vec!["fortigate", "fortios", "6.4.9"]
        );
        assert_eq!(toks("RHEL9.4"), vec!["rhel", "9.4"]);
        assert_eq!(toks("Win10 Pro 22H2"), vec!["win", "10", "pro", "22h2"]);
        assert_eq!(
            toks("YAMAHA RTX1210 Rev.14.01"),
            vec!["yamaha", "rtx1210", "rev", "14.01"]
        );
        assert_eq!(
            toks("Windows Server 2012R2"),
            vec!["windows", "server", "2012", "r2"]
        );
        assert_eq!(
            toks("Windows 7 Service Pack 1"),
            vec!["windows", "7", "sp1"]
        );
        assert_eq!(toks("Windows 7 SP 1."), vec!["windows", "7", "sp1"]);
        assert_eq!(toks("Ubuntu 22.04.3 LTS"), vec!["ubuntu", "22.04.3", "lts"]);
        assert!(toks("").is_empty());
    }
}
