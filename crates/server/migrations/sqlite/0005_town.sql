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

-- The dashboard reads a village's months in a range.
CREATE INDEX ledger_cells_by_period ON ledger_cells (period, village);
CREATE INDEX period_reports_by_village ON period_reports (village, period);
