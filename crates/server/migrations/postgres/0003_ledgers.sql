-- Per ledger cell the largest count any upload has shown.
CREATE TABLE ledger_cells (
    village     TEXT NOT NULL,
    ledger      TEXT NOT NULL,
    period      TEXT NOT NULL,
    item        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    agency      TEXT NOT NULL,
    count       BIGINT NOT NULL,
    -- The device incarnation whose upload set the count, for audit.
    device_key  BYTEA NOT NULL,
    incarnation BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (village, ledger, period, item, outcome, agency)
);
