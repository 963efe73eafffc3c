//! The monthly check of grounds (rule 22): the department lists the applications of
//! servicemen's and special state body employees' children and records the authorised bodies'
//! answers; a negative answer archives the application and cancels its referral.

use super::{answer, department_locality, read, StaffWrite};
use crate::api::detached;
use crate::api::input::{application_number, parse_body};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;

/// The most answers one request records.
const MAX_ANSWERS: usize = 1000;

/// `GET /api/staff/localities/{code}/grounds-check`.
pub(super) async fn list(State(state): State<Arc<AppState>>, Path(code): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let locality = department_locality(&staff, &code)?;
    read(&serde_json::json!({ "applications": state.store.grounds_due(locality, state.clock.now()).await? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    number: String,
    confirmed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    /// `YYYY-MM`.
    month: String,
    answers: Vec<Answer>,
}

/// `POST /api/staff/localities/{code}/grounds-check`: the month's answers, one per application.
pub(super) async fn check(State(state): State<Arc<AppState>>, Path(code): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let locality = department_locality(&write.staff, &code)?;
    let act = write.as_department(locality)?;
    let Check { month, answers } = parse_body(&write.body)?;
    let valid_month = month.len() == 7 && chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok();
    if !valid_month {
        return Err(ApiError::invalid_code("month", "grounds.month"));
    }
    if answers.is_empty() || answers.len() > MAX_ANSWERS {
        return Err(ApiError::invalid_code("answers", "grounds.answers"));
    }
    let mut resolved = Vec::new();
    for a in &answers {
        let number = application_number(&a.number)?;
        let stored = state.store.application(number).await?.ok_or(ApiError::NotFound("application.unknown"))?;
        if stored.queue.locality() != locality {
            return Err(ApiError::from(crate::auth::AuthError::OutOfScope));
        }
        resolved.push((stored, a.confirmed));
    }
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.grounds_check(&act, &month, &resolved, now).await }).await?))
}
