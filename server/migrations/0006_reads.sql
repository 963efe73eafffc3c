-- Fast reads (docs/operations.md, "Reads"): every transaction that changes what a queue's
-- snapshot lists (an application entering, leaving or changing its place) bumps that queue's
-- version in the same transaction, so a reader knows with one key lookup whether the snapshot
-- it holds in memory is still the queue's.
CREATE TABLE queue_versions (
    queue_key TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO queue_versions (queue_key, version) SELECT DISTINCT queue_key, 1 FROM applications;

-- The queue version the recorded snapshot lists (0: recorded before versions existed, so the
-- next request re-checks it under the log lock).
ALTER TABLE published_snapshots ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
