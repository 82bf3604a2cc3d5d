-- Security state that several server replicas must share (issue 12): every
-- limit a rule reads is a row here, changed atomically, never a counter in
-- one process's memory.

-- One row per message sent to a member (reset, registration and unlock
-- e-mails, unlock SMS, resends): the per-member, per-channel budget counts
-- them, under the member's row lock, in the transaction that issues the proof.
CREATE TABLE message_sends (
    id        INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel   TEXT    NOT NULL CHECK (channel IN ('email', 'sms')),
    sent_at   INTEGER NOT NULL
);
CREATE INDEX message_sends_member ON message_sends (member_id, channel, sent_at);

-- Attempt counters over a fixed window: unlock identity checks per client
-- and per NIR, code tries per member (or per unknown identifier). `subject`
-- is a keyed hash (src/counters.rs), never a NIR, an e-mail or an address.
CREATE TABLE attempt_counters (
    scope       TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL,
    window_ends INTEGER NOT NULL,
    PRIMARY KEY (scope, subject)
);
CREATE INDEX attempt_counters_window ON attempt_counters (window_ends);

-- Signatures of kiosk requests seen while their timestamp is acceptable:
-- a request replayed to any replica is refused.
CREATE TABLE device_nonces (
    signature  TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX device_nonces_expiry ON device_nonces (expires_at);

-- The log-in claims (src/lockout.rs) become columns of the member's row, so
-- that taking one is a single atomic statement on that row: how many
-- verifications are in flight, until when they count, and the generation
-- they belong to (a password change or an expiry starts a new one, which
-- voids the claims of the previous one).
ALTER TABLE members ADD COLUMN live_claims INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN claims_expire_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN claims_epoch INTEGER NOT NULL DEFAULT 0;
DROP TABLE login_claims;
