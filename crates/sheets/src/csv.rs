//! CSV as Excel saves it: UTF-8 (with or without BOM) or Shift_JIS (CP932). Read field by
//! field (csv-core) from a fixed input buffer into a fixed field buffer, decoding Shift_JIS
//! as it streams, so that neither a huge field nor a line of a million commas is ever held
//! whole; only cells with a value are stored.

use crate::{Budget, Cell, Limit, Limits, Place, Problem, Row, Sheet, SheetError, Value};
use csv_core::ReadFieldResult;
use std::io::Read;

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Sheet, SheetError> {
    let encoding = || SheetError::new(Place::File, Problem::Encoding);
    let mut source: Box<dyn Read + '_> = if std::str::from_utf8(bytes).is_ok() {
        Box::new(bytes)
    } else {
        Box::new(ShiftJis::new(bytes))
    };
    let mut budget = Budget::new(limits);
    let mut sheet = Sheet::default();
    let mut rdr = csv_core::Reader::new();
    let mut input = vec![0u8; 64 * 1024];
    let (mut start, mut end, mut eof) = (0usize, 0usize, false);
    let mut field = vec![0u8; limits.max_cell_chars.saturating_mul(4).max(4)];
    let mut flen = 0usize;
    let (mut row, mut col) = (0usize, 0usize);
    let mut cells: Vec<Cell> = Vec::new();
    loop {
        if start == end && !eof {
            end = source.read(&mut input).map_err(|_| encoding())?;
            start = 0;
            eof = end == 0;
        }
        let (res, nin, nout) = rdr.read_field(&input[start..end], &mut field[flen..]);
        start += nin;
        flen += nout;
        match res {
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => {
                return Err(SheetError::limit(
                    Place::Cell {
                        row: row + 1,
                        col: col + 1,
                    },
                    Limit::CellChars(limits.max_cell_chars),
                ));
            }
            ReadFieldResult::Field { record_end } => {
                let text = std::str::from_utf8(&field[..flen]).map_err(|_| encoding())?;
                let text = text.trim();
                if !text.is_empty() {
                    if text.chars().count() > limits.max_cell_chars {
                        return Err(SheetError::limit(
                            Place::Cell {
                                row: row + 1,
                                col: col + 1,
                            },
                            Limit::CellChars(limits.max_cell_chars),
                        ));
                    }
                    budget.take(row, col, text.len())?;
                    cells.push(Cell {
                        col,
                        value: Value::Text(text.to_string()),
                    });
                }
                flen = 0;
                col = col.saturating_add(1);
                if record_end {
                    if !cells.is_empty() {
                        sheet.rows.push(Row {
                            index: row,
                            cells: std::mem::take(&mut cells),
                        });
                    }
                    row += 1;
                    col = 0;
                }
            }
            ReadFieldResult::End => break,
        }
    }
    Ok(sheet)
}

/// Shift_JIS bytes read as UTF-8, a buffer at a time; malformed input is an error.
struct ShiftJis<'a> {
    src: &'a [u8],
    decoder: encoding_rs::Decoder,
    done: bool,
}

impl<'a> ShiftJis<'a> {
    fn new(src: &'a [u8]) -> Self {
        ShiftJis {
            src,
            decoder: encoding_rs::SHIFT_JIS.new_decoder_without_bom_handling(),
            done: false,
        }
    }
}

impl Read for ShiftJis<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use encoding_rs::DecoderResult;
        // One Shift_JIS character becomes at most 3 UTF-8 bytes.
        if self.done || buf.len() < 4 {
            return Ok(0);
        }
        let (res, read, written) = self
            .decoder
            .decode_to_utf8_without_replacement(self.src, buf, true);
        self.src = &self.src[read..];
        match res {
            DecoderResult::Malformed(_, _) => Err(std::io::Error::other("not Shift_JIS")),
            DecoderResult::InputEmpty => {
                // All of the input is decoded: the decoder is not to be used again.
                self.done = true;
                Ok(written)
            }
            DecoderResult::OutputFull => Ok(written),
        }
    }
}
