//! Errors as the API reports them: `{ "errors": [ { "field", "code", "message" } ] }` with a
//! fitting status. Codes are stable; messages are for people, in the request's language
//! (`Accept-Language`, see [`with_lang`]), from the core's catalogs (`kezek::i18n`): the same
//! words the page uses, in kk, ru and en.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kezek::i18n::{self, Lang};
use kezek::status::StatusError;
use std::future::Future;

/// One reason a request is refused (`kezek::contract`); `code` is stable, `message` is for people.
pub use kezek::contract::{ApiIssue, ErrorBody};

tokio::task_local! {
    static LANG: Lang;
}

/// Runs `work` with `lang` as the language of the error messages it answers.
pub async fn with_lang<F: Future>(lang: Lang, work: F) -> F::Output {
    LANG.scope(lang, work).await
}

/// The language of the request being answered (Kazakh outside a request).
pub fn current_lang() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// The message for `code` in the request's language.
pub fn message(code: &str) -> String {
    i18n::text(current_lang(), code)
}

#[derive(Debug)]
pub enum ApiError {
    /// 422: the body breaks the rules; messages already in the request's language.
    Invalid(Vec<ApiIssue>),
    /// 401: unknown application number or wrong token (one answer for both: no probing).
    Unauthorized,
    /// 404.
    NotFound(&'static str),
    /// 409: the request is valid but the state does not allow it now.
    Conflict(&'static str),
    /// The core's lifecycle refused the event: 409, or 422 for a request that can never be
    /// right (an extension too long, no reason).
    Status(StatusError),
    /// 403: cross-site write, a demo endpoint outside demo mode, another person's application.
    Forbidden(&'static str),
    /// A sign-in refusal (401 `auth.required`, 403 `auth.no_iin`, …), answered as
    /// [`crate::auth::AuthError`] answers it.
    Auth(Box<crate::auth::AuthError>),
    /// 413: a body over the limit (`api::MAX_BODY_BYTES`).
    TooLarge,
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 415: a JSON write without `Content-Type: application/json`.
    UnsupportedMediaType,
    /// 421: a `Host` outside the allow-list (the request was meant for another site).
    MisdirectedHost,
    /// 429 with the seconds to wait.
    RateLimited(u64),
    /// 503: the database is busy; safe to retry.
    Busy,
    /// 503: the request was not read and answered within the request timeout; a write that
    /// started still commits or rolls back on its own, so a retry is safe.
    Timeout,
    /// 500.
    Internal,
}

impl From<crate::auth::AuthError> for ApiError {
    fn from(error: crate::auth::AuthError) -> ApiError {
        match error {
            crate::auth::AuthError::Api(inner) => inner,
            other => ApiError::Auth(Box::new(other)),
        }
    }
}

impl From<StatusError> for ApiError {
    fn from(error: StatusError) -> ApiError {
        ApiError::Status(error)
    }
}

impl From<kezek::queue::seat::SeatError> for ApiError {
    fn from(error: kezek::queue::seat::SeatError) -> ApiError {
        ApiError::invalid_code(error.field(), error.code())
    }
}

impl ApiError {
    /// A sign-in refusal.
    pub fn from_auth(error: crate::auth::AuthError) -> ApiError {
        error.into()
    }

    /// A 422 with a message already written for the person.
    pub fn invalid(field: &str, code: &str, message: &str) -> ApiError {
        ApiError::Invalid(vec![ApiIssue::new(field, code, message)])
    }

    /// A 422 whose message is the catalog's text for `code`.
    pub fn invalid_code(field: &str, code: &str) -> ApiError {
        ApiError::invalid(field, code, &message(code))
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        match self {
            ApiError::Invalid(issues) => issues.first().map_or("invalid", |i| i.code.as_str()),
            ApiError::Unauthorized => "auth.invalid",
            ApiError::NotFound(code) | ApiError::Conflict(code) | ApiError::Forbidden(code) => code,
            ApiError::Status(error) => error.code(),
            ApiError::Auth(error) => error.code(),
            ApiError::TooLarge => "body.too_large",
            ApiError::MethodNotAllowed => "route.method",
            ApiError::UnsupportedMediaType => "body.content_type",
            ApiError::MisdirectedHost => "host.unknown",
            ApiError::RateLimited(_) => "rate.limited",
            ApiError::Busy => "db.busy",
            ApiError::Timeout => "request.timeout",
            ApiError::Internal => "internal",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Status(StatusError::ExtensionTooLong | StatusError::ExtensionTooShort | StatusError::NoReason | StatusError::Calendar(_)) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Status(_) => StatusCode::CONFLICT,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Auth(error) => error.status(),
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MisdirectedHost => StatusCode::MISDIRECTED_REQUEST,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy | ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn field(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "token",
            ApiError::UnsupportedMediaType => "Content-Type",
            ApiError::MisdirectedHost => "Host",
            _ => "",
        }
    }

    fn issues(self) -> Vec<ApiIssue> {
        match self {
            ApiError::Invalid(issues) => issues,
            ApiError::Status(error) => vec![ApiIssue::new("", error.code(), &error.message(current_lang()))],
            other => vec![ApiIssue::new(other.field(), other.code(), &message(other.code()))],
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Invalid(issues) => {
                let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
                write!(f, "invalid: {}", codes.join(", "))
            }
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for ApiError {}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        if crate::db::is_transient(&error) {
            tracing::warn!(error = %error, "database busy");
            ApiError::Busy
        } else {
            // sqlx errors carry SQL text and codes, never bound values, so this logs no personal data.
            tracing::error!(error = %error, "database error");
            ApiError::Internal
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Auth(error) = self {
            return (*error).into_response();
        }
        let retry_after = match self {
            ApiError::RateLimited(seconds) => Some(seconds.max(1)),
            ApiError::Busy | ApiError::Timeout => Some(1),
            _ => None,
        };
        let status = self.status();
        let mut response = (status, Json(ErrorBody { errors: self.issues() })).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every code the API answers has a message in every language: a person never reads a code.
    #[test]
    fn every_error_code_is_worded_in_every_language() {
        let errors = [
            ApiError::Unauthorized,
            ApiError::NotFound("route.unknown"),
            ApiError::TooLarge,
            ApiError::MethodNotAllowed,
            ApiError::UnsupportedMediaType,
            ApiError::MisdirectedHost,
            ApiError::RateLimited(1),
            ApiError::Busy,
            ApiError::Timeout,
            ApiError::Internal,
        ];
        let codes: Vec<&str> = errors.iter().map(ApiError::code).chain(CODES.iter().copied()).collect();
        for lang in Lang::ALL {
            for code in &codes {
                assert!(i18n::has(lang, code), "{code} has no {} text", lang.code());
            }
        }
    }

    /// The codes handlers and the store answer with (`Conflict`, `NotFound`, `Forbidden`).
    const CODES: &[&str] = &[
        "application.duplicate",
        "application.unknown",
        "application.number",
        "applicant.not_you",
        "child.not_linked",
        "demo.disabled",
        "log.entry",
        "log.range",
        "origin.cross_site",
        "referral.not_active",
        "referral.unknown",
        "vacancy.full",
        "vacancy.unknown",
        "vacancy.not_published",
        "vacancy.other_pool",
        "window.closed",
        "body.json",
        "idempotency.key",
        "idempotency.mismatch",
        "queue.unknown",
        "kindergarten.unknown",
        "seat.unknown",
        "seat.withdrawn",
        "originals.not_awaited",
        "priority.category",
        "priority.ground",
        "grounds.category",
        "grounds.month",
        "grounds.answers",
        "history.limit",
        "stop.reason",
        "refusal.reason",
        "admission.refusal_reason",
        "admission.certificate_expired",
        "auth.out_of_scope",
        "auth.not_staff",
    ];
}
