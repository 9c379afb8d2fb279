-- The PostgreSQL schema: the same tables, columns and behaviour as
-- migrations/sqlite, with BIGINT for integers, BYTEA for blobs and plpgsql
-- for the triggers. Times are ISO 8601 UTC text, written by the server.

-- Facts about this server installation, one row per key.
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO server_meta (key, value)
VALUES ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
