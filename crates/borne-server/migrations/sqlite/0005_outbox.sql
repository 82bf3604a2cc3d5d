-- The durable outbox (src/outbox.rs): a message is written in the
-- transaction that issues what it carries, and sent by a worker of any
-- replica, retried until delivered or no longer valid.
CREATE TABLE outbox (
    id              TEXT    PRIMARY KEY,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    -- The message's kind (reset_password, unlock_temporary_password…): for
    -- logs, metrics and the audit trail; never the content.
    kind            TEXT    NOT NULL,
    member_id       INTEGER REFERENCES members (id) ON DELETE CASCADE,
    -- What the message carries, checked before each try: a dead proof or
    -- temporary password drops the message.
    proof_id        TEXT,
    temporary_password_id TEXT,
    -- Recipient and message, sealed (XChaCha20-Poly1305); NULL once sent,
    -- failed or dropped.
    sealed          TEXT,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A worker's lease on the row while it tries to send it.
    claimed_until   INTEGER,
    valid_until     INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER,
    -- The last error, as logged (no address, no content).
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- A forgotten-password or registration form, kept (sealed) from the moment
-- it is answered until a worker has looked it up and queued its e-mail, so
-- that the answer can be the same for every form and nothing is lost if the
-- process stops right after it.
CREATE TABLE pending_requests (
    id            TEXT    PRIMARY KEY,
    procedure     TEXT    NOT NULL CHECK (procedure IN ('forgot_password', 'registration')),
    sealed        TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    claimed_until INTEGER
);
CREATE INDEX pending_requests_created ON pending_requests (created_at);
