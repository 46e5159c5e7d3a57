//! Guards on what reaches any handler: control characters in a query or in a form or JSON
//! field are refused with 422 before a handler (or the database) sees them, and an API token
//! is accepted under `/api/v1` only.

use crate::error::AppError;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// A control character no field may carry. Form and JSON text may hold a tab and line
/// breaks (a textarea's 備考); a query may not even hold those.
pub fn forbidden_char(c: char, in_text: bool) -> bool {
    let allowed_in_text = matches!(c, '\t' | '\n' | '\r');
    (c.is_control() && !(in_text && allowed_in_text)) || c == '\u{2028}' || c == '\u{2029}'
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

/// True when any key or string of a JSON document holds a forbidden character.
pub fn json_has_control(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    let bad = |s: &str| s.chars().any(|c| forbidden_char(c, true));
    match v {
        Value::String(s) => bad(s),
        Value::Array(a) => a.iter().any(json_has_control),
        Value::Object(o) => o.iter().any(|(k, v)| bad(k) || json_has_control(v)),
        _ => false,
    }
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
    let json = kind.starts_with("application/json");
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
        // A body that is not JSON is left to the handler's own (clear) refusal.
        serde_json::from_slice::<serde_json::Value>(&bytes).is_ok_and(|v| json_has_control(&v))
    };
    if bad {
        return refused("body");
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// Pages are for browsers: an `Authorization: Bearer` token is accepted under `/api/v1`
/// only. So a token never reaches a page that manages credentials (`/profile/tokens`,
/// `/profile/password`, `/logout/all` …), whatever its path, and cannot mint tokens.
pub async fn refuse_bearer_outside_api(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    if !api && crate::auth::bearer(req.headers()).is_some() {
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
        assert!(json_has_control(&serde_json::json!({"a": ["x\u{0}"]})));
        assert!(json_has_control(&serde_json::json!({"a\u{1b}": 1})));
        assert!(!json_has_control(
            &serde_json::json!({"備考": "一行目\n二行目\t"})
        ));
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
        fn text_without_control_chars_passes(s in "[^\\p{Cc}\u{2028}\u{2029}]{0,40}") {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("q", &s)
                .finish();
            prop_assert!(!urlencoded_has_control(q.as_bytes(), false));
        }
    }
}
