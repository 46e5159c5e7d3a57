//! Import from sheets laid out as the official documents print them: Part headings, section
//! rows, merged and repeated 項番 cells, circled sub-numbers, device-class suffixes, and a
//! partial sheet. Nothing the catalog format can hold is lost, and a re-import of the same
//! file is "unchanged" for every item.

use mamori_catalog::import::{plan, HeadingAs, Overrides, Request};
use mamori_catalog::*;
use rust_xlsxwriter::{Format, Workbook};

/// The role-sharing 確認表 as the official Excel lays it out (a partial one: the rows this
/// repository knows), with 項番 A-2 merged over its two sub-items ①②.
fn role_sharing_sheet(r: &Registry) -> Vec<u8> {
    let c = &r.catalogs["mhlw/role-sharing@2024-06"];
    let text = |id: &str| c.item(id).unwrap().text.clone();
    let rows: Vec<Vec<String>> = vec![
        vec![
            "項番".into(),
            "項目".into(),
            "内容".into(),
            "初回確認".into(),
            "完了日".into(),
            "ガイドライン等関連部分".into(),
        ],
        vec!["Part 1 主に医療機関が実施する項目".into()],
        vec!["A".into(), "事業者選定・事業者管理".into()],
        vec![
            "1".into(),
            "事業者からの開示資料の確認".into(),
            text("part1-a-1"),
        ],
        vec![
            "2".into(),
            "事業者管理".into(),
            format!("①{}", text("part1-a-2-1")),
        ],
        vec!["".into(), "".into(), format!("②{}", text("part1-a-2-2"))],
        vec!["Part２　医療機関と事業者が共同で実施する項目".into()],
        vec!["Ａ".into(), "共通".into()],
        vec!["1".into(), "ガイドラインの確認".into(), text("part2-a-1")],
        vec![
            "2".into(),
            "複数事業者間の役割分担".into(),
            text("part2-a-2"),
        ],
        vec![
            "3".into(),
            "〃".into(),
            "新しい共同実施の項目。".into(),
            "".into(),
            "".into(),
            "・企画管理編 9.1\n・システム運用編 10.1".into(),
        ],
        vec!["11".into(), "情報提供義務".into(), text("part2-a-11")],
        vec!["参考 推奨される対応例".into()],
        vec!["1".into(), "脆弱性情報".into(), text("part2-ref-1")],
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("確認表").unwrap();
    // The title block merged over two rows and every column, as the official sheet has it
    // (no item's business: merges above the header are not refused).
    ws.merge_range(
        0,
        0,
        1,
        4,
        "医療情報システムの契約における当事者間の役割分担等に関する確認表",
        &Format::new(),
    )
    .unwrap();
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(i as u32 + 2, j as u16, v).unwrap();
            }
        }
    }
    // 項番 「2」 and 項目 「事業者管理」 merged down over ① and ② (rows 7–8 in Excel).
    ws.merge_range(6, 0, 7, 0, "2", &Format::new()).unwrap();
    ws.merge_range(6, 1, 7, 1, "事業者管理", &Format::new())
        .unwrap();
    wb.save_to_buffer().unwrap()
}

fn request(id: &str) -> Request {
    Request {
        id: id.into(),
        published: "2026-06".into(),
        ..Default::default()
    }
}

#[test]
fn the_role_sharing_sheet_keeps_parts_sections_and_numbers() {
    let mut r = Registry::embedded().unwrap();
    let file = role_sharing_sheet(&r);
    let p = plan(
        &r,
        "確認表.xlsx",
        &file,
        &request("mhlw/role-sharing@2026-06"),
    )
    .unwrap();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let c = &p.catalog;
    let numbers: Vec<&str> = c.items.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "Part1 A-1",
            "Part1 A-2①",
            "Part1 A-2②",
            "Part2 A-1",
            "Part2 A-2",
            "Part2 A-3",
            "Part2 A-11",
            "Part2 参考1"
        ]
    );
    let by = |n: &str| c.items.iter().find(|i| i.number == n).unwrap();
    // The Part heading decides who answers, for new items too.
    assert_eq!(by("Part1 A-2②").role, vec![Addressee::Institution]);
    assert_eq!(by("Part2 A-3").role, vec![Addressee::Joint]);
    assert_eq!(by("Part2 A-3").note, "項目：複数事業者間の役割分担");
    assert_eq!(by("Part2 A-3").answer, Answer::YesNo);
    // References from the sheet's own column; where the sheet has none, the earlier
    // version's carry over with unchanged wording.
    assert_eq!(
        by("Part2 A-3").references,
        vec!["企画管理編 9.1", "システム運用編 10.1"]
    );
    assert_eq!(
        by("Part2 A-1").references,
        r.catalogs["mhlw/role-sharing@2024-06"]
            .item("part2-a-1")
            .unwrap()
            .references
    );
    assert_eq!(p.mapping.references.as_deref(), Some("F"));
    // 参考: shown, not answered.
    assert_eq!(by("Part2 参考1").answer, Answer::None);
    // The circled number moved from 内容 into the number; the text is the document's.
    assert_eq!(by("Part1 A-2②").text, c.items[2].text, "the same item");
    assert!(!by("Part1 A-2①").text.starts_with('①'));
    // The matrix scope carries over from the same item of the earlier version.
    assert_eq!(by("Part2 A-2").scope, Scope::Institution);
    // Sections with their printed numbers and titles, under their Part.
    let sec = |id: &str| c.section(id).unwrap();
    let a2 = sec(&by("Part2 A-1").section);
    assert_eq!((a2.number.as_str(), a2.title.as_str()), ("A", "共通"));
    assert_eq!(sec(&a2.parent).number, "Part2");
    // What was understood, heading by heading.
    let read: Vec<(usize, &str)> = p
        .mapping
        .headings
        .iter()
        .map(|h| (h.row, h.read_as.code()))
        .collect();
    assert_eq!(
        read,
        [
            (4, "part1"),
            (5, "section"),
            (9, "part2"),
            (10, "section"),
            (15, "reference")
        ]
    );
    assert!(p
        .mapping
        .describe()
        .contains("行 9「Part２　医療機関と事業者が共同で実施する項目」→ Part2"));
    // Identity ignores printing variants: every known item is unchanged, A-3 is new.
    assert_eq!(p.diff.added, vec!["Part2 A-3"]);
    assert!(p.diff.changed.is_empty(), "{:?}", p.diff.changed);
    assert_eq!(p.diff.unchanged, 7);
    // Never complete unless the person says so.
    assert!(!c.catalog.coverage.complete);
    assert!(c.catalog.coverage.missing.contains("8 項目"));

    // Confirmed, then the same file again: unchanged for every item.
    r.catalogs.insert(c.catalog.id.clone(), c.clone());
    let again = plan(
        &r,
        "確認表.xlsx",
        &file,
        &request("mhlw/role-sharing@2026-07"),
    )
    .unwrap();
    assert_eq!(again.based_on, "mhlw/role-sharing@2026-06");
    assert!(again.diff.added.is_empty() && again.diff.removed.is_empty());
    assert!(again.diff.changed.is_empty());
    assert_eq!(again.diff.unchanged, 8);
    let x = import::version_crosswalk(c, &again.catalog);
    assert_eq!(x.relations.len(), 8);
    assert!(x.relations.iter().all(|r| r.kind == RelationKind::Equal));
}

#[test]
fn the_checklist_sheet_reads_device_classes_and_circled_numbers() {
    let r = Registry::embedded().unwrap();
    let r6 = &r.catalogs["mhlw/cyber-checklist-institution@R6"];
    let text = |n: &str| {
        r6.items
            .iter()
            .find(|i| i.number == n)
            .unwrap()
            .text
            .clone()
    };
    let csv = format!(
        "項番,チェック項目,1回目\n\
         ,1 体制構築,\n\
         ①,{},\n\
         ,２　医療情報システムの管理・運用,\n\
         ①,{}(医療情報システム全般),\n\
         ⑥,{}（サーバ、端末 PC、ネットワーク機器）,\n\
         ⑬,接続元制限を実施している。(ネットワーク機器),\n",
        text("1-(1)"),
        text("2-(1)"),
        text("2-(7)"),
    );
    let p = plan(
        &r,
        "r8.csv",
        csv.as_bytes(),
        &Request {
            complete: true,
            ..request("mhlw/cyber-checklist-institution@R8")
        },
    )
    .unwrap();
    assert!(p.problems.is_empty(), "{:?}", p.problems);
    let c = &p.catalog;
    let numbers: Vec<&str> = c.items.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, ["1-①", "2-①", "2-⑥", "2-⑬"]);
    assert_eq!(c.items[1].answer, Answer::YesNo);
    assert!(c.items[1].devices.is_empty());
    assert!(c.items[1].note.contains("医療情報システム全般"));
    assert_eq!(
        c.items[1].text,
        text("2-(1)"),
        "the suffix is not part of the text"
    );
    assert_eq!(
        c.items[3].devices,
        vec![Device::Network],
        "a new item takes its device classes from its suffix"
    );
    assert_eq!(c.items[3].answer, Answer::YesNoPerDevice);
    // Compared with the latest version (R7, numbered 1-①, 2-⑥ …) and with R6 (numbered
    // 1-(1), 2-(1) …): the same wording under the same number in another printing is
    // unchanged, not removed + added.
    assert_eq!(p.based_on, "mhlw/cyber-checklist-institution@R7");
    for n in ["1-①", "2-①", "2-⑥", "2-⑬"] {
        assert!(
            !p.diff.removed.contains(&n.to_string()),
            "{n}: {:?}",
            p.diff
        );
    }
    let d = import::diff(r6, c);
    assert!(!d.removed.contains(&"1-(1)".to_string()), "{d:?}");
    assert!(!d.removed.contains(&"2-(1)".to_string()), "{d:?}");
    assert!(!d.added.contains(&"1-①".to_string()), "{d:?}");
    assert!(d.unchanged >= 2, "{d:?}");
    assert!(
        c.catalog.coverage.complete,
        "declared complete by the person"
    );
    let s = c.section(&c.items[1].section).unwrap();
    assert_eq!(
        (s.number.as_str(), s.title.as_str()),
        ("2", "医療情報システムの管理・運用")
    );
}

#[test]
fn a_misread_sheet_is_corrected_by_the_person() {
    let r = Registry::embedded().unwrap();
    // No header names the columns as the reader knows them, and the Part heading is
    // written without the word "Part".
    let csv = "番号,見出し,本文\n\
               ,医療機関と事業者が共同で実施する項目,\n\
               X-1,共通,事業者は新しい項目を確認する。\n";
    let e = plan(
        &r,
        "x.csv",
        csv.as_bytes(),
        &request("mhlw/role-sharing@2026-09"),
    )
    .unwrap_err();
    assert_eq!(e.problem, import::Problem::NoHeader);
    let mut overrides = Overrides {
        header_row: Some(1),
        number: Some("A".into()),
        title: Some("B".into()),
        text: Some("C".into()),
        ..Default::default()
    };
    overrides.headings = Overrides::parse_headings("2=part2").unwrap();
    let p = plan(
        &r,
        "x.csv",
        csv.as_bytes(),
        &Request {
            overrides,
            ..request("mhlw/role-sharing@2026-09")
        },
    )
    .unwrap();
    assert_eq!(p.catalog.items[0].number, "Part2 X-1");
    assert_eq!(p.catalog.items[0].role, vec![Addressee::Joint]);
    assert_eq!(p.mapping.headings[0].read_as, HeadingAs::Part(2));
    // A misread Part number is no Part: 「Part 3」 is read as a section; a new role-sharing
    // item under no Part is not guessed: the person is asked, the row named.
    let odd = "項番,項目,内容\nPart 3 その他,,\n1,x,何かを確認する。\n";
    let e = plan(
        &r,
        "x.csv",
        odd.as_bytes(),
        &request("mhlw/role-sharing@2026-10"),
    )
    .unwrap_err();
    assert_eq!(
        e.problem,
        import::Problem::UnknownPart { number: "1".into() }
    );
    assert!(e.to_string().contains("行 3, 列 A"), "{e}");
    let p = plan(
        &r,
        "x.csv",
        odd.as_bytes(),
        &Request {
            overrides: Overrides {
                headings: Overrides::parse_headings("2=part2").unwrap(),
                ..Default::default()
            },
            ..request("mhlw/role-sharing@2026-10")
        },
    )
    .unwrap();
    assert_eq!(p.catalog.items[0].role, vec![Addressee::Joint]);
    // A correction that cannot be read names what was written.
    let e = Overrides::parse_headings("2=part3").unwrap_err();
    assert!(e.to_string().contains("2=part3"), "{e}");
    let e = plan(
        &r,
        "x.csv",
        csv.as_bytes(),
        &Request {
            overrides: Overrides {
                number: Some("1".into()),
                ..Default::default()
            },
            ..request("mhlw/role-sharing@2026-09")
        },
    )
    .unwrap_err();
    assert_eq!(e.place, import::Place::Columns);
}
