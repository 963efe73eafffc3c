//! Referrals: cancel within a day, extend once (rule 30).

use super::access::owned;
use super::detached;
use super::input::{parse_body, JsonBytes};
use crate::auth::Session;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kezek::contract::{CancelRequest, ExtendRequest};
use std::sync::Arc;

pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let CancelRequest { number } = parse_body(&body)?;
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.cancel_referral(&stored, &id, now).await }).await?;
    Ok(Json(referral).into_response())
}

pub(super) async fn extend(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let request: ExtendRequest = serde_json::from_slice(&body).map_err(|_| ApiError::invalid_code("reason", "referral.extension_reason"))?;
    let stored = owned(&state, &request.number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.extend_referral(&stored, &id, request.reason, request.until, now).await }).await?;
    Ok(Json(referral).into_response())
}
