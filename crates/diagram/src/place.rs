//! Placement helpers of the layout: devices in a zone's grid, boxes along a column,
//! edges on the tracks of a gutter, the legend's entries.

use crate::layout::{
    header_height, LegendItem, LegendKey, Rect, DEV_H, DEV_W, GAP_X, GAP_Y, LEGEND_ROW,
    LEGEND_SIZE, MAX_COLS, PAD,
};
use crate::{text, Diagram};

/// An edge's vertical run in a gutter: its ordering key, its extent, the edge.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub key: (u8, f64),
    pub lo: f64,
    pub hi: f64,
    pub edge: usize,
}

/// Tracks (0 leftmost) for the spans of one gutter, in the order of their keys: each takes
/// the first track right of every earlier span it overlaps. Returns the number of tracks.
pub(crate) fn tracks(spans: &mut [Span], track: &mut [usize]) -> usize {
    spans.sort_by(|a, b| {
        (a.key.0, a.key.1, a.edge)
            .partial_cmp(&(b.key.0, b.key.1, b.edge))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut n = 0;
    for k in 0..spans.len() {
        let s = spans[k];
        let t = spans[..k]
            .iter()
            .filter(|o| !(s.hi + 8.0 < o.lo || o.hi + 8.0 < s.lo))
            .map(|o| track[o.edge] + 1)
            .max()
            .unwrap_or(0);
        track[s.edge] = t;
        n = n.max(t + 1);
    }
    n
}

/// Tops for boxes wanted at `aimed` (ascending), at least `pitch` apart and none above
/// `min`, as close to where they are wanted as can be (least squares): with z = y − i·pitch
/// the boxes only need z not to decrease, an isotonic regression (pool adjacent violators).
pub(crate) fn spread(aimed: &[f64], pitch: f64, min: f64) -> Vec<f64> {
    // Blocks of (sum, count) whose mean is the shared z.
    let mut blocks: Vec<(f64, usize)> = Vec::new();
    for (i, a) in aimed.iter().enumerate() {
        blocks.push((a - i as f64 * pitch, 1));
        while blocks.len() > 1 {
            let (s2, n2) = blocks[blocks.len() - 1];
            let (s1, n1) = blocks[blocks.len() - 2];
            if s1 / n1 as f64 <= s2 / n2 as f64 {
                break;
            }
            blocks.pop();
            if let Some(b) = blocks.last_mut() {
                *b = (s1 + s2, n1 + n2);
            }
        }
    }
    let mut out = Vec::with_capacity(aimed.len());
    for (sum, n) in blocks {
        let z = (sum / n as f64).max(min);
        for _ in 0..n {
            out.push(z + out.len() as f64 * pitch);
        }
    }
    out
}

pub(crate) fn natural_cols(n: usize) -> usize {
    let by_area = ((2.0 * n as f64).sqrt().ceil() as usize).clamp(1, MAX_COLS);
    by_area.min(n).max(1)
}

pub(crate) fn grid_width(cols: usize) -> f64 {
    cols as f64 * (DEV_W + GAP_X) - GAP_X
}

pub(crate) fn rows_height(rows: usize) -> f64 {
    if rows == 0 {
        24.0
    } else {
        rows as f64 * (DEV_H + GAP_Y) - GAP_Y
    }
}

pub(crate) fn group_height(
    header: usize,
    members: &[usize],
    sides: &[(bool, bool)],
    cols: usize,
) -> f64 {
    let rows = fill_grid(members, sides, cols)
        .iter()
        .map(|c| c.1 + 1)
        .max()
        .unwrap_or(0);
    header_height(header) + 2.0 * PAD + rows_height(rows)
}

/// Grid cells (device, row, column) for a group's devices: a device linked on both sides
/// has a row to itself, one linked on the left sits in the first column, one linked on the
/// right in the last, so that their edges leave the zone without crossing another device;
/// the rest fill the free cells in order.
pub(crate) fn fill_grid(
    members: &[usize],
    sides: &[(bool, bool)],
    cols: usize,
) -> Vec<(usize, usize, usize)> {
    let mut used: Vec<Vec<bool>> = Vec::new();
    let mut cells = Vec::with_capacity(members.len());
    for &v in members.iter().filter(|&&v| sides[v] == (true, true)) {
        used.push(vec![true; cols]);
        cells.push((v, used.len() - 1, 0));
    }
    let start = used.len();
    let take = |used: &mut Vec<Vec<bool>>, c: usize| {
        let r = (start..used.len())
            .find(|&r| !used[r][c])
            .unwrap_or_else(|| {
                used.push(vec![false; cols]);
                used.len() - 1
            });
        used[r][c] = true;
        r
    };
    for &v in members.iter().filter(|&&v| sides[v] == (true, false)) {
        let r = take(&mut used, 0);
        cells.push((v, r, 0));
    }
    for &v in members.iter().filter(|&&v| sides[v] == (false, true)) {
        let r = take(&mut used, cols - 1);
        cells.push((v, r, cols - 1));
    }
    let (mut r, mut c) = (start, 0);
    for &v in members.iter().filter(|&&v| sides[v] == (false, false)) {
        loop {
            if r == used.len() {
                used.push(vec![false; cols]);
            }
            if !used[r][c] {
                break;
            }
            c += 1;
            if c == cols {
                c = 0;
                r += 1;
            }
        }
        used[r][c] = true;
        cells.push((v, r, c));
    }
    cells
}

/// The legend: its heading, the vendors (and "no vendor" when some box has none), the two
/// line styles; entries flow in rows no wider than `width`.
pub(crate) fn legend(d: &Diagram, x: f64, y: f64, width: f64) -> (Rect, Vec<LegendItem>) {
    let mut keys: Vec<(LegendKey, &str)> = d
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| (LegendKey::Vendor(i), v.name.as_str()))
        .collect();
    let vendor_ids = crate::layout::index(d.vendors.iter().map(|v| v.id.as_str()));
    let known = |v: &Option<String>| v.as_deref().is_some_and(|v| vendor_ids.contains_key(v));
    if d.devices.iter().any(|v| !known(&v.vendor))
        || d.connections.iter().any(|c| !known(&c.vendor))
    {
        keys.push((LegendKey::NoVendor, d.labels.no_vendor.as_str()));
    }
    keys.push((LegendKey::Link, d.labels.link.as_str()));
    keys.push((LegendKey::Maintenance, d.labels.maintenance_path.as_str()));
    let start = x + 16.0 + text::width(&d.labels.legend, LEGEND_SIZE + 1.0, true) + 20.0;
    let (mut cx, mut cy) = (start, y + 12.0);
    let mut right = start;
    let mut items = Vec::new();
    for (key, label) in keys {
        let (label, _) = text::fit(label, 240.0, LEGEND_SIZE, false);
        let w = 44.0 + text::width(&label, LEGEND_SIZE, false);
        if cx > start && cx + w > x + width - 16.0 {
            cx = start;
            cy += LEGEND_ROW;
        }
        let rect = Rect {
            x: cx,
            y: cy,
            w,
            h: 20.0,
        };
        right = right.max(rect.right());
        items.push(LegendItem { key, rect, label });
        cx += w + 24.0;
    }
    let rect = Rect {
        x,
        y,
        w: right + 16.0 - x,
        h: cy + 20.0 + 12.0 - y,
    };
    (rect, items)
}
