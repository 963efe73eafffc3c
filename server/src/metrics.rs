//! Prometheus metrics, served at `GET /metrics` in the text exposition format.
//!
//! | metric | labels | what |
//! | --- | --- | --- |
//! | `kezek_http_requests_total` | `route`, `method`, `status` | requests answered |
//! | `kezek_http_request_duration_seconds` | `route`, `method` | latency histogram |
//! | `kezek_http_connections_open` | | connections being served |
//! | `kezek_claims_total` | `outcome` = `created`, `replayed`, `refused` | seat claims |
//! | `kezek_job_runs_total` | `job`, `outcome` = `ok`, `failed` | scheduled job runs |
//! | `kezek_rate_limited_total` | `limit` | requests refused with 429 |
//! | `kezek_rate_limit_keys` | `limit` | keys a limit holds (bounded, see `ratelimit.rs`) |
//! | `kezek_notifications_total` | `outcome` = `sent`, `retried`, `dead` | notification deliveries (`notify/`) |
//! | `kezek_notification_outbox` | `state` = `pending`, `retrying`, `sending`, `dead` | outbox rows, after each sender round |
//!
//! Labels never carry an application number, a token, an IIN or a raw path: `route` is the
//! route's template (`/api/applications/{number}/status`), `unmatched` for a path no route
//! knows and `static` for the page's files; `method` is one of the standard methods or
//! `other`. Every label set is bounded, so a flood of junk requests cannot grow the registry.
//! Each server has a registry of its own (tests run several in one process).

use crate::ratelimit::{Limit, Limiters};
use axum::http::Method;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub connections_open: IntGauge,
    claims: IntCounterVec,
    job_runs: IntCounterVec,
    rate_limited: IntCounterVec,
    limit_keys: IntGaugeVec,
    notifications: IntCounterVec,
    outbox: IntGaugeVec,
}

/// What became of a claim.
#[derive(Clone, Copy, Debug)]
pub enum ClaimOutcome {
    Created,
    Replayed,
    Refused,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let requests =
            IntCounterVec::new(Opts::new("kezek_http_requests_total", "HTTP requests answered"), &["route", "method", "status"])?;
        let buckets = vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
        let latency = HistogramVec::new(
            HistogramOpts::new("kezek_http_request_duration_seconds", "Time to answer an HTTP request").buckets(buckets),
            &["route", "method"],
        )?;
        let connections_open = IntGauge::new("kezek_http_connections_open", "HTTP connections being served")?;
        let claims = IntCounterVec::new(Opts::new("kezek_claims_total", "Seat claims by outcome"), &["outcome"])?;
        let job_runs = IntCounterVec::new(Opts::new("kezek_job_runs_total", "Scheduled job runs by outcome"), &["job", "outcome"])?;
        let rate_limited = IntCounterVec::new(Opts::new("kezek_rate_limited_total", "Requests refused with 429"), &["limit"])?;
        let limit_keys = IntGaugeVec::new(Opts::new("kezek_rate_limit_keys", "Keys held by a rate limit"), &["limit"])?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(connections_open.clone()))?;
        registry.register(Box::new(claims.clone()))?;
        registry.register(Box::new(job_runs.clone()))?;
        registry.register(Box::new(rate_limited.clone()))?;
        registry.register(Box::new(limit_keys.clone()))?;
        let notifications = IntCounterVec::new(Opts::new("kezek_notifications_total", "Notification deliveries by outcome"), &["outcome"])?;
        let outbox = IntGaugeVec::new(Opts::new("kezek_notification_outbox", "Notification outbox rows by state"), &["state"])?;
        registry.register(Box::new(notifications.clone()))?;
        registry.register(Box::new(outbox.clone()))?;
        for outcome in ["created", "replayed", "refused"] {
            claims.with_label_values(&[outcome]);
        }
        for outcome in ["sent", "retried", "dead"] {
            notifications.with_label_values(&[outcome]);
        }
        Ok(Metrics { registry, requests, latency, connections_open, claims, job_runs, rate_limited, limit_keys, notifications, outbox })
    }

    /// One answered request.
    pub fn request(&self, route: &str, method: &Method, status: u16, seconds: f64) {
        let method = method_label(method);
        self.requests.with_label_values(&[route, method, status.to_string().as_str()]).inc();
        self.latency.with_label_values(&[route, method]).observe(seconds);
    }

    pub fn claim(&self, outcome: ClaimOutcome) {
        let label = match outcome {
            ClaimOutcome::Created => "created",
            ClaimOutcome::Replayed => "replayed",
            ClaimOutcome::Refused => "refused",
        };
        self.claims.with_label_values(&[label]).inc();
    }

    /// One run of the job `name` (a registry name, never data).
    pub fn job_run(&self, name: &str, ok: bool) {
        self.job_runs.with_label_values(&[name, if ok { "ok" } else { "failed" }]).inc();
    }

    /// One sender round's deliveries.
    pub fn notifications(&self, sent: u32, retried: u32, dead: u32) {
        for (outcome, n) in [("sent", sent), ("retried", retried), ("dead", dead)] {
            self.notifications.with_label_values(&[outcome]).inc_by(u64::from(n));
        }
    }

    /// The outbox's rows by state, as counted after a sender round.
    pub fn outbox(&self, counts: &crate::notify::outbox::Counts) {
        for (state, n) in [("pending", counts.pending), ("retrying", counts.retrying), ("sending", counts.sending), ("dead", counts.dead)] {
            self.outbox.with_label_values(&[state]).set(n);
        }
    }

    pub fn rate_limited(&self, limit: Limit) {
        self.rate_limited.with_label_values(&[limit.code()]).inc();
    }

    /// The text exposition of every metric, the limits' sizes read now.
    pub fn render(&self, limiters: &Limiters) -> Vec<u8> {
        for limit in Limit::ALL {
            self.limit_keys.with_label_values(&[limit.code()]).set(i64::try_from(limiters.keys(limit)).unwrap_or(i64::MAX));
        }
        let mut out = Vec::new();
        // Encoding into a Vec only fails on a malformed metric, which the types above rule out.
        if TextEncoder::new().encode(&self.registry.gather(), &mut out).is_err() {
            out.clear();
        }
        out
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::Limits;

    #[test]
    fn junk_methods_share_one_label_and_counts_show_in_the_text() {
        let metrics = Metrics::new().unwrap();
        metrics.request("/api/claims", &Method::POST, 201, 0.003);
        metrics.request("unmatched", &Method::from_bytes(b"BREW").unwrap(), 404, 0.001);
        metrics.request("unmatched", &Method::from_bytes(b"XYZZY").unwrap(), 404, 0.001);
        metrics.claim(ClaimOutcome::Created);
        let text = String::from_utf8(metrics.render(&Limiters::new(&Limits::default()))).unwrap();
        assert!(text.contains(r#"kezek_http_requests_total{method="POST",route="/api/claims",status="201"} 1"#), "{text}");
        assert!(text.contains(r#"kezek_http_requests_total{method="other",route="unmatched",status="404"} 2"#), "{text}");
        assert!(text.contains(r#"kezek_claims_total{outcome="created"} 1"#), "{text}");
        assert!(text.contains(r#"kezek_rate_limit_keys{limit="submit_ip"} 0"#), "{text}");
    }
}
