//! A thin layer over quick-xml: one event at a time into a reused buffer (bounded by the
//! token scan of [`crate::zipped`]), errors as [`SheetError`]s, local names, attributes
//! and text with entities resolved.

use crate::zipped::io_error;
use crate::{Limit, Place, Problem, SheetError};
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

pub(crate) struct Xml<'r> {
    reader: quick_xml::Reader<&'r mut dyn BufRead>,
    pub(crate) place: Place,
}

impl<'r> Xml<'r> {
    pub(crate) fn new(input: &'r mut dyn BufRead, place: Place) -> Self {
        let mut reader = quick_xml::Reader::from_reader(input);
        // No stack of open names: it would grow with the nesting depth of a hostile file.
        reader.config_mut().check_end_names = false;
        Xml { reader, place }
    }

    /// The next event, read into `buf` (cleared first).
    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, SheetError> {
        buf.clear();
        match self.reader.read_event_into(buf) {
            Ok(Event::DocType(_)) => Err(self.error("DOCTYPE is not allowed".into())),
            Ok(e) => Ok(e),
            Err(quick_xml::Error::Io(e)) => Err(io_error(&e, &self.place)),
            Err(e) => {
                let at = self.reader.error_position();
                Err(self.error(format!("{e} (byte {at})")))
            }
        }
    }

    pub(crate) fn error(&self, detail: String) -> SheetError {
        SheetError::new(self.place.clone(), Problem::Xml(detail))
    }

    /// The value of the attribute with this local name, entities resolved.
    pub(crate) fn attr(&self, e: &BytesStart, name: &str) -> Result<Option<String>, SheetError> {
        // No duplicate-attribute bookkeeping (a list, then a hash set, per element): the
        // first attribute of the name wins.
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|err| self.error(err.to_string()))?;
            if a.key.local_name().as_ref() == name {
                let v = quick_xml::escape::unescape(&a.value)
                    .map_err(|err| self.error(err.to_string()))?;
                return Ok(Some(v.into_owned()));
            }
        }
        Ok(None)
    }

    /// Append the text of a `Text` or `GeneralRef` event to `out`, refusing a cell longer
    /// than `max_chars` characters (checked on bytes here, on characters by the caller).
    pub(crate) fn push_text(
        &self,
        e: &Event,
        out: &mut String,
        max_chars: usize,
    ) -> Result<(), SheetError> {
        match e {
            Event::Text(t) => out.push_str(&t.xml10_content()),
            Event::CData(t) => out.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => out.push(c),
                Ok(None) => {
                    let name = r.xml10_content();
                    let s = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| self.error(format!("unknown entity &{name};")))?;
                    out.push_str(s);
                }
                Err(err) => return Err(self.error(err.to_string())),
            },
            _ => {}
        }
        if out.len() > max_chars.saturating_mul(4) {
            return Err(SheetError::limit(
                self.place.clone(),
                Limit::CellChars(max_chars),
            ));
        }
        Ok(())
    }
}

/// Decode OOXML's `_xHHHH_` escapes (used for control characters such as CR).
pub(crate) fn decode_x_escapes(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains("_x") {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = tail
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A1-style reference → (row, col) counting from 0. At most 3 letters and 7 digits.
pub(crate) fn parse_ref(r: &str) -> Option<(usize, usize)> {
    let r = r.strip_prefix('$').unwrap_or(r);
    let letters = r.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (l, d) = r.split_at(letters);
    let d = d.strip_prefix('$').unwrap_or(d);
    if l.is_empty() || l.len() > 3 || d.is_empty() || d.len() > 7 {
        return None;
    }
    if !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = l.bytes().fold(0usize, |n, b| {
        n * 26 + (b.to_ascii_uppercase() - b'A' + 1) as usize
    });
    let row: usize = d.parse().ok()?;
    (row >= 1).then(|| (row - 1, col - 1))
}

/// A row number (`<row r="12">`) → index from 0.
pub(crate) fn parse_row(r: &str) -> Option<usize> {
    if r.is_empty() || r.len() > 7 || !r.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    r.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1)
}

/// `A1:C3` (or `A1`) → both corners.
pub(crate) fn parse_range(r: &str) -> Option<((usize, usize), (usize, usize))> {
    match r.split_once(':') {
        Some((a, b)) => Some((parse_ref(a)?, parse_ref(b)?)),
        None => parse_ref(r).map(|a| (a, a)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(parse_ref("A1"), Some((0, 0)));
        assert_eq!(parse_ref("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_ref("$B$2"), Some((1, 1)));
        assert_eq!(parse_ref("AAAA1"), None);
        assert_eq!(parse_ref("A99999999"), None);
        assert_eq!(parse_ref("A0"), None);
        assert_eq!(parse_ref("1A"), None);
        assert_eq!(parse_range("A1:Z300000"), Some(((0, 0), (299_999, 25))));
        assert_eq!(parse_row("300000"), Some(299_999));
        assert_eq!(decode_x_escapes("a_x000D_b_x1"), "a\rb_x1");
    }
}
