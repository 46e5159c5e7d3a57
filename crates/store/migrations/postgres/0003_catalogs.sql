-- Catalogs (official documents as data) are global, not tenant data. Their items and
-- sections are kept for search: `haystack` is the lower-cased number, section title, text,
-- references and notes; a pg_trgm index answers substring queries (ILIKE).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE catalogs (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL,
    version       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    complete      BOOLEAN NOT NULL,
    content_hash  TEXT NOT NULL,
    origin        TEXT NOT NULL,
    loaded_at     BIGINT NOT NULL
);

CREATE TABLE catalog_items (
    catalog_id     TEXT NOT NULL REFERENCES catalogs(id) ON DELETE CASCADE,
    item_id        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    number         TEXT NOT NULL,
    section_title  TEXT NOT NULL,
    text           TEXT NOT NULL,
    extra          TEXT NOT NULL,
    provenance     TEXT NOT NULL,
    haystack       TEXT NOT NULL,
    PRIMARY KEY (catalog_id, item_id)
);
CREATE INDEX catalog_items_haystack_trgm ON catalog_items USING gin (haystack gin_trgm_ops);
