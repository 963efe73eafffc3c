//! Register evidence: `GET /api/applications/{number}/register`, what the browser's
//! `verifyRegister` checks (`docs/transparency-log.md`). Hashes and entries are base64.

use serde::Serialize;
use tsify::Tsify;

/// The signed checkpoint, the application's `application_accepted` entry with its inclusion
/// proof, a consistency proof from the size the page kept, the latest snapshot and the
/// application's later entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RegisterAnswer {
    pub checkpoint: String,
    pub verifier_key: String,
    pub entry: String,
    pub entry_index: u64,
    pub inclusion_proof: Vec<String>,
    /// Only when the request named `from`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub consistency_proof: Option<Vec<String>>,
    pub snapshot: Option<SnapshotProof>,
    /// The application's later entries within `size`, each with its inclusion proof: what
    /// the browser replays into the status (`verifyRegister`'s `history`).
    pub history: Vec<HistoryProof>,
}

/// A later entry of the application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct HistoryProof {
    pub entry: String,
    pub entry_index: u64,
    pub inclusion_proof: Vec<String>,
}

/// The latest `snapshot_published` entry of the application's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotProof {
    pub entry: String,
    pub index: u64,
    pub inclusion_proof: Vec<String>,
    pub log_size: u64,
}
