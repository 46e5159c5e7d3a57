-- What stands behind an answer: a file (kept in blobs by SHA-256) or a link to a mamori
-- record (a contract, an agreed role-sharing item, the security officer), with the date it
-- is effective from; evidence older than a year is shown as stale.
CREATE TABLE assessment_evidence (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    assessment_id   TEXT NOT NULL REFERENCES assessments(id),
    item_id         TEXT NOT NULL,
    -- file, contract, role_sharing_item, officer
    kind            TEXT NOT NULL,
    ref_id          TEXT,
    label           TEXT NOT NULL,
    sha256          TEXT REFERENCES blobs(sha256),
    media_type      TEXT,
    effective_on    TEXT NOT NULL,
    created_by      TEXT,
    created_label   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX assessment_evidence_assessment ON assessment_evidence (assessment_id, item_id);
