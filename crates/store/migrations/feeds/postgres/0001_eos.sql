-- Feed data (issue 13 item 6; the vulnerability feeds will sit beside it): global data, not
-- an institution's, kept in a database of its own (the schema `feeds`), so
-- that backups and the deletion of a tenant never touch it.

-- End-of-support products (endoflife.date, distro-info-data), one row per product id.
CREATE TABLE eos_products (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    category    TEXT,
    -- JSON array of CPE names.
    cpes        TEXT NOT NULL DEFAULT '[]',
    -- endoflife_md, endoflife_api or distro_info.
    source      TEXT NOT NULL,
    -- SHA-256 of the product as written: an import that brings the same product again
    -- leaves its rows alone (re-import is idempotent).
    digest      TEXT NOT NULL,
    -- The import that last wrote it.
    import_id   TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- Release cycles of a product, in the source's order (`position`). Support ends are a date
-- (`YYYY-MM-DD`), `ended` or `not_ended`; the optional phases are NULL when absent.
CREATE TABLE eos_cycles (
    product     TEXT NOT NULL REFERENCES eos_products(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    cycle       TEXT NOT NULL,
    label       TEXT,
    codename    TEXT,
    release_on  TEXT,
    eoas        TEXT,
    eol         TEXT NOT NULL,
    eoes        TEXT,
    latest      TEXT,
    lts         BOOLEAN NOT NULL DEFAULT FALSE,
    lts_from    TEXT,
    source      TEXT NOT NULL,
    PRIMARY KEY (product, position)
);
CREATE INDEX eos_cycles_cycle ON eos_cycles (product, cycle);

-- Every import (command line, upload page, API): what was read and what it gave.
CREATE TABLE feed_imports (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    -- JSON array of the file names read.
    files           TEXT NOT NULL DEFAULT '[]',
    products        BIGINT NOT NULL,
    cycles          BIGINT NOT NULL,
    -- Products whose rows this import rewrote (0 when the same data came again).
    changed         BIGINT NOT NULL,
    skipped         BIGINT NOT NULL,
    warnings        BIGINT NOT NULL,
    -- SHA-256 of the files read, in order.
    sha256          TEXT NOT NULL,
    imported_at     BIGINT NOT NULL,
    imported_by     TEXT,
    imported_label  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feed_imports_kind ON feed_imports (kind, imported_at);
