-- Villages, enrolled devices and the counts they send (DESIGN.md, "Sync").
CREATE TABLE villages (
    code       TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One-time codes the town hands to a tablet; used once.
CREATE TABLE enrolment_codes (
    code       TEXT PRIMARY KEY NOT NULL,
    village    TEXT NOT NULL REFERENCES villages(code),
    created_at TEXT NOT NULL,
    used_at    TEXT
);

-- A device incarnation: its public key and the enrolment that made it.
CREATE TABLE devices (
    device_key   BLOB NOT NULL,
    incarnation  INTEGER NOT NULL,
    village      TEXT NOT NULL REFERENCES villages(code),
    enrolled_at  TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT,
    PRIMARY KEY (device_key, incarnation)
);

-- Per cell the largest count any upload has shown.
CREATE TABLE cells (
    village     TEXT NOT NULL,
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    period      TEXT NOT NULL,
    item        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    agency      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (device_key, incarnation, period, item, outcome, agency)
);
CREATE INDEX cells_by_village_period ON cells (village, period);

-- Which device reported which month (a closed month with no cells is an explicit zero).
CREATE TABLE period_reports (
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    village     TEXT NOT NULL,
    period      TEXT NOT NULL,
    closed      INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_key, incarnation, period)
);

-- Every accepted upload, with the server's own receipt time.
CREATE TABLE receipts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at TEXT NOT NULL,
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    village     TEXT NOT NULL,
    raised      INTEGER NOT NULL,
    went_down   INTEGER NOT NULL,
    future      INTEGER NOT NULL
);

-- What the town should look at: a cell that went down, a period in the future.
CREATE TABLE flags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
