//! Errors as the API reports them: `{ "errors": [ { "field", "code", "message" } ] }` with a
//! fitting status. Codes are stable; messages are for people.

use crate::validation::ApiIssue;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug)]
pub enum ApiError {
    /// 422: the body breaks the rules.
    Invalid(Vec<ApiIssue>),
    /// 401: unknown application number or wrong token (one answer for both: no probing).
    Unauthorized,
    /// 404.
    NotFound(&'static str),
    /// 409: the request is valid but the state does not allow it now.
    Conflict(&'static str, &'static str),
    /// 403: cross-site write or a demo endpoint outside demo mode.
    Forbidden(&'static str),
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

impl ApiError {
    pub fn invalid(field: &str, code: &str, message: &str) -> ApiError {
        ApiError::Invalid(vec![ApiIssue::new(field, code, message)])
    }

    fn status_and_issues(self) -> (StatusCode, Vec<ApiIssue>) {
        let one = |field: &str, code: &str, message: &str| vec![ApiIssue::new(field, code, message)];
        match self {
            ApiError::Invalid(issues) => (StatusCode::UNPROCESSABLE_ENTITY, issues),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, one("token", "auth.invalid", "Unknown application number or token")),
            ApiError::NotFound(code) => (StatusCode::NOT_FOUND, one("", code, "Not found")),
            ApiError::Conflict(code, message) => (StatusCode::CONFLICT, one("", code, message)),
            ApiError::Forbidden(code) => (StatusCode::FORBIDDEN, one("", code, "Forbidden")),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, one("", "body.too_large", "The body is over 64 KiB")),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, one("", "route.method", "Method not allowed on this path")),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, one("Content-Type", "body.content_type", "Send the body as application/json"))
            }
            ApiError::MisdirectedHost => (StatusCode::MISDIRECTED_REQUEST, one("Host", "host.unknown", "Not a host this server answers for")),
            ApiError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, one("", "rate.limited", "Too many requests; retry later")),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, one("", "db.busy", "Busy; retry shortly")),
            ApiError::Timeout => (StatusCode::SERVICE_UNAVAILABLE, one("", "request.timeout", "The request took too long; retry shortly")),
            ApiError::Internal => (StatusCode::INTERNAL_SERVER_ERROR, one("", "internal", "Internal error")),
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
            ApiError::Conflict(code, _) | ApiError::NotFound(code) | ApiError::Forbidden(code) => f.write_str(code),
            other => write!(f, "{other:?}"),
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
        let retry_after = match self {
            ApiError::RateLimited(seconds) => Some(seconds.max(1)),
            ApiError::Busy | ApiError::Timeout => Some(1),
            _ => None,
        };
        let (status, issues) = self.status_and_issues();
        let mut response = (status, Json(json!({ "errors": issues }))).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
