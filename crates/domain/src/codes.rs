//! Typed statuses and kinds. Each is an enum with one code per variant — the text stored
//! in the database column, sent in forms and JSON, and used in message keys — made by one
//! macro, so a status is never compared as a string outside this module.

/// The database column of a code enum: stored as its code (text), refused when unknown.
#[cfg(feature = "sqlx")]
#[macro_export]
#[doc(hidden)]
macro_rules! code_enum_column {
    ($name:ident) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::parse(&s)
                    .ok_or_else(|| format!("unknown {} `{}`", stringify!($name), s).into())
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, DB>>::encode(self.as_str().to_string(), buf)
            }
        }
    };
}

#[cfg(not(feature = "sqlx"))]
#[macro_export]
#[doc(hidden)]
macro_rules! code_enum_column {
    ($name:ident) => {};
}

/// Declare a code enum: `as_str`, `parse`, `ALL`, `Display`, serde as the code, and (with
/// the `sqlx` feature) the database column as the code.
#[macro_export]
macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code (database column, form and JSON value).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The value of a code; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $($code => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $crate::code_enum_column!($name);

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} `{}`",
                        stringify!($name),
                        s
                    ))
                })
            }
        }
    };
}

code_enum!(
    /// What kind of official document a catalog is (the `kind` of its file).
    CatalogKind {
        Guideline = "guideline",
        CyberChecklist = "cyber_checklist",
        RoleSharing = "role_sharing",
        Bcp = "bcp",
        Disclosure = "disclosure",
    }
);

code_enum!(
    /// Where a catalog served comes from: embedded in the binary, or imported by the
    /// platform administrator.
    CatalogOrigin {
        Embedded = "embedded",
        Imported = "imported",
    }
);

code_enum!(
    /// What a row of a catalog's search index is.
    CatalogEntryKind {
        Item = "item",
        Section = "section",
    }
);

code_enum!(
    /// Where a catalog import stands: staged until the administrator confirms or discards it.
    ImportStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Discarded = "discarded",
    }
);

code_enum!(
    /// What a document attached to a contract is.
    DocumentKind {
        Contract = "contract",
        Sla = "sla",
        /// 製造業者/サービス事業者による医療情報セキュリティ開示書 (MDS/SDS)
        MdsSds = "mds_sds",
        Conformance = "conformance",
        Other = "other",
    }
);

code_enum!(
    /// A vendor's certification.
    CertKind {
        /// ISMS (JIS Q 27001)
        JisQ27001 = "jisq27001",
        /// プライバシーマーク (JIS Q 15001)
        JisQ15001 = "jisq15001",
        Other = "other",
    }
);

code_enum!(
    /// How a certification stands on a given day.
    CertStanding {
        Valid = "valid",
        /// Expires within [`CERT_WARN_DAYS`].
        Soon = "soon",
        Expired = "expired",
    }
);

/// A certification expiring within this many days is flagged.
pub const CERT_WARN_DAYS: i64 = 60;

/// How a certification expiring on `expires_on` stands on `today` (both `YYYY-MM-DD`); no
/// date, or an unreadable one, counts as valid.
pub fn cert_standing(expires_on: Option<&str>, today: &str) -> CertStanding {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    match (expires_on.and_then(parse), parse(today)) {
        (Some(e), Some(t)) if e < t => CertStanding::Expired,
        (Some(e), Some(t)) if (e - t).num_days() <= CERT_WARN_DAYS => CertStanding::Soon,
        _ => CertStanding::Valid,
    }
}

code_enum!(
    /// Where a vendor sheet stands in the database: requested (open to the vendor, also after
    /// a return) until the vendor submits it.
    VendorSheetStatus {
        Requested = "requested",
        Submitted = "submitted",
    }
);

code_enum!(
    /// Where a vendor sheet of a checklist stands, as lists show it.
    VendorSheetStanding {
        Requested = "requested",
        Returned = "returned",
        Submitted = "submitted",
    }
);

code_enum!(
    /// What kind of system an institution runs.
    SystemCategory {
        /// 電子カルテ
        Ehr = "ehr",
        /// レセコン
        Receipt = "receipt",
        Pacs = "pacs",
        /// 部門システム
        Departmental = "departmental",
        Other = "other",
    }
);

code_enum!(
    /// Where a system runs.
    Hosting {
        OnPremise = "on_premise",
        Cloud = "cloud",
        Hybrid = "hybrid",
    }
);

code_enum!(
    /// What a contract with a vendor covers.
    ContractKind {
        Introduction = "introduction",
        Maintenance = "maintenance",
        Cloud = "cloud",
        ExternalStorage = "external_storage",
        Other = "other",
    }
);

code_enum!(
    /// Where a yearly checklist stands: a draft, then (optionally) waiting for the
    /// executive's approval (承認依頼中, locked), then approved; sending back or reopening
    /// makes it a draft again.
    AssessmentStatus {
        Draft = "draft",
        Requested = "requested",
        Approved = "approved",
    }
);

code_enum!(
    /// What backs an answer of a checklist: a file, or a link to a mamori record.
    EvidenceKind {
        File = "file",
        Contract = "contract",
        RoleSharingItem = "role_sharing_item",
        Officer = "officer",
    }
);

/// Evidence not yet classified (a new record before its kind is set).
impl Default for EvidenceKind {
    fn default() -> Self {
        EvidenceKind::File
    }
}

code_enum!(
    /// A kind of feed data (global data kept in the feed database): end of support now; the
    /// vulnerability feeds next.
    FeedKind {
        Eos = "eos",
    }
);

code_enum!(
    /// Where an asset stands against its end of support (EOS), on a day, with a warning
    /// window of 180 days: `passed` (サポート終了), `within` (180日以内), `supported`, or
    /// `unknown` (no link and no manual date).
    EosStanding {
        Passed = "passed",
        Within = "within",
        Supported = "supported",
        Unknown = "unknown",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_refuse_the_unknown() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.as_str()), Some(*k));
            let json = serde_json::to_string(k).unwrap();
            assert_eq!(serde_json::from_str::<DocumentKind>(&json).unwrap(), *k);
        }
        assert_eq!(DocumentKind::parse("Contract"), None);
        assert!(serde_json::from_str::<CertKind>("\"iso\"").is_err());
    }

    #[test]
    fn certifications_warn_sixty_days_ahead() {
        let t = "2026-11-24";
        assert_eq!(cert_standing(None, t), CertStanding::Valid);
        assert_eq!(cert_standing(Some("2026-11-23"), t), CertStanding::Expired);
        assert_eq!(cert_standing(Some("2026-11-24"), t), CertStanding::Soon);
        assert_eq!(cert_standing(Some("2027-01-23"), t), CertStanding::Soon);
        assert_eq!(cert_standing(Some("2027-01-24"), t), CertStanding::Valid);
        assert_eq!(cert_standing(Some("令和9年"), t), CertStanding::Valid);
    }
}
