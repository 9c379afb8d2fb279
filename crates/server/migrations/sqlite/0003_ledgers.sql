-- Counts are kept per ledger (a tablet's record in a village, `T1`), not per
-- device key: a tablet restored from a backup enrols under a new key and
-- continues the same ledger, so its restored counts are not added twice.
ALTER TABLE devices ADD COLUMN ledger TEXT NOT NULL DEFAULT '';

CREATE TABLE ledger_cells (
    village     TEXT NOT NULL,
    ledger      TEXT NOT NULL,
    period      TEXT NOT NULL,
    item        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    agency      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    -- The device incarnation whose upload set the count, for audit.
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (village, ledger, period, item, outcome, agency)
);

-- Cells stored before ledgers existed: each device incarnation was its own
-- ledger, which keeps their sums unchanged.
INSERT INTO ledger_cells
SELECT village, hex(device_key) || '/' || incarnation, period, item, outcome, agency,
       count, device_key, incarnation, updated_at
FROM cells;
DROP TABLE cells;

-- A device was last seen when its last upload was received.
CREATE TRIGGER receipts_mark_device_seen AFTER INSERT ON receipts
BEGIN
    UPDATE devices SET last_seen_at = NEW.received_at
    WHERE device_key = NEW.device_key AND incarnation = NEW.incarnation;
END;
