//! Unit tests of reading rows: identity across printings, headings, suffixes.
use super::*;

#[test]
fn printing_variants_are_one_number() {
    assert_eq!(number_key("1-(1)"), number_key("1-①"));
    assert_eq!(number_key("１－（１）"), number_key("1-(1)"));
    assert_eq!(number_key("Part2 A-11"), number_key("Part2 A11"));
    assert_eq!(number_key("Part 2 A-11"), number_key("Part２ Ａ１１"));
    assert_eq!(number_key("Part1 A2①"), number_key("Part1 A-2 ①"));
    assert_ne!(number_key("1-11"), number_key("11-1"));
    assert_ne!(number_key("Part1 A-1"), number_key("Part2 A-1"));
    assert_eq!(number_key("2-⑬"), "2.13");
}

#[test]
fn headings_and_suffixes() {
    assert_eq!(
        read_heading("Part 2 医療機関と事業者が共同で実施する項目"),
        HeadingAs::Part(2)
    );
    assert_eq!(
        read_heading("Ｐａｒｔ１ 主に医療機関が実施する項目"),
        HeadingAs::Part(1)
    );
    assert_eq!(
        read_heading("参考 「医療機関における…」該当項目"),
        HeadingAs::Reference
    );
    assert_eq!(
        read_heading("A 共通"),
        HeadingAs::Section {
            number: "A".into(),
            title: "共通".into()
        }
    );
    assert_eq!(
        read_heading("2 医療情報システムの管理・運用"),
        HeadingAs::Section {
            number: "2".into(),
            title: "医療情報システムの管理・運用".into()
        }
    );
    assert_eq!(
        read_heading("医療情報システムの有無"),
        HeadingAs::Section {
            number: String::new(),
            title: "医療情報システムの有無".into()
        }
    );
    let (d, len, whole) = device_suffix("接続元制限を実施している。(ネットワーク機器)").unwrap();
    assert_eq!((d, whole), (vec![Device::Network], false));
    assert_eq!(len, "(ネットワーク機器)".len());
    let (d, _, _) = device_suffix("不要なソフトウェアを停止している。（サーバ、端末 PC）").unwrap();
    assert_eq!(d, vec![Device::Server, Device::Terminal]);
    let (d, _, whole) = device_suffix("台帳管理を行っている。(医療情報システム全般)").unwrap();
    assert!(d.is_empty() && whole);
    assert!(device_suffix("確認する(年1回)。").is_none());
    assert!(device_suffix("リモートメンテナンス（保守）を利用している").is_none());
    assert_eq!(col_index("A"), Some(0));
    assert_eq!(col_index("ab"), Some(27));
    assert_eq!(col_index("1"), None);
}
