//! Hostile spreadsheets for tests (feature `hostile`, never in the product): a cell at
//! XFD1048576, a sheet reaching row 300,000, zip bombs whose sheet inflates to a gigabyte
//! from about a megabyte (with an honest or a lying declared size), shared-string tables
//! with millions of entries. Built in memory in milliseconds: a repeated part is deflated
//! once and its compressed block repeated (each piece is compressed on its own and ends on
//! a sync flush, so the pieces concatenate into one valid deflate stream), and the CRC of
//! the whole is combined from the pieces'.

use flate2::write::DeflateEncoder;
use flate2::Compression;
use std::io::{Result, Write};

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The content of one part of the package.
pub enum Part {
    Text(String),
    /// `head`, then `unit` `times` times, then `tail`; `declared_size` overrides the
    /// uncompressed size written in the zip headers (a lie).
    Repeated {
        head: String,
        unit: String,
        times: u64,
        tail: String,
        declared_size: Option<u32>,
    },
}

/// Deflate `input` on its own; `last` ends the stream, otherwise a sync flush leaves it
/// byte-aligned and open, ready to be followed by another piece.
fn deflate_piece(input: &[u8], last: bool) -> Result<Vec<u8>> {
    let mut e = DeflateEncoder::new(Vec::new(), Compression::best());
    e.write_all(input)?;
    if last {
        e.finish()
    } else {
        e.flush()?;
        Ok(std::mem::take(e.get_mut()))
    }
}

/// (deflated bytes, CRC-32, uncompressed size) of a part.
fn deflate(part: &Part) -> Result<(Vec<u8>, u32, u64, Option<u32>)> {
    match part {
        Part::Text(s) => Ok((
            deflate_piece(s.as_bytes(), true)?,
            crc32fast::hash(s.as_bytes()),
            s.len() as u64,
            None,
        )),
        Part::Repeated {
            head,
            unit,
            times,
            tail,
            declared_size,
        } => {
            // Repeat the unit into a chunk of about 1 MiB, and the chunk's compressed form.
            let per_chunk = (1 << 20) / unit.len().max(1) as u64;
            let per_chunk = per_chunk.clamp(1, (*times).max(1));
            let chunk = unit.repeat(per_chunk as usize);
            let (chunks, rest) = (times / per_chunk, times % per_chunk);
            let chunk_z = deflate_piece(chunk.as_bytes(), false)?;
            let mut out = deflate_piece(head.as_bytes(), false)?;
            let mut crc = crc32fast::Hasher::new();
            crc.update(head.as_bytes());
            for _ in 0..chunks {
                out.extend_from_slice(&chunk_z);
            }
            crc.combine(&repeated_crc(chunk.as_bytes(), chunks));
            let end = format!("{}{tail}", unit.repeat(rest as usize));
            out.extend_from_slice(&deflate_piece(end.as_bytes(), true)?);
            crc.update(end.as_bytes());
            let size = head.len() as u64 + chunk.len() as u64 * chunks + end.len() as u64;
            Ok((out, crc.finalize(), size, *declared_size))
        }
    }
}

/// The CRC state of `bytes` repeated `n` times, by doubling.
fn repeated_crc(bytes: &[u8], mut n: u64) -> crc32fast::Hasher {
    let mut acc = crc32fast::Hasher::new();
    let mut pow = crc32fast::Hasher::new();
    pow.update(bytes);
    while n > 0 {
        if n & 1 == 1 {
            acc.combine(&pow);
        }
        let p = pow.clone();
        pow.combine(&p);
        n >>= 1;
    }
    acc
}

/// A zip file of deflated entries, written by hand so that sizes can lie.
fn zip(entries: &[(&str, &Part)]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, part) in entries {
        let (data, crc, size, declared) = deflate(part)?;
        let size = declared.unwrap_or(size.min(u32::MAX as u64) as u32);
        let offset = out.len() as u32;
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags
            v.extend_from_slice(&8u16.to_le_bytes()); // deflate
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // 1980-01-01
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&(name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra
        };
        out.extend_from_slice(b"PK\x03\x04");
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        common(&mut central);
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    let n = entries.len() as u16;
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    Ok(out)
}

/// An xlsx package with one sheet (`Sheet1`) and, optionally, a shared-strings table.
pub fn xlsx(sheet: Part, shared_strings: Option<Part>) -> Result<Vec<u8>> {
    let types = Part::Text(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.into(),
    );
    let root = Part::Text(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    ));
    let workbook = Part::Text(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook {NS}><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    ));
    let rels = Part::Text(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    ));
    let mut entries: Vec<(&str, &Part)> = vec![
        ("[Content_Types].xml", &types),
        ("_rels/.rels", &root),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", &rels),
        ("xl/worksheets/sheet1.xml", &sheet),
    ];
    if let Some(sst) = &shared_strings {
        entries.push(("xl/sharedStrings.xml", sst));
    }
    zip(&entries)
}

/// A worksheet part around `rows` (the `<row>` elements), with an optional dimension.
pub fn sheet_xml(dimension: Option<&str>, rows: &str) -> String {
    let dim = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

fn inline(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A valid checklist sheet (項番 / チェック項目) of `items` rows, as a normal import.
pub fn checklist(items: usize) -> Result<Vec<u8>> {
    let mut rows = format!(
        r#"<row r="1">{}{}</row>"#,
        inline("A1", "項番"),
        inline("B1", "チェック項目")
    );
    for i in 1..=items {
        let r = i + 1;
        rows.push_str(&format!(
            r#"<row r="{r}">{}{}</row>"#,
            inline(&format!("A{r}"), &format!("1-({i})")),
            inline(&format!("B{r}"), &format!("確認項目 {i} を実施している。"))
        ));
    }
    xlsx(
        Part::Text(sheet_xml(Some(&format!("A1:B{}", items + 1)), &rows)),
        None,
    )
}

/// The issue's 1.6 KB file: a header and one value at XFD1048576, with or without a
/// `<dimension>` saying so.
pub fn far_cell(declare_dimension: bool) -> Result<Vec<u8>> {
    let rows = format!(
        r#"<row r="1">{}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        inline("A1", "項番")
    );
    let dim = declare_dimension.then_some("A1:XFD1048576");
    xlsx(Part::Text(sheet_xml(dim, &rows)), None)
}

/// A sheet reaching Z`last_row` (the issue's Z300000), with or without a dimension.
pub fn tall(last_row: usize, declare_dimension: bool) -> Result<Vec<u8>> {
    let rows = format!(
        r#"<row r="1">{}</row><row r="{last_row}"><c r="Z{last_row}"><v>1</v></c></row>"#,
        inline("A1", "項番")
    );
    let dim = format!("A1:Z{last_row}");
    xlsx(
        Part::Text(sheet_xml(declare_dimension.then_some(dim.as_str()), &rows)),
        None,
    )
}

/// A zip bomb: a sheet whose XML inflates to about `inflated` bytes of `unit` repeated
/// inside one row. `declared` writes that uncompressed size in the zip headers instead of
/// the true one.
pub fn bomb(unit: &str, inflated: u64, declared: Option<u32>) -> Result<Vec<u8>> {
    let head = format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>"#);
    let tail = "</sheetData></worksheet>".to_string();
    let times = inflated / unit.len().max(1) as u64;
    xlsx(
        Part::Repeated {
            head,
            unit: unit.to_string(),
            times,
            tail,
            declared_size: declared,
        },
        None,
    )
}

/// A shared-strings table of `count` entries of `text` (declaring its count or not) and a
/// sheet using the first one.
pub fn shared_strings(count: u64, text: &str, declare_count: bool) -> Result<Vec<u8>> {
    let unique = if declare_count {
        format!(r#" count="{count}" uniqueCount="{count}""#)
    } else {
        String::new()
    };
    let sst = Part::Repeated {
        head: format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst {NS}{unique}>"#),
        unit: format!("<si><t>{text}</t></si>"),
        times: count,
        tail: "</sst>".into(),
        declared_size: None,
    };
    let rows = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#;
    xlsx(Part::Text(sheet_xml(Some("A1"), rows)), Some(sst))
}
