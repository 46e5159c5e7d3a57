//! Evidence files and links, and the inspector's view through a link.

use crate::common::*;

#[tokio::test]
async fn inspector_link_shows_only_the_sheets_is_audited_and_stops_when_revoked() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let page = so
            .form(
                &app,
                &format!("/assessments/{}/inspector-links", a.id),
                &[("label", "東京都 立入検査"), ("days", "7")],
            )
            .await
            .text()
            .await
            .unwrap();
        let at = page.find("/inspect/").expect("the link is shown once");
        let path: String = page[at..].chars().take_while(|c| *c != '<').collect();
        let inspector = client();
        let r = inspector
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("さくら総合病院") && html.contains("令和6年度"));
        assert!(
            html.contains("事業者確認用"),
            "B社's submitted vendor sheet"
        );
        assert!(
            html.contains("A社") && html.contains("C社"),
            "outstanding vendor sheets named"
        );
        assert!(
            !html.contains("/i/1311234569"),
            "no way into the rest of the institution"
        );
        for other in [
            "/i/1311234569",
            "/vendor",
            &format!("/assessments/{}", a.id),
        ] {
            let r = inspector
                .get(format!("{}{other}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "{other}: the link opens nothing else");
        }
        let events = app
            .store
            .audit_events(&mamori_store::AuditFilter {
                institution_id: inst.id.clone(),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(events.iter().any(|e| e.action == "inspector.access"));
        let link = app.store.inspector_links(&a.id).await.unwrap()[0].clone();
        let r = so
            .form(
                &app,
                &format!("/assessments/{}/inspector-links/{}/revoke", a.id, link.id),
                &[],
            )
            .await;
        assert!(location(&r).contains("ok=flash-inspector-revoked"));
        let r = inspector
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 410, "revoked");
        // An expired link is refused the same way.
        app.store
            .create_inspector_link(
                &Actor::system("test"),
                &mamori_store::InspectorLink {
                    id: "expired".into(),
                    institution_id: inst.id.clone(),
                    assessment_id: a.id.clone(),
                    label: "期限切れ".into(),
                    expires_at: mamori_store::now_ms() - 1,
                    revoked_at: None,
                    created_by: None,
                    created_at: 0,
                    recipient: String::new(),
                    last_access_at: None,
                },
                &hex_sha256("expired-token"),
                &[],
            )
            .await
            .unwrap();
        let r = inspector
            .get(format!("{}/inspect/expired-token", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 410);
        let vendor = login(&app, "tanto@b-sha.example.jp").await;
        let r = vendor
            .form(
                &app,
                &format!("/assessments/{}/inspector-links", a.id),
                &[("label", "x"), ("days", "7")],
            )
            .await;
        assert_eq!(r.status(), 404, "a vendor issues no inspection link");
    }
}

fn hex_sha256(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn evidence_files_and_links_suggestions_staleness_and_the_inspector_view() {
    for app in start_each().await {
        let inst = demo_institution(&app).await;
        let a = app.store.assessments(&inst.id).await.unwrap()[0].clone();
        let so = login(&app, "anzen@sakura.example.jp").await;
        let path = format!("/assessments/{}", a.id);
        let html = so.get(&app, &path).await.text().await.unwrap();
        assert!(
            html.contains("が任命されています"),
            "1-(1) suggested from the officer role"
        );
        assert!(
            html.contains("MDS/SDS が登録されていない契約があります"),
            "2-(3) from the documents"
        );
        let add = |fields: Vec<(&'static str, String)>, file: Option<(&'static str, Vec<u8>)>| {
            let mut form = reqwest::multipart::Form::new().text("_csrf", so.csrf.clone());
            for (k, v) in fields {
                form = form.text(k, v);
            }
            if let Some((name, bytes)) = file {
                form = form.part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(name),
                );
            }
            so.c.post(format!("{}{path}/evidence", app.base))
                .multipart(form)
                .send()
        };
        let officer = user_id(&app, "anzen@sakura.example.jp").await;
        let r = add(
            vec![
                ("item_id", "1-1".into()),
                ("target", format!("officer:{officer}")),
                ("effective_on", "2024-04-01".into()),
            ],
            None,
        )
        .await
        .unwrap();
        assert!(location(&r).contains("ok=flash-evidence-added"));
        let r = add(
            vec![
                ("item_id", "3-3".into()),
                ("target", String::new()),
                ("effective_on", "2023-01-10".into()),
            ],
            Some(("BCP.pdf", b"%PDF-1.4 BCP".to_vec())),
        )
        .await
        .unwrap();
        assert!(location(&r).contains("ok=flash-evidence-added"));
        let r = add(
            vec![
                ("item_id", "1-1".into()),
                ("target", "officer:someone-else".into()),
                ("effective_on", "2024-04-01".into()),
            ],
            None,
        )
        .await
        .unwrap();
        assert!(
            location(&r).contains("err=error-evidence-target"),
            "only the institution's records"
        );
        let ev = app.store.evidence(&a.id).await.unwrap();
        assert_eq!(ev.len(), 2);
        let html = so.get(&app, &path).await.text().await.unwrap();
        assert!(
            html.contains("BCP.pdf") && html.contains("1年以上前"),
            "stale evidence marked"
        );
        let file = ev
            .iter()
            .find(|e| e.kind == mamori_domain::codes::EvidenceKind::File)
            .unwrap();
        // A multipart upload without the session's CSRF token (none, or a forged one) is refused
        // and adds nothing, audits nothing.
        let chain_before = app
            .store
            .audit_chain(&inst.id, 0, 100_000)
            .await
            .unwrap()
            .len();
        for csrf in [None, Some("forged-token")] {
            let mut form = reqwest::multipart::Form::new();
            if let Some(t) = csrf {
                form = form.text("_csrf", t);
            }
            let form = form
                .text("item_id", "3-3")
                .text("target", "")
                .text("effective_on", "2024-01-10")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(b"%PDF-1.4 forged".to_vec()).file_name("x.pdf"),
                );
            let r =
                so.c.post(format!("{}{path}/evidence", app.base))
                    .multipart(form)
                    .send()
                    .await
                    .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "CSRF {csrf:?}");
        }
        assert_eq!(app.store.evidence(&a.id).await.unwrap().len(), 2);
        assert_eq!(
            app.store
                .audit_chain(&inst.id, 0, 100_000)
                .await
                .unwrap()
                .len(),
            chain_before
        );
        let r = so.get(&app, &format!("{path}/evidence/{}", file.id)).await;
        assert_eq!(r.status(), 200);
        assert_attachment(&r, "application/pdf");
        assert_eq!(r.bytes().await.unwrap().to_vec(), b"%PDF-1.4 BCP".to_vec());
        // The inspector sees the evidence and can fetch the file through the link.
        let page = so
            .form(
                &app,
                &format!("{path}/inspector-links"),
                &[("label", "検査"), ("days", "3")],
            )
            .await
            .text()
            .await
            .unwrap();
        let at = page.find("/inspect/").unwrap();
        let link: String = page[at..].chars().take_while(|c| *c != '<').collect();
        let inspector = client();
        let html = get_text(&app, &inspector, &link).await;
        assert!(html.contains("BCP.pdf"));
        let r = inspector
            .get(format!("{}{link}/evidence/{}", app.base, file.id))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_attachment(&r, "application/pdf");
        assert_eq!(r.bytes().await.unwrap().to_vec(), b"%PDF-1.4 BCP".to_vec());
        // The whole bundle: sheets as xlsx and PDF, the evidence index and the files.
        for bundle in [
            so.get(&app, &format!("{path}/bundle.zip")).await,
            inspector
                .get(format!("{}{link}/bundle.zip", app.base))
                .send()
                .await
                .unwrap(),
        ] {
            assert_eq!(bundle.status(), 200);
            let bytes = bundle.bytes().await.unwrap().to_vec();
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let names: Vec<String> = (0..z.len())
                .map(|i| z.by_index(i).unwrap().name().to_string())
                .collect();
            assert!(names.contains(&"checklist.xlsx".to_string()), "{names:?}");
            assert!(names.contains(&"checklist.pdf".to_string()));
            assert!(names
                .iter()
                .any(|n| n.starts_with("evidence/") && n.ends_with("BCP.pdf")));
            let mut index = String::new();
            std::io::Read::read_to_string(
                &mut z.by_name("evidence-index.csv").unwrap(),
                &mut index,
            )
            .unwrap();
            assert!(
                index.contains("3-(3)") && index.contains("はい"),
                "stale marked in the index"
            );
        }
        // The inspector's downloads (the file and the bundle) are audit events of the institution.
        let inspections: Vec<String> = app
            .store
            .audit_chain(&inst.id, 0, 100_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "inspector.access")
            .map(|e| e.changes)
            .collect();
        assert!(
            inspections.iter().any(|c| c.contains(&file.id)),
            "the evidence download is audited: {inspections:?}"
        );
        assert!(
            inspections.iter().any(|c| c.contains("bundle.zip")),
            "the bundle download is audited: {inspections:?}"
        );

        // The file was attached by mistake: withdrawn (取り下げ) with a reason. A reason is
        // required, the executive (who does not answer) cannot, and afterwards the file is gone
        // from the sheet, the inspector's view, its download and the bundle; the audit keeps it.
        let withdraw = format!("{path}/evidence/{}/withdraw", file.id);
        assert!(html_has_withdraw(
            &so.get(&app, &path).await.text().await.unwrap()
        ));
        let r = so.form(&app, &withdraw, &[("reason", " ")]).await;
        assert!(location(&r).contains("err=error-ev-withdraw-reason"));
        let exec = login(&app, "rijicho@sakura.example.jp").await;
        assert_eq!(
            exec.form(&app, &withdraw, &[("reason", "x")])
                .await
                .status(),
            403
        );
        assert_eq!(
            app.store.evidence(&a.id).await.unwrap().len(),
            2,
            "nothing changed"
        );
        let r = so
            .form(&app, &withdraw, &[("reason", "前年度の BCP を誤って添付")])
            .await;
        assert!(
            location(&r).contains("ok=flash-evidence-withdrawn"),
            "{}",
            location(&r)
        );
        assert_eq!(app.store.evidence(&a.id).await.unwrap().len(), 1);
        assert!(!so
            .get(&app, &path)
            .await
            .text()
            .await
            .unwrap()
            .contains("BCP.pdf"));
        assert_eq!(
            so.get(&app, &format!("{path}/evidence/{}", file.id))
                .await
                .status(),
            404
        );
        let html = get_text(&app, &inspector, &link).await;
        assert!(!html.contains("BCP.pdf"));
        let r = inspector
            .get(format!("{}{link}/evidence/{}", app.base, file.id))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404);
        let bytes = so
            .get(&app, &format!("{path}/bundle.zip"))
            .await
            .bytes()
            .await
            .unwrap()
            .to_vec();
        let z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(!z.file_names().any(|n| n.ends_with("BCP.pdf")));
        assert_eq!(
            so.form(&app, &withdraw, &[("reason", "again")])
                .await
                .status(),
            404,
            "withdrawn once"
        );
        let audit = so
            .get(&app, "/i/1311234569/audit.csv")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            audit.contains("assessment.evidence.withdraw")
                && audit.contains("前年度の BCP を誤って添付")
        );
    }
}

/// The answer is a download (`Content-Disposition: attachment`) of `media`, never shown inline.
fn assert_attachment(r: &reqwest::Response, media: &str) {
    let cd = r.headers()["content-disposition"].to_str().unwrap();
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert_eq!(r.headers()[CONTENT_TYPE], media);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

fn html_has_withdraw(html: &str) -> bool {
    html.contains("data-testid=\"ev-withdraw\"")
}
