//! What every request goes through, outermost first:
//!
//! 1. [`observe`]: the language of error messages (`Accept-Language`), the request timeout
//!    (503 `request.timeout`), the security headers,
//!    `Cache-Control: no-store` on every API answer that does not say otherwise (answers that
//!    carry a token, a status or evidence are never kept by a cache), `Connection: close` on an
//!    answer given before the request's body was read, the metrics and one log line (method, path, status, duration: paths carry only application numbers and queue
//!    keys, never an IIN or a name).
//! 2. [`guard`]: the host allow-list (421 `host.unknown`), the cross-site check on writes
//!    (403 `origin.cross_site`) and the per-address limit on writes (429).
//!
//! | check | when | rule |
//! | --- | --- | --- |
//! | `Host` | a public origin or `--allowed-hosts` is set | must be one of the allowed hosts (ASCII case-insensitive); by default the public origin's host |
//! | `Sec-Fetch-Site` | writes | `cross-site` is refused |
//! | `Origin` | writes that carry one | with a public origin: exactly that origin; without: `http(s)://` + `Host` (local runs and tests) |
//! | address | writes | the `write_ip` limit (see `ratelimit.rs`) |
//!
//! A write without `Origin` passes: browsers send it on every cross-origin write, so only a
//! non-browser client omits it, and such a client could set any `Origin` it likes anyway.

use crate::error::ApiError;
use crate::ratelimit::Limit;
use crate::state::{AppState, HttpConfig};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::body::{Body, Bytes, HttpBody};
use http_body::Frame;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// The access rules of the module table.
#[derive(Debug)]
pub struct Access {
    public_origin: Option<String>,
    /// Lower case; empty: any host.
    allowed_hosts: Vec<String>,
    client_ip_header: Option<HeaderName>,
}

impl Access {
    pub fn new(config: &HttpConfig) -> Result<Access, String> {
        let public_origin = config.public_origin.as_deref().map(|o| o.trim_end_matches('/').to_string());
        let mut allowed_hosts: Vec<String> = config.allowed_hosts.iter().map(|h| h.trim().to_ascii_lowercase()).collect();
        if let Some(origin) = &public_origin {
            let host = origin_host(origin)
                .ok_or_else(|| format!("--public-origin {origin}: give scheme and host only, e.g. https://kezek.example.kz"))?;
            if allowed_hosts.is_empty() {
                allowed_hosts.push(host.to_ascii_lowercase());
            }
        }
        let client_ip_header = config
            .client_ip_header
            .as_deref()
            .map(|name| HeaderName::try_from(name).map_err(|_| format!("--client-ip-header {name}: not a header name")))
            .transpose()?;
        Ok(Access { public_origin, allowed_hosts, client_ip_header })
    }

    fn host_refusal(&self, headers: &HeaderMap) -> Option<ApiError> {
        if self.allowed_hosts.is_empty() {
            return None;
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
        (!self.allowed_hosts.contains(&host)).then_some(ApiError::MisdirectedHost)
    }

    fn cross_site_refusal(&self, method: &Method, headers: &HeaderMap) -> Option<ApiError> {
        if is_safe(method) {
            return None;
        }
        let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        if header_text("sec-fetch-site") == Some("cross-site") {
            return Some(ApiError::Forbidden("origin.cross_site"));
        }
        let origin = headers.get(header::ORIGIN)?.to_str().unwrap_or_default();
        let allowed = match &self.public_origin {
            Some(public) => origin == public,
            None => {
                let host = header_text("host").unwrap_or_default();
                !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
            }
        };
        (!allowed).then_some(ApiError::Forbidden("origin.cross_site"))
    }

    /// The client's address: the peer's, or the proxy's header when the peer is on loopback.
    pub fn client_ip(&self, request_headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
        let peer_ip = peer.map(|p| p.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        if let (Some(name), true) = (&self.client_ip_header, peer_ip.is_loopback()) {
            let forwarded = request_headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).last();
            if let Some(ip) = forwarded.and_then(|v| v.trim().parse::<IpAddr>().ok()) {
                return ip;
            }
        }
        peer_ip
    }
}

/// `host[:port]` of an origin `scheme://host[:port]`.
fn origin_host(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    let valid = matches!(scheme, "http" | "https") && !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ']);
    valid.then_some(rest)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The bytes an address is limited by: IPv4 whole, IPv6 by its /64 (one subscriber's
/// network: a host can take any address in it).
pub fn address_subject(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets()[..8].to_vec(),
        },
    }
}

/// The peer address the accept loop (`connections.rs`) put on the request.
pub fn peer(request_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    request_extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

/// Layer 1 (see the module docs).
pub async fn observe(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let route = route_label(matched.as_ref().map(MatchedPath::as_str), &path);
    let (request, body_read) = track_body(request);
    // Error messages in the page's language (`error::with_lang`).
    let lang = kezek::i18n::Lang::parse(request.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(|v| v.split([',', ';']).next()).unwrap_or(""));
    let mut response = crate::error::with_lang(lang, async {
        match tokio::time::timeout(state.request_timeout, next.run(request)).await {
            Ok(response) => response,
            Err(_) => ApiError::Timeout.into_response(),
        }
    })
    .await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if route != "static" && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !body_read.load(Ordering::Relaxed) {
        // Answered before the body was read (415, 413, 403, 429 …): hyper closes such a
        // connection after the answer. Saying so keeps a client from sending its next request
        // on a connection about to close.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.request(route, &method, status, elapsed.as_secs_f64());
    tracing::info!(method = %method, path = %path, status, ms = elapsed.as_millis() as u64, "request");
    response
}

/// `request` with its body wrapped to note when it has been read to the end (at once for an
/// empty body).
fn track_body(request: Request) -> (Request, Arc<AtomicBool>) {
    let read = Arc::new(AtomicBool::new(false));
    let tracked = read.clone();
    let request = request.map(|inner| {
        if inner.is_end_stream() {
            tracked.store(true, Ordering::Relaxed);
        }
        Body::new(Tracked { inner, read: tracked })
    });
    (request, read)
}

/// A body that sets its flag once it has been read to the end.
struct Tracked {
    inner: Body,
    read: Arc<AtomicBool>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.read.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The `route` label: the route's template, `unmatched` under `/api/` or `static`.
fn route_label<'a>(matched: Option<&'a str>, path: &str) -> &'a str {
    match matched {
        Some(template) if template.starts_with("/api/") && template != crate::api::UNKNOWN_ROUTE => template,
        Some("/metrics") => "/metrics",
        _ if path == "/api" || path.starts_with("/api/") => "unmatched",
        _ => "static",
    }
}

/// A path outside `/api` with a segment longer than a file name can be (255 bytes once
/// percent-decoded): the static files would answer it with an I/O error (500), not a 404.
fn names_no_file(path: &str) -> bool {
    !(path == "/api" || path.starts_with("/api/"))
        && path.split('/').any(|segment| segment.len().saturating_sub(2 * segment.matches('%').count()) > 255)
}

/// Layer 2 (see the module docs).
pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if names_no_file(request.uri().path()) {
        return ApiError::NotFound("route.unknown").into_response();
    }
    let headers = request.headers();
    if let Some(refusal) = state.access.host_refusal(headers).or_else(|| state.access.cross_site_refusal(request.method(), headers)) {
        return refusal.into_response();
    }
    if !is_safe(request.method()) {
        let ip = state.access.client_ip(headers, peer(request.extensions()));
        if let Err(seconds) = state.limiters.check(Limit::WriteIp, &address_subject(ip)) {
            state.metrics.rate_limited(Limit::WriteIp);
            return ApiError::RateLimited(seconds).into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(public_origin: Option<&str>, hosts: &[&str], ip_header: Option<&str>) -> Access {
        Access::new(&HttpConfig {
            public_origin: public_origin.map(str::to_string),
            allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            client_ip_header: ip_header.map(str::to_string),
            ..HttpConfig::default()
        })
        .unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn with_a_public_origin_only_that_origin_writes_and_only_its_host_is_served() {
        let access = access(Some("https://kezek.example.kz/"), &[], None);
        let own = headers(&[("host", "kezek.example.kz"), ("origin", "https://kezek.example.kz")]);
        assert!(access.host_refusal(&own).is_none());
        assert!(access.cross_site_refusal(&Method::POST, &own).is_none());
        let echoed = headers(&[("host", "evil.example"), ("origin", "https://evil.example")]);
        assert!(matches!(access.host_refusal(&echoed), Some(ApiError::MisdirectedHost)));
        assert!(access.cross_site_refusal(&Method::POST, &echoed).is_some(), "Origin = Host no longer passes");
        assert!(access.host_refusal(&headers(&[("host", "KEZEK.example.kz")])).is_none());
        assert!(access.host_refusal(&headers(&[])).is_some(), "no Host");
    }

    #[test]
    fn without_a_public_origin_the_request_host_is_the_origin() {
        let access = access(None, &[], None);
        let same = headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")]);
        assert!(access.host_refusal(&same).is_none());
        assert!(access.cross_site_refusal(&Method::POST, &same).is_none());
        let other = headers(&[("host", "127.0.0.1:8080"), ("origin", "http://localhost:8080")]);
        assert!(access.cross_site_refusal(&Method::POST, &other).is_some());
        assert!(access.cross_site_refusal(&Method::GET, &other).is_none());
    }

    #[test]
    fn a_public_origin_with_a_path_is_a_configuration_error() {
        let config = HttpConfig { public_origin: Some("https://kezek.example.kz/app".into()), ..HttpConfig::default() };
        assert!(Access::new(&config).is_err());
    }

    #[test]
    fn the_proxy_header_is_trusted_only_from_loopback() {
        let access = access(None, &[], Some("x-forwarded-for"));
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.9")]);
        let loopback: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let outside: SocketAddr = "192.0.2.1:5000".parse().unwrap();
        assert_eq!(access.client_ip(&forwarded, Some(loopback)), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(access.client_ip(&forwarded, Some(outside)), outside.ip());
        assert_eq!(access.client_ip(&headers(&[("x-forwarded-for", "junk")]), Some(loopback)), loopback.ip());
    }

    #[test]
    fn static_paths_with_segments_no_file_can_have_are_refused_up_front() {
        assert!(names_no_file(&format!("//{}", "9".repeat(256))));
        assert!(!names_no_file(&format!("/{}", "9".repeat(255))));
        assert!(!names_no_file(&format!("/{}", "%41".repeat(85))), "85 bytes once decoded");
        assert!(!names_no_file(&format!("/api/applications/{}/status", "9".repeat(4000))), "the API answers for itself");
    }

    #[test]
    fn an_ipv6_host_is_limited_by_its_64() {
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_subject(a), address_subject(b));
        assert_ne!(address_subject(a), address_subject(c));
        assert_eq!(address_subject("::ffff:10.0.0.1".parse().unwrap()), vec![10, 0, 0, 1]);
    }
}
