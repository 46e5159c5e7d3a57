//! Demo data: さくら総合病院 with a user for every role and three vendors, loaded by
//! `mamori serve --demo` into an empty database.

use crate::credentials::hash_password;
use mamori_domain::assessment::{self as asm, Slot, YesNo};
use mamori_domain::codes::{CertKind, ContractKind, DocumentKind, Hosting, SystemCategory};
use mamori_domain::role_sharing::{Check, ItemState, Party, Responsibility, StepKind};
use mamori_domain::vendor_members::{MembershipStatus, VendorRole};
use mamori_domain::{InstitutionKind, Role};
use mamori_store::{now_ms, Actor, NewInstitution, NewUser, Store};

/// The password of every demo account (printed at start-up; never use it for real data).
pub const DEMO_PASSWORD: &str = "sakura-demo-2026";
pub const DEMO_CODE: &str = "1311234569";

pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Option<Role>,
    pub vendor: Option<&'static str>,
    pub platform_admin: bool,
}

pub const DEMO_USERS: [DemoUser; 11] = [
    DemoUser {
        email: "admin@mamori.example",
        name: "プラットフォーム管理者",
        role: None,
        vendor: None,
        platform_admin: true,
    },
    DemoUser {
        email: "rijicho@sakura.example.jp",
        name: "桜井 一郎(理事長)",
        role: Some(Role::Executive),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "anzen@sakura.example.jp",
        name: "安藤 恵(医療情報システム安全管理責任者)",
        role: Some(Role::SecurityOfficer),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "kikaku@sakura.example.jp",
        name: "菊地 誠(企画管理者)",
        role: Some(Role::PlanningManager),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "unyo@sakura.example.jp",
        name: "宇野 翔(システム運用担当者)",
        role: Some(Role::SystemOperator),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "shokuin@sakura.example.jp",
        name: "佐藤 花子(職員)",
        role: Some(Role::Staff),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "kensa@pref.tokyo.example.jp",
        name: "東 京子(立入検査担当)",
        role: Some(Role::Inspector),
        vendor: None,
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@a-sha.example.jp",
        name: "A社 担当者",
        role: None,
        vendor: Some("A社"),
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@b-sha.example.jp",
        name: "B社 担当者",
        role: None,
        vendor: Some("B社"),
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@c-sha.example.jp",
        name: "C社 担当者",
        role: None,
        vendor: Some("C社"),
        platform_admin: false,
    },
    DemoUser {
        email: "tanto@d-sha.example.jp",
        name: "D社 担当者",
        role: None,
        vendor: Some("D社"),
        platform_admin: false,
    },
];

/// The demo vendors and what each provides to the demo hospital.
pub const DEMO_VENDORS: [(&str, &str); 4] = [
    ("A社", "レセコン"),
    ("B社", "電子カルテ"),
    ("C社", "PACS クラウド"),
    ("D社", "(さくら総合病院とは契約なし)"),
];

/// Load the demo into an empty database. Returns false (and changes nothing) when the
/// database already holds data.
pub async fn load(store: &dyn Store) -> anyhow::Result<bool> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    let actor = Actor::system("demo");
    let inst = store
        .create_institution(
            &actor,
            NewInstitution {
                code: DEMO_CODE.into(),
                name: "さくら総合病院".into(),
                kind: InstitutionKind::Hospital,
                prefecture: "13".into(),
                beds: 200,
                mfa_required: false,
            },
        )
        .await?;
    let mut vendor_ids = Vec::new();
    for (name, _) in DEMO_VENDORS {
        vendor_ids.push((name, store.create_vendor(&actor, name).await?.id));
    }
    // One hash for all demo accounts: argon2 is deliberately slow.
    let hash = hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    for u in DEMO_USERS {
        let user = store
            .create_user(
                &actor,
                NewUser {
                    email: u.email.into(),
                    display_name: u.name.into(),
                    password_hash: hash.clone(),
                    platform_admin: u.platform_admin,
                    locale: "ja".into(),
                },
            )
            .await?;
        if let Some(role) = u.role {
            let expires = (role == Role::Inspector).then(|| now_ms() + 30 * 86_400_000);
            store
                .grant_role(&actor, &inst.id, &user.id, role, expires)
                .await?;
        }
        if let Some(v) = u.vendor {
            if let Some((_, id)) = vendor_ids.iter().find(|(n, _)| *n == v) {
                // Each demo vendor's person is its administrator (set by the platform).
                store
                    .change_vendor_member(
                        &actor,
                        id,
                        &user.id,
                        Some((VendorRole::Admin, MembershipStatus::Active)),
                        true,
                    )
                    .await?;
                // The hospital names each vendor's person as its contact (D社 has no
                // contract, and so no contact).
                if v != "D社" {
                    let now = now_ms();
                    let invite = mamori_store::Invite {
                        id: mamori_store::new_id(),
                        institution_id: inst.id.clone(),
                        vendor_id: id.clone(),
                        email: user.email.clone(),
                        display_name: user.display_name.clone(),
                        created_by: None,
                        created_at: now,
                        expires_at: now,
                        used_at: Some(now),
                        user_id: Some(user.id.clone()),
                    };
                    let hash = crate::credentials::sha256_hex(&mamori_store::new_id());
                    store.create_invite(&actor, &invite, &hash).await?;
                }
            }
        }
    }
    let vendor = |name: &str| {
        vendor_ids
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, id)| id.clone())
            .unwrap_or_default()
    };
    role_sharing(
        store,
        &actor,
        &inst.id,
        vendor("A社"),
        vendor("B社"),
        vendor("C社"),
    )
    .await?;
    assessment(store, &actor, &inst.id).await?;
    crate::demo_more::other_clients(store, &actor, &vendor("A社")).await?;
    crate::demo_more::ledger(store, &actor, &inst.id, &vendor("A社")).await?;
    Ok(true)
}

/// 令和6年度 (FY2024) checklist on the 令和6年度版 sheet, in progress: most first checks done,
/// one device class answered いいえ with a target date, a few items still open.
async fn assessment(store: &dyn Store, actor: &Actor, inst: &str) -> anyhow::Result<()> {
    use mamori_store::{Assessment, AssessmentAnswer};
    let a = store
        .create_assessment(
            actor,
            &Assessment::draft(inst, 2024, "mhlw/cyber-checklist-institution@R6"),
            &[],
        )
        .await?;
    let rows: [(&str, Slot, YesNo, Option<&str>); 9] = [
        ("0", Slot::All, YesNo::Yes, None),
        ("1-1", Slot::All, YesNo::Yes, None),
        ("2-1", Slot::All, YesNo::Yes, None),
        ("2-2", Slot::All, YesNo::Yes, None),
        ("2-3", Slot::All, YesNo::No, Some("2024-12-27")),
        ("2-4", Slot::Server, YesNo::Yes, None),
        ("2-4", Slot::Terminal, YesNo::No, Some("2025-03-31")),
        ("2-5", Slot::Server, YesNo::Yes, None),
        ("2-5", Slot::Terminal, YesNo::Yes, None),
    ];
    for (item, slot, check, target) in rows {
        store
            .save_assessment_answer(
                actor,
                &AssessmentAnswer {
                    institution_id: inst.into(),
                    assessment_id: a.id.clone(),
                    item_id: item.into(),
                    slot,
                    check1: Some(check),
                    check1_on: Some("2024-07-01".into()),
                    target_on: target.map(String::from),
                    ..Default::default()
                },
                0,
            )
            .await?;
    }
    // Vendor sheets requested from A社, B社 and C社: B社 has answered and submitted its sheet;
    // A社's and C社's are outstanding.
    let contracts: Vec<(String, String)> = store
        .contracts(inst)
        .await?
        .into_iter()
        .map(|c| (c.id, c.vendor_id))
        .collect();
    let vendor_catalog = "mhlw/cyber-checklist-vendor@R6";
    store
        .request_vendor_sheets(actor, &a, &contracts, vendor_catalog, &[])
        .await?;
    let registry = crate::catalogs::embedded();
    let cat = registry
        .catalogs
        .get(vendor_catalog)
        .ok_or_else(|| anyhow::anyhow!("vendor sheet catalog"))?;
    if let Some(b) = store
        .vendor_sheets(&a.id)
        .await?
        .into_iter()
        .find(|s| s.vendor_name == "B社")
    {
        for item in &cat.items {
            let slots = asm::slots(
                &item
                    .devices
                    .iter()
                    .map(|d| crate::assessments::slot_of(*d))
                    .collect::<Vec<_>>(),
            );
            for slot in slots {
                store
                    .save_vendor_sheet_answer(
                        actor,
                        &AssessmentAnswer {
                            institution_id: inst.into(),
                            assessment_id: b.id.clone(),
                            item_id: item.id.clone(),
                            slot,
                            check1: Some(YesNo::Yes),
                            check1_on: Some("2024-08-20".into()),
                            ..Default::default()
                        },
                        0,
                    )
                    .await?;
            }
        }
        store
            .submit_vendor_sheet(actor, &b.id, b.version, &[])
            .await?;
    }
    Ok(())
}

/// The seed's scenario, half agreed: A社 has long maintained the receipt computer; the
/// hospital now buys an electronic medical record from B社, whose contract also covers the
/// interface to the receipt computer; C社 provides PACS as a cloud service. On the matrix:
/// A and B both claim Part2 A11 (institution-wide) alone (an overlap, once for the whole
/// institution), nobody has agreed Part2 A12 (a gap), B's first check of A12 is いいえ
/// without a completion date, A and B differ on the communication path between the EHR and
/// the receipt computer (to coordinate), and C's checklist has barely started.
async fn role_sharing(
    store: &dyn Store,
    actor: &Actor,
    inst: &str,
    a: String,
    b: String,
    c: String,
) -> anyhow::Result<()> {
    use mamori_store::{NewContract, NewSystem, RoleSharingItem, RoleSharingStep};
    let system = |name: &str, category: SystemCategory, hosting: Hosting| NewSystem {
        institution_id: inst.into(),
        name: name.into(),
        category,
        hosting,
        holds_medical_info: true,
        note: String::new(),
    };
    let ehr = store
        .create_system(
            actor,
            &system("電子カルテ", SystemCategory::Ehr, Hosting::OnPremise),
        )
        .await?;
    let receipt = store
        .create_system(
            actor,
            &system("レセコン", SystemCategory::Receipt, Hosting::OnPremise),
        )
        .await?;
    let pacs = store
        .create_system(actor, &system("PACS", SystemCategory::Pacs, Hosting::Cloud))
        .await?;
    store
        .link_systems(actor, inst, &ehr.id, &receipt.id)
        .await?;
    store.link_systems(actor, inst, &ehr.id, &pacs.id).await?;
    let catalog = "mhlw/role-sharing@2024-06";
    let contract =
        |vendor: &str, title: &str, kind: ContractKind, from: &str, systems: Vec<String>| {
            NewContract {
                institution_id: inst.into(),
                vendor_id: vendor.into(),
                title: title.into(),
                kind,
                starts_on: Some(from.into()),
                ends_on: None,
                catalog_id: catalog.into(),
                system_ids: systems,
            }
        };
    let ca = store
        .create_contract(
            actor,
            &contract(
                &a,
                "レセコン保守契約",
                ContractKind::Maintenance,
                "2019-04-01",
                vec![receipt.id.clone()],
            ),
        )
        .await?;
    let cb = store
        .create_contract(
            actor,
            &contract(
                &b,
                "電子カルテ導入・保守契約(レセコン連携を含む)",
                ContractKind::Introduction,
                "2024-10-01",
                vec![ehr.id.clone(), receipt.id.clone()],
            ),
        )
        .await?;
    let cc = store
        .create_contract(
            actor,
            &contract(
                &c,
                "PACS クラウドサービス利用契約",
                ContractKind::Cloud,
                "2023-04-01",
                vec![pacs.id.clone()],
            ),
        )
        .await?;
    // (contract, item, responsibility, state, proposed by, first check, date, completed,
    //  agreed content, written in)
    type Row<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
        &'a str,
    );
    let rows: Vec<Row> = vec![
        (
            &ca.id,
            "part1-a-1",
            None,
            "agreed",
            "institution",
            Some("yes"),
            Some("2024-07-08"),
            None,
            "A社の MDS/SDS(2024年版)を確認した。",
            "",
        ),
        (
            &ca.id,
            "part1-a-2-1",
            None,
            "agreed",
            "institution",
            Some("yes"),
            Some("2024-07-08"),
            None,
            "",
            "",
        ),
        (
            &ca.id,
            "part2-a-1",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-07-10"),
            None,
            "A社は事業者向けガイドラインを確認し、準拠状況を年1回報告する。",
            "保守契約書 第8条",
        ),
        (
            &ca.id,
            "part2-a-2",
            Some("joint"),
            "agreed",
            "institution",
            Some("yes"),
            Some("2024-07-10"),
            None,
            "電子カルテ導入に際し、A社・B社・当院で連携部分の役割分担を確認する。",
            "保守契約書 別紙2",
        ),
        (
            &ca.id,
            "part2-a-11",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-07-10"),
            None,
            "A社はレセコンに関する脆弱性情報を月次で提供する。",
            "SLA 4.1",
        ),
        (
            &ca.id,
            "part2-a-12",
            Some("vendor"),
            "negotiating",
            "vendor",
            None,
            None,
            None,
            "A社は年1回、対策の見直しを提案する。",
            "",
        ),
        (
            &cb.id,
            "part1-a-1",
            None,
            "agreed",
            "institution",
            Some("no"),
            Some("2024-10-15"),
            Some("2024-11-20"),
            "B社の MDS/SDS の提出を受けて確認した。",
            "",
        ),
        (
            &cb.id,
            "part2-a-1",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-10-15"),
            None,
            "B社は事業者向けガイドラインを確認済み。",
            "導入契約書 第15条",
        ),
        (
            &cb.id,
            "part2-a-2",
            Some("joint"),
            "negotiating",
            "institution",
            Some("yes"),
            Some("2024-10-15"),
            None,
            "B社は構築段階から A社と連携部分の役割分担を協議する。",
            "",
        ),
        (
            &cb.id,
            "part2-a-11",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-10-15"),
            None,
            "B社は電子カルテとレセコン連携部分の脆弱性情報を提供する。",
            "保守契約書 第9条",
        ),
        (
            &cb.id,
            "part2-a-12",
            Some("vendor"),
            "negotiating",
            "vendor",
            Some("no"),
            Some("2024-10-15"),
            None,
            "",
            "",
        ),
        (
            &ca.id,
            "part2-a-comm-route",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-07-10"),
            None,
            "A社がレセコン側の通信機器の設定と監視を行う。",
            "保守契約書 別紙2",
        ),
        (
            &cb.id,
            "part2-a-comm-route",
            Some("joint"),
            "agreed",
            "institution",
            Some("yes"),
            Some("2024-10-15"),
            None,
            "電子カルテとレセコンの間の通信経路は、当院と B社が共同で安全対策を行う。",
            "導入契約書 第12条",
        ),
        (
            &cc.id,
            "part2-a-1",
            Some("vendor"),
            "agreed",
            "vendor",
            Some("yes"),
            Some("2024-05-20"),
            None,
            "C社はクラウドサービス事業者としてガイドラインに準拠する。",
            "利用規約 第20条",
        ),
    ];
    // Certifications (A社's ISMS runs out within 60 days of the demo's start), C社's
    // subcontractor awaiting approval, and B社's SLA on file.
    let day = |d: i64| {
        (chrono::Utc::now() + chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string()
    };
    for (vendor, kind, name, expires) in [
        (
            &a,
            CertKind::JisQ27001,
            "ISMS(JIS Q 27001)認証",
            Some(day(45)),
        ),
        (
            &b,
            CertKind::JisQ27001,
            "ISMS(JIS Q 27001)認証",
            Some(day(400)),
        ),
        (
            &b,
            CertKind::JisQ15001,
            "プライバシーマーク(JIS Q 15001)",
            Some(day(700)),
        ),
        (
            &c,
            CertKind::JisQ27001,
            "ISMS(JIS Q 27001)認証",
            Some(day(200)),
        ),
    ] {
        store
            .add_certification(
                actor,
                &mamori_store::Certification {
                    id: String::new(),
                    vendor_id: vendor.clone(),
                    kind,
                    name: name.into(),
                    expires_on: expires,
                    created_at: 0,
                    file_name: None,
                    sha256: None,
                    media_type: None,
                    file_size: None,
                },
            )
            .await?;
    }
    store
        .declare_subcontractor(
            actor,
            &mamori_store::Subcontractor {
                id: String::new(),
                institution_id: inst.into(),
                contract_id: cc.id.clone(),
                name: "X データセンター株式会社".into(),
                scope: "PACS 画像のバックアップの保管".into(),
                declared_by: None,
                declared_at: 0,
                approved_by: None,
                approved_at: None,
            },
        )
        .await?;
    let sla = "B社 電子カルテ保守 SLA(デモ用のファイルです)\n障害受付: 24時間365日\n".as_bytes();
    store
        .add_contract_document(
            actor,
            &mamori_store::ContractDocument {
                id: String::new(),
                institution_id: inst.into(),
                contract_id: cb.id.clone(),
                kind: DocumentKind::Sla,
                file_name: "B社_SLA_デモ.txt".into(),
                sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(sla)),
                size: 0,
                media_type: "text/plain".into(),
                uploaded_by: None,
                uploaded_party: Party::Vendor,
                uploaded_at: 0,
            },
            sla,
        )
        .await?;
    for (contract_id, item, resp, state, by, check, on, done, content, written) in rows {
        // The demo's rows are written as the codes (a typo is caught by the demo's tests).
        let state = ItemState::parse(state).unwrap_or_default();
        let by = Party::parse(by).unwrap_or(Party::Vendor);
        let item = RoleSharingItem {
            institution_id: inst.into(),
            contract_id: contract_id.into(),
            item_id: item.into(),
            responsibility: resp.and_then(Responsibility::parse),
            first_check: check.and_then(Check::parse),
            first_checked_on: on.map(String::from),
            completed_on: done.map(String::from),
            agreed_content: content.into(),
            written_in: written.into(),
            state,
            proposed_by: Some(by),
            ..Default::default()
        };
        store
            .save_role_sharing_item(
                actor,
                &RoleSharingStep {
                    item,
                    expected_version: 0,
                    party: by,
                    step: if state == ItemState::Agreed {
                        StepKind::Accept
                    } else {
                        StepKind::Propose
                    },
                    note: String::new(),
                    notices: vec![],
                },
            )
            .await?;
    }
    Ok(())
}
