-- Members, log-in attempt claims and sessions.
-- Types kept to INTEGER and TEXT, timestamps as unix seconds (INTEGER), so
-- that the PostgreSQL migrations of a later issue can mirror this file.

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    -- Canonical NIR: 15 characters, no separators, 2A/2B upper-case.
    nir             TEXT    NOT NULL UNIQUE,
    -- Lower-cased.
    email           TEXT    NOT NULL UNIQUE,
    phone           TEXT,
    -- ISO 8601 date, yyyy-mm-dd.
    birthdate       TEXT    NOT NULL,
    -- "Numéro d'adhérent" (numéro interne).
    member_number   TEXT    NOT NULL UNIQUE,
    first_name      TEXT    NOT NULL,
    last_name       TEXT    NOT NULL,
    -- Argon2id PHC string.
    password_hash   TEXT    NOT NULL,
    -- Consecutive failed log-ins; reset by a success.
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    blocked         INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    created_at      INTEGER NOT NULL
);

-- A slot taken by a log-in whose password is being verified. failed_attempts
-- plus the live claims of a member never exceed 3, so concurrent guesses can
-- never get a 4th password checked.
CREATE TABLE login_claims (
    claim_id   TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX login_claims_member ON login_claims (member_id, expires_at);

-- Bearer sessions. Only the SHA-256 of the token is stored (lower-case hex).
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
);
CREATE INDEX sessions_member ON sessions (member_id);
