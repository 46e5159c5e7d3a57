//! Documents of a contract (契約書, SLA, MDS/SDS …): either party uploads them, and both see
//! them. The caller is authorised before the file is read: [`target`] first, then [`add`].

use crate::error::{Error, Result};
use crate::role_sharing::contract_for;
use crate::{Caller, Ctx};
use mamori_domain::contracts::check_document;
use mamori_domain::policy::Action;
use mamori_domain::role_sharing::Party;
use mamori_store::{Contract, ContractDocument};
use sha2::{Digest, Sha256};

/// A contract the caller may add documents to, and the side he acts on: only [`target`]
/// makes one, so [`add`] cannot be reached without the check.
pub struct Target {
    contract: Contract,
    party: Party,
}

impl Target {
    pub fn contract_id(&self) -> &str {
        &self.contract.id
    }
}

/// A file as the upload reader hands it over (its name already made safe).
pub struct NewDocument {
    /// `contract`, `sla`, `mds_sds`, `conformance` or `other`.
    pub kind: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Check that the caller may add documents to the contract (either party; another
/// institution's or vendor's contract: 404), before any of the file is read.
pub async fn target(ctx: &Ctx, caller: &Caller, contract_id: &str) -> Result<Target> {
    let (contract, party) =
        contract_for(ctx.store(), caller, contract_id, Action::AnswerRoleSharing).await?;
    Ok(Target { contract, party })
}

/// The documents of a contract (either party).
pub async fn list(ctx: &Ctx, caller: &Caller, contract_id: &str) -> Result<Vec<ContractDocument>> {
    let (c, _) = contract_for(ctx.store(), caller, contract_id, Action::ViewContracts).await?;
    Ok(ctx.store().contract_documents(&c.id).await?)
}

/// Keep a document on the contract: a known kind, a file that is not empty, a name of at
/// most 200 characters and a kind of file mamori keeps (PDF, Office, ZIP, PNG, JPEG, text —
/// judged from the content). Audited in the institution's chain with its SHA-256.
pub async fn add(
    ctx: &Ctx,
    caller: &Caller,
    target: &Target,
    doc: NewDocument,
) -> Result<ContractDocument> {
    let kind =
        check_document(&doc.kind, &doc.file_name, doc.bytes.len()).map_err(Error::invalid)?;
    let media_type = crate::files::sniff(&doc.bytes, &doc.file_name).ok_or(Error::Invalid {
        field: "file",
        key: "error-document-type",
    })?;
    let c = &target.contract;
    Ok(ctx
        .store()
        .add_contract_document(
            &caller.actor(),
            &ContractDocument {
                id: String::new(),
                institution_id: c.institution_id.clone(),
                contract_id: c.id.clone(),
                kind,
                file_name: doc.file_name,
                sha256: hex::encode(Sha256::digest(&doc.bytes)),
                size: 0,
                media_type: media_type.into(),
                uploaded_by: None,
                uploaded_party: target.party,
                uploaded_at: 0,
            },
            &doc.bytes,
        )
        .await?)
}
