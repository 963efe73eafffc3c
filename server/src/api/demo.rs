//! Demo mode only: what otherwise happens at the provider's desk.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use std::sync::Arc;

/// The provider confirms the originals (rule 29).
pub(super) async fn confirm_originals(State(state): State<Arc<AppState>>, Path(number): Path<String>) -> Result<StatusCode, ApiError> {
    if state.demo_clock.is_none() {
        return Err(ApiError::Forbidden("demo.disabled"));
    }
    let number = super::input::application_number(&number)?;
    let result = sqlx::query("UPDATE applications SET originals_confirmed = 1 WHERE number = $1")
        .bind(number)
        .execute(&state.store.db.pool)
        .await?;
    if result.rows_affected() == 0 {
        return Err(ApiError::NotFound("application.unknown"));
    }
    Ok(StatusCode::NO_CONTENT)
}
