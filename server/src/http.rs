//! The HTTP API (see `openapi.yaml`): handlers are thin; the work is in [`crate::store`].
//!
//! Every write runs in a task of its own (a spawned task, or the claim writer of
//! `store/batch.rs`), so a client that disconnects mid-request never
//! cancels a transaction half-way: the write either commits or rolls back, and a retry finds
//! the result (idempotent endpoints).

use crate::clock::{parse_iso_duration, Clock, SettableClock};
use crate::error::ApiError;
use crate::kztime::{local_date, local_rfc3339, rfc3339};
use crate::ratelimit::RateLimiter;
use crate::store::{ApplicationRow, ClaimQueue, ExtensionReason, Store};
use kezek::i18n::Lang;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tower_http::services::ServeDir;

/// Request bodies above this are refused with 413 (an application is a few kilobytes).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Shared by every handler.
pub struct AppState {
    pub store: Store,
    /// Claims go through one writer with group commit (see `store/batch.rs`).
    pub claims: ClaimQueue,
    pub clock: Arc<dyn Clock>,
    /// Present only in demo mode: the clock `POST /api/demo/clock` moves.
    pub demo_clock: Option<Arc<SettableClock>>,
    pub limiter: RateLimiter,
    /// The site's own origin (`http://127.0.0.1:8080`); writes from any other origin are refused.
    pub public_origin: Option<String>,
}

/// Where static files come from.
#[derive(Clone, Debug)]
pub struct StaticDirs {
    pub www: PathBuf,
    pub pkg: PathBuf,
}

pub fn router(state: Arc<AppState>, dirs: &StaticDirs) -> Router {
    let api = Router::new()
        .route("/api/applications", post(submit))
        .route("/api/applications/{number}/status", get(status))
        .route("/api/applications/{number}/withdraw", post(withdraw))
        .route("/api/applications/{number}/interest", post(confirm_interest))
        .route("/api/claims", post(claim))
        .route("/api/referrals/{id}/cancel", post(cancel_referral))
        .route("/api/referrals/{id}/extend", post(extend_referral))
        .route("/api/queues/{key}/snapshot", get(snapshot))
        .route("/api/bulletin", get(bulletin))
        .route("/api/applications/{number}/register", get(crate::register::register))
        .route("/api/log/checkpoint", get(crate::register::checkpoint))
        .route("/api/log/key", get(crate::register::key))
        .route("/api/log/entries/{index}", get(crate::register::entry))
        .route("/api/log/proof/inclusion", get(crate::register::inclusion))
        .route("/api/log/proof/consistency", get(crate::register::consistency))
        .route("/api/time", get(time))
        .route("/api/demo/clock", post(demo_clock))
        .route("/api/demo/applications/{number}/originals", post(demo_confirm_originals))
        .fallback(|| async { ApiError::NotFound("route.unknown") });
    Router::new()
        .merge(api)
        // Precompressed: scripts/build.sh writes `.gz` beside the package files, so the browser
        // downloads the gzip size the size budget measures, at no CPU cost per request.
        .nest_service("/pkg", ServeDir::new(&dirs.pkg).precompressed_gzip())
        .fallback_service(ServeDir::new(&dirs.www))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses cross-site writes, adds the security headers, logs one line per request (method,
/// path, status, duration: paths carry only application numbers and queue keys, never an IIN
/// or a name).
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let mut response = match cross_site_refusal(&state, &method, request.headers()) {
        Some(refusal) => refusal.into_response(),
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    tracing::info!(method = %method, path = %path, status = response.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    response
}

fn cross_site_refusal(state: &AppState, method: &Method, headers: &HeaderMap) -> Option<ApiError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    let header_text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header_text("sec-fetch-site") == Some("cross-site") {
        return Some(ApiError::Forbidden("origin.cross_site"));
    }
    let origin = header_text("origin")?;
    let host = header_text("host").unwrap_or_default();
    let own = [format!("http://{host}"), format!("https://{host}")];
    let allowed = state.public_origin.as_deref() == Some(origin) || own.iter().any(|o| o == origin);
    (!allowed).then_some(ApiError::Forbidden("origin.cross_site"))
}

/// Runs `work` to completion even if the client goes away (see the module note).
async fn detached<T: Send + 'static>(work: impl Future<Output = Result<T, ApiError>> + Send + 'static) -> Result<T, ApiError> {
    tokio::spawn(work).await.map_err(|_| ApiError::Internal)?
}

fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::invalid("", "body.json", &format!("Malformed JSON body: {}", e.classify_kind())))
}

trait ClassifyKind {
    fn classify_kind(&self) -> &'static str;
}

impl ClassifyKind for serde_json::Error {
    // Only the category: serde's message may quote the body, which may hold personal data.
    fn classify_kind(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "io",
            serde_json::error::Category::Syntax => "syntax",
            serde_json::error::Category::Data => "unexpected or missing field",
            serde_json::error::Category::Eof => "truncated",
        }
    }
}

/// Authenticates `number` with `token`, then rate-limits. Failed attempts count in a bucket of
/// their own, so someone who knows a number but not its token can slow down their own guessing
/// but never lock the real applicant out.
pub(crate) async fn authorize(state: &AppState, number: &str, token: &str) -> Result<ApplicationRow, ApiError> {
    match state.store.authenticate(number, token).await {
        Ok(application) => {
            state.limiter.check(number).map_err(ApiError::RateLimited)?;
            Ok(application)
        }
        Err(ApiError::Unauthorized) => {
            state.limiter.check(&format!("unauthenticated:{number}")).map_err(ApiError::RateLimited)?;
            Err(ApiError::Unauthorized)
        }
        Err(other) => Err(other),
    }
}

/// The page's language from `Accept-Language` (its first tag), so the backend's messages match
/// the page's; Kazakh when absent or unknown.
fn request_lang(headers: &HeaderMap) -> Lang {
    let first = headers.get("accept-language").and_then(|v| v.to_str().ok()).and_then(|v| v.split([',', ';']).next());
    Lang::parse(first.unwrap_or(""))
}

async fn submit(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Result<Response, ApiError> {
    let value: Value = parse_body(&body)?;
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 200).ok_or_else(|| {
            ApiError::invalid("Idempotency-Key", "idempotency.key", "The Idempotency-Key must be 1-200 visible characters")
        })?.to_string()),
        None => None,
    };
    let now = state.clock.now();
    let lang = request_lang(&headers);
    let answer = detached(async move { state.store.submit(&value, key.as_deref(), now, lang).await }).await?;
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClaimRequest {
    number: String,
    token: String,
    vacancy_id: String,
}

async fn claim(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response, ApiError> {
    let request: ClaimRequest = parse_body(&body)?;
    let application = authorize(&state, &request.number, &request.token).await?;
    let now = state.clock.now();
    let (referral, created) = state.claims.claim(&state.store, application, request.vacancy_id, now).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(referral)).into_response())
}

#[derive(Deserialize)]
struct Credentials {
    number: String,
    token: String,
}

async fn cancel_referral(State(state): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let credentials: Credentials = parse_body(&body)?;
    let application = authorize(&state, &credentials.number, &credentials.token).await?;
    let now = state.clock.now();
    let referral = detached(async move { state.store.cancel_referral(&application, &id, now).await }).await?;
    Ok(Json(referral).into_response())
}

#[derive(Deserialize)]
struct ExtendRequest {
    number: String,
    token: String,
    reason: ExtensionReason,
    until: Option<NaiveDate>,
}

async fn extend_referral(State(state): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let request: ExtendRequest = serde_json::from_slice(&body).map_err(|_| {
        ApiError::invalid("reason", "referral.extension_reason", "Give a reason: illness, hospitalisation, business_trip or vacation")
    })?;
    let application = authorize(&state, &request.number, &request.token).await?;
    let now = state.clock.now();
    let referral =
        detached(async move { state.store.extend_referral(&application, &id, request.reason, request.until, now).await }).await?;
    Ok(Json(referral).into_response())
}

#[derive(Deserialize)]
struct TokenOnly {
    token: String,
}

async fn withdraw(State(state): State<Arc<AppState>>, Path(number): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    detached(async move { store.withdraw(&application, now).await }).await?;
    let application = state.store.authenticate(&number, &token).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

async fn confirm_interest(State(state): State<Arc<AppState>>, Path(number): Path<String>, body: Bytes) -> Result<Response, ApiError> {
    let TokenOnly { token } = parse_body(&body)?;
    let application = authorize(&state, &number, &token).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let row = application.clone();
    detached(async move { store.confirm_interest(&row, now).await }).await?;
    Ok(Json(state.store.status(&application, now).await?).into_response())
}

async fn status(State(state): State<Arc<AppState>>, Path(number): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = bearer(&headers)?;
    let application = authorize(&state, &number, token).await?;
    let status = state.store.status(&application, state.clock.now()).await?;
    let body = serde_json::to_vec(&status).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "private, no-cache"))
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)
}

async fn snapshot(State(state): State<Arc<AppState>>, Path(key): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let store = state.store.clone();
    // May append `snapshot_published`: a write, so it runs detached (see the module note).
    let encoded = detached(async move { store.published_snapshot(&key, now).await }).await?;
    Ok(with_etag(&headers, encoded.body, encoded.content_type, "public, max-age=60"))
}

async fn bulletin(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let bulletin = state.store.bulletin().await?;
    let body = serde_json::to_vec(&bulletin).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", "public, max-age=60"))
}

/// Answers 304 when the client already has this exact body, else the body with its ETag.
pub(crate) fn with_etag(request_headers: &HeaderMap, body: Vec<u8>, content_type: &'static str, cache_control: &'static str) -> Response {
    let etag = format!("\"{}\"", &crate::secrets::sha256_hex(&body)[..32]);
    let matches = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { Response::new(Body::from(body)) };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    if !matches {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    response
}

fn time_body(now: DateTime<Utc>, demo: bool) -> Value {
    json!({ "now": rfc3339(now), "local": local_rfc3339(now), "localDate": local_date(now).to_string(), "demo": demo })
}

async fn time(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(time_body(state.clock.now(), state.demo_clock.is_some()))
}

#[derive(Deserialize)]
struct ClockMove {
    advance: Option<String>,
    to: Option<DateTime<Utc>>,
}

/// Demo mode only: moves the clock, then runs the jobs so the effect is visible at once.
async fn demo_clock(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let clock = state.demo_clock.clone().ok_or(ApiError::Forbidden("demo.disabled"))?;
    let request: ClockMove = parse_body(&body)?;
    match (request.advance.as_deref(), request.to) {
        (Some(text), None) => {
            let by = parse_iso_duration(text).ok_or_else(|| ApiError::invalid("advance", "clock.duration", "An ISO 8601 duration such as PT1H"))?;
            clock.advance(by);
        }
        (None, Some(to)) => clock.set(to),
        _ => return Err(ApiError::invalid("", "clock.request", "Give either `advance` or `to`")),
    }
    let now = clock.now();
    let store = state.store.clone();
    detached(async move { crate::jobs::tick(&store, now).await }).await?;
    tracing::info!(now = %rfc3339(now), "demo clock moved");
    Ok(Json(time_body(now, true)))
}

/// Demo mode only: the provider confirms the originals (rule 29), which otherwise would have to
/// happen at the provider's desk.
async fn demo_confirm_originals(State(state): State<Arc<AppState>>, Path(number): Path<String>) -> Result<StatusCode, ApiError> {
    if state.demo_clock.is_none() {
        return Err(ApiError::Forbidden("demo.disabled"));
    }
    let result = sqlx::query("UPDATE applications SET originals_confirmed = 1 WHERE number = $1")
        .bind(&number)
        .execute(&state.store.db.pool)
        .await?;
    if result.rows_affected() == 0 {
        return Err(ApiError::NotFound("application.unknown"));
    }
    Ok(StatusCode::NO_CONTENT)
}
