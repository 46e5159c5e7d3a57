-- Catalogs (official documents as data) are global, not tenant data. Their items and
-- sections are kept for search: `haystack` is the lower-cased number, section title, text,
-- references and notes; the FTS5 trigram index answers substring queries of 3+ characters.
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

CREATE VIRTUAL TABLE catalog_items_fts USING fts5(
    haystack, content = 'catalog_items', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER catalog_items_fts_insert AFTER INSERT ON catalog_items BEGIN
    INSERT INTO catalog_items_fts(rowid, haystack) VALUES (new.rowid, new.haystack);
END;
CREATE TRIGGER catalog_items_fts_delete AFTER DELETE ON catalog_items BEGIN
    INSERT INTO catalog_items_fts(catalog_items_fts, rowid, haystack) VALUES ('delete', old.rowid, old.haystack);
END;
