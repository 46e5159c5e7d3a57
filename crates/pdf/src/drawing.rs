//! An SVG drawing (the network diagram) as PDF: on A4 landscape pages, the text in the
//! embedded Japanese font so that it prints without system fonts and stays extractable.
//!
//! The first page shows the whole drawing scaled to fit. A drawing too large to read at that
//! scale continues on enlarged pages, each a part of it at a scale where its smallest text
//! is over 6 pt, overlapping their neighbours a little, left to right and top down.

use crate::{PdfError, FONT};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use std::sync::Arc;

// A4 landscape in points; the drawing's area leaves room for a footer line.
const W: f32 = 842.0;
const H: f32 = 595.0;
const MARGIN: f32 = 24.0;
const FOOTER: f32 = 14.0;
/// The scale of the enlarged parts (the drawing's 11 px text becomes 6.6 pt).
const READABLE: f32 = 0.6;
/// The scale under which the whole drawing on one page is too small to read (its 11 px text
/// under 5.5 pt), and enlarged parts follow.
const LEGIBLE: f32 = 0.5;
/// How much of its neighbour an enlarged part repeats, in points.
const OVERLAP: f32 = 36.0;
const FAMILY: &str = "Noto Sans CJK JP";

fn svg_error(e: impl std::fmt::Display) -> PdfError {
    PdfError::Svg(e.to_string())
}

/// The SVG document `svg` as a PDF: the whole drawing on an A4 landscape page, then, when it
/// is too large to read there, its parts enlarged on further pages. Text is set in the
/// embedded font (whatever family the SVG names) and can be searched and copied.
pub fn svg_pdf(svg: &str) -> Result<Vec<u8>, PdfError> {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(FONT.to_vec());
    for set in [
        usvg::fontdb::Database::set_sans_serif_family,
        usvg::fontdb::Database::set_serif_family,
        usvg::fontdb::Database::set_monospace_family,
        usvg::fontdb::Database::set_cursive_family,
        usvg::fontdb::Database::set_fantasy_family,
    ] {
        set(&mut fonts, FAMILY);
    }
    let options = usvg::Options {
        font_family: FAMILY.into(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(svg_error)?;
    let font = Font::new(FONT.to_vec().into(), 0).ok_or(PdfError::Font)?;
    let (tw, th) = (tree.size().width(), tree.size().height());
    let (cw, ch) = (W - 2.0 * MARGIN, H - 2.0 * MARGIN - FOOTER);
    let fit = (cw / tw).min(ch / th).min(1.0);

    // The enlarged parts: (left, top) in the drawing's units.
    let mut parts: Vec<(f32, f32)> = Vec::new();
    if fit < LEGIBLE {
        let step_x = (cw - OVERLAP) / READABLE;
        let step_y = (ch - OVERLAP) / READABLE;
        let count = |total: f32, view: f32, step: f32| {
            (((total - view).max(0.0) / step).ceil() as usize + 1).max(1)
        };
        let nx = count(tw, cw / READABLE, step_x);
        let ny = count(th, ch / READABLE, step_y);
        for row in 0..ny {
            for col in 0..nx {
                parts.push((col as f32 * step_x, row as f32 * step_y));
            }
        }
    }
    let total = parts.len();

    let mut doc = Document::new();
    let page_settings = || PageSettings::from_wh(W, H).ok_or(PdfError::Pdf("page size".into()));
    {
        let mut page = doc.start_page_with(page_settings()?);
        let mut surface = page.surface();
        let size = Size::from_wh(tw * fit, th * fit).ok_or_else(|| svg_error("empty drawing"))?;
        // Centred in the drawing's area.
        let (x, y) = (
            MARGIN + (cw - tw * fit) / 2.0,
            MARGIN + (ch - th * fit) / 2.0,
        );
        surface.push_transform(&Transform::from_translate(x, y));
        surface.draw_svg(&tree, size, SvgSettings::default());
        surface.pop();
        let footer = if total > 0 {
            format!("全体図（拡大図 {total} ページが続きます）")
        } else {
            String::new()
        };
        write_footer(&mut surface, &font, &footer);
        drop(surface);
        page.finish();
    }
    let columns = parts.iter().filter(|p| p.1 == 0.0).count().max(1);
    for (k, (left, top)) in parts.iter().enumerate() {
        let mut page = doc.start_page_with(page_settings()?);
        let mut surface = page.surface();
        let clip = Rect::from_xywh(MARGIN, MARGIN, cw, ch)
            .map(|r| {
                let mut pb = PathBuilder::new();
                pb.push_rect(r);
                pb
            })
            .and_then(PathBuilder::finish)
            .ok_or_else(|| svg_error("clip"))?;
        surface.push_clip_path(&clip, &FillRule::NonZero);
        surface.push_transform(&Transform::from_translate(
            MARGIN - left * READABLE,
            MARGIN - top * READABLE,
        ));
        let size = Size::from_wh(tw * READABLE, th * READABLE)
            .ok_or_else(|| svg_error("empty drawing"))?;
        surface.draw_svg(&tree, size, SvgSettings::default());
        surface.pop();
        surface.pop();
        let footer = format!(
            "拡大図 {} / {total}（{} 行目・{} 列目）",
            k + 1,
            k / columns + 1,
            k % columns + 1
        );
        write_footer(&mut surface, &font, &footer);
        drop(surface);
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Pdf(format!("{e:?}")))
}

fn write_footer(surface: &mut krilla::surface::Surface, font: &Font, text: &str) {
    if text.is_empty() {
        return;
    }
    surface.set_fill(Some(Fill::default()));
    surface.draw_text(
        Point::from_xy(MARGIN, H - MARGIN / 2.0 - 2.0),
        font.clone(),
        7.5,
        text,
        false,
        TextDirection::Auto,
    );
}
