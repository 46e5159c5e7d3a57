//! Parsers for public security data and matching to mamori's asset ledger (機器台帳).
//!
//! Pure parsing and matching: bytes in, values out; no database, no HTTP. The one I/O helper,
//! [`eos::read_dir_eos`], walks a directory within documented bounds.
//!
//! * [`eos`]: end-of-support data (endoflife.date product pages and API v1, Debian's
//!   distro-info-data) and suggestions linking a ledger entry's OS text or CPE to a product
//!   cycle. NVD, JVN, KEV and EPSS parsers will sit beside it.
//!
//! # YAML
//! endoflife.date's pages carry YAML front matter. The crate reads it with **yaml-rust2**
//! (0.13): a maintained, pure-Rust YAML 1.2 parser (the fork that carried on yaml-rust; no
//! `unsafe` C translation as in libyaml-based crates), whose minimum Rust (1.85) is the
//! workspace's. Its event API lets the crate keep every scalar's exact text, so
//! `releaseCycle: 8.10` stays `8.10` rather than the float 8.1, refuse aliases (no expansion
//! bombs) and report lines. `serde_yaml` is deprecated; `serde_yaml_ng` wraps
//! `unsafe-libyaml`; `serde-saphyr` needs Rust 1.89, above the workspace's 1.85.
//!
//! # Attribution
//! Data shown from these sources must carry [`attribution`]'s texts.

pub mod eos;

pub(crate) const ATTRIBUTION_ENDOFLIFE: &str = "Data from endoflife.date (MIT)";
pub(crate) const ATTRIBUTION_DISTRO_INFO: &str =
    "Data from distro-info-data (ISC), © 2009-2023 Benjamin Drung, Stefano Rivera";

/// (source, text to show) for each data source this crate reads, per the attribution table
/// of the shared feeds README.
pub fn attribution() -> &'static [(&'static str, &'static str)] {
    &[
        ("endoflife.date", ATTRIBUTION_ENDOFLIFE),
        ("distro-info-data", ATTRIBUTION_DISTRO_INFO),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn attribution_names_both_sources() {
        let a = super::attribution();
        assert_eq!(a[0], ("endoflife.date", "Data from endoflife.date (MIT)"));
        assert_eq!(a[1].0, "distro-info-data");
        assert!(a[1].1.contains("(ISC)"));
        assert_eq!(crate::eos::EosSource::DistroInfo.attribution(), a[1].1);
    }
}
