-- The town's journeys one step off the path (issue 36).

-- A village counts from its first month (the month it was added, or an
-- earlier one the town gave it) to its last (once retired): months outside
-- are not applicable (jianzheng_core::rate::span). A village already here
-- existed from the earliest of the month it was added, its first figures
-- and its first baseline.
ALTER TABLE villages ADD COLUMN first_month TEXT;
ALTER TABLE villages ADD COLUMN last_month TEXT;
UPDATE villages SET first_month = MIN(
    substr(created_at, 1, 7),
    COALESCE((SELECT MIN(m.period) FROM village_months m WHERE m.village = villages.code), '9999-12'),
    COALESCE((SELECT MIN(b.period) FROM baselines b WHERE b.village = villages.code), '9999-12')
);

-- Voided certificates are kept beside the refused and unlisted ones, so
-- that what was voided counts nowhere (letters, flagged lists).
DROP TRIGGER ledger_cells_added;
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
    WHERE NEW.outcome IN ('refused_redirected', 'issued_unlisted', 'void')
    ON CONFLICT (period, agency, item, outcome) DO UPDATE SET count = count + excluded.count;
END;
INSERT INTO flagged_month_totals (period, agency, item, outcome, count)
SELECT period, agency, item, outcome, SUM(count) FROM ledger_cells
WHERE outcome = 'void' GROUP BY period, agency, item, outcome;

-- An approval covers only village months that reported: one made of a
-- month no tablet reported locked nothing real, and is withdrawn, each in
-- the audit trail.
INSERT INTO audit (at, account, address, kind, area, detail)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), NULL, NULL, 'approval_withdrawn', a.village,
       json_object('zh', a.period || '：该月未上报，升级时撤回审核',
                   'en', a.period || ': never reported; the upgrade withdrew its approval')
FROM approved_months a WHERE NOT EXISTS (
    SELECT 1 FROM village_months m
    WHERE m.village = a.village AND m.period = a.period AND m.reported = 1
);
DELETE FROM approved_months WHERE NOT EXISTS (
    SELECT 1 FROM village_months m
    WHERE m.village = approved_months.village AND m.period = approved_months.period
      AND m.reported = 1
);
