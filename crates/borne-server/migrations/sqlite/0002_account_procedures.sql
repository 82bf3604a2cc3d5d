-- The account procedures: forgotten password, unlock, registration, change.

-- 0: a member known from the insurer's records who has not created an
-- account yet ("Pas encore inscrit ?"); their password_hash is empty and
-- they cannot log in.
ALTER TABLE members ADD COLUMN registered INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1));

-- 1: a session opened with an SMS temporary password; it only allows
-- choosing a new password.
ALTER TABLE sessions ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));

-- Link token + code sent by e-mail, stored as hashes (the code's keyed with
-- the server's pepper). Single use (used_at), 30 minutes, at most 5 code tries.
CREATE TABLE one_time_proofs (
    id            TEXT    PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('reset', 'unlock', 'registration')),
    token_hash    TEXT    NOT NULL UNIQUE,
    code_hash     TEXT    NOT NULL,
    code_attempts INTEGER NOT NULL DEFAULT 0,
    code_redeemed INTEGER NOT NULL DEFAULT 0 CHECK (code_redeemed IN (0, 1)),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX one_time_proofs_member ON one_time_proofs (member_id, purpose, created_at);

-- SMS temporary passwords of the unlock procedure (10 minutes, single use).
CREATE TABLE temporary_passwords (
    id          TEXT    PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    secret_hash TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
CREATE INDEX temporary_passwords_member ON temporary_passwords (member_id);

-- An unlock started with NIR + date of birth, waiting for the channel choice.
CREATE TABLE unlock_requests (
    id         TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    sends      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Security events, with no secret and no personal data beyond the member id.
CREATE TABLE audit_events (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    detail    TEXT
);
CREATE INDEX audit_events_member ON audit_events (member_id, kind, at);
