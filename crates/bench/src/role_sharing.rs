//! The role-sharing and checklist measurements: saving items, the matrix, the dashboard,
//! the vendor portal, exports.

use super::*;
use mamori_domain::codes::{ContractKind, Hosting, SystemCategory};
use mamori_domain::role_sharing::{ItemState, Party, Responsibility, StepKind};

/// Role sharing: saving one item of a contract whose checklist holds 2,000 rows, the
/// matrix and the dashboard of a hospital with 20 contracts, and the portal of a vendor
/// serving 500 institutions.
/// An on-premise departmental system of the institution, holding medical information.
pub(crate) async fn departmental_system(
    store: &dyn Store,
    institution_id: &str,
    name: &str,
) -> Result<mamori_store::System> {
    Ok(store
        .create_system(
            &Actor::system("bench"),
            &mamori_store::NewSystem {
                institution_id: institution_id.into(),
                name: name.into(),
                category: SystemCategory::Departmental,
                hosting: Hosting::OnPremise,
                holds_medical_info: true,
                note: String::new(),
            },
        )
        .await?)
}

/// A vendor's first answer to one item of a contract, in `state`.
pub(crate) async fn propose(
    store: &dyn Store,
    institution_id: &str,
    contract_id: &str,
    item_id: &str,
    responsibility: Responsibility,
    state: ItemState,
) -> Result<()> {
    use mamori_store::{RoleSharingItem, RoleSharingStep};
    store
        .save_role_sharing_item(
            &Actor::system("bench"),
            &RoleSharingStep {
                item: RoleSharingItem {
                    institution_id: institution_id.into(),
                    contract_id: contract_id.into(),
                    item_id: item_id.into(),
                    responsibility: Some(responsibility),
                    state,
                    proposed_by: Some(Party::Vendor),
                    ..Default::default()
                },
                expected_version: 0,
                party: Party::Vendor,
                step: StepKind::Propose,
                note: String::new(),
                notices: vec![],
            },
        )
        .await?;
    Ok(())
}

pub(crate) async fn role_sharing_bench<F, Fut>(
    store: &dyn Store,
    base: &str,
    sign_in: &F,
    requests: usize,
) -> Result<()>
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = Result<reqwest::Client>>,
{
    use mamori_store::{NewContract, RoleSharingItem, RoleSharingStep};
    let actor = Actor::system("bench");
    let inst = store
        .institution_by_code(demo::DEMO_CODE)
        .await?
        .context("demo")?;
    let catalog = "mhlw/role-sharing@2024-06";
    // 20 contracts over 10 systems (the demo's 3 plus 17 more vendors).
    let mut systems = store.systems(&inst.id).await?;
    for n in 0..7 {
        systems.push(departmental_system(store, &inst.id, &format!("部門システム {n}")).await?);
    }
    let items = ["part2-a-1", "part2-a-2", "part2-a-11", "part2-a-12"];
    let resp = [
        Responsibility::Vendor,
        Responsibility::Joint,
        Responsibility::Institution,
        Responsibility::Vendor,
    ];
    for n in 0..17 {
        let v = store
            .create_vendor(&actor, &format!("ベンチ事業者 {n}"))
            .await?;
        let c = store
            .create_contract(
                &actor,
                &NewContract {
                    institution_id: inst.id.clone(),
                    vendor_id: v.id.clone(),
                    title: format!("保守契約 {n}"),
                    kind: ContractKind::Maintenance,
                    starts_on: None,
                    ends_on: None,
                    catalog_id: catalog.into(),
                    system_ids: vec![
                        systems[n % systems.len()].id.clone(),
                        systems[(n + 3) % systems.len()].id.clone(),
                    ],
                },
            )
            .await?;
        for (k, item) in items.iter().enumerate() {
            let state = if (k + n) % 3 == 0 {
                ItemState::Negotiating
            } else {
                ItemState::Agreed
            };
            propose(store, &inst.id, &c.id, item, resp[(k + n) % 4], state).await?;
        }
    }
    let contracts = store.contracts(&inst.id).await?;
    let cb = contracts
        .iter()
        .find(|c| c.vendor_name == "B社")
        .context("B")?
        .clone();
    // A hospital with 20 vendors and their checklists as the catalog has them; vendor sheets
    // of this year's checklist requested from all of them.
    let assessment = store.assessments(&inst.id).await?[0].clone();
    let pairs: Vec<(String, String)> = contracts
        .iter()
        .map(|c| (c.id.clone(), c.vendor_id.clone()))
        .collect();
    store
        .request_vendor_sheets(
            &actor,
            &assessment,
            &pairs,
            "mhlw/cyber-checklist-vendor@R6",
            &[],
        )
        .await?;
    let officer = sign_in("anzen@sakura.example.jp").await?;
    println!();
    for (path, label) in [
        (
            format!("/i/{}/matrix", demo::DEMO_CODE),
            "matrix, 20 contracts",
        ),
        (
            format!("/i/{}", demo::DEMO_CODE),
            "dashboard, 20 vendors (all signals)",
        ),
        ("/notifications".to_string(), "officer's notices"),
    ] {
        let (p50, p99, _) = measure(&officer, &format!("{base}{path}"), requests.min(100)).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms");
    }
    // Each role's home with the 20 vendors: the executive's dashboard (awaiting approval),
    // the inspector's shared checklists, the vendor's portal.
    for (who, path, label) in [
        (
            "rijicho@sakura.example.jp",
            format!("/i/{}", demo::DEMO_CODE),
            "home: executive (dashboard)",
        ),
        (
            "kensa@pref.tokyo.example.jp",
            "/home".to_string(),
            "home: inspector (shared checklists)",
        ),
        (
            "kensa@pref.tokyo.example.jp",
            format!("/inspections/{}", assessment.id),
            "inspector's view with its summary",
        ),
        (
            "tanto@b-sha.example.jp",
            "/vendor".to_string(),
            "home: vendor (portal)",
        ),
    ] {
        let c = sign_in(who).await?;
        let (p50, p99, _) = measure(&c, &format!("{base}{path}"), requests.min(100)).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms");
    }
    // B's checklist grows to 2,000 rows (as a much larger catalog version would make it).
    for n in 0..2000 {
        store
            .save_role_sharing_item(
                &actor,
                &RoleSharingStep {
                    item: RoleSharingItem {
                        institution_id: inst.id.clone(),
                        contract_id: cb.id.clone(),
                        item_id: format!("bench-{n}"),
                        responsibility: Some(Responsibility::Vendor),
                        state: ItemState::Agreed,
                        proposed_by: Some(Party::Vendor),
                        ..Default::default()
                    },
                    expected_version: 0,
                    party: Party::Vendor,
                    step: StepKind::Propose,
                    note: String::new(),
                    notices: vec![],
                },
            )
            .await?;
    }
    let csrf = csrf_of(&officer, &format!("{base}/contracts/{}", cb.id)).await?;
    let start = store
        .role_sharing_items(&cb.id)
        .await?
        .into_iter()
        .find(|r| r.item_id == "part2-a-12")
        .map(|r| r.version)
        .context("A12")?;
    let (p50, p99) = measure_post(
        &officer,
        &format!("{base}/contracts/{}/items/part2-a-12", cb.id),
        requests,
        |i| {
            vec![
                ("_csrf".into(), csrf.clone()),
                ("step".into(), "propose".into()),
                ("version".into(), (start + i as i64).to_string()),
                ("responsibility".into(), "vendor".into()),
                ("agreed_content".into(), format!("見直し案 {i}")),
                ("first_check".into(), "yes".into()),
                ("first_checked_on".into(), "2024-10-15".into()),
            ]
        },
    )
    .await?;
    println!(
        "\nrole sharing: save one item (checklist of {} rows)   server median {p50:.3} ms   p99 {p99:.3} ms",
        store.role_sharing_items(&cb.id).await?.len()
    );
    for (path, label) in [
        (
            format!("/i/{}/matrix", demo::DEMO_CODE),
            "matrix, with one 2,000-row checklist",
        ),
        (
            format!("/i/{}", demo::DEMO_CODE),
            "dashboard, with one 2,000-row checklist",
        ),
        (
            format!("/contracts/{}", cb.id),
            "contract page (2,000 rows)",
        ),
        (
            format!("/contracts/{}/export.xlsx", cb.id),
            "checklist xlsx export",
        ),
    ] {
        let (p50, p99, _) = measure(&officer, &format!("{base}{path}"), requests.min(100)).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms");
    }
    // The cyber checklist of the same hospital.
    let sheet_url = format!("{base}/assessments/{}", assessment.id);
    let csrf = csrf_of(&officer, &sheet_url).await?;
    let (p50, p99) = measure_post(&officer, &format!("{sheet_url}/answers"), requests, |i| {
        vec![
            ("_csrf".into(), csrf.clone()),
            ("item_id".into(), "2-6".into()),
            ("slot".into(), "server".into()),
            ("version".into(), i.to_string()),
            ("check1".into(), "yes".into()),
            ("check1_on".into(), "2024-07-01".into()),
            ("note".into(), format!("確認 {i}")),
        ]
    })
    .await?;
    println!(
        "\ncyber checklist: save one answer                server median {p50:.3} ms   p99 {p99:.3} ms"
    );
    // The same save as the page makes it with htmx: the slot and the outline come back.
    let (p50, p99) = crate::measure_post_as(
        &officer,
        &format!("{sheet_url}/answers"),
        requests,
        true,
        |i| {
            vec![
                ("_csrf".into(), csrf.clone()),
                ("item_id".into(), "2-6".into()),
                ("slot".into(), "server".into()),
                ("version".into(), (requests + i).to_string()),
                ("check1".into(), "yes".into()),
                ("check1_on".into(), "2024-07-01".into()),
                ("note".into(), format!("確認 htmx {i}")),
            ]
        },
    )
    .await?;
    println!(
        "cyber checklist: save one slot with htmx         server median {p50:.3} ms   p99 {p99:.3} ms"
    );
    for (path, label) in [
        (
            format!("/assessments/{}/export.xlsx", assessment.id),
            "xlsx export (institution + vendor sheets)",
        ),
        (
            format!("/assessments/{}/export.pdf", assessment.id),
            "PDF export (institution + vendor sheets)",
        ),
        (
            format!("/i/{}", demo::DEMO_CODE),
            "dashboard, 2,000-row checklist, 20 sheets",
        ),
        (format!("/assessments/{}", assessment.id), "checklist page"),
        (
            format!("/api/v1/assessments/{}", assessment.id),
            "checklist sheet, JSON API",
        ),
    ] {
        let (p50, p99, _) = measure(&officer, &format!("{base}{path}"), requests.min(50)).await?;
        println!("{label:<42} {p50:>10.3} ms {p99:>10.3} ms");
    }
    // B社 serves 500 institutions.
    let b = contracts
        .iter()
        .find(|c| c.vendor_name == "B社")
        .context("B")?
        .vendor_id
        .clone();
    let mut added = 0;
    for i in 0..1000usize {
        if added == 499 {
            break;
        }
        let code = format!("{:02}{:08}", i % 47 + 1, i);
        let Some(other) = store.institution_by_code(&code).await? else {
            continue;
        };
        store
            .create_contract(
                &actor,
                &NewContract {
                    institution_id: other.id.clone(),
                    vendor_id: b.clone(),
                    title: "電子カルテ保守契約".into(),
                    kind: ContractKind::Maintenance,
                    starts_on: None,
                    ends_on: None,
                    catalog_id: catalog.into(),
                    system_ids: vec![],
                },
            )
            .await?;
        added += 1;
    }
    let vendor = sign_in("tanto@b-sha.example.jp").await?;
    let (p50, p99, _) = measure(&vendor, &format!("{base}/vendor"), requests.min(100)).await?;
    println!(
        "{:<42} {p50:>10.3} ms {p99:>10.3} ms",
        format!("vendor portal, {} institutions", added + 1)
    );
    Ok(())
}
