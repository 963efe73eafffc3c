//! Ed25519 signature checks through WebCrypto (`crypto.subtle`, Chromium 137+, Firefox 129+,
//! Safari 17+, Node 20+): the package carries no curve arithmetic (about 15 KB gzip less).
//!
//! What is signed and which signatures must verify stays in the core
//! ([`crate::tlog::checkpoint`]): a check is run once with [`Questions`] to learn the
//! signatures it needs, they are verified here, and the check is run again with the
//! [`Answers`]. Where WebCrypto has no Ed25519 (an older browser, no `crypto.subtle` outside
//! a secure context), nothing is confirmed: the call rejects with `register.unverifiable` and
//! a message for the person, never a silent pass.

use super::js_error;
use crate::i18n::{self, Lang};
use crate::tlog::{Answers, SignatureQuestion};
use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // `catch`: without `crypto.subtle` the call throws (a ReferenceError or TypeError).
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(format: &str, key: &Uint8Array, algorithm: &str, extractable: bool, usages: &Array) -> Result<Promise, JsValue>;
    // WebCrypto copies `signature` and `data` before returning: views into wasm memory are safe.
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = verify)]
    fn verify(algorithm: &str, key: &JsValue, signature: &[u8], data: &[u8]) -> Result<Promise, JsValue>;
}

/// The `register.unverifiable` error: this browser cannot check Ed25519 signatures.
pub(crate) fn unverifiable(lang: Lang) -> JsValue {
    js_error("register.unverifiable", &i18n::text(lang, "register.unverifiable"))
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(promise?).await
}

/// Verifies each signature asked about with WebCrypto. Rejects with `register.unverifiable`
/// when WebCrypto cannot (no `crypto.subtle`, no Ed25519).
pub(crate) async fn answer(questions: Vec<SignatureQuestion>, lang: Lang) -> Result<Answers, JsValue> {
    let mut answers = Answers::default();
    // One pinned key per check: imported once.
    let mut imported: Option<([u8; 32], JsValue)> = None;
    for question in questions {
        let key = match &imported {
            Some((bytes, key)) if *bytes == question.key => key.clone(),
            _ => {
                let usages = Array::of1(&JsValue::from_str("verify"));
                let key = settle(import_key("raw", &Uint8Array::from(&question.key[..]), "Ed25519", false, &usages)).await.map_err(|_| unverifiable(lang))?;
                imported = Some((question.key, key.clone()));
                key
            }
        };
        let valid = settle(verify("Ed25519", &key, &question.signature, &question.message)).await.map_err(|_| unverifiable(lang))?;
        // Anything but `true` (WebCrypto answers a boolean) is not a valid signature.
        answers.0.push((question, valid.as_bool() == Some(true)));
    }
    Ok(answers)
}
