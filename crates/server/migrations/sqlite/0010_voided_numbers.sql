-- Certificate numbers tablets voided, as their uploads carry them (issue
-- 15): the town publishes them in its trust list, so that a verifier
-- knows a voided paper. A number is not personal data.
CREATE TABLE voided_numbers (
    village     TEXT NOT NULL,
    ledger      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    sequence    INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (village, ledger, year, sequence)
);
