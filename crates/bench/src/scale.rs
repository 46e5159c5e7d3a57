//! Issue 11's figures at scale: importing a 2,000-row role-sharing sheet in the official
//! layout, and the cross-vendor matrix of a hospital with 20 contracts over a catalog of 100
//! Part 2 items (institution-wide and connection items among them), computed by the
//! application layer over the real SQLite store.

use super::*;
use mamori_catalog::{Addressee, Answer, Catalog, Item, Provenance, Scope, Section};
use mamori_domain::codes::ContractKind;
use mamori_domain::role_sharing::{ItemState, Responsibility};

/// A 2,000-row 確認表: Part 1 and Part 2, ten lettered sections each, a hundred items per
/// section; every seventh item's 内容 starts with a circled sub-number under a repeated 項番.
fn official_sheet() -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut r = 0u32;
    for (c, h) in ["項番", "項目", "内容", "初回確認", "完了日"]
        .iter()
        .enumerate()
    {
        ws.write_string(r, c as u16, *h)?;
    }
    for part in 1..=2 {
        r += 1;
        ws.write_string(r, 0, format!("Part {part} 項目の区分"))?;
        for s in 0..10u8 {
            r += 1;
            ws.write_string(r, 0, ((b'A' + s) as char).to_string())?;
            ws.write_string(r, 1, format!("区分 {s}"))?;
            for n in 1..=100u32 {
                r += 1;
                let sub = n % 7 == 0;
                ws.write_string(
                    r,
                    0,
                    if sub {
                        "〃".to_string()
                    } else {
                        n.to_string()
                    },
                )?;
                ws.write_string(r, 1, format!("項目 {n}"))?;
                ws.write_string(
                    r,
                    2,
                    if sub {
                        format!("②Part{part} 区分{s} の項目 {n} について取り決める。")
                    } else {
                        format!("Part{part} 区分{s} の項目 {n} について取り決める。")
                    },
                )?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

pub(crate) fn import_bench(registry: &mamori_catalog::Registry) -> Result<()> {
    use mamori_catalog::import;
    let xlsx = official_sheet()?;
    let req = import::Request {
        id: "mhlw/role-sharing@bench".into(),
        published: "2030-01".into(),
        ..Default::default()
    };
    let mut times = Vec::new();
    let mut items = 0;
    for _ in 0..10 {
        let t = Instant::now();
        let p = import::plan(registry, "bench.xlsx", &xlsx, &req)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if !p.problems.is_empty() {
            bail!("official-layout import invalid: {:?}", p.problems);
        }
        items = p.catalog.items.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "\nimport {items}-row official-layout xlsx (Parts, sections, 〃, ②) → plan with diff: median {:.1} ms, max {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 1.0)
    );
    Ok(())
}

/// A role-sharing version with `n` Part 2 items, every tenth institution-wide and every
/// tenth (offset five) about the connection.
fn catalog_of(template: &Catalog, n: usize) -> Catalog {
    let mut c = template.clone();
    c.catalog.version = "bench100".into();
    c.catalog.id = "mhlw/role-sharing@bench100".into();
    c.sections = vec![Section {
        id: "p2".into(),
        number: "Part2".into(),
        title: "Part2".into(),
        parent: String::new(),
    }];
    c.items = (1..=n)
        .map(|k| Item {
            id: format!("b-{k}"),
            section: "p2".into(),
            number: format!("Part2 A-{k}"),
            text: format!("ベンチ項目 {k}"),
            text_en: String::new(),
            answer: Answer::YesNo,
            devices: vec![],
            role: vec![Addressee::Joint],
            gate: false,
            scope: match k % 10 {
                0 => Scope::Institution,
                5 => Scope::Connection,
                _ => Scope::System,
            },
            references: vec![],
            provenance: Provenance::Unverified,
            source: "bench".into(),
            note: "bench".into(),
        })
        .collect();
    c
}

pub(crate) async fn matrix_bench(store: Arc<dyn Store>) -> Result<()> {
    use mamori_store::NewContract;
    let actor = Actor::system("bench");
    let inst = store
        .create_institution(
            &actor,
            NewInstitution {
                code: "1399999990".into(),
                name: "ベンチ マトリクス病院".into(),
                kind: InstitutionKind::Hospital,
                prefecture: "13".into(),
                beds: 400,
                mfa_required: false,
            },
        )
        .await?;
    let mut catalogs = mamori_app::catalogs::load(store.as_ref()).await?;
    let template = catalogs
        .registry
        .catalogs
        .get("mhlw/role-sharing@2024-06")
        .context("role sharing")?
        .clone();
    let cat = catalog_of(&template, 100);
    let catalog_id = cat.catalog.id.clone();
    let item_ids: Vec<String> = cat.items.iter().map(|i| i.id.clone()).collect();
    catalogs.registry.catalogs.insert(catalog_id.clone(), cat);
    let ctx = mamori_app::Ctx::new(store.clone());
    ctx.set_catalogs(catalogs);
    let mut systems = Vec::new();
    for n in 0..10 {
        let name = format!("システム {n}");
        systems
            .push(crate::role_sharing::departmental_system(store.as_ref(), &inst.id, &name).await?);
    }
    for n in 0..9 {
        store
            .link_systems(&actor, &inst.id, &systems[n].id, &systems[n + 1].id)
            .await?;
    }
    let resp = [
        Responsibility::Vendor,
        Responsibility::Joint,
        Responsibility::Institution,
        Responsibility::NotApplicable,
    ];
    let t = Instant::now();
    for n in 0..20 {
        let v = store
            .create_vendor(&actor, &format!("マトリクス事業者 {n}"))
            .await?;
        let c = store
            .create_contract(
                &actor,
                &NewContract {
                    institution_id: inst.id.clone(),
                    vendor_id: v.id.clone(),
                    title: format!("契約 {n}"),
                    kind: ContractKind::Maintenance,
                    starts_on: None,
                    ends_on: None,
                    catalog_id: catalog_id.clone(),
                    system_ids: vec![systems[n % 10].id.clone(), systems[(n + 1) % 10].id.clone()],
                },
            )
            .await?;
        for (k, item) in item_ids.iter().enumerate() {
            let state = if (k + n) % 5 == 0 {
                ItemState::Negotiating
            } else {
                ItemState::Agreed
            };
            crate::role_sharing::propose(
                store.as_ref(),
                &inst.id,
                &c.id,
                item,
                resp[(k + n) % 4],
                state,
            )
            .await?;
        }
    }
    let setup = t.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let mut flags = 0;
    for _ in 0..50 {
        let t = Instant::now();
        let m = mamori_app::role_sharing::matrix(&ctx, &inst).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        flags = m.counts.values().sum::<usize>();
    }
    times.sort_by(f64::total_cmp);
    let mut reads = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let _ = tokio::try_join!(
            store.contracts(&inst.id),
            store.matrix_cells(&inst.id),
            store.systems(&inst.id),
            store.system_links(&inst.id)
        )?;
        reads.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    reads.sort_by(f64::total_cmp);
    println!(
        "matrix reads alone (contracts, 2,000 answers in one aggregated row, systems, links): median {:.2} ms",
        percentile(&reads, 0.5)
    );
    println!(
        "matrix, 20 contracts × 100 items over 10 connected systems ({flags} flags; app layer incl. reads; setup {setup:.1} s): median {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    Ok(())
}
