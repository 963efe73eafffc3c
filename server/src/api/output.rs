//! Writing responses: bodies with an ETag (304 when the client has them already).

use crate::error::ApiError;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// For answers that carry a secret or a person's status (a token, a status, register
/// evidence): never kept by a browser or a proxy cache. Every API answer that names no other
/// policy gets this too (`middleware::observe`).
pub(super) const NO_STORE: &str = "no-store";

/// Answers 304 when the client already has this exact body, else the body with its ETag.
pub(super) fn with_etag(request_headers: &HeaderMap, body: Vec<u8>, content_type: &'static str, cache_control: &'static str) -> Response {
    let etag = format!("\"{}\"", &crate::secrets::sha256_hex(&body)[..32]);
    with_known_etag(request_headers, Bytes::from(body), &etag, content_type, cache_control)
}

/// [`with_etag`] for a body whose (quoted) ETag is known already: a cached body is served
/// without hashing it again.
pub(super) fn with_known_etag(request_headers: &HeaderMap, body: Bytes, etag: &str, content_type: &'static str, cache_control: &'static str) -> Response {
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { Response::new(Body::from(body)) };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if !matches {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    response
}

/// `body` as JSON with an ETag.
pub(super) fn json_response(headers: &HeaderMap, body: &serde_json::Value, cache: &'static str) -> Result<Response, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(headers, bytes, "application/json", cache))
}
