//! Exported workbooks read back with calamine and compared field by field.

use calamine::{Data, Reader, Xlsx};
use mamori_export::*;

fn read(bytes: Vec<u8>) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn sheet() -> ChecklistSheet {
    ChecklistSheet {
        title: "医療情報システムの契約における当事者間の役割分担等に関する確認表(2024-06)".into(),
        institution: "さくら総合病院(1311234569)".into(),
        vendor: "B社".into(),
        contract: "電子カルテ導入・保守契約".into(),
        exported_on: "2026-11-22".into(),
        rows: vec![
            ChecklistRow {
                heading: "Part2 A 共通".into(),
                is_heading: true,
                ..Default::default()
            },
            ChecklistRow {
                number: "Part2 A12".into(),
                heading: "A 共通".into(),
                text: "セキュリティ対策の見直し提案".into(),
                first_check: "no".into(),
                first_checked_on: "2024-10-15".into(),
                completed_on: "2024-12-01".into(),
                remarks: "=SUM(1)".into(),
                responsibility: "事業者".into(),
                agreed_content: "年1回、見直し案を提出する。".into(),
                written_in: "保守契約書 第10条".into(),
                state: "合意済".into(),
                is_heading: false,
            },
            ChecklistRow {
                number: "Part1 A1".into(),
                heading: "A 事業者選定・事業者管理".into(),
                text: "MDS/SDS を確認しているか。".into(),
                ..Default::default()
            },
        ],
    }
}

#[test]
fn checklist_read_back_field_by_field_in_wareki_and_seireki() {
    let s = sheet();
    let rows = read(checklist_xlsx(&s, DateStyle::Wareki).unwrap());
    assert_eq!(rows[0][0], s.title);
    assert_eq!(rows[1][1], s.institution);
    assert_eq!(rows[2][1], "B社");
    assert_eq!(rows[4][1], "令和8年11月22日");
    let h = CHECKLIST_HEADER_ROW as usize;
    assert_eq!(
        rows[h][..6],
        ["項番", "項目", "内容", "初回確認", "完了日", "備考欄"]
    );
    assert_eq!(rows[h + 1][0], "Part2 A 共通", "a heading row");
    let r = &rows[h + 2];
    assert_eq!(r[0], "Part2 A12");
    assert_eq!(r[1], "A 共通");
    assert_eq!(r[2], "セキュリティ対策の見直し提案");
    assert_eq!(r[3], "いいえ(令和6年10月15日)");
    assert_eq!(r[4], "令和6年12月1日");
    assert_eq!(r[5], "=SUM(1)", "text stays text, never a formula");
    assert_eq!(
        r[6..10],
        [
            "事業者",
            "年1回、見直し案を提出する。",
            "保守契約書 第10条",
            "合意済"
        ]
    );
    let blank = &rows[h + 3];
    assert_eq!(blank[0], "Part1 A1");
    assert!(blank[3].is_empty() && blank[4].is_empty());

    let rows = read(checklist_xlsx(&s, DateStyle::Seireki).unwrap());
    assert_eq!(rows[h + 2][3], "いいえ(2024年10月15日)");
    assert_eq!(rows[h + 2][4], "2024年12月1日");
}

#[test]
fn matrix_read_back() {
    let m = MatrixSheet {
        institution: "さくら総合病院".into(),
        exported_on: "2026-11-22".into(),
        groups: vec![MatrixGroup {
            system: "レセコン".into(),
            contracts: vec!["A社".into(), "B社".into()],
            rows: vec![(
                "Part2 A11".into(),
                "医療情報システムのセキュリティに関する情報提供義務".into(),
                vec!["事業者(合意済)".into(), "事業者(合意済)".into()],
                "重複: A社・B社".into(),
            )],
        }],
    };
    let rows = read(matrix_xlsx(&m, DateStyle::Wareki).unwrap());
    let start = rows
        .iter()
        .position(|r| r[0] == "システム: レセコン")
        .unwrap();
    assert_eq!(rows[start + 1][..5], ["項番", "内容", "A社", "B社", "指摘"]);
    assert_eq!(rows[start + 2][0], "Part2 A11");
    assert_eq!(rows[start + 2][2], "事業者(合意済)");
    assert_eq!(rows[start + 2][4], "重複: A社・B社");
}

#[test]
fn checklist_workbook_has_a_worksheet_per_sheet_read_back_in_wareki() {
    let row = |n: &str, text: &str, slot: &str, c1: &str, on: &str, target: &str| -> [String; 9] {
        [n, text, slot, c1, on, target, "", "", ""].map(String::from)
    };
    let sheets = vec![
        CheckSheet {
            name: "医療機関確認用".into(),
            title: "令和6年度版 チェックリスト(医療機関確認用)".into(),
            facts: vec![
                ("医療機関".into(), "さくら総合病院".into()),
                ("年度".into(), "令和6年度".into()),
                ("記入者".into(), "安藤 恵".into()),
            ],
            rows: vec![
                row(
                    "1-(1)",
                    "医療情報システム安全管理責任者を設置している。",
                    "医療情報システム全般",
                    "はい",
                    "2024-07-01",
                    "",
                ),
                [
                    "2-(4)".into(),
                    "アクセス利用権限を設定している。".into(),
                    "サーバ".into(),
                    "いいえ".into(),
                    "2024-07-01".into(),
                    "2025-03-31".into(),
                    "はい".into(),
                    "2025-02-10".into(),
                    "".into(),
                ],
                row("", "", "端末PC", "はい", "2024-07-01", ""),
            ],
            headings: vec![
                (0, "1 体制構築".into()),
                (1, "2 医療情報システムの管理・運用".into()),
            ],
            footer: "この様式は公開資料から再現したものです。".into(),
        },
        CheckSheet {
            name: "事業者確認用 B社".into(),
            title: "事業者確認用".into(),
            facts: vec![("事業者".into(), "B社".into())],
            ..Default::default()
        },
    ];
    let bytes = checklist_workbook(&sheets, DateStyle::Wareki).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["医療機関確認用", "事業者確認用 B社"]);
    let merged: Vec<String> = wb
        .merge_cells_by_sheet_name("医療機関確認用")
        .unwrap()
        .iter()
        .map(|d| format!("{:?}-{:?}", d.start, d.end))
        .collect();
    let range = wb.worksheet_range("医療機関確認用").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    o => o.to_string(),
                })
                .collect()
        })
        .collect();
    // The title block: the title, then 医療機関, 年度 and 記入者.
    assert_eq!(rows[0][0], "令和6年度版 チェックリスト(医療機関確認用)");
    assert_eq!(rows[3][..2], ["記入者", "安藤 恵"]);
    // Two heading rows: 確認結果 1回目 over three columns, 2回目 over two.
    let h = check_header_row(&sheets[0]) as usize;
    assert_eq!(
        rows[h - 1][..4],
        ["項番", "チェック項目", "対象", "確認結果 1回目"]
    );
    assert_eq!(rows[h - 1][6], "確認結果 2回目");
    assert_eq!(
        rows[h][3..8],
        ["はい・いいえ", "確認日", "目標日", "はい・いいえ", "確認日"]
    );
    assert!(
        merged.contains(&format!("{:?}-{:?}", (h as u32 - 1, 3), (h as u32 - 1, 5))),
        "{merged:?}"
    );
    // Section headings among the rows; an item asked per device class has a row per class
    // under its 項番 and text, merged.
    assert_eq!(rows[h + 1][0], "1 体制構築");
    assert_eq!(rows[h + 2][0], "1-(1)");
    assert_eq!(rows[h + 3][0], "2 医療情報システムの管理・運用");
    assert_eq!(
        rows[h + 4][..8],
        [
            "2-(4)",
            "アクセス利用権限を設定している。",
            "サーバ",
            "いいえ",
            "令和6年7月1日",
            "令和7年3月31日",
            "はい",
            "令和7年2月10日"
        ]
    );
    assert_eq!(rows[h + 5][..3], ["", "", "端末PC"]);
    assert!(
        merged.contains(&format!("{:?}-{:?}", (h as u32 + 4, 1), (h as u32 + 5, 1))),
        "{merged:?}"
    );
    // The footer says the layout follows the best known form.
    assert_eq!(rows[h + 7][0], "この様式は公開資料から再現したものです。");
}
