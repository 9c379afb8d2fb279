-- Lists the town publishes; tablets fetch the newest version of each on sync.
CREATE TABLE published_lists (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT NOT NULL,
    version      TEXT NOT NULL,
    published    TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at TEXT NOT NULL,
    UNIQUE (id, version)
);
