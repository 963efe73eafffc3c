//! One application as the department sees it, and its operations on it: the priority status
//! (rule 20.3), the stop-list and back (rules 3.13, 20.6).

use super::{answer, application_for_department, read, StaffWrite};
use crate::api::detached;
use crate::api::input::parse_body;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use kezek::application::Category;
use kezek::status::StopReason;
use serde::Deserialize;
use std::sync::Arc;

/// The longest description of a ground (the confirming document).
const MAX_GROUND_CHARS: usize = 200;

/// `GET /api/staff/applications/{number}`.
pub(super) async fn show(State(state): State<Arc<AppState>>, Path(number): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &staff, &number).await?;
    read(&state.store.staff_view(&stored, state.clock.now()).await?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Priority {
    category: String,
    ground: String,
}

/// `POST /api/staff/applications/{number}/priority`: the category (and so the class) changes
/// on a ground; the status does not.
pub(super) async fn priority(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let Priority { category, ground } = parse_body(&write.body)?;
    let category = Category::parse(&category).ok_or_else(|| ApiError::invalid_code("category", "priority.category"))?;
    let ground = ground.trim().to_owned();
    if ground.is_empty() || ground.chars().count() > MAX_GROUND_CHARS || ground.chars().any(char::is_control) {
        return Err(ApiError::invalid_code("ground", "priority.ground"));
    }
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.change_priority(&act, &stored, category, &ground, now).await }).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StopList {
    reason: String,
}

/// `POST /api/staff/applications/{number}/stop-list`.
pub(super) async fn stop_list(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let StopList { reason } = parse_body(&write.body)?;
    let reason = StopReason::parse(&reason).ok_or_else(|| ApiError::invalid_code("reason", "stop.reason"))?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.stop_list(&act, &stored, reason, now).await }).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// `POST /api/staff/applications/{number}/restore`.
pub(super) async fn restore(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let Nothing {} = parse_body(&write.body)?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.restore(&act, &stored, now).await }).await?))
}
