//! The browser's whole check of the public register in one call: the signed checkpoint, the
//! consistency with the checkpoint this browser saw before, the inclusion of the citizen's
//! own event and, optionally, that the snapshot shown is the one the log commits to.

use super::checkpoint::{Checkpoint, Ed25519, Verifier};
use super::event::{Event, EventBody};
use super::hash::{leaf_hash, sha256, Hash};
use super::proof::{verify_consistency, verify_inclusion};
use super::TlogError;

/// What the page received from the backend, plus what the browser kept.
#[derive(Clone, Debug, Default)]
pub struct RegisterEvidence<'a> {
    /// The new signed checkpoint (a signed note).
    pub checkpoint: &'a str,
    /// The last checkpoint this browser verified (kept by the page), if any.
    pub previous: Option<&'a str>,
    /// The consistency proof from `previous` to `checkpoint`.
    pub consistency_proof: &'a [Hash],
    /// The citizen's own event (entry bytes), its index and its inclusion proof.
    pub entry: &'a [u8],
    pub entry_index: u64,
    pub inclusion_proof: &'a [Hash],
    /// The application number the page expects the event to name, if it knows it.
    pub application: Option<&'a str>,
    pub snapshot: Option<SnapshotEvidence<'a>>,
    /// The application's later entries, in log order, each with its inclusion proof: what
    /// the browser replays into the status ([`super::lifecycle::replay`]).
    pub history: &'a [HistoryEvidence<'a>],
}

/// One later entry of the citizen's application and its inclusion proof.
#[derive(Clone, Debug, Default)]
pub struct HistoryEvidence<'a> {
    pub entry: &'a [u8],
    pub entry_index: u64,
    pub inclusion_proof: &'a [Hash],
}

/// A snapshot and the `snapshot_published` entry that commits to it.
#[derive(Clone, Debug, Default)]
pub struct SnapshotEvidence<'a> {
    /// The snapshot document exactly as received.
    pub bytes: &'a [u8],
    pub entry: &'a [u8],
    pub entry_index: u64,
    pub inclusion_proof: &'a [Hash],
    /// The log size the snapshot says it reflects, when the page read it from the snapshot.
    pub log_size: Option<u64>,
}

/// The outcome a person is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything checked: the event (and snapshot) are in the signed log, which extends the
    /// log this browser saw before.
    Confirmed,
    /// The signed log does not extend the one this browser saw before: smaller, a different
    /// root at the same size, or no valid consistency proof. Do not show a position.
    Rewritten,
    /// Something received is not what the signed log says (or is malformed, or unsigned).
    Invalid,
}

/// The result of [`verify_register`].
#[derive(Clone, Debug)]
pub struct RegisterReport {
    pub verdict: Verdict,
    /// The new checkpoint, when its signature verified.
    pub checkpoint: Option<Checkpoint>,
    /// The citizen's event, when it was read.
    pub event: Option<Event>,
    /// The `snapshot_published` event, when a snapshot was checked.
    pub snapshot_event: Option<Event>,
    /// The citizen's event and its later entries, in log order, when all verified.
    pub history: Vec<Event>,
    /// Why the verdict is not `Confirmed`.
    pub problem: Option<TlogError>,
}

/// [`verify_register_with`] with ed25519-dalek ([`super::checkpoint::Dalek`]).
pub fn verify_register(verifier: &Verifier, evidence: &RegisterEvidence) -> RegisterReport {
    verify_register_with(verifier, evidence, &super::checkpoint::Dalek)
}

/// Runs every check, with `ed25519` as the signature primitive; never panics, and never
/// confirms unless all checks pass.
pub fn verify_register_with(verifier: &Verifier, evidence: &RegisterEvidence, ed25519: &dyn Ed25519) -> RegisterReport {
    let mut report = RegisterReport { verdict: Verdict::Invalid, checkpoint: None, event: None, snapshot_event: None, history: Vec::new(), problem: None };
    match check(verifier, evidence, ed25519, &mut report) {
        Ok(()) => report.verdict = Verdict::Confirmed,
        Err(problem) => {
            report.verdict = match problem {
                TlogError::Truncated(_) | TlogError::Inconsistent(_) => Verdict::Rewritten,
                _ => Verdict::Invalid,
            };
            report.problem = Some(problem);
        }
    }
    report
}

fn check(verifier: &Verifier, e: &RegisterEvidence, ed25519: &dyn Ed25519, report: &mut RegisterReport) -> Result<(), TlogError> {
    let cp = verifier.verify_checkpoint_with(e.checkpoint, ed25519)?;
    // One key per log: the key's name is the log's origin (docs/transparency-log.md), so a
    // checkpoint of another log signed with the same key material is not taken for this one.
    if cp.origin != verifier.name() {
        return Err(TlogError::Format(format!("the checkpoint is of {}, not of {}", cp.origin, verifier.name())));
    }
    report.checkpoint = Some(cp.clone());

    if let Some(previous) = e.previous {
        let old = verifier
            .verify_checkpoint_with(previous, ed25519)
            .map_err(|err| TlogError::Previous(format!("the checkpoint kept from before: {}", err.detail())))?;
        if old.origin != cp.origin {
            return Err(TlogError::Previous(format!("the checkpoint kept from before is of another log ({})", old.origin)));
        }
        verify_consistency(old.size, cp.size, &old.root_hash, &cp.root_hash, e.consistency_proof)?;
    }

    let event = Event::decode(e.entry)?;
    if let (Some(expected), Some(found)) = (e.application, event.body.application()) {
        if expected != found {
            return Err(TlogError::Application(format!("the event names application {found}, not {expected}")));
        }
    } else if e.application.is_some() {
        return Err(TlogError::Application("the event names no application".to_owned()));
    }
    report.event = Some(event.clone());
    verify_inclusion(&leaf_hash(e.entry), e.entry_index, cp.size, e.inclusion_proof, &cp.root_hash)?;

    let mut history = vec![event];
    let mut last_index = e.entry_index;
    for h in e.history {
        let later = Event::decode(h.entry)?;
        if later.body.application() != history[0].body.application() {
            return Err(TlogError::Application(format!("entry {} is not about the same application", h.entry_index)));
        }
        if h.entry_index <= last_index {
            return Err(TlogError::Format("the application's entries come in log order, each once".to_owned()));
        }
        verify_inclusion(&leaf_hash(h.entry), h.entry_index, cp.size, h.inclusion_proof, &cp.root_hash)?;
        last_index = h.entry_index;
        history.push(later);
    }

    if let Some(s) = &e.snapshot {
        let event = Event::decode(s.entry)?;
        let EventBody::SnapshotPublished { digest, log_size } = event.body else {
            return Err(TlogError::Snapshot(format!("entry {} is a {} event, not snapshot_published", s.entry_index, event.body.name())));
        };
        report.snapshot_event = Some(event.clone());
        verify_inclusion(&leaf_hash(s.entry), s.entry_index, cp.size, s.inclusion_proof, &cp.root_hash)?;
        if sha256(s.bytes) != digest {
            return Err(TlogError::Snapshot("the snapshot shown is not the one the log commits to".to_owned()));
        }
        if log_size > s.entry_index {
            return Err(TlogError::Snapshot(format!(
                "a snapshot logged at {} cannot reflect {log_size} entries",
                s.entry_index
            )));
        }
        if let Some(stated) = s.log_size {
            if stated != log_size {
                return Err(TlogError::Snapshot(format!("the snapshot says it reflects {stated} entries, the log says {log_size}")));
            }
        }
    }
    report.history = history;
    Ok(())
}
