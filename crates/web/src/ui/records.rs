//! Records more than one feature shows: a vendor's certifications (the vendor's own page and
//! the contract page of either party).

use crate::i18n::Tr;
use mamori_domain::codes::{cert_standing, CertStanding};
use mamori_store::Certification;

pub struct CertRow {
    pub id: String,
    pub vendor: String,
    pub kind: String,
    pub name: String,
    pub expires_on: String,
    /// Valid, expiring soon or expired, today in Japan.
    pub standing: CertStanding,
    /// The certificate's file: (its link, its name).
    pub file: Option<(String, String)>,
}

impl CertRow {
    pub fn expired(&self) -> bool {
        self.standing == CertStanding::Expired
    }
    pub fn soon(&self) -> bool {
        self.standing == CertStanding::Soon
    }
}

pub fn cert_rows(
    tr: &Tr,
    certs: &[Certification],
    vendor_name: impl Fn(&str) -> String,
) -> Vec<CertRow> {
    let today = mamori_domain::time::today_jst();
    certs
        .iter()
        .map(|c| CertRow {
            id: c.id.clone(),
            vendor: vendor_name(&c.vendor_id),
            kind: tr.t(&format!("cert-kind-{}", c.kind)),
            name: c.name.clone(),
            expires_on: c.expires_on.clone().unwrap_or_default(),
            standing: cert_standing(c.expires_on.as_deref(), &today),
            file: c
                .file_name
                .clone()
                .map(|n| (format!("/certifications/{}/file", c.id), n)),
        })
        .collect()
}
