//! The house rules of the code's shape, checked on the source: a web feature never imports
//! another feature, and no Rust source file is over 800 lines.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_feature_imports_another() {
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/features");
    let mut names = vec![];
    for entry in std::fs::read_dir(&features).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            names.push(path.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    assert!(names.len() >= 5, "features found: {names:?}");
    let mut found = vec![];
    for own in &names {
        let mut files = vec![];
        rust_files(&features.join(own), &mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for other in names.iter().filter(|n| *n != own) {
                if text.contains(&format!("features::{other}")) {
                    found.push(format!("{} uses {other}", f.display()));
                }
            }
            if text.contains("super::super::") {
                found.push(format!("{} reaches out through super::super", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn no_rust_file_is_over_800_lines() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    rust_files(&crates, &mut files);
    assert!(files.len() > 100, "the sources were found");
    let long: Vec<String> = files
        .iter()
        .filter(|f| !f.components().any(|c| c.as_os_str() == "target"))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 800).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}
