-- Trust at every boundary (issue 35).

-- For a revoked tablet, the certificates of each year its ledger had
-- numbered in what reached the town by the revocation (JSON
-- [[year, through], ...]): a higher number was printed after the last
-- sync, by whoever holds the key, whatever date it bears.
ALTER TABLE devices ADD COLUMN numbered_at_revocation TEXT;

-- A counter every change of a device's trust-list row raises (not its
-- last-seen time, which every upload sets): the trust list's fingerprint.
CREATE TABLE trust_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO trust_changes (id, version) VALUES (1, 0);

CREATE TRIGGER devices_change_trust_on_insert AFTER INSERT ON devices
BEGIN
    UPDATE trust_changes SET version = version + 1;
END;

CREATE TRIGGER devices_change_trust_on_update
AFTER UPDATE OF device_key, incarnation, village, ledger, enrolled_at, revoked_at, retired_at, numbered_at_revocation ON devices
BEGIN
    UPDATE trust_changes SET version = version + 1;
END;

CREATE TRIGGER devices_change_trust_on_delete AFTER DELETE ON devices
BEGIN
    UPDATE trust_changes SET version = version + 1;
END;
