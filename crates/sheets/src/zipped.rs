//! The xlsx package: a zip file read part by part with every decompressed byte counted.
//! The central directory's entry count is checked before the archive is opened (the zip
//! crate keeps one record per entry); each part's declared size is checked before it is
//! read, and the bytes actually inflated are counted as they stream, since a declared size
//! can lie. The same reader refuses an XML token longer than
//! [`Limits::max_xml_token_bytes`], which bounds the XML parser's buffer.

use crate::{Limit, Limits, Place, Problem, SheetError};
use std::io::{Cursor, Read};

/// The error a bounded reader gives; turned back into a [`SheetError`] by [`io_error`].
#[derive(Debug)]
pub(crate) struct Refused(pub SheetError);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

/// The refusal inside an I/O error, or the I/O error as an unreadable `place`.
pub(crate) fn io_error(e: &std::io::Error, place: &Place) -> SheetError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
    {
        Some(Refused(err)) => err.clone(),
        None => SheetError::new(place.clone(), Problem::Zip(e.to_string())),
    }
}

fn zip_error(e: impl std::fmt::Display) -> SheetError {
    SheetError::new(Place::File, Problem::Zip(e.to_string()))
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_le_bytes([s[0], s[1]]) as u64)
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_le_bytes(a))
}

/// The number of entries the central directory declares (zip64 aware), or None when no
/// end-of-central-directory record is found (the zip crate then reports the archive).
pub(crate) fn declared_entries(b: &[u8]) -> Option<u64> {
    // The end record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
    let low = b.len().saturating_sub(22 + 65_535);
    let eocd = (low..=b.len().saturating_sub(22))
        .rev()
        .find(|&i| b[i..].starts_with(b"PK\x05\x06"))?;
    let entries = u16_at(b, eocd + 10)?;
    if entries != 0xFFFF {
        return Some(entries);
    }
    // Zip64: the locator sits just before the end record and points at the zip64 record.
    let locator = eocd.checked_sub(20)?;
    if !b[locator..].starts_with(b"PK\x06\x07") {
        return Some(entries);
    }
    let at = usize::try_from(u64_at(b, locator + 8)?).ok()?;
    if !b.get(at..)?.starts_with(b"PK\x06\x06") {
        return Some(entries);
    }
    u64_at(b, at + 32)
}

/// An opened package and the decompressed bytes read from it so far.
pub(crate) struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    limits: &'a Limits,
    total: u64,
}

impl<'a> Package<'a> {
    pub(crate) fn open(bytes: &'a [u8], limits: &'a Limits) -> Result<Self, SheetError> {
        if let Some(n) = declared_entries(bytes) {
            if n > limits.max_zip_entries as u64 {
                return Err(SheetError::limit(
                    Place::File,
                    Limit::ZipEntries(limits.max_zip_entries),
                ));
            }
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
        if zip.len() > limits.max_zip_entries {
            return Err(SheetError::limit(
                Place::File,
                Limit::ZipEntries(limits.max_zip_entries),
            ));
        }
        Ok(Package {
            zip,
            limits,
            total: 0,
        })
    }

    /// Read one part through `f`, or None when the package has no such part. The reader
    /// handed to `f` fails (see [`io_error`]) as soon as a limit is reached.
    pub(crate) fn with_part<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut dyn std::io::BufRead) -> Result<T, SheetError>,
    ) -> Result<Option<T>, SheetError> {
        let l = self.limits;
        let place = Place::Part(name.to_string());
        let file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(SheetError::new(place, Problem::Zip(e.to_string()))),
        };
        if file.size() > l.max_entry_bytes {
            return Err(SheetError::limit(
                place,
                Limit::EntryBytes(l.max_entry_bytes),
            ));
        }
        if self.total.saturating_add(file.size()) > l.max_total_bytes {
            return Err(SheetError::limit(
                place,
                Limit::TotalBytes(l.max_total_bytes),
            ));
        }
        let mut bounded = Bounded {
            inner: file,
            place,
            entry: 0,
            total: self.total,
            limits: l,
            scan: Scan::default(),
        };
        let out = {
            let mut reader = std::io::BufReader::with_capacity(16 * 1024, &mut bounded);
            f(&mut reader)?
        };
        self.total = bounded.total;
        Ok(Some(out))
    }
}

/// Counts the bytes inflated from one part (and from the package) and watches the XML
/// token lengths; fails once a limit is passed.
struct Bounded<'l, R> {
    inner: R,
    place: Place,
    entry: u64,
    total: u64,
    limits: &'l Limits,
    scan: Scan,
}

impl<R: Read> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let l = self.limits;
        self.entry += n as u64;
        self.total += n as u64;
        let refuse =
            |limit| std::io::Error::other(Refused(SheetError::limit(self.place.clone(), limit)));
        if self.entry > l.max_entry_bytes {
            return Err(refuse(Limit::EntryBytes(l.max_entry_bytes)));
        }
        if self.total > l.max_total_bytes {
            return Err(refuse(Limit::TotalBytes(l.max_total_bytes)));
        }
        match self.scan.feed(&buf[..n], l.max_xml_token_bytes) {
            Ok(()) => Ok(n),
            Err(ScanError::TooLong) => Err(refuse(Limit::XmlToken(l.max_xml_token_bytes))),
            Err(ScanError::Doctype) => Err(std::io::Error::other(Refused(SheetError::new(
                self.place.clone(),
                Problem::Xml("DOCTYPE is not allowed in SpreadsheetML".into()),
            )))),
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum ScanState {
    /// Text or a tag: a token ends at the next `<` at the latest.
    #[default]
    Plain,
    /// Just after `<`.
    Open,
    /// Just after `<!`.
    Bang,
    /// Inside `<!-- … -->`, `<![CDATA[ … ]]>` or `<? … ?>`, which may hold `<`.
    Comment,
    CData,
    Pi,
}

#[derive(Debug, PartialEq, Eq)]
enum ScanError {
    TooLong,
    Doctype,
}

/// Tracks the length of the current XML token: every event the parser buffers lies between
/// one `<` and the next, except comments, CDATA and processing instructions, whose length
/// is tracked from their start to their end marker. A DOCTYPE is refused outright.
#[derive(Debug, Default)]
struct Scan {
    state: ScanState,
    len: usize,
    prev: [u8; 2],
}

impl Scan {
    fn feed(&mut self, bytes: &[u8], max: usize) -> Result<(), ScanError> {
        use ScanState::*;
        for &b in bytes {
            self.len += 1;
            self.state = match (self.state, b) {
                (Plain, b'<') => {
                    self.len = 1;
                    Open
                }
                (Plain, _) => Plain,
                (Open, b'!') => Bang,
                (Open, b'?') => Pi,
                (Open, b'<') => {
                    self.len = 1;
                    Open
                }
                (Open, _) => Plain,
                (Bang, b'-') => Comment,
                (Bang, b'[') => CData,
                (Bang, _) => return Err(ScanError::Doctype),
                (Comment, b'>') if self.prev == *b"--" => Plain,
                (CData, b'>') if self.prev == *b"]]" => Plain,
                (Pi, b'>') if self.prev[1] == b'?' => Plain,
                (s, _) => s,
            };
            if self.len > max {
                return Err(ScanError::TooLong);
            }
            self.prev = [self.prev[1], b];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(s: &str, max: usize) -> Result<(), ScanError> {
        let mut sc = Scan::default();
        // Fed in pieces, as a reader hands them over.
        for chunk in s.as_bytes().chunks(3) {
            sc.feed(chunk, max)?;
        }
        Ok(())
    }

    #[test]
    fn token_lengths_are_bounded_between_angle_brackets() {
        assert_eq!(scan("<a>text</a><b x=\"1\"/>", 10), Ok(()));
        assert_eq!(scan("<a>0123456789</a>", 8), Err(ScanError::TooLong));
        // A comment or CDATA full of `<` is one token for the parser: measured whole.
        assert_eq!(scan("<!-- <<<<<<<<<<<< -->", 12), Err(ScanError::TooLong));
        assert_eq!(scan("<![CDATA[<<<<<<<<<<<]]>", 12), Err(ScanError::TooLong));
        assert_eq!(scan("<!-- a --><x/><x/><x/>", 12), Ok(()));
        assert_eq!(scan("<?xml version=\"1.0\"?><a/>", 40), Ok(()));
        assert_eq!(
            scan("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", 100),
            Err(ScanError::Doctype)
        );
    }

    #[test]
    fn the_declared_entry_count_is_read_from_the_end_record() {
        let mut b = b"PK\x03\x04 whatever".to_vec();
        b.extend_from_slice(b"PK\x05\x06\0\0\0\0\x10\x27\x10\x27");
        b.extend_from_slice(&[0; 10]);
        assert_eq!(declared_entries(&b), Some(10_000));
        assert_eq!(declared_entries(b"not a zip"), None);
    }
}
