//! Benchmarks of the real binary on loopback (figures, not pass/fail: run by `scripts/bench.sh`,
//! each on SQLite and, under `scripts/with-postgres.sh`, PostgreSQL):
//!
//! * `reads_bench`: a queue of 20 000 applications (a city's birth year); snapshot requests
//!   from 32 connections for a fixed time (requests a second; goal ≥ 2 000), then status reads
//!   of random applications (p50/p99; goal p99 < 5 ms).
//! * `open_loop_claims_bench`: claims offered at a fixed rate whatever the answers' speed (an
//!   open loop: latency counts from the moment a claim was due, so a slow server cannot hide
//!   its queueing by slowing the sender). Goal at 1 000 claims/s for 10 s: p99 < 50 ms on
//!   SQLite, < 100 ms on PostgreSQL.
//!
//! Bounded: loopback only, a fixed count and a deadline, at most `MAX_IN_FLIGHT` open requests.

mod common;

use common::process::{spawn_server, write_secret};
use common::*;
use kezek_server::seed::Seeded;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const QUEUE_SIZE: u32 = 20_000;
const READ_CONNECTIONS: usize = 32;
const READ_SECONDS: u64 = 5;
const STATUS_READS: usize = 2_000;
/// Claims a second the open loop offers, and for how long.
const OFFERED_RATE: u64 = 1_000;
const OFFERED_SECONDS: u64 = 10;
/// More requests open than this counts as an error rather than growing without bound.
const MAX_IN_FLIGHT: usize = 2_000;
/// 07:30 local on the remaining round's Thursday (see `remaining_round_fixture`).
const CLOCK_START: &str = "2026-11-26T02:30:00Z";

fn client(connections: usize) -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_max_idle_per_host(connections).build().unwrap()
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted.get(((sorted.len().max(1) - 1) as f64 * q) as usize).copied().unwrap_or_default()
}

/// `cargo test --profile server -p kezek-server --test load -- --ignored --nocapture reads_bench`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn reads_bench() {
    for url in test_databases("reads").await {
        let dir = temp_dir("reads");
        let store = store(&url).await;
        let loading = Instant::now();
        let seeded = load_queue(&store, QUEUE_SIZE).await;
        let loaded = loading.elapsed();
        let secret = write_secret(&dir);
        let server = spawn_server(&url, &secret, CLOCK_START, &dir.join("server.log"));
        let queue = store.application(&seeded[0].number).await.unwrap().unwrap().queue.to_string();
        let snapshot_url = format!("{}/api/queues/{queue}/snapshot", server.base);
        let http = client(READ_CONNECTIONS);

        // The first request records the snapshot in the log and fills the cache.
        let first = Instant::now();
        let body = http.get(&snapshot_url).send().await.unwrap().error_for_status().unwrap().bytes().await.unwrap();
        let cold = first.elapsed();

        let served = Arc::new(AtomicUsize::new(0));
        let stop = Instant::now() + Duration::from_secs(READ_SECONDS);
        let started = Instant::now();
        let workers: Vec<_> = (0..READ_CONNECTIONS)
            .map(|_| {
                let (http, url, served) = (http.clone(), snapshot_url.clone(), served.clone());
                let length = body.len();
                tokio::spawn(async move {
                    while Instant::now() < stop {
                        let got = http.get(&url).send().await.unwrap().bytes().await.unwrap();
                        assert_eq!(got.len(), length, "every request is answered with the whole snapshot");
                        served.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
        let rate = served.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();

        let mut latencies = Vec::with_capacity(STATUS_READS);
        for i in 0..STATUS_READS {
            let applicant = &seeded[(i * 7919) % seeded.len()];
            let sent = Instant::now();
            let response = http.get(format!("{}/api/applications/{}/status", server.base, applicant.number)).bearer_auth(&applicant.token).send().await.unwrap();
            assert!(response.status().is_success(), "{}", response.status());
            response.bytes().await.unwrap();
            latencies.push(sent.elapsed());
        }
        latencies.sort();
        println!(
            "reads_bench {}: queue of {QUEUE_SIZE} ({} bytes, loaded in {loaded:.1?}); first snapshot {cold:.1?}; \
             {rate:.0} snapshot requests/s from {READ_CONNECTIONS} connections; status reads p50 {:.2?}, p99 {:.2?}",
            store.db.backend_name(),
            body.len(),
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.99),
        );
        drop(server);
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    referred: usize,
    refused: usize,
    errors: usize,
    /// What the errors were (status code or "connection"), counted.
    kinds: std::collections::BTreeMap<String, usize>,
}

/// `cargo test --profile server -p kezek-server --test load -- --ignored --nocapture open_loop_claims_bench`
///
/// The remaining round of rule 24.10: 1 000 applicants with windows open for 1 000 seats.
/// Each claim is due at its own instant (`OFFERED_RATE` a second); applicants claim in turn,
/// so after the first second most claims meet a seat already taken or a referral already
/// held — the answers a real crowd's repeated taps get, each still a checked write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn open_loop_claims_bench() {
    for url in test_databases("openloop").await {
        let dir = temp_dir("openloop");
        let store = store(&url).await;
        let seeded: Vec<Seeded> = remaining_round_fixture(&store, 1000, 100, 10).await;
        let secret = write_secret(&dir);
        // KEZEK_BENCH_TICK_MS=0 runs without the scheduler, to tell the jobs' share of the tail.
        let mut flags = common::process::LIFTED_ADDRESS_LIMITS.to_vec();
        let tick = std::env::var("KEZEK_BENCH_TICK_MS").unwrap_or_else(|_| "500".to_owned());
        flags.extend(["--tick-ms", tick.as_str()]);
        let server = common::process::spawn_server_with(&url, &secret, CLOCK_START, &dir.join("server.log"), "info", &flags);
        let http = client(MAX_IN_FLIGHT);
        let tally = Arc::new(Mutex::new(Tally::default()));
        let in_flight = Arc::new(AtomicUsize::new(0));
        let total = (OFFERED_RATE * OFFERED_SECONDS) as usize;
        let interval = Duration::from_nanos(1_000_000_000 / OFFERED_RATE);
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(total);
        for i in 0..total {
            let due = started + interval * i as u32;
            tokio::time::sleep_until(due.into()).await;
            if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT {
                let mut t = tally.lock().unwrap();
                t.errors += 1;
                *t.kinds.entry("not sent: too many open".to_owned()).or_default() += 1;
                continue;
            }
            let applicant = &seeded[i % seeded.len()];
            let body = json!({ "number": applicant.number, "vacancyId": format!("v{}", (i * 7) % 100) });
            let (http, tally, in_flight, token, url) =
                (http.clone(), tally.clone(), in_flight.clone(), applicant.token.clone(), format!("{}/api/claims", server.base));
            in_flight.fetch_add(1, Ordering::Relaxed);
            tasks.push(tokio::spawn(async move {
                let answer = http.post(url).bearer_auth(&token).json(&body).send().await;
                let status = match answer {
                    Ok(response) => {
                        let status = response.status();
                        let _ = response.bytes().await;
                        Some(status)
                    }
                    Err(_) => None,
                };
                // From the instant the claim was due, not the instant it went out.
                let latency = due.elapsed();
                in_flight.fetch_sub(1, Ordering::Relaxed);
                let mut t = tally.lock().unwrap();
                t.latencies.push(latency);
                match status {
                    Some(s) if s.is_success() => t.referred += 1,
                    Some(s) if s.as_u16() == 409 => t.refused += 1,
                    other => {
                        t.errors += 1;
                        *t.kinds.entry(other.map_or("connection".to_owned(), |s| s.as_u16().to_string())).or_default() += 1;
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        let elapsed = started.elapsed();
        let mut t = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
        t.latencies.sort();
        println!(
            "open_loop_claims_bench {}: {total} claims offered at {OFFERED_RATE}/s for {OFFERED_SECONDS} s, done in {elapsed:.2?}: \
             {} answered with a referral (new or held), {} refused (seat taken), {} errors {:?}; p50 {:.1?}, p99 {:.1?}, max {:.1?}",
            store.db.backend_name(),
            t.referred,
            t.refused,
            t.errors,
            t.kinds,
            percentile(&t.latencies, 0.50),
            percentile(&t.latencies, 0.99),
            t.latencies.last().copied().unwrap_or_default(),
        );
        drop(server);
    }
}
