//! The server's clock: `GET /api/time` for everyone (with whether it is the demo's and whether
//! citizens sign in), `POST /api/demo/clock` in demo mode.

use super::detached;
use super::input::{parse_body, JsonBytes};
use crate::clock::{in_demo_range, parse_iso_duration, Clock, DEMO_RANGE};
use crate::error::ApiError;
use crate::wire::rfc3339;
use kezek::calendar::zone::format_local as local_rfc3339;
use kezek::status::deadline::local_date;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use kezek::contract::{ClockMove, Time};
use std::sync::Arc;

/// The clock, whether it is the demo's, and whether citizens sign in (then the page asks for
/// sign-in before the form: only a signed-in citizen submits).
fn time_body(state: &AppState, now: DateTime<Utc>) -> Time {
    Time {
        now: rfc3339(now),
        local: local_rfc3339(now),
        local_date: local_date(now).to_string(),
        demo: state.demo_clock.is_some(),
        sign_in: state.auth.config().oidc.is_some(),
    }
}

pub(super) async fn time(State(state): State<Arc<AppState>>) -> Json<Time> {
    Json(time_body(&state, state.clock.now()))
}

/// Demo mode only: moves the clock (within [`DEMO_RANGE`], else 422 `clock.range`), then runs
/// the jobs so the effect is visible at once.
pub(super) async fn demo_clock(State(state): State<Arc<AppState>>, JsonBytes(body): JsonBytes) -> Result<Json<Time>, ApiError> {
    let clock = state.demo_clock.clone().ok_or(ApiError::Forbidden("demo.disabled"))?;
    let request: ClockMove = parse_body(&body)?;
    let out_of_range = |field: &str| {
        let message = format!("The demo clock stays within {}-{}", DEMO_RANGE.0, DEMO_RANGE.1);
        ApiError::invalid(field, "clock.range", &message)
    };
    let to = match (request.advance.as_deref(), request.to) {
        (Some(text), None) => {
            let by = parse_iso_duration(text).ok_or_else(|| ApiError::invalid("advance", "clock.duration", "An ISO 8601 duration such as PT1H"))?;
            clock.now().checked_add_signed(by).filter(|to| in_demo_range(*to)).ok_or_else(|| out_of_range("advance"))?
        }
        (None, Some(to)) => Some(to).filter(|to| in_demo_range(*to)).ok_or_else(|| out_of_range("to"))?,
        _ => return Err(ApiError::invalid("", "clock.request", "Give either `advance` or `to`")),
    };
    clock.set(to);
    let now = clock.now();
    let store = state.store.clone();
    detached(async move { crate::jobs::tick(&store, now).await }).await?;
    tracing::info!(now = %rfc3339(now), "demo clock moved");
    Ok(Json(time_body(&state, now)))
}
