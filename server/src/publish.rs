//! The published queue snapshot (rule 24.8: application information on a public resource), in
//! the core's binary format (`docs/snapshot-format.md`), which the browser decodes itself.

use kezek::calendar::parse_instant;
use kezek::queue::snapshot::{self, Header};
use kezek::queue::{ApplicationNumber, Class, Entry, QueueKey, State};
use serde::Serialize;

/// One line of a published queue: only pseudonymous data, never a name or an IIN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedEntry {
    pub number: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    pub class: String,
    pub state: String,
}

/// An encoded snapshot and its media type.
pub struct EncodedSnapshot {
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Encodes the entries of `queue_key`, in queue order, stating that they reflect the first
/// `log_size` entries of the public log. The body depends only on its arguments, so its hash is
/// a stable ETag.
pub fn encode_snapshot(queue_key: &str, entries: &[PublishedEntry], log_size: u64) -> EncodedSnapshot {
    let core: Vec<Entry> = entries.iter().filter_map(core_entry).collect();
    // The publication instant is the newest submission, not "now": the same entries give the
    // same bytes, so the ETag only changes when the queue does.
    let published_at = core.iter().map(|e| e.submitted_at).max().unwrap_or(0);
    let header = Header { key: QueueKey::parse(queue_key).ok(), published_at, log_size };
    // Numbers are unique per queue (a primary key) and instants are in range, so encoding
    // cannot fail; an empty body would make the browser say "truncated", never a wrong place.
    let body = snapshot::encode(&header, &core).unwrap_or_default();
    EncodedSnapshot { content_type: "application/octet-stream", body }
}

fn core_entry(e: &PublishedEntry) -> Option<Entry> {
    Some(Entry {
        number: ApplicationNumber::parse(&e.number).ok()?,
        submitted_at: parse_instant(&e.submitted_at).ok()?.timestamp(),
        class: Class::ALL.into_iter().find(|c| c.code() == e.class)?,
        state: State::ALL.into_iter().find(|s| s.code() == e.state)?,
    })
}
