-- Enrolment codes are kept as hashes only, expire, can be withdrawn, and
-- say which ledger they enrol: a new one (under a label no live tablet
-- holds) or the continuation of a named one (a replaced or restored
-- tablet, which retires the tablets that wrote it before).
-- Codes made before this migration were stored in plain text: they are
-- dropped, and the town makes new ones for tablets still to enrol.
DROP TABLE enrolment_codes;
CREATE TABLE enrolment_codes (
    code_hash    TEXT PRIMARY KEY,
    village      TEXT NOT NULL REFERENCES villages(code),
    continues    TEXT,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    withdrawn_at TEXT
);
CREATE INDEX enrolment_codes_by_village ON enrolment_codes (village);

-- A tablet replaced by another on its ledger: no longer live (it holds no
-- label and is never shown as silent), though what it sent still counts.
ALTER TABLE devices ADD COLUMN retired_at TEXT;
