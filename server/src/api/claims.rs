//! Claims: a seat inside the application's access window (rules 24.4-24.5), through the claim
//! writer's group commit (`store/batch.rs`).

use super::authorize;
use super::input::parse_body;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClaimRequest {
    number: String,
    token: String,
    vacancy_id: String,
}

pub(super) async fn claim(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let request: ClaimRequest = parse_body(&body)?;
    let application = authorize(&state, &request.number, &request.token).await?;
    let now = state.clock.now();
    let (referral, created) = state.claims.claim(&state.store, application, request.vacancy_id, now).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(referral)).into_response())
}
