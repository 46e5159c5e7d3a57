//! Reading real workbooks (written by rust_xlsxwriter) and CSV, and refusing hostile files
//! fast, with the limit named. Peak memory of the refusals is measured on the real binary
//! in the CLI suite (`crates/mamori/tests/cli/upload_bombs.rs`).

use mamori_sheets::hostile::{self, Part};
use mamori_sheets::*;
use rust_xlsxwriter::{Format, Workbook};
use std::time::{Duration, Instant};

fn limits() -> Limits {
    Limits::default()
}

fn limit_of(e: &SheetError) -> Limit {
    match e.problem {
        Problem::Limit(l) => l,
        ref other => panic!("expected a limit, got {other:?} at {:?}", e.place),
    }
}

/// Refused within `secs` seconds (debug build, a shared 2-core machine).
fn refused_fast(bytes: &[u8], secs: u64) -> SheetError {
    let t = Instant::now();
    let e = read(bytes, None, &limits()).expect_err("refused");
    assert!(
        t.elapsed() < Duration::from_secs(secs),
        "took {:?}: {e}",
        t.elapsed()
    );
    e
}

#[test]
fn a_real_workbook_reads_as_sparse_rows_of_values() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台帳").unwrap();
    ws.write_string(0, 0, "機器名").unwrap();
    ws.write_string(0, 1, "導入日").unwrap();
    ws.write_string(0, 3, "台数").unwrap();
    ws.write_string(2, 0, "  電子カルテ サーバ ").unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    ws.write_number_with_format(2, 1, 46_113.0, &date).unwrap();
    ws.write_number(2, 3, 3.0).unwrap();
    ws.write_number(3, 3, 2.5).unwrap();
    ws.write_boolean(3, 0, true).unwrap();
    ws.write_string(4, 0, "a < b & c").unwrap();
    ws.merge_range(5, 0, 6, 1, "結合", &Format::new()).unwrap();
    let other = wb.add_worksheet();
    other.set_name("別").unwrap();
    other.write_string(0, 0, "2枚目").unwrap();
    let bytes = wb.save_to_buffer().unwrap();

    let s = read(&bytes, None, &limits()).unwrap();
    assert_eq!(s.name, "台帳");
    assert_eq!(
        s.rows.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 2, 3, 4, 5]
    );
    assert_eq!(s.get(0, 3), Some(&Value::Text("台数".into())));
    assert_eq!(s.get(0, 2), None, "an empty cell is not stored");
    assert_eq!(s.row(2).unwrap().text(0), "  電子カルテ サーバ ");
    assert_eq!(s.get(2, 1).unwrap().text(), "2026-04-01");
    assert_eq!(s.get(2, 3).unwrap().text(), "3");
    assert_eq!(s.get(3, 3).unwrap().text(), "2.5");
    assert_eq!(s.get(3, 0), Some(&Value::Bool(true)));
    assert_eq!(s.row(4).unwrap().text(0), "a < b & c");
    assert_eq!(
        s.merges,
        vec![Merge {
            first: (5, 0),
            last: (6, 1)
        }]
    );
    assert_eq!(s.get(5, 0).unwrap().text(), "結合");
    assert_eq!(s.cell_count(), 10);

    let s = read(&bytes, Some("別"), &limits()).unwrap();
    assert_eq!(s.get(0, 0).unwrap().text(), "2枚目");
    let e = read(&bytes, Some("ない"), &limits()).unwrap_err();
    assert_eq!(
        e.problem,
        Problem::NoSuchSheet {
            sheet: "ない".into(),
            have: "台帳、別".into()
        }
    );
}

#[test]
fn csv_in_utf8_and_shift_jis_and_refusals() {
    let text =
        "項番,内容,,\r\n\r\n1-(1), 体制を整えている。 ,,\r\n\"2-(1)\",\"改行\n入り, 引用\"\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    for bytes in [
        text.as_bytes().to_vec(),
        sjis.to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    ] {
        let s = read(&bytes, None, &limits()).unwrap();
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.rows[0].text(0), "項番");
        assert_eq!(s.rows[1].text(1), "体制を整えている。", "cells are trimmed");
        assert_eq!(s.rows[2].text(1), "改行\n入り, 引用");
        assert_eq!(s.cell_count(), 6);
    }
    let e = read(&[0x82, 0xa0, 0xff, 0xff, 0x80], None, &limits()).unwrap_err();
    assert_eq!((e.place, e.problem), (Place::File, Problem::Encoding));
    let e = read(b"\xD0\xCF\x11\xE0rest", None, &limits()).unwrap_err();
    assert_eq!(e.problem, Problem::OldXls);
    let e = read(b"a,b\0", None, &limits()).unwrap_err();
    assert_eq!(e.problem, Problem::NotXlsxOrCsv);

    let small = Limits {
        max_rows: 2,
        max_columns: 2,
        max_cells: 3,
        max_cell_chars: 5,
        ..Limits::default()
    };
    let e = read_csv(b"a\nb\nc\n", &small).unwrap_err();
    assert_eq!(
        (e.place, limit_of_owned(e.problem)),
        (Place::Cell { row: 3, col: 1 }, Limit::Rows(2))
    );
    let e = read_csv(b"a,,c\n", &small).unwrap_err();
    assert_eq!(e.place, Place::Cell { row: 1, col: 3 });
    assert_eq!(
        e.to_string(),
        "行 1, 列 C: シートの列数が上限 (2 列) を超えています。読み込みを中止しました"
    );
    // Empty fields far to the right are not cells: no limit is reached.
    assert!(read_csv(format!("a{}\n", ",".repeat(100_000)).as_bytes(), &small).is_ok());
    let e = read_csv(b"a,b\nc,d\n", &small).unwrap_err();
    assert_eq!(limit_of(&e), Limit::Cells(3));
    let e = read_csv("あいうえおか".as_bytes(), &small).unwrap_err();
    assert_eq!(limit_of(&e), Limit::CellChars(5));
    let e = read_csv("x".repeat(1000).as_bytes(), &small).unwrap_err();
    assert_eq!(
        limit_of(&e),
        Limit::CellChars(5),
        "a huge field stops at the buffer"
    );
    let e = read_csv(&vec![b'a'; 21 * 1024 * 1024], &limits()).unwrap_err();
    assert_eq!(
        (e.place, limit_of_owned(e.problem)),
        (Place::File, Limit::FileBytes(20 << 20))
    );
}

fn limit_of_owned(p: Problem) -> Limit {
    match p {
        Problem::Limit(l) => l,
        other => panic!("expected a limit, got {other:?}"),
    }
}

#[test]
fn a_cell_at_xfd1048576_is_refused_by_its_dimension_or_its_column() {
    let bytes = hostile::far_cell(true).unwrap();
    assert!(bytes.len() < 2_000, "{} bytes", bytes.len());
    let e = refused_fast(&bytes, 2);
    assert_eq!(
        e.place,
        Place::Dimension {
            sheet: "Sheet1".into(),
            range: "A1:XFD1048576".into()
        }
    );
    assert_eq!(limit_of(&e), Limit::Rows(20_000));
    assert_eq!(
        e.to_string(),
        "シート「Sheet1」が宣言する範囲 A1:XFD1048576: シートの行数が上限 (20,000 行) を超えています。読み込みを中止しました"
    );
    // Without a dimension the cell itself is refused, before it is stored.
    let e = refused_fast(&hostile::far_cell(false).unwrap(), 2);
    assert_eq!(
        e.place,
        Place::Cell {
            row: 1_048_576,
            col: 16_384
        }
    );
    assert_eq!(limit_of(&e), Limit::Rows(20_000));
    let wide = Limits {
        max_rows: 2_000_000,
        ..Limits::default()
    };
    let e = read(&hostile::far_cell(false).unwrap(), None, &wide).unwrap_err();
    assert_eq!(limit_of(&e), Limit::Columns(200));
}

#[test]
fn a_sheet_reaching_z300000_is_refused() {
    let e = refused_fast(&hostile::tall(300_000, true).unwrap(), 2);
    assert_eq!(limit_of(&e), Limit::Rows(20_000));
    let e = refused_fast(&hostile::tall(300_000, false).unwrap(), 2);
    assert_eq!(
        e.place,
        Place::Cell {
            row: 300_000,
            col: 26
        }
    );
    // Within the limits, the far cell is just one more cell: nothing dense is built.
    let s = read(&hostile::tall(20_000, true).unwrap(), None, &limits()).unwrap();
    assert_eq!(s.cell_count(), 2);
    assert_eq!(s.rows[1].index, 19_999);
}

#[test]
fn zip_bombs_are_refused_by_declared_and_by_counted_size() {
    // 1 GiB of sheet XML from about a megabyte, declared honestly: refused before inflating.
    let honest = hostile::bomb("<row><c><v>1</v></c></row>", 1 << 30, None).unwrap();
    assert!(honest.len() < 4 << 20, "{} bytes", honest.len());
    let e = refused_fast(&honest, 2);
    assert_eq!(e.place, Place::Part("xl/worksheets/sheet1.xml".into()));
    assert_eq!(limit_of(&e), Limit::EntryBytes(64 << 20));
    // The same, declaring 1 MB: the inflated bytes are counted; the rows give up first.
    let lying = hostile::bomb("<row><c><v>1</v></c></row>", 1 << 30, Some(1 << 20)).unwrap();
    let e = refused_fast(&lying, 10);
    assert_eq!(limit_of(&e), Limit::Rows(20_000));
    // Empty cells cost nothing but bytes: the count of inflated bytes stops them.
    let empty = hostile::bomb(r#"<c r="A1"/>"#, 1 << 30, Some(1 << 20)).unwrap();
    let e = refused_fast(&empty, 30);
    assert_eq!(e.place, Place::Part("xl/worksheets/sheet1.xml".into()));
    assert_eq!(limit_of(&e), Limit::EntryBytes(64 << 20));
    assert_eq!(
        e.problem.to_string(),
        "xlsx に含まれるファイルの展開後の大きさが上限 (64 MiB) を超えています。読み込みを中止しました"
    );
    // One endless text node: the XML token limit stops it within a megabyte.
    let text = hostile::bomb("x", 1 << 30, Some(1 << 20)).unwrap();
    let e = refused_fast(&text, 10);
    assert_eq!(limit_of(&e), Limit::XmlToken(1 << 20));
    // Deep nesting keeps no stack of open elements (checked here against a smaller
    // limit: 64 MiB of tiny XML events takes seconds in a debug build).
    let deep = hostile::bomb("<a>", 1 << 30, Some(1 << 20)).unwrap();
    let small = Limits {
        max_entry_bytes: 8 << 20,
        ..Limits::default()
    };
    let e = read(&deep, None, &small).unwrap_err();
    assert_eq!(limit_of(&e), Limit::EntryBytes(8 << 20));
    let e = read(
        &empty,
        None,
        &Limits {
            max_total_bytes: 4 << 20,
            ..small
        },
    )
    .unwrap_err();
    assert_eq!(limit_of(&e), Limit::TotalBytes(4 << 20));
}

#[test]
fn oversized_shared_string_tables_are_refused() {
    // Two million entries, declared: refused at the declaration.
    let e = refused_fast(&hostile::shared_strings(2_000_000, "x", true).unwrap(), 2);
    assert_eq!(e.place, Place::Part("xl/sharedStrings.xml".into()));
    assert_eq!(limit_of(&e), Limit::SharedStrings(200_000));
    // Not declared: counted.
    let e = refused_fast(&hostile::shared_strings(2_000_000, "x", false).unwrap(), 10);
    assert_eq!(limit_of(&e), Limit::SharedStrings(200_000));
    // Five million do not even fit the part's size.
    let e = refused_fast(&hostile::shared_strings(5_000_000, "x", false).unwrap(), 2);
    assert_eq!(limit_of(&e), Limit::EntryBytes(64 << 20));
    // Few but long: the total size.
    let long = "長".repeat(30_000);
    let e = refused_fast(&hostile::shared_strings(300, &long, false).unwrap(), 10);
    assert_eq!(limit_of(&e), Limit::SharedStringBytes(16 << 20));
    // One longer than a cell may be.
    let e = refused_fast(
        &hostile::shared_strings(1, &"x".repeat(40_000), true).unwrap(),
        2,
    );
    assert_eq!(limit_of(&e), Limit::CellChars(32_767));
    // A small table reads, and a cell takes its string.
    let s = read(
        &hostile::shared_strings(3, "共有", true).unwrap(),
        None,
        &limits(),
    )
    .unwrap();
    assert_eq!(s.get(0, 0).unwrap().text(), "共有");
}

#[test]
fn one_shared_string_used_everywhere_counts_at_each_use() {
    // 200,000 uses of a 30,000-character string would be 18 GB of text if copied blindly.
    let rows = r#"<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>"#.repeat(10_000);
    let sst = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{}</t></si></sst>"#,
        "x".repeat(30_000)
    );
    let bytes = hostile::xlsx(
        Part::Text(hostile::sheet_xml(None, &rows)),
        Some(Part::Text(sst)),
    )
    .unwrap();
    let e = refused_fast(&bytes, 5);
    assert_eq!(limit_of(&e), Limit::TextBytes(16 << 20));
}

#[test]
fn malformed_packages_are_reported_not_panicked_on() {
    let e = read(b"PK\x03\x04 not really", None, &limits()).unwrap_err();
    assert!(matches!(e.problem, Problem::Zip(_)), "{e}");
    let doctype = hostile::xlsx(
        Part::Text(
            r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>"#.into(),
        ),
        None,
    )
    .unwrap();
    let e = read(&doctype, None, &limits()).unwrap_err();
    assert!(matches!(e.problem, Problem::Xml(_)), "{e}");
    let bad_ref = hostile::xlsx(
        Part::Text(hostile::sheet_xml(
            None,
            r#"<row><c r="A1B"><v>1</v></c></row>"#,
        )),
        None,
    )
    .unwrap();
    let e = read(&bad_ref, None, &limits()).unwrap_err();
    assert_eq!(e.place, Place::Sheet("Sheet1".into()));
    let missing_sst = hostile::xlsx(
        Part::Text(hostile::sheet_xml(
            None,
            r#"<row><c t="s"><v>7</v></c></row>"#,
        )),
        None,
    )
    .unwrap();
    let e = read(&missing_sst, None, &limits()).unwrap_err();
    assert!(e.to_string().contains("shared string 7"), "{e}");
    // Cells without references follow each other; out-of-order rows are put in order.
    let loose = hostile::xlsx(
        Part::Text(hostile::sheet_xml(
            None,
            r#"<row r="3"><c><v>3</v></c><c t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r><rPh><t>ふり</t></rPh></is></c></row><row r="1"><c r="B1"><v>1</v></c></row>"#,
        )),
        None,
    )
    .unwrap();
    let s = read(&loose, None, &limits()).unwrap();
    assert_eq!(s.rows.iter().map(|r| r.index).collect::<Vec<_>>(), [0, 2]);
    assert_eq!(
        s.get(2, 1).unwrap().text(),
        "ab",
        "phonetic runs are not text"
    );
    assert_eq!(s.get(0, 1).unwrap().text(), "1");
}

#[test]
fn limits_name_their_values_in_both_forms() {
    let l = Limit::EntryBytes(64 << 20);
    assert_eq!(l.key(), "sheets-limit-entry-bytes");
    assert_eq!(l.max(), "64 MiB");
    assert_eq!(Limit::Rows(20_000).max(), "20,000");
    assert_eq!(
        Problem::Limit(Limit::Rows(20_000)).key(),
        ("sheets-limit-rows", vec![("max", "20,000".to_string())])
    );
    assert_eq!(thousands(1_234_567), "1,234,567");
    assert_eq!(bytes(1536), "1,536 bytes");
}

#[test]
fn a_tag_with_a_hundred_thousand_attributes_costs_linear_time() {
    let attrs: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();
    let rows = format!(r#"<row r="1"><c r="A1"{attrs} t="inlineStr"><is><t>ok</t></is></c></row>"#);
    let bytes = hostile::xlsx(Part::Text(hostile::sheet_xml(None, &rows)), None).unwrap();
    let t = Instant::now();
    let s = read(&bytes, None, &limits()).unwrap();
    assert_eq!(s.get(0, 0).unwrap().text(), "ok");
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[test]
fn formula_cells_are_named_with_their_cached_values() {
    let bytes = hostile::xlsx(
        Part::Text(hostile::sheet_xml(
            None,
            r#"<row r="1"><c r="A1"><v>2</v></c><c r="B1"><f>A1*2</f><v>4</v></c></row><row r="2"><c r="A2" t="str"><f>"x"&amp;"y"</f><v>xy</v></c></row>"#,
        )),
        None,
    )
    .unwrap();
    let s = read(&bytes, None, &limits()).unwrap();
    assert_eq!(s.formulas, [(0, 1), (1, 0)]);
    assert_eq!(s.get(0, 1), Some(&mamori_sheets::Value::Number(4.0)));
    assert_eq!(
        s.get(1, 0).map(|v| v.text().into_owned()).as_deref(),
        Some("xy")
    );
}
