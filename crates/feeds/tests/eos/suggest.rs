//! The acceptance cases of the suggestions, against the committed real files (always) and
//! against the whole shared folder (when present: 73 products make names more ambiguous).

use crate::common::*;
use mamori_feeds::eos::{
    read_dir_eos, suggest, EosIndex, EosStatus, Suggestion, Support, MIN_SCORE,
};

fn index_of(dir: &std::path::Path) -> EosIndex {
    let batch = read_dir_eos(dir).unwrap();
    assert!(batch.failed.is_empty(), "{:?}", batch.failed);
    EosIndex::new(&batch.products).with_identifiers(&batch.identifiers)
}

fn top(index: &EosIndex, text: &str, cpe: Option<&str>) -> Suggestion {
    let s = suggest(text, cpe, index);
    assert!(!s.is_empty(), "no suggestion for {text:?} / {cpe:?}");
    assert!(s.len() <= 5);
    assert!(s.windows(2).all(|w| w[0].score >= w[1].score), "{s:?}");
    s.into_iter().next().unwrap()
}

/// The top suggestion is `product/cycle`, and its `eol` is `eol` (read from the file) with
/// `status` on 2026-11-25 (180-day window).
fn expect(
    index: &EosIndex,
    text: &str,
    cpe: Option<&str>,
    product: &str,
    cycle_id: &str,
    eol: &str,
    status: EosStatus,
) {
    let s = top(index, text, cpe);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str()),
        (product, cycle_id),
        "{text:?} / {cpe:?}: {s:?}"
    );
    assert!(s.score >= MIN_SCORE);
    let c = cycle(index.products(), product, cycle_id);
    assert_eq!(c.eol, Support::On(d(eol)), "{product}/{cycle_id}");
    assert_eq!(c.status(today(), 180), status, "{product}/{cycle_id}");
}

fn acceptance(index: &EosIndex) {
    use EosStatus::*;
    let ws = "windows-server";
    expect(
        index,
        "Windows Server 2012 R2 Standard",
        None,
        ws,
        "2012-r2",
        "2023-10-10",
        Passed,
    );
    let s = top(index, "Windows Server 2012 R2 Standard", None);
    assert_eq!(s.label, "Windows Server 2012 R2 (LTS)");
    assert!(s.reason.contains("2012 r2"), "{s:?}");
    // The cycle without R2 comes second, lower.
    let all = suggest("Windows Server 2012 R2 Standard", None, index);
    assert_eq!(all[1].cycle, "2012");
    assert!(all[1].score < all[0].score);

    expect(
        index,
        "Windows Server 2019",
        None,
        ws,
        "2019",
        "2029-01-09",
        Supported,
    );
    assert_eq!(
        suggest("Windows Server 2019", None, index).len(),
        1,
        "1809-sac is another cycle"
    );
    expect(
        index,
        "Red Hat Enterprise Linux 9.4",
        None,
        "rhel",
        "9",
        "2032-05-31",
        Supported,
    );
    expect(index, "RHEL 9", None, "rhel", "9", "2032-05-31", Supported);
    expect(index, "CentOS 7", None, "centos", "7", "2024-06-30", Passed);
    expect(
        index,
        "Linux CentOS 7.9",
        None,
        "centos",
        "7",
        "2024-06-30",
        Passed,
    );
    expect(
        index,
        "Dell RHEL 9",
        None,
        "rhel",
        "9",
        "2032-05-31",
        Supported,
    );
    expect(
        index,
        "Ubuntu 22.04 LTS",
        None,
        "ubuntu",
        "22.04",
        "2027-04-01",
        Within(127),
    );
    expect(
        index,
        "FortiOS 7.0.12",
        None,
        "fortios",
        "7.0",
        "2025-09-30",
        Passed,
    );
    expect(
        index,
        "FortiGate (FortiOS v6.4.9)",
        None,
        "fortios",
        "6.4",
        "2024-09-30",
        Passed,
    );
    // windows.md has one 10 22H2 cycle for every edition (no -w / -e split for it).
    expect(
        index,
        "Windows 10 Pro 22H2",
        None,
        "windows",
        "10-22h2",
        "2025-10-14",
        Passed,
    );
    assert_eq!(
        cycle(index.products(), "windows", "10-22h2").eoes,
        Some(Support::On(d("2028-10-10")))
    );
    // Where windows.md splits editions, Pro/Home is the workstation cycle, Enterprise/Education
    // the enterprise one.
    expect(
        index,
        "Windows 11 Pro 23H2",
        None,
        "windows",
        "11-23h2-w",
        "2025-11-11",
        Passed,
    );
    expect(
        index,
        "Windows 11 Enterprise 23H2",
        None,
        "windows",
        "11-23h2-e",
        "2026-11-10",
        Passed,
    );
    expect(
        index,
        "Windows 11 Education 24H2",
        None,
        "windows",
        "11-24h2-e",
        "2027-10-12",
        Supported,
    );
    expect(
        index,
        "Windows 10 Enterprise LTSC 2021",
        None,
        "windows",
        "10-21h2-e-lts",
        "2027-01-12",
        Within(48),
    );

    let cpe = "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*";
    expect(index, "", Some(cpe), ws, "2012-r2", "2023-10-10", Passed);
    let s = top(index, "", Some(cpe));
    assert_eq!(s.reason, "cpe windows_server_2012 r2");
    // Text and CPE agreeing score higher than either.
    let both = top(index, "Windows Server 2012 R2 Standard", Some(cpe));
    assert_eq!(both.cycle, "2012-r2");
    assert!(
        both.score > s.score && both.reason.contains("cpe") && both.reason.contains("text"),
        "{both:?}"
    );
    // A CPE that is one of the product's identifiers.
    let s = top(index, "", Some("cpe:/o:redhat:enterprise_linux:9.4"));
    assert_eq!((s.product.as_str(), s.cycle.as_str()), ("rhel", "9"));
    assert!(s.reason.starts_with("cpe redhat:enterprise_linux"), "{s:?}");

    expect(
        index,
        "Windows Server 2016（日本語版）",
        None,
        ws,
        "2016",
        "2027-01-12",
        Within(48),
    );
    expect(
        index,
        "ＷＩＮＤＯＷＳ　ＳＥＲＶＥＲ　２０１６",
        None,
        ws,
        "2016",
        "2027-01-12",
        Within(48),
    );
    expect(
        index,
        "ウィンドウズサーバー2016",
        None,
        ws,
        "2016",
        "2027-01-12",
        Within(48),
    );

    for nothing in [
        "YAMAHA RTX1210 Rev.14.01",
        "Synology DSM 7.2",
        "",
        "   ",
        "Windows Server",
        "Linux 9",
        "Cisco IOS 15.2",
    ] {
        let s = suggest(nothing, None, index);
        assert!(s.is_empty(), "{nothing:?}: {s:?}");
    }
    assert!(suggest(
        "",
        Some("cpe:2.3:o:yamaha:rtx1210:14.01:*:*:*:*:*:*:*"),
        index
    )
    .is_empty());
    assert!(suggest("", Some("not a cpe"), index).is_empty());
}

#[test]
fn acceptance_on_the_committed_fixtures() {
    let index = index_of(&fixtures());
    acceptance(&index);
    // Products not in the data are never suggested, whatever the text says.
    assert!(suggest("Oracle Linux 8.9", None, &index).is_empty());
    assert!(suggest("SQL Server 2016 SP3", None, &index).is_empty());
}

#[test]
fn acceptance_on_the_whole_shared_folder() {
    let Some(dir) = shared_eos("acceptance_on_the_whole_shared_folder") else {
        return;
    };
    let index = index_of(&dir);
    acceptance(&index);
    // Names that only the full catalog has.
    let s = top(&index, "SQL Server 2016 SP3", None);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str(), s.label.as_str()),
        ("mssqlserver", "13.0-sp3", "Microsoft SQL Server 2016 SP3")
    );
    let s = top(&index, "Debian GNU/Linux 12 (bookworm)", None);
    assert_eq!((s.product.as_str(), s.cycle.as_str()), ("debian", "12"));
    let s = top(&index, "Cisco IOS XE 17.9.4", None);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str()),
        ("cisco-ios-xe", "17.9")
    );
    let s = top(&index, "Oracle Linux 8.9", None);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str()),
        ("oracle-linux", "8")
    );
    let s = top(&index, "HPE Custom Image VMware ESXi 7.0 U3", None);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str()),
        ("vmware-esxi", "7.0")
    );
    let s = top(&index, "HPE ESXi 8.0", None);
    assert_eq!(
        (s.product.as_str(), s.cycle.as_str()),
        ("vmware-esxi", "8.0")
    );
    assert!(suggest("Cisco IOS 15.2", None, &index).is_empty());
    let s = top(&index, "iOS 17.5", None);
    assert_eq!((s.product.as_str(), s.cycle.as_str()), ("ios", "17"));
}
