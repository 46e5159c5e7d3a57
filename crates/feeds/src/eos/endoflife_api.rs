//! endoflife.date API v1 responses (`schema_version` 1.x): `/products/full` (`result` is a
//! list of products) and `/products/{product}` (`result` is one product). Per release:
//! `name, codename, label, releaseDate, isLts, ltsFrom, isEoas, eoasFrom, isEol, eolFrom,
//! isEoes, eoesFrom, isMaintained, latest{name,date,link}, custom`; unknown fields are ignored.
//!
//! A phase's end is `…From` when it is a date, else `is…` (true: ended without a date; false:
//! not ended); a phase with neither (both absent or null) is absent, except `eol`, which the
//! schema requires (a release without either is skipped with a warning).

use serde_json::{Map, Value};

use super::error::{EosError, EosWarning};
use super::{parse_date, strip_html, Identifier, Parsed};
use super::{EosCycle, EosProduct, EosSource, Support};

type Obj = Map<String, Value>;

fn str_field(o: &Obj, key: &str) -> Result<Option<String>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

fn bool_field(o: &Obj, key: &str) -> Result<Option<bool>, String> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(format!("expected true/false, got {other}")),
    }
}

fn date_field(o: &Obj, key: &str) -> Result<Option<chrono::NaiveDate>, String> {
    match str_field(o, key)? {
        None => Ok(None),
        Some(s) => parse_date(&s)
            .map(Some)
            .ok_or_else(|| format!("expected a date (YYYY-MM-DD), got {s:?}")),
    }
}

/// A phase from `is<Phase>` and `<phase>From`; errors name the field.
fn phase(
    o: &Obj,
    is: &'static str,
    from: &'static str,
) -> Result<Option<Support>, (&'static str, String)> {
    if let Some(d) = date_field(o, from).map_err(|m| (from, m))? {
        return Ok(Some(Support::On(d)));
    }
    Ok(bool_field(o, is).map_err(|m| (is, m))?.map(|b| {
        if b {
            Support::Ended
        } else {
            Support::NotEnded
        }
    }))
}

/// Parse an API response; `file` names it in messages.
pub(crate) fn parse(file: &str, bytes: &[u8]) -> Result<Parsed, EosError> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| EosError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let field_err = |field: &str, message: String| EosError::Field {
        file: file.to_string(),
        line: None,
        field: field.to_string(),
        message,
    };
    let Value::Object(root) = &doc else {
        return Err(field_err("(root)", "expected an object".into()));
    };
    let mut out = Parsed::default();
    match root.get("result") {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                product(file, &format!("result[{i}]"), item, &mut out)?;
            }
        }
        Some(item @ Value::Object(_)) => product(file, "result", item, &mut out)?,
        Some(_) => return Err(field_err("result", "expected a list or an object".into())),
        None => return Err(field_err("result", "missing".into())),
    }
    Ok(out)
}

fn product(file: &str, at: &str, item: &Value, out: &mut Parsed) -> Result<(), EosError> {
    let field_err = |field: &str, message: String| EosError::Field {
        file: file.to_string(),
        line: None,
        field: format!("{at}.{field}"),
        message,
    };
    let Value::Object(o) = item else {
        return Err(field_err("", "expected an object".into()));
    };
    let id = str_field(o, "name")
        .map_err(|m| field_err("name", m))?
        .ok_or_else(|| field_err("name", "missing".into()))?;
    let title = str_field(o, "label")
        .map_err(|m| field_err("label", m))?
        .unwrap_or_else(|| id.clone());
    let category = str_field(o, "category").map_err(|m| field_err("category", m))?;
    let mut cpes = Vec::new();
    if let Some(Value::Array(ids)) = o.get("identifiers") {
        for ident in ids {
            let (Some(Value::String(kind)), Some(Value::String(value))) =
                (ident.get("type"), ident.get("id"))
            else {
                continue;
            };
            if kind == "cpe" {
                cpes.push(value.clone());
            }
            out.identifiers.push(Identifier {
                product: id.clone(),
                title: Some(title.clone()),
                category: category.clone(),
                kind: kind.clone(),
                value: value.clone(),
            });
        }
    }
    let releases = match o.get("releases") {
        Some(Value::Array(r)) => r,
        Some(_) => return Err(field_err("releases", "expected a list".into())),
        None => {
            return Err(field_err(
                "releases",
                "missing (a product summary? read /products/full or /products/{product})".into(),
            ))
        }
    };
    let mut cycles = Vec::with_capacity(releases.len());
    for (i, r) in releases.iter().enumerate() {
        match release(r) {
            Ok(c) => cycles.push(c),
            Err((field, message)) => out.warnings.push(EosWarning {
                file: file.to_string(),
                line: None,
                field: Some(format!("{at}.releases[{i}].{field}")),
                message: format!("{message}; entry skipped"),
            }),
        }
    }
    out.products.push(EosProduct {
        id,
        title,
        category,
        cpes,
        cycles,
        source: EosSource::EndoflifeApi,
    });
    Ok(())
}

fn release(r: &Value) -> Result<EosCycle, (&'static str, String)> {
    let Value::Object(o) = r else {
        return Err(("", "expected an object".into()));
    };
    let f = |key: &'static str| move |m: String| (key, m);
    let cycle = str_field(o, "name")
        .map_err(f("name"))?
        .filter(|c| !c.trim().is_empty())
        .ok_or(("name", "missing".to_string()))?;
    let eol =
        phase(o, "isEol", "eolFrom")?.ok_or(("isEol", "missing (and no eolFrom)".to_string()))?;
    let lts_from = date_field(o, "ltsFrom").map_err(f("ltsFrom"))?;
    let lts = bool_field(o, "isLts").map_err(f("isLts"))?.unwrap_or(false) || lts_from.is_some();
    let latest = match o.get("latest") {
        Some(Value::Object(l)) => str_field(l, "name").map_err(f("latest"))?,
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Ok(EosCycle {
        label: str_field(o, "label")
            .map_err(f("label"))?
            .map(|l| strip_html(&l)),
        codename: str_field(o, "codename").map_err(f("codename"))?,
        release: date_field(o, "releaseDate").map_err(f("releaseDate"))?,
        eoas: phase(o, "isEoas", "eoasFrom")?,
        eol,
        eoes: phase(o, "isEoes", "eoesFrom")?,
        latest,
        lts,
        lts_from,
        cycle,
        source: EosSource::EndoflifeApi,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_product_and_phases() {
        let json = br#"{"schema_version":"1.2.0","last_modified":"x","result":{"name":"demo","label":"Demo",
          "identifiers":[{"type":"cpe","id":"cpe:/o:demo:demo"},{"type":"purl","id":"pkg:x/y"}],
          "releases":[
            {"name":"2","label":"Demo 2","releaseDate":"2024-01-02","isLts":false,"ltsFrom":null,
             "isEol":false,"eolFrom":"2030-01-01","isEoes":null,"eoesFrom":null,"latest":{"name":"2.1"},"extra":1},
            {"name":"1","isEol":true,"eolFrom":null,"isEoas":true},
            {"name":"0","isEol":"yes"},
            {"label":"no name","isEol":true}]}}"#;
        let p = parse("demo.json", json).unwrap();
        let prod = &p.products[0];
        assert_eq!((prod.id.as_str(), prod.title.as_str()), ("demo", "Demo"));
        assert_eq!(prod.cpes, vec!["cpe:/o:demo:demo"]);
        assert_eq!(prod.cycles.len(), 2);
        assert_eq!(
            prod.cycles[0].eol,
            Support::On(parse_date("2030-01-01").unwrap())
        );
        assert_eq!(prod.cycles[0].eoes, None);
        assert_eq!(prod.cycles[0].latest.as_deref(), Some("2.1"));
        assert_eq!(prod.cycles[1].eol, Support::Ended);
        assert_eq!(prod.cycles[1].eoas, Some(Support::Ended));
        assert_eq!(p.warnings.len(), 2);
        assert_eq!(
            p.warnings[0].field.as_deref(),
            Some("result.releases[2].isEol")
        );
        assert_eq!(
            p.warnings[1].field.as_deref(),
            Some("result.releases[3].name")
        );
    }

    #[test]
    fn shape_errors_name_file_and_field() {
        let e = parse("f.json", b"{\"result\": 3}").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.json: field `result`: expected a list or an object"
        );
        let e = parse("f.json", b"{\"result\": [{\"name\":\"x\"}]}").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("f.json: field `result[0].releases`: missing"),
            "{e}"
        );
        let e = parse("f.json", b"{\"result\": [").unwrap_err();
        assert!(matches!(e, EosError::Json { line: 1, .. }), "{e:?}");
    }
}
