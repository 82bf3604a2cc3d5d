-- The account and security centre (issue 16).

-- Sessions gain a public id (shown in « Mes sessions »: never the token nor
-- its hash) and the enrolled kiosk that signed the log-in (NULL: a computer).
-- No foreign key: deleting a device revokes it, not its history.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN device_id TEXT;
UPDATE sessions SET public_id = lower(hex(randomblob(16))) WHERE public_id IS NULL;
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);

-- The kiosk of an audited log-in (« Mes dernières connexions »).
ALTER TABLE audit_events ADD COLUMN device_id TEXT;

-- A change of e-mail or mobile waiting for the code sent to the new
-- address: the code's hash is keyed with the server's pepper; 30 minutes,
-- single use, 5 tries carried over when a new request replaces it.
CREATE TABLE contact_changes (
    id         TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel    TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    -- Lower-cased e-mail, or E.164 mobile.
    new_value  TEXT    NOT NULL,
    code_hash  TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX contact_changes_member ON contact_changes (member_id, channel, created_at);

-- « Ce n'est pas moi » links of the notification messages: the SHA-256 of
-- a 256-bit token, single use.
CREATE TABLE disown_tokens (
    token_hash TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    -- The audited event the link disowns (email_changed, mobile_changed).
    disowns    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX disown_tokens_member ON disown_tokens (member_id);

-- What a queued code message carries: dropped if the change is used or replaced.
ALTER TABLE outbox ADD COLUMN contact_change_id TEXT;
