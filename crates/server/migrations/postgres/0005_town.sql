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

-- Lists being edited by the town, one draft per list id, until published.
CREATE TABLE list_drafts (
    id         TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
