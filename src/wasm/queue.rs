//! The queue tracker: `orderQueue`, `QueueSnapshot`, and `encodeSnapshot` (feature `publisher`).

#[cfg(feature = "publisher")]
use super::optional_string_arg;
use super::{js_error, string_arg, to_js, with_policy};
use crate::calendar::{self, zone};
use crate::json::one_of;
#[cfg(feature = "publisher")]
use crate::queue::snapshot::{self, Header};
use crate::queue::snapshot::{Snapshot, SnapshotError, MAX_COUNT, MAX_INSTANT};
use crate::queue::{self, ApplicationNumber, Class, Entry, Position, QueueKey, State};
use crate::status::StatusError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// One application as the queue sees it.
/// Read field by field (see `to_entries`); the derive is for the TypeScript type only.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct QueueEntry {
    /// The application number: 1 to 15 digits, no leading zero.
    number: String,
    /// ISO-8601 instant with an offset; compared to the whole second.
    submitted_at: String,
    class: Class,
    state: State,
}

/// Those ahead in the queue, per class.
#[derive(Serialize, Tsify)]
pub struct AheadCounts {
    extraordinary: u32,
    priority: u32,
    general: u32,
}

/// An application's place: its queue number (from 1), those ahead, and whether it is among the
/// applications the next 07:00 access window opens referrals to (rule 24.4).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct QueuePosition {
    queue_number: u32,
    ahead: AheadCounts,
    in_next_window: bool,
}

impl From<SnapshotError> for JsValue {
    fn from(error: SnapshotError) -> JsValue {
        js_error(error.code(), &error.detail())
    }
}

impl From<StatusError> for JsValue {
    fn from(error: StatusError) -> JsValue {
        js_error(error.code(), &error.to_string())
    }
}

fn parse_instant(text: &str, name: &str) -> Result<DateTime<Utc>, JsValue> {
    calendar::parse_instant(text.trim()).map_err(|e| js_error(e.code(), &format!("{name}: {}", e.detail())))
}

fn parse_number(text: &str, name: &str) -> Result<ApplicationNumber, JsValue> {
    ApplicationNumber::parse(text).map_err(|e| js_error(e.code(), &format!("{name}: an application number is 1 to 15 digits, not starting with 0")))
}

/// A string field of a JavaScript object, read without serde (a million entries come this way).
fn text_field(object: &JsValue, key: &str, path: &str) -> Result<String, JsValue> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| js_error("queue.entry", &format!("{path}.{key}: expected a string")))
}

fn to_entries(entries: &[Ts<QueueEntry>]) -> Result<Vec<Entry>, JsValue> {
    if entries.len() > MAX_COUNT as usize {
        return Err(js_error("queue.too_many", &format!("at most {MAX_COUNT} entries")));
    }
    let mut out = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let path = format!("entries[{i}]");
        let entry = entry.js_value();
        let field = |key: &str| text_field(&entry, key, &path);
        let submitted_at = parse_instant(&field("submittedAt")?, &format!("{path}.submittedAt"))?.timestamp();
        if !(0..=MAX_INSTANT).contains(&submitted_at) {
            return Err(js_error("instant.range", &format!("{path}.submittedAt: from 1970 to 2200")));
        }
        let class = one_of(&field("class")?, &Class::ALL, Class::code).map_err(|e| js_error("queue.entry", &format!("{path}.class: {e}")))?;
        let state = one_of(&field("state")?, &State::ALL, State::code).map_err(|e| js_error("queue.entry", &format!("{path}.state: {e}")))?;
        out.push(Entry { number: parse_number(&field("number")?, &format!("{path}.number"))?, submitted_at, class, state });
    }
    Ok(out)
}

/// The application numbers of the live entries (`queued`, `temporary_stay`) in queue order
/// (rule 21): extraordinary first, then one priority to three general. Throws `queue.entry`,
/// `number.format`, `instant.format` or `instant.range` naming the bad entry.
#[wasm_bindgen(js_name = orderQueue)]
pub fn order_queue(entries: Vec<Ts<QueueEntry>>) -> Result<Vec<String>, JsValue> {
    let entries = to_entries(&entries)?;
    Ok(with_policy(|p| queue::order(&entries, &p.order)).iter().map(|e| e.number.to_string()).collect())
}

/// The published snapshot of `entries` (format: `docs/snapshot-format.md`). `queueKey` is the
/// queue's key (none by default); `publishedAt` an ISO-8601 instant (by default the latest
/// submission); `logSize` the size of the log the snapshot reflects (0, unknown, by default).
/// Throws `snapshot.duplicate` for a number listed twice, and the entry errors of `orderQueue`.
/// Not in the browser package (feature `publisher`): the backend publishes snapshots.
#[cfg(feature = "publisher")]
#[wasm_bindgen(js_name = encodeSnapshot)]
pub fn encode_snapshot(
    entries: Vec<Ts<QueueEntry>>,
    #[wasm_bindgen(js_name = queueKey, unchecked_optional_param_type = "string")] queue_key: JsValue,
    #[wasm_bindgen(js_name = publishedAt, unchecked_optional_param_type = "string")] published_at: JsValue,
    #[wasm_bindgen(js_name = logSize, unchecked_optional_param_type = "number")] log_size: JsValue,
) -> Result<Vec<u8>, JsValue> {
    let entries = to_entries(&entries)?;
    let queue_key = optional_string_arg(&queue_key);
    let published_at = optional_string_arg(&published_at);
    let key = match queue_key.as_deref() {
        None | Some("") => None,
        Some(text) => Some(QueueKey::parse(text).map_err(|e| js_error(e.code(), e.detail()))?),
    };
    let published_at = match published_at {
        Some(text) => parse_instant(&text, "publishedAt")?.timestamp(),
        None => entries.iter().map(|e| e.submitted_at).max().unwrap_or(0),
    };
    // Absent is 0 (unknown); anything present must be a whole non-negative number.
    let log_size = if log_size.is_undefined() || log_size.is_null() { None } else { Some(log_size.as_f64().unwrap_or(f64::NAN)) };
    let log_size = match log_size {
        None => 0,
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => n as u64,
        Some(_) => return Err(js_error("snapshot.log_size", "logSize: a whole number from 0 to 2^53 - 1")),
    };
    Ok(snapshot::encode(&Header { key, published_at, log_size }, &entries)?)
}

/// A decoded queue snapshot, answering positions locally.
#[wasm_bindgen]
pub struct QueueSnapshot {
    snapshot: Snapshot,
}

#[wasm_bindgen]
impl QueueSnapshot {
    /// Decodes a snapshot. Throws an `Error` whose `code` says what is wrong:
    /// `snapshot.magic`, `snapshot.version`, `snapshot.truncated`, `snapshot.too_large`,
    /// `snapshot.key`, `snapshot.flags`, `snapshot.instant`, `snapshot.number`,
    /// `snapshot.varint`, `snapshot.order`, `snapshot.duplicate` or `snapshot.trailing`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<QueueSnapshot, JsValue> {
        Ok(QueueSnapshot { snapshot: Snapshot::decode_with(bytes, with_policy(|p| p.order))? })
    }

    /// How many applications the snapshot lists, live or not.
    pub fn len(&self) -> u32 {
        // At most MAX_COUNT.
        self.snapshot.len() as u32
    }

    /// Whether the snapshot lists no application.
    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.snapshot.is_empty()
    }

    /// The place of `applicationNumber`, or `undefined` when it holds none (not listed, or
    /// listed as referred, withdrawn, archived or stop-listed). Throws `number.format`, or
    /// `snapshot.duplicate` when the snapshot lists the number twice (`fromBytes` leaves that
    /// check to lookups, see `Snapshot::decode_with`).
    pub fn position(&self, #[wasm_bindgen(js_name = applicationNumber, unchecked_param_type = "string")] application_number: JsValue) -> Result<Option<Ts<QueuePosition>>, JsValue> {
        let application_number = string_arg(&application_number, "applicationNumber")?;
        let application_number = application_number.as_str();
        let number = parse_number(application_number, "applicationNumber")?;
        self.snapshot.position(number)?.map(|p| to_js(&js_position(&p))).transpose()
    }

    /// The state listed for `applicationNumber`, or `undefined` when not listed. Throws like
    /// `position`.
    pub fn state(&self, #[wasm_bindgen(js_name = applicationNumber, unchecked_param_type = "string")] application_number: JsValue) -> Result<Option<Ts<State>>, JsValue> {
        let application_number = string_arg(&application_number, "applicationNumber")?;
        let application_number = application_number.as_str();
        let number = parse_number(application_number, "applicationNumber")?;
        self.snapshot.state(number)?.map(|s| to_js(&s)).transpose()
    }

    /// The queue key, or `undefined` for a snapshot without one.
    #[wasm_bindgen(js_name = queueKey)]
    pub fn queue_key(&self) -> Option<String> {
        self.snapshot.header().key.as_ref().map(QueueKey::to_string)
    }

    /// When the provider published the snapshot: ISO-8601 in Kazakhstan local time.
    #[wasm_bindgen(js_name = publishedAt)]
    pub fn published_at(&self) -> String {
        // Checked at decode to lie within 1970-2200.
        DateTime::from_timestamp(self.snapshot.header().published_at, 0).map(|t| zone::to_local(t).to_rfc3339()).unwrap_or_default()
    }

    /// The size of the tamper-evident log the snapshot reflects; 0 when unknown.
    #[wasm_bindgen(js_name = logSize)]
    pub fn log_size(&self) -> f64 {
        self.snapshot.header().log_size as f64
    }

    /// Bytes of WebAssembly memory the decoded snapshot holds.
    #[wasm_bindgen(js_name = heapBytes)]
    pub fn heap_bytes(&self) -> f64 {
        self.snapshot.heap_bytes() as f64
    }
}

fn js_position(p: &Position) -> QueuePosition {
    let small = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    QueuePosition {
        queue_number: small(p.queue_number),
        ahead: AheadCounts { extraordinary: small(p.ahead.extraordinary), priority: small(p.ahead.priority), general: small(p.ahead.general) },
        in_next_window: p.in_next_window,
    }
}

/// The size of the WebAssembly memory in bytes (for memory budgets in benchmarks).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) * 65536) as f64
}
