//! Notification configuration, from the environment and flags.
//!
//! | flag | environment | meaning |
//! |---|---|---|
//! | `--smtp-host H` | `KEZEK_SMTP_HOST` | the SMTP server; no e-mail without it |
//! | `--smtp-port N` | `KEZEK_SMTP_PORT` | default 25 (none), 587 (starttls), 465 (tls) |
//! | `--smtp-tls none\|starttls\|tls` | `KEZEK_SMTP_TLS` | default `none` on loopback, `starttls` elsewhere; `none` is refused off loopback |
//! | `--smtp-user U` | `KEZEK_SMTP_USER` | with `KEZEK_SMTP_PASSWORD` (environment only) |
//! | `--mail-from ADDR` | `KEZEK_MAIL_FROM` | the sender address (required with a host) |
//! | `--sms-url URL` | `KEZEK_SMS_URL` | the SMS gateway's endpoint; `https` off loopback; no SMS without it |
//! | `--sms-api-key K` | `KEZEK_SMS_API_KEY` | sent as a bearer token (prefer the environment) |
//! | `--notify-max-attempts N` | `KEZEK_NOTIFY_MAX_ATTEMPTS` | attempts before the dead-letter state (10) |
//! | `--notify-first-retry-seconds N` | `KEZEK_NOTIFY_FIRST_RETRY_SECONDS` | the first back-off (30), doubled up to an hour |

use super::sender::RetryPolicy;
use crate::auth::is_loopback_host;
use std::time::Duration;
use url::Url;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    None,
    StartTls,
    Tls,
}

#[derive(Clone, Debug)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: String,
}

#[derive(Clone, Debug)]
pub struct SmsConfig {
    pub url: Url,
    pub api_key: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NotifyConfig {
    pub smtp: Option<SmtpConfig>,
    pub sms: Option<SmsConfig>,
    pub retry: RetryPolicy,
}

pub const USAGE: &str = "[--smtp-host H] [--smtp-port N] [--smtp-tls none|starttls|tls] [--smtp-user U] [--mail-from ADDR] \
[--sms-url URL] [--sms-api-key K] [--notify-max-attempts N] [--notify-first-retry-seconds N]
  env: KEZEK_SMTP_HOST, KEZEK_SMTP_PORT, KEZEK_SMTP_TLS, KEZEK_SMTP_USER, KEZEK_SMTP_PASSWORD, KEZEK_MAIL_FROM,
  KEZEK_SMS_URL, KEZEK_SMS_API_KEY, KEZEK_NOTIFY_MAX_ATTEMPTS (10), KEZEK_NOTIFY_FIRST_RETRY_SECONDS (30)";

/// Flag values before they are checked together.
#[derive(Clone, Debug, Default)]
pub struct NotifySettings {
    pub smtp_host: Option<String>,
    pub smtp_port: Option<u16>,
    pub smtp_tls: Option<String>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<String>,
    pub mail_from: Option<String>,
    pub sms_url: Option<String>,
    pub sms_api_key: Option<String>,
    pub max_attempts: Option<u32>,
    pub first_retry_seconds: Option<u64>,
}

fn parsed<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, String> {
    text.trim().parse().map_err(|_| format!("{name} must be a number, not {text}"))
}

impl NotifySettings {
    pub fn from_env() -> Result<NotifySettings, String> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Ok(NotifySettings {
            smtp_host: env("KEZEK_SMTP_HOST"),
            smtp_port: env("KEZEK_SMTP_PORT").map(|v| parsed("KEZEK_SMTP_PORT", &v)).transpose()?,
            smtp_tls: env("KEZEK_SMTP_TLS"),
            smtp_user: env("KEZEK_SMTP_USER"),
            smtp_password: env("KEZEK_SMTP_PASSWORD"),
            mail_from: env("KEZEK_MAIL_FROM"),
            sms_url: env("KEZEK_SMS_URL"),
            sms_api_key: env("KEZEK_SMS_API_KEY"),
            max_attempts: env("KEZEK_NOTIFY_MAX_ATTEMPTS").map(|v| parsed("KEZEK_NOTIFY_MAX_ATTEMPTS", &v)).transpose()?,
            first_retry_seconds: env("KEZEK_NOTIFY_FIRST_RETRY_SECONDS").map(|v| parsed("KEZEK_NOTIFY_FIRST_RETRY_SECONDS", &v)).transpose()?,
        })
    }

    /// Applies `flag` if it is a notification flag; answers whether it was (as
    /// `crate::auth::AuthSettings::apply_flag`).
    pub fn apply_flag(&mut self, flag: &str, value: &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String> {
        match flag {
            "--smtp-host" => self.smtp_host = Some(value()?),
            "--smtp-port" => self.smtp_port = Some(parsed(flag, &value()?)?),
            "--smtp-tls" => self.smtp_tls = Some(value()?),
            "--smtp-user" => self.smtp_user = Some(value()?),
            "--mail-from" => self.mail_from = Some(value()?),
            "--sms-url" => self.sms_url = Some(value()?),
            "--sms-api-key" => self.sms_api_key = Some(value()?),
            "--notify-max-attempts" => self.max_attempts = Some(parsed(flag, &value()?)?),
            "--notify-first-retry-seconds" => self.first_retry_seconds = Some(parsed(flag, &value()?)?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    pub fn build(self) -> Result<NotifyConfig, String> {
        let smtp = match self.smtp_host {
            None => None,
            Some(host) => {
                let loopback = is_loopback_host(&host);
                let tls = match self.smtp_tls.as_deref() {
                    None if loopback => TlsMode::None,
                    None => TlsMode::StartTls,
                    Some("none") if loopback => TlsMode::None,
                    Some("none") => return Err(format!("--smtp-tls none: only for a loopback SMTP server, not {host}")),
                    Some("starttls") => TlsMode::StartTls,
                    Some("tls") => TlsMode::Tls,
                    Some(other) => return Err(format!("--smtp-tls must be none, starttls or tls, not {other}")),
                };
                let port = self.smtp_port.unwrap_or(match tls {
                    TlsMode::None => 25,
                    TlsMode::StartTls => 587,
                    TlsMode::Tls => 465,
                });
                let from = self.mail_from.ok_or("--smtp-host needs --mail-from")?;
                Some(SmtpConfig { host, port, tls, user: self.smtp_user, password: self.smtp_password, from })
            }
        };
        let sms = match self.sms_url {
            None => None,
            Some(text) => {
                let url = Url::parse(text.trim()).map_err(|e| format!("--sms-url {text}: {e}"))?;
                crate::auth::require_tls_off_loopback("--sms-url", &url)?;
                Some(SmsConfig { url, api_key: self.sms_api_key })
            }
        };
        let mut retry = RetryPolicy::default();
        if let Some(n) = self.max_attempts {
            retry.max_attempts = n.max(1);
        }
        if let Some(s) = self.first_retry_seconds {
            retry.first_delay = Duration::from_secs(s.max(1));
        }
        Ok(NotifyConfig { smtp, sms, retry })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_on_loopback_and_tls_ports_by_default() {
        let local = NotifySettings { smtp_host: Some("127.0.0.1".into()), mail_from: Some("k@127.0.0.1".into()), ..Default::default() };
        let smtp = local.build().unwrap().smtp.unwrap();
        assert_eq!((smtp.tls, smtp.port), (TlsMode::None, 25));
        let relay = NotifySettings { smtp_host: Some("smtp.egov.kz".into()), mail_from: Some("k@egov.kz".into()), ..Default::default() };
        let smtp = relay.build().unwrap().smtp.unwrap();
        assert_eq!((smtp.tls, smtp.port), (TlsMode::StartTls, 587));
        let plain = NotifySettings { smtp_host: Some("smtp.egov.kz".into()), smtp_tls: Some("none".into()), mail_from: Some("k@egov.kz".into()), ..Default::default() };
        assert!(plain.build().is_err());
    }

    #[test]
    fn the_sms_gateway_needs_https_off_loopback() {
        let insecure = NotifySettings { sms_url: Some("http://sms.example.kz/send".into()), ..Default::default() };
        assert!(insecure.build().is_err());
        let local = NotifySettings { sms_url: Some("http://127.0.0.1:8082/messages".into()), ..Default::default() };
        assert!(local.build().unwrap().sms.is_some());
    }
}
