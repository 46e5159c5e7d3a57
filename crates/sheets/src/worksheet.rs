//! One worksheet part, streamed: the declared `<dimension>` is checked against the limits
//! (never used to allocate), each cell with a value is checked and stored sparsely, and
//! merged ranges are kept for the caller to judge.

use crate::xlsx::{SharedStrings, Styles};
use crate::xml::{decode_x_escapes, parse_range, parse_ref, parse_row, Xml};
use crate::{Budget, Cell, Limit, Limits, Merge, Place, Row, Sheet, SheetError, Value};
use quick_xml::events::{BytesStart, Event};

pub(crate) struct Context<'a> {
    pub name: &'a str,
    pub limits: &'a Limits,
    pub sst: &'a SharedStrings,
    pub styles: &'a Styles,
    pub date1904: bool,
}

/// The cell being read.
struct Open {
    row: usize,
    col: usize,
    kind: String,
    style: usize,
}

struct Reader<'a> {
    cx: &'a Context<'a>,
    budget: Budget<'a>,
    sheet: Sheet,
    /// The row being filled (cells arrive row by row).
    pending: Row,
    next_row: usize,
    next_col: usize,
    cell: Option<Open>,
    value: String,
    in_v: bool,
    in_is: bool,
    in_t: bool,
    phonetic: usize,
    /// The open cell has a formula (`<f>`).
    formula: bool,
}

pub(crate) fn read(r: &mut dyn std::io::BufRead, cx: &Context) -> Result<Sheet, SheetError> {
    let mut x = Xml::new(r, Place::Sheet(cx.name.to_string()));
    let mut rd = Reader {
        cx,
        budget: Budget::new(cx.limits),
        sheet: Sheet {
            name: cx.name.to_string(),
            ..Sheet::default()
        },
        pending: Row {
            index: 0,
            cells: Vec::new(),
        },
        next_row: 0,
        next_col: 0,
        cell: None,
        value: String::new(),
        in_v: false,
        in_is: false,
        in_t: false,
        phonetic: 0,
        formula: false,
    };
    let mut buf = Vec::new();
    loop {
        let ev = x.next(&mut buf)?;
        match &ev {
            Event::Start(e) => rd.start(&x, e, false)?,
            Event::Empty(e) => rd.start(&x, e, true)?,
            Event::End(e) => match e.local_name().as_ref() {
                "c" => rd.end_cell(&x)?,
                "v" => rd.in_v = false,
                "is" => rd.in_is = false,
                "t" => rd.in_t = false,
                "rPh" => rd.phonetic = rd.phonetic.saturating_sub(1),
                _ => {}
            },
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_)
                if rd.cell.is_some() && (rd.in_v || (rd.in_is && rd.in_t && rd.phonetic == 0)) =>
            {
                x.push_text(&ev, &mut rd.value, cx.limits.max_cell_chars)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    rd.flush();
    let mut sheet = rd.sheet;
    sheet.tidy();
    Ok(sheet)
}

impl Reader<'_> {
    fn start(&mut self, x: &Xml, e: &BytesStart, empty: bool) -> Result<(), SheetError> {
        match e.local_name().as_ref() {
            "dimension" => self.dimension(x, e),
            "row" => {
                let r = x.attr(e, "r")?;
                let index = match r {
                    Some(r) => {
                        parse_row(&r).ok_or_else(|| x.error(format!("bad row number {r}")))?
                    }
                    None => self.next_row,
                };
                self.next_row = index + 1;
                self.next_col = 0;
                Ok(())
            }
            "c" => {
                let (row, col) = match x.attr(e, "r")? {
                    Some(r) => {
                        parse_ref(&r).ok_or_else(|| x.error(format!("bad cell reference {r}")))?
                    }
                    None => (self.next_row.saturating_sub(1), self.next_col),
                };
                self.next_col = col + 1;
                if empty {
                    return Ok(());
                }
                let style = x.attr(e, "s")?.and_then(|s| s.parse().ok()).unwrap_or(0);
                self.cell = Some(Open {
                    row,
                    col,
                    kind: x.attr(e, "t")?.unwrap_or_default(),
                    style,
                });
                self.value.clear();
                self.formula = false;
                Ok(())
            }
            "f" => {
                self.formula = true;
                Ok(())
            }
            "v" if !empty => {
                self.in_v = true;
                Ok(())
            }
            "is" if !empty => {
                self.in_is = true;
                Ok(())
            }
            "t" if !empty => {
                self.in_t = true;
                Ok(())
            }
            "rPh" if !empty => {
                self.phonetic += 1;
                Ok(())
            }
            "mergeCell" => self.merge(x, e),
            _ => Ok(()),
        }
    }

    /// The sheet's own idea of its size: refused when beyond the limits, before any cell.
    fn dimension(&self, x: &Xml, e: &BytesStart) -> Result<(), SheetError> {
        let Some(range) = x.attr(e, "ref")? else {
            return Ok(());
        };
        let Some((_, (row, col))) = parse_range(&range) else {
            // Excel never writes anything else; an unreadable dimension is ignored as it
            // is never used.
            return Ok(());
        };
        let l = self.cx.limits;
        let place = || Place::Dimension {
            sheet: self.cx.name.to_string(),
            range: range.clone(),
        };
        if row >= l.max_rows {
            return Err(SheetError::limit(place(), Limit::Rows(l.max_rows)));
        }
        if col >= l.max_columns {
            return Err(SheetError::limit(place(), Limit::Columns(l.max_columns)));
        }
        Ok(())
    }

    fn merge(&mut self, x: &Xml, e: &BytesStart) -> Result<(), SheetError> {
        let l = self.cx.limits;
        if self.sheet.merges.len() >= l.max_merges {
            return Err(SheetError::limit(
                x.place.clone(),
                Limit::Merges(l.max_merges),
            ));
        }
        let range = x.attr(e, "ref")?.unwrap_or_default();
        let (first, last) =
            parse_range(&range).ok_or_else(|| x.error(format!("bad merged range {range}")))?;
        self.sheet.merges.push(Merge { first, last });
        Ok(())
    }

    fn end_cell(&mut self, x: &Xml) -> Result<(), SheetError> {
        self.in_v = false;
        self.in_is = false;
        self.in_t = false;
        let Some(open) = self.cell.take() else {
            return Ok(());
        };
        let raw = std::mem::take(&mut self.value);
        let Some(value) = self.value_of(x, &open, raw)? else {
            return Ok(());
        };
        let l = self.cx.limits;
        let text_len = match &value {
            Value::Text(s) | Value::Error(s) => {
                if s.chars().count() > l.max_cell_chars {
                    return Err(SheetError::limit(
                        Place::Cell {
                            row: open.row + 1,
                            col: open.col + 1,
                        },
                        Limit::CellChars(l.max_cell_chars),
                    ));
                }
                s.len()
            }
            _ => 8,
        };
        self.budget.take(open.row, open.col, text_len)?;
        if std::mem::take(&mut self.formula) {
            self.sheet.formulas.push((open.row, open.col));
        }
        if open.row != self.pending.index {
            self.flush();
            self.pending.index = open.row;
        }
        self.pending.cells.push(Cell {
            col: open.col,
            value,
        });
        Ok(())
    }

    /// The value of a cell by its type; None for no value or empty text.
    fn value_of(&self, x: &Xml, open: &Open, raw: String) -> Result<Option<Value>, SheetError> {
        let text = |s: String| (!s.is_empty()).then_some(Value::Text(s));
        Ok(match open.kind.as_str() {
            "s" => {
                let i: usize = raw
                    .trim()
                    .parse()
                    .map_err(|_| x.error(format!("bad shared string index {raw}")))?;
                let s = self
                    .cx
                    .sst
                    .get(i)
                    .ok_or_else(|| x.error(format!("shared string {i} does not exist")))?;
                text(s.to_string())
            }
            "inlineStr" | "str" => text(decode_x_escapes(&raw).into_owned()),
            "d" => text(raw),
            "b" => (!raw.trim().is_empty()).then(|| Value::Bool(raw.trim() == "1")),
            "e" => text(raw).map(|v| match v {
                Value::Text(s) => Value::Error(s),
                other => other,
            }),
            _ => {
                let t = raw.trim();
                if t.is_empty() {
                    None
                } else {
                    match t.parse::<f64>() {
                        Ok(f) if self.cx.styles.is_date(open.style) => {
                            Some(Value::Date(if self.cx.date1904 { f + 1462.0 } else { f }))
                        }
                        Ok(f) => Some(Value::Number(f)),
                        Err(_) => text(raw),
                    }
                }
            }
        })
    }

    fn flush(&mut self) {
        if !self.pending.cells.is_empty() {
            let index = self.pending.index;
            let row = std::mem::replace(
                &mut self.pending,
                Row {
                    index,
                    cells: Vec::new(),
                },
            );
            self.sheet.rows.push(row);
        }
    }
}
