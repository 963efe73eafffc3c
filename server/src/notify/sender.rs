//! The sender: claims due outbox rows one at a time, hands each to its channel's transport and
//! records the outcome (see the module note of [`super`] for the guarantees).

use super::outbox;
use crate::clock::Clock;
use crate::db::Db;
use crate::secrets::DataKey;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A round of [`Sender::run_once`] claims no new row after this long (wall time): well inside
/// the scheduler's job timeout, so a round is never abandoned half-way by it.
pub const ROUND_BUDGET: Duration = Duration::from_secs(60);

/// One message to deliver.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Also the e-mail's Message-ID local part and the SMS request's Idempotency-Key.
    pub idempotency_key: String,
    pub application_number: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// 1 for the first attempt.
    pub attempt: u32,
}

/// Why a delivery failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// Worth retrying later (the server is down, busy, or timed out).
    Transient(String),
    /// Retrying will not help (the address or number is refused).
    Permanent(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Transient(why) => write!(f, "transient: {why}"),
            SendError::Permanent(why) => write!(f, "permanent: {why}"),
        }
    }
}

pub type TransportFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A channel's way out: SMTP for e-mail, the gateway for SMS, or a test double.
pub trait Transport: Send + Sync {
    fn send<'a>(&'a self, delivery: &'a Delivery) -> TransportFuture<'a>;
}

/// The configured channels. A channel without a transport is not claimed: its rows wait.
#[derive(Clone, Default)]
pub struct Transports {
    pub email: Option<Arc<dyn Transport>>,
    pub sms: Option<Arc<dyn Transport>>,
}

/// Retry timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Wait after the first failed attempt; doubled after each further one.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Attempts before the row is dead-lettered.
    pub max_attempts: u32,
    /// How long a claimed row is held before another sender may take it; longer than any
    /// transport's timeout.
    pub lease: Duration,
    /// Rows one `run_once` call handles at most.
    pub batch: u32,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
            max_attempts: 10,
            lease: Duration::from_secs(120),
            batch: 100,
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `attempts` failed ones (1, 2, …).
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(30);
        self.first_delay.saturating_mul(1u32 << doublings).min(self.max_delay)
    }
}

/// What one `run_once` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: u32,
    /// Failed and put back for a later attempt.
    pub retried: u32,
    /// Failed for good (dead-letter).
    pub dead: u32,
}

impl SendReport {
    pub fn is_empty(&self) -> bool {
        *self == SendReport::default()
    }
}

/// Sends what the outbox holds. Several senders (tasks or processes) may run at once.
pub struct Sender {
    db: Db,
    clock: Arc<dyn Clock>,
    transports: Transports,
    policy: RetryPolicy,
    owner: String,
    /// Opens the sealed recipients (issue 15).
    key: DataKey,
}

impl Sender {
    /// A sender whose rows' recipients open with `key` (the store's data key).
    pub fn new(db: Db, clock: Arc<dyn Clock>, transports: Transports, policy: RetryPolicy, key: DataKey) -> Sender {
        // Identifies this sender's leases; random so that a restarted process never mistakes
        // the dead one's claims for its own.
        let owner = crate::secrets::random_bytes::<8>().map(hex::encode).unwrap_or_else(|_| format!("pid-{}", std::process::id()));
        Sender { db, clock, transports, policy, owner, key }
    }

    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Whether this sender has a transport for e-mail and for SMS.
    pub fn has_channels(&self) -> (bool, bool) {
        (self.transports.email.is_some(), self.transports.sms.is_some())
    }

    fn channels(&self) -> Vec<&'static str> {
        let mut channels = Vec::new();
        if self.transports.email.is_some() {
            channels.push("email");
        }
        if self.transports.sms.is_some() {
            channels.push("sms");
        }
        channels
    }

    /// Sends due rows until none is left, the batch is done or the round has taken
    /// [`ROUND_BUDGET`] (a hanging server must not hold a round past the scheduler's timeout).
    pub async fn run_once(&self) -> Result<SendReport, sqlx::Error> {
        let mut report = SendReport::default();
        let channels = self.channels();
        let started = std::time::Instant::now();
        for _ in 0..self.policy.batch {
            if started.elapsed() >= ROUND_BUDGET {
                break;
            }
            let Some(row) = self.claim(&channels).await? else { break };
            match self.deliver(&row).await {
                Ok(()) => {
                    outbox::mark_sent(&self.db.pool, &row.idempotency_key, &self.owner, self.clock.now()).await?;
                    report.sent += 1;
                }
                Err(error) => {
                    let attempts = u32::try_from(row.attempts).unwrap_or(u32::MAX);
                    let retry_at = match &error {
                        SendError::Transient(_) if attempts < self.policy.max_attempts => {
                            Some(self.clock.now() + chrono::Duration::from_std(self.policy.backoff(attempts)).unwrap_or(chrono::Duration::hours(1)))
                        }
                        _ => None,
                    };
                    tracing::warn!(channel = %row.channel, attempts, %error, dead = retry_at.is_none(), "notification not delivered");
                    outbox::mark_failed(&self.db.pool, &row.idempotency_key, &self.owner, retry_at, &error.to_string()).await?;
                    if retry_at.is_some() {
                        report.retried += 1;
                    } else {
                        report.dead += 1;
                    }
                }
            }
        }
        Ok(report)
    }

    /// Claims one due row (step one of [`Sender::run_once`], public so tests can stop between
    /// the steps as a crash would).
    pub async fn claim(&self, channels: &[&str]) -> Result<Option<outbox::Claimed>, sqlx::Error> {
        let now = self.clock.now();
        let lease = chrono::Duration::from_std(self.policy.lease).unwrap_or(chrono::Duration::minutes(2));
        outbox::claim_one(&self.db.pool, channels, &self.owner, now, now + lease).await
    }

    /// Hands a claimed row to its transport (step two).
    pub async fn deliver(&self, row: &outbox::Claimed) -> Result<(), SendError> {
        let transport = match row.channel.as_str() {
            "email" => self.transports.email.as_ref(),
            "sms" => self.transports.sms.as_ref(),
            _ => None,
        };
        let Some(transport) = transport else { return Err(SendError::Transient(format!("no transport for {}", row.channel))) };
        // Opened here, right before delivery, and only in memory: the row keeps it sealed.
        // One that does not open (another key, altered) or is gone (erased) never will.
        let recipient = match self.key.open(&row.idempotency_key, &row.recipient) {
            Ok(recipient) if !recipient.is_empty() => recipient,
            Ok(_) => return Err(SendError::Permanent("no recipient (erased)".to_owned())),
            Err(_) => return Err(SendError::Permanent("the recipient does not open with this server's data key".to_owned())),
        };
        let delivery = Delivery {
            idempotency_key: row.idempotency_key.clone(),
            application_number: row.application_number.clone(),
            recipient,
            subject: row.subject.clone(),
            body: row.body.clone(),
            attempt: u32::try_from(row.attempts).unwrap_or(u32::MAX),
        };
        transport.send(&delivery).await
    }

    /// Runs the sender every `period` until the task is aborted; a failed round is logged and
    /// tried again on the next one.
    pub fn spawn(self: Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(period);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                match self.run_once().await {
                    Ok(report) if !report.is_empty() => tracing::info!(?report, "notifications"),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "notification round failed; retrying next round"),
                }
            }
        })
    }

    /// The current time of this sender's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_off_doubles_from_the_first_delay_up_to_the_cap() {
        let policy = RetryPolicy { first_delay: Duration::from_secs(30), max_delay: Duration::from_secs(600), ..RetryPolicy::default() };
        let waits: Vec<u64> = (1..=7).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 600, 600]);
        assert_eq!(policy.backoff(u32::MAX).as_secs(), 600);
    }
}
