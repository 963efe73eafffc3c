//! Queue snapshots, the log entries that commit to them (docs/transparency-log.md, "Snapshot
//! commitment"), and the queue numbers read from them.
//!
//! A snapshot states the log size it reflects, so its bytes change whenever that size does. To
//! keep both the log and the ETag stable, a queue's snapshot is recorded in the log only when
//! its *entries* change: `published_snapshots` keeps, per queue, the hash of the entries last
//! recorded, the log size stated then and the queue version they are. A request at that
//! version is answered with that same snapshot (same bytes, same ETag, no write), from memory
//! ([`super::queue_cache`]) after the first. The first request after the queue changed takes
//! the log lock, re-reads the entries under it, encodes them with the current tree size and
//! appends `snapshot_published` in the same transaction. So the log grows by at most one entry
//! per queue change (however many requests come), only for queues that have applications, and
//! the entries shown are exactly those at that log size.

use super::aliases;
use super::queue_cache::{CachedQueue, Published};
use super::{log, Store};
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::publish::encode_snapshot;
use crate::secrets::sha256_hex;
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use kezek::queue::snapshot::Snapshot;
use kezek::queue::{ApplicationNumber, Entry, Position, QueueKey};
use kezek::tlog::snapshot_event;
use std::sync::Arc;

/// How often a reader retries when the queue changes while it reads the entries.
const CONSISTENT_READ_ATTEMPTS: usize = 3;

/// What the database says about a queue before its entries are read.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Head {
    /// `None`: no application was ever in the queue.
    version: Option<i64>,
    recorded_version: Option<i64>,
    log_size: Option<i64>,
}

impl Store {
    /// The published snapshot of `queue` at `now`, recorded in the log if it is new.
    pub async fn published_snapshot(&self, queue: &QueueKey, now: DateTime<Utc>) -> Result<Published, ApiError> {
        let key = queue.to_string();
        let public = self.public_key(queue).await?;
        match self.current_queue(&public, &key).await? {
            Some(held) => match &held.published {
                Some(published) => Ok(published.clone()),
                None => self.record_snapshot(&public, &key, now).await,
            },
            // No application was ever in this queue: nothing to commit to, and any path a
            // client invents must not grow the log.
            None => Ok(published(&public, &[], 0)),
        }
    }

    /// The queue whose public form is `public`, if one is published so (a key that names a
    /// child's health never is: see [`aliases::queue_of`]).
    pub async fn queue_published_as(&self, public: &QueueKey) -> Result<Option<QueueKey>, ApiError> {
        aliases::queue_of(&mut *self.db.pool.acquire().await?, public).await
    }

    /// The public form of `queue` ([`aliases::public_key`]): what its snapshot and log entries
    /// name it by.
    pub async fn public_key(&self, queue: &QueueKey) -> Result<QueueKey, ApiError> {
        if !queue.names_health() {
            return Ok(queue.clone());
        }
        aliases::public_key(&mut *self.db.pool.acquire().await?, queue).await
    }

    /// The queue number of `number` in `queue` now (rule 25: only live applications take one),
    /// by the core's [`Snapshot::position`], as the browser reads it from the published
    /// snapshot.
    pub async fn queue_position(&self, queue: &QueueKey, number: ApplicationNumber) -> Result<Option<Position>, ApiError> {
        let key = queue.to_string();
        match self.current_queue(&self.public_key(queue).await?, &key).await? {
            Some(held) => held.snapshot.position(number).map_err(|_| ApiError::Internal),
            None => Ok(None),
        }
    }

    /// The queue stored as `key` at its current version, from memory or read consistently from
    /// the database, its snapshot naming it `queue` (its public form); `None` when no
    /// application was ever in it.
    async fn current_queue(&self, queue: &QueueKey, key: &str) -> Result<Option<Arc<CachedQueue>>, ApiError> {
        for _ in 0..CONSISTENT_READ_ATTEMPTS {
            let head = self.queue_head(key).await?;
            let Some(version) = head.version else { return Ok(None) };
            if let Some(held) = self.reads.get(key, version) {
                if held.published.is_some() || head.recorded_version != Some(version) {
                    return Ok(Some(held));
                }
            }
            let entries = self.queue_entries(key).await?;
            // Versions are bumped in the transaction that changes the entries: the same version
            // after the read means the entries read are that version's.
            if self.queue_head(key).await?.version != Some(version) {
                continue;
            }
            let recorded = head.recorded_version == Some(version);
            let log_size = if recorded { u64::try_from(head.log_size.unwrap_or(0)).map_err(|_| ApiError::Internal)? } else { 0 };
            return Ok(Some(self.hold(queue, key, version, &entries, recorded.then_some(log_size))?));
        }
        // The queue kept changing under us: read it under the log lock, where it cannot.
        let mut tx = self.db.begin_write().await?;
        log::lock(&mut tx).await?;
        let head = queue_head_on(tx.conn(), key).await?;
        let entries = self.queue_entries_on(tx.conn(), key).await?;
        tx.rollback().await;
        let Some(version) = head.version else { return Ok(None) };
        Ok(Some(self.hold(queue, key, version, &entries, None)?))
    }

    /// Decodes `entries` into a [`CachedQueue`] at `version` (published at `log_size`, if
    /// given) and keeps it.
    fn hold(&self, queue: &QueueKey, key: &str, version: i64, entries: &[Entry], log_size: Option<u64>) -> Result<Arc<CachedQueue>, ApiError> {
        let published = log_size.map(|size| published(queue, entries, size));
        let bytes = match &published {
            Some(p) => p.body.clone(),
            None => Bytes::from(encode_snapshot(queue, entries, 0).body),
        };
        let snapshot = Snapshot::decode_with(&bytes, self.policy.order).map_err(|_| ApiError::Internal)?;
        let held = Arc::new(CachedQueue { version, snapshot, published });
        self.reads.put(key, held.clone());
        Ok(held)
    }

    /// Records `queue`'s snapshot in the log (if its entries changed since the last record)
    /// and marks it as its current version's.
    async fn record_snapshot(&self, queue: &QueueKey, key: &str, now: DateTime<Utc>) -> Result<Published, ApiError> {
        let mut tx = self.db.begin_write().await?;
        let size = log::lock(&mut tx).await?;
        // Every change takes the log lock first, so the version and entries hold still now.
        let head = queue_head_on(tx.conn(), key).await?;
        let version = head.version.ok_or(ApiError::Internal)?;
        let entries = self.queue_entries_on(tx.conn(), key).await?;
        let entries_hash = sha256_hex(&encode_snapshot(queue, &entries, 0).body);
        let recorded: Option<(String, i64)> = sqlx::query_as("SELECT entries_hash, log_size FROM published_snapshots WHERE queue_key = $1")
            .bind(key)
            .fetch_optional(tx.conn())
            .await?;
        let log_size = match recorded {
            // Another request recorded these very entries (or the change left them as they
            // were): the same snapshot, now known to be this version's.
            Some((hash, log_size)) if hash == entries_hash => {
                sqlx::query("UPDATE published_snapshots SET version = $1 WHERE queue_key = $2").bind(version).bind(key).execute(tx.conn()).await?;
                u64::try_from(log_size).map_err(|_| ApiError::Internal)?
            }
            _ => {
                let snapshot = encode_snapshot(queue, &entries, size);
                let index = log::append(&mut tx, &snapshot_event(now, &queue.to_string(), &snapshot.body, size), now).await?;
                let (size_i, index_i) = (i64::try_from(size).map_err(|_| ApiError::Internal)?, i64::try_from(index).map_err(|_| ApiError::Internal)?);
                sqlx::query(
                    "INSERT INTO published_snapshots (queue_key, entries_hash, log_size, log_index, version) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (queue_key) DO UPDATE SET entries_hash = excluded.entries_hash, log_size = excluded.log_size, \
                     log_index = excluded.log_index, version = excluded.version",
                )
                .bind(key)
                .bind(&entries_hash)
                .bind(size_i)
                .bind(index_i)
                .bind(version)
                .execute(tx.conn())
                .await?;
                tracing::info!(queue = %key, log_size = size, index, "snapshot recorded in the log");
                size
            }
        };
        tx.commit().await?;
        let held = self.hold(queue, key, version, &entries, Some(log_size))?;
        held.published.clone().ok_or(ApiError::Internal)
    }

    async fn queue_head(&self, key: &str) -> Result<Head, ApiError> {
        queue_head_on(&mut *self.db.pool.acquire().await?, key).await
    }
}

/// Marks `queue_key`'s entries as changed, inside the transaction that changes them (once per
/// transaction: readers only ever see it committed).
pub(crate) async fn bump_queue_version(tx: &mut WriteTx, queue_key: &str) -> Result<(), ApiError> {
    if tx.bumped.contains(queue_key) {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO queue_versions (queue_key, version) VALUES ($1, 1) \
         ON CONFLICT (queue_key) DO UPDATE SET version = queue_versions.version + 1",
    )
    .bind(queue_key)
    .execute(tx.conn())
    .await?;
    tx.bumped.insert(queue_key.to_owned());
    Ok(())
}

async fn queue_head_on(conn: &mut sqlx::AnyConnection, key: &str) -> Result<Head, ApiError> {
    let (version, recorded_version, log_size): (Option<i64>, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT (SELECT version FROM queue_versions WHERE queue_key = $1), \
         (SELECT version FROM published_snapshots WHERE queue_key = $1), \
         (SELECT log_size FROM published_snapshots WHERE queue_key = $1)",
    )
    .bind(key)
    .fetch_one(conn)
    .await?;
    Ok(Head { version, recorded_version, log_size })
}

/// `entries` as published at `log_size`, with their ETag.
fn published(queue: &QueueKey, entries: &[Entry], log_size: u64) -> Published {
    let body = encode_snapshot(queue, entries, log_size).body;
    let etag = format!("\"{}\"", &sha256_hex(&body)[..32]);
    Published { body: Bytes::from(body), etag, log_size }
}
