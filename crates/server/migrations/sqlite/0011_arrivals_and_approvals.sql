-- When each village month's report first arrived after the month ended (issue
-- 17, on-time reporting): the first receipt carrying the month received on or
-- after the first day of the next month, the first upload that can hold the
-- whole month. period_reports keeps only each device's latest receipt time.
CREATE TABLE village_month_arrivals (
    village    TEXT NOT NULL,
    period     TEXT NOT NULL,
    arrived_at TEXT NOT NULL,
    PRIMARY KEY (village, period)
) WITHOUT ROWID;

-- Every receipt is kept: the months already reported get their arrival from them.
INSERT INTO village_month_arrivals (village, period, arrived_at)
SELECT r.village, json_extract(p.value, '$.period'), MIN(r.received_at)
FROM receipts r, json_each(r.periods) p
WHERE r.received_at >= date(json_extract(p.value, '$.period') || '-01', '+1 month')
GROUP BY r.village, json_extract(p.value, '$.period');

CREATE TRIGGER receipts_mark_arrivals AFTER INSERT ON receipts
BEGIN
    INSERT INTO village_month_arrivals (village, period, arrived_at)
    SELECT NEW.village, json_extract(value, '$.period'), NEW.received_at
    FROM json_each(NEW.periods)
    WHERE NEW.received_at >= date(json_extract(value, '$.period') || '-01', '+1 month')
    ON CONFLICT (village, period) DO NOTHING;
END;

-- Village months an officer approved (locked): an upload no longer raises
-- their cells, but keeps what it would have raised in pending_corrections,
-- until an officer accepts (into ledger_cells) or dismisses it.
CREATE TABLE approved_months (
    village     TEXT NOT NULL,
    period      TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    PRIMARY KEY (village, period)
) WITHOUT ROWID;

CREATE TABLE pending_corrections (
    village     TEXT NOT NULL,
    ledger      TEXT NOT NULL,
    period      TEXT NOT NULL,
    item        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    agency      TEXT NOT NULL,
    count       INTEGER NOT NULL,
    device_key  BLOB NOT NULL,
    incarnation INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (village, period, ledger, item, outcome, agency)
);
