//! Claims: a seat inside the application's access window (rules 24.4-24.5), through the claim
//! writer's group commit (`store/batch.rs`).

use super::authorize;
use super::input::{parse_body, JsonBytes};
use crate::error::ApiError;
use crate::metrics::ClaimOutcome;
use crate::state::AppState;
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

pub(super) async fn claim(State(state): State<Arc<AppState>>, JsonBytes(body): JsonBytes) -> Result<Response, ApiError> {
    let request: ClaimRequest = parse_body(&body)?;
    let application = authorize(&state, &request.number, &request.token).await?;
    let now = state.clock.now();
    let claimed = state.claims.claim(&state.store, application, request.vacancy_id, now).await;
    let (referral, created) = claimed.inspect_err(|_| state.metrics.claim(ClaimOutcome::Refused))?;
    state.metrics.claim(if created { ClaimOutcome::Created } else { ClaimOutcome::Replayed });
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(referral)).into_response())
}
