//! Configuration from flags and environment, and the server's main loop: bind, scheduler, serve.

use crate::clock::{Clock, SettableClock, SystemClock};
use crate::db::{Backend, Db};
use crate::api::router;
use crate::ratelimit::RateSpec;
use crate::scheduler::Registry;
use crate::state::{AppState, HttpConfig, Services, StaticDirs};
use crate::secrets::{load_or_create_seed, DataKey, TokenSecret};
use crate::tree::LogTree;
use crate::store::{Keys, Store};
use chrono::{DateTime, Utc};
use kezek::calendar::Calendar;
use kezek::status::ServicePolicy;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub demo: bool,
    pub database_url: Option<String>,
    pub port: u16,
    pub dirs: StaticDirs,
    pub secret_file: Option<PathBuf>,
    /// Start a clock at this instant (running in real time) instead of the system clock.
    pub clock_start: Option<DateTime<Utc>>,
    /// Scheduler period; 0 turns the scheduler off.
    pub tick_ms: u64,
    /// The HTTP layer: limits, timeouts, the public origin and hosts.
    pub http: HttpConfig,
    /// The public log's origin, also its signing key's name (`kezek.egov.kz/<region>/log`).
    pub log_origin: String,
    /// The log's Ed25519 seed file; by default beside the token secret ([`log_key_path`]).
    pub log_key_file: Option<PathBuf>,
    /// The key of the personal data at rest; by default beside the token secret ([`data_key_path`]).
    pub data_key_file: Option<PathBuf>,
    /// The provider's policy (`kezek::status::ServicePolicy` JSON); the Rules' values without.
    pub policy_file: Option<PathBuf>,
    /// Sign-in (OpenID Connect) settings.
    pub auth: crate::auth::AuthSettings,
    /// Notification settings (SMTP, SMS gateway, retries).
    pub notify: crate::notify::NotifySettings,
}

pub const USAGE: &str = "kezek-server [--demo] [--database-url URL] [--port N] [--www DIR] [--pkg DIR] \
[--secret-file PATH] [--clock-start RFC3339] [--tick-ms N] [--public-origin ORIGIN] [--allowed-hosts H1,H2] \
[--client-ip-header NAME] [--log-origin NAME] [--log-key-file PATH] [--data-key-file PATH] [--policy-file PATH]
  limits (a rate is N/PERIOD: 30/min, 20/4s, 10/h): [--limit-application RATE (20/4s)] [--limit-write-ip RATE (600/min)]
  [--limit-submit-ip RATE (30/min)] [--limit-submit-applicant RATE (10/h)] [--limiter-capacity N (100000)]
  timeouts and connections: [--header-timeout-ms N (10000)] [--idle-timeout-ms N (5000)] [--request-timeout-ms N (30000)]
  [--max-connections N (1024)]
  env: DATABASE_URL, PORT (default 8080), KEZEK_WWW, KEZEK_PKG, KEZEK_SECRET_FILE, KEZEK_LOG (info),
  KEZEK_LOG_ORIGIN (default kezek.egov.kz/demo/log), KEZEK_LOG_KEY_FILE, KEZEK_POLICY_FILE
  sign-in and notifications: see `kezek_server::auth::USAGE` and `kezek_server::notify`";

impl Config {
    /// Reads flags (`args` without the program name), falling back to the environment.
    pub fn from_args(args: &[String]) -> Result<Config, String> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // `www/` and `pkg/` live at the workspace root: use them from the current directory when
        // they are there (a deployment, or `cargo run` at the root), else from the source tree.
        let workspace = if PathBuf::from("www").is_dir() || PathBuf::from("pkg").is_dir() {
            PathBuf::from(".")
        } else {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
        };
        let mut config = Config {
            demo: false,
            database_url: env("DATABASE_URL"),
            port: env("PORT").map(|p| p.parse().map_err(|_| format!("PORT must be a number, not {p}"))).transpose()?.unwrap_or(8080),
            dirs: StaticDirs {
                www: env("KEZEK_WWW").map(PathBuf::from).unwrap_or_else(|| workspace.join("www")),
                pkg: env("KEZEK_PKG").map(PathBuf::from).unwrap_or_else(|| workspace.join("pkg")),
            },
            secret_file: env("KEZEK_SECRET_FILE").map(PathBuf::from),
            clock_start: None,
            tick_ms: 1000,
            http: HttpConfig::default(),
            log_origin: env("KEZEK_LOG_ORIGIN").unwrap_or_else(|| crate::tree::DEFAULT_ORIGIN.to_string()),
            log_key_file: env("KEZEK_LOG_KEY_FILE").map(PathBuf::from),
            data_key_file: env("KEZEK_DATA_KEY_FILE").map(PathBuf::from),
            policy_file: env("KEZEK_POLICY_FILE").map(PathBuf::from),
            auth: crate::auth::AuthSettings::from_env()?,
            notify: crate::notify::NotifySettings::from_env()?,
        };
        let mut rest = args.iter();
        while let Some(flag) = rest.next() {
            let mut value = || rest.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
            if config.auth.apply_flag(flag, &mut value)? || config.notify.apply_flag(flag, &mut value)? {
                continue;
            }
            match flag.as_str() {
                "--demo" => config.demo = true,
                "--database-url" => config.database_url = Some(value()?),
                "--port" => config.port = value()?.parse().map_err(|_| "--port must be a number".to_string())?,
                "--www" => config.dirs.www = PathBuf::from(value()?),
                "--pkg" => config.dirs.pkg = PathBuf::from(value()?),
                "--secret-file" => config.secret_file = Some(PathBuf::from(value()?)),
                "--clock-start" => {
                    let text = value()?;
                    let instant = DateTime::parse_from_rfc3339(&text).map_err(|e| format!("--clock-start {text}: {e}"))?;
                    config.clock_start = Some(instant.with_timezone(&Utc));
                }
                "--tick-ms" => config.tick_ms = value()?.parse().map_err(|_| "--tick-ms must be a number".to_string())?,
                "--public-origin" => config.http.public_origin = Some(value()?),
                "--allowed-hosts" => {
                    config.http.allowed_hosts = value()?.split(',').map(str::trim).filter(|h| !h.is_empty()).map(str::to_string).collect()
                }
                "--client-ip-header" => config.http.client_ip_header = Some(value()?),
                "--limit-application" => config.http.limits.application = rate(flag, &value()?)?,
                "--limit-write-ip" => config.http.limits.write_ip = rate(flag, &value()?)?,
                "--limit-submit-ip" => config.http.limits.submit_ip = rate(flag, &value()?)?,
                "--limit-submit-applicant" => config.http.limits.submit_applicant = rate(flag, &value()?)?,
                "--limiter-capacity" => config.http.limits.capacity = number(flag, &value()?)?.max(2),
                "--header-timeout-ms" => config.http.connections.header_timeout = millis(flag, &value()?)?,
                "--idle-timeout-ms" => config.http.connections.idle_timeout = millis(flag, &value()?)?,
                "--request-timeout-ms" => config.http.request_timeout = millis(flag, &value()?)?,
                "--max-connections" => config.http.connections.max_connections = number(flag, &value()?)?.max(1),
                "--log-origin" => config.log_origin = value()?,
                "--log-key-file" => config.log_key_file = Some(PathBuf::from(value()?)),
                "--data-key-file" => config.data_key_file = Some(PathBuf::from(value()?)),
                "--policy-file" => config.policy_file = Some(PathBuf::from(value()?)),
                "--help" | "-h" => return Err(USAGE.to_string()),
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        Ok(config)
    }

    fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            // Each demo run starts from a fresh, seeded file.
            None if self.demo => {
                remove_stale_demo_files();
                let path = std::env::temp_dir().join(format!("kezek-demo-{}.db", std::process::id()));
                format!("sqlite://{}", path.display())
            }
            None => "sqlite://kezek.db".to_string(),
        }
    }

    fn secret_path(&self, url: &str) -> PathBuf {
        if let Some(path) = &self.secret_file {
            return path.clone();
        }
        match Backend::of_url(url) {
            Backend::Sqlite => {
                let file = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                PathBuf::from(format!("{}.secret", file.split('?').next().unwrap_or(file)))
            }
            Backend::Postgres => PathBuf::from("kezek-token.secret"),
        }
    }
}

fn rate(flag: &str, text: &str) -> Result<RateSpec, String> {
    text.parse().map_err(|e| format!("{flag}: {e}"))
}

fn number(flag: &str, text: &str) -> Result<usize, String> {
    text.parse().map_err(|_| format!("{flag} must be a number, not {text}"))
}

/// A positive number of milliseconds.
fn millis(flag: &str, text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(ms) if ms > 0 => Ok(Duration::from_millis(ms)),
        _ => Err(format!("{flag} must be a positive number of milliseconds, not {text}")),
    }
}

/// The log signing key's file: the secret file's name with `.log-key` in place of its extension.
pub fn log_key_path(secret_path: &std::path::Path) -> PathBuf {
    secret_path.with_extension("log-key")
}

/// The personal data key's file: the secret file's name with `.data-key` in place of its extension.
pub fn data_key_path(secret_path: &std::path::Path) -> PathBuf {
    secret_path.with_extension("data-key")
}

/// Deletes demo databases (and their WAL and secret files) left by demo runs that have ended:
/// each run starts from its own fresh file, so nothing in them is needed again.
fn remove_stale_demo_files() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix("kezek-demo-").and_then(|rest| rest.split('.').next()) else { continue };
        if cfg!(target_os = "linux") && pid.bytes().all(|b| b.is_ascii_digit()) && !std::path::Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Builds the state for `config`: connects, migrates, seeds in demo mode.
pub async fn prepare(config: &Config) -> Result<Arc<AppState>, Box<dyn std::error::Error>> {
    let url = config.database_url();
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let secret_path = config.secret_path(&url);
    let secret = TokenSecret::load_or_create(&secret_path)?;
    // The log's Ed25519 seed lives beside the token secret, created the same way (mode 0600).
    let seed = load_or_create_seed(&config.log_key_file.clone().unwrap_or_else(|| log_key_path(&secret_path)))?;
    let tree = LogTree::new(&config.log_origin, &seed)?;
    let policy = match &config.policy_file {
        Some(path) => ServicePolicy::from_json(&std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?)?,
        None => ServicePolicy::RULES,
    };
    let services = Services::with_auth(&db, config.auth.clone().build()?)?;
    // The personal data's key too, in its own file: a copy of the database opens nothing.
    let data = DataKey::load_or_create(&config.data_key_file.clone().unwrap_or_else(|| data_key_path(&secret_path)))?;
    // Outbox rows an older version wrote with the recipient in clear are sealed now (issue 15).
    let sealed = crate::notify::outbox::seal_clear_recipients(&db.pool, &data).await?;
    if sealed > 0 {
        tracing::info!(rows = sealed, "notification recipients sealed at rest");
    }
    let store = Store::new(db, Calendar::builtin(), policy, Keys { lookup: secret, data }, tree);
    let (clock, demo_clock): (Arc<dyn Clock>, Option<Arc<SettableClock>>) = if config.demo {
        let start = config.clock_start.unwrap_or_else(|| crate::demo::demo_start(&store, Utc::now()));
        let clock = Arc::new(SettableClock::running_from(start));
        let seeded = crate::demo::seed(&store, start).await?;
        let mut tx = store.db.begin_write().await?;
        crate::adapters::seed_demo_people(&mut tx, &crate::adapters::demo_people(), start).await?;
        tx.commit().await?;
        tracing::info!(applications = seeded, "demo data seeded");
        (clock.clone(), Some(clock))
    } else if let Some(start) = config.clock_start {
        (Arc::new(SettableClock::running_from(start)), None)
    } else {
        (Arc::new(SystemClock), None)
    };
    Ok(Arc::new(AppState::new(store, clock, demo_clock, &config.http, services)?))
}

/// Runs the scheduler and serves until SIGTERM or Ctrl-C, then drains the open connections.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    // Notification settings are checked before anything is written.
    let notify = config.notify.clone().build()?;
    let transports = crate::notify::service::transports(&notify)?;
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
    let address = listener.local_addr()?;
    let jobs = if config.tick_ms > 0 {
        let mut registry = Registry::standard();
        if transports.email.is_some() || transports.sms.is_some() {
            // The sender runs on the server's clock: in demo mode a reminder follows the demo clock.
            let sender = Arc::new(crate::notify::Sender::new(state.store.db.clone(), state.clock.clone(), transports, notify.retry, state.store.data_key.clone()));
            registry = registry.with(crate::notify::service::job(sender, state.clone()));
            tracing::info!(email = notify.smtp.is_some(), sms = notify.sms.is_some(), "notifications: sender started");
        } else {
            tracing::info!("notifications: no SMTP server or SMS gateway configured; messages wait in the outbox");
        }
        crate::scheduler::spawn(state.clone(), registry, Duration::from_millis(config.tick_ms))
    } else {
        Vec::new()
    };
    let app = router(state.clone(), &config.dirs);
    // Tests and people read this line; print it only once the socket accepts connections.
    println!("kezek-server listening on http://{address}/ ({:?}{})", state.store.db.backend, if config.demo { ", demo" } else { "" });
    let open = state.metrics.connections_open.clone();
    crate::connections::serve(listener, app, config.http.connections.clone(), open, shutdown_signal()).await;
    for job in jobs {
        job.abort();
    }
    tracing::info!("shut down");
    Ok(())
}

/// Completes on SIGTERM (how service managers and the tests stop the server) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: no new connections, finishing the open ones");
}
