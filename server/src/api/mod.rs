//! The HTTP API (see `openapi.yaml`), one module per resource; handlers are thin (parse,
//! authorize, call [`crate::store`]).
//!
//! | module | endpoints |
//! | --- | --- |
//! | [`applications`] | `POST /api/applications`, `GET …/{number}/status`, `POST …/{number}/withdraw`, `POST …/{number}/interest`, `POST …/{number}/token`, `GET /api/me/applications` |
//! | [`notifications`] | `GET`, `POST /api/applications/{number}/notifications` (channels and language) |
//! | [`claims`] | `POST /api/claims` |
//! | [`referrals`] | `POST /api/referrals/{id}/cancel`, `POST /api/referrals/{id}/extend` |
//! | [`queues`] | `GET /api/queues/{key}/snapshot`, `GET /api/policy` |
//! | [`texts`] | `GET /api/texts/staff`: the operator page's texts from the core's catalogs |
//! | [`bulletin`] | `GET /api/bulletin`, `GET /api/bulletin/withdrawn` |
//! | [`log`] | `GET /api/log/…` (checkpoint, key, entries, proofs), `GET /api/applications/{number}/register` |
//! | [`clock`] | `GET /api/time`, `POST /api/demo/clock` |
//! | [`staff`] | `/api/staff/…`: the service provider's staff (seats, originals, priority, stop-list, the monthly check, admission, history) |
//! | [`health`] | `GET /api/health`, `GET /metrics` |
//! | `crate::auth` | `GET /auth/login`, `GET /auth/callback`, `POST /auth/logout`, `GET /api/me` |
//!
//! An application is acted on by its signed-in applicant or by an API client with its token
//! (`access.rs`).
//!
//! Any other path under `/api` answers a JSON 404 `route.unknown`, a known path with another
//! method a JSON 405 `route.method` (with `Allow`). The layers every request goes through
//! (timeouts, headers, host and origin checks, the per-address write limit, metrics) are in
//! `middleware.rs`; the connection bounds in `connections.rs`.
//!
//! Order of checks in a handler: the body's media type and size (415, 413), its JSON (422),
//! the application number's format (422 `application.number`), then the limits and the
//! database. A junk number never reaches a limiter or a query.
//!
//! Every write runs in a task of its own (a spawned task, or the claim writer of
//! `store/batch.rs`), so a client that disconnects mid-request never
//! cancels a transaction half-way: the write either commits or rolls back, and a retry finds
//! the result (idempotent endpoints).

mod access;
mod applications;
mod bulletin;
mod claims;
mod clock;
mod health;
mod input;
mod log;
mod notifications;
mod output;
mod queues;
mod referrals;
mod staff;
mod texts;

use crate::error::ApiError;
use crate::middleware::{guard, observe};
use crate::ratelimit::Limit;
use crate::state::{AppState, StaticDirs};
use crate::store::Stored;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{any, get, post};
use axum::Router;
use std::future::Future;
use std::sync::Arc;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

/// Request bodies above this are refused with 413 (an application is a few kilobytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The route that answers every other path under `/api/` (JSON 404).
pub const UNKNOWN_ROUTE: &str = "/api/{*rest}";

pub fn router(state: Arc<AppState>, dirs: &StaticDirs) -> Router {
    let api = Router::new()
        .route("/api/applications", post(applications::submit))
        .route("/api/applications/{number}/status", get(applications::status))
        .route("/api/applications/{number}/withdraw", post(applications::withdraw))
        .route("/api/applications/{number}/interest", post(applications::interest))
        .route("/api/applications/{number}/token", post(applications::rotate_token))
        .route("/api/applications/{number}/notifications", get(notifications::get).post(notifications::set))
        .route("/api/me/applications", get(applications::mine))
        .route("/api/policy", get(queues::policy))
        .route("/api/texts/staff", get(texts::staff))
        .route("/api/claims", post(claims::claim))
        .route("/api/referrals/{id}/cancel", post(referrals::cancel))
        .route("/api/referrals/{id}/extend", post(referrals::extend))
        .route("/api/queues/{key}/snapshot", get(queues::snapshot))
        // The bulletin is the page's largest JSON (every free seat of the day): gzip cuts it to
        // a tenth for the citizen on a phone (issue 14, bytes on the wire).
        .route("/api/bulletin", get(bulletin::bulletin).layer(compression()))
        .route("/api/bulletin/withdrawn", get(bulletin::withdrawn).layer(compression()))
        .route("/api/applications/{number}/register", get(log::register))
        .route("/api/log/checkpoint", get(log::checkpoint))
        .route("/api/log/key", get(log::key))
        .route("/api/log/entries/{index}", get(log::entry))
        .route("/api/log/proof/inclusion", get(log::inclusion))
        .route("/api/log/proof/consistency", get(log::consistency))
        .route("/api/time", get(clock::time))
        .route("/api/demo/clock", post(clock::demo_clock))
        .route("/api/health", get(health::health))
        .route("/metrics", get(health::metrics))
        .merge(staff::routes())
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .route("/api", any(|| async { ApiError::NotFound("route.unknown") }))
        .route("/api/", any(|| async { ApiError::NotFound("route.unknown") }))
        .route(UNKNOWN_ROUTE, any(|| async { ApiError::NotFound("route.unknown") }));
    Router::new()
        .merge(api)
        .merge(crate::auth::routes())
        // Precompressed: scripts/build.sh writes `.br` (brotli, best) and `.gz` beside the package
        // files, at no CPU cost per request. Browsers take brotli (the first wasm: 78 KB gzip,
        // 66 KB brotli); gzip, the size the budget measures, is for the rest.
        .nest_service("/pkg", ServeDir::new(&dirs.pkg).precompressed_br().precompressed_gzip())
        // The citizen page's bundle (scripts/page.mjs), a build output precompressed the same way.
        .nest_service("/build", ServeDir::new(dirs.www.join("build")).precompressed_br().precompressed_gzip())
        // The pages, compressed per request rather than from files that could go stale: they
        // are hand-edited (a few kilobytes, once per visit: the service worker keeps them).
        .fallback_service(tower::Layer::layer(&compression(), ServeDir::new(&dirs.www)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // A handler that panics answers 500 (and is counted) instead of dropping the connection.
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            ApiError::Internal.into_response()
        }))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Runs `work` to completion even if the client goes away (see the module note), in the
/// request's language (the messages of errors it makes).
async fn detached<T: Send + 'static>(work: impl Future<Output = Result<T, ApiError>> + Send + 'static) -> Result<T, ApiError> {
    let lang = crate::error::current_lang();
    tokio::spawn(crate::error::with_lang(lang, work)).await.map_err(|_| ApiError::Internal)?
}

/// Takes a token of `limit` for `subject`, or 429.
fn limit(state: &AppState, limit: Limit, subject: &[u8]) -> Result<(), ApiError> {
    state.limiters.check(limit, subject).map_err(|seconds| {
        state.metrics.rate_limited(limit);
        ApiError::RateLimited(seconds)
    })
}

/// Checks the number's format, authenticates `number` with `token`, then rate-limits. Failed
/// attempts count in a bucket of their own, so someone who knows a number but not its token
/// can slow down their own guessing but never lock the real applicant out.
async fn authorize(state: &AppState, number: &str, token: &str) -> Result<Stored, ApiError> {
    let number = input::application_number(number)?;
    match state.store.authenticate(number, token).await {
        Ok(application) => {
            limit(state, Limit::Application, number.as_bytes())?;
            Ok(application)
        }
        Err(ApiError::Unauthorized) => {
            limit(state, Limit::FailedAuth, number.as_bytes())?;
            Err(ApiError::Unauthorized)
        }
        Err(other) => Err(other),
    }
}

/// Brotli or gzip, whichever the browser accepts (brotli first: about 15% smaller), for what is
/// compressed per request: the pages and the bulletin. Brotli at tower-http's default for
/// answers made on the fly (quality 4, as nginx), not the slow best quality of the package files.
fn compression() -> CompressionLayer {
    CompressionLayer::new().gzip(true).br(true)
}
