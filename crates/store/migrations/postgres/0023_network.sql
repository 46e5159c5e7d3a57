-- The network (issue 13, item 5): zones with their address ranges, links between zones
-- through a device, and external connection points; a ledger entry's zone.

CREATE TABLE network_zones (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    name            TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    -- JSON array of normalised CIDR ranges.
    ranges          TEXT NOT NULL DEFAULT '[]',
    notes           TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT,
    updated_label   TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX network_zones_name ON network_zones (institution_id, name);

CREATE TABLE zone_links (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    from_zone       TEXT NOT NULL REFERENCES network_zones(id),
    to_zone         TEXT NOT NULL REFERENCES network_zones(id),
    via_asset       TEXT REFERENCES assets(id),
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    created_by      TEXT,
    created_label   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX zone_links_institution ON zone_links (institution_id);

CREATE TABLE connection_points (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    kind            TEXT NOT NULL,
    counterpart     TEXT NOT NULL,
    via_asset       TEXT REFERENCES assets(id),
    vendor_id       TEXT REFERENCES vendors(id),
    maintenance     BOOLEAN NOT NULL DEFAULT FALSE,
    notes           TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      TEXT,
    updated_label   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX connection_points_institution ON connection_points (institution_id);

ALTER TABLE assets ADD COLUMN zone_id TEXT REFERENCES network_zones(id);
CREATE INDEX assets_zone ON assets (zone_id);
