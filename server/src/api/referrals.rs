//! Referrals: cancel within a day, extend once (rule 30).

use super::input::{parse_body, JsonBytes};
use super::{authorize, detached};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::ExtensionReason;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
struct Credentials {
    number: String,
    token: String,
}

pub(super) async fn cancel(State(state): State<Arc<AppState>>, Path(id): Path<String>, JsonBytes(body): JsonBytes) -> Result<Response, ApiError> {
    let credentials: Credentials = parse_body(&body)?;
    let application = authorize(&state, &credentials.number, &credentials.token).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.cancel_referral(&application, &id, now).await }).await?;
    Ok(Json(referral).into_response())
}

#[derive(Deserialize)]
struct ExtendRequest {
    number: String,
    token: String,
    reason: ExtensionReason,
    until: Option<NaiveDate>,
}

pub(super) async fn extend(State(state): State<Arc<AppState>>, Path(id): Path<String>, JsonBytes(body): JsonBytes) -> Result<Response, ApiError> {
    let request: ExtendRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiError::invalid("reason", "referral.extension_reason", "Give a reason: illness, hospitalisation, business_trip or vacation")
    })?;
    let application = authorize(&state, &request.number, &request.token).await?;
    let now = state.clock.now();
    let referral =
        detached(async move { state.store.extend_referral(&application, &id, request.reason, request.until, now).await }).await?;
    Ok(Json(referral).into_response())
}
