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

-- The periods an upload carried, as JSON [{"period": "2026-10", "closed": false}];
-- a trigger records each as reported by the device (a closed month stays closed).
ALTER TABLE receipts ADD COLUMN periods TEXT NOT NULL DEFAULT '[]';

CREATE TRIGGER receipts_mark_periods_reported AFTER INSERT ON receipts
BEGIN
    INSERT INTO period_reports (device_key, incarnation, village, period, closed, received_at)
    SELECT NEW.device_key, NEW.incarnation, NEW.village,
           json_extract(value, '$.period'), json_extract(value, '$.closed'), NEW.received_at
    FROM json_each(NEW.periods) WHERE true
    ON CONFLICT (device_key, incarnation, period)
    DO UPDATE SET closed = MAX(closed, excluded.closed), received_at = excluded.received_at;
END;
