//! The applicant's notification settings for one application (issue 12: "the person chooses
//! channels on the page"): `GET /api/applications/{number}/notifications` and `POST` with the
//! same JSON, `{ "email": bool, "sms": bool, "lang": "kk" | "ru" | "en" }`, answering the
//! settings as stored. Acted on by the signed-in applicant or a token holder (`access.rs`).
//!
//! Without a choice the answer is the default the sender uses: each channel the application
//! gives a contact for, in the application's language. A choice applies to messages written
//! after it (a message already in the outbox keeps its channels and language). A channel the
//! application gives no contact for may be chosen; it sends nothing until the contact exists.

use super::access::owned;
use super::detached;
use super::input::{parse_body, JsonBytes};
use super::output::NO_STORE;
use crate::auth::Session;
use crate::error::ApiError;
use crate::notify::Preferences;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// The settings as the API writes and reads them (`kezek::contract`).
use kezek::contract::NotificationSettings as Settings;

impl From<Preferences> for Settings {
    fn from(p: Preferences) -> Settings {
        Settings { email: p.email, sms: p.sms, lang: p.lang.into() }
    }
}

fn answer(settings: Settings) -> Response {
    ([(header::CACHE_CONTROL, NO_STORE)], Json(settings)).into_response()
}

pub(super) async fn get(State(state): State<Arc<AppState>>, Path(number): Path<String>, session: Option<Session>, headers: HeaderMap) -> Result<Response, ApiError> {
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    Ok(answer(state.store.notification_settings(&stored).await?.into()))
}

pub(super) async fn set(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    session: Option<Session>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    let settings: Settings = parse_body(&body)?;
    let stored = owned(&state, &number, session.as_ref(), &headers).await?;
    let choice = Preferences { email: settings.email, sms: settings.sms, lang: settings.lang.into() };
    let (store, now) = (state.store.clone(), state.clock.now());
    let saved = detached(async move { store.set_notification_settings(&stored, choice, now).await }).await?;
    Ok(answer(saved.into()))
}
