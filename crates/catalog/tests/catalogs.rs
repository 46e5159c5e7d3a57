//! The shipped catalogs validate; the format round-trips; broken files are refused with the
//! place named.

use mamori_catalog::*;
use proptest::prelude::*;

#[test]
fn every_shipped_catalog_and_crosswalk_validates() {
    let files = embedded_files();
    let registry = Registry::embedded().unwrap_or_else(|e| panic!("{e}"));
    let problems = registry.problems();
    assert!(
        problems.is_empty(),
        "{}",
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        registry.catalogs.len() + registry.crosswalks.len(),
        files.len(),
        "every file is a distinct id"
    );
    // Each file sits where its id says.
    for (path, text) in files {
        match parse(path, text).unwrap() {
            Document::Catalog(c) => {
                let m = &c.catalog;
                assert_eq!(
                    *path,
                    format!("catalogs/{}/{}@{}.toml", m.publisher, m.document, m.version)
                );
            }
            Document::Crosswalk(x) => assert!(
                path.starts_with("crosswalks/"),
                "{path}: {}",
                x.crosswalk.id
            ),
        }
    }
}

#[test]
fn shipped_files_round_trip() {
    for (path, text) in embedded_files() {
        let doc = parse(path, text).unwrap();
        let written = match &doc {
            Document::Catalog(c) => c.to_toml().unwrap(),
            Document::Crosswalk(x) => x.to_toml().unwrap(),
        };
        assert_eq!(parse(path, &written).unwrap(), doc, "{path}");
    }
}

const MINIMAL: &str = r#"
format = 1
[catalog]
id = "mhlw/test@1"
publisher = "mhlw"
document = "test"
version = "1"
kind = "cyber_checklist"
title = "テスト"
publisher_name = "厚生労働省"
published = "2024-05"
source_url = "https://example.jp/"
attribution = "出典：テスト"
coverage = { complete = true }

[[section]]
id = "s1"
number = "1"
title = "体制構築"

[[item]]
id = "1-(1)"
section = "s1"
number = "1-(1)"
text = "医療情報システム安全管理責任者を設置している。"
answer = "yes_no"
provenance = "verbatim"
source = "test"
"#;

fn problems_of(text: &str) -> Vec<String> {
    match parse("t.toml", text) {
        Ok(Document::Catalog(c)) => check_catalog(&c).iter().map(|p| p.to_string()).collect(),
        Ok(Document::Crosswalk(x)) => check_crosswalk(&x, &Registry::default())
            .iter()
            .map(|p| p.to_string())
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

#[test]
fn broken_files_are_refused_with_the_place_named() {
    assert!(
        problems_of(MINIMAL).is_empty(),
        "{:?}",
        problems_of(MINIMAL)
    );
    let cases = [
        (MINIMAL.replace("section = \"s1\"", "section = \"s9\""), "item 1-(1): section \"s9\" does not exist"),
        (MINIMAL.replace("text = \"医療情報システム安全管理責任者を設置している。\"", "text = \" \""), "item 1-(1): text is empty"),
        (MINIMAL.replace("answer = \"yes_no\"", "answer = \"yes_no_per_device\""), "needs devices"),
        (MINIMAL.replace("id = \"mhlw/test@1\"", "id = \"mhlw/test@2\""), "catalog.id"),
        (MINIMAL.replace("coverage = { complete = true }", "coverage = { complete = false }"), "must say what is missing"),
        (MINIMAL.replace("provenance = \"verbatim\"", "provenance = \"unverified\""), "needs a note"),
        (format!("{MINIMAL}\n[[item]]\nid = \"1-(1)\"\nsection = \"s1\"\nnumber = \"1-(2)\"\ntext = \"x\"\nprovenance = \"seed\"\nsource = \"t\"\n"), "duplicate item id"),
        (format!("{MINIMAL}\n[[item]]\nid = \"b\"\nsection = \"s1\"\nnumber = \"1-(1)\"\ntext = \"x\"\nprovenance = \"seed\"\nsource = \"t\"\n"), "appears twice"),
        (MINIMAL.replace("answer = \"yes_no\"", "answer = \"maybe\""), "t.toml:"),
        (MINIMAL.replace("title = \"体制構築\"", "title = \"体制構築\"\ncolour = \"red\""), "unknown field"),
    ];
    for (text, expected) in cases {
        let p = problems_of(&text);
        assert!(
            p.iter().any(|m| m.contains(expected)),
            "expected {expected:?} in {p:?}"
        );
    }
    // A syntax error names line and column.
    let p = problems_of("format = 1\n[catalog\n");
    assert!(p[0].starts_with("t.toml:2:"), "{p:?}");
}

#[test]
fn crosswalks_must_resolve() {
    let mut r = Registry::default();
    r.add(parse("t.toml", MINIMAL).unwrap());
    let x = r#"
format = 1
[crosswalk]
id = "t"
from = "mhlw/test@1"
to = "mhlw/none@1"
title = "t"
source = "t"
[[relation]]
from = "9-(9)"
to = "s1"
kind = "equal"
provenance = "seed"
"#;
    let Document::Crosswalk(x) = parse("x.toml", x).unwrap() else {
        panic!()
    };
    let p: Vec<String> = check_crosswalk(&x, &r)
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(
        p.iter()
            .any(|m| m.contains("\"mhlw/none@1\" does not exist")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|m| m.contains("\"9-(9)\" is not an item or section")),
        "{p:?}"
    );
}

fn arb_item() -> impl Strategy<Value = Item> {
    (
        "[a-z0-9]{1,8}",
        "\\PC{1,40}",
        "\\PC{0,10}",
        prop::sample::select(vec![
            Answer::None,
            Answer::YesNo,
            Answer::Text,
            Answer::Date,
            Answer::YesNoPerDevice,
        ]),
        prop::sample::select(vec![
            Provenance::Verbatim,
            Provenance::Seed,
            Provenance::Unverified,
        ]),
        prop::collection::vec("\\PC{1,20}", 0..3),
        any::<bool>(),
    )
        .prop_map(
            |(id, text, number, answer, provenance, references, gate)| Item {
                id,
                section: "s1".into(),
                number: number.trim().to_string(),
                text,
                text_en: String::new(),
                scope: Scope::System,
                devices: if answer == Answer::YesNoPerDevice {
                    vec![Device::Server, Device::Network]
                } else {
                    vec![]
                },
                answer,
                role: vec![Addressee::Institution],
                gate,
                references,
                provenance,
                source: "src".into(),
                note: if provenance == Provenance::Unverified {
                    "未確認".into()
                } else {
                    String::new()
                },
            },
        )
}

proptest! {
    #[test]
    fn parse_write_parse_is_identity(items in prop::collection::vec(arb_item(), 0..12), title in "\\PC{1,60}", complete in any::<bool>()) {
        let Document::Catalog(mut c) = parse("t.toml", MINIMAL).unwrap() else { panic!() };
        c.catalog.title = title;
        c.catalog.coverage = Coverage { complete, missing: if complete { String::new() } else { "多く".into() } };
        c.items = items;
        let text = c.to_toml().unwrap();
        let back = parse("t.toml", &text).unwrap();
        prop_assert_eq!(back, Document::Catalog(c));
    }
}

#[path = "catalogs/import.rs"]
mod import;
#[path = "catalogs/official.rs"]
mod official;
