-- The area tree above the villages (county, town, any levels above), the
-- accounts' roles and areas, and the audit trail (issue 14).

-- The areas above the villages; a village is a row of `villages` whose
-- `parent` names its area. Codes are unique across both tables.
CREATE TABLE areas (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    -- province, city, county or town (jianzheng_core::org::Level).
    level      TEXT NOT NULL,
    parent     TEXT REFERENCES areas(code),
    created_at TEXT NOT NULL
);
CREATE INDEX areas_by_parent ON areas (parent);

ALTER TABLE villages ADD COLUMN parent TEXT REFERENCES areas(code);
CREATE INDEX villages_by_parent ON villages (parent);

-- The one town this server served until now, with every village below it
-- (renamed, or placed in a county's tree, by the town afterwards).
INSERT INTO areas (code, name, level, parent, created_at)
SELECT 'TOWN', '本镇', 'town', NULL,
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
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
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_is_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
