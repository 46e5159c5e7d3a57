//! Exports read back as what was stored: role sharing and the checklist.

use crate::common::*;
use mamori_domain::assessment::YesNo;

#[tokio::test]
async fn role_sharing_exports_are_downloads_that_read_back_as_stored() {
    use calamine::{Reader, Xlsx};
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let r = b
            .get(&app, &format!("/contracts/{}/export.xlsx", cb.id))
            .await;
        assert_eq!(r.status(), 200);
        let cd = r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''"),
            "{cd}"
        );
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let rows = sheet_rows(&mut wb, "確認表");
        assert_eq!(rows[2][1], "B社");
        let stored = app.store.role_sharing_items(&cb.id).await.unwrap();
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let cat = &registry.catalogs[&cb.catalog_id];
        let partial = format!("公式文書の一部のみを収録 ({} 項目)", cat.items.len());
        assert!(rows[0][0].ends_with(&partial), "{}", rows[0][0]);
        let mut compared = 0;
        for s in &stored {
            let number = &cat.item(&s.item_id).unwrap().number;
            let row = rows
                .iter()
                .find(|r| r[0] == *number)
                .expect("every answered item is exported");
            let check = match s.first_check.map(|c| c.as_str()) {
                Some("yes") => "はい",
                Some("no") => "いいえ",
                _ => "",
            };
            let date = s
                .first_checked_on
                .as_deref()
                .map(|d| mamori_domain::wareki::wareki(d).unwrap())
                .unwrap_or_default();
            let first = match (check.is_empty(), date.is_empty()) {
                (true, true) => String::new(),
                (false, true) => check.to_string(),
                (true, false) => date,
                (false, false) => format!("{check}({date})"),
            };
            assert_eq!(row[3], first, "{number} 初回確認");
            assert_eq!(
                row[4],
                s.completed_on
                    .as_deref()
                    .map(|d| mamori_domain::wareki::wareki(d).unwrap())
                    .unwrap_or_default(),
                "{number} 完了日"
            );
            assert_eq!(row[5], s.remarks, "{number} 備考欄");
            assert_eq!(row[7], s.agreed_content, "{number} 合意内容");
            assert_eq!(row[8], s.written_in, "{number} 記載箇所");
            compared += 1;
        }
        assert!(compared >= 5);
        let print = b
            .get(&app, &format!("/contracts/{}/print?dates=seireki", cb.id))
            .await;
        assert_eq!(print.status(), 200);
        assert!(print.text().await.unwrap().contains("2024年10月15日"));
        let so = login(&app, "anzen@sakura.example.jp").await;
        let m = so.get(&app, "/i/1311234569/matrix.xlsx").await;
        assert_eq!(m.status(), 200);
        assert_eq!(
            m.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            so.get(&app, "/i/1311234569/matrix.xlsx?dates=xx")
                .await
                .status(),
            422
        );
    }
}

#[tokio::test]
async fn checklist_export_reads_back_as_answered() {
    use calamine::{Reader, Xlsx};
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let r = so
            .get(&app, &format!("/assessments/{}/export.xlsx", a.id))
            .await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec!["医療機関確認用", "事業者確認用 B社"]);
        let rows = sheet_rows(&mut wb, "医療機関確認用");
        assert!(
            rows.iter()
                .any(|r| r[0] == "収録範囲" && r[1].starts_with("公式文書の一部のみを収録")),
            "a partial version says so"
        );
        // The official form's title block, section headings and footer.
        assert!(
            rows.iter().any(|r| r[0] == "記入者" && !r[1].is_empty()),
            "who filled it in"
        );
        assert!(
            rows.iter().any(|r| r[0] == "1 体制構築"),
            "section headings"
        );
        assert!(
            rows.iter()
                .any(|r| r[0].starts_with("この様式は、公開資料から")),
            "the footer says the layout is not verified against the official file"
        );
        let answers = app.store.assessment_answers(&a.id).await.unwrap();
        let registry = mamori_catalog::Registry::embedded().unwrap();
        let cat = &registry.catalogs[&a.catalog_id];
        let slot_label = |s: &str| match s {
            "all" => "医療情報システム全般",
            "server" => "サーバ",
            "terminal" => "端末PC",
            _ => "ネットワーク機器",
        };
        // Each answer's row: find the item's first row, then its slot below it.
        for x in &answers {
            let number = &cat.item(&x.item_id).unwrap().number;
            let start = rows.iter().position(|r| r[0] == *number).unwrap();
            let row = rows[start..]
                .iter()
                .find(|r| r[2] == slot_label(x.slot.as_str()))
                .unwrap();
            let check = match x.check1 {
                Some(YesNo::Yes) => "はい",
                Some(YesNo::No) => "いいえ",
                None => "",
            };
            assert_eq!(row[3], check, "{number} {}", x.slot);
            assert_eq!(
                row[4],
                mamori_domain::wareki::wareki(x.check1_on.as_deref().unwrap()).unwrap()
            );
            assert_eq!(
                row[5],
                x.target_on
                    .as_deref()
                    .map(|t| mamori_domain::wareki::wareki(t).unwrap())
                    .unwrap_or_default(),
                "{number} 目標日"
            );
        }
        assert!(answers.len() >= 9);
    }
}

/// The cells of the workbook's sheet `name` as text, row by row (an empty cell as "").
fn sheet_rows<R: std::io::Read + std::io::Seek>(
    wb: &mut calamine::Xlsx<R>,
    name: &str,
) -> Vec<Vec<String>> {
    use calamine::{Data, Reader};
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    o => o.to_string(),
                })
                .collect()
        })
        .collect()
}
