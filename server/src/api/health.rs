//! Health and metrics for the operator: `GET /api/health` (each job's last success and
//! failure, the database reachable, the notification outbox) and `GET /metrics` (Prometheus, see `metrics.rs`).
//! Neither carries personal data; put `/metrics` behind the proxy's access rules anyway.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use sqlx::Connection;
use std::sync::Arc;
use std::time::Duration;

/// How long the health check waits for the database.
const DATABASE_PROBE: Duration = Duration::from_secs(2);

/// 200 when the database answers (`status` `ok`, or `degraded` while a job's last run failed or
/// a notification waits for a retry), 503 `down` when it does not.
pub(super) async fn health(State(state): State<Arc<AppState>>) -> Response {
    let probe = async {
        let mut connection = state.store.db.pool.acquire().await?;
        connection.ping().await
    };
    let database = matches!(tokio::time::timeout(DATABASE_PROBE, probe).await, Ok(Ok(())));
    let failing = state.jobs.records().values().any(|r| r.failures_in_a_row > 0);
    // Notifications: the channels sent on and the outbox; a message waiting for a retry (the
    // SMTP server or the SMS gateway refusing or down) makes the service degraded.
    let notifications = match database {
        true => tokio::time::timeout(DATABASE_PROBE, state.notifications.to_json(&state.store.db.pool)).await.ok().and_then(Result::ok),
        false => None,
    };
    let retrying = notifications.as_ref().is_some_and(|(_, retrying)| *retrying);
    let (code, status) = match (database, failing || retrying) {
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "down"),
        (true, true) => (StatusCode::OK, "degraded"),
        (true, false) => (StatusCode::OK, "ok"),
    };
    let body = json!({
        "status": status,
        "database": { "reachable": database, "backend": format!("{:?}", state.store.db.backend) },
        "jobs": state.jobs.to_json(),
        "notifications": notifications.map(|(body, _)| body),
        "now": crate::wire::rfc3339(state.clock.now()),
    });
    (code, Json(body)).into_response()
}

pub(super) async fn metrics(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let mut response = state.metrics.render(&state.limiters).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    Ok(response)
}
