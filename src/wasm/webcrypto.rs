//! Ed25519 signature checks through WebCrypto (`crypto.subtle`, Chromium 137+, Firefox 129+,
//! Safari 17+, Node 20+): the package carries no curve arithmetic (7.5 KB gzip less).
//!
//! What is signed and which signatures must verify stays in the core
//! ([`crate::tlog::checkpoint`]): a check is run once with [`Questions`] to learn the
//! signatures it needs, they are verified here, and the check is run again with the
//! [`Answers`] ([`with_answers`]). Where WebCrypto has no Ed25519 (an older browser, no
//! `crypto.subtle` outside a secure context), nothing is confirmed: the promise rejects with
//! `register.unverifiable` and a message for the person, never a silent pass.
//!
//! The promise is a chain of two callbacks on `Promise.allSettled`, not a Rust future: an
//! executor (wasm-bindgen-futures) would cost more than the curve arithmetic it replaces. Each
//! callback runs exactly once (an `allSettled` promise never rejects), so none is leaked.
//! Once the package carries wasm-bindgen-futures for other reasons (the backend client), an
//! `async fn` here would cost nothing more; `scripts/split.mjs` keeps either kind of callback
//! out of the first download.

use super::js_error;
use crate::i18n::{self, Lang};
use crate::tlog::{Answers, SignatureQuestion};
use js_sys::{Array, Promise, Reflect, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `catch`: without `crypto.subtle` the call throws (a ReferenceError or TypeError).
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(format: &str, key: &Uint8Array, algorithm: &str, extractable: bool, usages: &Array) -> Result<Promise, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = verify)]
    fn verify(algorithm: &str, key: &JsValue, signature: &Uint8Array, data: &Uint8Array) -> Result<Promise, JsValue>;
    /// A promise, for `then` with a function made by `Closure::once_into_js`.
    #[wasm_bindgen(extends = Promise)]
    type Chain;
    #[wasm_bindgen(method, js_name = then)]
    fn then_call(this: &Chain, f: &JsValue) -> Chain;
}

/// The `register.unverifiable` error: this browser cannot check Ed25519 signatures.
fn unverifiable(lang: Lang) -> JsValue {
    js_error("register.unverifiable", &i18n::text(lang, "register.unverifiable"))
}

/// The results of `Promise.allSettled`: the values, or `None` when one was rejected.
fn settled(results: &JsValue) -> Option<Vec<JsValue>> {
    let fulfilled = JsValue::from_str("fulfilled");
    Array::from(results)
        .iter()
        .map(|r| {
            let status = Reflect::get(&r, &JsValue::from_str("status")).ok()?;
            if status == fulfilled { Reflect::get(&r, &JsValue::from_str("value")).ok() } else { None }
        })
        .collect()
}

/// Has WebCrypto check `questions` (all by one key: the pinned verifier's), then settles with
/// what `then` makes of the answers: its value, or its error as the rejection. Rejects with
/// `register.unverifiable` (its message in `lang`) when WebCrypto cannot check Ed25519.
pub(crate) fn with_answers(questions: Vec<SignatureQuestion>, lang: Lang, then: Box<dyn FnOnce(Answers) -> Result<JsValue, JsValue>>) -> Promise {
    let Some(first) = questions.first() else {
        // Nothing to ask (a note that fails before any signature): no WebCrypto needed.
        return settle_now(then(Answers::default()));
    };
    if questions.iter().any(|q| q.key != first.key) {
        return Promise::reject(&js_error("internal.keys", "one verifier key per check"));
    }
    let usages = Array::of1(&JsValue::from_str("verify"));
    let Ok(key) = import_key("raw", &Uint8Array::from(&first.key[..]), "Ed25519", false, &usages) else {
        return Promise::reject(&unverifiable(lang));
    };
    // WebCrypto copies its arguments, but copies made now keep no view of wasm memory (which
    // may grow, detaching views) alive across the callbacks.
    let pairs: Vec<(Uint8Array, Uint8Array)> =
        questions.iter().map(|q| (Uint8Array::from(&q.signature[..]), Uint8Array::from(q.message.as_slice()))).collect();
    let verify_all = Closure::once_into_js(move |key_settled: JsValue| -> JsValue {
        let Some(key) = settled(&key_settled).and_then(|v| v.into_iter().next()) else { return JsValue::NULL };
        let checks: Array = pairs
            .iter()
            .map(|(signature, message)| verify("Ed25519", &key, signature, message).map(JsValue::from).unwrap_or_else(|e| Promise::reject(&e).into()))
            .collect();
        Promise::all_settled(&checks).into()
    });
    let answer = Closure::once_into_js(move |checks: JsValue| -> Result<JsValue, JsValue> {
        // `null`: the key was not imported.
        let valid = if checks.is_null() { None } else { settled(&checks) };
        let valid = valid.filter(|v| v.len() == questions.len()).ok_or_else(|| unverifiable(lang))?;
        // Anything but `true` (WebCrypto answers a boolean) is not a valid signature.
        then(Answers(questions.into_iter().zip(valid).map(|(q, v)| (q, v.as_bool() == Some(true))).collect()))
    });
    Promise::all_settled(&Array::of1(&key)).unchecked_into::<Chain>().then_call(&verify_all).then_call(&answer).unchecked_into()
}

fn settle_now(result: Result<JsValue, JsValue>) -> Promise {
    match result {
        Ok(value) => Promise::resolve(&value),
        Err(error) => Promise::reject(&error),
    }
}
