-- Inventory checks (棚卸, issue 13): a check per walk through the institution, one record
-- per asset confirmed or corrected; closing applies the corrections to the ledger.

CREATE TABLE inventory_checks (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    started_by      TEXT,
    started_label   TEXT NOT NULL DEFAULT '',
    closed_at       BIGINT,
    -- The day it closed (JST), what the ledger and the checklist show.
    closed_on       TEXT,
    closed_by       TEXT,
    closed_label    TEXT NOT NULL DEFAULT '',
    -- JSON counts of what the check found, written when it closes.
    result          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX inventory_checks_institution ON inventory_checks (institution_id, started_at);
-- At most one open check per institution.
CREATE UNIQUE INDEX inventory_checks_open ON inventory_checks (institution_id) WHERE status = 'open';

CREATE TABLE inventory_records (
    check_id        TEXT NOT NULL REFERENCES inventory_checks(id),
    asset_id        TEXT NOT NULL REFERENCES assets(id),
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    outcome         TEXT NOT NULL,
    -- JSON array of [field, value] the ledger takes when the check closes.
    changes         TEXT NOT NULL DEFAULT '[]',
    note            TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL,
    recorded_at     BIGINT NOT NULL,
    recorded_by     TEXT,
    recorded_label  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (check_id, asset_id)
);
CREATE INDEX inventory_records_asset ON inventory_records (asset_id);
