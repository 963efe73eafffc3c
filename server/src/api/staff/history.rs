//! The action history: who did what and when, in the reader's scopes (a department sees its
//! locality's operations, its kindergartens' included; a kindergarten its own).

use super::{read, roles_scope};
use crate::auth::Staff;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub(super) struct Page {
    limit: Option<u32>,
}

/// `GET /api/staff/history?limit=50` (at most 500), newest first.
pub(super) async fn history(State(state): State<Arc<AppState>>, page: Result<Query<Page>, QueryRejection>, staff: Staff) -> Result<Response, ApiError> {
    let Query(page) = page.map_err(|_| ApiError::invalid_code("limit", "history.limit"))?;
    let entries = state.store.staff_history(&roles_scope(&staff), page.limit.unwrap_or(50)).await?;
    read(&serde_json::json!({ "operations": entries }))
}
