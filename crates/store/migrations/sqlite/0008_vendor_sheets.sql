-- The vendor sheet (事業者確認用) the institution requests from each vendor under contract
-- for an assessment; the vendor answers it in its portal and submits it.

CREATE TABLE vendor_sheets (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    assessment_id   TEXT NOT NULL REFERENCES assessments(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    vendor_id       TEXT NOT NULL REFERENCES vendors(id),
    catalog_id      TEXT NOT NULL,
    -- requested, submitted
    status          TEXT NOT NULL,
    requested_at    INTEGER NOT NULL,
    submitted_at    INTEGER,
    version         INTEGER NOT NULL DEFAULT 1,
    UNIQUE (assessment_id, contract_id)
);
CREATE INDEX vendor_sheets_vendor ON vendor_sheets (vendor_id);

CREATE TABLE vendor_sheet_answers (
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    sheet_id        TEXT NOT NULL REFERENCES vendor_sheets(id),
    item_id         TEXT NOT NULL,
    slot            TEXT NOT NULL,
    check1          TEXT,
    check1_on       TEXT,
    check2          TEXT,
    check2_on       TEXT,
    target_on       TEXT,
    note            TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT,
    updated_label   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (sheet_id, item_id, slot)
);
