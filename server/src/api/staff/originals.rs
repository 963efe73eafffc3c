//! Originals (rule 22): the department's queue of applications awaiting their originals with
//! their deadlines; the applicant's arrival at the desk (the 30 minutes start); confirmation or
//! refusal.

use super::{answer, application_for_department, department_locality, read, StaffWrite};
use crate::api::detached;
use crate::api::input::parse_body;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use kezek::status::RefusalReason;
use serde::Deserialize;
use std::sync::Arc;

/// `GET /api/staff/localities/{code}/originals`: applications awaiting originals, the earliest
/// deadline first; each with the core's status (the page shows the deadline with `statusView`).
pub(super) async fn list(State(state): State<Arc<AppState>>, Path(code): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let locality = department_locality(&staff, &code)?;
    read(&serde_json::json!({ "applications": state.store.awaiting_originals(locality, state.clock.now()).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// `POST /api/staff/applications/{number}/originals/arrival`: the applicant is at the desk.
pub(super) async fn arrival(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let Nothing {} = parse_body(&write.body)?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.originals_arrived(&act, &stored, now).await }).await?))
}

/// `POST /api/staff/applications/{number}/originals/confirm`: the originals are confirmed; the
/// application is registered in the queue.
pub(super) async fn confirm(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let Nothing {} = parse_body(&write.body)?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.confirm_originals_by(&act, &stored, now).await }).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Refuse {
    reasons: Vec<String>,
}

/// `POST /api/staff/applications/{number}/originals/refuse`: refused after comparing the
/// originals (Appendix 2: unreliable documents or data; not meeting the requirements).
pub(super) async fn refuse(State(state): State<Arc<AppState>>, Path(number): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let stored = application_for_department(&state, &write.staff, &number).await?;
    let act = write.as_department(stored.queue.locality())?;
    let Refuse { reasons } = parse_body(&write.body)?;
    let mut parsed: Vec<RefusalReason> = Vec::new();
    for reason in &reasons {
        let reason = RefusalReason::parse(reason).ok_or_else(|| ApiError::invalid_code("reasons", "refusal.reason"))?;
        if !parsed.contains(&reason) {
            parsed.push(reason);
        }
    }
    if parsed.is_empty() {
        return Err(ApiError::invalid_code("reasons", "refusal.reason"));
    }
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.refuse_originals(&act, &stored, &parsed, now).await }).await?))
}
