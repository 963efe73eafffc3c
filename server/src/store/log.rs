//! Appending to the public log (rule 24.7) inside the transaction of the change recorded.
//!
//! Exactly once: every append sits in the same transaction as, and right after, the statement
//! that actually changed a row (an INSERT that inserted, an UPDATE whose row count or RETURNING
//! says it changed something). A retry or idempotent replay changes no row, so appends nothing;
//! a rolled-back transaction or claim savepoint takes its entry with it.
//!
//! Dense order: a transaction locks the one-row `log_head` first ([`lock`]), appends at the
//! size it read, counting its own appends, and writes them and the new size once at commit. On SQLite
//! `BEGIN IMMEDIATE` already makes writers take turns; on PostgreSQL the row lock on `log_head` is held to commit, so appenders take turns
//! and commit in index order. Transactions that append call [`lock`] before touching any other
//! row, so on PostgreSQL every appender takes its locks in the same order (log head first) and
//! two appenders can never deadlock.

use crate::db::{LogCursor, WriteTx};
use crate::error::ApiError;
use crate::wire::{from_ms, to_ms};
use chrono::{DateTime, Utc};
use kezek::tlog::{base64, leaf_hash, Event};

/// Takes the log's append lock (PostgreSQL: the `log_head` row lock until commit) and returns
/// the current tree size as this transaction sees it (counting its own appends so far).
pub async fn lock(tx: &mut WriteTx) -> Result<u64, ApiError> {
    if let Some(cursor) = tx.log {
        return Ok(cursor.next);
    }
    let (size,): (i64,) = sqlx::query_as("UPDATE log_head SET size = size WHERE id = 1 RETURNING size").fetch_one(tx.conn()).await?;
    let size = u64::try_from(size).map_err(|_| ApiError::Internal)?;
    tx.log = Some(LogCursor { locked_at: size, next: size });
    Ok(size)
}

/// Writes the size a transaction's appends reached, once, just before it commits
/// (`WriteTx::commit`): a batch of appends costs one `log_head` write, not one each.
pub(crate) const SET_SIZE: &str = "UPDATE log_head SET size = $1 WHERE id = 1";

/// Appends `event` and returns its index. Call only right after the change it records.
///
/// The row itself waits in the transaction (`WriteTx::log_rows`) and is written with the
/// transaction's other appends in one statement by [`flush`], at the latest just before the
/// commit (`WriteTx::commit`): a batch of claims appends dozens of entries. So a statement that
/// reads `log_entries` in a transaction that may have appended must [`flush`] first.
pub async fn append(tx: &mut WriteTx, event: &Event, now: DateTime<Utc>) -> Result<u64, ApiError> {
    // An event the encoder refuses (a malformed identifier, an IIN-shaped number) must not be
    // silently skipped: the change it records is refused with it.
    // Entries carry whole milliseconds, like every instant in the database.
    let event = Event { at: from_ms(to_ms(event.at)), ..event.clone() };
    let entry = event.encode().map_err(|error| {
        tracing::error!(error = %error, kind = event.body.name(), "log entry refused by the encoder");
        ApiError::Internal
    })?;
    let index = lock(tx).await?;
    tx.log_rows.push(NewEntry {
        index: i64::try_from(index).map_err(|_| ApiError::Internal)?,
        entry: base64::encode(&entry),
        leaf_hash: hex::encode(leaf_hash(&entry)),
        kind: event.body.name(),
        queue: event.queue.clone(),
        application: event.body.application().map(str::to_owned),
        created_at: to_ms(now),
    });
    if let Some(cursor) = tx.log.as_mut() {
        cursor.next = index + 1;
    }
    Ok(index)
}

/// A log row appended by a transaction, not written yet ([`append`]).
pub(crate) struct NewEntry {
    index: i64,
    entry: String,
    leaf_hash: String,
    kind: &'static str,
    queue: String,
    application: Option<String>,
    created_at: i64,
}

/// Rows per INSERT at most (7 values each: far below either database's limit on parameters).
const ROWS_PER_STATEMENT: usize = 1000;

/// Writes the rows `append` buffered in `rows` (and empties it), in index order.
pub(crate) async fn flush(conn: &mut sqlx::AnyConnection, rows: &mut Vec<NewEntry>) -> Result<(), sqlx::Error> {
    let rows = std::mem::take(rows);
    for rows in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..rows.len())
            .map(|r| {
                let p = |c: usize| format!("${}", r * 7 + c);
                format!("({}, {}, {}, {}, {}, {}, {})", p(1), p(2), p(3), p(4), p(5), p(6), p(7))
            })
            .collect();
        let sql = format!(
            "INSERT INTO log_entries (log_index, entry, leaf_hash, kind, queue_key, application_number, created_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for row in rows {
            query = query.bind(row.index).bind(&row.entry).bind(&row.leaf_hash).bind(row.kind).bind(&row.queue).bind(&row.application).bind(row.created_at);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// One stored entry: its index and bytes.
#[derive(Clone, Debug)]
pub struct StoredEntry {
    pub index: u64,
    pub entry: Vec<u8>,
}

fn stored(row: (i64, String)) -> Result<StoredEntry, ApiError> {
    let index = u64::try_from(row.0).map_err(|_| ApiError::Internal)?;
    let entry = base64::decode(&row.1).ok_or(ApiError::Internal)?;
    Ok(StoredEntry { index, entry })
}

/// Entry `index`, if committed.
pub async fn entry(pool: &sqlx::AnyPool, index: u64) -> Result<Option<StoredEntry>, ApiError> {
    let Ok(index) = i64::try_from(index) else { return Ok(None) };
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT log_index, entry FROM log_entries WHERE log_index = $1").bind(index).fetch_optional(pool).await?;
    row.map(stored).transpose()
}

/// The `application_accepted` entry of application `number`.
pub async fn accepted_entry(pool: &sqlx::AnyPool, number: &str) -> Result<Option<StoredEntry>, ApiError> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT log_index, entry FROM log_entries WHERE application_number = $1 AND kind = 'application_accepted' \
         ORDER BY log_index LIMIT 1",
    )
    .bind(number)
    .fetch_optional(pool)
    .await?;
    row.map(stored).transpose()
}

/// The latest `snapshot_published` entry of `queue_key` among the first `size` entries.
pub async fn latest_snapshot_entry(pool: &sqlx::AnyPool, queue_key: &str, size: u64) -> Result<Option<StoredEntry>, ApiError> {
    let size = i64::try_from(size).map_err(|_| ApiError::Internal)?;
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT log_index, entry FROM log_entries WHERE queue_key = $1 AND kind = 'snapshot_published' AND log_index < $2 \
         ORDER BY log_index DESC LIMIT 1",
    )
    .bind(queue_key)
    .bind(size)
    .fetch_optional(pool)
    .await?;
    row.map(stored).transpose()
}

/// Every entry naming application `number`, in log order.
pub async fn application_entries(pool: &sqlx::AnyPool, number: &str) -> Result<Vec<StoredEntry>, ApiError> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT log_index, entry FROM log_entries WHERE application_number = $1 ORDER BY log_index")
        .bind(number)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(stored).collect()
}
