//! Sign-in with OpenID Connect, sessions, and who may do what (issue 12 item 1, issue 11 item 1).
//!
//! ```text
//! GET /auth/login?return=/path ──302──▶ provider /authorize (code, PKCE S256, state, nonce)
//!        state → `kezek_login` cookie (SameSite=Lax, 10 min); nonce + PKCE verifier → login_attempts
//! provider ──302──▶ GET /auth/callback?code&state
//!        state must equal the cookie's and name a live attempt; code exchanged with the verifier;
//!        ID token verified (signature, issuer, audience, nonce, expiry); session created
//!        ──303──▶ /path   with the session cookie
//! POST /auth/logout  deletes the session row, clears the cookie (204)
//! GET  /api/me       { iin, familyName, givenName, locale, roles, expiresAt } or 401 auth.required
//! ```
//!
//! **The session cookie** holds 256 random bits (hex); the database keeps only their SHA-256
//! (`sessions.id_hash`), so a copy of the database signs nobody in. It is `HttpOnly`,
//! `SameSite=Strict`, `Path=/`, without `Max-Age` (it ends with the browser), and `Secure` with
//! the `__Host-` name prefix everywhere except loopback HTTP (demo, tests), where a browser would
//! drop a `Secure` cookie. A session ends after [`AuthConfig::idle_timeout`] unused (30 minutes)
//! or [`AuthConfig::absolute_timeout`] after sign-in (12 hours), or at sign-out. Sessions run on
//! the clock given to [`Auth::new`]: give it the system clock even in demo mode, where the demo
//! clock jumps days ahead and would end every session.
//!
//! **Why the sign-in state is not in the session cookie**: the provider's redirect back is a
//! cross-site navigation in production (egov.kz's identity provider is another site), on which
//! browsers do not send `SameSite=Strict` cookies. So the state travels in its own `Lax` cookie,
//! bound to this browser (login CSRF: a callback URL sent to someone else fails), and the secrets
//! (nonce, PKCE verifier) stay server-side. After the callback's redirect the page's own requests
//! are same-site and carry the `Strict` session cookie.
//!
//! **The return path** is accepted only as a same-origin absolute path (`/…`, not `//…`, no
//! backslash, no control characters, at most 512 bytes); anything else becomes `/`.
//!
//! Handlers take the person from an extractor: [`Session`] (anyone signed in), [`Citizen`]
//! (signed in with an IIN) or [`Staff`] (with a role; check the scope with
//! [`Staff::require_locality`] / [`Staff::require_kindergarten`]). Without a live session
//! each answers 401 `auth.required`; see [`AuthError`] for the other codes.

mod config;
mod error;
mod extract;
mod oidc;
mod roles;
mod routes;
pub mod store;

pub use config::{is_loopback, is_loopback_host, require_tls_off_loopback, AuthConfig, AuthSettings, OidcConfig, USAGE};
pub use error::AuthError;
pub use extract::{Citizen, Session};
pub use oidc::Identity;
pub use roles::{Staff, StaffRole};
pub use routes::routes;
pub use store::StaffIdentity;

use crate::clock::Clock;
use crate::db::Db;
use crate::wire::from_ms;
use kezek::status::deadline::local_date;
use axum::http::{HeaderMap, HeaderValue};
use kezek::i18n::Lang;
use kezek::iin::Iin;
use std::sync::Arc;

/// How long a sign-in may take between `/auth/login` and the callback.
pub const LOGIN_LIFETIME_MINUTES: i64 = 10;
/// The sign-in state cookie.
const LOGIN_COOKIE: &str = "kezek_login";

/// The sign-in service: the provider, the sessions and their settings. Cheap to clone. Put one
/// in the router's state and implement `FromRef<YourState> for Auth`; the extractors and
/// [`routes`] find it there.
#[derive(Clone)]
pub struct Auth {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    clock: Arc<dyn Clock>,
    config: AuthConfig,
    provider: Option<oidc::Provider>,
    secure: bool,
}

impl Auth {
    /// The service on `db`, with sessions timed by `clock` (the system clock; see the module note).
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: AuthConfig) -> Result<Auth, String> {
        let provider = config.oidc.clone().map(oidc::Provider::new).transpose()?;
        let secure = config.secure_cookies();
        Ok(Auth { inner: Arc::new(Inner { db, clock, config, provider, secure }) })
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn config(&self) -> &AuthConfig {
        &self.inner.config
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.now()
    }

    fn idle(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.inner.config.idle_timeout).unwrap_or(chrono::Duration::minutes(30))
    }

    /// The session cookie's name: `__Host-kezek_session` when cookies are `Secure`.
    pub fn cookie_name(&self) -> &'static str {
        if self.inner.secure {
            "__Host-kezek_session"
        } else {
            "kezek_session"
        }
    }

    /// Signs `identity` in: a new session (never a reused id: no session fixation). Answers the
    /// cookie value to set and the session. The callback uses it; tests may too.
    pub async fn sign_in(&self, identity: &Identity) -> Result<(String, Session), AuthError> {
        let now = self.now();
        let absolute = chrono::Duration::from_std(self.inner.config.absolute_timeout).unwrap_or(chrono::Duration::hours(12));
        let id = store::new_session_id()?;
        let row = store::create_session(&self.inner.db, &id, identity, now, now + absolute).await?;
        Ok((id, self.session_from_row(row)))
    }

    /// The live session the request's cookie names, if any.
    pub async fn session_of(&self, headers: &HeaderMap) -> Result<Option<Session>, AuthError> {
        let Some(id) = cookie(headers, self.cookie_name()) else { return Ok(None) };
        // Anything but 64 hex digits was never issued: refuse without a database round trip.
        if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let row = store::find_session(&self.inner.db, &id, self.now(), self.idle()).await?;
        Ok(row.map(|row| self.session_from_row(row)))
    }

    /// Ends the request's session, if any.
    pub async fn sign_out(&self, headers: &HeaderMap) -> Result<(), AuthError> {
        if let Some(id) = cookie(headers, self.cookie_name()) {
            store::delete_session(&self.inner.db, &id).await?;
        }
        Ok(())
    }

    /// Deletes ended sessions and abandoned sign-ins (for the scheduler); answers how many rows.
    pub async fn purge_expired(&self) -> Result<u64, AuthError> {
        Ok(store::purge_expired(&self.inner.db, self.now(), self.idle()).await?)
    }

    fn session_from_row(&self, row: store::SessionRow) -> Session {
        let today = local_date(self.now());
        let iin = row.iin.as_deref().and_then(|text| match Iin::parse(text, today) {
            Ok(iin) => Some(iin),
            Err(error) => {
                tracing::warn!(code = error.code(), "a stored session IIN does not parse; treated as absent");
                None
            }
        });
        Session {
            issuer: row.issuer.clone(),
            subject: row.subject.clone(),
            iin,
            family_name: row.family_name.clone(),
            given_name: row.given_name.clone(),
            lang: row.locale.as_deref().map(Lang::parse).unwrap_or_default(),
            locale: row.locale.clone(),
            signed_in_at: from_ms(row.created_at),
            expires_at: row.expires(),
        }
    }

    /// `Set-Cookie` for a new session.
    pub fn session_cookie(&self, id: &str) -> HeaderValue {
        self.cookie_header(&format!("{}={id}; Path=/; HttpOnly; SameSite=Strict", self.cookie_name()))
    }

    /// `Set-Cookie` that removes the session cookie.
    pub fn clear_session_cookie(&self) -> HeaderValue {
        self.cookie_header(&format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", self.cookie_name()))
    }

    fn login_cookie(&self, state: &str, max_age_seconds: i64) -> HeaderValue {
        self.cookie_header(&format!("{LOGIN_COOKIE}={state}; Path=/auth/callback; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}"))
    }

    fn cookie_header(&self, text: &str) -> HeaderValue {
        let text = if self.inner.secure { format!("{text}; Secure") } else { text.to_string() };
        // Every part is ASCII we made (names, hex, fixed attributes), so this cannot fail.
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_string())
}

/// `text` if it is a same-origin absolute path to return to after sign-in, else `/`.
pub fn safe_return_path(text: Option<&str>) -> String {
    match text {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.len() <= 512
                && !path.chars().any(|c| c.is_control()) =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_origin_paths_are_returned_to() {
        assert_eq!(safe_return_path(Some("/tracker?n=1#top")), "/tracker?n=1#top");
        for hostile in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "", "/a\r\nSet-Cookie: x=1"] {
            assert_eq!(safe_return_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_return_path(Some(&format!("/{}", "a".repeat(600)))), "/");
        assert_eq!(safe_return_path(None), "/");
    }

    #[test]
    fn the_session_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(axum::http::header::COOKIE, HeaderValue::from_static("a=1; kezek_session=abc ; b=2"));
        assert_eq!(cookie(&headers, "kezek_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
