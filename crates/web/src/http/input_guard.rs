//! Guards on what reaches any handler: control characters in a query or in a form or JSON
//! field are refused with 422 before a handler (or the database) sees them, and an API token
//! is accepted under `/api/v1` only.

use crate::http::error::AppError;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// A control character no field may carry. Form and JSON text may hold a tab and line
/// breaks (a textarea's 備考); a query may not even hold those.
pub fn forbidden_char(c: char, in_text: bool) -> bool {
    let allowed_in_text = matches!(c, '\t' | '\n' | '\r');
    (c.is_control() && !(in_text && allowed_in_text))
        // Line and paragraph separators, and the bidirectional overrides and isolates that
        // make text display differently from what it holds.
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// True when any name or value of an `application/x-www-form-urlencoded` text (a query or a
/// form body) holds a forbidden character.
pub fn urlencoded_has_control(raw: &[u8], in_text: bool) -> bool {
    form_urlencoded::parse(raw).any(|(k, v)| {
        k.chars()
            .chain(v.chars())
            .any(|c| forbidden_char(c, in_text))
    })
}

/// True when a string or key of a JSON text holds a forbidden character, raw or escaped
/// (`\u0000`). One pass over the bytes, nothing allocated: no tree is built for a body
/// that may come from anyone. (A raw C0 byte inside a string is not JSON at all; the
/// handler refuses it as malformed.)
pub fn json_has_control(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let mut chars = text.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if !in_string {
            in_string = c == '"';
            continue;
        }
        match c {
            '"' => in_string = false,
            // An escape: `\uXXXX` is decoded; any other escaped character is skipped.
            '\\' if chars.next() == Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let escaped = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                if escaped.is_some_and(|e| forbidden_char(e, true)) {
                    return true;
                }
            }
            '\\' => {}
            c if forbidden_char(c, true) => return true,
            _ => {}
        }
    }
    false
}

/// `application/json` or any `application/…+json`, as axum's `Json` accepts.
fn is_json(kind: &str) -> bool {
    let essence = kind.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn refused(field: &'static str) -> Response {
    AppError::Invalid {
        field,
        key: "error-control-chars",
    }
    .into_response()
}

/// Refuse control characters in the query and in form or JSON bodies. Runs inside each
/// router's body limit, so the body it reads is already bounded; multipart uploads are
/// read by their own reader.
pub async fn refuse_control_chars(req: Request, next: Next) -> Response {
    if let Some(q) = req.uri().query() {
        if urlencoded_has_control(q.as_bytes(), false) {
            return refused("query");
        }
    }
    let kind = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = is_json(&kind);
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let bad = if form {
        urlencoded_has_control(&bytes, true)
    } else {
        json_has_control(&bytes)
    };
    if bad {
        return refused("body");
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// The upload routes' guard: the query only. Their bodies (files) are read by the upload
/// reader after the caller is known, never here.
pub async fn refuse_control_chars_in_query(req: Request, next: Next) -> Response {
    if let Some(q) = req.uri().query() {
        if urlencoded_has_control(q.as_bytes(), false) {
            return refused("query");
        }
    }
    next.run(req).await
}

/// Pages are for browsers: an `Authorization: Bearer` token is accepted under `/api/v1`
/// only. So a token never reaches a page that manages credentials (`/profile/tokens`,
/// `/profile/password`, `/logout/all` …), whatever its path, and cannot mint tokens.
pub async fn refuse_bearer_outside_api(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    if !api && crate::http::auth::bearer(req.headers()).is_some() {
        let body = serde_json::json!({"error": {
            "code": "bearer_not_accepted",
            "message": "API トークンは /api/v1 でのみ使えます (API tokens are accepted under /api/v1 only)",
        }});
        return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_nul_and_friends_everywhere() {
        assert!(urlencoded_has_control(b"q=abc%00def", false));
        assert!(urlencoded_has_control(b"q=%00", false));
        assert!(urlencoded_has_control(b"q%01=x", false));
        assert!(urlencoded_has_control(b"q=a%0Ab", false));
        assert!(!urlencoded_has_control(b"q=a%0Ab", true));
        assert!(urlencoded_has_control(b"q=a%7Fb", true));
        assert!(!urlencoded_has_control("q=台帳 VPN".as_bytes(), false));
        assert!(!urlencoded_has_control(b"q=%E5%8F%B0%E5%B8%B3", false));
        let j = |v: serde_json::Value| json_has_control(v.to_string().as_bytes());
        assert!(j(serde_json::json!({"a": ["x\u{0}"]})));
        assert!(j(serde_json::json!({"a\u{1b}": 1})));
        assert!(j(serde_json::json!({"a": "x\u{202e}y"})));
        assert!(j(serde_json::json!({"a": "x\u{85}"})));
        // Escapes written by hand, an escaped backslash, and a raw DEL.
        assert!(json_has_control(br#"{"a":"\u0000"}"#));
        assert!(json_has_control(br#"{"a":"\u001B[2J"}"#));
        assert!(!json_has_control(br#"{"a":"\\u0000"}"#));
        assert!(json_has_control("{\"a\":\"x\u{7f}\"}".as_bytes()));
        assert!(!json_has_control(
            br#"{"a":1,"b":[true,null],"c":"\"\u3042"}"#
        ));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/vnd.mamori+json"));
        assert!(!is_json("text/plain"));
        assert!(!j(serde_json::json!({"備考": "一行目\n二行目\t"})));
    }

    proptest! {
        #[test]
        fn any_control_char_in_a_query_value_is_refused(
            before in "[a-zA-Z0-9ぁ-ん]{0,8}",
            c in prop_oneof![0u32..0x20, Just(0x7f), 0x80u32..0xa0].prop_map(|u| char::from_u32(u).unwrap_or('\0')),
            after in "[a-zA-Z0-9ぁ-ん]{0,8}",
        ) {
            let value = format!("{before}{c}{after}");
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &value)
                .finish();
            prop_assert!(urlencoded_has_control(q.as_bytes(), false));
        }

        #[test]
        fn text_without_control_chars_passes(s in "[^\\p{Cc}\u{2028}\u{2029}\u{202a}-\u{202e}\u{2066}-\u{2069}]{0,40}") {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &s)
                .finish();
            prop_assert!(!urlencoded_has_control(q.as_bytes(), false));
        }
    }
}
