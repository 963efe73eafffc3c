//! Queues: the published snapshot the page finds its position in, and the provider's policy
//! (the times the page shows).

use super::detached;
use super::output::{with_etag, with_known_etag};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kezek::queue::QueueKey;
use std::sync::Arc;

pub(super) async fn snapshot(State(state): State<Arc<AppState>>, Path(key): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    // The one key format: a path that is not a queue key names no queue.
    let public = QueueKey::parse(&key).map_err(|_| ApiError::NotFound("queue.unknown"))?;
    // Only the public form is served: a special or sanatorium queue by its alias, never by the
    // key that names a disorder or a profile (issue 15).
    let queue = state.store.queue_published_as(&public).await?.ok_or(ApiError::NotFound("queue.unknown"))?;
    let now = state.clock.now();
    let store = state.store.clone();
    // May append `snapshot_published`: a write, so it runs detached (see the module note).
    let published = detached(async move { store.published_snapshot(&queue, now).await }).await?;
    Ok(with_known_etag(&headers, published.body, &published.etag, "application/octet-stream", "public, max-age=60"))
}

/// `GET /api/policy`: the provider's times and counts (rule 24), which the page loads with
/// `loadPolicy` so its countdowns and "next access" lines show the provider's actual times.
pub(super) async fn policy(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(&*state.store.policy).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "public, max-age=300"))
}
