//! 和暦: dates as the official forms print them (令和6年6月10日).

/// Eras since 1926, newest first: (name, first day as YYYY-MM-DD, Gregorian year of 元年).
const ERAS: [(&str, &str, i32); 3] = [
    ("令和", "2019-05-01", 2019),
    ("平成", "1989-01-08", 1989),
    ("昭和", "1926-12-25", 1926),
];

/// `2024-06-10` → `令和6年6月10日` (`元年` for an era's first year). None for a string that
/// is not a date, or a date before 昭和.
pub fn wareki(date: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let iso = d.format("%Y-%m-%d").to_string();
    let (name, _, first) = ERAS.iter().find(|(_, start, _)| iso.as_str() >= *start)?;
    use chrono::Datelike;
    let n = d.year() - first + 1;
    let year = if n == 1 {
        "元".to_string()
    } else {
        n.to_string()
    };
    Some(format!("{name}{year}年{}月{}日", d.month(), d.day()))
}

/// The fiscal year (April–March) as 令和N年度: `2024` → `令和6年度`. A fiscal year is named by
/// the era in effect at its end (FY2019 is 令和元年度, as the government wrote it), unless
/// that era began in the year's last months: FY1988 ends in 平成 but is 昭和63年度.
pub fn fiscal_year(year: i32) -> String {
    let end = format!("{}-03-31", year + 1);
    let (name, first) = ERAS
        .iter()
        .filter(|(_, _, first)| *first <= year)
        .find(|(_, start, _)| end.as_str() >= *start)
        .map(|(name, _, first)| (*name, *first))
        .unwrap_or((ERAS[2].0, ERAS[2].2));
    let n = year - first + 1;
    if n == 1 {
        format!("{name}元年度")
    } else {
        format!("{name}{n}年度")
    }
}

/// `2024-06-10` → `2024年6月10日`.
pub fn seireki(date: &str) -> Option<String> {
    use chrono::Datelike;
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

/// A date as people type it in a ledger, as `YYYY-MM-DD`: `2024-04-01`, `2024/4/1`,
/// `2024.4.1`, `2024年4月1日`, `令和6年4月1日` (元年 too), `R6.4.1`, `H31/4/30`, full-width
/// digits alike. None for anything else, or a day that does not exist.
pub fn parse_date(s: &str) -> Option<String> {
    let s: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '／' => '/',
            '．' => '.',
            '－' => '-',
            _ => c,
        })
        .collect();
    let (era, rest) = [
        ("令和", 0usize),
        ("平成", 1),
        ("昭和", 2),
        ("R", 0),
        ("H", 1),
        ("S", 2),
        ("r", 0),
        ("h", 1),
        ("s", 2),
    ]
    .iter()
    .find_map(|(p, i)| s.strip_prefix(p).map(|r| (Some(*i), r.to_string())))
    .unwrap_or((None, s.clone()));
    let rest = rest.replacen("元", "1", 1);
    let nums: Vec<&str> = rest
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = nums.as_slice() else {
        return None;
    };
    if !rest.ends_with(|c: char| c.is_ascii_digit() || c == '日') {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let year = match era {
        Some(i) => {
            let (_, start, first) = ERAS[i];
            let year = first + y - 1;
            if y < 1 || format!("{year:04}-{m:02}-{d:02}").as_str() < start {
                return None;
            }
            year
        }
        None if (1900..=2200).contains(&y) => y,
        None => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(year, m, d)?;
    Some(date.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_boundaries() {
        assert_eq!(wareki("2019-04-30").as_deref(), Some("平成31年4月30日"));
        assert_eq!(wareki("2019-05-01").as_deref(), Some("令和元年5月1日"));
        assert_eq!(wareki("2024-06-10").as_deref(), Some("令和6年6月10日"));
        assert_eq!(wareki("1989-01-07").as_deref(), Some("昭和64年1月7日"));
        assert_eq!(wareki("1989-01-08").as_deref(), Some("平成元年1月8日"));
        assert_eq!(wareki("2024-02-30"), None);
        assert_eq!(wareki("1900-01-01"), None);
        assert_eq!(fiscal_year(2024), "令和6年度");
        assert_eq!(fiscal_year(2019), "令和元年度");
        assert_eq!(fiscal_year(2018), "平成30年度");
        assert_eq!(fiscal_year(1988), "昭和63年度");
        assert_eq!(fiscal_year(1989), "平成元年度");
        assert_eq!(seireki("2024-06-10").as_deref(), Some("2024年6月10日"));
        for (typed, iso) in [
            ("2024-04-01", "2024-04-01"),
            ("2024/4/1", "2024-04-01"),
            ("２０２４年４月１日", "2024-04-01"),
            ("令和6年4月1日", "2024-04-01"),
            ("令和元年5月1日", "2019-05-01"),
            ("R6.4.1", "2024-04-01"),
            ("H31/4/30", "2019-04-30"),
        ] {
            assert_eq!(parse_date(typed).as_deref(), Some(iso), "{typed}");
        }
        for bad in [
            "2024-02-30",
            "令和元年4月1日",
            "R6.4",
            "6/4/1",
            "2024-04-01x",
            "昨日",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
