//! The extractors handlers take the signed-in person from: [`Session`], [`Citizen`], [`Staff`].
//! Each finds [`Auth`] in the router state through `FromRef`, and the session once per request
//! (kept in the request's extensions when several extractors ask).

use super::error::AuthError;
use super::roles::Staff;
use super::{store, Auth};
use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use kezek::i18n::Lang;
use kezek::iin::Iin;

/// Someone signed in (a citizen or staff).
#[derive(Clone, Debug)]
pub struct Session {
    pub issuer: String,
    pub subject: String,
    /// The IIN from the ID token, when the provider gave one.
    pub iin: Option<Iin>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    /// The ID token's `locale` as given, and the interface language it maps to.
    pub locale: Option<String>,
    pub lang: Lang,
    pub signed_in_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A citizen: signed in with an IIN. 401 without a session, 403 `auth.no_iin` without an IIN.
#[derive(Clone, Debug)]
pub struct Citizen {
    pub iin: Iin,
    pub session: Session,
}

/// The request's session, looked up once.
#[derive(Clone)]
struct Looked(Option<Session>);

async fn session_of<S>(parts: &mut Parts, state: &S) -> Result<Option<Session>, AuthError>
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    if let Some(Looked(session)) = parts.extensions.get::<Looked>() {
        return Ok(session.clone());
    }
    let auth = Auth::from_ref(state);
    let session = auth.session_of(&parts.headers).await?;
    parts.extensions.insert(Looked(session.clone()));
    Ok(session)
}

impl<S> FromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        session_of(parts, state).await?.ok_or(AuthError::Required)
    }
}

/// `Option<Session>`: a handler that works signed in or not.
impl<S> OptionalFromRequestParts<S> for Session
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Self::Rejection> {
        session_of(parts, state).await
    }
}

impl<S> FromRequestParts<S> for Citizen
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = session_of(parts, state).await?.ok_or(AuthError::Required)?;
        let iin = session.iin.ok_or(AuthError::NoIin)?;
        Ok(Citizen { iin, session })
    }
}

impl<S> FromRequestParts<S> for Staff
where
    Auth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = session_of(parts, state).await?.ok_or(AuthError::Required)?;
        let auth = Auth::from_ref(state);
        let iin = session.iin.map(|i| i.as_digits());
        let roles = store::roles_of(auth.db(), &session.issuer, &session.subject, iin.as_deref()).await?;
        if roles.is_empty() {
            return Err(AuthError::NotStaff);
        }
        Ok(Staff { session, roles })
    }
}
