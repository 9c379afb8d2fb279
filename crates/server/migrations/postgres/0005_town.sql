-- The town's side: administrators and their sessions, baselines, settings.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    -- The printed one-time password must be changed before anything else.
    must_change   BOOLEAN NOT NULL,
    created_at    TEXT NOT NULL
);

-- Sessions by the SHA-256 of their cookie token (a stolen database holds no live token).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    "user"     TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Certificates a village issued in a month of the baseline year.
CREATE TABLE baselines (
    village    TEXT NOT NULL REFERENCES villages(code),
    period     TEXT NOT NULL,
    count      BIGINT NOT NULL,
    -- manual, csv or registry.
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (village, period)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Running sums the dashboard reads instead of every ledger cell: per
-- village month the counts of each outcome and whether any tablet reported
-- it. Kept by triggers (a ledger cell only ever rises, by NEW - OLD).
CREATE TABLE village_months (
    period   TEXT NOT NULL,
    village  TEXT NOT NULL,
    issued   BIGINT NOT NULL DEFAULT 0,
    refused  BIGINT NOT NULL DEFAULT 0,
    unlisted BIGINT NOT NULL DEFAULT 0,
    voided   BIGINT NOT NULL DEFAULT 0,
    reported BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (period, village)
);

-- Refused and unlisted requests per month, agency category and item. Every
-- village's uploads add to these few rows, so each is kept as 16 shards
-- (picked by the village) that the dashboard sums: concurrent uploads from
-- a county's villages then rarely wait for one another's row locks.
CREATE TABLE flagged_month_totals (
    period  TEXT NOT NULL,
    agency  TEXT NOT NULL,
    item    TEXT NOT NULL,
    outcome TEXT NOT NULL,
    shard   SMALLINT NOT NULL,
    count   BIGINT NOT NULL,
    PRIMARY KEY (period, agency, item, outcome, shard)
);

CREATE FUNCTION ledger_cells_totals() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT := NEW.count - CASE WHEN TG_OP = 'UPDATE' THEN OLD.count ELSE 0 END;
BEGIN
    INSERT INTO village_months AS m (period, village, issued, refused, unlisted, voided)
    VALUES (NEW.period, NEW.village,
            CASE NEW.outcome WHEN 'issued' THEN delta ELSE 0 END,
            CASE NEW.outcome WHEN 'refused_redirected' THEN delta ELSE 0 END,
            CASE NEW.outcome WHEN 'issued_unlisted' THEN delta ELSE 0 END,
            CASE NEW.outcome WHEN 'void' THEN delta ELSE 0 END)
    ON CONFLICT (period, village) DO UPDATE SET
        issued = m.issued + excluded.issued, refused = m.refused + excluded.refused,
        unlisted = m.unlisted + excluded.unlisted, voided = m.voided + excluded.voided;
    IF NEW.outcome IN ('refused_redirected', 'issued_unlisted') THEN
        INSERT INTO flagged_month_totals AS f (period, agency, item, outcome, shard, count)
        VALUES (NEW.period, NEW.agency, NEW.item, NEW.outcome, hashtext(NEW.village) & 15, delta)
        ON CONFLICT (period, agency, item, outcome, shard) DO UPDATE SET count = f.count + excluded.count;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ledger_cells_totals AFTER INSERT OR UPDATE OF count ON ledger_cells
FOR EACH ROW EXECUTE FUNCTION ledger_cells_totals();

-- A month is marked reported once; later reports of it take no row lock
-- (the receipt's trigger runs before the upload's cells lock the same
-- rows in month order, and must not lock them out of that order).
CREATE FUNCTION period_reports_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM village_months
                   WHERE period = NEW.period AND village = NEW.village AND reported = 1) THEN
        INSERT INTO village_months (period, village, reported) VALUES (NEW.period, NEW.village, 1)
        ON CONFLICT (period, village) DO UPDATE SET reported = 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER period_reports_added AFTER INSERT ON period_reports
FOR EACH ROW EXECUTE FUNCTION period_reports_added();

-- A village's months, for the town's reads of one village (the dashboard
-- reads village_years).
CREATE INDEX village_months_by_village ON village_months (village, period);

-- The county dashboard reads every village month of its range: 360,000 rows
-- for 10,000 villages over three years, too many to aggregate at each view.
-- So each village year is also kept packed in one text, as the dashboard
-- reads it: `period issued refused unlisted voided reported;...` by month.
-- An upload locks its village years when its receipt is written, before any
-- other row, and repacks them from village_months when it commits: two
-- uploads of one village year never overwrite each other's pack.
CREATE TABLE village_years (
    village TEXT NOT NULL,
    year    TEXT NOT NULL,
    packed  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (village, year)
);

-- A receipt locks its village years (before any other row), marks its
-- device as seen and each period it carried as reported by the device (a
-- closed month stays closed).
CREATE FUNCTION receipts_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO village_years AS y (village, year)
    SELECT DISTINCT NEW.village, left(p->>'period', 4)
    FROM jsonb_array_elements(NEW.periods::jsonb) AS p
    ORDER BY 2
    ON CONFLICT (village, year) DO UPDATE SET packed = y.packed;
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

CREATE FUNCTION receipts_pack_years() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE village_years AS y SET packed = COALESCE((
        SELECT string_agg(m.period || ' ' || m.issued || ' ' || m.refused || ' ' || m.unlisted
                          || ' ' || m.voided || ' ' || m.reported, ';' ORDER BY m.period)
        FROM village_months m
        WHERE m.village = y.village AND m.period BETWEEN y.year || '-01' AND y.year || '-12'), '')
    WHERE y.village = NEW.village
      AND y.year IN (SELECT left(p->>'period', 4) FROM jsonb_array_elements(NEW.periods::jsonb) AS p);
    RETURN NULL;
END
$$;

-- At commit, after the upload's cells have raised village_months.
CREATE CONSTRAINT TRIGGER receipts_pack_years AFTER INSERT ON receipts
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION receipts_pack_years();

-- Lists being edited by the town, one draft per list id, until published.
CREATE TABLE list_drafts (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
