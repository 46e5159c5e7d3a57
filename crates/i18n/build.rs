//! Joins each language's Fluent files (`locales/<lang>/*.ftl`, one per feature, in name
//! order) into one embedded source, so a feature adds its messages by adding a file.

use std::fs;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for lang in ["ja", "en"] {
        let dir = Path::new("locales").join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .expect("locales directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
            .collect();
        files.sort();
        let mut joined = String::new();
        for f in files {
            println!("cargo:rerun-if-changed={}", f.display());
            joined.push_str(&fs::read_to_string(&f).expect("readable .ftl file"));
            if !joined.ends_with('\n') {
                joined.push('\n');
            }
        }
        fs::write(Path::new(&out).join(format!("{lang}.ftl")), joined).expect("OUT_DIR writable");
    }
}
