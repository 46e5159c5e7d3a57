-- The asset ledger (機器台帳, issue 13): one row per asset of an institution, each change a
-- new version whose whole entry is kept in asset_versions with who, when and why.

CREATE TABLE assets (
    id                  TEXT PRIMARY KEY,
    institution_id      TEXT NOT NULL REFERENCES institutions(id),
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    manufacturer        TEXT NOT NULL DEFAULT '',
    model               TEXT NOT NULL DEFAULT '',
    serial              TEXT NOT NULL DEFAULT '',
    location            TEXT NOT NULL DEFAULT '',
    department          TEXT NOT NULL DEFAULT '',
    purpose             TEXT NOT NULL DEFAULT '',
    os                  TEXT NOT NULL DEFAULT '',
    os_version          TEXT NOT NULL DEFAULT '',
    -- JSON array of addresses.
    ip_addresses        TEXT NOT NULL DEFAULT '[]',
    mac                 TEXT NOT NULL DEFAULT '',
    admin_login         BOOLEAN,
    admin_users         TEXT NOT NULL DEFAULT '',
    antivirus           TEXT NOT NULL DEFAULT '',
    remote_maintenance  TEXT NOT NULL DEFAULT '',
    ownership           TEXT,
    status              TEXT NOT NULL,
    introduced_on       TEXT,
    eos_on              TEXT,
    retired_on          TEXT,
    notes               TEXT NOT NULL DEFAULT '',
    version             BIGINT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    updated_by          TEXT,
    updated_label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assets_institution ON assets (institution_id);

CREATE TABLE asset_versions (
    asset_id        TEXT NOT NULL REFERENCES assets(id),
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    version         BIGINT NOT NULL,
    -- The whole entry as it was saved (JSON).
    snapshot        TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    changed_by      TEXT,
    changed_label   TEXT NOT NULL DEFAULT '',
    changed_at      BIGINT NOT NULL,
    PRIMARY KEY (asset_id, version)
);
