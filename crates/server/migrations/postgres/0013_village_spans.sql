-- The town's journeys one step off the path (issue 36).

-- A village counts from its first month (the month it was added, or an
-- earlier one the town gave it) to its last (once retired): months outside
-- are not applicable (jianzheng_core::rate::span). A village already here
-- existed from the earliest of the month it was added, its first figures
-- and its first baseline.
ALTER TABLE villages ADD COLUMN first_month TEXT;
ALTER TABLE villages ADD COLUMN last_month TEXT;
UPDATE villages SET first_month = LEAST(
    substr(created_at, 1, 7),
    (SELECT MIN(m.period) FROM village_months m WHERE m.village = villages.code),
    (SELECT MIN(b.period) FROM baselines b WHERE b.village = villages.code)
);

-- Voided certificates are kept beside the refused and unlisted ones, so
-- that what was voided counts nowhere (letters, flagged lists).
CREATE OR REPLACE FUNCTION ledger_cells_totals() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF NEW.outcome IN ('refused_redirected', 'issued_unlisted', 'void') THEN
        INSERT INTO flagged_month_totals AS f (period, agency, item, outcome, shard, count)
        VALUES (NEW.period, NEW.agency, NEW.item, NEW.outcome, hashtext(NEW.village) & 15, delta)
        ON CONFLICT (period, agency, item, outcome, shard) DO UPDATE SET count = f.count + excluded.count;
    END IF;
    RETURN NULL;
END
$$;
INSERT INTO flagged_month_totals (period, agency, item, outcome, shard, count)
SELECT period, agency, item, outcome, hashtext(village) & 15, SUM(count) FROM ledger_cells
WHERE outcome = 'void' GROUP BY period, agency, item, outcome, hashtext(village) & 15;

-- An approval covers only village months that reported: one made of a
-- month no tablet reported locked nothing real, and is withdrawn, each in
-- the audit trail.
INSERT INTO audit (at, account, address, kind, area, detail)
SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), NULL, NULL,
       'approval_withdrawn', a.village,
       json_build_object('zh', a.period || '：该月未上报，升级时撤回审核',
                         'en', a.period || ': never reported; the upgrade withdrew its approval')::text
FROM approved_months a WHERE NOT EXISTS (
    SELECT 1 FROM village_months m
    WHERE m.village = a.village AND m.period = a.period AND m.reported = 1
);
DELETE FROM approved_months a WHERE NOT EXISTS (
    SELECT 1 FROM village_months m
    WHERE m.village = a.village AND m.period = a.period AND m.reported = 1
);
