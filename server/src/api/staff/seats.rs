//! Seats (rules 3.3-3.6, 24.2, 25): a kindergarten reports its free seats per group, lists
//! them, and withdraws published ones with a reason.

use super::{answer, kindergarten, kindergarten_to_read, read, StaffWrite};
use crate::api::detached;
use crate::api::input::parse_body;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use kezek::queue::seat::{bulletin_day, SeatReport, SeatReportInput, WithdrawalReason};
use kezek::queue::Token;
use serde::Deserialize;
use std::sync::Arc;

/// `GET /api/staff/kindergartens/{id}/seats`: every seat group of the kindergarten, newest first.
pub(super) async fn list(State(state): State<Arc<AppState>>, Path(id): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let kg = kindergarten_to_read(&state, &staff, &id).await?;
    let seats = state.store.kindergarten_seats(&kg.id).await?;
    let now = state.clock.now();
    let bulletin_on = bulletin_day(now, &state.store.policy).map_err(|_| ApiError::Internal)?;
    read(&serde_json::json!({ "kindergarten": kg, "reportsGoInto": bulletin_on.to_string(), "seats": seats }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Report {
    age_group: i64,
    language: String,
    group_kind: String,
    group_detail: Option<String>,
    stay_mode: String,
    admission_mode: String,
    admission_starts_on: Option<NaiveDate>,
    stay_until: Option<NaiveDate>,
    seats: i64,
}

/// `POST /api/staff/kindergartens/{id}/seats`: a report of free seats of one group (rule 24.2),
/// read by the core; 201 with the group as it will be published.
pub(super) async fn report(State(state): State<Arc<AppState>>, Path(id): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let kg = kindergarten(&state, &id).await?;
    let act = write.as_kindergarten(&kg)?;
    let body: Report = parse_body(&write.body)?;
    let now = state.clock.now();
    let input = SeatReportInput {
        age_group: body.age_group,
        language: &body.language,
        group_kind: &body.group_kind,
        group_detail: body.group_detail.as_deref(),
        stay_mode: &body.stay_mode,
        admission_mode: &body.admission_mode,
        admission_starts_on: body.admission_starts_on,
        stay_until: body.stay_until,
        count: body.seats,
    };
    let locality = kg.locality_code.parse().map_err(|_| ApiError::Internal)?;
    let token = Token::new(&kg.id).map_err(|_| ApiError::Internal)?;
    let report = SeatReport::new(locality, token, &input, bulletin_day(now, &state.store.policy).map_err(|_| ApiError::Internal)?)?;
    let store = state.store.clone();
    let name = kg.name.clone();
    Ok(answer(detached(async move { store.report_seats(&act, &report, &name, now).await }).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Withdraw {
    reason: String,
}

/// `POST /api/staff/seats/{id}/withdraw`: rule 25.1, with one of its reasons; a referral to
/// the seats is cancelled (rule 25.2).
pub(super) async fn withdraw(State(state): State<Arc<AppState>>, Path(id): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let vacancy = state.store.seat_group(&id).await?.ok_or(ApiError::NotFound("seat.unknown"))?;
    let kg = kindergarten(&state, vacancy.seat.kindergarten.as_str()).await?;
    let act = write.as_kindergarten(&kg)?;
    let Withdraw { reason } = parse_body(&write.body)?;
    let reason = WithdrawalReason::parse(&reason)?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.withdraw_seats(&act, &id, reason, now).await }).await?))
}
