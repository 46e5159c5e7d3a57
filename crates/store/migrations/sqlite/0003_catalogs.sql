-- Catalogs (official documents as data) are global, not tenant data. Their items are kept
-- for search (items and sections; `extra` holds references and notes); the trigram index answers Japanese substring queries (LIKE) by index.
CREATE TABLE catalogs (
    id            TEXT PRIMARY KEY,
    document      TEXT NOT NULL,
    version       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    complete      BOOLEAN NOT NULL,
    content_hash  TEXT NOT NULL,
    origin        TEXT NOT NULL,
    loaded_at     INTEGER NOT NULL
);

CREATE VIRTUAL TABLE catalog_items USING fts5(
    catalog_id UNINDEXED,
    item_id UNINDEXED,
    kind UNINDEXED,
    number,
    section_title,
    text,
    extra,
    provenance UNINDEXED,
    tokenize = 'trigram'
);
