-- Lists and settings by area (issue 14).

-- A list is published at an area and applies to its subtree; NULL: the
-- whole server (the root's, and every list published before areas). A
-- list's id keeps the area of its first version.
ALTER TABLE published_lists ADD COLUMN area TEXT;
ALTER TABLE list_drafts ADD COLUMN area TEXT;

-- An area's own settings, in force for its subtree where no area nearer a
-- village sets them; `settings` holds the whole server's.
CREATE TABLE area_settings (
    area       TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (area, key)
);
