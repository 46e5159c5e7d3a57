//! Reads an end-of-support folder and prints a summary, the time taken and, for each further
//! argument, the suggestions for that OS text (a `cpe:` argument is read as a CPE).
//!
//! `cargo run --release -p mamori-feeds --example eos_scan -- ../shared/feeds/eos "RHEL 9.4"`

use std::time::Instant;

use mamori_feeds::eos::{read_dir_eos, suggest, EosIndex};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: eos_scan DIR [OS text | cpe:…]…");
        std::process::exit(2);
    };
    let started = Instant::now();
    let batch = match read_dir_eos(&dir) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let read = started.elapsed();
    let index = EosIndex::new(&batch.products).with_identifiers(&batch.identifiers);
    let indexed = started.elapsed();
    println!("{}", batch.summary());
    println!(
        "read in {:.1} ms, indexed in {:.1} ms",
        read.as_secs_f64() * 1e3,
        (indexed - read).as_secs_f64() * 1e3
    );
    for s in &batch.skipped {
        println!("skipped {}: {}", s.path, s.reason);
    }
    for e in &batch.failed {
        println!("failed {e}");
    }
    for w in &batch.warnings {
        println!("warning {w}");
    }
    for q in args {
        let (text, cpe) = if q.starts_with("cpe:") {
            ("", Some(q.as_str()))
        } else {
            (q.as_str(), None)
        };
        println!("{q:?}");
        for s in suggest(text, cpe, &index) {
            println!(
                "  {:>3} {}/{} {} [{}]",
                s.score, s.product, s.cycle, s.label, s.reason
            );
        }
    }
}
