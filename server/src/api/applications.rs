//! Applications: submit (Appendix 1), read one's own, confirm or decline interest, withdraw,
//! list "my applications".
//!
//! A submission counts against the client address's and the applicant's limits
//! (`ratelimit.rs`): each one is a permanent public-log entry. When sign-in is configured, only
//! a signed-in citizen submits, as the applicant, for a child the civil registry links to them
//! (issue 12); the priority grounds the state systems confirm need no original (Appendix 2).

use super::access::owned;
use super::input::{bearer, parse_body, request_lang, ClientAddress, JsonBytes};
use super::output::{with_etag, NO_STORE};
use super::{detached, limit};
use crate::auth::{AuthError, Session};
use crate::error::{message, ApiError, ApiIssue};
use crate::ratelimit::Limit;
use crate::state::AppState;
use crate::store::{ApplicationView, Submitter};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kezek::application::Draft;
use kezek::iin::Iin;
use kezek::contract::{Interest, MyApplications, NoFields, TokenAnswer};
use serde_json::Value;
use std::sync::Arc;

pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    ClientAddress(address): ClientAddress,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let value: Value = parse_body(&body)?;
    // Issue 15: only the form's own fields are stored, so a form carrying others is refused
    // (each named) rather than kept in part or in whole.
    let unknown = Draft::unknown_fields(std::str::from_utf8(&body).unwrap_or_default());
    if !unknown.is_empty() {
        return Err(ApiError::Invalid(unknown.iter().map(|field| ApiIssue::new(field, UNKNOWN_FIELD, &message(UNKNOWN_FIELD))).collect()));
    }
    let key = match headers.get("idempotency-key") {
        Some(v) => Some(v.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 200).ok_or_else(|| ApiError::invalid_code("Idempotency-Key", "idempotency.key"))?.to_string()),
        None => None,
    };
    limit(&state, Limit::SubmitIp, &address)?;
    if let Some(applicant) = value.pointer("/applicant/iin").and_then(Value::as_str) {
        limit(&state, Limit::SubmitApplicant, applicant.as_bytes())?;
    }
    let now = state.clock.now();
    let today = kezek::status::deadline::local_date(now);
    let submitter = match (state.auth.config().oidc.is_some(), session.and_then(|s| s.iin)) {
        (true, None) => return Err(auth_required()),
        (_, Some(applicant)) => {
            // Issue 12: the child must be linked to the signed-in applicant in the civil registry.
            let child = Draft::from_value(&value).ok().and_then(|d| d.child.iin).and_then(|text| Iin::parse(&text, today).ok());
            let grounds_confirmed = match &child {
                Some(child) => {
                    let linked = state.registry.children_of(&applicant, today).await.map_err(|_| ApiError::Busy)?;
                    if !linked.contains(child) {
                        return Err(ApiError::invalid_code("child.iin", "child.not_linked"));
                    }
                    let category = Draft::from_value(&value).ok().and_then(|d| d.category).and_then(|c| kezek::application::Category::parse(&c));
                    let confirmed = state.grounds.confirmed(&applicant, child).await.map_err(|_| ApiError::Busy)?;
                    category.is_some_and(|c| confirmed.contains(&c))
                }
                None => false,
            };
            Submitter { applicant: Some(applicant), grounds_confirmed }
        }
        (false, None) => Submitter { applicant: None, grounds_confirmed: true },
    };
    let lang = request_lang(&headers);
    let answer = detached(async move { state.store.submit(&value, key.as_deref(), &submitter, now, lang).await }).await?;
    Ok((StatusCode::CREATED, [(axum::http::header::CACHE_CONTROL, NO_STORE)], Json(answer)).into_response())
}

const UNKNOWN_FIELD: &str = "form.unknown_field";

fn auth_required() -> ApiError {
    ApiError::from_auth(AuthError::Required)
}

/// The applicant's view of the application, `no-store` (it is personal).
fn view_response(headers: &HeaderMap, view: &ApplicationView) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(view).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(headers, body, "application/json", NO_STORE))
}

pub(super) async fn status(State(state): State<Arc<AppState>>, Path(number): Path<String>, session: Option<Session>, headers: HeaderMap) -> Result<Response, ApiError> {
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let view = state.store.view(&stored, state.clock.now()).await?;
    view_response(&headers, &view)
}

/// "My applications": every application of the signed-in person (issue 12).
pub(super) async fn mine(State(state): State<Arc<AppState>>, session: Session, headers: HeaderMap) -> Result<Response, ApiError> {
    let iin = session.iin.ok_or_else(|| ApiError::from_auth(AuthError::NoIin))?;
    let now = state.clock.now();
    let mut views = Vec::new();
    for stored in state.store.applications_of(&state.store.applicant_key(&iin)).await? {
        views.push(state.store.view(&stored, now).await?);
    }
    let body = serde_json::to_vec(&MyApplications { applications: views }).map_err(|_| ApiError::Internal)?;
    Ok(with_etag(&headers, body, "application/json", NO_STORE))
}

pub(super) async fn interest(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let Interest { interested } = parse_body(&body)?;
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let changed = detached(async move {
        if interested {
            store.confirm_interest(&stored, now).await
        } else {
            store.not_interested(&stored, now).await
        }
    })
    .await?;
    view_response(&headers, &state.store.view(&changed, now).await?)
}

pub(super) async fn withdraw(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let NoFields {} = parse_body(&body)?;
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let now = state.clock.now();
    let store = state.store.clone();
    let changed = detached(async move { store.withdraw(&stored, now).await }).await?;
    view_response(&headers, &state.store.view(&changed, now).await?)
}

/// A new token for API clients (the old one stops working); only the signed-in applicant.
pub(super) async fn rotate_token(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    session: Session,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let NoFields {} = parse_body(&body)?;
    if bearer(&headers).is_ok() {
        return Err(auth_required());
    }
    let stored = owned(&state, &number, Some(&session), &headers).await?;
    let token = state.store.rotate_token(&stored).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, NO_STORE)], Json(TokenAnswer { number, token })).into_response())
}
