//! The end-of-support model shared by every source.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a product (or one of its cycles) was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EosSource {
    /// An endoflife.date product page (`products/<id>.md`, YAML front matter).
    EndoflifeMd,
    /// An endoflife.date API v1 response (`/products/full` or `/products/{product}`).
    EndoflifeApi,
    /// Debian's distro-info-data CSV (`debian.csv`, `ubuntu.csv`).
    DistroInfo,
}

impl EosSource {
    /// The attribution text to show next to data from this source.
    pub fn attribution(self) -> &'static str {
        match self {
            EosSource::EndoflifeMd | EosSource::EndoflifeApi => crate::ATTRIBUTION_ENDOFLIFE,
            EosSource::DistroInfo => crate::ATTRIBUTION_DISTRO_INFO,
        }
    }

    /// Precedence when two sources describe the same product: lower wins (see
    /// [`crate::eos::merge`]).
    pub(crate) fn rank(self) -> u8 {
        match self {
            EosSource::EndoflifeMd => 0,
            EosSource::EndoflifeApi => 1,
            EosSource::DistroInfo => 2,
        }
    }
}

/// One product (an operating system, an appliance OS, an application) and its release cycles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EosProduct {
    /// endoflife.date's product id (`windows-server`); `debian` / `ubuntu` for distro-info.
    pub id: String,
    /// Display title (`Microsoft Windows Server`).
    pub title: String,
    /// endoflife.date's category (`os`, `server-app`, `app`, `database`, …).
    pub category: Option<String>,
    /// CPE identifiers as given by the source, both `cpe:/…` (2.2) and `cpe:2.3:…` forms.
    /// endoflife.date's CPEs name part, vendor and product only (no version).
    pub cpes: Vec<String>,
    /// Release cycles, in the source's order (newest first for endoflife.date).
    pub cycles: Vec<EosCycle>,
    /// Where the product's metadata was read from; each cycle says where it came from too.
    pub source: EosSource,
}

impl EosProduct {
    /// The cycle with this exact id.
    pub fn cycle(&self, cycle: &str) -> Option<&EosCycle> {
        self.cycles.iter().find(|c| c.cycle == cycle)
    }
}

/// One release cycle of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EosCycle {
    /// The cycle id, exactly as written in the source (`2012-r2`, `9`, `22.04`, `8.10`).
    pub cycle: String,
    /// Display label: the release's `releaseLabel`, else the product's `releaseLabel` template,
    /// with `__RELEASE_CYCLE__` / `__CODENAME__` substituted and HTML tags removed; else the
    /// codename. The API's `label` as given.
    pub label: Option<String>,
    /// Codename (`Jammy Jellyfish`, `Bookworm`), when the source has one.
    pub codename: Option<String>,
    /// First release (general availability).
    pub release: Option<NaiveDate>,
    /// End of active support (bug fixes stop; security fixes may go on), when the source has
    /// the phase.
    pub eoas: Option<Support>,
    /// End of security support: the date the ledger's "EOS" is about.
    pub eol: Support,
    /// End of extended support (paid ESU / ESM / ELS), when the source has the phase.
    pub eoes: Option<Support>,
    /// Newest version in the cycle (Windows: a build number such as `10.0.20348`).
    pub latest: Option<String>,
    /// Long-term support (also true when the source gives a date: LTS from then).
    pub lts: bool,
    /// When the source gives `lts` as a date: the LTS phase starts then.
    pub lts_from: Option<NaiveDate>,
    /// Where this cycle was read from (differs from the product's after a merge).
    pub source: EosSource,
}

impl EosCycle {
    /// The status of the end of security support (`eol`) on `today`.
    pub fn status(&self, today: NaiveDate, window_days: i64) -> EosStatus {
        self.eol.status(today, window_days)
    }

    /// A label for people: the cycle's label (or id), with the cycle id first when the label
    /// is only a codename, `(LTS)` when long-term and not said, and the product title first
    /// when the label does not name the product: `Windows Server 2012 R2 (LTS)`, `Red Hat
    /// Enterprise Linux 9 (LTS)`, `Microsoft Windows 10 22H2`, `Debian 12 (Bookworm)`,
    /// `Microsoft SQL Server 2016 SP3`.
    pub fn display(&self, product_title: &str) -> String {
        let mut base = self.label.clone().unwrap_or_else(|| self.cycle.clone());
        // A label without any digit is a codename (`Bookworm`): show the cycle too.
        if !base.chars().any(|c| c.is_ascii_digit()) && base != self.cycle {
            base = format!("{} ({base})", self.cycle);
        }
        if self.lts && !base.to_lowercase().contains("lts") {
            base.push_str(" (LTS)");
        }
        let named = product_title
            .split_whitespace()
            .filter(|w| w.chars().count() > 2)
            .any(|w| base.to_lowercase().contains(&w.to_lowercase()));
        if named {
            base
        } else {
            format!("{product_title} {base}")
        }
    }
}

/// The end of a support phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "date")]
pub enum Support {
    /// Ends (or ended) on this day: support is over from this day on.
    On(NaiveDate),
    /// Ended; the source gives no date (`eol: true`).
    Ended,
    /// Not ended and no end date announced (`eol: false`).
    NotEnded,
}

/// What a [`Support`] means on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "days_left")]
pub enum EosStatus {
    /// Support is over (the end date is today or earlier, or the source says it ended).
    Passed,
    /// Support ends in this many days (1 ..= the window).
    Within(i64),
    /// Support goes on past the window, or no end has been announced.
    Supported,
    /// Nothing is known (see [`EosStatus::of`]).
    Unknown,
}

impl Support {
    /// Its status on `today` with a warning window of `window_days` (a negative window counts
    /// as 0). The end date is the first day without support, as endoflife.date reads it: a
    /// date equal to `today` has passed.
    pub fn status(&self, today: NaiveDate, window_days: i64) -> EosStatus {
        match *self {
            Support::Ended => EosStatus::Passed,
            Support::NotEnded => EosStatus::Supported,
            Support::On(end) => {
                let left = (end - today).num_days();
                if left <= 0 {
                    EosStatus::Passed
                } else if left <= window_days.max(0) {
                    EosStatus::Within(left)
                } else {
                    EosStatus::Supported
                }
            }
        }
    }

    /// The date, when there is one.
    pub fn date(&self) -> Option<NaiveDate> {
        match *self {
            Support::On(d) => Some(d),
            _ => None,
        }
    }
}

impl EosStatus {
    /// The status of an optional phase (`eoas`, `eoes`): [`EosStatus::Unknown`] when absent.
    pub fn of(support: Option<&Support>, today: NaiveDate, window_days: i64) -> EosStatus {
        support.map_or(EosStatus::Unknown, |s| s.status(today, window_days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn status_boundaries() {
        let today = d("2026-11-25");
        assert_eq!(
            Support::On(d("2026-11-25")).status(today, 180),
            EosStatus::Passed
        );
        assert_eq!(
            Support::On(d("2020-01-01")).status(today, 180),
            EosStatus::Passed
        );
        assert_eq!(
            Support::On(d("2026-11-26")).status(today, 180),
            EosStatus::Within(1)
        );
        assert_eq!(
            Support::On(d("2027-05-24")).status(today, 180),
            EosStatus::Within(180)
        );
        assert_eq!(
            Support::On(d("2027-05-25")).status(today, 180),
            EosStatus::Supported
        );
        assert_eq!(
            Support::On(d("2026-12-01")).status(today, -5),
            EosStatus::Supported
        );
        assert_eq!(Support::Ended.status(today, 180), EosStatus::Passed);
        assert_eq!(Support::NotEnded.status(today, 180), EosStatus::Supported);
        assert_eq!(EosStatus::of(None, today, 180), EosStatus::Unknown);
    }

    fn cycle(id: &str, label: Option<&str>) -> EosCycle {
        EosCycle {
            cycle: id.into(),
            label: label.map(Into::into),
            codename: None,
            release: None,
            eoas: None,
            eol: Support::NotEnded,
            eoes: None,
            latest: None,
            lts: false,
            lts_from: None,
            source: EosSource::EndoflifeMd,
        }
    }

    #[test]
    fn display_names_the_product_once() {
        let t = "Microsoft Windows Server";
        assert_eq!(
            cycle("2012-r2", Some("Windows Server 2012 R2")).display(t),
            "Windows Server 2012 R2"
        );
        let mut lts = cycle("22.04", Some("22.04 'Jammy Jellyfish'"));
        lts.lts = true;
        assert_eq!(
            lts.display("Ubuntu"),
            "Ubuntu 22.04 'Jammy Jellyfish' (LTS)"
        );
        assert_eq!(
            cycle("9", None).display("Red Hat Enterprise Linux"),
            "Red Hat Enterprise Linux 9"
        );
        assert_eq!(
            cycle("12", Some("Bookworm")).display("Debian"),
            "Debian 12 (Bookworm)"
        );
        assert_eq!(
            cycle("10-22h2", Some("10 22H2")).display("Microsoft Windows"),
            "Microsoft Windows 10 22H2"
        );
        assert_eq!(
            cycle("13.0-sp3", Some("2016 SP3")).display("Microsoft SQL Server"),
            "Microsoft SQL Server 2016 SP3"
        );
        assert_eq!(
            cycle("subscription", None).display("Microsoft Exchange"),
            "Microsoft Exchange subscription"
        );
    }
}
