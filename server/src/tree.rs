//! The Merkle tree of the public log, in memory, and the provider's checkpoint signer.
//!
//! The tree is a cache of the persisted leaf hashes (`log_entries.leaf_hash`). Instead of being
//! pushed to by writers after each commit, it catches up on read: before answering, it loads the
//! leaf hashes of the entries committed since it last looked. That costs one indexed query per
//! request (nothing to read most of the time), never shows an uncommitted entry, needs no hook
//! in every write path (a rolled-back claim simply never appears), and stays right when several
//! server processes share one database. Appenders are serialised (see `store/log.rs`), so
//! entries commit in index order and a reader never sees a gap; a gap is refused anyway.
//!
//! Memory: `Log` keeps every complete subtree hash, about 64 bytes per entry (640 MB for ten
//! million entries, hence one log per region); recomputing the root per request instead would
//! read every leaf hash from the database each time.

use crate::db::Db;
use crate::error::ApiError;
use kezek::tlog::{Checkpoint, Hash, Log, NoteSigner};
use tokio::sync::{Mutex, MutexGuard};

/// The default log origin (`--log-origin`, `KEZEK_LOG_ORIGIN`): `kezek.egov.kz/<region>/log`.
pub const DEFAULT_ORIGIN: &str = "kezek.egov.kz/demo/log";

/// Leaf hashes loaded per query while catching up (bounds one query's memory).
const CATCH_UP_BATCH: i64 = 10_000;

/// The log's tree and its signer. The signer's key name is the origin: the verifier requires
/// the two to be equal.
pub struct LogTree {
    origin: String,
    signer: NoteSigner,
    tree: Mutex<Log>,
}

impl LogTree {
    /// A tree for origin `origin` signed with the Ed25519 seed `seed`.
    pub fn new(origin: &str, seed: &[u8; 32]) -> Result<LogTree, String> {
        let signer = NoteSigner::new(origin, seed).map_err(|e| format!("log origin {origin}: {e}"))?;
        Ok(LogTree { origin: origin.to_string(), signer, tree: Mutex::new(Log::new()) })
    }

    /// The origin (the key name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier key to pin in the page.
    pub fn vkey(&self) -> String {
        self.signer.vkey()
    }

    /// The tree with every committed entry, locked for the caller.
    pub async fn current(&self, db: &Db) -> Result<MutexGuard<'_, Log>, ApiError> {
        let mut tree = self.tree.lock().await;
        loop {
            let from = i64::try_from(tree.size()).map_err(|_| ApiError::Internal)?;
            let rows: Vec<(i64, String)> =
                sqlx::query_as("SELECT log_index, leaf_hash FROM log_entries WHERE log_index >= $1 ORDER BY log_index LIMIT $2")
                    .bind(from)
                    .bind(CATCH_UP_BATCH)
                    .fetch_all(&db.pool)
                    .await?;
            let loaded = rows.len() as i64;
            for (index, hash) in rows {
                if u64::try_from(index).ok() != Some(tree.size()) {
                    tracing::error!(index, expected = tree.size(), "gap in log_entries");
                    return Err(ApiError::Internal);
                }
                tree.push_leaf_hash(parse_hash(&hash)?);
            }
            if loaded < CATCH_UP_BATCH {
                break;
            }
        }
        // A log must never sign two checkpoints that are not consistent with each other: if the
        // database now holds fewer entries than this process has seen (a restore, a rewrite),
        // refuse to answer rather than sign a smaller tree.
        let (head,): (i64,) = sqlx::query_as("SELECT size FROM log_head WHERE id = 1").fetch_one(&db.pool).await?;
        if u64::try_from(head).ok() < Some(tree.size()) {
            tracing::error!(head, seen = tree.size(), "the log in the database is shorter than the log already served");
            return Err(ApiError::Internal);
        }
        Ok(tree)
    }

    /// The signed checkpoint (C2SP signed note) of the first `size` entries of `tree`.
    pub fn checkpoint(&self, tree: &Log, size: u64) -> Result<String, ApiError> {
        let root = tree.root(size).map_err(|_| ApiError::invalid("size", "log.range", "A size beyond the log"))?;
        let checkpoint = Checkpoint::new(&self.origin, size, root);
        self.signer.sign_checkpoint(&checkpoint).map_err(|_| ApiError::Internal)
    }
}

/// A leaf hash stored as hex.
pub fn parse_hash(text: &str) -> Result<Hash, ApiError> {
    hex::decode(text).ok().and_then(|b| b.try_into().ok()).ok_or(ApiError::Internal)
}
