//! The public register (issue 7): `verifyCheckpoint`, `verifyInclusion`, `verifyConsistency`,
//! `decodeEvent` and the one-call `verifyRegister`. Hashes, proofs and entries are standard
//! base64 strings; a proof is an array of them. Nothing here signs, and the Ed25519 equation is
//! WebCrypto's ([`super::webcrypto`]): `verifyCheckpoint` and `verifyRegister` return promises,
//! and reject with `register.unverifiable` where the browser has no Ed25519.

use super::webcrypto::with_answers;
use super::{js_error, lang_arg, string_arg, to_js, with_deadlines};
use crate::calendar::zone;
use crate::i18n::{self, Lang};
use crate::tlog::{
    base64, leaf_hash, verify_consistency as core_consistency, verify_inclusion as core_inclusion, verify_register_with as core_register, Event,
    EventBody, Ed25519, Hash, HistoryEvidence, Questions, RegisterEvidence, RegisterReport, SnapshotEvidence, TlogError, Verdict, Verifier,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

impl From<TlogError> for JsValue {
    fn from(error: TlogError) -> JsValue {
        js_error(error.code(), error.detail())
    }
}

/// A verified checkpoint.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointInfo {
    /// The log's name, e.g. `kezek.egov.kz/almaty/log`.
    origin: String,
    /// The number of entries.
    size: f64,
    /// The root hash, base64.
    root_hash: String,
    /// Extension lines (normally none).
    extensions: Vec<String>,
}

/// The kind of a log event.
#[derive(Serialize, Tsify, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    ApplicationAccepted,
    InterestConfirmed,
    PriorityChanged,
    Withdrawn,
    ReferralIssued,
    ReferralCancelled,
    ReferralExtended,
    ReferralExpired,
    StopListed,
    Archived,
    BulletinPublished,
    SeatWithdrawn,
    SnapshotPublished,
    OriginalsConfirmed,
    Refused,
    WindowOpened,
    NotInterested,
    Changed,
    Admitted,
    AdmissionRefused,
    Restored,
    ReferralBooked,
}

const KINDS: [EventKind; 22] = [
    EventKind::ApplicationAccepted,
    EventKind::InterestConfirmed,
    EventKind::PriorityChanged,
    EventKind::Withdrawn,
    EventKind::ReferralIssued,
    EventKind::ReferralCancelled,
    EventKind::ReferralExtended,
    EventKind::ReferralExpired,
    EventKind::StopListed,
    EventKind::Archived,
    EventKind::BulletinPublished,
    EventKind::SeatWithdrawn,
    EventKind::SnapshotPublished,
    EventKind::OriginalsConfirmed,
    EventKind::Refused,
    EventKind::WindowOpened,
    EventKind::NotInterested,
    EventKind::Changed,
    EventKind::Admitted,
    EventKind::AdmissionRefused,
    EventKind::Restored,
    EventKind::ReferralBooked,
];

/// A log entry, decoded. Instants are Kazakhstan time (`2026-11-23T07:00:00+05:00`);
/// commitments and digests are base64.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LogEvent {
    kind: EventKind,
    at: String,
    queue: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    application: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    referral: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    seat: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    bulletin: Option<String>,
    /// Public reason codes (`seat_withdrawn`, `aged_out`, `unreliable_data`, …) or a window's
    /// round (`priority`, `remaining`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    reasons: Vec<String>,
    /// A salted commitment to sensitive details or to a seat, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    commitment: Option<String>,
    /// SHA-256 of a bulletin or snapshot document, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    digest: Option<String>,
    /// The log size a snapshot reflects.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    log_size: Option<f64>,
    /// The new end of a referral's validity, the last day of a temporary stay, or the day an
    /// early-booking seat becomes free (`referral_booked`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    until: Option<String>,
    /// The application must bring paper originals before it is registered (rule 22).
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    #[tsify(optional)]
    awaiting_originals: bool,
}

fn local(at: &DateTime<Utc>) -> String {
    zone::format_local(*at)
}

fn log_event(e: &Event) -> LogEvent {
    let mut out = LogEvent {
        kind: KINDS[usize::from(e.body.kind()) - 1],
        at: local(&e.at),
        queue: e.queue.clone(),
        application: e.body.application().map(str::to_owned),
        referral: None,
        seat: None,
        bulletin: None,
        reasons: Vec::new(),
        commitment: None,
        digest: None,
        log_size: None,
        until: None,
        awaiting_originals: false,
    };
    match &e.body {
        EventBody::ApplicationAccepted { details, awaiting_originals, .. } => {
            out.commitment = Some(base64::encode(&details.0));
            out.awaiting_originals = *awaiting_originals;
        }
        EventBody::PriorityChanged { details, .. } | EventBody::Changed { details, .. } => out.commitment = Some(base64::encode(&details.0)),
        EventBody::ReferralIssued { referral, seat, .. } => {
            out.referral = Some(referral.clone());
            out.commitment = Some(base64::encode(&seat.0));
        }
        EventBody::ReferralBooked { referral, seat, counts_from, .. } => {
            out.referral = Some(referral.clone());
            out.commitment = Some(base64::encode(&seat.0));
            out.until = Some(crate::calendar::format_date(*counts_from));
        }
        EventBody::ReferralCancelled { referral, reason, .. } | EventBody::AdmissionRefused { referral, reason, .. } => {
            out.referral = Some(referral.clone());
            out.reasons = vec![reason.clone()];
        }
        EventBody::ReferralExtended { referral, until, .. } => {
            out.referral = Some(referral.clone());
            out.until = Some(local(until));
        }
        EventBody::ReferralExpired { referral, .. } => out.referral = Some(referral.clone()),
        EventBody::StopListed { reason, .. } | EventBody::Archived { reason, .. } => out.reasons = vec![reason.clone()],
        EventBody::WindowOpened { round, .. } => out.reasons = vec![round.clone()],
        EventBody::Refused { reasons, .. } => out.reasons = reasons.clone(),
        EventBody::Admitted { referral, temporary_until, .. } => {
            out.referral = Some(referral.clone());
            out.until = temporary_until.map(crate::calendar::format_date);
        }
        EventBody::BulletinPublished { bulletin, digest } => {
            out.bulletin = Some(bulletin.clone());
            out.digest = Some(base64::encode(digest));
        }
        EventBody::SeatWithdrawn { seat, reason } => {
            out.seat = Some(seat.clone());
            out.reasons = vec![reason.clone()];
        }
        EventBody::SnapshotPublished { digest, log_size } => {
            out.digest = Some(base64::encode(digest));
            out.log_size = Some(*log_size as f64);
        }
        EventBody::InterestConfirmed { .. }
        | EventBody::Withdrawn { .. }
        | EventBody::OriginalsConfirmed { .. }
        | EventBody::NotInterested { .. }
        | EventBody::Restored { .. } => {}
    }
    out
}

fn format_error(detail: String) -> TlogError {
    TlogError::Format(detail)
}

fn bytes_arg(text: &str, name: &str) -> Result<Vec<u8>, TlogError> {
    base64::decode(text).ok_or_else(|| format_error(format!("{name}: not standard base64")))
}

fn hash_arg(text: &str, name: &str) -> Result<Hash, TlogError> {
    base64::decode_hash(text).ok_or_else(|| format_error(format!("{name}: not base64 of 32 bytes")))
}

/// Most hashes read from a proof argument; longer proofs than [`crate::tlog::MAX_PROOF_LEN`] are read and
/// then refused by the verifiers as proofs (`false`, or `tlog.proof` in `verifyRegister`).
const MAX_PROOF_ARG: usize = 1024;

fn proof_of(items: &[String], name: &str) -> Result<Vec<Hash>, TlogError> {
    if items.len() > MAX_PROOF_ARG {
        return Err(format_error(format!("{name}: more than {MAX_PROOF_ARG} hashes")));
    }
    items.iter().enumerate().map(|(i, h)| hash_arg(h, &format!("{name}[{i}]"))).collect()
}

/// Reads a `string[]` argument.
fn proof_arg(value: &JsValue, name: &str) -> Result<Vec<Hash>, JsValue> {
    if !js_sys::Array::is_array(value) {
        return Err(js_error("arg.type", &format!("{name}: expected an array of base64 strings")));
    }
    let array = js_sys::Array::from(value);
    if array.length() as usize > MAX_PROOF_ARG {
        return Err(format_error(format!("{name}: more than {MAX_PROOF_ARG} hashes")).into());
    }
    let items: Vec<String> = array
        .iter()
        .map(|v| v.as_string().ok_or_else(|| js_error("arg.type", &format!("{name}: expected an array of base64 strings"))))
        .collect::<Result<_, _>>()?;
    Ok(proof_of(&items, name)?)
}

/// A whole number from 0 to 2^53 − 1.
fn count(value: f64, name: &str) -> Result<u64, TlogError> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&value) {
        Ok(value as u64)
    } else {
        Err(format_error(format!("{name}: expected a whole number from 0 to 2^53 - 1")))
    }
}

fn verifier_arg(value: &JsValue) -> Result<Verifier, JsValue> {
    Ok(Verifier::parse(&string_arg(value, "verifierKey")?)?)
}

/// Verifies a signed checkpoint against the pinned verifier key
/// (`<name>+<key ID>+<base64 key>`) and reads it. Rejects with `tlog.signature` when the note
/// has no valid signature by that key, `tlog.format` when it is malformed, `tlog.key` when the
/// verifier key is, and `register.unverifiable` (its message in `lang`) when this browser's
/// WebCrypto has no Ed25519.
#[wasm_bindgen(js_name = verifyCheckpoint, unchecked_return_type = "Promise<CheckpointInfo>")]
pub fn verify_checkpoint(
    #[wasm_bindgen(unchecked_param_type = "string")] note: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string", js_name = verifierKey)] verifier_key: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> js_sys::Promise {
    let lang = lang_arg(&lang);
    let prepared = (|| -> Result<_, JsValue> {
        let note = string_arg(&note, "note")?;
        let verifier = verifier_arg(&verifier_key)?;
        // The check runs twice: to learn which signatures it needs (a malformed note needs
        // none and fails here), then with WebCrypto's answers.
        let questions = Questions::default();
        verifier.verify_checkpoint_with(&note, &questions)?;
        Ok((note, verifier, questions.into_vec()))
    })();
    let (note, verifier, questions) = match prepared {
        Ok(p) => p,
        Err(error) => return js_sys::Promise::reject(&error),
    };
    with_answers(
        questions,
        lang,
        Box::new(move |answers| {
            let cp = verifier.verify_checkpoint_with(&note, &answers)?;
            to_js(&CheckpointInfo {
                origin: cp.origin,
                size: cp.size as f64,
                root_hash: base64::encode(&cp.root_hash),
                extensions: cp.extensions,
            })
            .map(Into::into)
        }),
    )
}

/// Whether `entry` (the entry's bytes, base64) is entry `index` of the tree of `size` entries
/// with root `rootHash`, by the inclusion proof `proof` (base64 hashes, leaf side first).
/// Throws `tlog.format` for malformed base64 or numbers.
#[wasm_bindgen(js_name = verifyInclusion)]
pub fn verify_inclusion(
    #[wasm_bindgen(unchecked_param_type = "string")] entry: JsValue,
    index: f64,
    size: f64,
    #[wasm_bindgen(unchecked_param_type = "string[]")] proof: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string", js_name = rootHash)] root_hash: JsValue,
) -> Result<bool, JsValue> {
    let entry = bytes_arg(&string_arg(&entry, "entry")?, "entry")?;
    let (index, size) = (count(index, "index")?, count(size, "size")?);
    let proof = proof_arg(&proof, "proof")?;
    let root = hash_arg(&string_arg(&root_hash, "rootHash")?, "rootHash")?;
    Ok(core_inclusion(&leaf_hash(&entry), index, size, &proof, &root).is_ok())
}

/// Whether the tree of `oldSize` entries with root `oldRoot` is a prefix of the tree of
/// `newSize` entries with root `newRoot`, by the consistency proof `proof`. False also when
/// `newSize < oldSize` (a truncated log). Throws `tlog.format` for malformed base64 or numbers.
#[wasm_bindgen(js_name = verifyConsistency)]
pub fn verify_consistency(
    #[wasm_bindgen(js_name = oldSize)] old_size: f64,
    #[wasm_bindgen(js_name = newSize)] new_size: f64,
    #[wasm_bindgen(unchecked_param_type = "string", js_name = oldRoot)] old_root: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string", js_name = newRoot)] new_root: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] proof: JsValue,
) -> Result<bool, JsValue> {
    let (old_size, new_size) = (count(old_size, "oldSize")?, count(new_size, "newSize")?);
    let old_root = hash_arg(&string_arg(&old_root, "oldRoot")?, "oldRoot")?;
    let new_root = hash_arg(&string_arg(&new_root, "newRoot")?, "newRoot")?;
    let proof = proof_arg(&proof, "proof")?;
    Ok(core_consistency(old_size, new_size, &old_root, &new_root, &proof).is_ok())
}

/// Reads a log entry (base64). Throws `tlog.format` when it is not a version-2 event.
#[wasm_bindgen(js_name = decodeEvent)]
pub fn decode_event(#[wasm_bindgen(unchecked_param_type = "string")] entry: JsValue) -> Result<Ts<LogEvent>, JsValue> {
    let entry = bytes_arg(&string_arg(&entry, "entry")?, "entry")?;
    to_js(&log_event(&Event::decode(&entry)?))
}

/// Everything `verifyRegister` checks. Hashes, proofs and entries are base64. Read field by
/// field from the JavaScript object ([`read_register_input`]); the derive gives the TypeScript
/// type, and no serde deserializer is carried in the package for it.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RegisterInput {
    /// The new signed checkpoint (published with the snapshot).
    checkpoint: String,
    /// The log's verifier key pinned in the page (`<name>+<key ID>+<base64 key>`).
    verifier_key: String,
    /// The last checkpoint this browser confirmed (from localStorage), if any.
    #[serde(default)]
    #[tsify(optional)]
    previous_checkpoint: Option<String>,
    /// The consistency proof from `previousCheckpoint` to `checkpoint`.
    #[serde(default)]
    #[tsify(optional)]
    consistency_proof: Option<Vec<String>>,
    /// The citizen's own event, its index in the log and its inclusion proof.
    entry: String,
    entry_index: f64,
    inclusion_proof: Vec<String>,
    /// The application number the event must name, when the page knows it.
    #[serde(default)]
    #[tsify(optional)]
    application: Option<String>,
    /// The snapshot document exactly as received, and the `snapshot_published` entry that
    /// commits to it, with its index and inclusion proof. All four or none.
    #[serde(default)]
    #[tsify(optional, type = "Uint8Array")]
    snapshot: Option<Vec<u8>>,
    #[serde(default)]
    #[tsify(optional)]
    snapshot_entry: Option<String>,
    #[serde(default)]
    #[tsify(optional)]
    snapshot_entry_index: Option<f64>,
    #[serde(default)]
    #[tsify(optional)]
    snapshot_inclusion_proof: Option<Vec<String>>,
    /// The log size the snapshot says it reflects, when the page read it from the snapshot.
    #[serde(default)]
    #[tsify(optional)]
    snapshot_log_size: Option<f64>,
    /// `kk` (default), `ru` or `en`.
    #[serde(default)]
    #[tsify(optional)]
    lang: Option<String>,
    /// The application's later entries in log order, each with its index and inclusion proof.
    #[serde(default)]
    #[tsify(optional)]
    history: Option<Vec<HistoryEntry>>,
    /// The current instant (ISO-8601): with it, a confirmed register answers `status`, the
    /// application's status replayed from its entries and settled to `now`.
    #[serde(default)]
    #[tsify(optional)]
    now: Option<String>,
}

/// One later entry of the citizen's application.
#[derive(Tsify)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    entry: String,
    entry_index: f64,
    inclusion_proof: Vec<String>,
}

/// Reads a `RegisterInput` from a JavaScript object; a wrong type is `arg.type` naming the field.
fn read_register_input(input: &JsValue) -> Result<RegisterInput, JsValue> {
    if !input.is_object() {
        return Err(js_error("arg.type", "input: expected a RegisterInput object"));
    }
    let get = |key: &str| js_sys::Reflect::get(input, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let absent = |v: &JsValue| v.is_undefined() || v.is_null();
    let wrong = |key: &str, what: &str| js_error("arg.type", &format!("input.{key}: expected {what}"));
    let opt_string = |key: &str| -> Result<Option<String>, JsValue> {
        let v = get(key);
        if absent(&v) { Ok(None) } else { v.as_string().map(Some).ok_or_else(|| wrong(key, "a string")) }
    };
    let string = |key: &str| opt_string(key)?.ok_or_else(|| wrong(key, "a string"));
    let opt_number = |key: &str| -> Result<Option<f64>, JsValue> {
        let v = get(key);
        if absent(&v) { Ok(None) } else { v.as_f64().map(Some).ok_or_else(|| wrong(key, "a number")) }
    };
    let opt_strings = |key: &str| -> Result<Option<Vec<String>>, JsValue> {
        let v = get(key);
        if absent(&v) {
            return Ok(None);
        }
        if !js_sys::Array::is_array(&v) {
            return Err(wrong(key, "an array of strings"));
        }
        js_sys::Array::from(&v).iter().map(|item| item.as_string().ok_or_else(|| wrong(key, "an array of strings"))).collect::<Result<Vec<_>, _>>().map(Some)
    };
    let snapshot = {
        let v = get("snapshot");
        if absent(&v) {
            None
        } else {
            Some(v.dyn_ref::<js_sys::Uint8Array>().ok_or_else(|| wrong("snapshot", "a Uint8Array"))?.to_vec())
        }
    };
    let history = {
        let v = get("history");
        if absent(&v) {
            None
        } else if !js_sys::Array::is_array(&v) {
            return Err(wrong("history", "an array of { entry, entryIndex, inclusionProof }"));
        } else {
            let items = js_sys::Array::from(&v);
            if items.length() as usize > MAX_PROOF_ARG {
                return Err(wrong("history", &format!("at most {MAX_PROOF_ARG} entries")));
            }
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let one = read_register_input_part(&item).map_err(|field| wrong(&format!("history[{i}].{field}"), "a value of its type"))?;
                out.push(one);
            }
            Some(out)
        }
    };
    Ok(RegisterInput {
        history,
        now: opt_string("now")?,
        checkpoint: string("checkpoint")?,
        verifier_key: string("verifierKey")?,
        previous_checkpoint: opt_string("previousCheckpoint")?,
        consistency_proof: opt_strings("consistencyProof")?,
        entry: string("entry")?,
        entry_index: opt_number("entryIndex")?.ok_or_else(|| wrong("entryIndex", "a number"))?,
        inclusion_proof: opt_strings("inclusionProof")?.ok_or_else(|| wrong("inclusionProof", "an array of strings"))?,
        application: opt_string("application")?,
        snapshot,
        snapshot_entry: opt_string("snapshotEntry")?,
        snapshot_entry_index: opt_number("snapshotEntryIndex")?,
        snapshot_inclusion_proof: opt_strings("snapshotInclusionProof")?,
        snapshot_log_size: opt_number("snapshotLogSize")?,
        lang: opt_string("lang")?,
    })
}

/// Reads one `HistoryEntry`; the error names the wrong field.
fn read_register_input_part(item: &JsValue) -> Result<HistoryEntry, &'static str> {
    let get = |key: &str| js_sys::Reflect::get(item, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let entry = get("entry").as_string().ok_or("entry")?;
    let entry_index = get("entryIndex").as_f64().ok_or("entryIndex")?;
    let proof = get("inclusionProof");
    if !js_sys::Array::is_array(&proof) {
        return Err("inclusionProof");
    }
    let inclusion_proof = js_sys::Array::from(&proof).iter().map(|h| h.as_string().ok_or("inclusionProof")).collect::<Result<Vec<_>, _>>()?;
    Ok(HistoryEntry { entry, entry_index, inclusion_proof })
}

/// The outcome of `verifyRegister`.
#[derive(Serialize, Tsify, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub enum RegisterVerdict {
    Confirmed,
    Rewritten,
    Invalid,
}

/// The result of `verifyRegister`. When `verdict` is `confirmed`, the page keeps
/// `input.checkpoint` (in localStorage) as the next `previousCheckpoint`; otherwise it keeps
/// the old one and shows no queue position, only `message`.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RegisterResult {
    verdict: RegisterVerdict,
    /// What to tell the person, in the requested language.
    message: String,
    /// Why it is not confirmed: a stable code (`tlog.signature`, `tlog.proof`,
    /// `tlog.consistency`, `tlog.truncated`, `tlog.previous`, `tlog.application`,
    /// `tlog.snapshot`, `tlog.format`) and an English detail for developers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    detail: Option<String>,
    /// The verified checkpoint, when its signature verified.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    checkpoint: Option<CheckpointInfo>,
    /// The citizen's event, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    event: Option<LogEvent>,
    /// When the confirmed snapshot was published (Kazakhstan time), when a snapshot was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    as_of: Option<String>,
    /// The application's status replayed from its verified entries and settled to `now`, when
    /// the register is confirmed and `now` was given: what `statusView` shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Status")]
    status: Option<crate::status::Status>,
}

/// The evidence of a `RegisterInput`, decoded and owned: what both runs of the check read.
struct Decoded {
    input: RegisterInput,
    verifier: Verifier,
    lang: Lang,
    entry: Vec<u8>,
    entry_index: u64,
    inclusion: Vec<Hash>,
    consistency: Vec<Hash>,
    /// The snapshot's entry, index, inclusion proof and stated log size (its bytes stay in `input`).
    snapshot: Option<(Vec<u8>, u64, Vec<Hash>, Option<u64>)>,
    history: Vec<(Vec<u8>, u64, Vec<Hash>)>,
    now: Option<DateTime<Utc>>,
}

fn invalid(lang: Lang, problem: TlogError) -> RegisterResult {
    RegisterResult {
        verdict: RegisterVerdict::Invalid,
        message: i18n::text(lang, "tlog.invalid"),
        code: Some(problem.code().to_owned()),
        detail: Some(problem.detail().to_owned()),
        checkpoint: None,
        event: None,
        as_of: None,
        status: None,
    }
}

/// Reads the input: the page's own mistakes are errors, malformed data from the server is an
/// invalid register (a result at once, not a programmer's mistake).
fn decode(input: RegisterInput) -> Result<Result<Decoded, RegisterResult>, JsValue> {
    let lang = Lang::parse(input.lang.as_deref().unwrap_or(""));
    let verifier = Verifier::parse(&input.verifier_key)?;
    let decoded = (|| -> Result<_, TlogError> {
        let entry = bytes_arg(&input.entry, "entry")?;
        let entry_index = count(input.entry_index, "entryIndex")?;
        let inclusion = proof_of(&input.inclusion_proof, "inclusionProof")?;
        let consistency = proof_of(input.consistency_proof.as_deref().unwrap_or_default(), "consistencyProof")?;
        let snapshot = match (&input.snapshot, &input.snapshot_entry, input.snapshot_entry_index, &input.snapshot_inclusion_proof) {
            (None, None, None, None) => None,
            (Some(_), Some(entry), Some(index), Some(proof)) => Some((
                bytes_arg(entry, "snapshotEntry")?,
                count(index, "snapshotEntryIndex")?,
                proof_of(proof, "snapshotInclusionProof")?,
                input.snapshot_log_size.map(|n| count(n, "snapshotLogSize")).transpose()?,
            )),
            _ => {
                return Err(format_error(
                    "snapshot, snapshotEntry, snapshotEntryIndex and snapshotInclusionProof come together".to_owned(),
                ))
            }
        };
        let mut history = Vec::new();
        for (i, h) in input.history.iter().flatten().enumerate() {
            history.push((
                bytes_arg(&h.entry, &format!("history[{i}].entry"))?,
                count(h.entry_index, &format!("history[{i}].entryIndex"))?,
                proof_of(&h.inclusion_proof, &format!("history[{i}].inclusionProof"))?,
            ));
        }
        let now = input.now.as_deref().map(|t| crate::calendar::parse_instant(t.trim()).map_err(|e| format_error(format!("now: {}", e.detail())))).transpose()?;
        Ok((entry, entry_index, inclusion, consistency, snapshot, history, now))
    })();
    Ok(match decoded {
        Ok((entry, entry_index, inclusion, consistency, snapshot, history, now)) => {
            Ok(Decoded { input, verifier, lang, entry, entry_index, inclusion, consistency, snapshot, history, now })
        }
        Err(problem) => Err(invalid(lang, problem)),
    })
}

impl Decoded {
    /// The core's whole check, with `ed25519` as the signature primitive.
    fn check(&self, ed25519: &dyn Ed25519) -> RegisterReport {
        let history: Vec<HistoryEvidence> =
            self.history.iter().map(|(entry, index, proof)| HistoryEvidence { entry, entry_index: *index, inclusion_proof: proof }).collect();
        let evidence = RegisterEvidence {
            checkpoint: &self.input.checkpoint,
            previous: self.input.previous_checkpoint.as_deref(),
            consistency_proof: &self.consistency,
            entry: &self.entry,
            entry_index: self.entry_index,
            inclusion_proof: &self.inclusion,
            application: self.input.application.as_deref(),
            snapshot: self.snapshot.as_ref().zip(self.input.snapshot.as_deref()).map(|((entry, index, proof, log_size), bytes)| SnapshotEvidence {
                bytes,
                entry,
                entry_index: *index,
                inclusion_proof: proof,
                log_size: *log_size,
            }),
            history: &history,
        };
        core_register(&self.verifier, &evidence, ed25519)
    }
}

/// The result a person is shown for the core's report.
fn result(decoded: &Decoded, mut report: RegisterReport) -> RegisterResult {
    let (lang, now, entry_index) = (decoded.lang, decoded.now, decoded.entry_index);
    // A confirmed register whose events the lifecycle cannot replay contradicts itself.
    let mut status = None;
    if let (Verdict::Confirmed, Some(now), Some(application)) = (report.verdict, now, report.event.as_ref().and_then(|e| e.body.application())) {
        match with_deadlines(|d| crate::tlog::lifecycle::replay(&report.history, application, now, d)) {
            Ok(s) => status = Some(s),
            Err(e) => {
                report.verdict = Verdict::Invalid;
                report.problem = Some(TlogError::Format(format!("the register does not replay: {e}")));
            }
        }
    }
    let checkpoint = report.checkpoint.as_ref().map(|cp| CheckpointInfo {
        origin: cp.origin.clone(),
        size: cp.size as f64,
        root_hash: base64::encode(&cp.root_hash),
        extensions: cp.extensions.clone(),
    });
    let event = report.event.as_ref().map(log_event);
    let as_of = report.snapshot_event.as_ref().map(|e| e.at);
    let (verdict, message) = match report.verdict {
        Verdict::Confirmed => match (as_of, &report.checkpoint) {
            (Some(at), _) => (RegisterVerdict::Confirmed, i18n::format(lang, "tlog.confirmed", &[("asOf", &crate::status::format_moment(at, lang))])),
            (None, Some(cp)) => (
                RegisterVerdict::Confirmed,
                i18n::format(lang, "tlog.recorded", &[("number", &(entry_index + 1).to_string()), ("size", &cp.size.to_string())]),
            ),
            // Confirmed always has a checkpoint; say "invalid" rather than panic if not.
            (None, None) => (RegisterVerdict::Invalid, i18n::text(lang, "tlog.invalid")),
        },
        Verdict::Rewritten => (RegisterVerdict::Rewritten, i18n::text(lang, "tlog.rewritten")),
        Verdict::Invalid => (RegisterVerdict::Invalid, i18n::text(lang, "tlog.invalid")),
    };
    RegisterResult {
        verdict,
        message,
        code: report.problem.as_ref().map(|p| p.code().to_owned()),
        detail: report.problem.as_ref().map(|p| p.detail().to_owned()),
        checkpoint,
        event,
        as_of: as_of.filter(|_| report.verdict == Verdict::Confirmed).map(|at| local(&at)),
        status,
    }
}

/// The whole check of the public register for the citizen's page: the checkpoint's
/// signature, consistency with the checkpoint this browser confirmed before, the inclusion of
/// the citizen's own event and, when given, that the snapshot shown is the one the log
/// commits to. Returns a verdict and a message in `lang`; anything wrong with the data
/// received is `invalid` (with `code`), never a rejection. Rejects only for the page's own
/// mistakes, `arg.type` (input is not a `RegisterInput`) and `tlog.key` (bad verifier key),
/// and with `register.unverifiable` (its message in `lang`) when this browser's WebCrypto has
/// no Ed25519: then nothing is confirmed.
#[wasm_bindgen(js_name = verifyRegister, unchecked_return_type = "Promise<RegisterResult>")]
pub fn verify_register(#[wasm_bindgen(unchecked_param_type = "RegisterInput")] input: JsValue) -> js_sys::Promise {
    let decoded = match read_register_input(&input).and_then(decode) {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(invalid)) => return settle(to_js(&invalid).map(Into::into)),
        Err(error) => return js_sys::Promise::reject(&error),
    };
    // Once to learn which signatures the check needs, then with WebCrypto's answers.
    let questions = Questions::default();
    decoded.check(&questions);
    let lang = decoded.lang;
    with_answers(
        questions.into_vec(),
        lang,
        Box::new(move |answers| {
            let report = decoded.check(&answers);
            to_js(&result(&decoded, report)).map(Into::into)
        }),
    )
}

fn settle(result: Result<JsValue, JsValue>) -> js_sys::Promise {
    match result {
        Ok(value) => js_sys::Promise::resolve(&value),
        Err(error) => js_sys::Promise::reject(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_instants_are_refused_not_panicked_on() {
        let (min, max) = (DateTime::<Utc>::MIN_UTC.timestamp_millis(), DateTime::<Utc>::MAX_UTC.timestamp_millis());
        for ms in [i64::MIN, min, -2_208_988_800_001, 7_289_654_400_000, max - max % 1000, i64::MAX] {
            let mut bytes = vec![1, 10];
            bytes.extend_from_slice(&ms.to_be_bytes());
            bytes.extend_from_slice(&[0, 1, b'q', 0, 2, b'A', b'1']);
            assert_eq!(Event::decode(&bytes).unwrap_err().code(), "tlog.format", "{ms}");
            if let Some(at) = DateTime::from_timestamp_millis(ms) {
                let event = Event { at, queue: "q".into(), body: EventBody::Archived { application: "A1".into(), reason: "aged_out".into() } };
                assert!(event.encode().is_err());
            }
        }
        for ms in [-2_208_988_800_000, 0, 7_289_654_399_999] {
            let at = DateTime::from_timestamp_millis(ms).unwrap();
            let event = Event { at, queue: "q".into(), body: EventBody::Archived { application: "A1".into(), reason: "aged_out".into() } };
            let decoded = Event::decode(&event.encode().unwrap()).unwrap();
            assert!(!log_event(&decoded).at.is_empty());
            assert!(!crate::status::format_moment(at, Lang::En).is_empty());
        }
    }
}
