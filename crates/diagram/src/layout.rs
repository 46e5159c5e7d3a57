//! The layout: zones as boxes in columns, devices in a grid inside their zone, external
//! connection points in a column at the left edge, edges routed orthogonally through the
//! gutters between columns.
//!
//! Columns are the layers of a breadth-first search of the zone graph from the outside: the
//! zones that hold a connection's device come first, then the zones linked to them, and so
//! on. In such layers every link joins the same or the next column, so each edge needs one
//! gutter: it leaves its device sideways (a device with links sits at the left or right end
//! of its grid row), runs on a track of its own in the gutter, and enters the other end
//! sideways — it never crosses a box. Zones with no link fill the shortest columns.

use crate::place::{
    fill_grid, grid_width, group_height, legend, natural_cols, rows_height, spread, tracks, Span,
};
use crate::{text, Diagram};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};

pub(crate) const MARGIN: f64 = 24.0;
pub(crate) const TITLE_SIZE: f64 = 20.0;
const CONTENT_TOP: f64 = MARGIN + 52.0;
pub(crate) const DEV_W: f64 = 176.0;
pub(crate) const DEV_H: f64 = 62.0;
pub(crate) const GAP_X: f64 = 14.0;
pub(crate) const GAP_Y: f64 = 14.0;
pub(crate) const PAD: f64 = 16.0;
const ZONE_GAP: f64 = 40.0;
pub(crate) const CONN_W: f64 = 188.0;
pub(crate) const CONN_H: f64 = 62.0;
const CONN_GAP: f64 = 18.0;
const TRACK: f64 = 12.0;
const GUTTER_MIN: f64 = 56.0;
const EXT_GUTTER_MIN: f64 = 84.0;
pub(crate) const ZONE_NAME_SIZE: f64 = 15.0;
pub(crate) const ZONE_SUB_SIZE: f64 = 11.5;
/// Baseline of a zone's name below its top, and the step to the next header line.
pub(crate) const HEADER_FIRST: f64 = 24.0;
pub(crate) const HEADER_STEP: f64 = 18.0;
pub(crate) const LEGEND_SIZE: f64 = 12.0;
pub(crate) const LEGEND_ROW: f64 = 28.0;
pub(crate) const MAX_COLS: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Whether `other` lies inside this rectangle (edges may touch).
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }
    /// Whether the two rectangles share an area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// A zone's box, or the unzoned group's (`zone: None`).
#[derive(Debug, Clone, Serialize)]
pub struct GroupBox {
    /// The zone's id; `None` for the group of devices without a zone.
    pub zone: Option<String>,
    /// The zone's index in [`Diagram::zones`].
    pub index: Option<usize>,
    pub rect: Rect,
    /// Height of the header band (name, purpose, ranges) at the top of the box.
    pub header: f64,
    /// The layout column, from 1 (column 0 holds the external connection points).
    pub column: usize,
}

/// A device's or a connection point's box.
#[derive(Debug, Clone, Serialize)]
pub struct NodeBox {
    pub id: String,
    /// Index in [`Diagram::devices`] or [`Diagram::connections`].
    pub index: usize,
    pub rect: Rect,
    /// For a device: the index of its group in [`Layout::groups`].
    pub group: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EdgeKind {
    /// Part of a link between two zones (zone to device, device to zone, zone to zone).
    ZoneLink,
    /// An external connection point to the device it goes through.
    Connection,
}

/// An edge as a polyline of horizontal and vertical segments, from `from` to `to` (ids of
/// zones, devices or connections).
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    pub from: String,
    pub from_kind: NodeKind,
    pub to: String,
    pub to_kind: NodeKind,
    pub kind: EdgeKind,
    pub maintenance: bool,
    pub points: Vec<(f64, f64)>,
}

/// What an edge's end is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeKind {
    Zone,
    Device,
    Connection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LegendKey {
    /// A vendor, by index in [`Diagram::vendors`].
    Vendor(usize),
    NoVendor,
    Link,
    Maintenance,
}

/// One legend entry: its sample (swatch or line) at the left of `rect`, then `label`.
#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    pub key: LegendKey,
    pub rect: Rect,
    /// The label, cut to fit.
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub groups: Vec<GroupBox>,
    pub devices: Vec<NodeBox>,
    pub connections: Vec<NodeBox>,
    pub edges: Vec<Edge>,
    /// Baseline start of the title.
    pub title_at: (f64, f64),
    /// Baseline start of the heading over the external connection points, if any.
    pub external_heading: Option<(f64, f64)>,
    pub legend: Rect,
    pub legend_items: Vec<LegendItem>,
    /// Where the message of an empty diagram goes (no zones and no devices).
    pub empty: Option<Rect>,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Side {
    Left,
    Right,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum End {
    Device(usize),
    Zone(usize),
    Conn(usize),
}

struct Pending {
    ends: [End; 2],
    kind: EdgeKind,
    maintenance: bool,
}

/// First index of each id (a repeated id refers to its first holder).
pub(crate) fn index<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i);
    }
    map
}

/// Header lines of a group: the zone's name, then its purpose and ranges when present.
pub(crate) fn header_lines(d: &Diagram, zone: Option<usize>) -> Vec<String> {
    match zone.and_then(|z| d.zones.get(z)) {
        None => vec![d.labels.unzoned.clone()],
        Some(z) => {
            let mut lines = vec![z.name.clone()];
            if !z.purpose.trim().is_empty() {
                lines.push(z.purpose.clone());
            }
            if !z.ranges.is_empty() {
                lines.push(z.ranges.join(", "));
            }
            lines
        }
    }
}

pub(crate) fn header_height(lines: usize) -> f64 {
    HEADER_FIRST + HEADER_STEP * (lines.max(1) - 1) as f64 + 12.0
}

/// Lays the diagram out; deterministic for a given input.
pub fn layout(d: &Diagram) -> Layout {
    let zone_ix = index(d.zones.iter().map(|z| z.id.as_str()));
    let dev_ix = index(d.devices.iter().map(|v| v.id.as_str()));
    let nz = d.zones.len();
    let dev_group: Vec<usize> = d
        .devices
        .iter()
        .map(|v| {
            v.zone
                .as_deref()
                .and_then(|z| zone_ix.get(z).copied())
                .unwrap_or(nz)
        })
        .collect();
    let unzoned = dev_group.contains(&nz);
    let ngroups = nz + usize::from(unzoned);

    // The edges, as ends to be placed.
    let mut pend: Vec<Pending> = Vec::new();
    let link = |a, b| Pending {
        ends: [a, b],
        kind: EdgeKind::ZoneLink,
        maintenance: false,
    };
    for l in &d.zone_links {
        let (Some(&from), Some(&to)) = (
            zone_ix.get(l.from_zone.as_str()),
            zone_ix.get(l.to_zone.as_str()),
        ) else {
            continue;
        };
        let via = l.via_device.as_deref().and_then(|v| dev_ix.get(v).copied());
        match via {
            Some(v) if dev_group[v] == from && dev_group[v] == to => {}
            Some(v) if dev_group[v] == from => pend.push(link(End::Device(v), End::Zone(to))),
            Some(v) if dev_group[v] == to => pend.push(link(End::Zone(from), End::Device(v))),
            Some(v) => {
                pend.push(link(End::Zone(from), End::Device(v)));
                pend.push(link(End::Device(v), End::Zone(to)));
            }
            None if from != to => pend.push(link(End::Zone(from), End::Zone(to))),
            None => {}
        }
    }
    for (i, c) in d.connections.iter().enumerate() {
        if let Some(&v) = c.via_device.as_deref().and_then(|v| dev_ix.get(v)) {
            pend.push(Pending {
                ends: [End::Conn(i), End::Device(v)],
                kind: EdgeKind::Connection,
                maintenance: c.maintenance,
            });
        }
    }
    let group_of = |e: End| match e {
        End::Device(v) => Some(dev_group[v]),
        End::Zone(z) => Some(z),
        End::Conn(_) => None,
    };

    // The group graph and the columns.
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); ngroups];
    let mut outside = vec![0usize; ngroups];
    for p in &pend {
        match (group_of(p.ends[0]), group_of(p.ends[1])) {
            (Some(a), Some(b)) if a != b => {
                adj[a].push(b);
                adj[b].push(a);
            }
            (None, Some(g)) | (Some(g), None) => outside[g] += 1,
            _ => {}
        }
    }
    for a in &mut adj {
        a.sort_unstable();
        a.dedup();
    }
    let mut col = vec![0usize; ngroups];
    let mut queue = VecDeque::new();
    let mut first: Vec<usize> = (0..ngroups).filter(|&g| outside[g] > 0).collect();
    first.sort_by_key(|&g| (std::cmp::Reverse(outside[g]), g == nz, g));
    for &g in &first {
        col[g] = 1;
        queue.push_back(g);
    }
    let mut order: Vec<Vec<usize>> = vec![Vec::new(), first];
    loop {
        while let Some(g) = queue.pop_front() {
            for &n in &adj[g] {
                if col[n] == 0 {
                    col[n] = col[g] + 1;
                    queue.push_back(n);
                }
            }
        }
        // Another component of linked zones starts in column 1 too.
        let next = (0..ngroups)
            .filter(|&g| col[g] == 0 && !adj[g].is_empty())
            .max_by_key(|&g| (adj[g].len(), std::cmp::Reverse(g)));
        let Some(g) = next else { break };
        col[g] = 1;
        order[1].push(g);
        queue.push_back(g);
    }
    let linked_cols = col.iter().copied().max().unwrap_or(0);
    order.resize(linked_cols.max(1) + 1, Vec::new());
    // Columns from 2 on: by the mean position of their neighbours in the column before.
    for c in 2..=linked_cols {
        let prev: HashMap<usize, usize> = order[c - 1]
            .iter()
            .enumerate()
            .map(|(i, &g)| (g, i))
            .collect();
        let mut gs: Vec<(u64, usize)> = (0..ngroups)
            .filter(|&g| col[g] == c)
            .map(|g| {
                let near: Vec<usize> = adj[g].iter().filter_map(|n| prev.get(n)).copied().collect();
                let mean = near.iter().sum::<usize>() as f64 / near.len().max(1) as f64;
                ((mean * 1000.0) as u64, g)
            })
            .collect();
        gs.sort_unstable();
        order[c] = gs.into_iter().map(|(_, g)| g).collect();
    }

    // Which side of its box each end of an edge leaves from (zones without links, still in
    // no column here, have no edges).
    let linked_col = col.clone();
    let col_of = |e: End| group_of(e).map_or(0, |g| linked_col[g]);
    let side = |this: End, other: End| {
        if matches!(this, End::Conn(_)) || col_of(other) > col_of(this) {
            Side::Right
        } else {
            Side::Left
        }
    };
    let mut dev_sides = vec![(false, false); d.devices.len()];
    for p in &pend {
        for k in 0..2 {
            if let End::Device(v) = p.ends[k] {
                match side(p.ends[k], p.ends[1 - k]) {
                    Side::Left => dev_sides[v].0 = true,
                    Side::Right => dev_sides[v].1 = true,
                }
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ngroups];
    for (v, &g) in dev_group.iter().enumerate() {
        members[g].push(v);
    }
    let headers: Vec<usize> = (0..ngroups)
        .map(|g| header_lines(d, (g < nz).then_some(g)).len())
        .collect();
    let natural: Vec<(f64, f64)> = (0..ngroups)
        .map(|g| {
            let head = header_lines(d, (g < nz).then_some(g))
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let size = if i == 0 {
                        ZONE_NAME_SIZE
                    } else {
                        ZONE_SUB_SIZE
                    };
                    text::width(l, size, i == 0)
                })
                .fold(0.0, f64::max)
                .min(3.0 * DEV_W);
            let n = members[g].len();
            let cols = natural_cols(n);
            let w = (grid_width(cols)).max(head) + 2.0 * PAD;
            (w, group_height(headers[g], &members[g], &dev_sides, cols))
        })
        .collect();

    // Zones without links go to the shortest column, or open a new one when every column
    // is already as tall as a landscape page of the whole drawing would be.
    let mut heights = vec![0.0f64; order.len()];
    for c in 1..order.len() {
        heights[c] = order[c].iter().map(|&g| natural[g].1 + ZONE_GAP).sum();
    }
    let area: f64 = (0..ngroups)
        .map(|g| (natural[g].0 + GUTTER_MIN) * (natural[g].1 + ZONE_GAP))
        .sum();
    let target = heights.iter().copied().fold((area / 1.6).sqrt(), f64::max);
    let unlinked: Vec<usize> = (0..ngroups).filter(|&g| col[g] == 0).collect();
    for g in unlinked {
        let h = natural[g].1 + ZONE_GAP;
        let best = (1..order.len())
            .filter(|&c| heights[c] + h <= target || heights[c] == 0.0)
            .min_by(|&a, &b| heights[a].total_cmp(&heights[b]).then(a.cmp(&b)));
        let c = match best {
            Some(c) => c,
            None => {
                order.push(Vec::new());
                heights.push(0.0);
                order.len() - 1
            }
        };
        col[g] = c;
        order[c].push(g);
        heights[c] += h;
    }
    // The unzoned group closes its column.
    for o in &mut order {
        if let Some(i) = o.iter().position(|&g| g == nz) {
            o.remove(i);
            o.push(nz);
        }
    }
    let ncols = order.len() - 1;

    // Column widths; each zone takes its column's width and fills it with devices.
    let mut colw = vec![0.0f64; ncols + 1];
    for g in 0..ngroups {
        colw[col[g]] = colw[col[g]].max(natural[g].0);
    }
    let mut groups: Vec<GroupBox> = (0..ngroups)
        .map(|g| GroupBox {
            zone: d.zones.get(g).map(|z| z.id.clone()),
            index: (g < nz).then_some(g),
            rect: Rect::default(),
            header: header_height(headers[g]),
            column: col[g],
        })
        .collect();
    let mut devices: Vec<NodeBox> = d
        .devices
        .iter()
        .enumerate()
        .map(|(i, v)| NodeBox {
            id: v.id.clone(),
            index: i,
            rect: Rect {
                w: DEV_W,
                h: DEV_H,
                ..Rect::default()
            },
            group: Some(dev_group[i]),
        })
        .collect();
    let mut grid_cols = vec![1usize; ngroups];
    for g in 0..ngroups {
        let inner = colw[col[g]] - 2.0 * PAD;
        grid_cols[g] = (((inner + GAP_X) / (DEV_W + GAP_X)).floor() as usize).max(1);
        let cells = fill_grid(&members[g], &dev_sides, grid_cols[g]);
        let rows = cells.iter().map(|c| c.1 + 1).max().unwrap_or(0);
        for (v, r, c) in cells {
            // Relative to the group's box for now.
            devices[v].rect.x = PAD + c as f64 * (DEV_W + GAP_X);
            devices[v].rect.y = groups[g].header + PAD + r as f64 * (DEV_H + GAP_Y);
        }
        groups[g].rect.w = colw[col[g]];
        groups[g].rect.h = groups[g].header + PAD + rows_height(rows) + PAD;
    }

    // Vertical placement: column 1 stacked from the top; a zone further right starts level
    // with the highest of its neighbours on the left where there is room.
    let top = CONTENT_TOP + 28.0;
    for (c, gs) in order.iter().enumerate().skip(1) {
        let mut y = top;
        for &g in gs {
            let want = adj[g]
                .iter()
                .filter(|&&n| col[n] + 1 == c)
                .map(|&n| groups[n].rect.y)
                .fold(f64::INFINITY, f64::min);
            let at = if want.is_finite() { want.max(y) } else { y };
            groups[g].rect.y = at;
            y = at + groups[g].rect.h + ZONE_GAP;
        }
    }
    for v in &mut devices {
        if let Some(g) = v.group {
            v.rect.y += groups[g].rect.y;
        }
    }

    // Ports: the ends on one side of one box spread over its height, ordered by where the
    // other end lies (external connections first).
    // (where the other end lies, edge, which end)
    type Ends = Vec<(f64, usize, usize)>;
    let mut ports: HashMap<(End, Side), Ends> = HashMap::new();
    let approx_y = |e: End| match e {
        End::Device(v) => devices[v].rect.y,
        End::Zone(z) => groups[z].rect.y,
        End::Conn(_) => f64::NEG_INFINITY,
    };
    for (i, p) in pend.iter().enumerate() {
        for k in 0..2 {
            let (this, other) = (p.ends[k], p.ends[1 - k]);
            if matches!(this, End::Conn(_)) {
                continue;
            }
            ports
                .entry((this, side(this, other)))
                .or_default()
                .push((approx_y(other), i, k));
        }
    }
    let mut port_y = vec![[0.0f64; 2]; pend.len()];
    // Each side sets its own ports: the map's order does not matter.
    for (key, list) in &mut ports {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (y0, h) = match key.0 {
            End::Device(v) => (devices[v].rect.y, DEV_H),
            End::Zone(z) => (groups[z].rect.y, groups[z].header),
            End::Conn(_) => continue,
        };
        let n = list.len() as f64;
        for (j, &(_, i, k)) in list.iter().enumerate() {
            port_y[i][k] = (y0 + h * (j as f64 + 1.0) / (n + 1.0)).round();
        }
    }

    // External connection points, each level with the device it goes through if it can be.
    let mut connections: Vec<NodeBox> = d
        .connections
        .iter()
        .enumerate()
        .map(|(i, c)| NodeBox {
            id: c.id.clone(),
            index: i,
            rect: Rect {
                x: MARGIN,
                w: CONN_W,
                h: CONN_H,
                ..Rect::default()
            },
            group: None,
        })
        .collect();
    let mut wanted: Vec<(f64, usize, Option<usize>)> = (0..connections.len())
        .map(|c| {
            let e = pend
                .iter()
                .position(|p| p.ends[0] == End::Conn(c))
                .map(|i| (port_y[i][1], Some(i)));
            let (y, i) = e.unwrap_or((f64::INFINITY, None));
            (y, c, i)
        })
        .collect();
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let pitch = CONN_H + CONN_GAP;
    let aimed: Vec<f64> = wanted
        .iter()
        .take_while(|w| w.0.is_finite())
        .map(|w| w.0 - CONN_H / 2.0)
        .collect();
    let mut tops = spread(&aimed, pitch, top);
    let mut y = tops.last().map_or(top, |t| t + pitch);
    for _ in aimed.len()..wanted.len() {
        tops.push(y);
        y += pitch;
    }
    for ((_, c, edge), at) in wanted.into_iter().zip(tops) {
        let at = at.round();
        connections[c].rect.y = at;
        if let Some(i) = edge {
            port_y[i][0] = at + CONN_H / 2.0;
        }
    }

    // Gutters and tracks: gutter g lies right of column g; an edge within one column runs
    // in the gutter on its left. Tracks are ordered so that edges in step do not cross: of
    // two edges going down from the left, the one starting lower runs further left (going
    // up, the one starting higher); edges with both ends on the right come last, the longer
    // further left. An edge takes the first track right of every earlier edge it overlaps.
    let mut in_gutter: Vec<Vec<Span>> = vec![Vec::new(); ncols + 1];
    let mut gutter_of = vec![0usize; pend.len()];
    for (i, p) in pend.iter().enumerate() {
        let (ca, cb) = (col_of(p.ends[0]), col_of(p.ends[1]));
        let g = if ca == cb {
            ca.saturating_sub(1)
        } else {
            ca.min(cb)
        };
        gutter_of[i] = g;
        let (y1, y2) = (port_y[i][0], port_y[i][1]);
        if (y1 - y2).abs() < 0.5 {
            continue;
        }
        let (left, right) = if ca <= cb { (y1, y2) } else { (y2, y1) };
        let key = if ca == cb {
            (2, -(y1 - y2).abs())
        } else if left < right {
            (0, -left)
        } else {
            (1, left)
        };
        in_gutter[g].push(Span {
            key,
            lo: y1.min(y2),
            hi: y1.max(y2),
            edge: i,
        });
    }
    let mut track = vec![0usize; pend.len()];
    let ntracks: Vec<usize> = in_gutter
        .iter_mut()
        .map(|spans| tracks(spans, &mut track))
        .collect();
    let has_ext = !d.connections.is_empty();
    let gutter_w: Vec<f64> = (0..=ncols)
        .map(|g| {
            let need = (ntracks[g] + 1) as f64 * TRACK;
            match g {
                // Room on the left for the maintenance marks.
                0 if has_ext => (need + 44.0).max(EXT_GUTTER_MIN),
                0 if ntracks[0] == 0 => 0.0,
                _ => need.max(GUTTER_MIN),
            }
        })
        .collect();
    let mut col_x = vec![MARGIN; ncols + 2];
    col_x[1] = MARGIN + if has_ext { CONN_W } else { 0.0 } + gutter_w[0];
    for c in 1..=ncols {
        col_x[c + 1] = col_x[c] + colw[c] + gutter_w[c];
    }
    for g in &mut groups {
        g.rect.x = col_x[g.column];
    }
    for v in &mut devices {
        if let Some(g) = v.group {
            v.rect.x += groups[g].rect.x;
        }
    }
    let track_x = |g: usize, t: usize| {
        let right = col_x[g + 1];
        let left = right - gutter_w[g];
        let last = ntracks[g].max(1) - 1;
        if g == 0 && has_ext {
            right - 14.0 - (last - t) as f64 * TRACK
        } else {
            let block = last as f64 * TRACK;
            (left + (gutter_w[g] - block) / 2.0 + t as f64 * TRACK).round()
        }
    };
    let port_x = |e: End, s: Side| {
        let r = match e {
            End::Device(v) => devices[v].rect,
            End::Zone(z) => groups[z].rect,
            End::Conn(c) => connections[c].rect,
        };
        if s == Side::Left {
            r.x
        } else {
            r.right()
        }
    };
    let id_of = |e: End| match e {
        End::Device(v) => (d.devices[v].id.clone(), NodeKind::Device),
        End::Zone(z) => (d.zones[z].id.clone(), NodeKind::Zone),
        End::Conn(c) => (d.connections[c].id.clone(), NodeKind::Connection),
    };
    let edges: Vec<Edge> = pend
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let [a, b] = p.ends;
            let (xa, xb) = (port_x(a, side(a, b)), port_x(b, side(b, a)));
            let (ya, yb) = (port_y[i][0], port_y[i][1]);
            let points = if (ya - yb).abs() < 0.5 {
                vec![(xa, ya), (xb, ya)]
            } else {
                let xt = track_x(gutter_of[i], track[i]);
                vec![(xa, ya), (xt, ya), (xt, yb), (xb, yb)]
            };
            let ((from, from_kind), (to, to_kind)) = (id_of(a), id_of(b));
            Edge {
                from,
                from_kind,
                to,
                to_kind,
                kind: p.kind,
                maintenance: p.maintenance,
                points,
            }
        })
        .collect();

    // The message of an empty diagram, the extent, then the legend underneath.
    let empty = (ngroups == 0).then(|| {
        let w = text::width(&d.labels.empty, 14.0, false).max(320.0) + 64.0;
        Rect {
            x: col_x[1],
            y: top,
            w,
            h: 96.0,
        }
    });
    let mut right = MARGIN + text::width(&d.title, TITLE_SIZE, true);
    let mut bottom = top;
    let boxes = groups
        .iter()
        .map(|g| g.rect)
        .chain(connections.iter().map(|c| c.rect))
        .chain(empty);
    for r in boxes {
        right = right.max(r.right());
        bottom = bottom.max(r.bottom());
    }
    let (legend, legend_items) = legend(d, MARGIN, bottom + 32.0, (right - MARGIN).max(640.0));
    let width = right.max(legend.right()) + MARGIN;
    Layout {
        width: width.ceil(),
        height: (legend.bottom() + MARGIN).ceil(),
        groups,
        devices,
        connections,
        edges,
        title_at: (MARGIN, MARGIN + TITLE_SIZE + 4.0),
        external_heading: has_ext.then_some((MARGIN, CONTENT_TOP + 14.0)),
        legend,
        legend_items,
        empty,
    }
}
