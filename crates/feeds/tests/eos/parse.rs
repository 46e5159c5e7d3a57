//! The parsers over real files: the committed subset always, the whole shared folder when
//! present (counts, dates named in the shared README, the merge, the time taken).

use std::time::Instant;

use crate::common::*;
use mamori_feeds::eos::{
    detect, parse, parse_file, parse_identifiers_tsv, read_dir_eos, EosFormat, EosSource, Support,
};

#[test]
fn committed_fixtures_parse_and_merge() {
    let batch = read_dir_eos(fixtures()).unwrap();
    assert!(batch.failed.is_empty(), "{:?}", batch.failed);
    assert!(batch.warnings.is_empty(), "{:?}", batch.warnings);
    let mut reasons: Vec<_> = batch
        .skipped
        .iter()
        .map(|s| {
            (
                s.path.rsplit('/').next().unwrap().to_string(),
                s.reason.as_str(),
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        vec![
            ("LICENSE.endoflife-date".to_string(), "licence text"),
            (
                "README.md".to_string(),
                "Markdown without YAML front matter (not a product page)"
            ),
            ("copyright.distro-info-data".to_string(), "licence text"),
        ]
    );
    let ids: Vec<_> = batch.products.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "centos",
            "fortios",
            "rhel",
            "ubuntu",
            "windows",
            "windows-server"
        ]
    );

    let ws = cycle(&batch.products, "windows-server", "2022");
    assert_eq!(ws.release, Some(d("2021-08-18")));
    assert_eq!(ws.eoas, Some(Support::On(d("2026-10-13"))));
    assert_eq!(ws.eol, Support::On(d("2031-10-14")));
    assert_eq!(ws.latest.as_deref(), Some("10.0.20348"));
    assert_eq!(ws.label.as_deref(), Some("Windows Server 2022"));
    assert!(ws.lts);
    let r = cycle(&batch.products, "rhel", "9");
    assert_eq!(
        (r.eoas, r.eol, r.eoes),
        (
            Some(Support::On(d("2027-05-31"))),
            Support::On(d("2032-05-31")),
            Some(Support::On(d("2036-05-31")))
        )
    );
    // `lts: 2032-05-31` is a date: LTS from then. `latest: "8.10"` keeps its zero.
    assert_eq!((r.lts, r.lts_from), (true, Some(d("2032-05-31"))));
    assert_eq!(
        cycle(&batch.products, "rhel", "8").latest.as_deref(),
        Some("8.10")
    );
    let f = cycle(&batch.products, "fortios", "7.2");
    assert_eq!(
        (f.eoas, f.eol),
        (
            Some(Support::On(d("2025-03-31"))),
            Support::On(d("2026-09-30"))
        )
    );

    // ubuntu: the page wins for its cycles, distro-info adds the one it lacks (26.10).
    let u = batch.products.iter().find(|p| p.id == "ubuntu").unwrap();
    assert_eq!(u.source, EosSource::EndoflifeMd);
    assert_eq!(
        u.cpes,
        [
            "cpe:2.3:o:canonical:ubuntu_linux",
            "cpe:/o:canonical:ubuntu_linux"
        ]
    );
    let jammy = u.cycle("22.04").unwrap();
    assert_eq!(
        (jammy.source, jammy.eol),
        (EosSource::EndoflifeMd, Support::On(d("2027-04-01")))
    );
    assert_eq!(jammy.label.as_deref(), Some("22.04 'Jammy Jellyfish'"));
    let added = u.cycle("26.10").unwrap();
    assert_eq!(added.source, EosSource::DistroInfo);
    assert_eq!(added.eol, Support::On(d("2027-07-15")));
    assert_eq!(u.cycles[0].cycle, "26.10", "the newest first");
    let from_md = parse(
        "ubuntu.md",
        &std::fs::read(fixtures().join("ubuntu.md")).unwrap(),
    )
    .unwrap();
    assert_eq!(u.cycles.len(), from_md[0].cycles.len() + 1);
}

#[test]
fn distro_info_ubuntu_columns() {
    let bytes = std::fs::read(fixtures().join("ubuntu.csv")).unwrap();
    assert_eq!(detect("ubuntu.csv", &bytes), Some(EosFormat::DistroInfoCsv));
    let p = parse_file("ubuntu.csv", &bytes).unwrap();
    assert!(p.warnings.is_empty());
    let u = &p.products[0];
    assert_eq!((u.id.as_str(), u.cycles.len()), ("ubuntu", 45));
    let c = u.cycle("22.04").unwrap();
    assert!(c.lts);
    assert_eq!(c.release, Some(d("2022-04-21")));
    assert_eq!(c.eol, Support::On(d("2027-06-01")));
    assert_eq!(
        c.eoes,
        Some(Support::On(d("2034-04-25"))),
        "eol-legacy, the last extended support"
    );
    let c = u.cycle("18.04").unwrap();
    assert_eq!(c.eoes, Some(Support::On(d("2030-04-30"))));
    assert_eq!(u.cycle("22.10").unwrap().eoes, None);
}

#[test]
fn whole_shared_folder() {
    let Some(dir) = shared_eos("whole_shared_folder") else {
        return;
    };
    let started = Instant::now();
    let batch = read_dir_eos(&dir).unwrap();
    println!(
        "{} in {:?} (this build's profile)",
        batch.summary(),
        started.elapsed()
    );
    assert!(batch.failed.is_empty(), "{:?}", batch.failed);

    // endoflife.date pages: 73 products, 1,505 cycles (the shared README's counts), no entry
    // skipped.
    let md: Vec<_> = batch
        .files
        .iter()
        .filter(|f| f.format == EosFormat::EndoflifeMd)
        .collect();
    assert_eq!(md.len(), 73);
    assert_eq!(md.iter().map(|f| f.cycles).sum::<usize>(), 1505);
    assert_eq!(md.iter().map(|f| f.warnings).sum::<usize>(), 0);
    // `eol` as a date 1,350 times and as a boolean 155 times (the README's table).
    let all_md: Vec<_> = batch
        .products
        .iter()
        .flat_map(|p| &p.cycles)
        .filter(|c| c.source == EosSource::EndoflifeMd)
        .collect();
    assert_eq!(all_md.len(), 1505);
    assert_eq!(
        all_md
            .iter()
            .filter(|c| matches!(c.eol, Support::On(_)))
            .count(),
        1350
    );
    assert_eq!(
        all_md
            .iter()
            .filter(|c| !matches!(c.eol, Support::On(_)))
            .count(),
        155
    );
    assert_eq!(all_md.iter().filter(|c| c.eoes.is_some()).count(), 145);
    assert_eq!(all_md.iter().filter(|c| c.lts_from.is_some()).count(), 7);

    // distro-info: 20 Debian releases (sid and experimental skipped with a warning), 45 Ubuntu.
    let di: Vec<_> = batch
        .files
        .iter()
        .filter(|f| f.format == EosFormat::DistroInfoCsv)
        .collect();
    assert_eq!(di.iter().map(|f| f.cycles).collect::<Vec<_>>(), [20, 45]);
    assert_eq!(batch.warnings.len(), 2, "{:?}", batch.warnings);
    assert!(batch
        .warnings
        .iter()
        .all(|w| w.file.ends_with("debian.csv")));

    // After the merge: 73 products; Debian 14 and 15 and Ubuntu 26.10 come from distro-info.
    assert_eq!(batch.product_count(), 73);
    assert_eq!(batch.cycle_count(), 1508);
    let from_di: Vec<_> = batch
        .products
        .iter()
        .flat_map(|p| p.cycles.iter().map(move |c| (p.id.as_str(), c)))
        .filter(|(_, c)| c.source == EosSource::DistroInfo)
        .map(|(p, c)| format!("{p}/{}", c.cycle))
        .collect();
    assert_eq!(from_di, ["debian/15", "debian/14", "ubuntu/26.10"]);
    assert!(batch
        .products
        .iter()
        .all(|p| p.source == EosSource::EndoflifeMd));

    // Skipped with a reason, never parsed: licences, the OpenAPI document, the changelog,
    // release-data.
    let reason = |name: &str| {
        batch
            .skipped
            .iter()
            .find(|s| s.path.ends_with(name))
            .map(|s| s.reason.clone())
            .unwrap_or_else(|| panic!("{name} not skipped"))
    };
    assert_eq!(reason("endoflife.date/LICENSE"), "licence text");
    assert!(reason("openapi.yml").starts_with("OpenAPI document"));
    assert!(reason("CHANGELOG_API.md").starts_with("Markdown without YAML front matter"));
    assert!(reason("releases/chrome.json").starts_with("endoflife.date release-data"));
    assert_eq!(batch.skipped.len(), 46);

    // The identifiers TSV: 1,683 identifier rows, 479 of them CPEs.
    let tsv = std::fs::read(dir.join("endoflife.date/identifiers-all-products.tsv")).unwrap();
    let ids = parse_identifiers_tsv("identifiers-all-products.tsv", &tsv).unwrap();
    assert_eq!(ids.len(), 1683);
    assert_eq!(ids.iter().filter(|i| i.kind == "cpe").count(), 479);
    // Build 10.0.17763 belongs to two cycles (2019 and 1809-sac).
    let ws = batch
        .products
        .iter()
        .find(|p| p.id == "windows-server")
        .unwrap();
    let n = ws
        .cycles
        .iter()
        .filter(|c| c.latest.as_deref() == Some("10.0.17763"))
        .count();
    assert_eq!(n, 2);
}

#[test]
fn api_v1_full_fixture() {
    let Some(dir) = shared_eos("api_v1_full_fixture") else {
        return;
    };
    let path =
        dir.join("../vuls-data-update/pkg/fetch/endoflife-date/api/testdata/fixtures/happy/full");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(detect("full", &bytes), Some(EosFormat::EndoflifeApi));
    let p = parse_file("full", &bytes).unwrap();
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let counts: Vec<_> = p
        .products
        .iter()
        .map(|p| (p.id.as_str(), p.cycles.len()))
        .collect();
    assert_eq!(counts, [("ubuntu", 42), ("windows", 43)]);
    let u = &p.products[0];
    assert_eq!(
        (u.title.as_str(), u.category.as_deref()),
        ("Ubuntu", Some("os"))
    );
    assert_eq!(
        u.cpes,
        [
            "cpe:2.3:o:canonical:ubuntu_linux",
            "cpe:/o:canonical:ubuntu_linux"
        ]
    );
    let c = u.cycle("25.04").unwrap();
    assert_eq!(c.codename.as_deref(), Some("Plucky Puffin"));
    assert_eq!(c.eol, Support::On(d("2026-01-17")));
    assert_eq!(
        (c.eoes, c.lts, c.latest.as_deref()),
        (None, false, Some("25.04"))
    );
    let w = p.products[1].cycle("11-24h2-iot-lts").unwrap();
    assert_eq!((w.lts, w.eol), (true, Support::On(d("2034-10-10"))));
    assert_eq!(w.label.as_deref(), Some("11 24H2 IoT (LTS)"));
    assert_eq!(w.latest.as_deref(), Some("10.0.26100"));

    // Merged with the pages, the pages win and keep their cycles whole.
    let mut all = read_dir_eos(&dir).unwrap().products;
    all.extend(p.products);
    let merged = mamori_feeds::eos::merge(all);
    assert_eq!(merged.len(), 73);
    let w = merged.iter().find(|p| p.id == "windows").unwrap();
    assert_eq!(w.source, EosSource::EndoflifeMd);
    assert!(w.cycles.iter().all(|c| c.source == EosSource::EndoflifeMd));
}
