//! The published queue snapshot (rule 24.8: application information on a public resource).
//!
//! The snapshot's wire format belongs to the core's `kezek::queue` module, which is merged
//! later; [`encode_snapshot`] is the one place that will call its encoder. Until then the body
//! is JSON with the same fields (number, submission instant, class, state), served as
//! `application/json`, and the browser side keeps reading JSON until the two merge.

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

/// Encodes the entries of `queue_key`, in queue order. The body depends only on the entries, so
/// its hash is a stable ETag.
pub fn encode_snapshot(queue_key: &str, entries: &[PublishedEntry]) -> EncodedSnapshot {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Snapshot<'a> {
        queue: &'a str,
        entries: &'a [PublishedEntry],
    }
    let body = serde_json::to_vec(&Snapshot { queue: queue_key, entries }).unwrap_or_default();
    EncodedSnapshot { content_type: "application/json", body }
}
