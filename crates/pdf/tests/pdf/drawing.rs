//! The network diagram's SVG as PDF, read back with pdftotext (poppler-utils) when it is
//! installed: the zone and device names are there as text, in the embedded font.

use mamori_diagram::{Connection, Device, Diagram, Labels, Vendor, Zone, ZoneLink};

fn diagram() -> Diagram {
    let device = |id: &str, name: &str, kind: &str, zone: &str, vendor: &str| Device {
        id: id.into(),
        name: name.into(),
        kind: kind.into(),
        zone: Some(zone.into()),
        addresses: vec!["10.1.0.10".into()],
        vendor: Some(vendor.into()),
        href: None,
    };
    Diagram {
        title: "さくら総合病院 ネットワーク構成図".into(),
        description: String::new(),
        zones: vec![
            Zone {
                id: "his".into(),
                name: "電子カルテ系".into(),
                purpose: "電子カルテ・部門システム".into(),
                ranges: vec!["10.1.0.0/16".into()],
            },
            Zone {
                id: "net".into(),
                name: "インターネット系".into(),
                purpose: String::new(),
                ranges: vec!["192.168.10.0/24".into()],
            },
        ],
        devices: vec![
            device("db", "電子カルテサーバ", "サーバ", "his", "a"),
            device("vpn", "保守用VPN装置", "UTM", "his", "b"),
            device("fw", "境界ファイアウォール", "ファイアウォール", "net", "a"),
        ],
        zone_links: vec![ZoneLink {
            from_zone: "his".into(),
            to_zone: "net".into(),
            via_device: Some("fw".into()),
        }],
        connections: vec![Connection {
            id: "maint".into(),
            kind: "保守回線".into(),
            counterpart: "B社 リモート保守センター".into(),
            via_device: Some("vpn".into()),
            vendor: Some("b".into()),
            maintenance: true,
        }],
        vendors: vec![
            Vendor {
                id: "a".into(),
                name: "A社".into(),
            },
            Vendor {
                id: "b".into(),
                name: "B社".into(),
            },
        ],
        labels: Labels {
            unzoned: "ゾーン未設定".into(),
            legend: "凡例".into(),
            maintenance: "保守".into(),
            maintenance_path: "リモート保守経路".into(),
            link: "ネットワーク接続".into(),
            external: "外部接続".into(),
            no_vendor: "ベンダー未設定".into(),
            empty: "ゾーン・機器が登録されていません".into(),
        },
    }
}

/// The PDF's text by pdftotext, or `None` when poppler-utils is not installed.
fn text_of(pdf: &[u8], name: &str) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("mamori-drawing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn the_diagram_prints_with_its_japanese_names_as_text() {
    let svg = mamori_diagram::svg(&diagram());
    let pdf = mamori_pdf::svg_pdf(&svg).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let pages = pdf.windows(10).filter(|w| w == b"/Type /Pag").count();
    assert!(pages >= 1);
    if let Some(text) = text_of(&pdf, "small") {
        for needle in [
            "電子カルテ系",
            "10.1.0.0/16",
            "電子カルテサーバ",
            "境界ファイアウォール",
            "保守回線",
            "凡例",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert!(
            !text.contains("拡大図"),
            "a small drawing fits one page: {text}"
        );
    }
}

#[test]
fn a_large_diagram_continues_on_enlarged_pages() {
    let svg = mamori_diagram::svg(&mamori_diagram::sample(500, 10));
    let pdf = mamori_pdf::svg_pdf(&svg).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Some(text) = text_of(&pdf, "large") {
        assert!(text.contains("全体図"), "{text}");
        assert!(text.contains("拡大図 1 /"));
        // Every device's name is on the overview page and again on an enlarged one.
        let name = "ファイアウォール-001";
        assert!(text.matches(name).count() >= 2, "{name}");
        assert!(text.contains("医療機器系"));
    }
}

#[test]
fn broken_svg_is_an_error() {
    assert!(matches!(
        mamori_pdf::svg_pdf("<svg"),
        Err(mamori_pdf::PdfError::Svg(_))
    ));
}
