//! The last checkpoint this browser confirmed, kept in `localStorage` (web-sys `Storage`), so
//! that the next register check proves the log only grew since (rule 24.7; `verifyRegister`'s
//! `previousCheckpoint`). It is the log's public signed checkpoint: nothing personal.
//!
//! One entry per log, named by the pinned verifier key's name: `kezek.checkpoint:<name>`.
//! Without storage (Node, a browser that refuses it) nothing is kept and nothing is read:
//! the check then has no previous checkpoint, which it handles.

use super::optional_string_arg;
use crate::tlog::{Checkpoint, Note, Verifier};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// A kept checkpoint: its signed note, and the log size it commits to (for `?from=`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct KeptCheckpoint {
    pub checkpoint: String,
    pub size: u64,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The storage key for the log of `verifier_key`, or `None` for a key that is no verifier key.
fn entry(verifier_key: &JsValue) -> Option<String> {
    let key = optional_string_arg(verifier_key)?;
    let verifier = Verifier::parse(&key).ok()?;
    Some(["kezek.checkpoint:", verifier.name()].concat())
}

/// The checkpoint last kept for the log of `verifierKey`, or `undefined` (none kept, no
/// storage, or what is kept is not a checkpoint).
#[wasm_bindgen(js_name = lastCheckpoint)]
pub fn last_checkpoint(#[wasm_bindgen(js_name = verifierKey, unchecked_param_type = "string")] verifier_key: JsValue) -> Option<Ts<KeptCheckpoint>> {
    let text = storage()?.get_item(&entry(&verifier_key)?).ok()??;
    let note = Note::parse(&text).ok()?;
    let size = Checkpoint::parse_body(&note.text).ok()?.size;
    super::to_js(&KeptCheckpoint { checkpoint: text, size }).ok()
}

/// Keeps `checkpoint` as the last confirmed for the log of `verifierKey`: call it only with
/// the checkpoint of a `confirmed` register verdict. Returns whether it was kept.
#[wasm_bindgen(js_name = keepCheckpoint)]
pub fn keep_checkpoint(
    #[wasm_bindgen(js_name = verifierKey, unchecked_param_type = "string")] verifier_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] checkpoint: JsValue,
) -> bool {
    let (Some(name), Some(text), Some(storage)) = (entry(&verifier_key), optional_string_arg(&checkpoint), storage()) else { return false };
    Note::parse(&text).is_ok() && storage.set_item(&name, &text).is_ok()
}
