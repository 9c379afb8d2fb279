-- The town's side: administrators and their sessions, baselines, settings.
CREATE TABLE users (
    name          TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    -- The printed one-time password must be changed before anything else.
    must_change   INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);

-- Sessions by the SHA-256 of their cookie token (a stolen database holds no live token).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Certificates a village issued in a month of the baseline year.
CREATE TABLE baselines (
    village    TEXT NOT NULL REFERENCES villages(code),
    period     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    -- manual, csv or registry.
    source     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (village, period)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);


-- Running sums the dashboard reads instead of every ledger cell: per
-- village month the counts of each outcome and whether any tablet reported
-- it. Kept by triggers (a ledger cell only ever rises, by NEW - OLD).
CREATE TABLE village_months (
    period   TEXT NOT NULL,
    village  TEXT NOT NULL,
    issued   INTEGER NOT NULL DEFAULT 0,
    refused  INTEGER NOT NULL DEFAULT 0,
    unlisted INTEGER NOT NULL DEFAULT 0,
    voided   INTEGER NOT NULL DEFAULT 0,
    reported INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (period, village)
) WITHOUT ROWID;

-- Refused and unlisted requests per month, agency category and item.
CREATE TABLE flagged_month_totals (
    period  TEXT NOT NULL,
    agency  TEXT NOT NULL,
    item    TEXT NOT NULL,
    outcome TEXT NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (period, agency, item, outcome)
) WITHOUT ROWID;

INSERT INTO village_months (period, village, issued, refused, unlisted, voided)
SELECT period, village,
       SUM(CASE outcome WHEN 'issued' THEN count ELSE 0 END),
       SUM(CASE outcome WHEN 'refused_redirected' THEN count ELSE 0 END),
       SUM(CASE outcome WHEN 'issued_unlisted' THEN count ELSE 0 END),
       SUM(CASE outcome WHEN 'void' THEN count ELSE 0 END)
FROM ledger_cells GROUP BY period, village;
INSERT INTO village_months (period, village, reported)
SELECT DISTINCT period, village, 1 FROM period_reports WHERE true
ON CONFLICT (period, village) DO UPDATE SET reported = 1;
INSERT INTO flagged_month_totals
SELECT period, agency, item, outcome, SUM(count) FROM ledger_cells
WHERE outcome IN ('refused_redirected', 'issued_unlisted') GROUP BY period, agency, item, outcome;

CREATE TRIGGER ledger_cells_added AFTER INSERT ON ledger_cells
BEGIN
    INSERT INTO village_months (period, village, issued, refused, unlisted, voided)
    VALUES (NEW.period, NEW.village,
            CASE NEW.outcome WHEN 'issued' THEN NEW.count ELSE 0 END,
            CASE NEW.outcome WHEN 'refused_redirected' THEN NEW.count ELSE 0 END,
            CASE NEW.outcome WHEN 'issued_unlisted' THEN NEW.count ELSE 0 END,
            CASE NEW.outcome WHEN 'void' THEN NEW.count ELSE 0 END)
    ON CONFLICT (period, village) DO UPDATE SET
        issued = issued + excluded.issued, refused = refused + excluded.refused,
        unlisted = unlisted + excluded.unlisted, voided = voided + excluded.voided;
    INSERT INTO flagged_month_totals (period, agency, item, outcome, count)
    SELECT NEW.period, NEW.agency, NEW.item, NEW.outcome, NEW.count
    WHERE NEW.outcome IN ('refused_redirected', 'issued_unlisted')
    ON CONFLICT (period, agency, item, outcome) DO UPDATE SET count = count + excluded.count;
END;

CREATE TRIGGER ledger_cells_raised AFTER UPDATE OF count ON ledger_cells
BEGIN
    UPDATE village_months SET
        issued = issued + CASE NEW.outcome WHEN 'issued' THEN NEW.count - OLD.count ELSE 0 END,
        refused = refused + CASE NEW.outcome WHEN 'refused_redirected' THEN NEW.count - OLD.count ELSE 0 END,
        unlisted = unlisted + CASE NEW.outcome WHEN 'issued_unlisted' THEN NEW.count - OLD.count ELSE 0 END,
        voided = voided + CASE NEW.outcome WHEN 'void' THEN NEW.count - OLD.count ELSE 0 END
    WHERE period = NEW.period AND village = NEW.village;
    UPDATE flagged_month_totals SET count = count + NEW.count - OLD.count
    WHERE period = NEW.period AND agency = NEW.agency AND item = NEW.item AND outcome = NEW.outcome;
END;

CREATE TRIGGER period_reports_added AFTER INSERT ON period_reports
BEGIN
    INSERT INTO village_months (period, village, reported) VALUES (NEW.period, NEW.village, 1)
    ON CONFLICT (period, village) DO UPDATE SET reported = 1;
END;

-- Lists being edited by the town, one draft per list id, until published.
CREATE TABLE list_drafts (
    id         TEXT PRIMARY KEY NOT NULL,
    body       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
