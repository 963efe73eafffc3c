//! Applications: submit (Appendix 1), read the status, withdraw, confirm interest.
//!
//! A submission counts against the client address's and the applicant's limits
//! (`ratelimit.rs`): each one is a permanent public-log entry. The applicant is the
//! `applicant.iin` of the body, as sent (a body without one fails validation anyway); the
//! limiter keeps only a keyed hash of it.

use super::input::{application_number, bearer, parse_body, request_lang, ClientAddress, JsonBytes};
use super::output::{with_etag, NO_STORE};
use super::{authorize, detached, limit};
use crate::error::ApiError;
use crate::ratelimit::Limit;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let value: Value = parse_body(&body)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 200).ok_or_else(|| {
            ApiError::invalid("Idempotency-Key", "idempotency.key", "The Idempotency-Key must be 1-200 visible characters")
        })?.to_string()),
        None => None,
    };
    limit(&state, Limit::SubmitIp, &address)?;
    if let Some(applicant) = value.pointer("/applicant/iin").and_then(Value::as_str) {
        limit(&state, Limit::SubmitApplicant, applicant.as_bytes())?;
    }
    let now = state.clock.now();
    let lang = request_lang(&headers);
    let answer = detached(async move { state.store.submit(&value, key.as_deref(), now, lang).await }).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize)]
struct TokenOnly {
    token: String,
}

pub(super) async fn withdraw(State(state): State<Arc<AppState>>, Path(number): Path<String>, JsonBytes(body): JsonBytes) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    detached(async move { store.withdraw(&application, now).await }).await?;
    let application = state.store.authenticate(&number, &token).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

pub(super) async fn confirm_interest(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let row = application.clone();
    detached(async move { store.confirm_interest(&row, now).await }).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

pub(super) async fn status(State(state): State<Arc<AppState>>, Path(number): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let number = application_number(&number)?;
    let token = bearer(&headers)?;
    let application = authorize(&state, number, token).await?;
    let status = state.store.status(&application, state.clock.now()).await?;
    let body = serde_json::to_vec(&status).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", NO_STORE))
}
