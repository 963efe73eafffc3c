//! The tamper-evident register (Rules, item 24.7): an append-only log of queue events hashed as
//! an RFC 6962 Merkle tree, with checkpoints signed per C2SP tlog-checkpoint / signed-note.
//!
//! * [`hash`]: leaf and node hashes, the Merkle tree hash of a list;
//! * [`proof`]: an in-memory [`Log`] producing roots and proofs, and the RFC 9162 verifiers;
//! * [`checkpoint`]: checkpoint bodies, signed notes, verifier keys, and a signer for the
//!   backend;
//! * [`event`]: the log entries and their canonical encoding;
//! * [`register`]: the browser's whole check in one call.
//!
//! No web types here: the JavaScript layer is `crate::wasm::tlog`. See
//! `docs/transparency-log.md` for what the log proves and what it does not.

pub mod base64;
pub mod checkpoint;
pub mod event;
pub mod hash;
pub mod lifecycle;
pub mod proof;
pub mod register;
#[cfg(test)]
mod tests;

pub use checkpoint::{key_id, Answers, Dalek, Checkpoint, Ed25519, Note, NoteSignature, NoteSigner, Questions, SignatureQuestion, Verifier};
pub use event::{snapshot_event, Commitment, Event, EventBody, EVENT_VERSION};
pub use hash::{leaf_hash, mth, node_hash, sha256, Hash, EMPTY_ROOT};
pub use proof::{root_from_inclusion_proof, verify_consistency, verify_inclusion, Log, MAX_PROOF_LEN};
pub use register::{verify_register, verify_register_with, HistoryEvidence, RegisterEvidence, RegisterReport, SnapshotEvidence, Verdict};

use std::fmt;

/// Why a log check failed. [`TlogError::code`] is the stable code thrown to JavaScript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlogError {
    /// `tlog.format`: a note, checkpoint, entry, hash or base64 text is malformed.
    Format(String),
    /// `tlog.key`: the verifier key is malformed (a mistake in the page, not the server).
    Key(String),
    /// `tlog.signature`: the note carries no valid signature by the pinned key.
    Signature(String),
    /// `tlog.proof`: an inclusion proof does not lead to the signed root.
    Proof(String),
    /// `tlog.consistency`: the new tree is not shown to extend the old one (a fork).
    Inconsistent(String),
    /// `tlog.truncated`: the log is smaller than one seen before.
    Truncated(String),
    /// `tlog.previous`: the checkpoint kept from before does not verify or is of another log.
    Previous(String),
    /// `tlog.application`: the event is not about the expected application.
    Application(String),
    /// `tlog.snapshot`: the snapshot is not the one the log commits to.
    Snapshot(String),
    /// `tlog.range`: a size or index beyond the log (proof generation).
    Range(String),
}

impl TlogError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            TlogError::Format(_) => "tlog.format",
            TlogError::Key(_) => "tlog.key",
            TlogError::Signature(_) => "tlog.signature",
            TlogError::Proof(_) => "tlog.proof",
            TlogError::Inconsistent(_) => "tlog.consistency",
            TlogError::Truncated(_) => "tlog.truncated",
            TlogError::Previous(_) => "tlog.previous",
            TlogError::Application(_) => "tlog.application",
            TlogError::Snapshot(_) => "tlog.snapshot",
            TlogError::Range(_) => "tlog.range",
        }
    }

    /// What exactly was wrong, in English, for developers.
    pub fn detail(&self) -> &str {
        match self {
            TlogError::Format(d)
            | TlogError::Key(d)
            | TlogError::Signature(d)
            | TlogError::Proof(d)
            | TlogError::Inconsistent(d)
            | TlogError::Truncated(d)
            | TlogError::Previous(d)
            | TlogError::Application(d)
            | TlogError::Snapshot(d)
            | TlogError::Range(d) => d,
        }
    }
}

impl fmt::Display for TlogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for TlogError {}
