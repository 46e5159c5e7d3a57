//! Japanese first, English second: Fluent bundles embedded in the binary, shared by the
//! pages (web) and what the application layer writes in words (exports, mail).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

/// Every Japanese message (the files of `locales/ja`, joined by the build script).
pub const JA_FTL: &str = include_str!(concat!(env!("OUT_DIR"), "/ja.ftl"));
/// Every English message.
pub const EN_FTL: &str = include_str!(concat!(env!("OUT_DIR"), "/en.ftl"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "ja" => Some(Lang::Ja),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Ja => Lang::En,
            Lang::En => Lang::Ja,
        }
    }
}

struct Bundles {
    ja: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: &str, src: &'static str) -> FluentBundle<FluentResource> {
    let res = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        // The files are embedded and checked by tests; a broken file keeps what parsed.
        Err((r, _)) => r,
    };
    let id = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    b.set_use_isolating(false);
    let _ = b.add_resource(res);
    b
}

fn bundles() -> &'static Bundles {
    static B: OnceLock<Bundles> = OnceLock::new();
    B.get_or_init(|| Bundles {
        ja: bundle("ja", JA_FTL),
        en: bundle("en", EN_FTL),
    })
}

/// Translator for one request's language, handed to every template.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    fn lookup(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let b = bundles();
        let bundle = match self.lang {
            Lang::Ja => &b.ja,
            Lang::En => &b.en,
        };
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// Whether the message exists.
    pub fn has(&self, key: &str) -> bool {
        let b = bundles();
        match self.lang {
            Lang::Ja => b.ja.has_message(key),
            Lang::En => b.en.has_message(key),
        }
    }

    /// The message `key` in this language (the key itself when missing).
    pub fn t(&self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The message `key` with one named argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_string(), FluentValue::from(value.to_string()));
        self.lookup(key, Some(&args))
    }

    /// The message `key` with named arguments.
    pub fn targs(&self, key: &str, named: &[(&str, String)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in named {
            args.set(name.to_string(), FluentValue::from(value.clone()));
        }
        self.lookup(key, Some(&args))
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

/// The message ids of a Fluent source, for the test that both locales have the same keys.
pub fn message_ids(src: &str) -> Vec<String> {
    let mut ids: Vec<String> = src
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('-'))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.is_empty())
        .collect();
    ids.sort();
    ids
}
