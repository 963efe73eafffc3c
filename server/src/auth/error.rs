//! Why a request about sign-in or a signed-in person was refused, in the API's error shape
//! (`{ "errors": [ { "field", "code", "message" } ] }`).
//!
//! | code | status | meaning |
//! |---|---|---|
//! | `auth.required` | 401 | no session, or it ended (expired, signed out, unknown cookie) |
//! | `auth.no_iin` | 403 | signed in, but the provider gave no IIN: not a citizen session |
//! | `auth.not_staff` | 403 | signed in, but no staff role |
//! | `auth.out_of_scope` | 403 | a staff role, but not for this locality or kindergarten |
//! | `auth.not_configured` | 503 | no OpenID provider configured |
//! | `auth.provider` | 502 | the provider could not be reached or answered wrongly |
//! | `auth.callback` | 400 | the sign-in could not be completed (unknown or expired state, refused code, bad ID token) |
//! | `auth.iin` | 403 | the ID token's IIN is not a valid IIN |

use crate::error::ApiError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug)]
pub enum AuthError {
    Required,
    NoIin,
    NotStaff,
    OutOfScope,
    NotConfigured,
    Provider,
    Callback(&'static str),
    Iin,
    /// A database or other server error, answered as the rest of the API does.
    Api(ApiError),
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Required => "auth.required",
            AuthError::NoIin => "auth.no_iin",
            AuthError::NotStaff => "auth.not_staff",
            AuthError::OutOfScope => "auth.out_of_scope",
            AuthError::NotConfigured => "auth.not_configured",
            AuthError::Provider => "auth.provider",
            AuthError::Callback(_) => "auth.callback",
            AuthError::Iin => "auth.iin",
            AuthError::Api(_) => "internal",
        }
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::Callback(why) => write!(f, "auth.callback: {why}"),
            AuthError::Api(error) => write!(f, "{error}"),
            other => f.write_str(other.code()),
        }
    }
}

impl std::error::Error for AuthError {}

impl From<sqlx::Error> for AuthError {
    fn from(error: sqlx::Error) -> AuthError {
        AuthError::Api(ApiError::from(error))
    }
}

impl From<ApiError> for AuthError {
    fn from(error: ApiError) -> AuthError {
        AuthError::Api(error)
    }
}

impl AuthError {
    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AuthError::Required => StatusCode::UNAUTHORIZED,
            AuthError::NoIin | AuthError::NotStaff | AuthError::OutOfScope | AuthError::Iin => StatusCode::FORBIDDEN,
            AuthError::NotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            AuthError::Provider => StatusCode::BAD_GATEWAY,
            AuthError::Callback(_) => StatusCode::BAD_REQUEST,
            AuthError::Api(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AuthError::Api(error) = self {
            return error.into_response();
        }
        // The message in the request's language, from the core's catalogs.
        let body = json!({ "errors": [{ "field": "", "code": self.code(), "message": crate::error::message(self.code()) }] });
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110: a 401 names how to authenticate; here, a cookie session from /auth/login.
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Cookie realm=\"kezek\", login=\"/auth/login\""));
        }
        response
    }
}
