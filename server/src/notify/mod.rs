//! Notifications (rules 23, 24.9): a transactional outbox, a sender with retries, e-mail over
//! SMTP and SMS through an HTTP gateway (issue 12 item 4).
//!
//! ```text
//! event's transaction ── enqueue() ──▶ notification_outbox: pending (due_at)
//!                                          │ Sender claims (lease) ─▶ sending ─▶ sent
//!                                          │ failure: pending again at now + back-off
//!                                          └ permanent failure or N attempts ─▶ dead
//! ```
//!
//! - **Exactly one row per event, channel and recipient slot.** [`enqueue`] runs in the
//!   caller's [`WriteTx`], so the rows exist if and only if the event committed. Its
//!   `event_key` names the event (the same on a retried transaction), and the idempotency key
//!   is SHA-256 of (event key, channel, slot): a second enqueue of the same event adds nothing.
//!   Slot 0 is the e-mail address; slots 0 and 1 are the (at most two, Appendix 1) mobile numbers.
//! - **No recipient in clear at rest** (issue 15). The e-mail address or phone number of a row
//!   is sealed with the server's data key ([`crate::secrets::DataKey`], as the application's
//!   personal data is), the row's idempotency key as associated data, and opened only by the
//!   [`Sender`] right before it hands the message to its transport. Once sent, cancelled or
//!   erased (retention) the recipient is emptied. The subject and body name only the
//!   application number.
//! - **Written with the batch.** The store buffers a transaction's rows and cancels
//!   ([`enqueue_later`], [`cancel`]; `outbox::Pending`) and writes them in two statements just
//!   before it commits: still the same transaction, with the same result as one statement each.
//! - **Nothing lost across a restart.** A row is claimed with a lease (default 2 minutes) before
//!   it is sent; if the process dies before marking it sent, the lease runs out and any sender
//!   claims it again. So a message is sent at least once; the e-mail's `Message-ID`
//!   (`<key@domain>`) and the SMS request's `Idempotency-Key` header (and `idempotencyKey`
//!   field) are the idempotency key, so the rare second copy (a crash between the SMTP server's
//!   "250" and the update) is recognisable by the receiving side.
//! - **Retries**: a transient failure (connection refused, timeout, SMTP 4xx, HTTP 408/429/5xx)
//!   is retried after [`RetryPolicy::first_delay`] doubled per attempt up to
//!   [`RetryPolicy::max_delay`]; after [`RetryPolicy::max_attempts`] attempts, or at once on a
//!   permanent failure (SMTP 5xx, HTTP 4xx: a wrong address stays wrong), the row is `dead`,
//!   kept with its last error for an operator.
//! - **Channels**: the applicant's choice per application ([`set_preferences`]; the page sets
//!   it). Without a choice, every channel the application gives a contact for. The language is
//!   the choice's, else the one the caller passes (the application's).
//! - **Time**: due times, leases and back-off run on the clock passed in (the server's clock:
//!   a reminder due at a domain instant follows the demo clock too).
//! - **What a message says**: see [`messages`]: the application number, instants and the
//!   core's reasons; never a name or an IIN (the message type holds no text, and [`enqueue`]
//!   refuses an application "number" that reads as an IIN).
//! - **Which change sends what**: [`plan`], a pure function of the core's status before and
//!   after a change; the store calls it in the change's transaction (`store/notices.rs`).
//! - **In the server**: [`service`] builds the configured transports and runs the [`Sender`] as
//!   a supervised scheduler job (`notifications` in `GET /api/health`, counted in `/metrics`).

mod config;
mod email;
pub mod messages;
pub mod outbox;
pub mod plan;
mod sender;
pub mod service;
mod sms;

pub use config::{NotifyConfig, NotifySettings, SmtpConfig, SmsConfig, TlsMode, USAGE};
pub use email::SmtpTransport;
pub use messages::{render, Ending, Message, ReferralCancellation, Rendered};
pub use sender::{Delivery, RetryPolicy, SendError, SendReport, Sender, Transport, TransportFuture, Transports};
pub use sms::SmsGateway;

use crate::db::WriteTx;
use crate::secrets::{sha256_hex, DataKey};
use chrono::{DateTime, NaiveDate, Utc};
use kezek::application::Notifications;
use kezek::i18n::Lang;
use kezek::iin::Iin;
use kezek::queue::ApplicationNumber;

/// One event to tell an applicant about.
#[derive(Clone, Debug)]
pub struct Outgoing<'a> {
    /// Names the event, the same each time the same event is enqueued (a retried transaction):
    /// for example `"log:1234"` (its public log index) or `"referral:R7:issued"`.
    pub event_key: &'a str,
    pub application: ApplicationNumber,
    pub message: Message,
    /// The application's contacts (Appendix 1: at most two mobile numbers and one e-mail).
    pub contacts: &'a Notifications,
    /// The language when the applicant chose none (the application's).
    pub lang: Lang,
    /// When to send: the event's instant, or a reminder's.
    pub due_at: DateTime<Utc>,
}

/// The applicant's channel choice for one application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preferences {
    pub email: bool,
    pub sms: bool,
    pub lang: Lang,
}

/// Why enqueueing failed.
#[derive(Debug)]
pub enum EnqueueError {
    /// The "application number" reads as an IIN: refused, so no message ever carries one.
    NumberLooksLikeIin,
    /// No random nonce to seal a recipient with.
    Sealing,
    Database(sqlx::Error),
}

impl std::fmt::Display for EnqueueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnqueueError::NumberLooksLikeIin => f.write_str("notify.number: the application number reads as an IIN"),
            EnqueueError::Sealing => f.write_str("notify.sealing: no random nonce to seal the recipient"),
            EnqueueError::Database(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for EnqueueError {}

impl From<sqlx::Error> for EnqueueError {
    fn from(error: sqlx::Error) -> EnqueueError {
        EnqueueError::Database(error)
    }
}

/// The idempotency key of (event, channel, slot): 64 hex digits.
pub fn idempotency_key(event_key: &str, channel: &str, slot: i64) -> String {
    sha256_hex(format!("kezek-notification\n{event_key}\n{channel}\n{slot}").as_bytes())
}

/// Writes the outbox rows for `outgoing` in the caller's transaction: one per chosen channel
/// and recipient, the recipient sealed with `key`. Answers how many rows are new (0 when the
/// event was enqueued before, or no channel applies), counting any rows the transaction had
/// buffered ([`enqueue_later`]) and writes with them. Rendering happens here, so the row holds
/// exactly what will be sent.
pub async fn enqueue(tx: &mut WriteTx, key: &DataKey, outgoing: &Outgoing<'_>, now: DateTime<Utc>) -> Result<usize, EnqueueError> {
    let choice = preferences(tx.conn(), outgoing.application).await?;
    enqueue_later(tx, key, std::slice::from_ref(outgoing), choice, now)?;
    let new = tx.flush_outbox().await?;
    Ok(usize::try_from(new).unwrap_or(usize::MAX))
}

/// [`enqueue`] for several events of one application at once, under the applicant's `choice`
/// (read by the caller), buffered in the transaction (`WriteTx::outbox`): written with the
/// rest of its outbox rows in one statement before it commits.
pub fn enqueue_later(tx: &mut WriteTx, key: &DataKey, outgoing: &[Outgoing<'_>], choice: Option<Preferences>, now: DateTime<Utc>) -> Result<(), EnqueueError> {
    let mut rows = Vec::new();
    for one in outgoing {
        rows.extend(rows_of(key, one, choice, now)?);
    }
    tx.outbox.add(rows);
    Ok(())
}

/// The outbox rows of `outgoing` under `choice` (the default when the applicant made none:
/// every channel with a contact, in the application's language), recipients sealed with `key`.
fn rows_of(key: &DataKey, outgoing: &Outgoing<'_>, choice: Option<Preferences>, now: DateTime<Utc>) -> Result<Vec<outbox::NewRow>, EnqueueError> {
    let number = outgoing.application.to_string();
    // Any valid IIN's birth date is before 2200.
    if Iin::parse(&number, NaiveDate::from_ymd_opt(2200, 1, 1).unwrap_or(NaiveDate::MAX)).is_ok() {
        return Err(EnqueueError::NumberLooksLikeIin);
    }
    let choice = choice.unwrap_or(Preferences { email: true, sms: true, lang: outgoing.lang });
    let rendered = render(&outgoing.message, outgoing.application, choice.lang);
    let email_body = format!("{}\n\n--\n{}\n", rendered.text, messages::email_footer(choice.lang));
    let mut destinations: Vec<(&str, i64, &str, String)> = Vec::new();
    if choice.email {
        if let Some(address) = &outgoing.contacts.email {
            destinations.push(("email", 0, address.as_str(), email_body));
        }
    }
    if choice.sms {
        for (slot, phone) in outgoing.contacts.phones.iter().take(2).enumerate() {
            destinations.push(("sms", slot as i64, phone.as_str(), rendered.text.clone()));
        }
    }
    destinations
        .into_iter()
        .map(|(channel, slot, recipient, body)| {
            let idempotency_key = idempotency_key(outgoing.event_key, channel, slot);
            // Issue 15: bound to its row, so a sealed recipient copied onto another row does not open.
            let recipient = key.seal(&idempotency_key, recipient).map_err(|_| EnqueueError::Sealing)?;
            Ok(outbox::NewRow {
                idempotency_key,
                event_key: outgoing.event_key.to_owned(),
                channel,
                slot,
                application_number: number.clone(),
                kind: outgoing.message.kind(),
                language: choice.lang.code(),
                recipient,
                subject: rendered.subject.clone(),
                body,
                due_at: outgoing.due_at,
                created_at: now,
            })
        })
        .collect()
}

/// Cancels the not-yet-sent messages of `event_key` (a reminder whose deadline went away: the
/// window was used, the referral was cancelled), with the transaction's other outbox writes.
pub fn cancel(tx: &mut WriteTx, event_key: &str) {
    tx.outbox.cancel(event_key);
}

/// The applicant's channel choice for `application`, if they made one.
pub async fn preferences(conn: &mut sqlx::AnyConnection, application: ApplicationNumber) -> Result<Option<Preferences>, sqlx::Error> {
    let row = outbox::preferences(conn, &application.to_string()).await?;
    Ok(row.map(|r| Preferences { email: r.email == 1, sms: r.sms == 1, lang: Lang::parse(&r.language) }))
}

/// Stores the applicant's channel choice for `application` (the page's settings).
pub async fn set_preferences(tx: &mut WriteTx, application: ApplicationNumber, choice: Preferences, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let row = outbox::PreferenceRow { email: i64::from(choice.email), sms: i64::from(choice.sms), language: choice.lang.code().to_string() };
    outbox::set_preferences(tx.conn(), &application.to_string(), &row, now).await
}
