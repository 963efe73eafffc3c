//! Browser tests of the package's backend client, status ticker and kept checkpoint, against a
//! scripted `fetch` (the page tests, tests/e2e, run the same client against the real backend):
//! `wasm-pack test --headless --chrome -- --test web_client`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Promise, Reflect, JSON};
use kezek::tlog::{Checkpoint, NoteSigner, EMPTY_ROOT};
use kezek::wasm::{keep_checkpoint, last_checkpoint, Client, StatusTicker};
use tsify::Ts;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const real = globalThis.fetch;
// Answers the requests in turn from `script`: "offline" fails like a lost network, "plain"
// resolves to a plain object that is not a `Response` (a careless mock or a hostile page's
// replacement of `fetch`), else { status, body?, headers?, text? }. Every request is recorded: { url, method, headers, body }.
export function scriptFetch(script) {
  const calls = [];
  globalThis.fetch = async (request) => {
    calls.push({ url: request.url, method: request.method, headers: Object.fromEntries(request.headers),
      body: request.method === "GET" ? null : await request.clone().text() });
    const next = script.shift();
    if (next === undefined) throw new Error("the test's script has no answer left");
    if (next === "offline") throw new TypeError("Failed to fetch");
    if (next === "plain") return { ok: true, status: 200, json: async () => ({}) };
    const body = next.text ?? (next.body === undefined ? null : JSON.stringify(next.body));
    return new Response(body, { status: next.status, headers: { "content-type": "application/json", ...(next.headers ?? {}) } });
  };
  return calls;
}
export function restoreFetch() { globalThis.fetch = real; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = scriptFetch)]
    fn script_fetch(script: JsValue) -> Array;
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch();
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap()
}

fn text(value: &JsValue, key: &str) -> String {
    get(value, key).as_string().unwrap_or_default()
}

fn header(call: &JsValue, name: &str) -> String {
    text(&get(call, "headers"), name)
}

async fn settle(promise: Promise) -> Result<JsValue, JsValue> {
    let result = JsFuture::from(promise).await;
    restore_fetch();
    result
}

fn client() -> Client {
    Client::new(JsValue::UNDEFINED, "en".into())
}

/// A client that acts with a token, withdrawing application 1234567890128: a write that is not
/// idempotent, so it is sent once whatever happens.
async fn withdraw_with_token() -> Result<JsValue, JsValue> {
    let mut with_token = client();
    with_token.set_token("tok".into()).unwrap();
    settle(with_token.withdraw("1234567890128".into())).await
}

#[wasm_bindgen_test]
async fn a_submission_is_sent_again_after_503_with_the_same_idempotency_key() {
    let calls = script_fetch(js(r#"[
        {"status":503,"body":{"errors":[{"field":"","code":"db.busy","message":"busy"}]},"headers":{"retry-after":"0"}},
        "offline",
        {"status":201,"body":{"number":"1234567890128","token":"t","submittedAt":"x","queue":"q","status":{"state":"queued"}}}
    ]"#));
    let answer = settle(client().submit(Ts::new_unchecked(js(r#"{"child":{"iin":"1"}}"#)), "key-1".into())).await.unwrap();
    assert_eq!(text(&answer, "number"), "1234567890128");
    assert_eq!(calls.length(), 3, "two failures, then the answer");
    for call in calls.iter() {
        assert_eq!(text(&call, "method"), "POST");
        assert!(text(&call, "url").ends_with("/api/applications"));
        assert_eq!(header(&call, "idempotency-key"), "key-1", "every attempt carries the same key");
        assert_eq!(header(&call, "accept-language"), "en");
        assert_eq!(header(&call, "content-type"), "application/json");
        assert_eq!(text(&call, "body"), r#"{"child":{"iin":"1"}}"#);
    }
}

#[wasm_bindgen_test]
async fn a_submission_without_a_key_gets_one_and_keeps_it_on_retry() {
    let calls = script_fetch(js(r#"["offline", {"status":201,"body":{"number":"1"}}]"#));
    settle(client().submit(Ts::new_unchecked(js("{}")), JsValue::UNDEFINED)).await.unwrap();
    let first = header(&calls.get(0), "idempotency-key");
    assert_eq!(first.len(), 36, "a UUID: {first}");
    assert_eq!(header(&calls.get(1), "idempotency-key"), first);
}

#[wasm_bindgen_test]
async fn a_refusal_is_a_typed_error_told_in_the_clients_language_and_not_sent_again() {
    let calls = script_fetch(js(r#"[{"status":422,"body":{"errors":[{"field":"child.iin","code":"iin.checksum","message":"server words"}]}}]"#));
    let error = settle(client().submit(Ts::new_unchecked(js("{}")), "k".into())).await.unwrap_err();
    assert_eq!(calls.length(), 1);
    assert!(error.is_instance_of::<js_sys::Error>());
    assert_eq!(text(&error, "name"), "BackendError");
    assert_eq!(text(&error, "kind"), "rejected");
    assert_eq!(get(&error, "status").as_f64(), Some(422.0));
    assert_eq!(text(&error, "code"), "iin.checksum");
    assert_eq!(Array::from(&get(&error, "errors")).length(), 1);
    // The catalog's English text for the code, not the server's words.
    assert_eq!(text(&error, "message"), kezek::i18n::text(kezek::i18n::Lang::En, "iin.checksum"));

    // In Russian after a switch; a code the catalogs do not know is told in the server's words.
    let mut ru = client();
    ru.set_language("ru".into());
    script_fetch(js(r#"[{"status":409,"body":{"errors":[{"field":"","code":"no.such.code","message":"слова сервера"}]}}]"#));
    let error = settle(ru.withdraw("1234567890128".into())).await.unwrap_err();
    assert_eq!(text(&error, "message"), "слова сервера");
}

#[wasm_bindgen_test]
async fn a_write_that_is_not_idempotent_is_not_sent_again_after_a_lost_answer() {
    let calls = script_fetch(js(r#"["offline"]"#));
    let error = withdraw_with_token().await.unwrap_err();
    assert_eq!(calls.length(), 1);
    assert_eq!(text(&error, "kind"), "offline");
    assert_eq!(get(&error, "status").as_f64(), Some(0.0));
    assert!(get(&error, "code").is_null());
    assert_eq!(text(&error, "message"), kezek::i18n::text(kezek::i18n::Lang::En, "backend.offline"));
    let call = calls.get(0);
    assert!(text(&call, "url").ends_with("/api/applications/1234567890128/withdraw"));
    assert_eq!(header(&call, "authorization"), "Bearer tok");
    assert_eq!(text(&call, "body"), "{}");
}

/// Why the client does not use gloo-net's `send`: it panics, trapping the whole module, when
/// `fetch` resolves to anything but a `Response` (gloo-net 0.6.0 and 0.7.0, `src/http/request.rs`).
#[wasm_bindgen_test]
async fn a_fetch_that_answers_no_response_is_an_error_and_the_module_lives_on() {
    let calls = script_fetch(js(r#"["plain"]"#));
    let error = withdraw_with_token().await.unwrap_err();
    assert_eq!(calls.length(), 1);
    assert_eq!(text(&error, "name"), "BackendError");
    assert_eq!(text(&error, "kind"), "offline");

    // The module answers the next call: nothing trapped.
    script_fetch(js(r#"[{"status":200,"body":{"state":"withdrawn"}}]"#));
    let answer = withdraw_with_token().await.unwrap();
    assert_eq!(text(&answer, "state"), "withdrawn");
}

#[wasm_bindgen_test]
async fn a_read_is_tried_three_times_then_fails() {
    let calls = script_fetch(js(r#"["offline", {"status":500}, "offline"]"#));
    let error = settle(client().status("1234567890128".into())).await.unwrap_err();
    assert_eq!(calls.length(), 3);
    assert_eq!(text(&error, "kind"), "offline");
    assert_eq!(header(&calls.get(0), "authorization"), "", "no token, no Authorization");
}

#[wasm_bindgen_test]
async fn nobody_signed_in_is_null_and_answers_keep_their_shape() {
    script_fetch(js(r#"[{"status":401,"body":{"errors":[]}}]"#));
    assert!(settle(client().me()).await.unwrap().is_null());

    script_fetch(js(r#"[{"status":200,"text":"{\"windowOpensAt\":\"07:00\"}"}]"#));
    assert_eq!(settle(client().policy()).await.unwrap().as_string().unwrap(), r#"{"windowOpensAt":"07:00"}"#);

    let calls = script_fetch(js(r#"[{"status":200,"text":"KZSQ"}]"#));
    let bytes = settle(client().snapshot("q_0123456789abcdef".into())).await.unwrap();
    assert_eq!(js_sys::Uint8Array::new(&bytes).to_vec(), b"KZSQ");
    assert!(text(&calls.get(0), "url").ends_with("/api/queues/q_0123456789abcdef/snapshot"));

    let calls = script_fetch(js(r#"[{"status":200,"body":{"checkpoint":"c"}}]"#));
    settle(client().register("12/34".into(), Some(41.0))).await.unwrap();
    let url = text(&calls.get(0), "url");
    assert!(url.ends_with("/api/applications/12%2F34/register?from=41"), "the number is one path segment: {url}");
    // Nothing kept (or a size that is no size): no consistency proof is asked for.
    for from in [None, Some(f64::NAN), Some(-1.0)] {
        let calls = script_fetch(js(r#"[{"status":200,"body":{"checkpoint":"c"}}]"#));
        settle(client().register("1".into(), from)).await.unwrap();
        assert!(text(&calls.get(0), "url").ends_with("/api/applications/1/register"), "{from:?}");
    }
}

#[wasm_bindgen_test]
async fn requests_carry_the_contracts_bodies() {
    let calls = script_fetch(js(r#"[{"status":201,"body":{"id":"r1"}}, {"status":200,"body":{"id":"r1"}}]"#));
    let claim = Ts::new_unchecked(js(r#"{"number":"1234567890128","vacancyId":"v1"}"#));
    let referral = settle(client().claim(claim, JsValue::UNDEFINED)).await.unwrap();
    assert_eq!(text(&referral, "id"), "r1");
    assert_eq!(text(&calls.get(0), "body"), r#"{"number":"1234567890128","vacancyId":"v1"}"#);
    assert_eq!(header(&calls.get(0), "idempotency-key").len(), 36);
    let extend = Ts::new_unchecked(js(r#"{"number":"1234567890128","reason":"illness"}"#));
    let calls = script_fetch(js(r#"[{"status":200,"body":{"id":"r1"}}]"#));
    settle(client().extend("r 1".into(), extend)).await.unwrap();
    assert!(text(&calls.get(0), "url").ends_with("/api/referrals/r%201/extend"));
    assert_eq!(text(&calls.get(0), "body"), r#"{"number":"1234567890128","reason":"illness"}"#);
}

#[wasm_bindgen_test]
async fn an_argument_that_cannot_be_sent_rejects_before_anything_is_sent() {
    let calls = script_fetch(js("[]"));
    let error = client().set_token("bad\ntoken".into()).unwrap_err();
    assert_eq!(text(&error, "code"), "arg.type");
    let error = settle(client().status(JsValue::from(12))).await.unwrap_err();
    assert_eq!(text(&error, "kind"), "rejected");
    assert_eq!(text(&error, "code"), "arg.type");
    assert_eq!(calls.length(), 0);
}

#[wasm_bindgen_test]
async fn the_ticker_calls_back_with_the_status_view_at_once_and_stops() {
    let seen = Array::new();
    let record = Function::new_with_args("view", "this.push(view)").bind0(&seen);
    let status = Ts::new_unchecked(js(r#"{"state":"queued","interested":true}"#));
    let mut ticker = StatusTicker::new(status, "en".into(), 0.0, record).unwrap();
    assert_eq!(seen.length(), 1, "the first view comes at once");
    assert_eq!(text(&seen.get(0), "state"), "queued");
    assert!(!text(&seen.get(0), "title").is_empty());
    assert!(ticker.running());
    JsFuture::from(Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 1100).unwrap();
    }))
    .await
    .unwrap();
    assert!(seen.length() >= 2, "a second view after a second");
    ticker.stop();
    assert!(!ticker.running());

    let bad = StatusTicker::new(Ts::new_unchecked(js(r#"{"state":"nonsense"}"#)), "en".into(), 0.0, Function::new_no_args(""));
    assert_eq!(text(&bad.err().unwrap(), "code"), "status.format");

    // A callback that throws stops the ticker instead of throwing every second.
    let thrower = StatusTicker::new(Ts::new_unchecked(js(r#"{"state":"queued","interested":true}"#)), "en".into(), 0.0, Function::new_no_args("throw new Error('x')")).unwrap();
    assert!(!thrower.running());
}

#[wasm_bindgen_test]
fn the_last_confirmed_checkpoint_is_kept_per_log() {
    let signer = NoteSigner::new("kezek.test/log", &[7; 32]).unwrap();
    let vkey = signer.vkey();
    let note = signer.sign_checkpoint(&Checkpoint::new("kezek.test/log", 42, EMPTY_ROOT)).unwrap();
    web_sys::window().unwrap().local_storage().unwrap().unwrap().clear().unwrap();
    assert!(last_checkpoint(vkey.clone().into()).is_none());
    assert!(keep_checkpoint(vkey.clone().into(), note.clone().into()));
    let kept = last_checkpoint(vkey.clone().into()).unwrap();
    assert_eq!(text(&kept.js_value(), "checkpoint"), note);
    assert_eq!(get(&kept.js_value(), "size").as_f64(), Some(42.0), "the size, for the register's ?from=");
    assert_eq!(
        web_sys::window().unwrap().local_storage().unwrap().unwrap().get_item("kezek.checkpoint:kezek.test/log").unwrap().as_deref(),
        Some(note.as_str())
    );
    // Not a checkpoint, not a key: nothing kept.
    assert!(!keep_checkpoint(vkey.clone().into(), "not a note".into()));
    assert!(!keep_checkpoint("not a key".into(), note.into()));
    assert!(last_checkpoint("not a key".into()).is_none());
}
