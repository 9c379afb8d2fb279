-- When each village month's report first arrived after the month ended (issue
-- 17, on-time reporting): the first receipt carrying the month received on or
-- after the first day of the next month, the first upload that can hold the
-- whole month. period_reports keeps only each device's latest receipt time.
CREATE TABLE village_month_arrivals (
    village    TEXT NOT NULL,
    period     TEXT NOT NULL,
    arrived_at TEXT NOT NULL,
    PRIMARY KEY (village, period)
);

-- Every receipt is kept: the months already reported get their arrival from them.
INSERT INTO village_month_arrivals (village, period, arrived_at)
SELECT r.village, p->>'period', MIN(r.received_at)
FROM receipts r, jsonb_array_elements(r.periods::jsonb) AS p
WHERE r.received_at >= to_char((p->>'period' || '-01')::date + interval '1 month', 'YYYY-MM-DD')
GROUP BY r.village, p->>'period';

-- After the receipt's other marks, which lock its village years first (the
-- same village's uploads are in order by then).
CREATE FUNCTION receipts_mark_arrivals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO village_month_arrivals (village, period, arrived_at)
    SELECT NEW.village, p->>'period', NEW.received_at
    FROM jsonb_array_elements(NEW.periods::jsonb) AS p
    WHERE NEW.received_at >= to_char((p->>'period' || '-01')::date + interval '1 month', 'YYYY-MM-DD')
    ON CONFLICT (village, period) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER receipts_so_mark_arrivals AFTER INSERT ON receipts
FOR EACH ROW EXECUTE FUNCTION receipts_mark_arrivals();

-- Village months an officer approved (locked): an upload no longer raises
-- their cells, but keeps what it would have raised in pending_corrections,
-- until an officer accepts (into ledger_cells) or dismisses it.
CREATE TABLE approved_months (
    village     TEXT NOT NULL,
    period      TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    PRIMARY KEY (village, period)
);

CREATE TABLE pending_corrections (
    village     TEXT NOT NULL,
    ledger      TEXT NOT NULL,
    period      TEXT NOT NULL,
    item        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    agency      TEXT NOT NULL,
    count       BIGINT NOT NULL,
    device_key  BYTEA NOT NULL,
    incarnation BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (village, period, ledger, item, outcome, agency)
);

-- Repacks one village year from village_months, as receipts_pack_years does
-- at an upload's commit: for an accepted correction, which has no receipt.
CREATE FUNCTION repack_village_year(v TEXT, y TEXT) RETURNS void LANGUAGE sql AS $$
    UPDATE village_years AS yr SET packed = COALESCE((
        SELECT string_agg(m.period || ' ' || m.issued || ' ' || m.refused || ' ' || m.unlisted
                          || ' ' || m.voided || ' ' || m.reported, ';' ORDER BY m.period)
        FROM village_months m
        WHERE m.village = v AND m.period BETWEEN y || '-01' AND y || '-12'), '')
    WHERE yr.village = v AND yr.year = y;
$$;
