//! Queue snapshots and the log entries that commit to them (docs/transparency-log.md, "Snapshot
//! commitment").
//!
//! A snapshot states the log size it reflects, so its bytes change whenever that size does. To
//! keep both the log and the ETag stable, a queue's snapshot is recorded in the log only when
//! its *entries* change: `published_snapshots` keeps, per queue, the hash of the entries last
//! recorded and the log size stated then. A request whose entries match is answered with that
//! same snapshot (same bytes, same ETag, no write). The first request after the queue changed
//! takes the log lock, re-reads the entries under it, encodes them with the current tree size
//! and appends `snapshot_published` in the same transaction. So the log grows by at most one
//! entry per queue change (however many requests come), only for queues that have
//! applications, and the entries shown are exactly those at that log size.

use super::{log, Store};
use crate::error::ApiError;
use crate::publish::{encode_snapshot, EncodedSnapshot};
use crate::secrets::sha256_hex;
use chrono::{DateTime, Utc};
use kezek::queue::QueueKey;
use kezek::tlog::snapshot_event;

impl Store {
    /// The published snapshot of `queue` at `now`, recorded in the log if it is new.
    pub async fn published_snapshot(&self, queue: &QueueKey, now: DateTime<Utc>) -> Result<EncodedSnapshot, ApiError> {
        let queue_key = queue.to_string();
        let queue_key = queue_key.as_str();
        let entries = self.queue_entries(queue_key).await?;
        let entries_hash = sha256_hex(&encode_snapshot(queue, &entries, 0).body);
        if let Some((recorded, log_size)) = self.recorded_snapshot(&mut *self.db.pool.acquire().await?, queue_key).await? {
            if recorded == entries_hash {
                return Ok(encode_snapshot(queue, &entries, log_size));
            }
        }
        let known: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM applications WHERE queue_key = $1 LIMIT 1").bind(queue_key).fetch_optional(&self.db.pool).await?;
        if known.is_none() {
            // No application was ever in this queue: nothing to commit to, and any path a
            // client invents must not grow the log.
            return Ok(encode_snapshot(queue, &entries, 0));
        }
        let mut tx = self.db.begin_write().await?;
        let size = log::lock(&mut tx).await?;
        let entries = self.queue_entries_on(tx.conn(), queue_key).await?;
        let entries_hash = sha256_hex(&encode_snapshot(queue, &entries, 0).body);
        if let Some((recorded, log_size)) = self.recorded_snapshot(tx.conn(), queue_key).await? {
            if recorded == entries_hash {
                // Another request recorded this very snapshot while we waited for the lock.
                tx.rollback().await;
                return Ok(encode_snapshot(queue, &entries, log_size));
            }
        }
        let snapshot = encode_snapshot(queue, &entries, size);
        let index = log::append(&mut tx, &snapshot_event(now, queue_key, &snapshot.body, size), now).await?;
        let (size_i, index_i) = (i64::try_from(size).map_err(|_| ApiError::Internal)?, i64::try_from(index).map_err(|_| ApiError::Internal)?);
        sqlx::query(
            "INSERT INTO published_snapshots (queue_key, entries_hash, log_size, log_index) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (queue_key) DO UPDATE SET entries_hash = excluded.entries_hash, log_size = excluded.log_size, log_index = excluded.log_index",
        )
        .bind(queue_key)
        .bind(&entries_hash)
        .bind(size_i)
        .bind(index_i)
        .execute(tx.conn())
        .await?;
        tx.commit().await?;
        tracing::info!(queue = %queue_key, log_size = size, index, "snapshot recorded in the log");
        Ok(snapshot)
    }

    async fn recorded_snapshot(&self, conn: &mut sqlx::AnyConnection, queue_key: &str) -> Result<Option<(String, u64)>, ApiError> {
        let row: Option<(String, i64)> = sqlx::query_as("SELECT entries_hash, log_size FROM published_snapshots WHERE queue_key = $1")
            .bind(queue_key)
            .fetch_optional(conn)
            .await?;
        row.map(|(hash, size)| Ok((hash, u64::try_from(size).map_err(|_| ApiError::Internal)?))).transpose()
    }
}
