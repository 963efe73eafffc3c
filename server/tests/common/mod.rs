//! Shared test fixtures: fresh databases on each backend, an in-process server with a frozen
//! clock, and synthetic applicants. Loopback only.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kezek::calendar::Calendar;
use kezek_server::clock::SettableClock;
use kezek_server::db::Db;
use kezek_server::api::router;
use kezek_server::scheduler::Registry;
use kezek_server::state::{AppState, HttpConfig, StaticDirs};
use kezek_server::kztime::at_local;
use kezek_server::secrets::TokenSecret;
use kezek_server::seed::{load_applications, load_vacancies, Seeded, VacancySeed};
use kezek_server::store::Store;
use kezek_server::tree::{LogTree, DEFAULT_ORIGIN};
use kezek_server::synthetic::{application, Person};
use serde_json::Value;
use sqlx::Executor;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

pub mod process;

pub const LOCALITY: &str = "750000000";

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh directory under the system temp dir. Directories left by earlier test processes
/// that have exited are removed on first use (Linux: the process id is gone from /proc).
pub fn temp_dir(label: &str) -> PathBuf {
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(remove_stale_test_dirs);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("kezek-test-{}-{label}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Database URLs to run a test on: a new SQLite file always, and a new PostgreSQL database
/// when KEZEK_TEST_POSTGRES_URL names a server (see scripts/with-postgres.sh).
pub async fn test_databases(label: &str) -> Vec<String> {
    let dir = temp_dir(label);
    let mut urls = vec![format!("sqlite://{}", dir.join("kezek.db").display())];
    if let Ok(admin_url) = std::env::var("KEZEK_TEST_POSTGRES_URL") {
        if !admin_url.is_empty() {
            urls.push(fresh_postgres_database(&admin_url, label).await);
        }
    }
    eprintln!("{label}: running on {urls:?}");
    urls
}

async fn fresh_postgres_database(admin_url: &str, label: &str) -> String {
    sqlx::any::install_default_drivers();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("kezek_{}_{}_{}", label, std::process::id(), n);
    let pool = sqlx::AnyPool::connect(admin_url).await.unwrap();
    pool.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    pool.close().await;
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap_or(admin_url);
    format!("{base}/{name}")
}

fn remove_stale_test_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = name.strip_prefix("kezek-test-").and_then(|rest| rest.split('-').next()) else { continue };
        if cfg!(target_os = "linux") && !std::path::Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub fn secret() -> TokenSecret {
    TokenSecret::from_bytes([7; 32])
}

/// The log seed of test stores.
pub const LOG_SEED: [u8; 32] = [9; 32];

pub fn log_tree() -> LogTree {
    LogTree::new(DEFAULT_ORIGIN, &LOG_SEED).unwrap()
}

pub async fn store(url: &str) -> Store {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    Store { db, calendar: Arc::new(Calendar::builtin()), secret: secret(), tree: Arc::new(log_tree()) }
}

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Monday 23 November 2026, a working day: windows open at 07:00 local (02:00 UTC).
pub fn window_day() -> NaiveDate {
    date(2026, 11, 23)
}

pub fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    at_local(day, hour)
}

/// A child 3 full years old on 1 September 2026 (age group 3).
pub fn child_birth(seed: u32) -> NaiveDate {
    date(2022, 9, 2) + Duration::days(i64::from(seed % 120))
}

pub fn body(seed: u32, category: &str) -> Value {
    application(&Person {
        child_birth: child_birth(seed),
        seed,
        locality_code: LOCALITY,
        category,
        kind: "general",
        stay_mode: "full_day",
        language: "kk",
    })
}

/// `count` vacancies of `capacity` seats each, age group 3, full day, in LOCALITY.
pub fn vacancies(count: usize, capacity: i64) -> Vec<VacancySeed> {
    (0..count)
        .map(|i| VacancySeed {
            id: format!("v{i}"),
            kindergarten_id: format!("kg{}", i % 5),
            kindergarten_name: format!("Kindergarten {}", i % 5),
            locality_code: LOCALITY.to_string(),
            age_group: 3,
            language: "kk".to_string(),
            stay_mode: "full_day".to_string(),
            group_kind: "general".to_string(),
            capacity,
        })
        .collect()
}

/// Loads `applicants` applications and the vacancies, publishes the bulletin on the evening
/// before `window_day()` and opens the 07:00 windows on it.
pub async fn rush_fixture(store: &Store, applicants: u32, vacancy_count: usize, capacity: i64) -> Vec<Seeded> {
    load_vacancies(store, &vacancies(vacancy_count, capacity)).await.unwrap();
    let submitted = at(date(2026, 1, 10), 9);
    let bodies: Vec<(Value, DateTime<Utc>)> =
        (0..applicants).map(|i| (body(i, "none"), submitted + Duration::seconds(i64::from(i)))).collect();
    let seeded = load_applications(store, &bodies, at(window_day(), 6)).await.unwrap();
    kezek_server::jobs::publish_bulletin(store, at(date(2026, 11, 22), 18)).await.unwrap();
    let opened = kezek_server::jobs::open_windows(store, at(window_day(), 7)).await.unwrap();
    assert_eq!(opened, u64::from(applicants.min(1000)));
    seeded
}

/// A server in this process on 127.0.0.1 with a frozen, settable clock (demo endpoints on).
pub struct TestServer {
    pub base: String,
    pub state: Arc<AppState>,
    pub clock: Arc<SettableClock>,
    pub dirs: StaticDirs,
}

/// A server with the production defaults of [`HttpConfig`], no scheduler.
pub async fn serve(store: Store, now: DateTime<Utc>) -> TestServer {
    serve_with(store, now, HttpConfig::default(), None).await
}

/// A server with `config`, demo endpoints on or off, and the scheduler running `jobs` every
/// period when given; served by the same accept loop as the binary.
pub async fn serve_with(store: Store, now: DateTime<Utc>, config: HttpConfig, jobs: Option<(Registry, std::time::Duration)>) -> TestServer {
    serve_configured(store, now, config, jobs, true).await
}

pub async fn serve_configured(
    store: Store,
    now: DateTime<Utc>,
    config: HttpConfig,
    jobs: Option<(Registry, std::time::Duration)>,
    demo: bool,
) -> TestServer {
    let clock = Arc::new(SettableClock::frozen_at(now));
    let dirs = StaticDirs { www: temp_dir("www"), pkg: temp_dir("pkg") };
    let demo_clock = demo.then(|| clock.clone());
    let state = Arc::new(AppState::new(store, clock.clone(), demo_clock, &config).unwrap());
    if let Some((registry, period)) = jobs {
        kezek_server::scheduler::spawn(state.clone(), registry, period);
    }
    let app = router(state.clone(), &dirs);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let open = state.metrics.connections_open.clone();
    tokio::spawn(kezek_server::connections::serve(listener, app, config.connections.clone(), open, std::future::pending()));
    TestServer { base, state, clock, dirs }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build().unwrap()
}
