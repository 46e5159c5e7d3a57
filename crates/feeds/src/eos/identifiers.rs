//! Product identifiers (CPE, purl, repology), from the front matter or from the derived
//! `identifiers-all-products.tsv` (`product, title, category, identifier_type, identifier`;
//! one row per identifier of every endoflife.date product, empty identifier columns for
//! products without any).

use serde::{Deserialize, Serialize};

use super::error::EosError;

/// One identifier of a product.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    /// endoflife.date product id.
    pub product: String,
    pub title: Option<String>,
    pub category: Option<String>,
    /// `cpe`, `purl` or `repology` (others kept as given).
    pub kind: String,
    /// `cpe:2.3:o:canonical:ubuntu_linux`, `cpe:/o:canonical:ubuntu_linux`, `pkg:npm/…`.
    pub value: String,
}

const HEADER: [&str; 5] = [
    "product",
    "title",
    "category",
    "identifier_type",
    "identifier",
];

/// Whether a first line is this TSV's header.
pub(crate) fn is_header(line: &str) -> bool {
    line.trim_end().split('\t').map(str::trim).eq(HEADER)
}

/// Read the identifiers TSV (bounded by [`super::MAX_FILE_BYTES`]). Rows without an
/// identifier are left out; `file` names the file in messages.
pub fn parse_identifiers_tsv(file: &str, bytes: &[u8]) -> Result<Vec<Identifier>, EosError> {
    super::check_size(file, bytes.len())?;
    let err = |line: Option<u64>, message: String| EosError::Table {
        file: file.to_string(),
        line,
        message,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .flexible(true)
        .from_reader(bytes);
    let headers = rdr.headers().map_err(|e| err(Some(1), e.to_string()))?;
    if !headers.iter().map(str::trim).eq(HEADER) {
        return Err(err(
            Some(1),
            format!("expected the header {}", HEADER.join("\\t")),
        ));
    }
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| err(e.position().map(|p| p.line()), e.to_string()))?;
        let cell = |i: usize| record.get(i).map(str::trim).filter(|s| !s.is_empty());
        let (Some(product), Some(kind), Some(value)) = (cell(0), cell(3), cell(4)) else {
            if cell(0).is_none() {
                let line = record.position().map(|p| p.line());
                return Err(err(line, "empty product column".into()));
            }
            continue;
        };
        out.push(Identifier {
            product: product.to_string(),
            title: cell(1).map(str::to_string),
            category: cell(2).map(str::to_string),
            kind: kind.to_string(),
            value: value.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_with_and_without_identifiers() {
        let tsv = b"product\ttitle\tcategory\tidentifier_type\tidentifier\n\
centos\tCentOS\tos\tcpe\tcpe:/o:centos:centos\n\
cisco-ios-xe\tCisco IOS XE\tos\t\t\n";
        let ids = parse_identifiers_tsv("ids.tsv", tsv).unwrap();
        assert_eq!(ids.len(), 1);
        assert_eq!(ids[0].product, "centos");
        assert_eq!(ids[0].kind, "cpe");
        assert!(parse_identifiers_tsv("ids.tsv", b"a\tb\n").is_err());
        let e = parse_identifiers_tsv(
            "ids.tsv",
            b"product\ttitle\tcategory\tidentifier_type\tidentifier\n\tx\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("ids.tsv:2:"), "{e}");
    }
}
