//! Claims: a seat inside the application's access to referrals (rules 24.4, 24.5, 24.10),
//! through the claim writer's group commit (`store/batch.rs`): the one claim path.

use super::access::owned;
use super::input::{parse_body, JsonBytes};
use crate::auth::Session;
use crate::error::ApiError;
use crate::metrics::ClaimOutcome;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kezek::contract::ClaimRequest;
use std::sync::Arc;

pub(super) async fn claim(State(state): State<Arc<AppState>>, session: Option<Session>, headers: HeaderMap, JsonBytes(body): JsonBytes) -> Result<Response, ApiError> {
    let request: ClaimRequest = parse_body(&body)?;
    let stored = owned(&state, &request.number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let claimed = state.claims.claim(&state.store, stored.number.to_string(), request.vacancy_id, now).await;
    let (referral, created) = claimed.inspect_err(|_| state.metrics.claim(ClaimOutcome::Refused))?;
    state.metrics.claim(if created { ClaimOutcome::Created } else { ClaimOutcome::Replayed });
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(referral)).into_response())
}
