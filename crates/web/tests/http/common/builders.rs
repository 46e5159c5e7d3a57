//! Data a test needs: the demo's records looked up by name, and records a test creates.

use super::*;

pub async fn demo_contract(app: &App, vendor: &str) -> mamori_store::Contract {
    let inst = demo_institution(app).await;
    app.store
        .contracts(&inst.id)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.vendor_name == vendor)
        .unwrap()
}

pub async fn item_row(
    app: &App,
    contract: &str,
    item: &str,
) -> Option<mamori_store::RoleSharingItem> {
    app.store
        .role_sharing_items(contract)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.item_id == item)
}

/// A new user with the demo's password (so `login` works), created for the test: its id.
pub async fn new_user(app: &App, email: &str) -> String {
    let hash = app
        .store
        .user_auth_by_email("anzen@sakura.example.jp")
        .await
        .unwrap()
        .unwrap()
        .password_hash;
    app.store
        .create_user(
            &Actor::system("test"),
            mamori_store::NewUser {
                email: email.into(),
                display_name: email.into(),
                password_hash: hash,
                platform_admin: false,
                locale: "ja".into(),
            },
        )
        .await
        .unwrap()
        .id
}

/// A new clinic, created for the test (the prefecture is read from the code).
pub async fn new_institution(app: &App, code: &str, name: &str) -> mamori_domain::Institution {
    app.store
        .create_institution(
            &Actor::system("test"),
            mamori_store::NewInstitution {
                code: code.into(),
                name: name.into(),
                kind: mamori_domain::InstitutionKind::Clinic,
                prefecture: code[..2].into(),
                beds: 0,
                mfa_required: false,
            },
        )
        .await
        .unwrap()
}

/// The security officer of a new clinic `code`, signed in: someone with every right in
/// another institution and none here.
pub async fn officer_elsewhere(app: &App, code: &str, email: &str) -> (Session, String) {
    let elsewhere = new_institution(app, code, "よその医院").await;
    let officer = new_user(app, email).await;
    app.store
        .grant_role(
            &Actor::system("test"),
            &elsewhere.id,
            &officer,
            Role::SecurityOfficer,
            None,
        )
        .await
        .unwrap();
    (login(app, email).await, elsewhere.code)
}

/// The id of the vendor named `name`.
pub async fn vendor_id(app: &App, name: &str) -> String {
    app.store
        .list_vendors()
        .await
        .unwrap()
        .into_iter()
        .find(|v| v.name == name)
        .unwrap()
        .id
}

/// The user with `email`.
pub async fn user_by_email(app: &App, email: &str) -> mamori_domain::User {
    app.store
        .user_auth_by_email(email)
        .await
        .unwrap()
        .unwrap()
        .user
}

/// The id of the user with `email`.
pub async fn user_id(app: &App, email: &str) -> String {
    user_by_email(app, email).await.id
}

/// Someone `officer` invited for `vendor` who accepted (set the demo's password): a
/// membership request pending the vendor's confirmation. Its user id.
pub async fn pending_vendor_member(
    app: &App,
    officer: &Session,
    vendor: &str,
    email: &str,
) -> String {
    let r = officer
        .form(
            app,
            &format!("/i/{DEMO_CODE}/invites"),
            &[
                ("vendor_id", vendor),
                ("email", email),
                ("display_name", "招待中"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{email}");
    let html = r.text().await.unwrap();
    let marker = "data-testid=\"invite-link\">";
    let start = html.find(marker).expect("the page shows the link") + marker.len();
    let link = &html[start..start + html[start..].find('<').unwrap()];
    let r = accept_invite(app, link).await;
    assert_eq!(location(&r), "/login?ok=flash-invite-pending", "{email}");
    user_id(app, email).await
}

/// A catalog CSV for a next version: `keep` as it stands, `reword` reworded, one item
/// added (9-(9)); the rest of the current version's items are removed.
pub fn next_version_csv(keep: &mamori_catalog::Item, reword: &mamori_catalog::Item) -> String {
    format!(
        "項番,チェック項目\n{},{}\n{},{}\n9-(9),{}\n",
        keep.number,
        csv_cell(&keep.text),
        reword.number,
        csv_cell("改訂された文言で確認する。"),
        csv_cell("量子耐性暗号への移行計画を策定している。")
    )
}

/// A FY2025 checklist of the demo hospital, started for the test (no vendor sheets yet).
pub async fn new_assessment(app: &App) -> mamori_store::Assessment {
    let inst = demo_institution(app).await;
    app.store
        .create_assessment(
            &Actor::system("test"),
            &mamori_store::Assessment::draft(&inst.id, 2025, "mhlw/cyber-checklist-institution@R6"),
            &[],
        )
        .await
        .unwrap()
}

/// The demo institution (さくら総合病院, [`DEMO_CODE`]).
pub async fn demo_institution(app: &App) -> mamori_domain::Institution {
    app.store
        .institution_by_code(DEMO_CODE)
        .await
        .unwrap()
        .unwrap()
}

/// `s` sends the demo institution's settings form with `fields`.
pub async fn post_demo_settings(
    s: &Session,
    app: &App,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    s.form(app, &format!("/i/{DEMO_CODE}/settings"), fields)
        .await
}

/// The slots of an item: the item as a whole, or one per device class.
pub fn slots_of(item: &mamori_catalog::Item) -> Vec<mamori_domain::assessment::Slot> {
    if item.devices.is_empty() {
        vec![mamori_domain::assessment::Slot::All]
    } else {
        item.devices
            .iter()
            .map(|d| mamori_app::assessments::slot_of(*d))
            .collect()
    }
}

/// Answer every slot of `a`'s sheet はい (this fiscal year's date), straight in the store:
/// a sheet ready for approval.
pub async fn complete_sheet(app: &App, a: &mamori_store::Assessment) {
    use mamori_domain::assessment::YesNo;
    let registry = mamori_catalog::Registry::embedded().unwrap();
    let cat = &registry.catalogs[&a.catalog_id];
    for item in &cat.items {
        for slot in slots_of(item) {
            app.store
                .save_assessment_answer(
                    &Actor::system("test"),
                    &mamori_store::AssessmentAnswer {
                        institution_id: a.institution_id.clone(),
                        assessment_id: a.id.clone(),
                        item_id: item.id.clone(),
                        slot,
                        check1: Some(YesNo::Yes),
                        check1_on: Some(format!("{}-06-02", a.fiscal_year)),
                        ..Default::default()
                    },
                    0,
                )
                .await
                .unwrap();
        }
    }
}

/// The mail waiting in the outbox for `to`: (kind, link).
pub async fn outbox_for(app: &App, to: &str) -> Vec<(String, String)> {
    app.store
        .due_mail(i64::MAX, 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_address == to)
        .map(|m| (m.kind.as_str().to_string(), m.link))
        .collect()
}
