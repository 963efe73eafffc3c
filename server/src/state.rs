//! What every handler shares: the store, the claim writer, the clock, the limiter and the
//! site's own origin.

use crate::clock::{Clock, SettableClock};
use crate::ratelimit::RateLimiter;
use crate::store::{ClaimQueue, Store};
use std::path::PathBuf;
use std::sync::Arc;

/// Shared by every handler.
pub struct AppState {
    pub store: Store,
    /// Claims go through one writer with group commit (see `store/batch.rs`).
    pub claims: ClaimQueue,
    pub clock: Arc<dyn Clock>,
    /// Present only in demo mode: the clock `POST /api/demo/clock` moves.
    pub demo_clock: Option<Arc<SettableClock>>,
    pub limiter: RateLimiter,
    /// The site's own origin (`http://127.0.0.1:8080`); writes from any other origin are refused.
    pub public_origin: Option<String>,
}

/// Where static files come from.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    pub www: PathBuf,
    pub pkg: PathBuf,
}
