-- The public register (rule 24.7, docs/transparency-log.md): every change to an application, a
-- referral or a bulletin appends one entry here in the same transaction as the change.
-- Append-only: the server never updates or deletes a row of `log_entries`, and migration 3
-- (in db.rs: trigger syntax differs per database) makes the database refuse to.
-- Entries are base64 TEXT and leaf hashes hex TEXT: sqlx's Any driver has no column type that
-- means "bytes" on both SQLite and PostgreSQL in one portable migration.

CREATE TABLE log_entries (
    log_index BIGINT PRIMARY KEY,
    entry TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    -- Copies of fields inside `entry`, for lookups (the register of one application, the latest
    -- snapshot of a queue); only pseudonymous values.
    kind TEXT NOT NULL,
    queue_key TEXT NOT NULL,
    application_number TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX log_entries_by_application ON log_entries (application_number, kind);
CREATE INDEX log_entries_by_queue ON log_entries (queue_key, kind, log_index);

-- One row: the tree size. Every appending transaction updates it first, which serialises
-- appenders on PostgreSQL (a row lock held to commit) as BEGIN IMMEDIATE does on SQLite, so
-- indexes are dense and commit in index order.
CREATE TABLE log_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

-- The last snapshot recorded in the log for each queue: `entries_hash` identifies its entries
-- (the snapshot encoded with log size 0), `log_size` the log size it states.
CREATE TABLE published_snapshots (
    queue_key TEXT PRIMARY KEY,
    entries_hash TEXT NOT NULL,
    log_size BIGINT NOT NULL,
    log_index BIGINT NOT NULL
);
