-- End of support (issue 13 item 6): an asset's link to a product cycle of the feed data
-- (endoflife.date / distro-info), confirmed by a person. Kept in a table of its own, beside
-- the asset (whose own `eos_on` stays the manual date for products without public data).
-- The product and cycle are ids of the feed database (global data, a database of its own),
-- so no foreign key reaches them: a link to a cycle a later import no longer has shows as
-- unknown.

CREATE TABLE asset_eos_links (
    asset_id         TEXT PRIMARY KEY REFERENCES assets(id),
    institution_id   TEXT NOT NULL REFERENCES institutions(id),
    product          TEXT NOT NULL,
    cycle            TEXT NOT NULL,
    confirmed_by     TEXT,
    confirmed_label  TEXT NOT NULL DEFAULT '',
    confirmed_at     BIGINT NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX asset_eos_links_institution ON asset_eos_links (institution_id);
