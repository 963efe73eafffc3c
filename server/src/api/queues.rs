//! Queues: the published snapshot the page finds its position in.

use super::detached;
use super::output::with_etag;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use std::sync::Arc;

pub(super) async fn snapshot(State(state): State<Arc<AppState>>, Path(key): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let store = state.store.clone();
    // May append `snapshot_published`: a write, so it runs detached (see the module note).
    let encoded = detached(async move { store.published_snapshot(&key, now).await }).await?;
    Ok(with_etag(&headers, encoded.body, encoded.content_type, "public, max-age=60"))
}
