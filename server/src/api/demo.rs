//! Demo mode only: what otherwise happens at the provider's desk, until the operator page
//! signs demo staff in (issue 11).

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use std::sync::Arc;

/// The provider confirms the originals (rule 22).
pub(super) async fn confirm_originals(State(state): State<Arc<AppState>>, Path(number): Path<String>) -> Result<StatusCode, ApiError> {
    if state.demo_clock.is_none() {
        return Err(ApiError::Forbidden("demo.disabled"));
    }
    let number = super::input::application_number(&number)?;
    let stored = state.store.application(number).await?.ok_or(ApiError::NotFound("application.unknown"))?;
    state.store.confirm_originals(&stored, state.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
