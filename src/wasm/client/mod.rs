//! `Client`: the backend, as a page sees it (`server/openapi.yaml`). Every method sends one
//! request of the contract (`src/contract`) and returns a promise of its typed answer, or
//! rejects with a `BackendError`: an `Error` whose `message` is for the person, in the
//! client's language, and whose `kind` (`offline`, `timeout`, `server`, `rejected`), `status`,
//! `code` (the backend's first error code, or `null`) and `errors` are for the program.
//!
//! ```js
//! const client = new Client("", "ru");
//! const receipt = await client.submit(form, crypto.randomUUID());
//! const view = await client.status(receipt.number);
//! await client.claim({ number: view.number, vacancyId: view.seats[0].vacancyId });
//! ```
//!
//! * A failed attempt is sent again with back-off when that cannot do the work twice
//!   (`crate::contract::failure::Retry`): reads, the submission and a claim (every attempt
//!   carries the same `Idempotency-Key`), and any request the backend did not act on (429, 503).
//! * Who acts: the signed-in person, by the session cookie (HttpOnly: the page never sees it;
//!   requests are `credentials: "same-origin"`). Only where sign-in is not set up is an
//!   application's token given to the client (`setToken`) and sent as `Authorization: Bearer`
//!   with the calls on an application.
//! * Request bodies are the contract's request types (`ClaimRequest`, …), sent as the page
//!   gives them (`JSON.stringify`): the backend reads them with the same Rust types and refuses
//!   what does not fit (422 with the field), so nothing is checked twice.
//! * No call throws: a malformed argument (a number that is not a string, a body that cannot
//!   be JSON) rejects the promise with `kind: "rejected"` and `code: "arg.type"` before
//!   anything is sent.

mod call;

use super::{json_text, optional_string_arg};
use crate::application::Draft;
use crate::contract::failure::Retry;
use crate::contract::{CancelRequest, ClaimRequest, ClockMove, ExtendRequest, Interest, NotificationSettings};
use crate::i18n::Lang;
use call::{Answer, Call};
use js_sys::Promise;
use tsify::Ts;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const BACKEND_ERROR: &str = r#"
/** How a `Client` call rejects: `message` is for the person, in the client's language. */
export interface BackendError extends Error {
  name: "BackendError";
  /** `offline` (no answer), `timeout`, `server` (5xx, 429) or `rejected` (4xx). */
  kind: "offline" | "timeout" | "server" | "rejected";
  /** The HTTP status, 0 without an answer. */
  status: number;
  /** The backend's first error code (`application.unknown`, …), or `null`. */
  code: string | null;
  /** The backend's errors, each `{ field, code, message }`. */
  errors: ApiIssue[];
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> String;
}

/// The reference backend's client. `base` is the backend's origin and path prefix (`""`: the
/// page's own origin); `lang` (`kk`, `ru`, `en`) is sent as `Accept-Language` and is the
/// language of the errors' messages.
#[wasm_bindgen]
pub struct Client {
    base: String,
    lang: Lang,
    /// The application's token, only where sign-in is not set up (`setToken`).
    token: Option<String>,
}

/// One route of the backend: `{prefix}{segment}{suffix}` (the segment percent-encoded), its
/// method, whether a repeat is safe (`Retry::safe`), and what its answer is.
struct Route {
    post: bool,
    prefix: &'static str,
    suffix: &'static str,
    safe: bool,
    answer: Answer,
}

const fn get(prefix: &'static str, suffix: &'static str, answer: Answer) -> Route {
    Route { post: false, prefix, suffix, safe: true, answer }
}

const fn post(prefix: &'static str, suffix: &'static str, safe: bool) -> Route {
    Route { post: true, prefix, suffix, safe, answer: Answer::Json }
}

const APPLICATION: &str = "/api/applications/";
const REFERRAL: &str = "/api/referrals/";

/// What a method adds to its route, as JavaScript gave it.
#[derive(Default)]
struct Args<'a> {
    /// The path segment (an application number, a referral id, a queue).
    segment: Option<&'a JsValue>,
    /// Whether the application's token goes with it (`setToken`), where there is one.
    auth: bool,
    body: Option<&'a JsValue>,
    /// The `Idempotency-Key` (a fresh one when the page gave none).
    key: Option<&'a JsValue>,
    /// `?from=` (the register's consistency proof).
    from: Option<u64>,
}

/// `encodeURIComponent`: every byte but the unreserved ones is percent-encoded.
fn push_segment(url: &mut String, segment: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            url.push(char::from(b));
        } else {
            url.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
        }
    }
}

/// `n` in decimal (without `format!`'s machinery).
fn push_digits(out: &mut String, n: u64) {
    if n >= 10 {
        push_digits(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// A header value: visible ASCII only, at most 200 bytes; anything else is not a token or a key.
fn header_value(value: &str) -> Option<&str> {
    (!value.is_empty() && value.len() <= 200 && value.bytes().all(|b| b.is_ascii_graphic())).then_some(value)
}

/// A request refused before it is sent: rejects like a refusal, with `code: "arg.type"`.
fn refuse(what: &str) -> Promise {
    let error = super::js_error("arg.type", what);
    call::set_fields(&error, &[("kind", "rejected".into()), ("status", 0.into()), ("errors", js_sys::Array::new().into())]);
    Promise::reject(&error)
}

impl Client {
    /// Builds the call for `route` with `args` and sends it: the one place a request is made.
    #[inline(never)]
    fn send(&self, route: Route, args: Args) -> Promise {
        let mut url = [self.base.as_str(), route.prefix].concat();
        if let Some(segment) = args.segment {
            let Some(segment) = segment.as_string() else { return refuse("number, referralId, queue: expected a string") };
            push_segment(&mut url, &segment);
        }
        url.push_str(route.suffix);
        if let Some(from) = args.from {
            url.push_str("?from=");
            push_digits(&mut url, from);
        }
        let mut headers = Vec::new();
        if let Some(token) = self.token.as_deref().filter(|_| args.auth) {
            headers.push(("authorization", ["Bearer ", token].concat()));
        }
        if let Some(key) = args.key {
            let key = optional_string_arg(key).unwrap_or_else(random_uuid);
            let Some(key) = header_value(&key) else { return refuse("key: not an idempotency key") };
            headers.push(("idempotency-key", key.to_owned()));
        }
        let body = match args.body.map(json_text) {
            None => None,
            Some(Some(text)) => Some(text),
            Some(None) => return refuse("body: expected an object"),
        };
        Call { post: route.post, url, body, headers, answer: route.answer, retry: Retry { safe: route.safe }, lang: self.lang }.promise()
    }
}

#[wasm_bindgen]
impl Client {
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "string")] base: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
    ) -> Client {
        let base = optional_string_arg(&base).unwrap_or_default();
        Client { base: base.trim_end_matches('/').to_owned(), lang: super::lang_arg(&lang), token: None }
    }

    /// The application's token, sent as `Authorization: Bearer` with the calls on an
    /// application, only where sign-in is not set up; `null` (with a session) sends none.
    /// Throws `arg.type` for a token that cannot be a header.
    #[wasm_bindgen(js_name = setToken)]
    pub fn set_token(&mut self, #[wasm_bindgen(unchecked_param_type = "string | null")] token: JsValue) -> Result<(), JsValue> {
        self.token = match optional_string_arg(&token).filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => Some(header_value(&token).ok_or_else(|| super::js_error("arg.type", "token: not an application token"))?.to_owned()),
        };
        Ok(())
    }

    /// The language of the requests and of the errors' messages from now on.
    #[wasm_bindgen(js_name = setLanguage)]
    pub fn set_language(&mut self, #[wasm_bindgen(unchecked_param_type = "string")] lang: JsValue) {
        self.lang = super::lang_arg(&lang);
    }

    /// `GET /api/me`: the signed-in person, or `null` when nobody is.
    #[wasm_bindgen(unchecked_return_type = "Promise<Me | null>")]
    pub fn me(&self) -> Promise {
        self.send(get("/api/me", "", Answer::JsonOrNullIfUnauthorized), Args::default())
    }

    /// `GET /api/me/applications`, newest first.
    #[wasm_bindgen(js_name = myApplications, unchecked_return_type = "Promise<MyApplications>")]
    pub fn my_applications(&self) -> Promise {
        self.send(get("/api/me/applications", "", Answer::Json), Args::default())
    }

    /// `POST /auth/logout`: ends the session (the answer clears the cookie).
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(&self) -> Promise {
        self.send(Route { answer: Answer::Nothing, ..post("/auth/logout", "", true) }, Args::default())
    }

    /// `GET /api/policy`: the provider's times, as the text `loadPolicy` takes.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn policy(&self) -> Promise {
        self.send(get("/api/policy", "", Answer::Text), Args::default())
    }

    /// `GET /api/time`: the service's clock.
    #[wasm_bindgen(unchecked_return_type = "Promise<Time>")]
    pub fn clock(&self) -> Promise {
        self.send(get("/api/time", "", Answer::Json), Args::default())
    }

    /// `GET /api/bulletin`: the published places (rule 24.3).
    #[wasm_bindgen(unchecked_return_type = "Promise<Bulletin>")]
    pub fn bulletin(&self) -> Promise {
        self.send(get("/api/bulletin", "", Answer::Json), Args::default())
    }

    /// `POST /api/applications` (Appendix 1). `key`: the submission's `Idempotency-Key`, the
    /// same for every retry of the same form (a fresh one when absent).
    #[wasm_bindgen(unchecked_return_type = "Promise<SubmitAnswer>")]
    pub fn submit(&self, application: Ts<Draft<'static>>, #[wasm_bindgen(unchecked_optional_param_type = "string")] key: JsValue) -> Promise {
        let body = application.js_value();
        self.send(post("/api/applications", "", true), Args { body: Some(&body), key: Some(&key), ..Args::default() })
    }

    /// `GET /api/applications/{number}/status`: the applicant's view of the application.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApplicationView>")]
    pub fn status(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    ) -> Promise {
        self.send(get(APPLICATION, "/status", Answer::Json), Args { segment: Some(&number), auth: true, ..Args::default() })
    }

    /// `POST /api/applications/{number}/interest` (rules 20.2, 20.7): sent again safely, it
    /// sets the same value.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApplicationView>")]
    pub fn interest(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
        interest: Ts<Interest>,
    ) -> Promise {
        let body = interest.js_value();
        self.send(post(APPLICATION, "/interest", true), Args { segment: Some(&number), auth: true, body: Some(&body), ..Args::default() })
    }

    /// `POST /api/applications/{number}/withdraw` (rules 20.4, 23). Not sent again after a
    /// lost answer: the page reads the status instead.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApplicationView>")]
    pub fn withdraw(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    ) -> Promise {
        let body = js_sys::Object::new().into();
        self.send(post(APPLICATION, "/withdraw", false), Args { segment: Some(&number), auth: true, body: Some(&body), ..Args::default() })
    }

    /// `POST /api/claims` (rules 24.4, 24.5, 24.10): a repeat returns the referral already held.
    #[wasm_bindgen(unchecked_return_type = "Promise<ReferralView>")]
    pub fn claim(
        &self,
        claim: Ts<ClaimRequest>,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] key: JsValue,
    ) -> Promise {
        let body = claim.js_value();
        self.send(post("/api/claims", "", true), Args { auth: true, body: Some(&body), key: Some(&key), ..Args::default() })
    }

    /// `POST /api/referrals/{referralId}/cancel` (rule 30: within a day of issue).
    #[wasm_bindgen(unchecked_return_type = "Promise<ReferralView>")]
    pub fn cancel(
        &self,
        #[wasm_bindgen(js_name = referralId, unchecked_param_type = "string")] referral_id: JsValue,
        cancel: Ts<CancelRequest>,
    ) -> Promise {
        let body = cancel.js_value();
        self.send(post(REFERRAL, "/cancel", false), Args { segment: Some(&referral_id), auth: true, body: Some(&body), ..Args::default() })
    }

    /// `POST /api/referrals/{referralId}/extend` (rule 30: once, for a reason, until a day at
    /// most 30 calendar days after issue).
    #[wasm_bindgen(unchecked_return_type = "Promise<ReferralView>")]
    pub fn extend(
        &self,
        #[wasm_bindgen(js_name = referralId, unchecked_param_type = "string")] referral_id: JsValue,
        extend: Ts<ExtendRequest>,
    ) -> Promise {
        let body = extend.js_value();
        self.send(post(REFERRAL, "/extend", false), Args { segment: Some(&referral_id), auth: true, body: Some(&body), ..Args::default() })
    }

    /// `GET /api/applications/{number}/notifications`: the channels and language chosen.
    #[wasm_bindgen(unchecked_return_type = "Promise<NotificationSettings>")]
    pub fn notifications(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
    ) -> Promise {
        self.send(get(APPLICATION, "/notifications", Answer::Json), Args { segment: Some(&number), auth: true, ..Args::default() })
    }

    /// `POST /api/applications/{number}/notifications`: saves the choice (sent again safely:
    /// it sets the same value).
    #[wasm_bindgen(js_name = saveNotifications, unchecked_return_type = "Promise<NotificationSettings>")]
    pub fn save_notifications(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue,
        choice: Ts<NotificationSettings>,
    ) -> Promise {
        let body = choice.js_value();
        self.send(post(APPLICATION, "/notifications", true), Args { segment: Some(&number), auth: true, body: Some(&body), ..Args::default() })
    }

    /// `GET /api/applications/{number}/register`: the evidence `verifyRegister` checks, with a
    /// consistency proof from the log size `from` this browser last confirmed
    /// (`lastCheckpoint(verifierKey)?.size`).
    #[wasm_bindgen(unchecked_return_type = "Promise<RegisterAnswer>")]
    pub fn register(&self, #[wasm_bindgen(unchecked_param_type = "string")] number: JsValue, from: Option<f64>) -> Promise {
        let from = from.filter(|f| f.is_finite() && *f >= 0.0).map(|f| f as u64);
        self.send(get(APPLICATION, "/register", Answer::Json), Args { segment: Some(&number), auth: true, from, ..Args::default() })
    }

    /// `GET /api/queues/{queue}/snapshot`: the queue's published snapshot, for `QueueSnapshot.fromBytes`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn snapshot(&self, #[wasm_bindgen(unchecked_param_type = "string")] queue: JsValue) -> Promise {
        self.send(get("/api/queues/", "/snapshot", Answer::Bytes), Args { segment: Some(&queue), ..Args::default() })
    }

    /// `POST /api/demo/clock`: moves the demo's clock (the backend in demo mode only).
    #[wasm_bindgen(js_name = advanceClock, unchecked_return_type = "Promise<Time>")]
    pub fn advance_clock(&self, to: Ts<ClockMove>) -> Promise {
        let body = to.js_value();
        self.send(post("/api/demo/clock", "", false), Args { body: Some(&body), ..Args::default() })
    }
}
