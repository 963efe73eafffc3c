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
use chrono::NaiveDate;
use kezek::status::ExtensionReason;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Cancel {
    number: String,
}

pub(super) async fn cancel(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let Cancel { number } = parse_body(&body)?;
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.cancel_referral(&stored, &id, now).await }).await?;
    Ok(Json(referral).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Extend {
    number: String,
    /// Rule 30: illness, hospitalisation, business trip or annual leave.
    reason: ExtensionReason,
    /// The last day (default and maximum: 30 calendar days after issue).
    until: Option<NaiveDate>,
}

pub(super) async fn extend(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let request: Extend = serde_json::from_slice(&body).map_err(|_| ApiError::invalid_code("reason", "referral.extension_reason"))?;
    let stored = owned(&state, &request.number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.extend_referral(&stored, &id, request.reason, request.until, now).await }).await?;
    Ok(Json(referral).into_response())
}
