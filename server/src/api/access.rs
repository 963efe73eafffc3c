//! Who may act on an application: the signed-in applicant (the session cookie; the
//! application's applicant is the person whose IIN the identity provider gave), or an API
//! client holding the application's token (`Authorization: Bearer`). Either way the number's
//! format is checked first and the application's limit taken.

use super::input::{application_number, bearer};
use super::limit;
use crate::auth::Session;
use crate::error::ApiError;
use crate::ratelimit::Limit;
use crate::state::AppState;
use crate::store::Stored;
use axum::http::HeaderMap;

/// Application `number` if the request may act on it.
pub(super) async fn owned(state: &AppState, number: &str, session: Option<&Session>, headers: &HeaderMap) -> Result<Stored, ApiError> {
    let number = application_number(number)?;
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return super::authorize(state, number, bearer(headers)?).await;
    }
    let Some(iin) = session.and_then(|s| s.iin.as_ref()) else { return Err(ApiError::Unauthorized) };
    let key = state.store.applicant_key(iin);
    let stored = state.store.application(number).await?.filter(|s| s.applicant_key == key);
    // Another person's application answers as an unknown one: numbers cannot be probed.
    let stored = stored.ok_or(ApiError::NotFound("application.unknown"))?;
    limit(state, Limit::Application, number.as_bytes())?;
    Ok(stored)
}
