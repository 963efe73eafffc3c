//! Shared test fixtures: fresh databases on each backend, an in-process server with a frozen
//! clock, and synthetic applicants. Loopback only.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kezek::calendar::Calendar;
use kezek_server::clock::SettableClock;
use kezek_server::db::Db;
use kezek_server::api::router;
use kezek_server::scheduler::Registry;
use kezek_server::state::{AppState, HttpConfig, Services, StaticDirs};
use kezek_server::secrets::{DataKey, TokenSecret};
use kezek_server::seed::{load_applications, load_vacancies, Seeded, VacancySeed};
use kezek_server::store::{Keys, Store};
use kezek_server::tree::{LogTree, DEFAULT_ORIGIN};
use kezek_server::synthetic::{application, Person};
use kezek::status::{LocalTime, ServicePolicy};
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
    // A label may hold characters an unquoted SQL name cannot ("a-b").
    let label: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
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
    Store::new(db, Calendar::builtin(), ServicePolicy::RULES, Keys { lookup: secret(), data: DataKey::from_bytes([9; 32]) }, log_tree())
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

/// `hour`:00 Kazakhstan time on `day`.
pub fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    kezek::status::deadline::local_time(day, LocalTime::new(hour as u8, 0).unwrap()).unwrap()
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
        kindergarten: None,
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
            group_detail: String::new(),
            capacity,
        })
        .collect()
}

/// Loads `applicants` general applications (age group 3, full day, one second apart, so queue
/// order is load order) and `vacancy_count` seat groups of `capacity`, publishes the bulletin
/// on the evening before `window_day()` and runs its 07:00 distribution (rule 24.4): the first
/// `min(applicants, seats)` get a priority window.
pub async fn window_fixture(store: &Store, applicants: u32, vacancy_count: usize, capacity: i64) -> Vec<Seeded> {
    load_vacancies(store, &vacancies(vacancy_count, capacity)).await.unwrap();
    let seeded = load_queue(store, applicants).await;
    kezek_server::jobs::publish_bulletin(store, at(date(2026, 11, 22), 18)).await.unwrap();
    let opened = kezek_server::jobs::open_windows(store, at(window_day(), 7)).await.unwrap();
    assert_eq!(opened, u64::from(applicants).min(vacancy_count as u64 * capacity as u64));
    seeded
}

/// `applicants` general applications, in queue order.
pub async fn load_queue(store: &Store, applicants: u32) -> Vec<Seeded> {
    let submitted = at(date(2026, 1, 10), 9);
    let bodies: Vec<(Value, DateTime<Utc>)> = (0..applicants).map(|i| (body(i, "none"), submitted + Duration::seconds(i64::from(i)))).collect();
    let seeded = load_applications(store, &bodies, at(window_day(), 6)).await.unwrap();
    assert_eq!(seeded.len(), applicants as usize, "synthetic children are distinct");
    seeded
}

/// The Thursday after `window_day()`: rule 24.10's remaining round for Monday's seats.
pub fn remaining_day() -> NaiveDate {
    date(2026, 11, 26)
}

/// Rule 24.10 at scale: `seats_first + applicants` applications; Monday's priority round
/// offers the seats to the first `seats_first` (= the seat count), who let their windows run
/// out; on Thursday at 07:00 the seats still free go to the next 1000 at once. Returns those
/// next applicants (with their remaining-round windows open from Thursday 07:00).
pub async fn remaining_round_fixture(store: &Store, applicants: u32, vacancy_count: usize, capacity: i64) -> Vec<Seeded> {
    let seats = vacancy_count as u32 * capacity as u32;
    let mut seeded = window_fixture(store, seats + applicants, vacancy_count, capacity).await;
    // Wednesday ends: Monday's windows run out unused.
    let thursday = at(remaining_day(), 7);
    kezek_server::jobs::settle_deadlines(store, thursday - Duration::hours(1)).await.unwrap();
    let opened = kezek_server::jobs::open_windows(store, thursday).await.unwrap();
    assert_eq!(opened, u64::from(applicants.min(1000)));
    seeded.drain(..seats as usize);
    seeded
}

/// For every application in the database: the status replayed from its public log entries by
/// the core ([`kezek::tlog::lifecycle::replay`]) equals the status the server reports at `now`.
pub async fn assert_register_replays(store: &Store, now: DateTime<Utc>) -> usize {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT entry FROM log_entries ORDER BY log_index").fetch_all(&store.db.pool).await.unwrap();
    let entries: Vec<kezek::tlog::Event> =
        rows.iter().map(|(text,)| kezek::tlog::Event::decode(&kezek::tlog::base64::decode(text).unwrap()).unwrap()).collect();
    let numbers: Vec<(String,)> = sqlx::query_as("SELECT number FROM applications").fetch_all(&store.db.pool).await.unwrap();
    let d = store.deadlines();
    for (number,) in &numbers {
        let served = store.application(number).await.unwrap().unwrap().status_at(now, &d).unwrap();
        let replayed = kezek::tlog::lifecycle::replay(&entries, number, now, &d).unwrap_or_else(|e| panic!("{number} does not replay: {e}"));
        assert_eq!(replayed, served, "application {number}: the register replays to the served status");
    }
    numbers.len()
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
    let services = Services::local(&store.db).unwrap();
    let state = Arc::new(AppState::new(store, clock.clone(), demo_clock, &config, services).unwrap());
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

/// Waits (up to 20 s) until `check` holds of the text `url` answers, and answers that text: for
/// what the server's jobs do in their own time, which a loaded machine may delay.
pub async fn wait_for_text(client: &reqwest::Client, url: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
    for _ in 0..200 {
        if let Ok(response) = client.get(url).send().await {
            if let Ok(text) = response.text().await {
                if check(&text) {
                    return text;
                }
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{url} never showed {what}");
}

/// Waits until `check` of the server's health body holds.
pub async fn wait_health(client: &reqwest::Client, base: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
    let url = format!("{base}/api/health");
    let text = wait_for_text(client, &url, what, |text| serde_json::from_str(text).is_ok_and(|body: Value| check(&body))).await;
    serde_json::from_str(&text).unwrap()
}

/// Signs `iin` in directly (as the callback does after the provider) and answers the session
/// cookie (`name=value`) to send.
pub async fn citizen_cookie(server: &TestServer, iin: &str) -> String {
    let identity = kezek_server::auth::Identity {
        issuer: "http://127.0.0.1/test".into(),
        subject: format!("citizen-{iin}"),
        iin: Some(kezek::iin::Iin::parse(iin, window_day()).unwrap()),
        family_name: None,
        given_name: None,
        locale: Some("en".into()),
    };
    let (id, _) = server.state.auth.sign_in(&identity).await.unwrap();
    format!("{}={id}", server.state.auth.cookie_name())
}

/// Links `child` to `applicant` in the civil registry table (what demo mode seeds).
pub async fn link_child(store: &Store, applicant: &str, child: &str) {
    sqlx::query("INSERT INTO civil_links (applicant_iin, child_iin) VALUES ($1, $2)").bind(applicant).bind(child).execute(&store.db.pool).await.unwrap();
}
