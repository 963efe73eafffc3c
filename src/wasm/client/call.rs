//! One call to the backend: sent with the browser's `fetch` (a web-sys `Request`), tried again
//! with back-off (gloo-timers) as [`Retry`] decides, every attempt with the same headers (so the same
//! `Idempotency-Key`), and answered as the promise the client's method returns.
//!
//! Answers are handed to the browser's JSON reader as they come: the package carries no
//! derived deserializer (its size budget), and their type is the contract's (`src/contract`),
//! which the backend writes and a server test holds to `openapi.yaml`.
//!
//! Size: every method shares this one future, and the future only awaits; building the
//! request and reading the answer are plain functions. Not gloo-net: its request builder cost
//! 1.9 KB gzip of the package's budget (it re-parses every URL through `URL` for its query
//! support), and its `send` panics, trapping the module, should `fetch` answer something that
//! is not a `Response`; this one rejects instead.

use crate::contract::failure::{failure_message, FailureKind, Retry, TIMEOUT_MS};
use crate::i18n::Lang;
use gloo_timers::callback::Timeout;
use js_sys::{Array, Error, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal, Headers, RequestCache, RequestCredentials, RequestInit};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (looked up at each call, so a test can stand in for it).
    #[wasm_bindgen(js_name = fetch)]
    fn fetch(request: &web_sys::Request) -> Promise;
}

/// A promise resolved after `ms` milliseconds: gloo-timers' timeout, awaited as a promise
/// (its `TimeoutFuture` would add a channel implementation to the package).
fn sleep(ms: u32) -> Promise {
    Promise::new(&mut |resolve, _| {
        Timeout::new(ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        })
        .forget();
    })
}

/// What the caller gets from a successful answer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    /// The JSON body, parsed.
    Json,
    /// The JSON body, or `null` when the answer is 401 (`me`: nobody is signed in).
    JsonOrNullIfUnauthorized,
    /// The body as text (the policy, which `loadPolicy` reads as it is).
    Text,
    /// The body's bytes (a queue snapshot), as a `Uint8Array`.
    Bytes,
    /// Nothing (`undefined`).
    Nothing,
}

/// A request, ready to be sent as many times as [`Retry`] allows.
pub(super) struct Call {
    pub post: bool,
    pub url: String,
    pub body: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    pub answer: Answer,
    pub retry: Retry,
    pub lang: Lang,
}

/// An attempt that did not give the answer.
struct Failure {
    kind: FailureKind,
    status: u16,
    retry_after_s: Option<u32>,
    /// The parsed error body (`{ errors: [...] }`), or `undefined`.
    body: JsValue,
}

impl Failure {
    fn without_answer(kind: FailureKind) -> Failure {
        Failure { kind, status: 0, retry_after_s: None, body: JsValue::UNDEFINED }
    }

    /// The error the promise rejects with: an `Error` whose message is for the person (in the
    /// call's language) and whose `kind`, `status`, `code` and `errors` are for the program
    /// (`BackendError` in the `.d.ts`).
    #[inline(never)]
    fn into_js(self, lang: Lang) -> JsValue {
        let errors = Reflect::get(&self.body, &"errors".into()).ok().filter(Array::is_array).unwrap_or_else(|| Array::new().into());
        let first = Reflect::get(&errors, &0.into()).unwrap_or(JsValue::UNDEFINED);
        let field = |name: &str| Reflect::get(&first, &name.into()).ok().and_then(|v| v.as_string());
        let code = field("code");
        let error = Error::new(&failure_message(self.kind, code.as_deref(), field("message").as_deref(), lang));
        error.set_name("BackendError");
        let code = code.map_or(JsValue::NULL, JsValue::from);
        set_fields(&error, &[("kind", self.kind.code().into()), ("status", self.status.into()), ("code", code), ("errors", errors)]);
        error.into()
    }
}

/// Sets the properties a rejection carries for the program (`kind`, `status`, `code`, `errors`:
/// `BackendError` in the `.d.ts`) on a fresh error.
pub(super) fn set_fields(error: &JsValue, fields: &[(&str, JsValue)]) {
    for (key, value) in fields {
        // Setting a property on a fresh Error cannot fail.
        let _ = Reflect::set(error, &(*key).into(), value);
    }
}

/// An attempt in flight: the request, and the timer that abandons it after [`TIMEOUT_MS`]
/// (cleared when dropped).
struct Attempt {
    request: web_sys::Request,
    signal: AbortSignal,
    _deadline: Timeout,
}

/// An answer that came: what to await for its body, if anything, and how to read it.
enum Reading {
    Done(Result<JsValue, Failure>),
    Body { body: Promise, failure: Option<Failure> },
}

impl Call {
    /// Sends the call and answers its promise (the one future every method of the client shares).
    #[inline(never)]
    pub fn promise(self) -> Promise {
        future_to_promise(self.run())
    }

    async fn run(self) -> Result<JsValue, JsValue> {
        let mut attempt = 1;
        loop {
            let failure = match self.attempt().await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            match self.retry.delay_ms(attempt, failure.kind, failure.status, failure.retry_after_s) {
                Some(ms) => {
                    let _ = JsFuture::from(sleep(ms)).await;
                }
                None => return Err(failure.into_js(self.lang)),
            }
            attempt += 1;
        }
    }

    async fn attempt(&self) -> Result<JsValue, Failure> {
        let Attempt { request, signal, _deadline } = self.request()?;
        let sent = JsFuture::from(fetch(&request)).await.and_then(|r| r.dyn_into::<web_sys::Response>());
        let response = sent.map_err(|_| Failure::without_answer(if signal.aborted() { FailureKind::Timeout } else { FailureKind::Offline }))?;
        match self.read(response) {
            Reading::Done(result) => result,
            Reading::Body { body, failure: Some(mut failure) } => {
                // An error body that is not JSON says nothing more than its status.
                failure.body = JsFuture::from(body).await.unwrap_or(JsValue::UNDEFINED);
                Err(failure)
            }
            Reading::Body { body, failure: None } => {
                let value = JsFuture::from(body).await;
                // A body that breaks off, or is not the JSON the contract promises, is the backend's failure.
                value.map(|v| if self.answer == Answer::Bytes { Uint8Array::new(&v).into() } else { v }).map_err(|_| Failure::without_answer(FailureKind::Server))
            }
        }
    }

    #[inline(never)]
    fn request(&self) -> Result<Attempt, Failure> {
        let failed = |_| Failure::without_answer(FailureKind::Offline);
        let controller = AbortController::new().map_err(failed)?;
        let signal = controller.signal();
        let init = RequestInit::new();
        init.set_method(if self.post { "POST" } else { "GET" });
        init.set_credentials(RequestCredentials::SameOrigin);
        init.set_cache(RequestCache::NoCache);
        init.set_signal(Some(&signal));
        let headers = Headers::new().map_err(failed)?;
        headers.set("accept-language", self.lang.code()).map_err(failed)?;
        for (name, value) in &self.headers {
            headers.set(name, value).map_err(failed)?;
        }
        if let Some(body) = &self.body {
            headers.set("content-type", "application/json").map_err(failed)?;
            init.set_body(&JsValue::from_str(body));
        }
        init.set_headers(&headers);
        let request = web_sys::Request::new_with_str_and_init(&self.url, &init).map_err(failed)?;
        Ok(Attempt { request, signal, _deadline: Timeout::new(TIMEOUT_MS, move || controller.abort()) })
    }

    #[inline(never)]
    fn read(&self, raw: web_sys::Response) -> Reading {
        let status = raw.status();
        let retry_after_s = raw.headers().get("retry-after").ok().flatten().and_then(|s| s.trim().parse().ok());
        if status == 401 && self.answer == Answer::JsonOrNullIfUnauthorized {
            return Reading::Done(Ok(JsValue::NULL));
        }
        let failure = FailureKind::of_status(status).map(|kind| Failure { kind, status, retry_after_s, body: JsValue::UNDEFINED });
        let body = match (&failure, self.answer) {
            (Some(_), _) | (None, Answer::Json | Answer::JsonOrNullIfUnauthorized) => raw.json(),
            (None, Answer::Text) => raw.text(),
            (None, Answer::Bytes) => raw.array_buffer(),
            (None, Answer::Nothing) => return Reading::Done(Ok(JsValue::UNDEFINED)),
        };
        match body {
            Ok(body) => Reading::Body { body, failure },
            // The body was already read: cannot happen to a fresh answer.
            Err(_) => Reading::Done(Err(failure.unwrap_or(Failure::without_answer(FailureKind::Server)))),
        }
    }
}
