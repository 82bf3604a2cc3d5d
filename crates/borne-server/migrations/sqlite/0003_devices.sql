-- Kiosk devices. No key is stored: a device's key is derived from the
-- server's device key secret and the id (src/devices.rs), so a copy of this
-- table does not let anyone sign as a kiosk. Deleting a row revokes the device.
CREATE TABLE devices (
    -- 32 lower-case hex characters, random.
    id          TEXT    PRIMARY KEY,
    -- Given at enrolment, e.g. "Agence de Strasbourg, borne 2".
    name        TEXT    NOT NULL,
    enrolled_at INTEGER NOT NULL,
    -- From the last heartbeat; NULL until the first one.
    version     TEXT,
    healthy     INTEGER CHECK (healthy IN (0, 1)),
    detail      TEXT,
    last_seen   INTEGER
);
