//! The diagram as a standalone SVG 1.1 document.

use crate::layout::{
    self, LegendKey, Rect, CONN_H, CONN_W, DEV_H, DEV_W, HEADER_FIRST, HEADER_STEP, LEGEND_SIZE,
    PAD, TITLE_SIZE, ZONE_NAME_SIZE, ZONE_SUB_SIZE,
};
use crate::text::{self, xml};
use crate::{Diagram, EdgeKind};
use std::collections::HashMap;
use std::fmt::{self, Write};

/// A vendor's colours: `stroke` for borders and bands (white text on it), `fill` for the
/// boxes it is responsible for (dark text, and `stroke` text, on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorColour {
    pub stroke: &'static str,
    pub fill: &'static str,
}

const PALETTE: [VendorColour; 8] = [
    VendorColour {
        stroke: "#1d5fa8",
        fill: "#e4eef9",
    },
    VendorColour {
        stroke: "#1e7a46",
        fill: "#e3f3e8",
    },
    VendorColour {
        stroke: "#a14f00",
        fill: "#fcebd9",
    },
    VendorColour {
        stroke: "#6b3fa0",
        fill: "#efe6f8",
    },
    VendorColour {
        stroke: "#00707f",
        fill: "#dcf1f3",
    },
    VendorColour {
        stroke: "#8a1c5b",
        fill: "#f8e3ee",
    },
    VendorColour {
        stroke: "#635c00",
        fill: "#f4f1d4",
    },
    VendorColour {
        stroke: "#3f4c5e",
        fill: "#e7ebf0",
    },
];

/// The vendors' colours, in the order of [`Diagram::vendors`] (repeating after eight: the
/// vendor's name is on every box, so colour is never the only cue). Red is kept for
/// remote-maintenance paths.
pub fn palette() -> &'static [VendorColour] {
    &PALETTE
}

const FONT: &str = "Noto Sans CJK JP, Noto Sans JP, sans-serif";
const INK: &str = "#0f172a";
const INK_SOFT: &str = "#334155";
const LINE: &str = "#475569";
const RED: &str = "#b3261e";
const NO_VENDOR: VendorColour = VendorColour {
    stroke: "#64748b",
    fill: "#ffffff",
};

/// A coordinate: whole numbers without decimals, others to one decimal.
struct N(f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = (self.0 * 10.0).round() / 10.0;
        if v.fract() == 0.0 {
            write!(f, "{}", v as i64)
        } else {
            write!(f, "{v:.1}")
        }
    }
}

/// `href` if it is a path or an http(s) URL; a `javascript:` or any other scheme is dropped.
fn safe_href(href: &str) -> Option<&str> {
    let h = href.trim();
    if h.is_empty() {
        return None;
    }
    match h.find([':', '/', '?', '#']) {
        Some(i) if h[i..].starts_with(':') => {
            let scheme = h[..i].to_ascii_lowercase();
            (scheme == "http" || scheme == "https").then_some(h)
        }
        _ => Some(h),
    }
}

/// A `<text>` element, cut to `max` width with … (the caller keeps the full text in a
/// `<title>`).
#[allow(clippy::too_many_arguments)]
fn text(out: &mut String, x: f64, y: f64, size: f64, bold: bool, fill: &str, max: f64, s: &str) {
    if s.is_empty() {
        return;
    }
    let (s, _) = text::fit(s, max, size, bold);
    let weight = if bold { " font-weight=\"bold\"" } else { "" };
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{weight} fill=\"{fill}\">{}</text>",
        N(x),
        N(y),
        N(size),
        xml(&s)
    );
}

fn rect(out: &mut String, r: Rect, rx: f64, fill: &str, stroke: &str, width: f64, extra: &str) {
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{}\"{extra}/>",
        N(r.x),
        N(r.y),
        N(r.w),
        N(r.h),
        N(rx),
        N(width)
    );
}

/// The diagram as a standalone SVG 1.1 document; the same input gives the same bytes.
pub fn svg(d: &Diagram) -> String {
    let l = layout::layout(d);
    let vendor_ix: HashMap<&str, usize> = {
        let mut m = HashMap::new();
        for (i, v) in d.vendors.iter().enumerate() {
            m.entry(v.id.as_str()).or_insert(i);
        }
        m
    };
    let vendor = |id: &Option<String>| -> Option<(usize, VendorColour)> {
        let i = *vendor_ix.get(id.as_deref()?)?;
        Some((i, PALETTE[i % PALETTE.len()]))
    };
    let mut out = String::with_capacity(4096 + 1200 * d.devices.len());
    let (w, h) = (N(l.width), N(l.height));
    let _ = writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    // An image, unless devices link to their pages: then a group, whose links a screen
    // reader reaches (an image's are hidden, and an image may not hold a link).
    let linked = d
        .devices
        .iter()
        .any(|v| v.href.as_deref().and_then(safe_href).is_some());
    let role = if linked { "group" } else { "img" };
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"{role}\" aria-labelledby=\"diagram-title diagram-desc\" font-family=\"{FONT}\">"
    );
    let desc = if d.description.trim().is_empty() {
        &d.title
    } else {
        &d.description
    };
    let _ = writeln!(out, "<title id=\"diagram-title\">{}</title>", xml(&d.title));
    let _ = writeln!(out, "<desc id=\"diagram-desc\">{}</desc>", xml(desc));
    let _ = writeln!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
    let (tx, ty) = l.title_at;
    text(
        &mut out,
        tx,
        ty,
        TITLE_SIZE,
        true,
        INK,
        f64::INFINITY,
        &d.title,
    );
    if let Some((x, y)) = l.external_heading {
        text(
            &mut out,
            x,
            y,
            13.0,
            true,
            INK_SOFT,
            CONN_W,
            &d.labels.external,
        );
    }

    // Zones.
    for g in &l.groups {
        let r = g.rect;
        let lines = layout::header_lines(d, g.index);
        match &g.zone {
            Some(id) => {
                let _ = writeln!(out, "<g class=\"zone\" data-id=\"{}\">", xml(id));
            }
            None => {
                let _ = writeln!(out, "<g class=\"zone unzoned\">");
            }
        }
        let _ = writeln!(out, "<title>{}</title>", xml(&lines.join(" / ")));
        let dashed = if g.zone.is_none() {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        rect(&mut out, r, 6.0, "#f8fafc", "none", 0.0, "");
        let head = Rect { h: g.header, ..r };
        rect(&mut out, head, 6.0, "#e2e8f0", "none", 0.0, "");
        let patch = Rect {
            y: r.y + g.header - 6.0,
            h: 6.0,
            ..r
        };
        rect(&mut out, patch, 0.0, "#e2e8f0", "none", 0.0, "");
        let _ = writeln!(
            out,
            "<path d=\"M{} {}H{}\" stroke=\"#94a3b8\" stroke-width=\"1\"/>",
            N(r.x),
            N(r.y + g.header),
            N(r.right())
        );
        rect(&mut out, r, 6.0, "none", "#64748b", 1.5, dashed);
        for (i, line) in lines.iter().enumerate() {
            let (size, bold, fill) = if i == 0 {
                (ZONE_NAME_SIZE, true, INK)
            } else {
                (ZONE_SUB_SIZE, false, INK_SOFT)
            };
            let y = r.y + HEADER_FIRST + HEADER_STEP * i as f64;
            text(
                &mut out,
                r.x + PAD,
                y,
                size,
                bold,
                fill,
                r.w - 2.0 * PAD,
                line,
            );
        }
        let _ = writeln!(out, "</g>");
    }

    // Edges, under the boxes they join.
    for e in &l.edges {
        let (colour, width, dash) = match (e.kind, e.maintenance) {
            (_, true) => (RED, 2.5, " stroke-dasharray=\"8 5\""),
            (EdgeKind::Connection, false) => ("#1e3a5f", 2.0, ""),
            (EdgeKind::ZoneLink, false) => (LINE, 2.0, ""),
        };
        let kind = match e.kind {
            EdgeKind::ZoneLink => "zone-link",
            EdgeKind::Connection => "connection",
        };
        let _ = writeln!(
            out,
            "<g class=\"edge\" data-from=\"{}\" data-to=\"{}\" data-kind=\"{kind}\" data-maintenance=\"{}\">",
            xml(&e.from),
            xml(&e.to),
            e.maintenance
        );
        let mut pts = String::new();
        for (i, (x, y)) in e.points.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(pts, "{sep}{},{}", N(*x), N(*y));
        }
        let _ = writeln!(
            out,
            "<polyline points=\"{pts}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{dash}/>",
            N(width)
        );
        for &(x, y) in [e.points.first(), e.points.last()].into_iter().flatten() {
            let _ = writeln!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>",
                N(x),
                N(y)
            );
        }
        // The maintenance mark on the first segment, when it is long enough.
        if let (true, [(x1, y1), (x2, _), ..]) = (e.maintenance, e.points.as_slice()) {
            let label = &d.labels.maintenance;
            let bw = text::width(label, 10.5, true) + 10.0;
            if !label.is_empty() && (x2 - x1).abs() >= bw + 18.0 {
                let bx = x1.min(*x2) + 10.0;
                let badge = Rect {
                    x: bx,
                    y: y1 - 19.0,
                    w: bw,
                    h: 16.0,
                };
                rect(&mut out, badge, 3.0, "#ffffff", RED, 1.0, "");
                text(&mut out, bx + 5.0, y1 - 7.0, 10.5, true, RED, bw, label);
            }
        }
        let _ = writeln!(out, "</g>");
    }

    // Devices.
    for n in &l.devices {
        let v = &d.devices[n.index];
        let r = n.rect;
        let href = v.href.as_deref().and_then(safe_href);
        if let Some(href) = href {
            let h = xml(href);
            let _ = writeln!(out, "<a href=\"{h}\" xlink:href=\"{h}\">");
        }
        let vend = vendor(&v.vendor);
        let _ = writeln!(out, "<g class=\"device\" data-id=\"{}\">", xml(&v.id));
        let mut tip = vec![v.name.clone(), v.kind.clone()];
        tip.extend(v.addresses.iter().cloned());
        if let Some((i, _)) = vend {
            tip.push(d.vendors[i].name.clone());
        }
        tip.retain(|s| !s.is_empty());
        let _ = writeln!(out, "<title>{}</title>", xml(&tip.join(" / ")));
        let c = vend.map_or(NO_VENDOR, |(_, c)| c);
        rect(&mut out, r, 4.0, c.fill, c.stroke, 1.5, "");
        let inner = DEV_W - 16.0;
        text(
            &mut out,
            r.x + 8.0,
            r.y + 18.0,
            12.5,
            true,
            INK,
            inner,
            &v.name,
        );
        let mut second = v.kind.clone();
        if let Some(a) = v.addresses.first() {
            if !second.is_empty() {
                second.push_str("  ");
            }
            second.push_str(a);
            if v.addresses.len() > 1 {
                let _ = write!(second, " +{}", v.addresses.len() - 1);
            }
        }
        text(
            &mut out,
            r.x + 8.0,
            r.y + 35.0,
            11.0,
            false,
            INK_SOFT,
            inner,
            &second,
        );
        if let Some((i, c)) = vend {
            let band = Rect {
                x: r.x + 0.75,
                y: r.y + DEV_H - 18.0,
                w: DEV_W - 1.5,
                h: 17.25,
            };
            rect(&mut out, band, 0.0, c.stroke, "none", 0.0, "");
            let name = &d.vendors[i].name;
            text(
                &mut out,
                r.x + 8.0,
                r.y + DEV_H - 5.0,
                10.5,
                true,
                "#ffffff",
                inner,
                name,
            );
        }
        let _ = writeln!(out, "</g>");
        if href.is_some() {
            let _ = writeln!(out, "</a>");
        }
    }

    // External connection points.
    for n in &l.connections {
        let c = &d.connections[n.index];
        let r = n.rect;
        let _ = writeln!(
            out,
            "<g class=\"connection\" data-id=\"{}\" data-maintenance=\"{}\">",
            xml(&c.id),
            c.maintenance
        );
        let vend = vendor(&c.vendor);
        let mut tip = vec![c.kind.clone(), c.counterpart.clone()];
        if let Some((i, _)) = vend {
            tip.push(d.vendors[i].name.clone());
        }
        if c.maintenance {
            tip.push(d.labels.maintenance.clone());
        }
        tip.retain(|s| !s.is_empty());
        let _ = writeln!(out, "<title>{}</title>", xml(&tip.join(" / ")));
        let (fill, stroke, dash) = if c.maintenance {
            ("#fff5f5", RED, " stroke-dasharray=\"6 3\"")
        } else {
            ("#ffffff", "#1e3a5f", "")
        };
        rect(&mut out, r, 14.0, fill, stroke, 2.0, dash);
        let mut kind_max = CONN_W - 24.0;
        if c.maintenance && !d.labels.maintenance.is_empty() {
            let tw = text::width(&d.labels.maintenance, 10.5, true) + 10.0;
            let tag = Rect {
                x: r.right() - tw - 10.0,
                y: r.y + 7.0,
                w: tw,
                h: 16.0,
            };
            rect(&mut out, tag, 3.0, RED, "none", 0.0, "");
            let label = &d.labels.maintenance;
            text(
                &mut out,
                tag.x + 5.0,
                tag.y + 12.0,
                10.5,
                true,
                "#ffffff",
                tw,
                label,
            );
            kind_max -= tw + 6.0;
        }
        text(
            &mut out,
            r.x + 12.0,
            r.y + 19.0,
            12.5,
            true,
            INK,
            kind_max,
            &c.kind,
        );
        let inner = CONN_W - 24.0;
        text(
            &mut out,
            r.x + 12.0,
            r.y + 36.0,
            11.0,
            false,
            INK_SOFT,
            inner,
            &c.counterpart,
        );
        if let Some((i, vc)) = vend {
            let sw = Rect {
                x: r.x + 12.0,
                y: r.y + CONN_H - 19.0,
                w: 10.0,
                h: 10.0,
            };
            rect(&mut out, sw, 2.0, vc.stroke, "none", 0.0, "");
            let name = &d.vendors[i].name;
            text(
                &mut out,
                r.x + 27.0,
                r.y + CONN_H - 10.0,
                10.5,
                false,
                INK_SOFT,
                inner - 15.0,
                name,
            );
        }
        let _ = writeln!(out, "</g>");
    }

    if let Some(r) = l.empty {
        let _ = writeln!(out, "<g class=\"empty\">");
        rect(
            &mut out,
            r,
            8.0,
            "#f8fafc",
            "#94a3b8",
            1.5,
            " stroke-dasharray=\"6 4\"",
        );
        let tw = text::width(&d.labels.empty, 14.0, false).min(r.w - 32.0);
        let (x, y) = (r.x + (r.w - tw) / 2.0, r.y + r.h / 2.0 + 5.0);
        text(
            &mut out,
            x,
            y,
            14.0,
            false,
            INK_SOFT,
            r.w - 32.0,
            &d.labels.empty,
        );
        let _ = writeln!(out, "</g>");
    }

    // Legend.
    let lg = l.legend;
    let _ = writeln!(out, "<g class=\"legend\">");
    rect(&mut out, lg, 6.0, "#ffffff", "#cbd5e1", 1.0, "");
    let size = LEGEND_SIZE;
    text(
        &mut out,
        lg.x + 16.0,
        lg.y + 28.0,
        size + 1.0,
        true,
        INK,
        200.0,
        &d.labels.legend,
    );
    for item in &l.legend_items {
        let r = item.rect;
        let _ = writeln!(out, "<g class=\"legend-item\">");
        let mid = r.y + r.h / 2.0;
        let swatch = Rect {
            x: r.x,
            y: r.y + 2.0,
            w: 32.0,
            h: 16.0,
        };
        match item.key {
            LegendKey::Vendor(i) => {
                let c = PALETTE[i % PALETTE.len()];
                rect(&mut out, swatch, 3.0, c.fill, c.stroke, 1.5, "");
                let band = Rect {
                    y: swatch.y + 10.0,
                    h: 6.0,
                    ..swatch
                };
                rect(&mut out, band, 0.0, c.stroke, "none", 0.0, "");
            }
            LegendKey::NoVendor => rect(
                &mut out,
                swatch,
                3.0,
                NO_VENDOR.fill,
                NO_VENDOR.stroke,
                1.5,
                "",
            ),
            LegendKey::Link | LegendKey::Maintenance => {
                let (colour, w, dash) = if item.key == LegendKey::Link {
                    (LINE, 2.0, "")
                } else {
                    (RED, 2.5, " stroke-dasharray=\"8 5\"")
                };
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {}H{}\" stroke=\"{colour}\" stroke-width=\"{}\"{dash}/>",
                    N(r.x),
                    N(mid),
                    N(r.x + 32.0),
                    N(w)
                );
            }
        }
        text(
            &mut out,
            r.x + 40.0,
            mid + 4.5,
            size,
            false,
            INK,
            r.w,
            &item.label,
        );
        let _ = writeln!(out, "</g>");
    }
    let _ = writeln!(out, "</g>");
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(hex: &str) -> f64 {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
        let ch = |s: u32| {
            let c = ((v >> s) & 0xff) as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(16) + 0.7152 * ch(8) + 0.0722 * ch(0)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_its_fill() {
        for c in PALETTE.iter().chain([&NO_VENDOR]) {
            assert!(contrast(INK, c.fill) >= 4.5, "{c:?}");
            assert!(contrast(INK_SOFT, c.fill) >= 4.5, "{c:?}");
        }
        for c in PALETTE {
            assert!(contrast("#ffffff", c.stroke) >= 4.5, "white on {c:?}");
            assert!(contrast(c.stroke, c.fill) >= 4.5, "{c:?}");
        }
        for (fg, bg) in [
            ("#ffffff", RED),
            (RED, "#ffffff"),
            (INK, "#e2e8f0"),
            (INK_SOFT, "#e2e8f0"),
            (INK_SOFT, "#f8fafc"),
            (INK, "#fff5f5"),
            (INK_SOFT, "#fff5f5"),
        ] {
            assert!(contrast(fg, bg) >= 4.5, "{fg} on {bg}");
        }
    }

    #[test]
    fn vendor_colours_are_distinct() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert_ne!(a.stroke, b.stroke);
                assert_ne!(a.fill, b.fill);
            }
        }
    }

    #[test]
    fn only_paths_and_web_links_are_kept() {
        assert_eq!(safe_href("/assets/1"), Some("/assets/1"));
        assert_eq!(safe_href("https://x/a?b:c"), Some("https://x/a?b:c"));
        assert_eq!(safe_href("assets/1#a:b"), Some("assets/1#a:b"));
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("java\nscript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,x"), None);
        assert_eq!(safe_href(""), None);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.25).to_string(), "12.3");
        assert_eq!(N(-0.04).to_string(), "0");
    }
}
