//! Kindergartens: a locality's list for its department, one kindergarten, and the queues of
//! its special and sanatorium groups (rules 13, 14, 21).

use super::{department_locality, kindergarten_to_read, read};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use std::sync::Arc;

/// `GET /api/staff/localities/{code}/kindergartens`.
pub(super) async fn list(State(state): State<Arc<AppState>>, Path(code): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    department_locality(&staff, &code)?;
    read(&serde_json::json!({ "kindergartens": state.store.kindergartens_of(&code).await? }))
}

/// `GET /api/staff/kindergartens/{id}`.
pub(super) async fn kindergarten(State(state): State<Arc<AppState>>, Path(id): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    read(&kindergarten_to_read(&state, &staff, &id).await?)
}

/// `GET /api/staff/kindergartens/{id}/queues`: each special or sanatorium group's queue per
/// birth year, in the order of rule 21.
pub(super) async fn queues(State(state): State<Arc<AppState>>, Path(id): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let kg = kindergarten_to_read(&state, &staff, &id).await?;
    read(&serde_json::json!({ "kindergarten": kg, "queues": state.store.group_queues(&kg.id).await? }))
}
