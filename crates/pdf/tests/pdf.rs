//! The PDF is produced and its text extracted with pdftotext (poppler-utils) to check the
//! Japanese content and the 和暦 dates.

use mamori_export::{CheckSheet, DateStyle};

fn sheet(rows: usize) -> CheckSheet {
    CheckSheet {
        name: "医療機関確認用".into(),
        title:
            "令和6年度版 医療機関におけるサイバーセキュリティ対策チェックリスト（医療機関確認用）"
                .into(),
        facts: vec![
            ("医療機関".into(), "さくら総合病院(1311234569)".into()),
            ("年度".into(), "令和6年度".into()),
        ],
        rows: (0..rows)
            .map(|n| {
                [
                    format!("2-({n})"),
                    "利用者の職種・担当業務別の情報区分毎のアクセス利用権限を設定している。".into(),
                    "端末PC".into(),
                    "いいえ".into(),
                    "2024-07-01".into(),
                    "2025-03-31".into(),
                    "はい".into(),
                    "2025-02-10".into(),
                    "機器更新時に対応".into(),
                ]
            })
            .collect(),
        headings: vec![(0, "2 医療情報システムの管理・運用".into())],
        footer: "この様式は、公開資料から再現したものです。".into(),
    }
}

fn text_of(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("mamori-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Tests run in parallel threads of one process: each call writes its own file.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = dir.join(format!("sheet-{n}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (apt-get install poppler-utils)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pdf_has_the_japanese_text_and_wareki_dates() {
    let pdf = mamori_pdf::checklist_pdf(&[sheet(3)], DateStyle::Wareki).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for needle in [
        "サイバーセキュリティ対策チェックリスト",
        "さくら総合病院",
        "アクセス利用権限",
        "令和6年7月1日",
        "令和7年3月31日",
        "端末PC",
        "項番",
        "確認結果 1回目",
        "確認結果 2回目",
        "2 医療情報システムの管理・運用",
        "この様式は、公開資料から再現したものです。",
    ] {
        assert!(text.contains(needle), "{needle} in:\n{text}");
    }
}

#[test]
fn long_sheets_continue_on_further_pages_with_the_headings() {
    let pdf = mamori_pdf::checklist_pdf(&[sheet(80)], DateStyle::Seireki).unwrap();
    let text = text_of(&pdf);
    assert!(text.matches('\u{c}').count() >= 2, "several pages");
    assert!(
        text.matches("チェック項目").count() >= 2,
        "headings on every page"
    );
    assert!(text.contains("2-(79)") && text.contains("2024年7月1日"));
}

#[path = "pdf/drawing.rs"]
mod drawing;
