//! Time as mamori's users read it: Japan Standard Time (UTC+9, no daylight saving) and the
//! fiscal year (April to March, 令和N年度). Every date shown, every "today" and every
//! date-range filter goes through here.

use chrono::{Datelike, NaiveDate};

/// JST is UTC + 9 hours.
pub const JST_OFFSET_MS: i64 = 9 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// The date in Japan at `now_ms` (unix ms), as `YYYY-MM-DD`.
pub fn date_jst(now_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(now_ms + JST_OFFSET_MS)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Today in Japan, `YYYY-MM-DD`.
pub fn today_jst() -> String {
    date_jst(chrono::Utc::now().timestamp_millis())
}

/// Unix ms as Japan time, `2026-11-22 13:27:14`.
pub fn timestamp_jst(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + JST_OFFSET_MS)
        .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// The first millisecond of a day (`YYYY-MM-DD`) in Japan; `None` for a malformed date.
pub fn day_start_jst(date: &str) -> Option<i64> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() - JST_OFFSET_MS)
}

/// The last second of a day (`YYYY-MM-DD`, 23:59:59) in Japan; `None` for a malformed date.
pub fn day_end_jst(date: &str) -> Option<i64> {
    day_start_jst(date).map(|t| t + DAY_MS - 1000)
}

/// The fiscal year (April to March) a date falls in: 2025-03-31 → 2024, 2025-04-01 → 2025.
pub fn fiscal_year_of(date: &str) -> Option<i32> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    })
}

/// The fiscal year it is now in Japan.
pub fn current_fiscal_year() -> i32 {
    fiscal_year_of(&today_jst()).unwrap_or(2024)
}

/// The fiscal year as its first and last day: 2024 → 2024-04-01, 2025-03-31.
pub fn fiscal_year_range(year: i32) -> (String, String) {
    (format!("{year}-04-01"), format!("{}-03-31", year + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japan_days_and_fiscal_years() {
        // 2026-03-31 15:00 UTC is 2026-04-01 00:00 JST: a new fiscal year.
        let t = day_start_jst("2026-04-01").unwrap();
        assert_eq!(date_jst(t), "2026-04-01");
        assert_eq!(date_jst(t - 1), "2026-03-31");
        assert_eq!(timestamp_jst(t), "2026-04-01 00:00:00");
        assert_eq!(day_end_jst("2026-03-31").unwrap(), t - 1000);
        assert_eq!(fiscal_year_of(&date_jst(t)), Some(2026));
        assert_eq!(fiscal_year_of(&date_jst(t - 1)), Some(2025));
        assert_eq!(fiscal_year_range(2024).1, "2025-03-31");
        assert_eq!(day_start_jst("2026-02-30"), None);
        assert_eq!(day_start_jst("令和8年"), None);
    }
}
