//! The morning rush against the real binary: rule 24.10's remaining round opens 100 seats to
//! 1000 applicants at once, who send 2000 concurrent claims, with retries on 5xx and connection
//! errors; then the same with the server SIGKILLed in the middle and restarted on the same
//! database. Loopback only, bounded in count (2000 claims) and time (RUSH_DEADLINE). After
//! each, the public register replays to the status the server reports for every application.

mod common;

use common::process::{spawn_server, write_secret, Spawned};
use common::*;
use kezek_server::seed::Seeded;
use kezek_server::store::Store;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const APPLICANTS: u32 = 1000;
const CLAIMS: usize = 2000;
const VACANCIES: usize = 10;
const SEATS_PER_VACANCY: i64 = 10;
/// Requests in flight at once (each is one loopback connection).
const IN_FLIGHT: usize = 200;
const RUSH_DEADLINE: Duration = Duration::from_secs(120);
/// 07:30 local on the Thursday of the remaining round: inside the windows the fixture opened.
const CLOCK_START: &str = "2026-11-26T02:30:00Z";

#[derive(Default)]
struct Outcome {
    /// (application number, referral id) of every 2xx answer.
    acknowledged: Vec<(String, String)>,
    full: usize,
    retries: usize,
    latencies: Vec<Duration>,
}

struct Rush {
    store: Store,
    seeded: Vec<Seeded>,
    server: Spawned,
    url: String,
    secret: std::path::PathBuf,
    log: std::path::PathBuf,
}

async fn prepare(url: &str, label: &str, vacancies: usize, seats: i64) -> Rush {
    let dir = temp_dir(label);
    let store = store(url).await;
    let seeded = remaining_round_fixture(&store, APPLICANTS, vacancies, seats).await;
    let secret = write_secret(&dir);
    let log = dir.join("server.log");
    let server = spawn_server(url, &secret, CLOCK_START, &log);
    Rush { store, seeded, server, url: url.to_string(), secret, log }
}

/// Sends the claims; `on_progress` sees the count of acknowledgements after each one.
async fn send_claims(base: Arc<RwLock<String>>, seeded: &[Seeded], vacancies: usize, acked: Arc<AtomicUsize>) -> Outcome {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()
        .unwrap();
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let gate = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let deadline = Instant::now() + RUSH_DEADLINE;
    let mut tasks = Vec::with_capacity(CLAIMS);
    for i in 0..CLAIMS {
        let applicant = &seeded[i % seeded.len()];
        let body = json!({
            "number": applicant.number,
            "vacancyId": format!("v{}", (i * 7 + i / seeded.len() * 3) % vacancies),
        });
        let token = applicant.token.clone();
        let (client, outcome, gate, base, acked) = (client.clone(), outcome.clone(), gate.clone(), base.clone(), acked.clone());
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = gate.acquire_owned().await.unwrap();
            let started = Instant::now();
            loop {
                assert!(Instant::now() < deadline, "rush did not finish in time");
                let url = format!("{}/api/claims", base.read().unwrap());
                let pause = match client.post(url).bearer_auth(&token).json(&body).send().await {
                    Ok(response) if response.status().is_success() => {
                        let referral: Value = response.json().await.unwrap();
                        assert_eq!(referral["applicationNumber"], body["number"]);
                        let mut o = outcome.lock().unwrap();
                        o.acknowledged.push((body["number"].as_str().unwrap().to_string(), referral["id"].as_str().unwrap().to_string()));
                        o.latencies.push(started.elapsed());
                        acked.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    Ok(response) if response.status() == 409 => {
                        let error: Value = response.json().await.unwrap();
                        assert_eq!(error["errors"][0]["code"], "vacancy.full", "{error}");
                        let mut o = outcome.lock().unwrap();
                        o.full += 1;
                        o.latencies.push(started.elapsed());
                        return;
                    }
                    Ok(response) if response.status() == 429 => Duration::from_millis(200),
                    Ok(response) if response.status().is_server_error() => Duration::from_millis(20),
                    Ok(response) => panic!("unexpected {}: {}", response.status(), response.text().await.unwrap_or_default()),
                    Err(_) => Duration::from_millis(50),
                };
                outcome.lock().unwrap().retries += 1;
                tokio::time::sleep(pause).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    Arc::try_unwrap(outcome).ok().unwrap().into_inner().unwrap()
}

/// Exactly `seats` referrals, no application twice, free + referrals = capacity per vacancy,
/// every acknowledged referral stored (with the application it was acknowledged for).
async fn check_invariants(store: &Store, outcome: &Outcome, seats: i64) {
    let pool = &store.db.pool;
    let referrals: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, application_number, vacancy_id FROM referrals WHERE state = 'active'").fetch_all(pool).await.unwrap();
    assert_eq!(referrals.len() as i64, seats, "exactly as many referrals as seats");
    let applications: HashSet<&str> = referrals.iter().map(|r| r.1.as_str()).collect();
    assert_eq!(applications.len(), referrals.len(), "no application referred twice");
    let all: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM referrals").fetch_one(pool).await.unwrap();
    assert_eq!(all.0, seats, "no stray referral in another state");
    let vacancies: Vec<(String, i64, i64)> = sqlx::query_as("SELECT id, capacity, free FROM vacancies").fetch_all(pool).await.unwrap();
    for (id, capacity, free) in vacancies {
        let taken = referrals.iter().filter(|r| r.2 == id).count() as i64;
        assert_eq!(free + taken, capacity, "vacancy {id}");
        assert_eq!(free, 0, "the rush takes every seat of {id}");
    }
    let stored: HashMap<&str, &str> = referrals.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
    let mut per_application: HashMap<&str, &str> = HashMap::new();
    for (number, id) in &outcome.acknowledged {
        assert_eq!(stored.get(id.as_str()), Some(&number.as_str()), "acknowledged referral {id} is stored");
        let first = per_application.entry(number).or_insert(id);
        assert_eq!(*first, id.as_str(), "one referral per application");
    }
    assert_eq!(per_application.len() as i64, seats, "every referral was acknowledged to someone");
    let referred: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications WHERE state = 'referred'").fetch_one(pool).await.unwrap();
    assert_eq!(referred.0, seats);
    check_log(store, &referrals).await;
    let replayed = assert_register_replays(store, chrono::Utc::now().max(at(remaining_day(), 9))).await;
    eprintln!("register replays to the served status for all {replayed} applications");
}

/// The restarted server rebuilt its tree from the database: its signed checkpoint covers every
/// stored entry, with the root of their leaf hashes.
async fn check_checkpoint(store: &Store, base: &str) {
    let client = client();
    let vkey = client.get(format!("{base}/api/log/key")).send().await.unwrap().text().await.unwrap();
    let note = client.get(format!("{base}/api/log/checkpoint")).send().await.unwrap().text().await.unwrap();
    let checkpoint = kezek::tlog::Verifier::parse(&vkey).unwrap().verify_checkpoint(&note).unwrap();
    let leaves: Vec<(String,)> =
        sqlx::query_as("SELECT leaf_hash FROM log_entries ORDER BY log_index").fetch_all(&store.db.pool).await.unwrap();
    let tree = kezek::tlog::Log::from_leaf_hashes(leaves.iter().map(|(h,)| hex_hash(h)));
    assert_eq!(checkpoint.size, tree.size());
    assert_eq!(checkpoint.root_hash, tree.root(tree.size()).unwrap());
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
}

fn hex_hash(text: &str) -> kezek::tlog::Hash {
    hex_bytes(text).try_into().unwrap()
}

/// The public log: dense indexes, and exactly one `referral_issued` entry per stored referral
/// (none for claims rolled back, refused or lost in the kill), naming that referral.
async fn check_log(store: &Store, referrals: &[(String, String, String)]) {
    let pool = &store.db.pool;
    let (count, max, head): (i64, i64, i64) =
        sqlx::query_as("SELECT COUNT(*), MAX(log_index), (SELECT size FROM log_head) FROM log_entries").fetch_one(pool).await.unwrap();
    assert_eq!((count, head), (max + 1, count), "dense indexes from 0, head = size");
    let issued: Vec<(String,)> =
        sqlx::query_as("SELECT entry FROM log_entries WHERE kind = 'referral_issued'").fetch_all(pool).await.unwrap();
    assert_eq!(issued.len(), referrals.len(), "one referral_issued entry per referral");
    let mut logged = HashMap::new();
    for (text,) in issued {
        let event = kezek::tlog::Event::decode(&kezek::tlog::base64::decode(&text).unwrap()).unwrap();
        let kezek::tlog::EventBody::ReferralIssued { application, referral, seat } = event.body else { panic!("not referral_issued") };
        assert!(logged.insert(referral, (application, seat)).is_none(), "a referral logged twice");
    }
    for (id, number, vacancy) in referrals {
        let (application, seat) = logged.get(id).unwrap_or_else(|| panic!("referral {id} is not logged"));
        assert_eq!(application, number, "referral {id} is logged for its application");
        // The seat is published only as a commitment, which opens with the application's salt.
        let (salt,): (String,) = sqlx::query_as("SELECT salt FROM applications WHERE number = $1").bind(number).fetch_one(pool).await.unwrap();
        let salt: [u8; 32] = hex_bytes(&salt).try_into().unwrap();
        assert!(seat.opens(&salt, format!("seat:{vacancy}").as_bytes()), "referral {id} commits to seat {vacancy}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rush_2000_claims_for_100_seats() {
    for url in test_databases("rush").await {
        let rush = prepare(&url, "rush", VACANCIES, SEATS_PER_VACANCY).await;
        let base = Arc::new(RwLock::new(rush.server.base.clone()));
        let started = Instant::now();
        let outcome = send_claims(base, &rush.seeded, VACANCIES, Arc::new(AtomicUsize::new(0))).await;
        eprintln!(
            "rush on {}: {} acknowledged, {} full, {} retries in {:?}",
            rush.store.db.backend_name(), outcome.acknowledged.len(), outcome.full, outcome.retries, started.elapsed()
        );
        check_invariants(&rush.store, &outcome, VACANCIES as i64 * SEATS_PER_VACANCY).await;
        drop(rush.server);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rush_survives_sigkill_mid_way() {
    for url in test_databases("crash").await {
        let mut rush = prepare(&url, "crash", VACANCIES, SEATS_PER_VACANCY).await;
        let base = Arc::new(RwLock::new(rush.server.base.clone()));
        let acked = Arc::new(AtomicUsize::new(0));
        let claims = {
            let (base, seeded, acked) = (base.clone(), rush.seeded.clone(), acked.clone());
            tokio::spawn(async move { send_claims(base, &seeded, VACANCIES, acked).await })
        };
        // Kill once some seats are acknowledged and most are not: requests are in flight.
        let wait_until = Instant::now() + Duration::from_secs(60);
        while acked.load(Ordering::SeqCst) < 15 {
            assert!(Instant::now() < wait_until, "no progress before the kill");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        rush.server.kill();
        let at_kill = acked.load(Ordering::SeqCst);
        let restarted = spawn_server(&rush.url, &rush.secret, CLOCK_START, &rush.log);
        *base.write().unwrap() = restarted.base.clone();
        let outcome = claims.await.unwrap();
        eprintln!(
            "crash rush on {}: killed after {at_kill} acknowledgements; {} acknowledged, {} full, {} retries",
            rush.store.db.backend_name(), outcome.acknowledged.len(), outcome.full, outcome.retries
        );
        // Not `at_kill < 100`: the server answers a batch of up to 64 claims after one commit, so
        // on a loaded machine the count can reach every seat before the kill lands. The kill
        // comes mid-rush all the same: claims were in flight and had to be sent again.
        assert!(outcome.retries > 0, "some claims had to be retried across the restart");
        check_invariants(&rush.store, &outcome, VACANCIES as i64 * SEATS_PER_VACANCY).await;
        check_checkpoint(&rush.store, &restarted.base).await;
        drop(restarted);
    }
}

/// `cargo test --profile server -p kezek-server --test rush -- --ignored --nocapture rush_bench`
/// (under `scripts/with-postgres.sh` for PostgreSQL too): 1000 applicants, 2000 claims for
/// 1000 seats, so most claims commit; latency is from the first send to the final answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn rush_bench() {
    for url in test_databases("bench").await {
        let rush = prepare(&url, "bench", 100, 10).await;
        let base = Arc::new(RwLock::new(rush.server.base.clone()));
        let started = Instant::now();
        let mut outcome = send_claims(base, &rush.seeded, 100, Arc::new(AtomicUsize::new(0))).await;
        let elapsed = started.elapsed();
        outcome.latencies.sort();
        let pick = |q: f64| outcome.latencies[((outcome.latencies.len() as f64 - 1.0) * q) as usize];
        let distinct: HashSet<&str> = outcome.acknowledged.iter().map(|(_, id)| id.as_str()).collect();
        println!(
            "rush_bench {}: {} claims ({} acknowledged, {} distinct referrals, {} full, {} retries) in {:.2?}: {:.0} claims/s, p50 {:.1?}, p99 {:.1?}",
            rush.store.db.backend_name(),
            CLAIMS,
            outcome.acknowledged.len(),
            distinct.len(),
            outcome.full,
            outcome.retries,
            elapsed,
            CLAIMS as f64 / elapsed.as_secs_f64(),
            pick(0.50),
            pick(0.99),
        );
        drop(rush.server);
    }
}
