//! A vendor's certifications (ISMS, プライバシーマーク …), kept by the vendor's own members
//! and shown on its contracts; an expiry within 60 days is flagged.

use crate::access::require;
use crate::error::{Error, Result};
use crate::{Caller, Ctx};
use mamori_domain::certifications::check_certification;
use mamori_domain::policy::{Action, Scope};
use mamori_store::Certification;
use serde::Deserialize;

/// A new certification, as a form or JSON sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CertificationInput {
    /// One of the caller's own vendors.
    #[serde(default)]
    pub vendor_id: String,
    /// `jisq27001`, `jisq15001` or `other`.
    #[serde(default)]
    pub kind: String,
    /// 1–200 characters.
    #[serde(default)]
    pub name: String,
    /// `YYYY-MM-DD`, or empty.
    #[serde(default)]
    pub expires_on: String,
}

/// The certifications of the caller's vendors.
pub async fn list(ctx: &Ctx, caller: &Caller) -> Result<Vec<Certification>> {
    require(caller, Action::UseVendorPortal, Scope::Platform)?;
    Ok(ctx
        .store()
        .certifications(&caller.principal.vendor_ids)
        .await?)
}

/// Add a certification to one of the caller's vendors.
pub async fn add(ctx: &Ctx, caller: &Caller, input: &CertificationInput) -> Result<Certification> {
    crate::access::own_vendor(caller, &input.vendor_id)?;
    let (kind, name, expires_on) =
        check_certification(&input.kind, &input.name, &input.expires_on).map_err(Error::invalid)?;
    let c = Certification {
        id: String::new(),
        vendor_id: input.vendor_id.clone(),
        kind,
        name,
        expires_on,
        created_at: 0,
        file_name: None,
        sha256: None,
        media_type: None,
        file_size: None,
    };
    Ok(ctx.store().add_certification(&caller.actor(), &c).await?)
}

/// Delete a certification of one of the caller's vendors (any other: not found).
pub async fn delete(ctx: &Ctx, caller: &Caller, id: &str) -> Result<()> {
    let c = list(ctx, caller)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(Error::NotFound)?;
    Ok(ctx
        .store()
        .delete_certification(&caller.actor(), &c.vendor_id, id)
        .await?)
}

/// A certification of one of the caller's vendors (any other: not found); asked before an
/// upload's body is read.
pub async fn own(ctx: &Ctx, caller: &Caller, id: &str) -> Result<Certification> {
    list(ctx, caller)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(Error::NotFound)
}

/// The kinds of file a certificate is kept as (judged from the content).
pub const CERTIFICATE_MEDIA: [&str; 3] = ["application/pdf", "image/png", "image/jpeg"];

/// Attach the certificate itself to a certification of one of the caller's vendors (a
/// renewed certificate replaces the file): a PDF, PNG or JPEG, not empty, with a name of at
/// most 200 characters. Audited with its SHA-256.
pub async fn attach_file(
    ctx: &Ctx,
    caller: &Caller,
    id: &str,
    file_name: &str,
    bytes: &[u8],
) -> Result<Certification> {
    let c = own(ctx, caller, id).await?;
    let file_name = file_name.trim();
    if bytes.is_empty() || file_name.is_empty() || file_name.chars().count() > 200 {
        return Err(Error::Invalid {
            field: "file",
            key: "error-cert-file",
        });
    }
    let media = crate::files::sniff(bytes, file_name)
        .filter(|m| CERTIFICATE_MEDIA.contains(m))
        .ok_or(Error::Invalid {
            field: "file",
            key: "error-cert-file-type",
        })?;
    Ok(ctx
        .store()
        .attach_certification_file(&caller.actor(), &c.vendor_id, id, file_name, media, bytes)
        .await?)
}

/// A certification's file, for whoever may see the certification: the vendor's members,
/// and the members of an institution with a contract with the vendor who may view its
/// contracts (a member without that right: forbidden). Anyone else: not found.
pub async fn file(ctx: &Ctx, caller: &Caller, id: &str) -> Result<(Certification, Vec<u8>)> {
    let (c, bytes) = ctx
        .store()
        .certification_file(id)
        .await?
        .ok_or(Error::NotFound)?;
    if caller.principal.vendor_ids.contains(&c.vendor_id) {
        return Ok((c, bytes));
    }
    let contracts = ctx
        .store()
        .vendor_contracts(std::slice::from_ref(&c.vendor_id))
        .await?;
    if contracts
        .iter()
        .any(|k| caller.may(Action::ViewContracts, Scope::Institution(&k.institution_id)))
    {
        return Ok((c, bytes));
    }
    // As for a contract: a member of the institution without the right is refused (403);
    // anyone else learns nothing (404).
    if contracts.iter().any(|k| {
        !caller
            .principal
            .roles_in(&k.institution_id, caller.now)
            .is_empty()
    }) {
        Err(Error::Forbidden)
    } else {
        Err(Error::NotFound)
    }
}
