-- A vendor's standard answers to the 事業者確認用 sheet (the yearly cybersecurity
-- checklist's vendor sheet), per product: the first check and, for a いいえ, the target
-- date, with the note; applied to many institutions' sheets at once. Vendor data (global
-- organisations), like vendor_standard_answers.

CREATE TABLE vendor_sheet_standard_answers (
    vendor_id       TEXT NOT NULL REFERENCES vendors(id),
    product         TEXT NOT NULL,
    catalog_id      TEXT NOT NULL,
    item_id         TEXT NOT NULL,
    slot            TEXT NOT NULL,
    check1          TEXT NOT NULL,
    target_on       TEXT,
    note            TEXT NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (vendor_id, product, catalog_id, item_id, slot)
);

-- A certification's certificate as a file (kept in blobs by SHA-256), beside its expiry.
ALTER TABLE vendor_certifications ADD COLUMN file_name TEXT;
ALTER TABLE vendor_certifications ADD COLUMN sha256 TEXT REFERENCES blobs(sha256);
ALTER TABLE vendor_certifications ADD COLUMN media_type TEXT;
ALTER TABLE vendor_certifications ADD COLUMN file_size INTEGER;
