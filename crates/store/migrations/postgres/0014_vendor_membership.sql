-- Vendor membership is granted by the vendor's own administrators (or a platform
-- administrator), never by an institution. A membership is `pending` until one of them
-- confirms it; only `active` memberships give access to the vendor's contracts.
ALTER TABLE vendor_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
    CHECK (role IN ('member', 'admin'));
ALTER TABLE vendor_members ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'pending'));
-- The institution whose invitation asked for the membership (NULL: granted by the vendor
-- or a platform administrator).
ALTER TABLE vendor_members ADD COLUMN requested_by_institution TEXT;
ALTER TABLE vendor_members ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;

-- Memberships made by accepting an institution's invitation were granted by that
-- institution: they wait for the vendor's confirmation like every new one.
UPDATE vendor_members SET status = 'pending',
    requested_by_institution = (SELECT i.institution_id FROM invites i
        WHERE i.user_id = vendor_members.user_id AND i.vendor_id = vendor_members.vendor_id
        ORDER BY i.used_at DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM invites i
    WHERE i.user_id = vendor_members.user_id AND i.vendor_id = vendor_members.vendor_id);

-- Sign-in and secret-check throttling, kept across restarts and shared by every process.
-- `key_hash` is the SHA-256 of the throttled key (an account or a client address);
-- `attempts` the attempt times in the window, comma-separated unix ms.
CREATE TABLE throttle_attempts (
    key_hash  TEXT PRIMARY KEY,
    attempts  TEXT NOT NULL,
    last_at   BIGINT NOT NULL
);
CREATE INDEX throttle_attempts_last ON throttle_attempts (last_at);

-- Every API token expires: tokens made before this rule without an expiry get 90 days.
UPDATE api_tokens SET expires_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT + CAST(90 AS BIGINT) * 86400000
WHERE expires_at IS NULL AND revoked_at IS NULL;
