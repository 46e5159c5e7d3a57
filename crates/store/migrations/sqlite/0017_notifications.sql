-- Notices (in the app, and by mail through the outbox), written in the transaction of the
-- event that causes them; the officer's request for approval (承認依頼); inspector links
-- addressed to someone, with their last access.

CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id),
    -- The institution the notice concerns (the tenant); none for a vendor's own records
    -- (its certifications).
    institution_id  TEXT REFERENCES institutions(id),
    -- domain::notifications::NotificationKind
    kind            TEXT NOT NULL,
    link            TEXT NOT NULL,
    -- The named values of the text (JSON).
    params          TEXT NOT NULL,
    -- Reminders are written once per user and key.
    dedup_key       TEXT,
    created_at      INTEGER NOT NULL,
    read_at         INTEGER,
    UNIQUE (user_id, dedup_key)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_institution ON notifications (institution_id);

-- Mail waiting to go out: kept until the SMTP server takes it, retried with back-off. The
-- text is made at sending time from the kind and its values, in the recipient's language.
CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    institution_id   TEXT REFERENCES institutions(id),
    -- The notice it mails (none for mail to an address without an account).
    notification_id  TEXT REFERENCES notifications(id),
    to_address       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    link             TEXT NOT NULL,
    params           TEXT NOT NULL,
    locale           TEXT NOT NULL DEFAULT 'ja',
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT NOT NULL DEFAULT '',
    sent_at          INTEGER,
    created_at       INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- A user's choice per kind: no mail (the notice still appears in the app).
CREATE TABLE notification_prefs (
    user_id  TEXT NOT NULL REFERENCES users(id),
    kind     TEXT NOT NULL,
    mail     BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- 承認依頼: who asked, when; why the sheet was last sent back.
ALTER TABLE assessments ADD COLUMN requested_at INTEGER;
ALTER TABLE assessments ADD COLUMN requested_by TEXT;
ALTER TABLE assessments ADD COLUMN returned_reason TEXT NOT NULL DEFAULT '';

-- An inspector link sent to someone's address, and when it was last opened.
ALTER TABLE inspector_links ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE inspector_links ADD COLUMN last_access_at INTEGER;
