//! What every handler shares: the store, the claim writer, the clock, the limits, the access
//! rules, the metrics and the jobs' health; and the HTTP settings they are built from.

use crate::adapters::{CivilRegistry, StateGrounds};
use crate::auth::Auth;
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
    /// The notification sender's channels, for health (`notify/service.rs`).
    pub notifications: crate::notify::service::Board,
    /// Sign-in and sessions (issue 12); the extractors find it through `FromRef`.
    pub auth: Auth,
    /// The civil registry: which children an applicant may apply for.
    pub registry: Arc<dyn CivilRegistry>,
    /// Which priority grounds the state systems confirm.
    pub grounds: Arc<dyn StateGrounds>,
}

impl axum::extract::FromRef<Arc<AppState>> for Auth {
    fn from_ref(state: &Arc<AppState>) -> Auth {
        state.auth.clone()
    }
}

/// What the state is built from besides the store and the clocks.
pub struct Services {
    pub auth: Auth,
    pub registry: Arc<dyn CivilRegistry>,
    pub grounds: Arc<dyn StateGrounds>,
}

impl Services {
    /// Sign-in off, and the registry and grounds tables of the store's database (tests).
    pub fn local(db: &crate::db::Db) -> Result<Services, String> {
        Services::with_auth(db, crate::auth::AuthConfig::without_sign_in())
    }

    /// Sign-in as `config` says, and the registry and grounds tables of the database (demo
    /// mode seeds them; production fills them from the e-government gateway).
    pub fn with_auth(db: &crate::db::Db, config: crate::auth::AuthConfig) -> Result<Services, String> {
        Ok(Services {
            // Sessions run on the system clock, even in demo mode (see `auth`).
            auth: Auth::new(db.clone(), Arc::new(crate::clock::SystemClock), config)?,
            registry: Arc::new(crate::adapters::DemoCivilRegistry { db: db.clone() }),
            grounds: Arc::new(crate::adapters::DemoStateGrounds { db: db.clone() }),
        })
    }
}

impl AppState {
    /// The state for `store` on `clock`, with the claim writer started (needs a Tokio runtime).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        demo_clock: Option<Arc<SettableClock>>,
        config: &HttpConfig,
        services: Services,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        Ok(AppState {
            auth: services.auth,
            registry: services.registry,
            grounds: services.grounds,
            claims: ClaimQueue::start(store.clone()),
            store,
            clock,
            demo_clock,
            limiters: Limiters::new(&config.limits),
            access: Access::new(config)?,
            request_timeout: config.request_timeout,
            metrics: Metrics::new()?,
            jobs: JobBoard::default(),
            notifications: Default::default(),
        })
    }
}

/// Where static files come from.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    pub www: PathBuf,
    pub pkg: PathBuf,
}
