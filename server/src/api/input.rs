//! Reading requests: JSON bodies (only as `application/json`), application numbers (their
//! format before anything else), the bearer token, the client's address, the page's language.

use crate::error::ApiError;
use crate::middleware::{address_subject, peer};
use crate::secrets::is_application_number;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use kezek::i18n::Lang;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// The body of a JSON write: 415 unless `Content-Type` is `application/json` (parameters
/// such as `charset=utf-8` allowed), checked before the body is read; 413 over the body limit.
pub(super) struct JsonBytes(pub Bytes);

impl FromRequest<Arc<AppState>> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<JsonBytes, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(JsonBytes(bytes)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::TooLarge),
            Err(_) => Err(ApiError::invalid("", "body.read", "The body could not be read")),
        }
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

pub(super) fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::invalid("", "body.json", &format!("Malformed JSON body: {}", e.classify_kind())))
}

trait ClassifyKind {
    fn classify_kind(&self) -> &'static str;
}

impl ClassifyKind for serde_json::Error {
    // Only the category: serde's message may quote the body, which may hold personal data.
    fn classify_kind(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "unexpected or missing field",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// `number` if it has the format of an application number (13 digits, Luhn check digit, see
/// `secrets.rs`), else 422 `application.number`: checked before any database or limiter work,
/// so junk never costs a query or a bucket.
pub(super) fn application_number(number: &str) -> Result<&str, ApiError> {
    if is_application_number(number) {
        Ok(number)
    } else {
        Err(ApiError::invalid_code("number", "application.number"))
    }
}

/// The token of an `Authorization: Bearer …` header; the scheme in any case (RFC 7235).
pub(super) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or(ApiError::Unauthorized)?;
    let (scheme, token) = value.trim_start().split_once(' ').ok_or(ApiError::Unauthorized)?;
    let token = token.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() {
        Ok(token)
    } else {
        Err(ApiError::Unauthorized)
    }
}

/// The client's address as the limits see it (see `middleware::address_subject`).
pub(super) struct ClientAddress(pub Vec<u8>);

impl FromRequestParts<Arc<AppState>> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<ClientAddress, ApiError> {
        Ok(ClientAddress(address_subject(state.access.client_ip(&parts.headers, peer(&parts.extensions)))))
    }
}

/// The page's language from `Accept-Language` (its first tag), so the backend's messages match
/// the page's; Kazakh when absent or unknown.
pub(super) fn request_lang(headers: &HeaderMap) -> Lang {
    let first = headers.get("accept-language").and_then(|v| v.to_str().ok()).and_then(|v| v.split([',', ';']).next());
    Lang::parse(first.unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_bearer_scheme_is_read_in_any_case() {
        for value in ["Bearer abc", "bearer abc", "BEARER abc", "Bearer   abc "] {
            assert_eq!(bearer(&with(header::AUTHORIZATION, value)).ok(), Some("abc"), "{value}");
        }
        for value in ["Basic abc", "Bearer", "Bearer ", "Bearerabc", "abc"] {
            assert!(bearer(&with(header::AUTHORIZATION, value)).is_err(), "{value}");
        }
    }

    #[test]
    fn json_means_application_json_with_any_parameters() {
        assert!(is_json(&with(header::CONTENT_TYPE, "application/json")));
        assert!(is_json(&with(header::CONTENT_TYPE, "Application/JSON; charset=utf-8")));
        for other in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"] {
            assert!(!is_json(&with(header::CONTENT_TYPE, other)), "{other}");
        }
        assert!(!is_json(&HeaderMap::new()));
    }
}
