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
