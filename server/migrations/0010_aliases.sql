-- Issue 15, privacy: a special or sanatorium queue's key names a child's health (the disorder
-- type or the profile, rule 14), so it is published under an alias drawn at random once per
-- queue (`kezek::queue::QueueKey::aliased`, `store/aliases.rs`). The alias never changes: the
-- public log and the snapshots name the queue by it for the queue's whole life.
CREATE TABLE queue_aliases (
    queue_key TEXT PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE
);
