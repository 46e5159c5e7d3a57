-- Signed checkpoints of the audit chains (mamori audit checkpoint, and the server once a
-- day): the checkpoint text as written to its file, with its SHA-256. Each one is also
-- recorded by an 'audit.checkpoint' event of the global chain carrying that digest.
CREATE TABLE audit_checkpoints (
    id          TEXT PRIMARY KEY,
    created_at  BIGINT NOT NULL,
    digest      TEXT NOT NULL UNIQUE,
    body        TEXT NOT NULL
);
CREATE INDEX audit_checkpoints_time ON audit_checkpoints(created_at);

-- The chain registry: from now on a chain's first event also appends 'audit.chain.open'
-- (target: the chain) to the global chain. Chains that exist already are listed here and
-- registered once, at the next start (the store appends their open events and empties
-- this table); nothing else writes to it.
CREATE TABLE audit_chain_backfill (
    chain  TEXT PRIMARY KEY
);
INSERT INTO audit_chain_backfill (chain)
    SELECT chain FROM audit_heads WHERE chain <> 'global'
    UNION SELECT DISTINCT chain FROM audit_events WHERE chain <> 'global';
