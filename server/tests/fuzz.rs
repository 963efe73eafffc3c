//! A bounded HTTP fuzz test against the real binary in demo mode on 127.0.0.1: a few thousand
//! requests to every endpoint with mutated JSON bodies, path segments, query strings, methods
//! and headers, from a fixed seed (the same requests on every run). Asserts no 5xx, no
//! dropped connection (a panicking handler), no panic in the server's log, the server alive
//! and answering health afterwards, and its resident memory flat within a bound.
//!
//! Bounded: `REQUESTS` requests, `IN_FLIGHT` at a time, `DEADLINE` in all.

mod common;

use common::process::{spawn_server_with, write_secret};
use common::*;
use futures_util::stream::{self, StreamExt};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

const SEED: u64 = 0x6b65_7a65_6b21;
/// Requests per run; `KEZEK_FUZZ_REQUESTS` sets another count for a longer local run.
const REQUESTS: usize = 3000;
const WARM_UP: usize = 300;
const IN_FLIGHT: usize = 4;
const DEADLINE: Duration = Duration::from_secs(300);
/// Growth of the server's RSS from after the warm-up to the end.
const RSS_BOUND_KIB: u64 = 32 * 1024;
/// 06:55 local on Monday 23 November 2026.
const CLOCK_START: &str = "2026-11-23T01:55:00Z";

/// xorshift64*: small, seeded, the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const JUNK_SEGMENTS: &[&str] = &[
    "", "0", "-1", "18446744073709551615", "18446744073709551616", "99999999999999999999999999", "%00", "%2e%2e", "..%2f..%2fetc",
    "%F0%9F%98%80", "%C3%28", "1000000000009", "100000000000", "1e3", "null", "%3Cscript%3E", "a%20b", "%FF%FE", "v-1-3-full_day",
    "750000000-2022-general", "750000000-2022-special", "750000000-99999-general", "x-y-z",
];

const JUNK_STRINGS: &[&str] = &[
    "", " ", "\u{0}", "\u{7f}", "\u{202e}", "Ω≈ç√∫", "😀", "\\", "\"", "null", "true", "-0", "1e309", "NaN", "P", "PT", "P1Y", "PT-1H",
    "P99999999999D", "2026-02-30", "+262142-12-31T23:59:59Z", "1899-12-31T23:59:59Z", "2026-11-24T02:01:00Z", "illness", "boredom",
    "1000000000009", "990101300123", "750000000", "full_day", "round_the_clock", "special", "teacher", "serviceman",
];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.next() as i64),
        3 => json!(*rng.pick(&[0.0, -0.0, 1e308, -1e308, 0.5, 3.0])),
        4 => json!(u64::MAX),
        5 => json!("9".repeat(1 + rng.below(3000))),
        6 => json!(rng.pick(JUNK_STRINGS).to_string()),
        7 => json!((0..1 + rng.below(40)).map(|_| char::from_u32(rng.below(0x3000) as u32).unwrap_or('?')).collect::<String>()),
        _ => json!(rng.next().to_string()),
    }
}

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 3 { 1 } else { 5 }) {
        0..=2 => random_scalar(rng),
        3 => Value::Array((0..rng.below(4)).map(|_| random_value(rng, depth + 1)).collect()),
        _ => {
            let mut map = Map::new();
            for _ in 0..rng.below(4) {
                map.insert(rng.pick(JUNK_STRINGS).to_string(), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// A nesting `depth` deep (serde_json refuses past 128).
fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, i| if i % 2 == 0 { json!([inner]) } else { json!({ "a": inner }) })
}

/// Replaces, deletes or adds one member somewhere in `value`.
fn mutate_tree(rng: &mut Rng, value: &mut Value) {
    match value {
        Value::Object(map) if !map.is_empty() && rng.chance(70) => {
            let key = map.keys().nth(rng.below(map.len())).cloned().unwrap_or_default();
            match rng.below(4) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    let replacement = random_value(rng, 0);
                    map.insert(key, replacement);
                }
                2 => {
                    let extra = random_value(rng, 0);
                    map.insert(rng.pick(JUNK_STRINGS).to_string(), extra);
                }
                _ => {
                    if let Some(inner) = map.get_mut(&key) {
                        mutate_tree(rng, inner);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() && rng.chance(70) => {
            let i = rng.below(items.len());
            mutate_tree(rng, &mut items[i]);
        }
        other => *other = random_value(rng, 0),
    }
}

/// Byte-level damage to serialized JSON.
fn mutate_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    match rng.below(6) {
        0 if !bytes.is_empty() => {
            let i = rng.below(bytes.len());
            bytes[i] ^= 1 << rng.below(8);
        }
        1 => {
            let keep = rng.below(bytes.len() + 1);
            bytes.truncate(keep);
        }
        2 => {
            let at = rng.below(bytes.len() + 1);
            let junk: Vec<u8> = (0..1 + rng.below(16)).map(|_| rng.next() as u8).collect();
            bytes.splice(at..at, junk);
        }
        3 if !bytes.is_empty() => {
            let from = rng.below(bytes.len());
            let chunk = bytes[from..(from + 1 + rng.below(64)).min(bytes.len())].to_vec();
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, chunk);
        }
        4 => *bytes = (0..rng.below(200)).map(|_| rng.next() as u8).collect(),
        _ => bytes.extend(vec![b' '; 70 * 1024]),
    }
}

/// What the fuzzer knows of the demo: an application, its token, its referral.
struct Known {
    number: String,
    token: String,
    referral: String,
    queue: String,
}

struct Planned {
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
}

fn header_value(rng: &mut Rng, text: &str) -> HeaderValue {
    if rng.chance(10) {
        // obs-text and tabs: valid in a header value, not UTF-8.
        let bytes: Vec<u8> = (0..1 + rng.below(64)).map(|_| *rng.pick(&[b'\t', b'a', b' ', 0x80, 0xff, b'"', b',', b';'])).collect();
        return HeaderValue::from_bytes(&bytes).unwrap_or(HeaderValue::from_static("x"));
    }
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("x"))
}

fn plan(rng: &mut Rng, known: &Known, base_host: &str) -> Planned {
    let segment = |rng: &mut Rng, good: &str| -> String {
        if rng.chance(30) {
            if rng.chance(10) {
                "9".repeat(1 + rng.below(4000))
            } else {
                rng.pick(JUNK_SEGMENTS).to_string()
            }
        } else {
            good.to_string()
        }
    };
    let query_number = |rng: &mut Rng| -> String {
        rng.pick(&["0", "1", "2", "5", "100", "-1", "18446744073709551615", "18446744073709551616", "x", "", "1e2", "3.5"]).to_string()
    };
    let credentials = json!({ "number": known.number });
    let (method, path, body, auth): (Method, String, Option<Value>, bool) = match rng.below(20) {
        0 | 1 => (Method::POST, "/api/applications".into(), Some(body(rng.below(100_000) as u32, "none")), false),
        2 | 3 => {
            let vacancy = *rng.pick(&["v1-3-full_day", "v2-3-full_day", "v1-1-part_day", "nope"]);
            let request = json!({ "number": known.number, "vacancyId": vacancy });
            (Method::POST, "/api/claims".into(), Some(request), true)
        }
        4 => (Method::POST, format!("/api/referrals/{}/cancel", segment(rng, &known.referral)), Some(credentials.clone()), true),
        5 => {
            let mut request = credentials.clone();
            request["reason"] = json!(rng.pick(&["illness", "hospitalisation", "business_trip", "vacation"]));
            request["until"] = json!(rng.pick(&["2026-12-20", "2026-12-24", "2027-02-30", "1900-01-01"]));
            (Method::POST, format!("/api/referrals/{}/extend", segment(rng, &known.referral)), Some(request), true)
        }
        6 => (Method::POST, format!("/api/applications/{}/interest", segment(rng, &known.number)), Some(json!({ "interested": rng.chance(50) })), true),
        7 => (Method::POST, format!("/api/applications/{}/withdraw", segment(rng, &known.number)), Some(json!({})), false),
        8 | 9 => (Method::GET, format!("/api/applications/{}/status", segment(rng, &known.number)), None, true),
        10 => {
            let query = if rng.chance(50) { format!("?size={}&from={}", query_number(rng), query_number(rng)) } else { String::new() };
            (Method::GET, format!("/api/applications/{}/register{query}", segment(rng, &known.number)), None, true)
        }
        11 => (Method::GET, format!("/api/queues/{}/snapshot", segment(rng, &known.queue)), None, false),
        12 => (Method::GET, rng.pick(&["/api/bulletin", "/api/time", "/api/health", "/metrics", "/api/log/checkpoint", "/api/log/key"]).to_string(), None, false),
        13 => (Method::GET, format!("/api/log/entries/{}", segment(rng, "3")), None, false),
        14 => {
            let path = if rng.chance(50) {
                format!("/api/log/proof/inclusion?index={}&size={}", query_number(rng), query_number(rng))
            } else {
                format!("/api/log/proof/consistency?from={}&to={}", query_number(rng), query_number(rng))
            };
            (Method::GET, path, None, false)
        }
        15 => {
            let request = if rng.chance(50) {
                json!({ "advance": rng.pick(&["PT1M", "PT5M", "PT1H", "P1D", "PT0S", "P1Y", "PT-5M", "P99999999999D", "P1DT2H30M"]) })
            } else {
                json!({ "to": rng.pick(&["2026-11-24T02:01:00Z", "2026-11-24T13:05:00Z", "2026-11-25T01:59:00Z", "1900-01-01T00:00:00Z",
                    "2199-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "+262142-12-31T23:59:59Z", "2026-11-24T02:01:00+05:00"]) })
            };
            (Method::POST, "/api/demo/clock".into(), Some(request), false)
        }
        16 => {
            let path = rng.pick(&["originals/confirm", "originals/arrival", "stop-list", "priority", "restore"]);
            (Method::POST, format!("/api/staff/applications/{}/{path}", segment(rng, &known.number)), Some(json!({ "reason": "other" })), false)
        }
        17 => {
            let path = format!("/{}/{}", rng.pick(&["api", "api/log", "pkg", "www", "", "api/applications"]), segment(rng, "x"));
            (Method::GET, path, None, false)
        }
        _ => (Method::GET, rng.pick(&["/", "/index.html", "/tracker.html", "/pkg/kezek.js", "/../Cargo.toml", "/%2e%2e/Cargo.toml"]).to_string(), None, false),
    };
    let method = if rng.chance(5) {
        rng.pick(&[Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS, Method::HEAD, Method::from_bytes(b"BREW").unwrap()]).clone()
    } else {
        method
    };
    let body = body.map(|mut value| {
        for _ in 0..rng.below(4) {
            mutate_tree(rng, &mut value);
        }
        if rng.chance(3) {
            value = nested(100 + rng.below(300));
        }
        let mut bytes = serde_json::to_vec(&value).unwrap();
        if rng.chance(15) {
            mutate_bytes(rng, &mut bytes);
        }
        bytes
    });
    let mut headers = Vec::new();
    if body.is_some() || rng.chance(5) {
        let content_type = if rng.chance(80) {
            "application/json"
        } else {
            rng.pick(&["application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/jsonx", "multipart/form-data", ";", ""])
        };
        headers.push((reqwest::header::CONTENT_TYPE, header_value(rng, content_type)));
    }
    if auth || rng.chance(5) {
        let junk = "x".repeat(rng.below(5000));
        let value = match rng.below(8) {
            0..=2 => format!("Bearer {}", known.token),
            3 => format!("bearer {}", known.token),
            4 => "Bearer".to_string(),
            5 => format!("Bearer {junk}"),
            6 => "Basic Zm9vOmJhcg==".to_string(),
            _ => known.token.clone(),
        };
        headers.push((reqwest::header::AUTHORIZATION, header_value(rng, &value)));
    }
    for _ in 0..rng.below(4) {
        let (name, value) = match rng.below(9) {
            0 => ("origin", rng.pick(&["http://evil.example", "null", "", "http://127.0.0.1"]).to_string()),
            1 => ("origin", format!("http://{base_host}")),
            2 => ("sec-fetch-site", rng.pick(&["cross-site", "same-origin", "none", "junk"]).to_string()),
            3 => ("idempotency-key", "k".repeat(rng.below(400))),
            4 => ("accept-language", rng.pick(&["ru", "en-US,en;q=0.9", "kk", "zz", ";;;,,", "*"]).to_string()),
            5 => ("if-none-match", rng.pick(&["*", "\"abc\"", "W/\"x\", \"y\"", ""]).to_string()),
            6 => ("x-forwarded-for", rng.pick(&["1.2.3.4", "junk", "::1, 10.0.0.1"]).to_string()),
            7 => ("host", rng.pick(&["evil.example", "", "127.0.0.1:1", "ü.example"]).to_string()),
            _ => ("cookie", "a=".repeat(rng.below(100))),
        };
        headers.push((HeaderName::from_static(name), header_value(rng, &value)));
    }
    Planned { method, path, headers, body }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Submits an application, moves the demo clock to the next day's window and claims a seat.
async fn prepare_known(base: &str) -> Known {
    let client = client();
    let answer: Value = client.post(format!("{base}/api/applications")).json(&body(4242, "none")).send().await.unwrap().json().await.unwrap();
    let (number, token) = (answer["number"].as_str().unwrap().to_string(), answer["token"].as_str().unwrap().to_string());
    let queue = answer["queue"].as_str().unwrap().to_string();
    // 07:01 on Tuesday 24 November: the window that includes this application opens.
    let moved = client.post(format!("{base}/api/demo/clock")).json(&json!({ "to": "2026-11-24T02:01:00Z" })).send().await.unwrap();
    assert_eq!(moved.status(), 200);
    let status: Value = client.get(format!("{base}/api/applications/{number}/status")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let seat = status["seats"].as_array().and_then(|s| s.first()).unwrap_or_else(|| panic!("no window with seats: {status}"));
    let claim = json!({ "number": number, "vacancyId": seat["vacancyId"] });
    let referral: Value = client.post(format!("{base}/api/claims")).bearer_auth(&token).json(&claim).send().await.unwrap().json().await.unwrap();
    let referral = referral["id"].as_str().unwrap_or_else(|| panic!("no referral: {referral}")).to_string();
    Known { number, token, referral, queue }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutated_requests_to_every_endpoint_get_no_5xx_and_leave_memory_flat() {
    let dir = temp_dir("fuzz");
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let log = dir.join("server.log");
    let lifted = [
        "--demo", "--limit-write-ip", "1000000/s", "--limit-submit-ip", "1000000/s", "--limit-submit-applicant", "1000000/s",
        "--limit-application", "1000000/s",
    ];
    let mut server = spawn_server_with(&url, &write_secret(&dir), CLOCK_START, &log, "warn", &lifted);
    let pid = server.child.id();
    let known = prepare_known(&server.base).await;
    let base_host = server.base.trim_start_matches("http://").to_string();
    let mut rng = Rng(SEED);
    let count = std::env::var("KEZEK_FUZZ_REQUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(REQUESTS).max(WARM_UP + 1);
    let planned: Vec<Planned> = (0..count).map(|_| plan(&mut rng, &known, &base_host)).collect();
    // Idle connections are dropped before the server's idle timeout (5 s) would close them.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_idle_timeout(Duration::from_secs(1)).build().unwrap();
    let started = Instant::now();
    // A fresh connection for a retry: hyper answers a malformed request (an empty Host, a bad
    // header) with 400 and closes, and a pooled client may already have sent the next request
    // on that connection. A failure that repeats on a fresh connection is the server's.
    let fresh = reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_max_idle_per_host(0).build().unwrap();
    let send = |(i, request): (usize, Planned)| {
        let (client, fresh, base) = (client.clone(), fresh.clone(), server.base.clone());
        async move {
            assert!(started.elapsed() < DEADLINE, "the fuzz run passed its deadline at request {i}");
            let attempt = |client: reqwest::Client| {
                let mut builder = client.request(request.method.clone(), format!("{base}{}", request.path));
                for (name, value) in &request.headers {
                    builder = builder.header(name, value.clone());
                }
                if let Some(body) = &request.body {
                    builder = builder.body(body.clone());
                }
                async move { builder.send().await.map(|r| r.status().as_u16()).map_err(|e| format!("{e:?}")) }
            };
            let mut outcome = attempt(client).await;
            let retried = outcome.is_err();
            if retried {
                outcome = attempt(fresh).await;
            }
            (i, request, outcome, retried)
        }
    };
    let mut requests = planned.into_iter().enumerate();
    let warm_up: Vec<_> = stream::iter(requests.by_ref().take(WARM_UP)).map(send).buffer_unordered(IN_FLIGHT).collect().await;
    let rss_before = rss_kib(pid);
    let rest: Vec<_> = stream::iter(requests).map(send).buffer_unordered(IN_FLIGHT).collect().await;
    let elapsed = started.elapsed();
    let rss_after = rss_kib(pid);
    let mut statuses = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    let retries = warm_up.iter().chain(rest.iter()).filter(|r| r.3).count();
    for (i, request, outcome, _) in warm_up.iter().chain(rest.iter()) {
        match outcome {
            Ok(status) => {
                *statuses.entry(*status).or_insert(0) += 1;
                if *status >= 500 {
                    failures.push(format!("#{i} {} {} -> {status}", request.method, &request.path[..request.path.len().min(120)]));
                }
            }
            Err(error) => failures.push(format!(
                "#{i} {} {} ({} bytes of path, headers {:?}, body {:?} bytes) -> {error:?}",
                request.method,
                &request.path[..request.path.len().min(120)],
                request.path.len(),
                request.headers.iter().map(|(n, v)| (n.as_str(), &v.as_bytes()[..v.len().min(40)])).collect::<Vec<_>>(),
                request.body.as_ref().map(Vec::len)
            )),
        }
    }
    eprintln!(
        "fuzz: {count} requests in {elapsed:.1?} ({:.0}/s), {retries} retried on a fresh connection, statuses {statuses:?}, RSS {rss_before} KiB -> {rss_after} KiB ({:+} KiB)",
        count as f64 / elapsed.as_secs_f64(),
        rss_after as i64 - rss_before as i64
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n"));
    let health = client.get(format!("{}/api/health", server.base)).send().await.unwrap();
    assert_eq!(health.status(), 200, "alive and the database reachable");
    assert!(server.child.try_wait().unwrap().is_none(), "the server process is running");
    assert!(rss_after <= rss_before + RSS_BOUND_KIB, "RSS grew from {rss_before} KiB to {rss_after} KiB");
    server.kill();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("panicked"), "a panic in the server's log:\n{}", &text[..text.len().min(4000)]);
}
