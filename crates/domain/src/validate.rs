//! Input rules for the foundation's records. Every check returns a field name and a message
//! key that the UI renders in Japanese or English.

use crate::model::InstitutionKind;

/// A rejected field: which field, and the Fluent key of the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {key}")]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
}

fn err(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// JIS X 0401 都道府県 (code, 日本語, English).
pub const PREFECTURES: [(&str, &str, &str); 47] = [
    ("01", "北海道", "Hokkaido"),
    ("02", "青森県", "Aomori"),
    ("03", "岩手県", "Iwate"),
    ("04", "宮城県", "Miyagi"),
    ("05", "秋田県", "Akita"),
    ("06", "山形県", "Yamagata"),
    ("07", "福島県", "Fukushima"),
    ("08", "茨城県", "Ibaraki"),
    ("09", "栃木県", "Tochigi"),
    ("10", "群馬県", "Gunma"),
    ("11", "埼玉県", "Saitama"),
    ("12", "千葉県", "Chiba"),
    ("13", "東京都", "Tokyo"),
    ("14", "神奈川県", "Kanagawa"),
    ("15", "新潟県", "Niigata"),
    ("16", "富山県", "Toyama"),
    ("17", "石川県", "Ishikawa"),
    ("18", "福井県", "Fukui"),
    ("19", "山梨県", "Yamanashi"),
    ("20", "長野県", "Nagano"),
    ("21", "岐阜県", "Gifu"),
    ("22", "静岡県", "Shizuoka"),
    ("23", "愛知県", "Aichi"),
    ("24", "三重県", "Mie"),
    ("25", "滋賀県", "Shiga"),
    ("26", "京都府", "Kyoto"),
    ("27", "大阪府", "Osaka"),
    ("28", "兵庫県", "Hyogo"),
    ("29", "奈良県", "Nara"),
    ("30", "和歌山県", "Wakayama"),
    ("31", "鳥取県", "Tottori"),
    ("32", "島根県", "Shimane"),
    ("33", "岡山県", "Okayama"),
    ("34", "広島県", "Hiroshima"),
    ("35", "山口県", "Yamaguchi"),
    ("36", "徳島県", "Tokushima"),
    ("37", "香川県", "Kagawa"),
    ("38", "愛媛県", "Ehime"),
    ("39", "高知県", "Kochi"),
    ("40", "福岡県", "Fukuoka"),
    ("41", "佐賀県", "Saga"),
    ("42", "長崎県", "Nagasaki"),
    ("43", "熊本県", "Kumamoto"),
    ("44", "大分県", "Oita"),
    ("45", "宮崎県", "Miyazaki"),
    ("46", "鹿児島県", "Kagoshima"),
    ("47", "沖縄県", "Okinawa"),
];

pub fn prefecture_name(code: &str, japanese: bool) -> Option<&'static str> {
    PREFECTURES
        .iter()
        .find(|p| p.0 == code)
        .map(|p| if japanese { p.1 } else { p.2 })
}

/// 医療機関コード (薬局コード) as printed on a prescription: ten digits — the prefecture
/// (2), the fee table (1: 医科 1, 歯科 3, 調剤 4), the code the regional bureau gives (6)
/// and a check digit computed over the nine before it by the Luhn rule (from the right,
/// every other digit doubled, the digits of the products summed).
pub fn institution_code(
    code: &str,
    prefecture: &str,
    kind: crate::InstitutionKind,
) -> Result<(), FieldError> {
    use crate::InstitutionKind as K;
    if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err("code", "invalid-institution-code"));
    }
    if prefecture_name(prefecture, true).is_none() {
        return Err(err("prefecture", "invalid-prefecture"));
    }
    if &code[..2] != prefecture {
        return Err(err("code", "institution-code-prefecture-mismatch"));
    }
    let table = match kind {
        K::Hospital | K::Clinic => b'1',
        K::DentalClinic => b'3',
        K::Pharmacy => b'4',
    };
    if code.as_bytes()[2] != table {
        return Err(err("code", "institution-code-kind-mismatch"));
    }
    if check_digit(&code[..9]) != code.as_bytes()[9] - b'0' {
        return Err(err("code", "institution-code-check-digit"));
    }
    Ok(())
}

/// The Luhn check digit of a string of ASCII digits.
fn check_digit(digits: &str) -> u8 {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                let p = d * 2;
                p / 10 + p % 10
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A name shown in the UI: trimmed, 1 to 200 characters, no control characters.
pub fn name(field: &'static str, value: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(err(field, "required"));
    }
    if v.chars().count() > 200 || v.chars().any(char::is_control) {
        return Err(err(field, "invalid-name"));
    }
    Ok(v.to_string())
}

/// A plausible e-mail address, normalised to lower case.
pub fn email(value: &str) -> Result<String, FieldError> {
    let v = value.trim().to_lowercase();
    let ok = v.len() <= 254
        && v.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.chars().any(|c| c.is_whitespace() || c.is_control())
                && !domain.contains('@')
        });
    if ok {
        Ok(v)
    } else {
        Err(err("email", "invalid-email"))
    }
}

pub fn beds(kind: InstitutionKind, beds: i64) -> Result<(), FieldError> {
    if !(0..=10_000).contains(&beds) || (kind == InstitutionKind::Pharmacy && beds != 0) {
        return Err(err("beds", "invalid-beds"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn institution_codes() {
        use crate::InstitutionKind as K;
        let key =
            |code: &str, pref: &str, kind| institution_code(code, pref, kind).unwrap_err().key;
        // A code as printed on a prescription (Hokkaido, 医科).
        assert!(institution_code("0110113719", "01", K::Hospital).is_ok());
        assert!(institution_code("1311234569", "13", K::Clinic).is_ok());
        assert_eq!(
            key("1311234567", "13", K::Hospital),
            "institution-code-check-digit"
        );
        assert_eq!(
            key("0110113718", "01", K::Hospital),
            "institution-code-check-digit"
        );
        assert_eq!(
            key("1311234569", "13", K::Pharmacy),
            "institution-code-kind-mismatch"
        );
        assert_eq!(
            key("1311234569", "13", K::DentalClinic),
            "institution-code-kind-mismatch"
        );
        assert_eq!(
            key("131123456", "13", K::Hospital),
            "invalid-institution-code"
        );
        assert_eq!(
            key("1311234569", "14", K::Hospital),
            "institution-code-prefecture-mismatch"
        );
        assert_eq!(key("1311234569", "48", K::Hospital), "invalid-prefecture");
    }

    #[test]
    fn emails() {
        assert_eq!(email(" A@Example.JP ").unwrap(), "a@example.jp");
        for bad in ["", "a", "a@b", "@b.jp", "a b@c.jp", "a@b.jp.", "a@@b.jp"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
