//! Log entries: what happened to an application, a referral, a seat or a bulletin, in a
//! canonical byte encoding (version 1). No personal data: an application is named by its
//! pseudonymous number, and anything sensitive (priority grounds, reasons concerning a family)
//! appears only as a salted [`Commitment`].
//!
//! Encoding, version 1 (all integers big-endian):
//!
//! ```text
//! entry = 0x01 kind:u8 at:i64 queue:str field*
//! str   = length:u16 bytes            (ASCII, see each field's rule)
//! at    = milliseconds since 1970-01-01T00:00:00Z, years 1900-2200
//! hash  = 32 bytes                     (commitments and digests)
//! ```
//!
//! The fields of each kind follow in the order of [`EventBody`]'s variants. Decoding is
//! strict (known version and kind, exact length, valid fields), so every event has exactly one
//! encoding and `encode(decode(bytes)) == bytes`.

use super::hash::{sha256, Hash};
use super::TlogError;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// The encoding version written first in every entry.
pub const EVENT_VERSION: u8 = 1;

/// A salted commitment to sensitive data: SHA-256(salt || data) with a random 32-byte salt
/// kept by the provider. It proves later what the data was (show salt and data) without
/// publishing it; without the salt nobody can test guesses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Commitment(pub Hash);

impl Commitment {
    /// Commits to `data` with `salt` (32 random bytes, never reused).
    pub fn new(salt: &[u8; 32], data: &[u8]) -> Commitment {
        let mut h = Sha256::new();
        h.update(salt);
        h.update(data);
        Commitment(h.finalize().into())
    }

    /// Whether this commitment was made to `data` with `salt`.
    pub fn opens(&self, salt: &[u8; 32], data: &[u8]) -> bool {
        Commitment::new(salt, data) == *self
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happened (whole milliseconds).
    pub at: DateTime<Utc>,
    /// The queue concerned, e.g. `almaty/bostandyk/2021` (`[A-Za-z0-9._:/-]`, 1-128 bytes).
    pub queue: String,
    pub body: EventBody,
}

/// What happened. `application` is the pseudonymous application number (`[A-Za-z0-9-]`,
/// 1-64 bytes, never 12 digits: an IIN is refused); `referral`, `seat` and `bulletin` are
/// public identifiers (`[A-Za-z0-9._:/-]`, 1-128 bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventBody {
    /// Kind 1. `details`: commitment to the application's data that sets its place (date of
    /// birth, priority grounds, wishes).
    ApplicationAccepted { application: String, details: Commitment },
    /// Kind 2.
    InterestConfirmed { application: String },
    /// Kind 3. `details`: commitment to the new priority grounds.
    PriorityChanged { application: String, details: Commitment },
    /// Kind 4.
    Withdrawn { application: String },
    /// Kind 5.
    ReferralIssued { application: String, referral: String, seat: String },
    /// Kind 6. `reason`: commitment to the reason.
    ReferralCancelled { application: String, referral: String, reason: Commitment },
    /// Kind 7. `until`: the new end of validity.
    ReferralExtended { application: String, referral: String, until: DateTime<Utc> },
    /// Kind 8.
    ReferralExpired { application: String, referral: String },
    /// Kind 9. `reason`: commitment to the reason.
    StopListed { application: String, reason: Commitment },
    /// Kind 10 (the child turned 6).
    Archived { application: String },
    /// Kind 11. `digest`: SHA-256 of the published bulletin document.
    BulletinPublished { bulletin: String, digest: Hash },
    /// Kind 12. `reason`: the public reason code (`repair`, `quarantine`, …).
    SeatWithdrawn { seat: String, reason: String },
    /// Kind 13. The snapshot (the queue as published) whose bytes hash to `digest` reflects
    /// the first `log_size` entries of the log. It is appended after them, so its own index
    /// is at least `log_size`.
    SnapshotPublished { digest: Hash, log_size: u64 },
}

impl EventBody {
    /// The kind number written in the encoding.
    pub fn kind(&self) -> u8 {
        match self {
            EventBody::ApplicationAccepted { .. } => 1,
            EventBody::InterestConfirmed { .. } => 2,
            EventBody::PriorityChanged { .. } => 3,
            EventBody::Withdrawn { .. } => 4,
            EventBody::ReferralIssued { .. } => 5,
            EventBody::ReferralCancelled { .. } => 6,
            EventBody::ReferralExtended { .. } => 7,
            EventBody::ReferralExpired { .. } => 8,
            EventBody::StopListed { .. } => 9,
            EventBody::Archived { .. } => 10,
            EventBody::BulletinPublished { .. } => 11,
            EventBody::SeatWithdrawn { .. } => 12,
            EventBody::SnapshotPublished { .. } => 13,
        }
    }

    /// The kind's name in snake case (`application_accepted`, …), as in the documentation.
    pub fn name(&self) -> &'static str {
        KIND_NAMES[usize::from(self.kind()) - 1]
    }

    /// The application concerned, if any.
    pub fn application(&self) -> Option<&str> {
        match self {
            EventBody::ApplicationAccepted { application, .. }
            | EventBody::InterestConfirmed { application }
            | EventBody::PriorityChanged { application, .. }
            | EventBody::Withdrawn { application }
            | EventBody::ReferralIssued { application, .. }
            | EventBody::ReferralCancelled { application, .. }
            | EventBody::ReferralExtended { application, .. }
            | EventBody::ReferralExpired { application, .. }
            | EventBody::StopListed { application, .. }
            | EventBody::Archived { application } => Some(application),
            _ => None,
        }
    }
}

/// Kind names, by kind number − 1.
pub const KIND_NAMES: [&str; 13] = [
    "application_accepted",
    "interest_confirmed",
    "priority_changed",
    "withdrawn",
    "referral_issued",
    "referral_cancelled",
    "referral_extended",
    "referral_expired",
    "stop_listed",
    "archived",
    "bulletin_published",
    "seat_withdrawn",
    "snapshot_published",
];

fn bad(detail: impl Into<String>) -> TlogError {
    TlogError::Format(detail.into())
}

/// An application number: `[A-Za-z0-9-]`, 1-64 bytes, and not 12 digits (the shape of an IIN).
fn check_application(s: &str) -> Result<(), TlogError> {
    let ok = (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !ok {
        return Err(bad("an application number is 1-64 letters, digits or dashes"));
    }
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("an application number must not be 12 digits: that is the shape of an IIN"));
    }
    Ok(())
}

/// A public identifier: `[A-Za-z0-9._:/-]`, 1-128 bytes.
fn check_id(s: &str, what: &str) -> Result<(), TlogError> {
    let ok = (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:/-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(bad(format!("{what} is 1-128 letters, digits or . _ : / -")))
    }
}

/// Instants in the log lie in 1900-01-01T00:00:00Z ..< 2201-01-01T00:00:00Z (the calendar's
/// years), so no entry can carry a time that formatting cannot handle.
const MIN_MILLIS: i64 = -2_208_988_800_000;
const MAX_MILLIS: i64 = 7_289_654_400_000;

fn in_range(ms: i64) -> Result<i64, TlogError> {
    if (MIN_MILLIS..MAX_MILLIS).contains(&ms) {
        Ok(ms)
    } else {
        Err(bad("instants in the log are from 1900 to 2200"))
    }
}

fn millis(at: &DateTime<Utc>) -> Result<i64, TlogError> {
    if at.timestamp_subsec_nanos() % 1_000_000 != 0 {
        return Err(bad("instants in the log are whole milliseconds"));
    }
    in_range(at.timestamp_millis())
}

struct Writer(Vec<u8>);

impl Writer {
    fn str(&mut self, s: &str) {
        // Every string was checked to be at most 128 bytes.
        self.0.extend_from_slice(&(s.len() as u16).to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }
    fn hash(&mut self, h: &Hash) {
        self.0.extend_from_slice(h);
    }
    fn instant(&mut self, at: &DateTime<Utc>) -> Result<(), TlogError> {
        self.0.extend_from_slice(&millis(at)?.to_be_bytes());
        Ok(())
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TlogError> {
        if self.0.len() < n {
            return Err(bad("the entry ends too early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, TlogError> {
        Ok(self.take(1)?[0])
    }
    fn u64(&mut self) -> Result<u64, TlogError> {
        Ok(u64::from_be_bytes(self.take(8)?.try_into().map_err(|_| bad("short"))?))
    }
    fn instant(&mut self) -> Result<DateTime<Utc>, TlogError> {
        let ms = in_range(self.u64()? as i64)?;
        DateTime::from_timestamp_millis(ms).ok_or_else(|| bad("an instant is out of range"))
    }
    fn hash(&mut self) -> Result<Hash, TlogError> {
        self.take(32)?.try_into().map_err(|_| bad("short"))
    }
    fn str(&mut self) -> Result<String, TlogError> {
        let len = u16::from_be_bytes(self.take(2)?.try_into().map_err(|_| bad("short"))?);
        let bytes = self.take(usize::from(len))?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| bad("a text field is not UTF-8"))
    }
    fn application(&mut self) -> Result<String, TlogError> {
        let s = self.str()?;
        check_application(&s)?;
        Ok(s)
    }
    fn id(&mut self, what: &str) -> Result<String, TlogError> {
        let s = self.str()?;
        check_id(&s, what)?;
        Ok(s)
    }
}

impl Event {
    /// The canonical bytes of this event (the log entry). Fails when a field breaks its rule,
    /// so nothing malformed (or shaped like an IIN) is ever logged.
    pub fn encode(&self) -> Result<Vec<u8>, TlogError> {
        check_id(&self.queue, "a queue key")?;
        let mut w = Writer(vec![EVENT_VERSION, self.body.kind()]);
        w.instant(&self.at)?;
        w.str(&self.queue);
        if let Some(application) = self.body.application() {
            check_application(application)?;
            w.str(application);
        }
        match &self.body {
            EventBody::ApplicationAccepted { details, .. } | EventBody::PriorityChanged { details, .. } => w.hash(&details.0),
            EventBody::InterestConfirmed { .. } | EventBody::Withdrawn { .. } | EventBody::Archived { .. } => {}
            EventBody::ReferralIssued { referral, seat, .. } => {
                check_id(referral, "a referral number")?;
                check_id(seat, "a seat")?;
                w.str(referral);
                w.str(seat);
            }
            EventBody::ReferralCancelled { referral, reason, .. } => {
                check_id(referral, "a referral number")?;
                w.str(referral);
                w.hash(&reason.0);
            }
            EventBody::ReferralExtended { referral, until, .. } => {
                check_id(referral, "a referral number")?;
                w.str(referral);
                w.instant(until)?;
            }
            EventBody::ReferralExpired { referral, .. } => {
                check_id(referral, "a referral number")?;
                w.str(referral);
            }
            EventBody::StopListed { reason, .. } => w.hash(&reason.0),
            EventBody::BulletinPublished { bulletin, digest } => {
                check_id(bulletin, "a bulletin")?;
                w.str(bulletin);
                w.hash(digest);
            }
            EventBody::SeatWithdrawn { seat, reason } => {
                check_id(seat, "a seat")?;
                check_id(reason, "a reason")?;
                w.str(seat);
                w.str(reason);
            }
            EventBody::SnapshotPublished { digest, log_size } => {
                w.hash(digest);
                w.0.extend_from_slice(&log_size.to_be_bytes());
            }
        }
        Ok(w.0)
    }

    /// Reads an entry strictly: any other version, an unknown kind, a bad field or a byte too
    /// many or too few is `tlog.format`.
    pub fn decode(entry: &[u8]) -> Result<Event, TlogError> {
        let mut r = Reader(entry);
        let version = r.u8()?;
        if version != EVENT_VERSION {
            return Err(bad(format!("entry version {version} is not {EVENT_VERSION}")));
        }
        let kind = r.u8()?;
        let at = r.instant()?;
        let queue = r.id("a queue key")?;
        let body = match kind {
            1 => EventBody::ApplicationAccepted { application: r.application()?, details: Commitment(r.hash()?) },
            2 => EventBody::InterestConfirmed { application: r.application()? },
            3 => EventBody::PriorityChanged { application: r.application()?, details: Commitment(r.hash()?) },
            4 => EventBody::Withdrawn { application: r.application()? },
            5 => EventBody::ReferralIssued { application: r.application()?, referral: r.id("a referral number")?, seat: r.id("a seat")? },
            6 => EventBody::ReferralCancelled {
                application: r.application()?,
                referral: r.id("a referral number")?,
                reason: Commitment(r.hash()?),
            },
            7 => EventBody::ReferralExtended { application: r.application()?, referral: r.id("a referral number")?, until: r.instant()? },
            8 => EventBody::ReferralExpired { application: r.application()?, referral: r.id("a referral number")? },
            9 => EventBody::StopListed { application: r.application()?, reason: Commitment(r.hash()?) },
            10 => EventBody::Archived { application: r.application()? },
            11 => EventBody::BulletinPublished { bulletin: r.id("a bulletin")?, digest: r.hash()? },
            12 => EventBody::SeatWithdrawn { seat: r.id("a seat")?, reason: r.id("a reason")? },
            13 => EventBody::SnapshotPublished { digest: r.hash()?, log_size: r.u64()? },
            other => return Err(bad(format!("unknown event kind {other}"))),
        };
        if !r.0.is_empty() {
            return Err(bad("the entry has bytes after its last field"));
        }
        Ok(Event { at, queue, body })
    }
}

/// The `snapshot_published` event for a snapshot document: its SHA-256 and the log size it
/// reflects.
pub fn snapshot_event(at: DateTime<Utc>, queue: &str, snapshot: &[u8], log_size: u64) -> Event {
    Event { at, queue: queue.to_owned(), body: EventBody::SnapshotPublished { digest: sha256(snapshot), log_size } }
}
