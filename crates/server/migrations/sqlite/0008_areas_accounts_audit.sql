-- The area tree above the villages (county, town, any levels above), the
-- accounts' roles and areas, and the audit trail (issue 14).

-- The areas above the villages; a village is a row of `villages` whose
-- `parent` names its area. Codes are unique across both tables.
CREATE TABLE areas (
    code       TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    -- province, city, county or town (jianzheng_core::org::Level).
    level      TEXT NOT NULL,
    parent     TEXT REFERENCES areas(code),
    created_at TEXT NOT NULL
);
CREATE INDEX areas_by_parent ON areas (parent);

ALTER TABLE villages ADD COLUMN parent TEXT REFERENCES areas(code);

-- The one town this server served until now, with every village below it
-- (renamed, or placed in a county's tree, by the town afterwards).
INSERT INTO areas (code, name, level, parent, created_at)
SELECT 'TOWN', '本镇', 'town', NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE EXISTS (SELECT 1 FROM villages);
UPDATE villages SET parent = 'TOWN';

-- An account's role (jianzheng_core::org::roles::Role) and area (NULL:
-- the root, whatever it is; the first administrator's).
ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'administrator';
ALTER TABLE users ADD COLUMN area TEXT REFERENCES areas(code);
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- Every change made through the town's API, appended and never changed.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    -- The account, or NULL for a failed login of an unknown name.
    account TEXT,
    address TEXT,
    -- What was done (jianzheng_core::audit::AuditKind).
    kind    TEXT NOT NULL,
    area    TEXT,
    -- Before and after, in a short form.
    detail  TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit (at);

CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
