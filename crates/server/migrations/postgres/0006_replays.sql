-- The first 16 bytes of the signature of every accepted upload (enough
-- to tell uploads apart, at a quarter of the index): the same signed upload sent
-- again (a replay, or a file and the network at once) is recognised and
-- changes nothing, not even the device's last-seen time. Receipts from
-- before this migration have none.
ALTER TABLE receipts ADD COLUMN signature BYTEA;
CREATE UNIQUE INDEX receipts_by_signature ON receipts (signature);
