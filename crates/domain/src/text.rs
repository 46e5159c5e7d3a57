//! Japanese text folded for search, the same way for what is indexed and what is typed: full-
//! and half-width forms are one (ＶＰＮ = VPN, ｶﾀｶﾅ = カタカナ), hiragana matches katakana,
//! the wave dashes and the dashes are one each (〜 = ～ = ~, − = ‐ = － = -), 髙 = 高 and
//! 﨑 = 崎, and Latin letters are lower-cased. The prolonged sound mark ー is kept: it is part
//! of words (サーバ).

/// Half-width katakana U+FF61..=U+FF9F as their full-width forms.
const HALF_KANA: [char; 63] = [
    '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ', 'ー',
    'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ', 'ソ', 'タ',
    'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ', 'ホ', 'マ', 'ミ',
    'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ', 'ン', '゛', '゜',
];

/// The voiced (゛) form of a full-width katakana, where it has one.
fn voiced(c: char) -> Option<char> {
    match c {
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
        | 'ツ' | 'テ' | 'ト' | 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => {
            char::from_u32(c as u32 + 1)
        }
        'ウ' => Some('ヴ'),
        _ => None,
    }
}

/// The semi-voiced (゜) form of a full-width katakana, where it has one.
fn semi_voiced(c: char) -> Option<char> {
    match c {
        'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ' => char::from_u32(c as u32 + 2),
        _ => None,
    }
}

/// One character folded (a half-width voicing mark is handled by the caller).
fn fold_char(c: char) -> char {
    let c = match c {
        // Full-width ASCII, and the ideographic space.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{FF61}'..='\u{FF9F}' => HALF_KANA[(c as u32 - 0xFF61) as usize],
        _ => c,
    };
    match c {
        // Hiragana as katakana.
        '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
        '〜' | '~' => '~',
        '−' | '‐' | '‑' | '–' | '—' | '―' => '-',
        '髙' => '高',
        '﨑' => '崎',
        'A'..='Z' => c.to_ascii_lowercase(),
        _ => {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        }
    }
}

/// `s` folded, with the index (in characters of `s`) each folded character comes from, so a
/// match in the folded text can be marked in the original. A half-width kana with its
/// voicing mark (ｶﾞ) folds to one character (ガ).
pub fn fold_mapped(s: &str) -> (Vec<char>, Vec<usize>) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut from = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let mut f = fold_char(chars[i]);
        if ('\u{FF61}'..='\u{FF9D}').contains(&chars[i]) {
            let combined = match chars.get(i + 1) {
                Some('\u{FF9E}') => voiced(f),
                Some('\u{FF9F}') => semi_voiced(f),
                _ => None,
            };
            if let Some(v) = combined {
                f = v;
                out.push(f);
                from.push(i);
                i += 2;
                continue;
            }
        }
        out.push(f);
        from.push(i);
        i += 1;
    }
    (out, from)
}

/// `s` folded for search.
pub fn fold(s: &str) -> String {
    fold_mapped(s).0.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_kana_dashes_and_variants_fold_alike() {
        assert_eq!(fold("ＶＰＮ"), "vpn");
        assert_eq!(fold("VPN"), "vpn");
        assert_eq!(fold("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(fold("かたかな"), "カタカナ");
        assert_eq!(fold("ﾊﾞｯｸｱｯﾌﾟ"), "バックアップ");
        assert_eq!(fold("ｻｰﾊﾞ"), "サーバ");
        assert_eq!(fold("〜"), fold("～"));
        assert_eq!(fold("−‐－-"), "----");
        assert_eq!(fold("髙﨑"), "高崎");
        assert_eq!(fold("２－（１）"), "2-(1)");
        assert_eq!(fold("サーバ　端末"), "サーバ 端末");
    }

    #[test]
    fn each_folded_character_points_at_its_original() {
        let (f, from) = fold_mapped("aｶﾞb");
        assert_eq!(f, vec!['a', 'ガ', 'b']);
        assert_eq!(from, vec![0, 1, 3]);
    }
}
