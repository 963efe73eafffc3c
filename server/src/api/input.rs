//! Reading requests: JSON bodies, the bearer token, the page's language.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use kezek::i18n::Lang;
use serde::de::DeserializeOwned;

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

/// The token of an `Authorization: Bearer …` header.
pub(super) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)
}

/// The page's language from `Accept-Language` (its first tag), so the backend's messages match
/// the page's; Kazakh when absent or unknown.
pub(super) fn request_lang(headers: &HeaderMap) -> Lang {
    let first = headers.get("accept-language").and_then(|v| v.to_str().ok()).and_then(|v| v.split([',', ';']).next());
    Lang::parse(first.unwrap_or(""))
}
