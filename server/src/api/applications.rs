//! Applications: submit (Appendix 1), read the status, withdraw, confirm interest.

use super::input::{bearer, parse_body, request_lang};
use super::output::with_etag;
use super::{authorize, detached};
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

pub(super) async fn submit(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let value: Value = parse_body(&body)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 200).ok_or_else(|| {
            ApiError::invalid("Idempotency-Key", "idempotency.key", "The Idempotency-Key must be 1-200 visible characters")
        })?.to_string()),
        None => None,
    };
    let now = state.clock.now();
    let lang = request_lang(&headers);
    let answer = detached(async move { state.store.submit(&value, key.as_deref(), now, lang).await }).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize)]
struct TokenOnly {
    token: String,
}

pub(super) async fn withdraw(State(state): State<Arc<AppState>>, Path(number): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    detached(async move { store.withdraw(&application, now).await }).await?;
    let application = state.store.authenticate(&number, &token).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

pub(super) async fn confirm_interest(State(state): State<Arc<AppState>>, Path(number): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let row = application.clone();
    detached(async move { store.confirm_interest(&row, now).await }).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

pub(super) async fn status(State(state): State<Arc<AppState>>, Path(number): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = bearer(&headers)?;
    let application = authorize(&state, &number, token).await?;
    let status = state.store.status(&application, state.clock.now()).await?;
    let body = serde_json::to_vec(&status).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "private, no-cache"))
}
