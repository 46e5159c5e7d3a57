-- What stands behind a contract: the vendor's certifications, the documents exchanged
-- (kept content-addressed), subcontractors with the institution's approval, invitations
-- of vendor contacts, and a vendor's standard answers reused across institutions.

-- Certifications are the vendor's own (a vendor serves many institutions).
CREATE TABLE vendor_certifications (
    id          TEXT PRIMARY KEY,
    vendor_id   TEXT NOT NULL REFERENCES vendors(id),
    -- jisq27001, jisq15001, other
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    expires_on  TEXT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX vendor_certifications_vendor ON vendor_certifications (vendor_id);

-- File contents by SHA-256: one copy whatever the number of documents pointing at it.
CREATE TABLE blobs (
    sha256      TEXT PRIMARY KEY,
    size        BIGINT NOT NULL,
    content     BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE contract_documents (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    -- contract, sla, mds_sds, conformance, other
    kind            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    sha256          TEXT NOT NULL REFERENCES blobs(sha256),
    size            BIGINT NOT NULL,
    -- sniffed from the content, never taken from the upload
    media_type      TEXT NOT NULL,
    uploaded_by     TEXT,
    uploaded_party  TEXT NOT NULL,
    uploaded_at     BIGINT NOT NULL
);
CREATE INDEX contract_documents_contract ON contract_documents (contract_id);
CREATE INDEX contract_documents_institution ON contract_documents (institution_id);

CREATE TABLE subcontractors (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    name            TEXT NOT NULL,
    scope           TEXT NOT NULL,
    declared_by     TEXT,
    declared_at     BIGINT NOT NULL,
    approved_by     TEXT,
    approved_at     BIGINT
);
CREATE INDEX subcontractors_institution ON subcontractors (institution_id);

-- A one-time link for a vendor contact to set a password; only the token's hash is kept.
CREATE TABLE invites (
    id              TEXT PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    vendor_id       TEXT NOT NULL REFERENCES vendors(id),
    email           TEXT NOT NULL,
    display_name    TEXT NOT NULL,
    created_by      TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    used_at         BIGINT,
    user_id         TEXT REFERENCES users(id)
);
CREATE INDEX invites_institution ON invites (institution_id);

-- A vendor's standard answer to one item, per product, applied to many contracts.
CREATE TABLE vendor_standard_answers (
    vendor_id       TEXT NOT NULL REFERENCES vendors(id),
    product         TEXT NOT NULL,
    catalog_id      TEXT NOT NULL,
    item_id         TEXT NOT NULL,
    responsibility  TEXT NOT NULL,
    agreed_content  TEXT NOT NULL DEFAULT '',
    written_in      TEXT NOT NULL DEFAULT '',
    remarks         TEXT NOT NULL DEFAULT '',
    updated_at      BIGINT NOT NULL,
    PRIMARY KEY (vendor_id, product, catalog_id, item_id)
);
