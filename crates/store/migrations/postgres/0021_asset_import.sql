-- The ledger's further columns (issue 13): the CPE 2.3 name of the OS or firmware, the
-- installed software (a JSON array of {name, version, cpe}), the end of the warranty; and
-- ledger imports awaiting their confirmation: the file as uploaded, the person's choices
-- for its columns, and the decision.

ALTER TABLE assets ADD COLUMN os_cpe TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN software TEXT NOT NULL DEFAULT '[]';
ALTER TABLE assets ADD COLUMN warranty_on TEXT;
-- The list's text filter: name, serial, place, department, purpose, OS and addresses,
-- folded in the application (domain::text::fold).
ALTER TABLE assets ADD COLUMN search TEXT NOT NULL DEFAULT '';

CREATE TABLE asset_imports (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    content         BYTEA NOT NULL,
    -- JSON array of [heading, field code or "ignore"].
    choices         TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL,
    -- JSON of what the confirmation did (added, changed, unchanged).
    result          TEXT NOT NULL DEFAULT '{}',
    created_by      TEXT,
    created_label   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    decided_at      BIGINT
);
CREATE INDEX asset_imports_institution ON asset_imports (institution_id, created_at);
-- The ledger's list, in its order (by kind, then name), a page at a time.
CREATE INDEX assets_listing ON assets (institution_id, kind, name, id);
