//! An SVG file as PDF, to look at: `cargo run -p mamori-pdf --example svg_pdf -- in.svg out.pdf`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: svg_pdf IN.svg OUT.pdf".into());
    };
    let svg = std::fs::read_to_string(input)?;
    std::fs::write(output, mamori_pdf::svg_pdf(&svg)?)?;
    Ok(())
}
