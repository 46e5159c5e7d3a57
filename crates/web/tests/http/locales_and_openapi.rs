//! Both locales carry the same keys, every key used exists, and the OpenAPI document is stable.

use crate::common::*;

#[test]
fn both_locales_have_the_same_keys() {
    let ja = i18n::message_ids(i18n::JA_FTL);
    let en = i18n::message_ids(i18n::EN_FTL);
    assert!(ja.len() > 150, "{}", ja.len());
    let only_ja: Vec<_> = ja.iter().filter(|k| !en.contains(k)).collect();
    let only_en: Vec<_> = en.iter().filter(|k| !ja.contains(k)).collect();
    assert!(
        only_ja.is_empty() && only_en.is_empty(),
        "ja only: {only_ja:?}; en only: {only_en:?}"
    );
    let mut dedup = ja.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), ja.len(), "duplicate keys");
}

#[test]
fn every_key_used_in_templates_and_code_exists() {
    let ja = i18n::message_ids(i18n::JA_FTL);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    // Every file of the web crate's templates and sources, and of the application layer
    // (exports and mail are written in words there too).
    let mut files = vec![];
    let mut dirs = vec![
        root.join("templates"),
        root.join("src"),
        root.join("../app/src"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 40, "the sources were found");
    {
        for path in files {
            let text = std::fs::read_to_string(path).unwrap();
            for (i, _) in text
                .match_indices(".t(\"")
                .chain(text.match_indices(".t1(\""))
            {
                let rest = &text[i..];
                let start = rest.find('"').unwrap() + 1;
                let key = &rest[start..start + rest[start..].find('"').unwrap()];
                if !key.is_empty() && !ja.contains(&key.to_string()) {
                    missing.push(key.to_string());
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys missing from the locales: {missing:?}"
    );
    // Keys built at run time: roles, kinds, audit groups, error keys of the domain.
    for role in Role::ALL {
        assert!(ja.contains(&format!("role-{}", role.as_str().replace('_', "-"))));
    }
    // Each matrix flag's name and what to do about it.
    for flag in [
        "gap",
        "overlap",
        "disagreement",
        "no-without-completion",
        "coordinate",
    ] {
        for k in [format!("matrix-flag-{flag}"), format!("matrix-do-{flag}")] {
            assert!(ja.contains(&k), "{k}");
        }
    }
    for k in [
        "required",
        "invalid-name",
        "invalid-email",
        "invalid-beds",
        "invalid-institution-code",
        "invalid-prefecture",
        "institution-code-prefecture-mismatch",
        "institution-code-kind-mismatch",
        "institution-code-check-digit",
        "password-too-short",
        "password-too-long",
        "password-common",
        "password-equals-email",
    ] {
        assert!(ja.contains(&k.to_string()), "{k}");
    }
}

#[tokio::test]
async fn openapi_document_is_stable() {
    let app = start().await;
    let r = client()
        .get(format!("{}/api/v1/openapi.json", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}
