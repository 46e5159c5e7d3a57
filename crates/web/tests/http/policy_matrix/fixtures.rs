//! What the matrix stages for each caller: evidence, catalog and ledger imports,
//! inspector links, certifications.

use crate::common::*;

/// A file added to the checklist's item 3-(3) by `s`: its id.
pub(super) async fn add_evidence(app: &App, s: &Session, assessment: &str) -> String {
    let before = app.store.evidence(assessment).await.unwrap();
    let r = s
        .post_file(
            app,
            &format!("/assessments/{assessment}/evidence"),
            &[
                ("item_id", "3-3"),
                ("target", ""),
                ("effective_on", "2024-06-01"),
            ],
            "m.pdf",
            b"%PDF-1.4 matrix".to_vec(),
        )
        .await;
    assert_eq!(r.status(), 303);
    app.store
        .evidence(assessment)
        .await
        .unwrap()
        .into_iter()
        .find(|e| !before.iter().any(|b| b.id == e.id))
        .unwrap()
        .id
}

/// A catalog version uploaded by the administrator `s`, staged for confirmation: its id.
pub(super) async fn stage_import(app: &App, s: &Session, document: &str, version: &str) -> String {
    let r = upload(
        s,
        app,
        &[
            ("document", document),
            ("version", version),
            ("title", "マトリクス用"),
            ("published", "2099-01"),
        ],
        "m.csv",
        "項番,チェック項目\n1-(1),確認する。\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r.status(), 303, "{document}@{version}");
    location(&r)
        .trim_start_matches("/catalog-imports/")
        .to_string()
}

/// An inspector link issued by `s`: its id and its token (shown once, on the page).
pub(super) async fn add_inspector_link(
    app: &App,
    s: &Session,
    assessment: &str,
) -> (String, String) {
    let before = app.store.inspector_links(assessment).await.unwrap();
    let r = s
        .form(
            app,
            &format!("/assessments/{assessment}/inspector-links"),
            &[("label", "matrix"), ("days", "7")],
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    let at = page.find("/inspect/").expect("the link is shown once") + "/inspect/".len();
    let token: String = page[at..].chars().take_while(|c| *c != '<').collect();
    let id = app
        .store
        .inspector_links(assessment)
        .await
        .unwrap()
        .into_iter()
        .find(|l| !before.iter().any(|b| b.id == l.id))
        .unwrap()
        .id;
    (id, token)
}

/// A certification the caller adds to its own vendor (`"unknown"` for a caller with none).
pub(super) async fn own_certification(
    app: &App,
    session: &Session,
    vendor: &str,
    name: &str,
) -> String {
    if vendor == "x" {
        return "unknown".to_string();
    }
    let r = session
        .form(
            app,
            "/vendor/certifications",
            &[("vendor_id", vendor), ("kind", "other"), ("name", name)],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.store
        .certifications(&[vendor.to_string()])
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .id
}

/// A ledger import of the institution `inst_id`, staged (pending) with a readable file.
pub(super) async fn stage_ledger_import(app: &App, inst_id: &str, n: usize) -> String {
    app.store
        .stage_asset_import(
            &Actor::system("test"),
            &mamori_store::AssetImport {
                id: String::new(),
                institution_id: inst_id.to_string(),
                file_name: format!("matrix-{n}.csv"),
                file_sha256: String::new(),
                content: "機器名,種類\nmatrix pc,端末\n".as_bytes().to_vec(),
                choices: "[]".into(),
                status: mamori_domain::codes::ImportStatus::Pending,
                result: "{}".into(),
                created_by: None,
                created_label: String::new(),
                created_at: 0,
                decided_at: None,
            },
        )
        .await
        .unwrap()
        .id
}
