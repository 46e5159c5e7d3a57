//! The audit log as people read it: which feature an action belongs to (the log's filter),
//! and the message that says it in a sentence. Pure: the application layer names the
//! records and renders the sentences.

crate::code_enum!(
    /// The parts of mamori the audit log can be filtered by.
    Feature {
        Accounts = "accounts",
        Contracts = "contracts",
        Checklists = "checklists",
        Evidence = "evidence",
        Exports = "exports",
        Catalogs = "catalogs",
        Vendors = "vendors",
    }
);

impl Feature {
    /// The action prefixes of the feature (an action may belong to two: evidence is part
    /// of the checklists too).
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            Feature::Accounts => &[
                "auth.",
                "member.",
                "user.",
                "token.",
                "institution.",
                "notification.",
            ],
            Feature::Contracts => &["contract.", "system.", "role_sharing."],
            Feature::Checklists => &["assessment.", "vendor_sheet.", "inspector."],
            Feature::Evidence => &["assessment.evidence."],
            Feature::Exports => &["assessment.export", "role_sharing.export", "audit.export"],
            Feature::Catalogs => &["catalog."],
            Feature::Vendors => &["vendor."],
        }
    }
}

/// The message key of an action's sentence: `audit-say-` and the action with `.` and `_`
/// as `-` (`assessment.request_approval` → `audit-say-assessment-request-approval`).
pub fn sentence_key(action: &str) -> String {
    format!("audit-say-{}", action.replace(['.', '_'], "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_has_prefixes_and_keys_are_stable() {
        for f in Feature::ALL {
            assert!(!f.prefixes().is_empty());
        }
        assert_eq!(
            sentence_key("assessment.request_approval"),
            "audit-say-assessment-request-approval"
        );
    }
}
