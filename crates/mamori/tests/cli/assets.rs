//! `mamori assets import|export`: a CP932 ledger through the dry run (nothing written
//! without --yes, nothing with an error), then imported; the ledger exported as xlsx and
//! as PDF (its text read back with pdftotext when it is installed).

use super::*;

const CP932: &[u8] = include_bytes!("../../../web/tests/fixtures/ledger_cp932.csv");

#[tokio::test]
async fn assets_import_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    {
        let _s = serve(&["--demo", "--data-dir", data]).await;
    }
    let file = dir.path().join("台帳.csv");
    std::fs::write(&file, CP932).unwrap();
    let f = file.to_str().unwrap();
    let import = |extra: &[&str]| {
        let mut a = vec![
            "assets",
            "import",
            f,
            "--institution",
            "1311234569",
            "--data-dir",
            data,
        ];
        a.extend_from_slice(extra);
        run(&a)
    };
    let dry = import(&[]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    assert!(text(&dry).contains("追加 3 台"), "{}", text(&dry));
    assert!(text(&dry).contains("台帳は変わっていません"));
    let done = import(&["--yes"]);
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    assert!(text(&done).contains("台帳に取り込みました"));
    // Again: every row matches and nothing changes.
    let again = import(&["--yes"]);
    assert!(text(&again).contains("変更なし 3 台"), "{}", text(&again));

    // A file with an error: named by cell, nothing written, exit 1.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "機器名,種類,IPアドレス\nPC9,端末,10.0.0.300\n").unwrap();
    let o = run(&[
        "assets",
        "import",
        bad.to_str().unwrap(),
        "--institution",
        "1311234569",
        "--yes",
        "--data-dir",
        data,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("C2: IPアドレスの形式が正しくありません"),
        "{}",
        text(&o)
    );
    let unknown = run(&[
        "assets",
        "import",
        f,
        "--institution",
        "1399999999",
        "--data-dir",
        data,
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).contains("医療機関はありません"));

    // Export: xlsx and PDF by the extension; another extension is refused.
    for name in ["ledger.xlsx", "ledger.pdf"] {
        let out = dir.path().join(name);
        let o = run(&[
            "assets",
            "export",
            "--institution",
            "1311234569",
            "--out",
            out.to_str().unwrap(),
            "--data-dir",
            data,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(std::fs::metadata(&out).unwrap().len() > 1000);
    }
    let pdf = dir.path().join("ledger.pdf");
    if let Ok(o) = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
    {
        let t = String::from_utf8_lossy(&o.stdout);
        assert!(
            t.contains("機器台帳") && t.contains("電子カルテサーバ①"),
            "{t}"
        );
    }
    let o = run(&[
        "assets",
        "export",
        "--institution",
        "1311234569",
        "--out",
        dir.path().join("ledger.csv").to_str().unwrap(),
        "--data-dir",
        data,
    ]);
    assert_eq!(o.status.code(), Some(2));
}
