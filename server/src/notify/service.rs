//! The sender in the running server: the configured transports ([`transports`]), and the
//! sender run as a scheduler job named `notifications` ([`job`]), so it is supervised like the
//! other jobs (a failed or panicking round is logged, counted, retried after a back-off and
//! shown by `GET /api/health`). Each round also refreshes the outbox gauges of `/metrics`.
//!
//! A server without `--smtp-host` sends no e-mail and one without `--sms-url` no SMS: their
//! rows wait in the outbox (a transport configured later sends them). Health shows which
//! channels this server sends on ([`Board`]).

use super::config::NotifyConfig;
use super::outbox;
use super::sender::{Sender, Transports};
use super::{SmsGateway, SmtpTransport};
use crate::error::ApiError;
use crate::scheduler::Job;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The scheduler job's name.
pub const JOB: &str = "notifications";

/// The transports `config` names.
pub fn transports(config: &NotifyConfig) -> Result<Transports, String> {
    let mut transports = Transports::default();
    if let Some(smtp) = &config.smtp {
        transports.email = Some(Arc::new(SmtpTransport::new(smtp)?));
    }
    if let Some(sms) = &config.sms {
        transports.sms = Some(Arc::new(SmsGateway::new(sms)?));
    }
    Ok(transports)
}

/// The job that runs `sender` once per scheduler period; `state` for its metrics.
pub fn job(sender: Arc<Sender>, state: Arc<AppState>) -> Job {
    state.notifications.started(&sender);
    Job::new(JOB, move |_store, _now| {
        let (sender, state) = (sender.clone(), state.clone());
        async move {
            let report = sender.run_once().await.map_err(ApiError::from)?;
            state.metrics.notifications(report.sent, report.retried, report.dead);
            let counts = outbox::counts(&state.store.db.pool).await.map_err(ApiError::from)?;
            state.metrics.outbox(&counts);
            Ok(u64::from(report.sent + report.retried + report.dead))
        }
    })
}

/// What health says about notifications.
#[derive(Default)]
pub struct Board {
    /// (e-mail, SMS): the channels the running sender has a transport for; `None` before a
    /// sender runs.
    channels: Mutex<Option<(bool, bool)>>,
}

impl Board {
    fn started(&self, sender: &Sender) {
        *self.channels.lock().unwrap_or_else(|p| p.into_inner()) = Some(sender.has_channels());
    }

    /// `{ sender, email, sms, pending, retrying, sending, dead }` and whether a message waits
    /// for a retry (health is then `degraded`).
    pub async fn to_json(&self, pool: &sqlx::AnyPool) -> Result<(Value, bool), sqlx::Error> {
        let channels = *self.channels.lock().unwrap_or_else(|p| p.into_inner());
        let counts = outbox::counts(pool).await?;
        let (email, sms) = channels.unwrap_or((false, false));
        let body = json!({
            "sender": channels.is_some(),
            "email": email,
            "sms": sms,
            "pending": counts.pending,
            "retrying": counts.retrying,
            "sending": counts.sending,
            "dead": counts.dead,
        });
        Ok((body, counts.retrying > 0))
    }
}
