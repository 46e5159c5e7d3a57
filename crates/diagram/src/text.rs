//! Text measuring (an estimate: no font is read), truncation and XML escaping.

/// The advance of `c` in em: full width for CJK and other wide forms, half for half-width
/// katakana, about 0.6 em for Latin (a little more for the widest letters).
pub(crate) fn em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'M' | 'W' | 'm' | 'w' | '@' | '%' => 0.85,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '|' | '\'' | '!' => 0.35,
        '\u{FF61}'..='\u{FF9F}' => 0.5,
        c if (c as u32) < 0x2000 => 0.6,
        // General punctuation (… ‐ “ ”), arrows and the like are narrow or full width in
        // a CJK font; count them full so an estimate never falls short.
        _ => 1.0,
    }
}

/// Estimated width of `s` at font size `size` (bold text is a little wider).
pub(crate) fn width(s: &str, size: f64, bold: bool) -> f64 {
    let w: f64 = s.chars().map(em).sum::<f64>() * size;
    if bold {
        w * 1.06
    } else {
        w
    }
}

/// `s` cut to fit `max` (with … at the end when cut), and whether it was cut.
pub(crate) fn fit(s: &str, max: f64, size: f64, bold: bool) -> (String, bool) {
    // Control characters would not render; a name with a line break shows on one line.
    let clean: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if width(&clean, size, bold) <= max {
        let changed = clean != s;
        return (clean, changed);
    }
    let ellipsis = width("…", size, bold);
    let mut out = String::new();
    let mut w = 0.0;
    for c in clean.chars() {
        let a = width(c.encode_utf8(&mut [0; 4]), size, bold);
        if w + a + ellipsis > max {
            break;
        }
        out.push(c);
        w += a;
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('…');
    (out, true)
}

/// `s` escaped for XML text and attribute values (both quotes included). Characters XML 1.0
/// does not allow (most C0 controls) are dropped: the document must still parse.
pub(crate) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_full_width_and_ascii_narrower() {
        assert_eq!(width("電子カルテ", 10.0, false), 50.0);
        assert!((width("HIS", 10.0, false) - 18.0).abs() < 1e-9);
        assert_eq!(width("ｱｲ", 10.0, false), 10.0);
    }

    #[test]
    fn fit_truncates_with_an_ellipsis_inside_the_width() {
        let (s, cut) = fit("電子カルテ系サーバ群", 60.0, 10.0, false);
        assert!(cut);
        assert!(s.ends_with('…'));
        assert!(width(&s, 10.0, false) <= 60.0, "{s}");
        let (s, cut) = fit("FW", 60.0, 10.0, false);
        assert_eq!((s.as_str(), cut), ("FW", false));
        let (s, cut) = fit("a\nb", 60.0, 10.0, false);
        assert_eq!((s.as_str(), cut), ("a b", true));
    }

    #[test]
    fn xml_escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(xml("<script>&\"'\u{1}x"), "&lt;script&gt;&amp;&quot;&#39;x");
    }
}
