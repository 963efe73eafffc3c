//! The vacancy bulletin (rule 24.3) and the withdrawn-seats bulletin (rule 3.9).

use super::output::with_etag;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use std::sync::Arc;

pub(super) async fn bulletin(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let bulletin = state.store.bulletin().await?;
    let body = serde_json::to_vec(&bulletin).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "public, max-age=60"))
}

/// The latest withdrawn-seats bulletin: the published seats taken back since the bulletin before
/// it, with their reasons (rules 3.9, 25.1).
pub(super) async fn withdrawn(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let bulletin = state.store.withdrawn_bulletin().await?;
    let body = serde_json::to_vec(&bulletin).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "public, max-age=60"))
}
