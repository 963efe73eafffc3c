//! The published queue snapshot (rule 24.8: application information on a public resource), in
//! the core's binary format (`docs/snapshot-format.md`), which the browser decodes itself.

use kezek::queue::snapshot::{self, Header};
use kezek::queue::{Entry, QueueKey};

/// An encoded snapshot and its media type.
pub struct EncodedSnapshot {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Encodes the entries of `queue`, stating that they reflect the first `log_size` entries of
/// the public log. The body depends only on its arguments, so its hash is a stable ETag.
pub fn encode_snapshot(queue: &QueueKey, entries: &[Entry], log_size: u64) -> EncodedSnapshot {
    // The publication instant is the newest submission, not "now": the same entries give the
    // same bytes, so the ETag only changes when the queue does.
    let published_at = entries.iter().map(|e| e.submitted_at).max().unwrap_or(0);
    let header = Header { key: Some(queue.clone()), published_at, log_size };
    // Numbers are unique (a primary key) and instants are in range, so encoding cannot fail;
    // an empty body would make the browser say "truncated", never a wrong place.
    let body = snapshot::encode(&header, entries).unwrap_or_default();
    EncodedSnapshot { content_type: "application/octet-stream", body }
}
