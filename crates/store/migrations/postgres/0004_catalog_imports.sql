-- A new version of a document read from the official Excel or CSV. It is staged first
-- (status 'pending': shown as a preview and a diff), and becomes a catalog only when
-- confirmed. Confirmed imports are loaded next to the embedded catalogs at every start;
-- the generated catalog file is kept verbatim in `body`, with the uploaded file's hash.
-- `created_by` is empty for an import from the command line.
CREATE TABLE catalog_imports (
    id           TEXT PRIMARY KEY,
    catalog_id   TEXT NOT NULL,
    based_on     TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    mapping      TEXT NOT NULL,
    body         TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'discarded')),
    created_by   TEXT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT
);
-- At most one confirmed import per catalog version.
CREATE UNIQUE INDEX catalog_imports_confirmed ON catalog_imports (catalog_id) WHERE status = 'confirmed';
