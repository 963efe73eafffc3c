//! Queues held in memory for fast reads (issue 15: thousands of snapshot requests a second for a
//! 20 000-application queue, a status with its queue number in a few milliseconds).
//!
//! A cached queue is valid for exactly one *queue version* (`queue_versions`, bumped in the same
//! transaction as any change to what the queue lists), so a reader checks it with one key lookup
//! and never serves a queue older than the database. It holds what every read needs and nothing
//! else: the core's decoded [`Snapshot`], which answers a queue number without a pass over the
//! entries, and, once the snapshot is recorded in the log at that version, its published bytes
//! and ETag.
//!
//! The cache is bounded by bytes, not queues: when over budget it drops the least recently
//! used queues (a dropped queue is read from the database again on its next request).

use axum::body::Bytes;
use kezek::queue::snapshot::Snapshot;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One queue at one version.
pub struct CachedQueue {
    pub version: i64,
    /// The queue's entries at `version`, decoded by the core for queue numbers.
    pub snapshot: Snapshot,
    /// The snapshot as published (recorded in the log at `version`), if it is.
    pub published: Option<Published>,
}

/// A published snapshot: its bytes, their ETag and the log size they state.
#[derive(Clone)]
pub struct Published {
    pub body: Bytes,
    /// Quoted, as the `ETag` header carries it.
    pub etag: String,
    pub log_size: u64,
}

impl CachedQueue {
    fn bytes(&self) -> usize {
        self.snapshot.heap_bytes() + self.published.as_ref().map_or(0, |p| p.body.len())
    }
}

/// The queues held, least recently used dropped first.
pub struct QueueCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    queues: HashMap<String, Slot>,
    bytes: usize,
    clock: u64,
}

struct Slot {
    queue: Arc<CachedQueue>,
    used: u64,
}

/// The default budget: about two hundred queues of 20 000 applications each.
pub const DEFAULT_BUDGET: usize = 64 * 1024 * 1024;

impl QueueCache {
    pub fn new(budget: usize) -> QueueCache {
        QueueCache { budget, inner: Mutex::new(Inner::default()) }
    }

    /// The queue `key` at `version`, if held.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<CachedQueue>> {
        let mut inner = self.inner.lock().ok()?;
        inner.clock += 1;
        let now = inner.clock;
        let slot = inner.queues.get_mut(key).filter(|s| s.queue.version == version)?;
        slot.used = now;
        Some(slot.queue.clone())
    }

    /// Holds `queue` as `key`'s, unless a newer version is held already; then drops the least
    /// recently used queues until the cache is within its budget again.
    pub fn put(&self, key: &str, queue: Arc<CachedQueue>) {
        let Ok(mut inner) = self.inner.lock() else { return };
        let size = queue.bytes();
        if size > self.budget {
            return;
        }
        inner.clock += 1;
        let used = inner.clock;
        if let Some(held) = inner.queues.get(key) {
            // Two readers may race to load two versions: the newer one stays.
            let replaces = held.queue.version < queue.version || (held.queue.version == queue.version && held.queue.published.is_none());
            if !replaces {
                return;
            }
            let old = held.queue.bytes();
            inner.bytes -= old;
        }
        inner.bytes += size;
        inner.queues.insert(key.to_owned(), Slot { queue, used });
        while inner.bytes > self.budget {
            let Some(oldest) = inner.queues.iter().min_by_key(|(_, s)| s.used).map(|(k, _)| k.clone()) else { break };
            if let Some(slot) = inner.queues.remove(&oldest) {
                inner.bytes -= slot.queue.bytes();
            }
        }
    }

    /// How many queues and bytes are held (for `/metrics` and tests).
    pub fn usage(&self) -> (usize, usize) {
        self.inner.lock().map_or((0, 0), |i| (i.queues.len(), i.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezek::queue::snapshot::{encode, Header};
    use kezek::queue::{ApplicationNumber, Class, Entry, State};

    fn queue(version: i64, entries: u64) -> Arc<CachedQueue> {
        let list: Vec<Entry> = (1..=entries)
            .map(|n| Entry { number: ApplicationNumber::new(n).unwrap(), submitted_at: 1_700_000_000 + n as i64, class: Class::General, state: State::Queued })
            .collect();
        let bytes = encode(&Header { key: None, published_at: 0, log_size: 0 }, &list).unwrap();
        Arc::new(CachedQueue { version, snapshot: Snapshot::decode(&bytes).unwrap(), published: None })
    }

    #[test]
    fn answers_only_for_the_version_held() {
        let cache = QueueCache::new(DEFAULT_BUDGET);
        cache.put("a", queue(2, 10));
        assert!(cache.get("a", 2).is_some());
        assert!(cache.get("a", 3).is_none(), "a newer version must be read from the database");
        assert!(cache.get("b", 2).is_none());
    }

    #[test]
    fn an_older_version_never_replaces_a_newer_one() {
        let cache = QueueCache::new(DEFAULT_BUDGET);
        cache.put("a", queue(5, 10));
        cache.put("a", queue(4, 10));
        assert!(cache.get("a", 5).is_some());
        assert!(cache.get("a", 4).is_none());
    }

    #[test]
    fn stays_within_its_budget_dropping_the_least_recently_used() {
        let one = queue(1, 1000).bytes();
        let cache = QueueCache::new(one * 3);
        for key in ["a", "b", "c"] {
            cache.put(key, queue(1, 1000));
        }
        cache.get("a", 1);
        cache.put("d", queue(1, 1000));
        let (count, bytes) = cache.usage();
        assert_eq!(count, 3);
        assert!(bytes <= one * 3);
        assert!(cache.get("b", 1).is_none(), "b was the least recently used");
        assert!(cache.get("a", 1).is_some() && cache.get("c", 1).is_some() && cache.get("d", 1).is_some());
    }
}
