//! What every request goes through: the cross-site guard, the security headers and one log
//! line.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Refuses cross-site writes, adds the security headers, logs one line per request (method,
/// path, status, duration: paths carry only application numbers and queue keys, never an IIN
/// or a name).
pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let mut response = match cross_site_refusal(&state, &method, request.headers()) {
        Some(refusal) => refusal.into_response(),
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    tracing::info!(method = %method, path = %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

fn cross_site_refusal(state: &AppState, method: &Method, headers: &HeaderMap) -> Option<ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header_text("sec-fetch-site") == Some("cross-site") {
        return Some(ApiError::Forbidden("origin.cross_site"));
    }
    let origin = header_text("origin")?;
    let host = header_text("host").unwrap_or_default();
    let own = [format!("http://{host}"), format!("https://{host}")];
    let allowed = state.public_origin.as_deref() == Some(origin) || own.iter().any(|o| o == origin);
    (!allowed).then_some(ApiError::Forbidden("origin.cross_site"))
}
