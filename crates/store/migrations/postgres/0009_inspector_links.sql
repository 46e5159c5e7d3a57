-- A time-limited, revocable read-only link to one assessment for the prefecture's on-site
-- inspection. Only the token's hash is kept; every access is an audit event.
CREATE TABLE inspector_links (
    id              TEXT PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    assessment_id   TEXT NOT NULL REFERENCES assessments(id),
    label           TEXT NOT NULL,
    expires_at      BIGINT NOT NULL,
    revoked_at      BIGINT,
    created_by      TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX inspector_links_assessment ON inspector_links (assessment_id);
