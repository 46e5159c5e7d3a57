-- mamori foundation schema (PostgreSQL). Timestamps are unix milliseconds (BIGINT).
-- Every table holding tenant data carries institution_id.

CREATE TABLE institutions (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('hospital','clinic','dental_clinic','pharmacy')),
    prefecture    TEXT NOT NULL,
    beds          BIGINT NOT NULL DEFAULT 0,
    mfa_required  BOOLEAN NOT NULL DEFAULT FALSE,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE vendors (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    platform_admin  BOOLEAN NOT NULL DEFAULT FALSE,
    locale          TEXT NOT NULL DEFAULT 'ja',
    totp_secret     TEXT,
    totp_last_step  BIGINT NOT NULL DEFAULT 0,
    disabled        BOOLEAN NOT NULL DEFAULT FALSE,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE institution_roles (
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL,
    expires_at      BIGINT,
    granted_at      BIGINT NOT NULL,
    PRIMARY KEY (institution_id, user_id, role)
);
CREATE INDEX institution_roles_user ON institution_roles(user_id);

CREATE TABLE vendor_members (
    vendor_id  TEXT NOT NULL REFERENCES vendors(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (vendor_id, user_id)
);
CREATE INDEX vendor_members_user ON vendor_members(user_id);

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token    TEXT NOT NULL,
    mfa_verified  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    client_addr   TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    expires_at    BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The audit chain: one chain per institution plus 'global'. No foreign keys: the record
-- outlives what it describes.
CREATE TABLE audit_events (
    id              TEXT PRIMARY KEY,
    chain           TEXT NOT NULL,
    seq             BIGINT NOT NULL,
    institution_id  TEXT,
    occurred_at     BIGINT NOT NULL,
    actor_user_id   TEXT,
    actor_label     TEXT NOT NULL,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    changes         TEXT NOT NULL,
    request_id      TEXT,
    client_addr     TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX audit_events_institution ON audit_events(institution_id, occurred_at);
CREATE INDEX audit_events_actor ON audit_events(actor_user_id, occurred_at);

CREATE TABLE audit_heads (
    chain  TEXT PRIMARY KEY,
    seq    BIGINT NOT NULL,
    hash   TEXT NOT NULL
);
