//! The sign-in endpoints (see the module note of [`super`] for the flow).

use super::error::AuthError;
use super::oidc::OidcError;
use super::store::{self, LoginAttempt};
use super::{safe_return_path, Auth, Session, LOGIN_COOKIE, LOGIN_LIFETIME_MINUTES};
use crate::wire::rfc3339;
use kezek::status::deadline::local_date;
use crate::secrets::constant_time_eq;
use axum::extract::{FromRef, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use kezek::contract::Me;

/// `/auth/login`, `/auth/callback`, `/auth/logout` and `/api/me`, for any router state that
/// holds an [`Auth`].
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Auth: FromRef<S>,
{
    Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/logout", post(logout))
        .route("/api/me", get(me))
}

#[derive(Deserialize)]
struct LoginQuery {
    #[serde(rename = "return")]
    return_to: Option<String>,
}

async fn login(State(auth): State<Auth>, Query(query): Query<LoginQuery>) -> Result<Response, AuthError> {
    let provider = auth.inner.provider.as_ref().ok_or(AuthError::NotConfigured)?;
    let started = provider.start().await.map_err(provider_error)?;
    let attempt = LoginAttempt {
        nonce: started.nonce,
        pkce_verifier: started.pkce_verifier,
        return_to: safe_return_path(query.return_to.as_deref()),
    };
    store::save_attempt(auth.db(), &started.state, &attempt, auth.now(), chrono::Duration::minutes(LOGIN_LIFETIME_MINUTES)).await?;
    let mut response = redirect(StatusCode::FOUND, started.url.as_str());
    response.headers_mut().append(header::SET_COOKIE, auth.login_cookie(&started.state, LOGIN_LIFETIME_MINUTES * 60));
    Ok(response)
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

async fn callback(State(auth): State<Auth>, headers: HeaderMap, Query(query): Query<CallbackQuery>) -> Result<Response, AuthError> {
    let provider = auth.inner.provider.as_ref().ok_or(AuthError::NotConfigured)?;
    let state = query.state.as_deref().ok_or(AuthError::Callback("no state"))?;
    // The state must be the one this browser was given at /auth/login (login CSRF).
    let cookie_state = super::cookie(&headers, LOGIN_COOKIE).ok_or(AuthError::Callback("no sign-in in progress in this browser"))?;
    if !constant_time_eq(&cookie_state, state) {
        return Err(AuthError::Callback("state differs from this browser's"));
    }
    let now = auth.now();
    let attempt = store::take_attempt(auth.db(), state, now).await?.ok_or(AuthError::Callback("unknown or expired sign-in"))?;
    if let Some(error) = query.error.as_deref() {
        // The person cancelled, or the provider refused: back where they were, still signed out.
        tracing::info!(error = %error.chars().take(64).collect::<String>(), "sign-in ended by the provider");
        let mut response = redirect(StatusCode::SEE_OTHER, &attempt.return_to);
        response.headers_mut().append(header::SET_COOKIE, auth.login_cookie("", 0));
        return Ok(response);
    }
    let code = query.code.as_deref().ok_or(AuthError::Callback("no code"))?;
    let identity = provider.finish(code, &attempt.pkce_verifier, &attempt.nonce, local_date(now)).await.map_err(provider_error)?;
    // A session that was there before (another person on this browser) ends here.
    auth.sign_out(&headers).await?;
    let (id, _session) = auth.sign_in(&identity).await?;
    let mut response = redirect(StatusCode::SEE_OTHER, &attempt.return_to);
    response.headers_mut().append(header::SET_COOKIE, auth.session_cookie(&id));
    response.headers_mut().append(header::SET_COOKIE, auth.login_cookie("", 0));
    Ok(response)
}

async fn logout(State(auth): State<Auth>, headers: HeaderMap) -> Result<Response, AuthError> {
    auth.sign_out(&headers).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().append(header::SET_COOKIE, auth.clear_session_cookie());
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn me(State(auth): State<Auth>, session: Session) -> Result<Response, AuthError> {
    let iin = session.iin.map(|i| i.as_digits());
    let roles = store::roles_of(auth.db(), &session.issuer, &session.subject, iin.as_deref()).await?;
    let body = Me {
        iin,
        family_name: session.family_name,
        given_name: session.given_name,
        locale: session.locale,
        lang: session.lang.code().to_owned(),
        roles,
        expires_at: rfc3339(session.expires_at),
    };
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn redirect(status: StatusCode, location: &str) -> Response {
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn provider_error(error: OidcError) -> AuthError {
    tracing::warn!(%error, "sign-in failed");
    match error {
        OidcError::Provider(_) => AuthError::Provider,
        OidcError::Rejected(_) => AuthError::Callback("the provider's answer did not verify"),
        OidcError::BadIin => AuthError::Iin,
    }
}
