-- Information systems, contracts with vendors, and the role-sharing checklist of each
-- contract. Every table carries institution_id (tenant data).

CREATE TABLE systems (
    id                  TEXT PRIMARY KEY,
    institution_id      TEXT NOT NULL REFERENCES institutions(id),
    name                TEXT NOT NULL,
    -- ehr, receipt, pacs, departmental, other
    category            TEXT NOT NULL,
    -- on_premise, cloud, hybrid
    hosting             TEXT NOT NULL,
    holds_medical_info  BOOLEAN NOT NULL,
    note                TEXT NOT NULL DEFAULT '',
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          INTEGER NOT NULL,
    UNIQUE (institution_id, name)
);

-- Systems that connect (stored once per pair, smaller id first).
CREATE TABLE system_links (
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    system_a        TEXT NOT NULL REFERENCES systems(id),
    system_b        TEXT NOT NULL REFERENCES systems(id),
    PRIMARY KEY (institution_id, system_a, system_b)
);

CREATE TABLE contracts (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    vendor_id       TEXT NOT NULL REFERENCES vendors(id),
    title           TEXT NOT NULL,
    -- introduction (導入), maintenance (保守), cloud (クラウドサービス),
    -- external_storage (外部保存), other
    kind            TEXT NOT NULL,
    starts_on       TEXT,
    ends_on         TEXT,
    -- The role-sharing catalog version its checklist follows.
    catalog_id      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
);
CREATE INDEX contracts_institution ON contracts (institution_id);
CREATE INDEX contracts_vendor ON contracts (vendor_id);

CREATE TABLE contract_systems (
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    system_id       TEXT NOT NULL REFERENCES systems(id),
    PRIMARY KEY (contract_id, system_id)
);
CREATE INDEX contract_systems_institution ON contract_systems (institution_id);

-- One row per answered item; an item without a row is 未確認.
CREATE TABLE role_sharing_items (
    institution_id    TEXT NOT NULL REFERENCES institutions(id),
    contract_id       TEXT NOT NULL REFERENCES contracts(id),
    item_id           TEXT NOT NULL,
    responsibility    TEXT,
    other_vendor_id   TEXT REFERENCES vendors(id),
    na_reason         TEXT NOT NULL DEFAULT '',
    agreed_content    TEXT NOT NULL DEFAULT '',
    written_in        TEXT NOT NULL DEFAULT '',
    first_check       TEXT,
    first_checked_on  TEXT,
    completed_on      TEXT,
    remarks           TEXT NOT NULL DEFAULT '',
    -- unconfirmed, negotiating, agreed
    state             TEXT NOT NULL,
    -- institution, vendor
    proposed_by       TEXT,
    version           INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    updated_by        TEXT,
    PRIMARY KEY (contract_id, item_id)
);
CREATE INDEX role_sharing_items_institution ON role_sharing_items (institution_id);

-- Every step on an item, readable by both parties.
CREATE TABLE role_sharing_history (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    contract_id     TEXT NOT NULL REFERENCES contracts(id),
    item_id         TEXT NOT NULL,
    at              INTEGER NOT NULL,
    user_id         TEXT,
    actor_label     TEXT NOT NULL,
    party           TEXT NOT NULL,
    step            TEXT NOT NULL,
    state           TEXT NOT NULL,
    answer          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX role_sharing_history_item ON role_sharing_history (contract_id, item_id, at);
