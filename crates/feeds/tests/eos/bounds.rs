//! Bounds and bad input: size limit, broken YAML, skipped entries, walk limits.

use std::fs;
use std::path::PathBuf;

use mamori_feeds::eos::{
    parse, parse_file, read_dir_eos, read_dir_eos_with, EosError, WalkLimits, MAX_FILE_BYTES,
};

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("mamori-feeds-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.0.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const GOOD: &str =
    "---\ntitle: Good\nreleases:\n  - releaseCycle: \"1\"\n    eol: 2020-01-01\n---\n";

#[test]
fn a_file_over_the_limit_is_refused() {
    let mut big = b"---\ntitle: Big\nreleases: []\n---\n".to_vec();
    big.resize(MAX_FILE_BYTES + 1, b' ');
    let e = parse("products/big.md", &big).unwrap_err();
    assert!(
        matches!(e, EosError::TooLarge { size, .. } if size == MAX_FILE_BYTES as u64 + 1),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("products/big.md: 16777217 bytes is over the limit of 16777216"),
        "{e}"
    );
    big.truncate(MAX_FILE_BYTES);
    assert_eq!(parse("products/big.md", &big).unwrap()[0].cycles.len(), 0);

    // In a walk the file is refused from its size, not read; the others are read.
    let dir = TempDir::new("limit");
    let big_path = dir.write("products/big.md", &[b' '; 3000]);
    dir.write("products/good.md", GOOD.as_bytes());
    let limits = WalkLimits {
        max_file_bytes: 2000,
        ..WalkLimits::default()
    };
    let mut seen = Vec::new();
    let batch = read_dir_eos_with(&dir.0, &limits, |p| seen.push(p.to_string())).unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(batch.failed.len(), 1);
    assert!(batch.failed[0]
        .to_string()
        .starts_with(&format!("{big_path}: 3000 bytes is over the limit of 2000")));
    assert_eq!((batch.product_count(), batch.cycle_count()), (1, 1));
}

#[test]
fn broken_yaml_names_the_file_and_the_batch_goes_on() {
    let broken = "---\ntitle: Broken\nreleases:\n  - releaseCycle: \"1\n    eol: 2020-01-01\n---\n";
    let e = parse("products/broken.md", broken.as_bytes()).unwrap_err();
    assert!(matches!(e, EosError::Yaml { .. }), "{e:?}");
    assert!(e.to_string().starts_with("products/broken.md:"), "{e}");

    let e = parse("products/tab.md", b"---\ntitle: x\nreleases:\n\t- a\n---\n").unwrap_err();
    assert!(e.to_string().starts_with("products/tab.md:4:"), "{e}");

    let e = parse(
        "products/alias.md",
        b"---\ntitle: &t x\nother: *t\nreleases: []\n---\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("aliases"), "{e}");

    let e = parse(
        "products/latin1.md",
        b"---\ntitle: caf\xe9\nreleases: []\n---\n",
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "products/latin1.md: not UTF-8 text (invalid byte at offset 14)"
    );

    let dir = TempDir::new("broken");
    let path = dir.write("broken.md", broken.as_bytes());
    dir.write("good.md", GOOD.as_bytes());
    let batch = read_dir_eos(&dir.0).unwrap();
    assert_eq!(batch.failed.len(), 1);
    assert!(
        batch.failed[0].to_string().starts_with(&format!("{path}:")),
        "{}",
        batch.failed[0]
    );
    assert_eq!(batch.product_count(), 1);
}

#[test]
fn an_entry_without_release_cycle_is_skipped_and_counted() {
    let page = "---\ntitle: Partial\nreleases:\n  - releaseCycle: \"2\"\n    eol: false\n  - releaseDate: 2020-01-01\n    eol: true\n  - releaseCycle: \"\"\n    eol: true\n  - just a string\n---\n";
    let p = parse_file("products/partial.md", page.as_bytes()).unwrap();
    assert_eq!(p.products[0].cycles.len(), 1);
    let w: Vec<String> = p.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        w,
        [
            "products/partial.md:6: field `releases[1].releaseCycle`: missing; entry skipped",
            "products/partial.md:8: field `releases[2].releaseCycle`: missing; entry skipped",
            "products/partial.md:10: field `releases[3].`: expected a mapping, got a scalar; entry skipped",
        ]
    );

    let dir = TempDir::new("partial");
    dir.write("partial.md", page.as_bytes());
    let batch = read_dir_eos(&dir.0).unwrap();
    assert_eq!(batch.files[0].warnings, 3);
    assert_eq!(batch.warnings.len(), 3);
    assert_eq!(batch.cycle_count(), 1);
}

#[test]
fn walk_limits_stop_the_walk() {
    let dir = TempDir::new("walk");
    for i in 0..5 {
        dir.write(&format!("p{i}.md"), GOOD.as_bytes());
    }
    let limits = WalkLimits {
        max_files: 4,
        ..WalkLimits::default()
    };
    let e = read_dir_eos_with(&dir.0, &limits, |_| {}).unwrap_err();
    assert!(e.to_string().ends_with("more than 4 files"), "{e}");

    let limits = WalkLimits {
        max_total_bytes: 100,
        ..WalkLimits::default()
    };
    let e = read_dir_eos_with(&dir.0, &limits, |_| {}).unwrap_err();
    assert!(e.to_string().ends_with("more than 100 bytes in all"), "{e}");

    dir.write("a/b/c/deep.md", GOOD.as_bytes());
    let limits = WalkLimits {
        max_depth: 2,
        ..WalkLimits::default()
    };
    let e = read_dir_eos_with(&dir.0, &limits, |_| {}).unwrap_err();
    assert!(e.to_string().ends_with("deeper than 2 directories"), "{e}");

    // A single file is read too; a missing path is an I/O error naming it.
    let batch = read_dir_eos(dir.0.join("p0.md")).unwrap();
    assert_eq!(batch.product_count(), 1);
    let e = read_dir_eos(dir.0.join("absent")).unwrap_err();
    assert!(
        matches!(e, EosError::Io { ref path, .. } if path.ends_with("absent")),
        "{e:?}"
    );
}
