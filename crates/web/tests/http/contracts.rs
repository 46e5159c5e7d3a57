//! Contracts: documents, subcontractors, invitations (mailed when SMTP is configured),
//! standard answers, dashboard signals, and the upload limit.

use crate::common::*;

#[tokio::test]
async fn documents_subcontractors_invitations_standard_answers_and_dashboard_signals() {
    for app in start_each().await {
        let cb = demo_contract(&app, "B社").await;
        let b = login(&app, "tanto@b-sha.example.jp").await;
        let a = login(&app, "tanto@a-sha.example.jp").await;
        let so = login(&app, "anzen@sakura.example.jp").await;

        // Dashboard: A社's ISMS expires within 60 days; C社's subcontractor awaits approval.
        let dash = so.get(&app, "/i/1311234569").await.text().await.unwrap();
        assert!(dash.contains("60日以内に期限") && dash.contains("X データセンター株式会社"));
        assert!(dash.contains("抜け "), "gap count on the dashboard");
        let staff = login(&app, "shokuin@sakura.example.jp").await;
        let dash = staff.get(&app, "/i/1311234569").await.text().await.unwrap();
        assert!(
            !dash.contains("role-sharing-signals"),
            "staff see no contract signals"
        );

        // Documents: sniffed, kept by hash, downloads only; unknown kinds refused.
        let upload = |s: &Session, kind: &str, name: &str, bytes: Vec<u8>| {
            let form = reqwest::multipart::Form::new()
                .text("_csrf", s.csrf.clone())
                .text("kind", kind.to_string())
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
                );
            s.c.post(format!("{}/contracts/{}/documents", app.base, cb.id))
                .multipart(form)
                .send()
        };
        let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\n".to_vec();
        let r = upload(&b, "mds_sds", "B社_MDS.pdf", pdf.clone())
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert!(location(&r).contains("ok=flash-document-added"));
        let r = upload(&b, "other", "x.bin", vec![0, 1, 2, 3])
            .await
            .unwrap();
        assert!(location(&r).contains("err=error-document-type"));
        let docs = app.store.contract_documents(&cb.id).await.unwrap();
        let mds = docs
            .iter()
            .find(|d| d.kind == mamori_domain::codes::DocumentKind::MdsSds)
            .unwrap();
        assert_eq!(
            docs.len(),
            2,
            "the demo SLA and the MDS; the refused file left nothing"
        );
        assert_eq!(mds.media_type, "application/pdf");
        let r = so
            .get(&app, &format!("/contract-documents/{}", mds.id))
            .await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;"));
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
        assert_eq!(
            a.get(&app, &format!("/contract-documents/{}", mds.id))
                .await
                .status(),
            404,
            "vendor A cannot fetch B's document"
        );

        // Subcontracting: B declares, only the institution approves, once.
        let r = b
            .form(
                &app,
                &format!("/contracts/{}/subcontractors", cb.id),
                &[("name", "Y システムサービス"), ("scope", "夜間の監視")],
            )
            .await;
        assert_eq!(r.status(), 303);
        let inst = demo_institution(&app).await;
        let sub = app
            .store
            .subcontractors(&inst.id)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.name == "Y システムサービス")
            .unwrap();
        let approve = format!("/contracts/{}/subcontractors/{}/approve", cb.id, sub.id);
        assert_eq!(b.form(&app, &approve, &[]).await.status(), 403);
        assert!(location(&so.form(&app, &approve, &[]).await)
            .contains("ok=flash-subcontractor-approved"));
        assert!(location(&so.form(&app, &approve, &[]).await)
            .contains("err=error-subcontractor-approved"));

        // Invitation: a one-time link, shown to the inviter; the contact sets a password.
        let page = so
            .form(
                &app,
                "/i/1311234569/invites",
                &[
                    ("vendor_id", cb.vendor_id.as_str()),
                    ("email", "yamada@b-sha.example.jp"),
                    ("display_name", "B社 山田"),
                ],
            )
            .await
            .text()
            .await
            .unwrap();
        let start = page.find("/invite/").unwrap();
        let link = page[start..start + page[start..].find('<').unwrap()].to_string();
        let guest = client();
        let html = get_text(&app, &guest, &link).await;
        let csrf = csrf_of(&html);
        let post = |pw: &str| {
            guest
                .post(format!("{}{link}", app.base))
                .form(&[("_csrf", csrf.as_str()), ("password", pw)])
                .send()
        };
        assert_eq!(post("short").await.unwrap().status(), 422);
        let r = post("yamada-b-sha-2026!").await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(
            post("yamada-b-sha-2026!").await.unwrap().status(),
            410,
            "used once"
        );
        let r = try_login(
            &app,
            &client(),
            "yamada@b-sha.example.jp",
            "yamada-b-sha-2026!",
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);

        // Standard answers: proposed where the item is open; agreed items are left alone.
        for (item, resp) in [("part2-a-1", "vendor"), ("part2-a-2", "joint")] {
            let r = b
                .form(
                    &app,
                    "/vendor/standard-answers",
                    &[
                        ("vendor_id", cb.vendor_id.as_str()),
                        ("product", "電子カルテ X"),
                        ("item_id", item),
                        ("responsibility", resp),
                        ("agreed_content", "標準の合意内容"),
                    ],
                )
                .await;
            assert!(location(&r).contains("ok=flash-standard-saved"), "{item}");
        }
        let r = b
            .form(
                &app,
                "/vendor/standard-answers/apply",
                &[
                    ("vendor_id", cb.vendor_id.as_str()),
                    ("product", "電子カルテ X"),
                    ("contract", cb.id.as_str()),
                ],
            )
            .await;
        assert!(
            location(&r).contains("applied=1&skipped=1"),
            "{}",
            location(&r)
        );
        let row = item_row(&app, &cb.id, "part2-a-2").await.unwrap();
        assert_eq!(
            (
                row.state.as_str(),
                row.proposed_by.map(|p| p.as_str()),
                row.agreed_content.as_str()
            ),
            ("negotiating", Some("vendor"), "標準の合意内容")
        );
        let a_contract = demo_contract(&app, "A社").await;
        let r = b
            .form(
                &app,
                "/vendor/standard-answers/apply",
                &[
                    ("vendor_id", cb.vendor_id.as_str()),
                    ("product", "電子カルテ X"),
                    ("contract", a_contract.id.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status(), 404, "B cannot apply answers to A's contract");
        assert!(mamori_store::verify_audit(app.store.as_ref())
            .await
            .unwrap()
            .is_ok());
    }
}

/// A loopback SMTP sink that accepts one message and hands its text back.
async fn smtp_sink() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (r, mut w) = sock.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    w.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let upper = line.to_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250 sink\r\n"
            } else if upper.starts_with("DATA") {
                in_data = true;
                b"354 go on\r\n"
            } else if upper.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            w.write_all(reply).await.unwrap();
        }
        let _ = tx.send(data);
    });
    (port, rx)
}

/// The security officer invites B社's 佐藤 from the invitations page; the page it answers with.
async fn invite_sato_of_b(app: &App) -> String {
    let cb = demo_contract(app, "B社").await;
    let so = login(app, "anzen@sakura.example.jp").await;
    so.form(
        app,
        "/i/1311234569/invites",
        &[
            ("vendor_id", cb.vendor_id.as_str()),
            ("email", "sato@b-sha.example.jp"),
            ("display_name", "B社 佐藤"),
        ],
    )
    .await
    .text()
    .await
    .unwrap()
}

#[tokio::test]
async fn invitations_are_mailed_when_smtp_is_configured() {
    let (port, mail) = smtp_sink().await;
    let app = start_with(WebConfig {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        public_url: Some("https://mamori.example.jp".into()),
        mail_from: "mamori@sakura.example.jp".into(),
        ..WebConfig::default()
    })
    .await;
    let page = invite_sato_of_b(&app).await;
    assert!(page.contains("invite-mailed"), "sent, not shown");
    assert!(
        !page.contains("/invite/"),
        "the link is not shown when it was mailed"
    );
    let text = tokio::time::timeout(std::time::Duration::from_secs(10), mail)
        .await
        .unwrap()
        .unwrap();
    assert!(text.contains("To: sato@b-sha.example.jp"));
    // The body is base64 (UTF-8 Japanese text).
    let encoded: String = text
        .split("\n\n")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    use base64::Engine;
    let text = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert!(text.contains("さくら総合病院"));
    let at = text
        .find("https://mamori.example.jp/invite/")
        .expect("the link is in the mail");
    let path: String = text[at + "https://mamori.example.jp".len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let guest = client();
    let html = guest
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200, "the mailed link works");
    let csrf = csrf_of(&html.text().await.unwrap());
    let r = guest
        .post(format!("{}{path}", app.base))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("password", "sato-b-sha-pass-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // A relay that is down: the inviter is told, and gets the link to pass on.
    let app = start_with(WebConfig {
        smtp_url: Some("smtp://127.0.0.1:1".into()),
        public_url: Some("https://mamori.example.jp".into()),
        ..WebConfig::default()
    })
    .await;
    let page = invite_sato_of_b(&app).await;
    assert!(page.contains("メールを送れませんでした") && page.contains("/invite/"));
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_nothing_is_kept() {
    let app = start_with(WebConfig {
        max_upload_bytes: 2048,
        ..WebConfig::default()
    })
    .await;
    let cb = demo_contract(&app, "B社").await;
    let b = login(&app, "tanto@b-sha.example.jp").await;
    let before = app.store.contract_documents(&cb.id).await.unwrap().len();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(8192, b' ');
    let r = b
        .post_file(
            &app,
            &format!("/contracts/{}/documents", cb.id),
            &[("kind", "contract")],
            "big.pdf",
            pdf,
        )
        .await;
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("大きすぎ"));
    assert_eq!(
        app.store.contract_documents(&cb.id).await.unwrap().len(),
        before
    );
}
