//! The checklist's exports through `/api/v1`: the same files, policy and audit as the
//! pages, read back for real (the workbook's cells, the PDF's text, the bundle's entries).

use crate::common::*;

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()[name].to_str().unwrap().to_string()
}

/// The text of a PDF, through `pdftotext` (poppler-utils) when the machine has it.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    assert!(out.status.success(), "pdftotext refused the PDF");
    Some(String::from_utf8(out.stdout).unwrap())
}

#[tokio::test]
async fn checklist_exports_through_the_api_read_back_and_are_audited() {
    use calamine::{Reader, Xlsx};
    use std::io::Read;
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        let (_, token) = exec.new_token(&app, "exports").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let vendor = login(&app, "tanto@b-sha.example.jp").await;
        let base = format!("/api/v1/assessments/{}", a.id);
        let get = |path: String| {
            let token = token.clone();
            let base = app.base.clone();
            async move {
                client()
                    .get(format!("{base}{path}"))
                    .bearer_auth(token)
                    .send()
                    .await
                    .unwrap()
            }
        };

        // Refused: no role there (404), a role without the right (403), a bad date style
        // (422), anonymous (401); none of them audited.
        let heads = app.store.audit_heads().await.unwrap();
        for file in ["export.xlsx", "export.pdf", "bundle.zip"] {
            let path = format!("{base}/{file}");
            assert_eq!(vendor.get(&app, &path).await.status(), 404, "{file}");
            assert_eq!(staff.get(&app, &path).await.status(), 403, "{file}");
            let r = client()
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 401, "{file}");
        }
        let r = get(format!("{base}/export.xlsx?dates=bogus")).await;
        assert_eq!(r.status(), 422);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], "dates");
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // The workbook: the official sheet with the institution and the year in its cells.
        let r = get(format!("{base}/export.xlsx")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            header(&r, "content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(header(&r, "content-disposition").starts_with("attachment;"));
        let xlsx = r.bytes().await.unwrap().to_vec();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        assert_eq!(wb.sheet_names()[0], "医療機関確認用");
        let cells: Vec<String> = wb
            .worksheet_range("医療機関確認用")
            .unwrap()
            .cells()
            .map(|(_, _, c)| c.to_string())
            .collect();
        assert!(cells.iter().any(|c| c == "令和6年度"), "the year");
        assert!(
            cells.iter().any(|c| c.contains(&format!("({DEMO_CODE})"))),
            "the institution"
        );
        // As the page gives it.
        let page = exec
            .get(&app, &format!("/assessments/{}/export.xlsx", a.id))
            .await;
        assert_eq!(page.status(), 200);

        // The PDF: a PDF, and its text names the year (Western dates on request).
        let r = get(format!("{base}/export.pdf?dates=seireki")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "content-type"), "application/pdf");
        let pdf = r.bytes().await.unwrap().to_vec();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(text) = pdf_text(&pdf) {
            assert!(text.contains(DEMO_CODE), "{text}");
            assert!(text.contains("令和6年度"), "{text}");
            assert!(
                text.contains("公式文書の一部のみを収録"),
                "a partial version says so: {text}"
            );
        }

        // The bundle: both sheets, the evidence index, and each file as uploaded.
        let officer = login(&app, "anzen@sakura.example.jp").await;
        let evidence = b"%PDF-1.4 bundled evidence".to_vec();
        let form = reqwest::multipart::Form::new()
            .text("item_id", "3-3")
            .text("effective_on", "2024-06-01")
            .part(
                "file",
                reqwest::multipart::Part::bytes(evidence.clone()).file_name("bcp.pdf"),
            );
        let r = officer
            .c
            .post(format!("{}{base}/evidence", app.base))
            .header("x-csrf-token", &officer.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let r = get(format!("{base}/bundle.zip")).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, "content-type"), "application/zip");
        let zip = r.bytes().await.unwrap().to_vec();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: Vec<String> = zip.file_names().map(str::to_string).collect();
        for want in ["checklist.xlsx", "checklist.pdf", "evidence-index.csv"] {
            assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
        }
        let mut index = String::new();
        zip.by_name("evidence-index.csv")
            .unwrap()
            .read_to_string(&mut index)
            .unwrap();
        assert!(index.contains("項番,根拠"), "{index}");
        let line = index.lines().find(|l| l.contains("bcp.pdf")).unwrap();
        assert!(line.starts_with("\"3-(3)\""), "{line}");
        let file = names
            .iter()
            .find(|n| n.ends_with("_bcp.pdf"))
            .unwrap()
            .clone();
        let mut bytes = Vec::new();
        zip.by_name(&file).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, evidence);

        // Each export is audited as the pages' are.
        let exports: Vec<String> = app
            .store
            .audit_events(&mamori_store::AuditFilter {
                institution_id: inst.id.clone(),
                action_prefix: Some("assessment.export".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.target_id == a.id && e.actor_label == "rijicho@sakura.example.jp")
            .map(|e| e.changes)
            .collect();
        assert_eq!(exports.len(), 4, "{exports:?}");
        for what in ["checklist.xlsx", "checklist.pdf", "bundle.zip"] {
            assert!(
                exports.iter().any(|d| d.contains(what)),
                "{what}: {exports:?}"
            );
        }
    }
}

#[tokio::test]
async fn role_sharing_workbooks_through_the_api_read_back_and_are_audited() {
    use calamine::{Reader, Xlsx};
    let cells = |bytes: Vec<u8>, sheet: &str| -> Vec<String> {
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        wb.worksheet_range(sheet)
            .unwrap()
            .cells()
            .map(|(_, _, c)| c.to_string())
            .collect()
    };
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let cb = demo_contract(&app, "B社").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let so = login(&app, "anzen@sakura.example.jp").await;
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let contract = format!("/api/v1/contracts/{}/export.xlsx", cb.id);
        let matrix = format!("/api/v1/institutions/{DEMO_CODE}/matrix.xlsx");

        let heads = app.store.audit_heads().await.unwrap();
        assert_eq!(a.get(&app, &contract).await.status(), 404, "another vendor");
        assert_eq!(staff.get(&app, &contract).await.status(), 403);
        assert_eq!(b.get(&app, &matrix).await.status(), 404, "a vendor");
        assert_eq!(staff.get(&app, &matrix).await.status(), 403);
        let r = so.get(&app, &format!("{matrix}?dates=bogus")).await;
        assert_eq!(r.status(), 422);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "dates");
        assert_eq!(app.store.audit_heads().await.unwrap(), heads);

        // The contract's vendor and the institution read the same checklist.
        for who in [&b, &so] {
            let r = who.get(&app, &contract).await;
            assert_eq!(r.status(), 200);
            assert!(header(&r, "content-disposition").starts_with("attachment;"));
            assert_eq!(
                header(&r, "content-type"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            );
            let cells = cells(r.bytes().await.unwrap().to_vec(), "確認表");
            assert!(cells.iter().any(|c| c.contains("B社")), "{cells:?}");
        }
        let r = so.get(&app, &format!("{matrix}?dates=seireki")).await;
        assert_eq!(r.status(), 200);
        let cells = cells(r.bytes().await.unwrap().to_vec(), "役割分担マトリクス");
        assert!(cells.iter().any(|c| c.contains("B社")), "{cells:?}");

        let exports: Vec<(String, String)> = app
            .store
            .audit_events(&mamori_store::AuditFilter {
                institution_id: inst.id.clone(),
                action_prefix: Some("role_sharing.export".into()),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.actor_label, e.changes))
            .collect();
        assert_eq!(exports.len(), 3, "{exports:?}");
        assert!(exports
            .iter()
            .any(|(who, what)| who == "tanto@b-sha.example.jp" && what.contains("checklist.xlsx")));
        assert!(exports
            .iter()
            .any(|(who, what)| who == "anzen@sakura.example.jp" && what.contains("matrix.xlsx")));
    }
}
