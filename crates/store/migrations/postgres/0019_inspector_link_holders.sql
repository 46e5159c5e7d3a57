-- An inspector link kept by the account that opened it (the link's secret is the way in;
-- keeping it lists the sheet on the account's home until the link expires or is revoked).

CREATE TABLE inspector_link_holders (
    link_id         TEXT NOT NULL REFERENCES inspector_links(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    institution_id  TEXT NOT NULL REFERENCES institutions(id),
    kept_at         BIGINT NOT NULL,
    PRIMARY KEY (link_id, user_id)
);
CREATE INDEX inspector_link_holders_user ON inspector_link_holders (user_id);
