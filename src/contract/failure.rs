//! A call to the backend that did not give its answer: what kind of failure it was, whether
//! the client tries again and after how long, and what the person is told.
//!
//! The package's client (`src/wasm/client`) sends the requests; this module decides, so the
//! policy is plain Rust tested natively, with time as a number of milliseconds passed in.
//!
//! Trying again is safe only when the request cannot do its work twice
//! ([`Retry::safe`]): a read, or a write the backend makes idempotent (an `Idempotency-Key`
//! the backend honours, or a write whose repeat answers the first result, like a claim that
//! returns the referral already held). A request the backend provably did not act on — `429`
//! (`rate.limited`) or `503` (`db.busy`, the write was rolled back) — is tried again even when
//! it is not safe. A refusal (`4xx`) is never tried again: the same request gets the same answer.

use crate::i18n::{self, Lang};
use serde::Serialize;
use tsify::Tsify;

/// How a call failed. The stable codes are the `kind` of the error the client rejects with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// No answer: the network failed (or the browser is offline).
    Offline,
    /// No answer within [`TIMEOUT_MS`]: the request was abandoned.
    Timeout,
    /// The backend failed or is busy: `5xx`, or `429` (`rate.limited`).
    Server,
    /// The backend refused the request (`4xx`): the body says why.
    Rejected,
}

impl FailureKind {
    /// The kind of an answer with HTTP status `status`, or `None` when it is a success.
    pub fn of_status(status: u16) -> Option<FailureKind> {
        match status {
            200..=299 => None,
            429 | 500.. => Some(FailureKind::Server),
            _ => Some(FailureKind::Rejected),
        }
    }

    /// The stable code, as the client's error has it.
    pub fn code(self) -> &'static str {
        match self {
            FailureKind::Offline => "offline",
            FailureKind::Timeout => "timeout",
            FailureKind::Server => "server",
            FailureKind::Rejected => "rejected",
        }
    }

    /// The catalog key of the general message for this kind (`backend.offline`, …).
    fn message_key(self) -> &'static str {
        match self {
            FailureKind::Offline => "backend.offline",
            FailureKind::Timeout => "backend.timeout",
            FailureKind::Server => "backend.server",
            FailureKind::Rejected => "backend.rejected",
        }
    }
}

/// How long one attempt may take before it is abandoned as a [`FailureKind::Timeout`].
pub const TIMEOUT_MS: u32 = 15_000;

/// How many times a call is sent at most, the first included.
pub const MAX_ATTEMPTS: u32 = 3;

/// The longest wait between two attempts, whatever `Retry-After` asks.
pub const MAX_DELAY_MS: u32 = 5_000;

/// What decides whether a failed attempt is sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Whether sending the request twice cannot do its work twice (see the module docs).
    pub safe: bool,
}

impl Retry {
    /// How long to wait before attempt `attempt + 1`, after attempt `attempt` (1 for the first)
    /// failed with `kind` and HTTP `status` (0 without an answer); `retry_after_s` is the
    /// answer's `Retry-After` in seconds, if it gave one. `None`: do not try again.
    ///
    /// Back-off: 500 ms, then 1.5 s (×3), or what `Retry-After` asks, at most [`MAX_DELAY_MS`].
    pub fn delay_ms(self, attempt: u32, kind: FailureKind, status: u16, retry_after_s: Option<u32>) -> Option<u32> {
        if attempt >= MAX_ATTEMPTS {
            return None;
        }
        let not_acted_on = matches!(status, 429 | 503);
        let again = match kind {
            FailureKind::Rejected => status == 429,
            FailureKind::Server => self.safe || not_acted_on,
            FailureKind::Offline | FailureKind::Timeout => self.safe,
        };
        if !again {
            return None;
        }
        let backoff = 500u32.saturating_mul(3u32.saturating_pow(attempt - 1));
        let asked = retry_after_s.map_or(0, |s| s.saturating_mul(1000));
        Some(backoff.max(asked).min(MAX_DELAY_MS))
    }
}

/// What the person is told about a failure, in `lang`: the catalog's text for the backend's
/// first error code when the catalogs know it (an unknown application, a closed window…), else
/// the backend's own message for it (written in the request's language), else the general
/// message of the failure's kind.
pub fn failure_message(kind: FailureKind, code: Option<&str>, said: Option<&str>, lang: Lang) -> String {
    match (code, said) {
        (Some(code), _) if i18n::has(lang, code) => i18n::text(lang, code),
        (_, Some(said)) if !said.trim().is_empty() => said.to_owned(),
        _ => i18n::text(lang, kind.message_key()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAFE: Retry = Retry { safe: true };
    const UNSAFE: Retry = Retry { safe: false };

    #[test]
    fn answers_are_classified_by_status() {
        assert_eq!(FailureKind::of_status(200), None);
        assert_eq!(FailureKind::of_status(201), None);
        assert_eq!(FailureKind::of_status(204), None);
        assert_eq!(FailureKind::of_status(401), Some(FailureKind::Rejected));
        assert_eq!(FailureKind::of_status(422), Some(FailureKind::Rejected));
        assert_eq!(FailureKind::of_status(429), Some(FailureKind::Server));
        assert_eq!(FailureKind::of_status(500), Some(FailureKind::Server));
        assert_eq!(FailureKind::of_status(503), Some(FailureKind::Server));
    }

    #[test]
    fn a_safe_request_backs_off_and_gives_up_after_the_last_attempt() {
        assert_eq!(SAFE.delay_ms(1, FailureKind::Offline, 0, None), Some(500));
        assert_eq!(SAFE.delay_ms(2, FailureKind::Timeout, 0, None), Some(1500));
        assert_eq!(SAFE.delay_ms(MAX_ATTEMPTS, FailureKind::Offline, 0, None), None);
        assert_eq!(SAFE.delay_ms(1, FailureKind::Server, 500, None), Some(500));
    }

    #[test]
    fn an_unsafe_request_is_sent_again_only_when_the_backend_did_not_act() {
        assert_eq!(UNSAFE.delay_ms(1, FailureKind::Offline, 0, None), None);
        assert_eq!(UNSAFE.delay_ms(1, FailureKind::Timeout, 0, None), None);
        assert_eq!(UNSAFE.delay_ms(1, FailureKind::Server, 500, None), None);
        assert_eq!(UNSAFE.delay_ms(1, FailureKind::Server, 503, None), Some(500));
        assert_eq!(UNSAFE.delay_ms(1, FailureKind::Server, 429, None), Some(500));
    }

    #[test]
    fn a_refusal_is_never_sent_again() {
        for status in [400, 401, 403, 404, 409, 415, 422] {
            assert_eq!(SAFE.delay_ms(1, FailureKind::Rejected, status, None), None, "{status}");
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        assert_eq!(SAFE.delay_ms(1, FailureKind::Server, 503, Some(2)), Some(2000));
        assert_eq!(SAFE.delay_ms(1, FailureKind::Server, 429, Some(3600)), Some(MAX_DELAY_MS));
        // Never sooner than the back-off.
        assert_eq!(SAFE.delay_ms(2, FailureKind::Server, 503, Some(1)), Some(1500));
    }

    #[test]
    fn a_known_code_is_told_in_words_else_the_kind() {
        let known = failure_message(FailureKind::Rejected, Some("backend.timeout"), Some("the server's words"), Lang::En);
        assert_eq!(known, i18n::text(Lang::En, "backend.timeout"));
        let said = failure_message(FailureKind::Rejected, Some("no.such.code"), Some("the server's words"), Lang::En);
        assert_eq!(said, "the server's words");
        let unknown = failure_message(FailureKind::Rejected, Some("no.such.code"), Some(" "), Lang::En);
        assert_eq!(unknown, i18n::text(Lang::En, "backend.rejected"));
        assert_ne!(failure_message(FailureKind::Offline, None, None, Lang::Ru), failure_message(FailureKind::Offline, None, None, Lang::En));
    }
}
