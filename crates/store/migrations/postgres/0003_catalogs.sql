-- Catalogs (official documents as data) are global, not tenant data. Their items are kept
-- for search (items and sections; `extra` holds references and notes); pg_trgm indexes answer Japanese substring queries (ILIKE).
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
    PRIMARY KEY (catalog_id, item_id)
);
CREATE INDEX catalog_items_text_trgm ON catalog_items USING gin (text gin_trgm_ops);
CREATE INDEX catalog_items_number_trgm ON catalog_items USING gin (number gin_trgm_ops);
CREATE INDEX catalog_items_extra_trgm ON catalog_items USING gin (extra gin_trgm_ops);
