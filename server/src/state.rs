//! What every handler shares: the store, the claim writer, the clock, the limits, the access
//! rules, the metrics and the jobs' health; and the HTTP settings they are built from.

use crate::clock::{Clock, SettableClock};
use crate::connections::ConnectionLimits;
use crate::metrics::Metrics;
use crate::middleware::Access;
use crate::ratelimit::{Limiters, Limits};
use crate::scheduler::JobBoard;
use crate::store::{ClaimQueue, Store};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The HTTP layer's settings (flags in `server.rs`, defaults in each module's table).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpConfig {
    pub limits: Limits,
    pub connections: ConnectionLimits,
    /// A request's body read and answer within this, else 503 `request.timeout`.
    pub request_timeout: Duration,
    /// The site's own origin (`https://kezek.example.kz`); when set, a write's `Origin` must
    /// be exactly this, and `Host` must be in `allowed_hosts`.
    pub public_origin: Option<String>,
    /// Hosts (`host` or `host:port`) the server answers for; empty: the public origin's host,
    /// or any host when no public origin is set.
    pub allowed_hosts: Vec<String>,
    /// A header the reverse proxy in front sets to the client's address (`X-Forwarded-For`,
    /// its last entry is used), trusted only from a loopback peer.
    pub client_ip_header: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> HttpConfig {
        HttpConfig {
            limits: Limits::default(),
            connections: ConnectionLimits::default(),
            request_timeout: Duration::from_secs(30),
            public_origin: None,
            allowed_hosts: Vec::new(),
            client_ip_header: None,
        }
    }
}

/// Shared by every handler.
pub struct AppState {
    pub store: Store,
    /// Claims go through one writer with group commit (see `store/batch.rs`).
    pub claims: ClaimQueue,
    pub clock: Arc<dyn Clock>,
    /// Present only in demo mode: the clock `POST /api/demo/clock` moves.
    pub demo_clock: Option<Arc<SettableClock>>,
    pub limiters: Limiters,
    pub access: Access,
    pub request_timeout: Duration,
    pub metrics: Metrics,
    /// Each scheduled job's last success and failure (see `scheduler.rs`).
    pub jobs: JobBoard,
}

impl AppState {
    /// The state for `store` on `clock`, with the claim writer started (needs a Tokio runtime).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        demo_clock: Option<Arc<SettableClock>>,
        config: &HttpConfig,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        Ok(AppState {
            claims: ClaimQueue::start(store.clone()),
            store,
            clock,
            demo_clock,
            limiters: Limiters::new(&config.limits),
            access: Access::new(config)?,
            request_timeout: config.request_timeout,
            metrics: Metrics::new()?,
            jobs: JobBoard::default(),
        })
    }
}

/// Where static files come from.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    pub www: PathBuf,
    pub pkg: PathBuf,
}
