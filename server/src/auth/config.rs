//! Sign-in configuration, from the environment and flags.
//!
//! | flag | environment | meaning |
//! |---|---|---|
//! | `--oidc-issuer URL` | `KEZEK_OIDC_ISSUER` | the OpenID provider (egov.kz's in production); no sign-in without it |
//! | `--oidc-client-id ID` | `KEZEK_OIDC_CLIENT_ID` | kezek's client id there (required with an issuer) |
//! | `--oidc-client-secret S` | `KEZEK_OIDC_CLIENT_SECRET` | optional: a confidential client's secret (prefer the environment) |
//! | `--oidc-redirect-url URL` | `KEZEK_OIDC_REDIRECT_URL` | `https://…/auth/callback` as registered at the provider (required with an issuer) |
//! | `--oidc-scopes "a b"` | `KEZEK_OIDC_SCOPES` | scopes besides `openid` (default `profile`) |
//! | `--session-idle-minutes N` | `KEZEK_SESSION_IDLE_MINUTES` | a session unused this long ends (default 30) |
//! | `--session-max-hours N` | `KEZEK_SESSION_MAX_HOURS` | a session ends this long after sign-in whatever happens (default 12) |
//!
//! Plain HTTP is accepted only for an issuer on the loopback interface (the local provider of
//! demo mode and tests); every other issuer, and every endpoint its discovery document names,
//! must be `https` (checked again after discovery, see `oidc.rs`). Cookies are `Secure` unless
//! the redirect URL is itself on loopback HTTP, where browsers would drop a `Secure` cookie.

use std::net::IpAddr;
use std::time::Duration;
use url::Url;

/// Everything the sign-in needs to know.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// `None`: sign-in is off (`/auth/login` answers 503 `auth.not_configured`); sessions made
    /// otherwise (tests) still work.
    pub oidc: Option<OidcConfig>,
    pub idle_timeout: Duration,
    pub absolute_timeout: Duration,
}

/// The OpenID provider and kezek's registration there.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// Exactly as configured: ID tokens' `iss` must equal it character for character (a URL
    /// type would add a trailing slash to `https://host`).
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub redirect_url: Url,
    /// Scopes besides `openid`.
    pub scopes: Vec<String>,
}

pub const DEFAULT_IDLE_MINUTES: u64 = 30;
pub const DEFAULT_MAX_HOURS: u64 = 12;

/// The flags [`AuthConfig::apply_flag`] understands, for the server's usage text.
pub const USAGE: &str = "[--oidc-issuer URL] [--oidc-client-id ID] [--oidc-client-secret S] [--oidc-redirect-url URL] \
[--oidc-scopes \"profile\"] [--session-idle-minutes N] [--session-max-hours N]
  env: KEZEK_OIDC_ISSUER, KEZEK_OIDC_CLIENT_ID, KEZEK_OIDC_CLIENT_SECRET, KEZEK_OIDC_REDIRECT_URL, KEZEK_OIDC_SCOPES,
  KEZEK_SESSION_IDLE_MINUTES (30), KEZEK_SESSION_MAX_HOURS (12)";

/// Flag values before they are checked together.
#[derive(Clone, Debug, Default)]
pub struct AuthSettings {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub redirect_url: Option<String>,
    pub scopes: Option<String>,
    pub idle_minutes: Option<u64>,
    pub max_hours: Option<u64>,
}

impl AuthSettings {
    /// The settings the environment gives.
    pub fn from_env() -> Result<AuthSettings, String> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Ok(AuthSettings {
            issuer: env("KEZEK_OIDC_ISSUER"),
            client_id: env("KEZEK_OIDC_CLIENT_ID"),
            client_secret: env("KEZEK_OIDC_CLIENT_SECRET"),
            redirect_url: env("KEZEK_OIDC_REDIRECT_URL"),
            scopes: env("KEZEK_OIDC_SCOPES"),
            idle_minutes: env("KEZEK_SESSION_IDLE_MINUTES").map(|v| number("KEZEK_SESSION_IDLE_MINUTES", &v)).transpose()?,
            max_hours: env("KEZEK_SESSION_MAX_HOURS").map(|v| number("KEZEK_SESSION_MAX_HOURS", &v)).transpose()?,
        })
    }

    /// Applies `flag` if it is one of the sign-in flags (taking its value from `value`), and
    /// answers whether it was. Lets the server's own flag loop delegate:
    /// `if auth.apply_flag(flag, &mut value)? { continue }`.
    pub fn apply_flag(&mut self, flag: &str, value: &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String> {
        match flag {
            "--oidc-issuer" => self.issuer = Some(value()?),
            "--oidc-client-id" => self.client_id = Some(value()?),
            "--oidc-client-secret" => self.client_secret = Some(value()?),
            "--oidc-redirect-url" => self.redirect_url = Some(value()?),
            "--oidc-scopes" => self.scopes = Some(value()?),
            "--session-idle-minutes" => self.idle_minutes = Some(number(flag, &value()?)?),
            "--session-max-hours" => self.max_hours = Some(number(flag, &value()?)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Checks the settings together.
    pub fn build(self) -> Result<AuthConfig, String> {
        let idle_timeout = Duration::from_secs(60 * self.idle_minutes.unwrap_or(DEFAULT_IDLE_MINUTES).max(1));
        let absolute_timeout = Duration::from_secs(3600 * self.max_hours.unwrap_or(DEFAULT_MAX_HOURS).max(1));
        let oidc = match self.issuer {
            None => {
                if self.client_id.is_some() || self.redirect_url.is_some() {
                    return Err("--oidc-client-id and --oidc-redirect-url need --oidc-issuer".to_string());
                }
                None
            }
            Some(issuer) => {
                let issuer = issuer.trim().to_string();
                require_tls_off_loopback("--oidc-issuer", &parse_url("--oidc-issuer", &issuer)?)?;
                let client_id = self.client_id.ok_or("--oidc-issuer needs --oidc-client-id")?;
                let redirect_url = parse_url("--oidc-redirect-url", &self.redirect_url.ok_or("--oidc-issuer needs --oidc-redirect-url")?)?;
                require_tls_off_loopback("--oidc-redirect-url", &redirect_url)?;
                let scopes = self
                    .scopes
                    .unwrap_or_else(|| "profile".to_string())
                    .split([' ', ','])
                    .filter(|s| !s.is_empty() && *s != "openid")
                    .map(str::to_string)
                    .collect();
                Some(OidcConfig { issuer, client_id, client_secret: self.client_secret, redirect_url, scopes })
            }
        };
        Ok(AuthConfig { oidc, idle_timeout, absolute_timeout })
    }
}

impl AuthConfig {
    /// Sign-in off; sessions last the default times.
    pub fn without_sign_in() -> AuthConfig {
        AuthConfig {
            oidc: None,
            idle_timeout: Duration::from_secs(60 * DEFAULT_IDLE_MINUTES),
            absolute_timeout: Duration::from_secs(3600 * DEFAULT_MAX_HOURS),
        }
    }

    /// Whether cookies get `Secure`: always, except when kezek itself is reached over loopback
    /// HTTP (demo mode, tests), where a browser would refuse to store a `Secure` cookie.
    pub fn secure_cookies(&self) -> bool {
        match &self.oidc {
            Some(oidc) => !(oidc.redirect_url.scheme() == "http" && is_loopback(&oidc.redirect_url)),
            None => true,
        }
    }
}

fn number(name: &str, text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("{name} must be a whole number, not {text}"))
}

fn parse_url(name: &str, text: &str) -> Result<Url, String> {
    Url::parse(text.trim()).map_err(|e| format!("{name} {text}: {e}"))
}

/// True when `url`'s host is `localhost` or a loopback address (127.0.0.0/8, ::1).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => is_loopback_host(domain),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// True when a host name is `localhost` or a loopback address (`127.0.0.1`, `::1`, `[::1]`).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost") || bare.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// `https`, or `http` on loopback only.
pub fn require_tls_off_loopback(name: &str, url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(format!("{name} {url}: must be https (plain http only on 127.0.0.1 or localhost)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(issuer: &str, redirect: &str) -> AuthSettings {
        AuthSettings {
            issuer: Some(issuer.to_string()),
            client_id: Some("kezek".to_string()),
            redirect_url: Some(redirect.to_string()),
            ..AuthSettings::default()
        }
    }

    #[test]
    fn plain_http_is_refused_for_an_issuer_off_loopback() {
        let error = settings("http://idp.egov.kz", "https://kezek.egov.kz/auth/callback").build().unwrap_err();
        assert!(error.contains("must be https"), "{error}");
        assert!(settings("https://idp.egov.kz", "https://kezek.egov.kz/auth/callback").build().is_ok());
        assert!(settings("http://127.0.0.1:8081", "http://127.0.0.1:8080/auth/callback").build().is_ok());
        assert!(settings("http://localhost:8081", "http://[::1]:8080/auth/callback").build().is_ok());
    }

    #[test]
    fn cookies_are_secure_except_on_loopback_http() {
        let local = settings("http://127.0.0.1:8081", "http://127.0.0.1:8080/auth/callback").build().unwrap();
        assert!(!local.secure_cookies());
        let production = settings("https://idp.egov.kz", "https://kezek.egov.kz/auth/callback").build().unwrap();
        assert!(production.secure_cookies());
        assert!(AuthConfig::without_sign_in().secure_cookies());
    }

    #[test]
    fn an_issuer_needs_a_client_id_and_a_redirect_url() {
        let mut missing = settings("https://idp.egov.kz", "https://kezek.egov.kz/auth/callback");
        missing.client_id = None;
        assert!(missing.build().unwrap_err().contains("--oidc-client-id"));
    }

    #[test]
    fn flags_are_recognised_and_scopes_never_repeat_openid() {
        let mut s = AuthSettings::default();
        let mut values = vec!["openid profile email".to_string(), "https://idp.egov.kz".to_string()].into_iter();
        assert!(s.apply_flag("--oidc-scopes", &mut || values.next().ok_or_else(String::new)).unwrap());
        assert!(s.apply_flag("--oidc-issuer", &mut || values.next().ok_or_else(String::new)).unwrap());
        assert!(!s.apply_flag("--port", &mut || Ok("1".to_string())).unwrap());
        s.client_id = Some("kezek".to_string());
        s.redirect_url = Some("https://kezek.egov.kz/auth/callback".to_string());
        assert_eq!(s.build().unwrap().oidc.unwrap().scopes, vec!["profile", "email"]);
    }
}
