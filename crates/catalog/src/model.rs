//! The catalog and crosswalk files, as they are written (`docs/CATALOG_FORMAT.md`).

use serde::{Deserialize, Serialize};

pub const FORMAT: u32 = 1;

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Guideline,
    CyberChecklist,
    RoleSharing,
    Bcp,
    Disclosure,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    #[default]
    None,
    YesNo,
    YesNoPerDevice,
    Text,
    Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Device {
    Server,
    Terminal,
    Network,
}

/// Whom an item is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Addressee {
    Executive,
    PlanningManager,
    SystemOperator,
    Vendor,
    Institution,
    Joint,
}

/// What a role-sharing item is about, which decides how the cross-vendor matrix judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Each system on its own (the default): judged per system over its contracts.
    #[default]
    System,
    /// Also the connection between systems: connected systems served by different vendors
    /// must agree on it.
    Connection,
    /// The institution as a whole (Part2 A-2 「複数事業者間の役割分担」…): judged once across
    /// every contract; two sole owners overlap, nobody taking it is a gap.
    Institution,
}

impl Scope {
    fn is_system(&self) -> bool {
        *self == Scope::System
    }
    /// The value written in a catalog file.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::System => "system",
            Scope::Connection => "connection",
            Scope::Institution => "institution",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// The official wording as printed.
    Verbatim,
    /// Taken from a seed document.
    Seed,
    /// Known to exist; wording not confirmed.
    Unverified,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Equal,
    Subset,
    Superset,
    Intersect,
    Related,
}

impl RelationKind {
    /// The value written in a crosswalk file (and the end of its message key).
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Equal => "equal",
            RelationKind::Subset => "subset",
            RelationKind::Superset => "superset",
            RelationKind::Intersect => "intersect",
            RelationKind::Related => "related",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub format: u32,
    pub catalog: CatalogMeta,
    #[serde(default, rename = "section", skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    #[serde(default, rename = "item", skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogMeta {
    pub id: String,
    pub publisher: String,
    pub document: String,
    pub version: String,
    pub kind: Kind,
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title_en: String,
    pub publisher_name: String,
    pub published: String,
    pub source_url: String,
    pub attribution: String,
    pub coverage: Coverage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub complete: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub missing: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub parent: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub section: String,
    #[serde(default)]
    pub number: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text_en: String,
    #[serde(default)]
    pub answer: Answer,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<Device>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role: Vec<Addressee>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub gate: bool,
    #[serde(default, skip_serializing_if = "Scope::is_system")]
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    pub provenance: Provenance,
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crosswalk {
    pub format: u32,
    pub crosswalk: CrosswalkMeta,
    #[serde(default, rename = "relation", skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkMeta {
    pub id: String,
    pub from: String,
    pub to: String,
    pub title: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    pub provenance: Provenance,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Catalog {
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }
    /// Write the catalog back in the file format.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }
}

impl Crosswalk {
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }
}
