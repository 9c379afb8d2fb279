-- Villages, enrolled devices and what they report (DESIGN.md, "Sync").
CREATE TABLE villages (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- One-time codes the town hands to a tablet; used once.
CREATE TABLE enrolment_codes (
    code       TEXT PRIMARY KEY,
    village    TEXT NOT NULL REFERENCES villages(code),
    created_at TEXT NOT NULL,
    used_at    TEXT
);

-- A device incarnation: its public key, the enrolment that made it and the
-- ledger (the tablet's label in its village) it writes.
CREATE TABLE devices (
    device_key   BYTEA NOT NULL,
    incarnation  BIGINT NOT NULL,
    village      TEXT NOT NULL REFERENCES villages(code),
    enrolled_at  TEXT NOT NULL,
    revoked_at   TEXT,
    last_seen_at TEXT,
    ledger       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (device_key, incarnation)
);
CREATE INDEX devices_by_village ON devices (village);

-- Which device reported which month (a closed month with no cells is an explicit zero).
CREATE TABLE period_reports (
    device_key  BYTEA NOT NULL,
    incarnation BIGINT NOT NULL,
    village     TEXT NOT NULL,
    period      TEXT NOT NULL,
    closed      BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_key, incarnation, period)
);
CREATE INDEX period_reports_by_village ON period_reports (village, period);

-- Every accepted upload, with the server's own receipt time and the periods
-- it carried, as JSON [{"period": "2026-10", "closed": false}].
CREATE TABLE receipts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at TEXT NOT NULL,
    device_key  BYTEA NOT NULL,
    incarnation BIGINT NOT NULL,
    village     TEXT NOT NULL,
    raised      BIGINT NOT NULL,
    went_down   BIGINT NOT NULL,
    future      BIGINT NOT NULL,
    periods     TEXT NOT NULL DEFAULT '[]'
);

-- What the town should look at: a cell that went down, a period in the future.
CREATE TABLE flags (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TEXT NOT NULL,
    device_key  BYTEA NOT NULL,
    incarnation BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
