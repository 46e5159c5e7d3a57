-- The yearly cybersecurity checklist of an institution: one assessment per fiscal year on a
-- catalog version, answers per item and slot (the item as a whole, or a device class),
-- approval by the executive, and the approved revisions kept readable.

CREATE TABLE assessments (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    fiscal_year     BIGINT NOT NULL,
    catalog_id      TEXT NOT NULL,
    -- draft, approved
    status          TEXT NOT NULL,
    revision        BIGINT NOT NULL DEFAULT 1,
    -- The assessment it was started from (last year's, or an older catalog version).
    previous_id     TEXT REFERENCES assessments(id),
    approved_at     BIGINT,
    approved_by     TEXT,
    -- Why the last approved revision was reopened (moved into the next revision).
    reopen_reason   TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    UNIQUE (institution_id, fiscal_year)
);

CREATE TABLE assessment_answers (
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    assessment_id   TEXT NOT NULL REFERENCES assessments(id),
    item_id         TEXT NOT NULL,
    -- all, server, terminal, network
    slot            TEXT NOT NULL,
    check1          TEXT,
    check1_on       TEXT,
    check2          TEXT,
    check2_on       TEXT,
    target_on       TEXT,
    note            TEXT NOT NULL DEFAULT '',
    -- Shown from the previous assessment for re-confirmation; not yet confirmed.
    carried         BOOLEAN NOT NULL DEFAULT FALSE,
    version         BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT,
    updated_label   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (assessment_id, item_id, slot)
);
CREATE INDEX assessment_answers_institution ON assessment_answers (institution_id);

-- Each approval keeps the sheet as it was approved.
CREATE TABLE assessment_revisions (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    assessment_id   TEXT NOT NULL REFERENCES assessments(id),
    revision        BIGINT NOT NULL,
    approved_at     BIGINT NOT NULL,
    approved_by     TEXT,
    approved_label  TEXT NOT NULL,
    -- Why the previous approved revision was reopened (empty for the first).
    reason          TEXT NOT NULL DEFAULT '',
    snapshot        TEXT NOT NULL,
    UNIQUE (assessment_id, revision)
);
