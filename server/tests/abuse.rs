//! The backend under abuse (issue 15: bounded, supervised), against the real `kezek-server`
//! binary on 127.0.0.1 unless a test needs to inject something (a failing job): one test per
//! finding. Loopback only; every loop is bounded in count and time.

mod common;

use common::process::{spawn_server_with, write_secret, Spawned, LIFTED_ADDRESS_LIMITS};
use common::*;
use kezek_server::scheduler::{Job, Registry};
use kezek_server::secrets::luhn_check_digit;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// 10:00 local on Monday 23 November 2026.
const CLOCK_START: &str = "2026-11-23T05:00:00Z";

/// The binary on a fresh SQLite database with `extra` flags.
fn spawn(label: &str, extra: &[&str]) -> Spawned {
    let dir = temp_dir(label);
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    spawn_server_with(&url, &write_secret(&dir), CLOCK_START, &dir.join("server.log"), "info", extra)
}

/// The binary on a database with `applicants` applications whose windows are open (07:30).
async fn spawn_with_applicants(label: &str, applicants: u32, extra: &[&str]) -> (Spawned, Vec<kezek_server::seed::Seeded>) {
    let dir = temp_dir(label);
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let store = store(&url).await;
    let seeded = window_fixture(&store, applicants, 2, 1).await;
    store.db.pool.close().await;
    let server = spawn_server_with(&url, &write_secret(&dir), "2026-11-23T02:30:00Z", &dir.join("server.log"), "info", extra);
    (server, seeded)
}

fn client_from(address: IpAddr) -> reqwest::Client {
    reqwest::Client::builder().local_address(address).timeout(Duration::from_secs(30)).build().unwrap()
}

fn loopback(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

async fn error_code(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["errors"][0]["code"].clone())
}

/// The resident memory of process `pid`, in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The value of the metric line starting with `series` (name and labels) in `/metrics`.
async fn metric(base: &str, series: &str) -> f64 {
    let text = client().get(format!("{base}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .map(|v| v.parse().unwrap())
        .unwrap_or_else(|| panic!("{series} not in /metrics:\n{text}"))
}

/// A well-formed application number (13 digits, Luhn) from `n`, almost surely unknown.
fn well_formed_number(n: u64) -> String {
    let head = format!("{:012}", 100_000_000_000 + n % 800_000_000_000);
    let digits: Vec<u8> = head.bytes().map(|b| b - b'0').collect();
    format!("{head}{}", luhn_check_digit(&digits))
}

#[tokio::test]
async fn submissions_from_one_address_are_rate_limited_and_other_addresses_still_get_in() {
    // Default limits: 30 submissions a minute per address.
    let server = spawn("submit-ip", &[]);
    let client = client_from(loopback(1));
    let url = format!("{}/api/applications", server.base);
    let started = Instant::now();
    let (mut accepted, mut limited) = (0, 0);
    for i in 0..60u32 {
        let response = client.post(&url).json(&body(i, "none")).send().await.unwrap();
        match response.status() {
            StatusCode::CREATED => accepted += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(response.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
                limited += 1;
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // The bucket holds 30 and refills one every 2 s: how many more got in depends on how long the
    // 60 took on this machine, so the bounds do too.
    assert!(accepted >= 30, "the first 30 get in: {accepted} accepted");
    assert!(accepted <= 30 + (elapsed / 2.0).ceil() as u32 + 1, "{accepted} of 60 accepted in {elapsed:.1} s");
    assert!(limited >= 1, "{limited} refused");
    let other = client_from(loopback(2)).post(&url).json(&body(100, "none")).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::CREATED, "another address has its own bucket");
}

#[tokio::test]
async fn one_applicant_is_rate_limited_from_any_address() {
    let server = spawn("submit-applicant", &["--limit-submit-ip", "1000/s"]);
    let url = format!("{}/api/applications", server.base);
    let parent = body(1, "none")["applicant"]["iin"].clone();
    let mut statuses = Vec::new();
    for i in 0..14u32 {
        let mut application = body(i, "none");
        application["applicant"]["iin"] = parent.clone();
        let response = client_from(loopback(10 + i as u8)).post(&url).json(&application).send().await.unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 10, "{statuses:?}");
    assert_eq!(&statuses[10..], &[429; 4], "{statuses:?}");
}

#[tokio::test]
async fn junk_application_numbers_are_refused_before_the_database() {
    let (server, seeded) = spawn_with_applicants("junk-format", 1, &LIFTED_ADDRESS_LIMITS).await;
    let client = client();
    for junk in ["12345", "1000000000008", "900101300123", "abcdefghijklm", " 1000000000009", &"9".repeat(64 * 1000)] {
        let claim = json!({ "number": junk, "vacancyId": "v0" });
        let response = client.post(format!("{}/api/claims", server.base)).bearer_auth(&seeded[0].token).json(&claim).send().await.unwrap();
        assert_eq!(error_code(response).await, (StatusCode::UNPROCESSABLE_ENTITY, json!("application.number")), "{:.20}", junk);
    }
    let status = client.get(format!("{}/api/applications/12345/status", server.base)).bearer_auth("x").send().await.unwrap();
    assert_eq!(error_code(status).await, (StatusCode::UNPROCESSABLE_ENTITY, json!("application.number")));
    // A well-formed unknown number is looked up: one answer for unknown number and wrong token.
    let claim = json!({ "number": well_formed_number(1), "vacancyId": "v0" });
    let response = client.post(format!("{}/api/claims", server.base)).bearer_auth("x").json(&claim).send().await.unwrap();
    assert_eq!(error_code(response).await, (StatusCode::UNAUTHORIZED, json!("auth.invalid")));
    assert_eq!(metric(&server.base, "kezek_rate_limit_keys{limit=\"failed_auth\"}").await, 1.0, "junk took no bucket");
}

/// Sends `requests` (whole HTTP/1.1 requests) pipelined on one connection, `batch` at a time,
/// and returns the status of each answer.
async fn pipelined(address: &str, requests: Vec<Vec<u8>>, batch: usize) -> Vec<u16> {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut statuses = Vec::with_capacity(requests.len());
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    for group in requests.chunks(batch) {
        stream.write_all(&group.concat()).await.unwrap();
        let expected = statuses.len() + group.len();
        while statuses.len() < expected {
            // One answer: head, then Content-Length bytes of body.
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map(|v| v.trim().parse().unwrap())
                    .unwrap_or(0);
                if buffer.len() >= end + 4 + length {
                    statuses.push(head[9..12].parse().unwrap());
                    buffer.drain(..end + 4 + length);
                    continue;
                }
            }
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "the server closed a pipelined connection after {} answers", statuses.len());
            buffer.extend_from_slice(&chunk[..n]);
        }
    }
    statuses
}

fn junk_claim(host: &str, n: u64) -> Vec<u8> {
    // Nine in ten 1 KiB junk numbers (the old limiter kept each whole), one in ten a
    // well-formed unknown number (one failed-auth bucket each: ten times the capacity).
    let number = if n % 10 != 0 { format!("{n:0>1024}") } else { well_formed_number(n) };
    let body = format!(r#"{{"number":"{number}","vacancyId":"v0"}}"#);
    format!(
        "POST /api/claims HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer 0\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limiter_memory_stays_flat_after_100k_junk_claims() {
    const CLAIMS: u64 = 100_000;
    const CONNECTIONS: u64 = 8;
    const CAPACITY: f64 = 1000.0;
    let mut flags = LIFTED_ADDRESS_LIMITS.to_vec();
    flags.extend(["--limiter-capacity", "1000"]);
    let (server, _) = spawn_with_applicants("junk-memory", 1, &flags).await;
    let pid = server.child.id();
    let address = host_port(&server.base);
    let warm = pipelined(&address, (0..2_000).map(|n| junk_claim(&address, n)).collect(), 50).await;
    assert!(warm.iter().all(|s| *s == 422 || *s == 401), "{:?}", &warm[..10]);
    let before = rss_kib(pid);
    let started = Instant::now();
    let senders = (0..CONNECTIONS).map(|c| {
        let address = address.clone();
        let requests: Vec<Vec<u8>> = (0..CLAIMS / CONNECTIONS).map(|i| junk_claim(&address, 2_000 + c * CLAIMS + i)).collect();
        tokio::spawn(async move { pipelined(&address, requests, 50).await })
    });
    let mut statuses = Vec::new();
    for sender in senders.collect::<Vec<_>>() {
        statuses.extend(sender.await.unwrap());
    }
    let elapsed = started.elapsed();
    let after = rss_kib(pid);
    let refused_early = statuses.iter().filter(|s| **s == 422).count();
    eprintln!(
        "100k junk claims in {elapsed:.1?} ({:.0}/s): RSS {before} KiB -> {after} KiB ({:+} KiB); {refused_early} refused on format",
        CLAIMS as f64 / elapsed.as_secs_f64(),
        after as i64 - before as i64
    );
    assert!(after <= before + 16 * 1024, "RSS grew from {before} KiB to {after} KiB");
    let keys = metric(&server.base, "kezek_rate_limit_keys{limit=\"failed_auth\"}").await;
    eprintln!("failed-auth keys {keys} (capacity {CAPACITY})");
    assert_eq!(statuses.len() as u64, CLAIMS);
    assert_eq!(refused_early as u64, CLAIMS * 9 / 10, "every junk number refused on its format");
    assert!(statuses.iter().all(|s| *s == 422 || *s == 401), "well-formed unknown numbers: 401");
    assert!(keys <= CAPACITY, "{keys} keys");
}

/// Reads from `stream` until the server closes it; how long that took, or `None` if it was
/// still open after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
        }
    }
}

fn host_port(base: &str) -> String {
    base.trim_start_matches("http://").to_string()
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off_after_the_header_timeout() {
    let server = spawn("trickle", &["--header-timeout-ms", "1000", "--idle-timeout-ms", "5000"]);
    let mut stream = TcpStream::connect(host_port(&server.base)).await.unwrap();
    stream.write_all(b"GET /api/time HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let trickle = async {
        // A header byte every 200 ms: never idle, never done.
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if stream.write_all(b"X").await.is_err() {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), trickle).await.ok();
    let closed = closed_within(&mut stream, Duration::from_millis(500)).await;
    assert!(closed.is_some(), "the connection was still open 10 s into a trickled head");
    let fresh = client().get(format!("{}/api/time", server.base)).send().await.unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = spawn("idle", &["--header-timeout-ms", "10000", "--idle-timeout-ms", "500"]);
    let mut silent = TcpStream::connect(host_port(&server.base)).await.unwrap();
    let closed = closed_within(&mut silent, Duration::from_secs(5)).await.expect("a silent connection is closed");
    assert!(closed < Duration::from_secs(3), "{closed:?}");
    // A kept-alive connection after its answer.
    let mut kept = TcpStream::connect(host_port(&server.base)).await.unwrap();
    kept.write_all(b"GET /api/time HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let n = kept.read(&mut buffer).await.unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"));
    let closed = closed_within(&mut kept, Duration::from_secs(5)).await.expect("an idle kept-alive connection is closed");
    assert!(closed < Duration::from_secs(3), "{closed:?}");
}

#[tokio::test]
async fn the_connection_cap_holds_and_frees_as_connections_end() {
    let server = spawn("cap", &["--max-connections", "4", "--header-timeout-ms", "20000", "--idle-timeout-ms", "20000"]);
    let address = host_port(&server.base);
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        stream.write_all(b"GET /api/time HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        held.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut fifth = TcpStream::connect(&address).await.unwrap();
    fifth.write_all(b"GET /api/time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut buffer = vec![0u8; 4096];
    let early = tokio::time::timeout(Duration::from_secs(1), fifth.read(&mut buffer)).await;
    assert!(early.is_err(), "a fifth connection was served while four were held");
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(5), fifth.read(&mut buffer)).await.expect("served once one ended").unwrap();
    assert!(String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buffer[..n]));
    let open = metric(&server.base, "kezek_http_connections_open").await;
    assert!(open <= 4.0, "{open} open");
}

#[tokio::test]
async fn json_writes_without_application_json_get_415() {
    let (server, seeded) = spawn_with_applicants("media", 1, &LIFTED_ADDRESS_LIMITS).await;
    let (number, token) = (&seeded[0].number, &seeded[0].token);
    let writes = [
        ("/api/applications".to_string(), body(1, "none")),
        ("/api/claims".to_string(), json!({ "number": number, "vacancyId": "v0" })),
        ("/api/referrals/r1/cancel".to_string(), json!({ "number": number })),
        ("/api/referrals/r1/extend".to_string(), json!({ "number": number, "reason": "illness" })),
        (format!("/api/applications/{number}/withdraw"), json!({})),
        (format!("/api/applications/{number}/interest"), json!({})),
        ("/api/demo/clock".to_string(), json!({ "advance": "PT1H" })),
    ];
    let client = client();
    for (path, body) in &writes {
        for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), Some("application/jsonp"), None] {
            let mut request = client.post(format!("{}{path}", server.base)).bearer_auth(token).body(body.to_string());
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let (status, code) = error_code(request.send().await.unwrap()).await;
            assert_eq!((status, code), (StatusCode::UNSUPPORTED_MEDIA_TYPE, json!("body.content_type")), "{path} {content_type:?}");
        }
    }
    let count = client.get(format!("{}/api/applications/{number}/status", server.base)).bearer_auth(token).send().await.unwrap();
    assert_eq!(count.json::<Value>().await.unwrap()["status"]["state"], "window_open", "nothing was withdrawn");
}

#[tokio::test]
async fn with_a_public_origin_only_that_origin_writes_and_only_its_host_is_served() {
    let server = spawn("origin", &["--public-origin", "http://kezek.test", "--limit-submit-ip", "1000/s"]);
    let client = client();
    let url = format!("{}/api/applications", server.base);
    let own = client.post(&url).header("host", "kezek.test").header("origin", "http://kezek.test").json(&body(1, "none")).send().await;
    assert_eq!(own.unwrap().status(), StatusCode::CREATED);
    let echoed_host = format!("http://{}", host_port(&server.base));
    let echo = client.post(&url).header("origin", &echoed_host).json(&body(2, "none")).send().await.unwrap();
    assert_eq!(error_code(echo).await, (StatusCode::MISDIRECTED_REQUEST, json!("host.unknown")), "Host not allowed");
    let cross = client.post(&url).header("host", "kezek.test").header("origin", &echoed_host).json(&body(3, "none")).send().await.unwrap();
    assert_eq!(error_code(cross).await, (StatusCode::FORBIDDEN, json!("origin.cross_site")), "Origin = Host no longer passes");
    let rebound = client.get(format!("{}/api/time", server.base)).header("host", "evil.example").send().await.unwrap();
    assert_eq!(error_code(rebound).await, (StatusCode::MISDIRECTED_REQUEST, json!("host.unknown")), "DNS rebinding");
    let read = client.get(format!("{}/api/time", server.base)).header("host", "KEZEK.test").send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_api_paths_answer_a_json_404_and_wrong_methods_a_json_405() {
    let server = spawn("routes", &[]);
    let client = client();
    for path in ["/api", "/api/", "/api/nope", "/api/applications/1000000000009/nope", "/api/log/entries", "/api/../api/x"] {
        let response = client.get(format!("{}{path}", server.base)).send().await.unwrap();
        assert_eq!(response.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("application/json"), "{path}");
        assert_eq!(error_code(response).await, (StatusCode::NOT_FOUND, json!("route.unknown")), "{path}");
    }
    let wrong = client.get(format!("{}/api/claims", server.base)).send().await.unwrap();
    assert_eq!(wrong.headers()["allow"], "POST");
    assert_eq!(error_code(wrong).await, (StatusCode::METHOD_NOT_ALLOWED, json!("route.method")));
    let brew = client.request(reqwest::Method::from_bytes(b"BREW").unwrap(), format!("{}/api/time", server.base)).send().await.unwrap();
    assert_eq!(error_code(brew).await, (StatusCode::METHOD_NOT_ALLOWED, json!("route.method")));
}

#[tokio::test]
async fn the_bearer_scheme_is_accepted_in_any_case() {
    let (server, seeded) = spawn_with_applicants("bearer", 1, &[]).await;
    let url = format!("{}/api/applications/{}/status", server.base, seeded[0].number);
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let response = client().get(&url).header("authorization", format!("{scheme} {}", seeded[0].token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{scheme}");
    }
}

#[tokio::test]
async fn answers_that_carry_a_secret_are_never_stored() {
    let server = spawn("no-store", &[]);
    let client = client();
    let submitted = client.post(format!("{}/api/applications", server.base)).json(&body(7, "none")).send().await.unwrap();
    assert_eq!(submitted.status(), StatusCode::CREATED);
    assert_eq!(submitted.headers()["cache-control"], "no-store", "the answer carries the claim token");
    let answer: Value = submitted.json().await.unwrap();
    let (number, token) = (answer["number"].as_str().unwrap(), answer["token"].as_str().unwrap());
    for path in [format!("/api/applications/{number}/status"), format!("/api/applications/{number}/register")] {
        let response = client.get(format!("{}{path}", server.base)).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let refused = client.get(format!("{}/api/applications/{number}/status", server.base)).bearer_auth("x").send().await.unwrap();
    assert_eq!(refused.headers()["cache-control"], "no-store");
    let public = client.get(format!("{}/api/bulletin", server.base)).send().await.unwrap();
    assert!(public.headers()["cache-control"].to_str().unwrap().starts_with("public"), "public reads stay cacheable");
}

/// In process: the failing jobs are injected through the registry. On every test database
/// (health asks the database too).
#[tokio::test]
async fn a_panicking_job_does_not_stop_the_bulletin_and_health_reports_it() {
    for url in test_databases("supervised").await {
        let store = store(&url).await;
        kezek_server::seed::load_vacancies(&store, &vacancies(2, 1)).await.unwrap();
        let day = date(2026, 11, 22);
        let explodes = Job::new("explodes", |_, _| async { panic!("injected failure") });
        let errs = Job::new("errs", |_, _| async { Err(kezek_server::error::ApiError::Busy) });
        // The failing jobs first: in the old single tick a failure stopped every job after it.
        let mut registry = Registry::new(vec![explodes, errs]);
        for job in kezek_server::scheduler::standard_jobs() {
            registry = registry.with(job);
        }
        let config = kezek_server::state::HttpConfig::default();
        let server = serve_with(store, at(day, 18) + chrono::Duration::minutes(1), config, Some((registry, Duration::from_millis(50)))).await;
        let client = client();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let bulletin: Value = client.get(format!("{}/api/bulletin", server.base)).send().await.unwrap().json().await.unwrap();
            if bulletin["publishedOn"] == "2026-11-22" {
                break;
            }
            assert!(Instant::now() < deadline, "the bulletin was not published: {bulletin}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The failing job tried again (every 50 ms; a loaded machine may take longer).
        let explodes_failures = |h: &Value| h["jobs"].as_array().and_then(|jobs| jobs.iter().find(|j| j["name"] == "explodes")).and_then(|j| j["failures"].as_u64());
        wait_health(&client, &server.base, "a second failure", |h| explodes_failures(h) >= Some(2)).await;
        let health = client.get(format!("{}/api/health", server.base)).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let health: Value = health.json().await.unwrap();
        assert_eq!(health["status"], "degraded");
        assert_eq!(health["database"]["reachable"], true);
        let job = |name: &str| health["jobs"].as_array().unwrap().iter().find(|j| j["name"] == name).unwrap().clone();
        assert_eq!(job("explodes")["lastError"], "panic");
        assert!(job("explodes")["failures"].as_u64().unwrap() >= 2, "retried: {}", job("explodes"));
        assert!(job("explodes")["lastSuccess"].is_null());
        assert_eq!(job("errs")["lastError"], "db.busy");
        assert!(job("bulletin")["lastSuccess"].is_string());
        assert!(job("bulletin")["runs"].as_u64().unwrap() >= 2, "the bulletin job keeps running: {}", job("bulletin"));
        assert_eq!(job("windows")["failures"], 0);
        let failed = metric(&server.base, "kezek_job_runs_total{job=\"explodes\",outcome=\"failed\"}").await;
        assert!(failed >= 2.0);

    }
}

#[tokio::test]
async fn the_demo_clock_refuses_instants_outside_1900_2200_and_the_scheduler_keeps_running() {
    let dir = temp_dir("democlock-range");
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    // Demo mode, the clock running from 17:59:57 local (12:59:57 UTC) on Sunday 22 November.
    let server = spawn_server_with(
        &url,
        &write_secret(&dir),
        "2026-11-22T12:59:57Z",
        &dir.join("server.log"),
        "info",
        &["--demo", "--tick-ms", "100"],
    );
    let client = client();
    let clock = format!("{}/api/demo/clock", server.base);
    for bad in [
        json!({ "to": "+262142-12-31T23:59:59Z" }),
        json!({ "to": "9999-12-31T23:59:59Z" }),
        json!({ "to": "1899-12-31T23:59:59Z" }),
        json!({ "to": "2200-01-01T00:00:00Z" }),
        json!({ "advance": "P99999999999D" }),
        json!({ "advance": "P36500000D" }),
    ] {
        let response = client.post(&clock).json(&bad).send().await.unwrap();
        assert_eq!(error_code(response).await, (StatusCode::UNPROCESSABLE_ENTITY, json!("clock.range")), "{bad}");
    }
    // Back before 18:00 (a no-op now; after a panic of the old scheduler it was too late).
    let back = client.post(&clock).json(&json!({ "to": "2026-11-22T12:59:58Z" })).send().await.unwrap();
    assert_eq!(back.status(), StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let bulletin: Value = client.get(format!("{}/api/bulletin", server.base)).send().await.unwrap().json().await.unwrap();
        if bulletin["publishedOn"] == "2026-11-22" {
            break;
        }
        assert!(Instant::now() < deadline, "the scheduler did not publish the 18:00 bulletin: {bulletin}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let health: Value = client.get(format!("{}/api/health", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok", "{health}");
}

#[tokio::test]
async fn metrics_expose_requests_latency_claims_and_job_runs_without_numbers() {
    let mut flags = LIFTED_ADDRESS_LIMITS.to_vec();
    flags.extend(["--tick-ms", "100"]);
    let (server, seeded) = spawn_with_applicants("metrics", 2, &flags).await;
    let client = client();
    let claim = |i: usize, vacancy: &str| json!({ "number": seeded[i].number, "vacancyId": vacancy });
    let claims = format!("{}/api/claims", server.base);
    let token = |i: usize| seeded[i].token.clone();
    assert_eq!(client.post(&claims).bearer_auth(token(0)).json(&claim(0, "v0")).send().await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(client.post(&claims).bearer_auth(token(0)).json(&claim(0, "v0")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(client.post(&claims).bearer_auth(token(1)).json(&claim(1, "v0")).send().await.unwrap().status(), StatusCode::CONFLICT);
    let status = format!("{}/api/applications/{}/status", server.base, seeded[1].number);
    assert_eq!(client.get(&status).bearer_auth(&seeded[1].token).send().await.unwrap().status(), StatusCode::OK);
    // The scheduler (a tick every 100 ms) has run the bulletin job once.
    let bulletin_ran = r#"kezek_job_runs_total{job="bulletin",outcome="ok"}"#;
    wait_for_text(&client, &format!("{}/metrics", server.base), "a bulletin run", |t| t.contains(bulletin_ran)).await;
    let response = client.get(format!("{}/metrics", server.base)).send().await.unwrap();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = response.text().await.unwrap();
    for series in [
        r#"kezek_claims_total{outcome="created"} 1"#,
        r#"kezek_claims_total{outcome="replayed"} 1"#,
        r#"kezek_claims_total{outcome="refused"} 1"#,
        r#"kezek_http_requests_total{method="POST",route="/api/claims",status="201"} 1"#,
        r#"kezek_http_requests_total{method="GET",route="/api/applications/{number}/status",status="200"} 1"#,
        r#"kezek_http_request_duration_seconds_count{method="POST",route="/api/claims"} 3"#,
    ] {
        assert!(text.contains(series), "{series} not in:\n{text}");
    }
    assert!(text.contains(r#"kezek_job_runs_total{job="bulletin",outcome="ok"}"#), "{text}");
    for number in seeded.iter().map(|s| s.number.as_str()) {
        assert!(!text.contains(number), "an application number in a label");
    }
}
