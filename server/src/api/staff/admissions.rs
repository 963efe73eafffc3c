//! Admission (rules 31-35, Appendix 4): the kindergarten's referrals to admit, admission under
//! a contract, or a refusal with a reason (the seat returns).

use super::{answer, kindergarten, kindergarten_to_read, read, StaffWrite};
use crate::api::detached;
use crate::api::input::parse_body;
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use kezek::status::AdmissionRefusal;
use serde::Deserialize;
use std::sync::Arc;

/// `GET /api/staff/kindergartens/{id}/referrals`: active referrals to the kindergarten's seats.
pub(super) async fn list(State(state): State<Arc<AppState>>, Path(id): Path<String>, staff: Staff) -> Result<Response, ApiError> {
    let kg = kindergarten_to_read(&state, &staff, &id).await?;
    let now = state.clock.now();
    read(&serde_json::json!({ "referrals": state.store.referrals_to_admit(&kg.id, now).await? }))
}

/// The kindergarten whose seat referral `id` is to, for its staff.
async fn act_on_referral(state: &AppState, write: &StaffWrite, id: &str) -> Result<crate::store::StaffAct, ApiError> {
    let vacancy = state.store.referral_seat(id).await?.ok_or(ApiError::NotFound("referral.unknown"))?;
    let kg = kindergarten(state, vacancy.seat.kindergarten.as_str()).await?;
    write.as_kindergarten(&kg)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Admit {
    contract_on: NaiveDate,
    health_certificate_issued_on: NaiveDate,
}

/// `POST /api/staff/referrals/{id}/admit`: admitted under a contract (rules 31-35); the health
/// certificate issued not earlier than 3 calendar days before the contract (rule 34); on a
/// temporary-stay seat until its last day (25.4).
pub(super) async fn admit(State(state): State<Arc<AppState>>, Path(id): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let act = act_on_referral(&state, &write, &id).await?;
    let body: Admit = parse_body(&write.body)?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.admit_referral(&act, &id, body.contract_on, body.health_certificate_issued_on, now).await }).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Refuse {
    reason: String,
}

/// `POST /api/staff/referrals/{id}/refuse`: admission refused (rule 34) for missing or expired
/// documents or medical contraindications; the seat returns.
pub(super) async fn refuse(State(state): State<Arc<AppState>>, Path(id): Path<String>, write: StaffWrite) -> Result<Response, ApiError> {
    let act = act_on_referral(&state, &write, &id).await?;
    let Refuse { reason } = parse_body(&write.body)?;
    let reason = AdmissionRefusal::parse(&reason).ok_or_else(|| ApiError::invalid_code("reason", "admission.refusal_reason"))?;
    let now = state.clock.now();
    let store = state.store.clone();
    Ok(answer(detached(async move { store.refuse_referral(&act, &id, reason, now).await }).await?))
}
