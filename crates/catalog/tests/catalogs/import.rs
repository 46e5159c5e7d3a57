//! Import from the official Excel and CSV layouts, including broken files.

use mamori_catalog::import::*;
use mamori_catalog::import::{Place, Problem};
use mamori_catalog::*;
use mamori_sheets::Place as SP;
use rust_xlsxwriter::{Format, Workbook};

fn template() -> ImportMeta {
    let r = Registry::embedded().unwrap();
    let c = r
        .catalogs
        .get("mhlw/cyber-checklist-institution@R6")
        .unwrap();
    ImportMeta {
        template: c.catalog.clone(),
        version: "R8".into(),
        published: "2026-06".into(),
        source_file: "t.xlsx".into(),
    }
}

/// A sheet as the official Excel lays it out: a title, blank rows, the header, then items.
fn xlsx(rows: &[&[&str]], merge: Option<(u32, u16, u32, u16)>) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("医療機関確認用").unwrap();
    ws.write_string(
        0,
        0,
        "医療機関におけるサイバーセキュリティ対策チェックリスト",
    )
    .unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    if let Some((r1, c1, r2, c2)) = merge {
        ws.merge_range(r1, c1, r2, c2, "結合", &Format::new())
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

const GOOD: &[&[&str]] = &[
    &["項番", "チェック項目", "1回目", "2回目"],
    &["", "1 体制構築", "", ""],
    &[
        "1-(1)",
        "医療情報システム安全管理責任者を設置している。",
        "",
        "",
    ],
    &["", "2 医療情報システムの管理・運用", "", ""],
    &[
        "2-(1)",
        "サーバ、端末PC、ネットワーク機器の台帳管理を行っている。",
        "",
        "",
    ],
    &["2-(2)", "新しい項目の文言。", "", ""],
];

#[test]
fn xlsx_in_the_checklist_layout_becomes_a_new_version_with_a_diff() {
    let rows = read_xlsx(&xlsx(GOOD, None), None).unwrap();
    let c = catalog_from_rows(&rows, &template()).unwrap();
    assert_eq!(c.catalog.id, "mhlw/cyber-checklist-institution@R8");
    assert_eq!(c.items.len(), 3);
    assert_eq!(c.sections.iter().filter(|s| !s.title.is_empty()).count(), 2);
    assert!(check_catalog(&c).is_empty(), "{:?}", check_catalog(&c));
    assert_eq!(
        c.items[1].source, "t.xlsx 行 7, 列 B",
        "2-(1) is in Excel row 7"
    );
    let r = Registry::embedded().unwrap();
    let old = r
        .catalogs
        .get("mhlw/cyber-checklist-institution@R6")
        .unwrap();
    let d = diff(old, &c);
    assert!(d.changed.contains(&"2-(2)".to_string()), "{d:?}");
    assert!(d.added.is_empty(), "{d:?}");
    assert!(d.removed.contains(&"0".to_string()), "{d:?}");
    assert!(d.unchanged >= 1, "{d:?}");
    // Round trip through the file format.
    assert_eq!(
        parse("x.toml", &c.to_toml().unwrap()).unwrap(),
        Document::Catalog(c)
    );
    // A named sheet that does not exist is refused with the sheets that do.
    let e = read_xlsx(&xlsx(GOOD, None), Some("事業者確認用")).unwrap_err();
    assert!(e.to_string().contains("医療機関確認用"), "{e}");
}

#[test]
fn shift_jis_and_utf8_csv_in_the_role_sharing_layout() {
    let text = "項番,項目,内容,初回確認,完了日,備考欄\r\nPart2 A1,事業者選定,医療情報システムの安全管理を実施する。,,,\r\nPart2 A2,契約,契約内容を確認する。,,,\r\n";
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
    for bytes in [
        sjis.to_vec(),
        text.as_bytes().to_vec(),
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    ] {
        let rows = read_csv(&bytes).unwrap();
        let c = catalog_from_rows(&rows, &template()).unwrap();
        assert_eq!(c.items.len(), 2);
        assert_eq!(c.items[0].text, "医療情報システムの安全管理を実施する。");
        assert_eq!(c.items[0].note, "項目：事業者選定");
        assert_eq!(c.items[0].number, "Part2 A1");
    }
}

#[test]
fn broken_files_are_refused_with_row_and_column() {
    let dup: &[&[&str]] = &[&["項番", "チェック項目"], &["1-(1)", "a"], &["1-(1)", "b"]];
    let e =
        catalog_from_rows(&read_xlsx(&xlsx(dup, None), None).unwrap(), &template()).unwrap_err();
    assert_eq!(e.place, Place::In(SP::Cell { row: 5, col: 1 }));
    assert_eq!(
        e.problem,
        Problem::DuplicateNumber {
            number: "1-(1)".into(),
            first: (4, 1)
        }
    );
    assert_eq!(
        e.to_string(),
        "行 5, 列 A: 項番 1-(1) が重複しています(行 4, 列 Aにもあります)"
    );
    let (key, args) = e.problem.key();
    assert_eq!(key, "import-problem-duplicate");
    assert_eq!(args[1], ("row", "4".to_string()));
    assert_eq!(
        e.place.key(),
        (
            "sheets-at-cell",
            vec![("row", "5".to_string()), ("col", "A".to_string())]
        )
    );

    let empty: &[&[&str]] = &[&["項番", "チェック項目"], &["1-(1)", ""]];
    let e =
        catalog_from_rows(&read_xlsx(&xlsx(empty, None), None).unwrap(), &template()).unwrap_err();
    assert_eq!(e.place.to_string(), "行 4, 列 B");
    assert!(e.to_string().contains("内容が空"), "{e}");

    let no_header: &[&[&str]] = &[&["番号なし", "文言"], &["1", "a"]];
    let e = catalog_from_rows(
        &read_xlsx(&xlsx(no_header, None), None).unwrap(),
        &template(),
    )
    .unwrap_err();
    assert_eq!(e.problem, Problem::NoHeader);
    assert!(e.to_string().contains("見出し行"), "{e}");

    // チェック項目 merged down over two rows: refused, naming the cells (a 項番 or 項目
    // merged down repeats instead: see official.rs).
    let e = catalog_from_rows(
        &read_xlsx(&xlsx(GOOD, Some((4, 1, 5, 1))), None).unwrap(),
        &template(),
    )
    .unwrap_err();
    assert_eq!(e.place, Place::In(SP::Cell { row: 5, col: 2 }));
    assert_eq!(e.problem, Problem::MergedAcrossRows { to: (6, 2) });
    assert!(e.to_string().contains("結合"), "{e}");

    let e = read_xlsx(b"not a zip", None).unwrap_err();
    assert!(matches!(e.problem, Problem::Xlsx(_)), "{e}");
    let e = read_csv(&[0x82, 0xa0, 0xff, 0xff, 0x80]).unwrap_err();
    assert_eq!(
        (e.place, e.problem),
        (Place::In(SP::File), Problem::Encoding)
    );
}

#[test]
fn plan_carries_the_answer_model_and_builds_a_crosswalk_that_validates() {
    use mamori_catalog::import::{plan, Request};
    let mut registry = mamori_catalog::Registry::embedded().unwrap();
    let r6 = registry.catalogs["mhlw/cyber-checklist-pharmacy@R6"].clone();
    let gate = r6
        .items
        .iter()
        .find(|i| i.gate)
        .expect("the pharmacy sheet has the item-0 rule");
    let per_device = r6
        .items
        .iter()
        .find(|i| !i.devices.is_empty())
        .expect("the pharmacy sheet has per-device items");
    let csv = format!(
        "項番,チェック項目\n{},{}\n{},新しい文言。\n",
        gate.number, gate.text, per_device.number
    );
    let req = Request {
        id: "mhlw/cyber-checklist-pharmacy@R7".into(),
        title: String::new(),
        published: "2026-05".into(),
        ..Default::default()
    };
    let p = plan(&registry, "r8.csv", csv.as_bytes(), &req).unwrap();
    assert_eq!(p.based_on, "mhlw/cyber-checklist-pharmacy@R6");
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    assert_eq!(p.mapping.number, "A");
    let g = &p.catalog.items[0];
    assert!(g.gate && g.answer == gate.answer && g.text_en == gate.text_en);
    let d = &p.catalog.items[1];
    assert_eq!(d.devices, per_device.devices, "device classes carry over");
    assert!(
        d.text_en.is_empty(),
        "a changed wording drops the old English"
    );
    assert_eq!(p.diff.changed, vec![per_device.number.clone()]);
    let x = mamori_catalog::import::version_crosswalk(&r6, &p.catalog);
    assert_eq!(x.relations.len(), 2);
    assert_eq!(x.relations[0].kind, mamori_catalog::RelationKind::Equal);
    assert_eq!(x.relations[1].kind, mamori_catalog::RelationKind::Related);
    registry.add_imported(p.catalog, "mhlw/cyber-checklist-pharmacy@R6");
    assert!(registry.problems().is_empty(), "{:?}", registry.problems());
    // The same id again, a malformed id, an unknown document, a bad date: refused.
    for (id, published, needle) in [
        ("mhlw/cyber-checklist-pharmacy@R7", "2026", "既にあります"),
        (
            "mhlw/cyber-checklist-pharmacy",
            "2026",
            "publisher/document@version",
        ),
        ("mhlw/nothing@1", "2026", "既存の版がありません"),
        ("mhlw/cyber-checklist-pharmacy@R9", "R9", "公表日"),
        ("mhlw/cyber-checklist-pharmacy@R 9", "2026", "英数字"),
    ] {
        let req = Request {
            id: id.into(),
            published: published.into(),
            ..Default::default()
        };
        let e = plan(&registry, "x.csv", csv.as_bytes(), &req).unwrap_err();
        assert!(e.to_string().contains(needle), "{id}: {e}");
    }
}

#[test]
fn hostile_files_are_refused_by_the_plan_with_the_limit_named() {
    use mamori_catalog::import::{plan, Request};
    use mamori_sheets::{hostile, Limit};
    let registry = Registry::embedded().unwrap();
    let req = Request {
        id: "mhlw/cyber-checklist-institution@R9".into(),
        published: "2027-05".into(),
        ..Default::default()
    };
    let e = plan(
        &registry,
        "far.xlsx",
        &hostile::far_cell(true).unwrap(),
        &req,
    )
    .unwrap_err();
    assert_eq!(
        e.place,
        Place::In(SP::Dimension {
            sheet: "Sheet1".into(),
            range: "A1:XFD1048576".into()
        })
    );
    assert_eq!(e.problem, Problem::Limit(Limit::Rows(20_000)));
    assert!(
        e.to_string()
            .contains("シートの行数が上限 (20,000 行) を超えています"),
        "{e}"
    );
    assert_eq!(
        e.problem.key(),
        ("sheets-limit-rows", vec![("max", "20,000".to_string())])
    );
    assert_eq!(e.place.key().0, "sheets-at-dimension");
    let bomb = hostile::bomb("<row><c><v>1</v></c></row>", 1 << 30, None).unwrap();
    let e = plan(&registry, "bomb.xlsx", &bomb, &req).unwrap_err();
    assert_eq!(
        e.place,
        Place::In(SP::Part("xl/worksheets/sheet1.xml".into()))
    );
    assert_eq!(e.problem, Problem::Limit(Limit::EntryBytes(64 << 20)));
    let sst = hostile::shared_strings(2_000_000, "x", true).unwrap();
    let e = plan(&registry, "sst.xlsx", &sst, &req).unwrap_err();
    assert_eq!(e.problem, Problem::Limit(Limit::SharedStrings(200_000)));
    // A normal sheet still becomes a plan.
    let ok = plan(&registry, "ok.xlsx", &hostile::checklist(3).unwrap(), &req).unwrap();
    assert_eq!(ok.catalog.items.len(), 3);
}
