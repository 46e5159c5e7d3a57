//! The diagram as Graphviz DOT: a cluster per zone, a node per device and connection point,
//! the same edges as the drawing.

use crate::layout::{self, NodeKind};
use crate::svg::palette;
use crate::Diagram;
use std::collections::HashMap;
use std::fmt::Write;

/// A DOT quoted string for an id: only `"` needs escaping in DOT, and a backslash is doubled
/// so that one at the end cannot escape the closing quote (the mapping stays one-to-one).
fn id(prefix: &str, s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    out.push('"');
    out.push_str(prefix);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A DOT quoted label (an escString): lines joined with `\n`, backslashes and quotes escaped.
fn label(lines: &[&str]) -> String {
    let mut out = String::from("\"");
    for (i, line) in lines.iter().filter(|l| !l.is_empty()).enumerate() {
        if i > 0 {
            out.push_str("\\n");
        }
        for c in line.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out.push('"');
    out
}

/// The diagram as Graphviz DOT (an undirected graph, left to right). Node ids are the
/// diagram's ids prefixed with `zone:`, `device:` or `connection:`.
pub fn dot(d: &Diagram) -> String {
    let l = layout::layout(d);
    let mut vendor_ix: HashMap<&str, usize> = HashMap::new();
    for (i, v) in d.vendors.iter().enumerate() {
        vendor_ix.entry(v.id.as_str()).or_insert(i);
    }
    let vendor = |v: &Option<String>| v.as_deref().and_then(|v| vendor_ix.get(v)).copied();
    let colours = palette();
    let mut out = String::new();
    let _ = writeln!(out, "graph {} {{", label(&[&d.title]));
    let font = "Noto Sans CJK JP";
    let _ = writeln!(
        out,
        "  graph [rankdir=LR, compound=true, fontname={}, label={}, labelloc=t];",
        label(&[font]),
        label(&[&d.title])
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname={}];",
        label(&[font])
    );
    let _ = writeln!(out, "  edge [fontname={}];", label(&[font]));
    let device_line = |out: &mut String, i: usize| {
        let v = &d.devices[i];
        let vi = vendor(&v.vendor);
        let vname = vi.map_or("", |i| d.vendors[i].name.as_str());
        let addresses = v.addresses.join(", ");
        let colour = vi.map(|i| colours[i % colours.len()]);
        let (fill, stroke) = colour.map_or(("#ffffff", "#64748b"), |c| (c.fill, c.stroke));
        let _ = writeln!(
            out,
            "    {} [label={}, fillcolor=\"{fill}\", color=\"{stroke}\"];",
            id("device:", &v.id),
            label(&[&v.name, &v.kind, &addresses, vname])
        );
    };
    for (n, g) in l.groups.iter().enumerate() {
        let lines = layout::header_lines(d, g.index);
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let _ = writeln!(out, "  subgraph cluster_{n} {{");
        let style = if g.zone.is_some() { "filled" } else { "dashed" };
        let _ = writeln!(
            out,
            "    graph [label={}, style={style}, fillcolor=\"#f8fafc\", color=\"#64748b\"];",
            label(&refs)
        );
        if let Some(zid) = &g.zone {
            // The zone's own point, for links that end at the zone rather than a device.
            let _ = writeln!(
                out,
                "    {} [shape=point, width=0.08, label=\"\"];",
                id("zone:", zid)
            );
        }
        for v in l.devices.iter().filter(|v| v.group == Some(n)) {
            device_line(&mut out, v.index);
        }
        let _ = writeln!(out, "  }}");
    }
    for c in &d.connections {
        let vname = vendor(&c.vendor).map_or("", |i| d.vendors[i].name.as_str());
        let mark = if c.maintenance {
            d.labels.maintenance.as_str()
        } else {
            ""
        };
        let (colour, style) = if c.maintenance {
            ("#b3261e", "rounded,dashed,filled")
        } else {
            ("#1e3a5f", "rounded,filled")
        };
        let _ = writeln!(
            out,
            "  {} [label={}, shape=box, style=\"{style}\", color=\"{colour}\"];",
            id("connection:", &c.id),
            label(&[&c.kind, &c.counterpart, vname, mark])
        );
    }
    let prefix = |k: NodeKind| match k {
        NodeKind::Zone => "zone:",
        NodeKind::Device => "device:",
        NodeKind::Connection => "connection:",
    };
    for e in &l.edges {
        let (from, to) = (prefix(e.from_kind), prefix(e.to_kind));
        let attrs = if e.maintenance {
            format!(
                " [color=\"#b3261e\", style=dashed, penwidth=2, label={}]",
                label(&[&d.labels.maintenance])
            )
        } else {
            String::new()
        };
        let _ = writeln!(out, "  {} -- {}{attrs};", id(from, &e.from), id(to, &e.to));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_labels_are_quoted_safely() {
        assert_eq!(id("device:", "a\"b\\"), "\"device:a\\\"b\\\\\"");
        assert_eq!(label(&["x\"y", "", "z\\"]), "\"x\\\"y\\nz\\\\\"");
    }
}
