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

-- A receipt marks its device as seen and each period it carried as
-- reported by the device (a closed month stays closed).
CREATE FUNCTION receipts_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET last_seen_at = NEW.received_at
    WHERE device_key = NEW.device_key AND incarnation = NEW.incarnation;
    INSERT INTO period_reports AS r (device_key, incarnation, village, period, closed, received_at)
    SELECT NEW.device_key, NEW.incarnation, NEW.village, p->>'period',
           CASE WHEN (p->>'closed')::boolean THEN 1 ELSE 0 END, NEW.received_at
    FROM jsonb_array_elements(NEW.periods::jsonb) AS p
    ON CONFLICT (device_key, incarnation, period)
    DO UPDATE SET closed = GREATEST(r.closed, excluded.closed), received_at = excluded.received_at;
    RETURN NULL;
END
$$;

CREATE TRIGGER receipts_mark AFTER INSERT ON receipts
FOR EACH ROW EXECUTE FUNCTION receipts_mark();
