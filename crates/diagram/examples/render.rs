//! Writes the fixture hospital and a synthetic diagram as SVG and DOT into a folder:
//! `cargo run -p mamori-diagram --example render -- /tmp/diagram [devices zones]`.

#[path = "../tests/common/mod.rs"]
mod common;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "diagram".into()));
    let devices = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let zones = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    std::fs::create_dir_all(&dir)?;
    let fixture = common::hospital();
    std::fs::write(dir.join("hospital.svg"), mamori_diagram::svg(&fixture))?;
    std::fs::write(dir.join("hospital.dot"), mamori_diagram::dot(&fixture))?;
    let sample = mamori_diagram::sample(devices, zones);
    let started = std::time::Instant::now();
    let svg = mamori_diagram::svg(&sample);
    let took = started.elapsed();
    std::fs::write(dir.join("sample.svg"), &svg)?;
    std::fs::write(dir.join("sample.dot"), mamori_diagram::dot(&sample))?;
    println!(
        "sample {devices} devices / {zones} zones: svg {} bytes in {took:?}",
        svg.len()
    );
    Ok(())
}
