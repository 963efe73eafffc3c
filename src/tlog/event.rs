//! Log entries: what happened to an application, a referral, a seat or a bulletin, in a
//! canonical byte encoding (version 2). No personal data: an application is named by its
//! pseudonymous number, and anything sensitive (priority grounds, reasons concerning a family)
//! appears only as a salted [`Commitment`].
//!
//! Encoding, version 2 (all integers big-endian):
//!
//! ```text
//! entry = 0x02 kind:u8 at:i64 queue:str field*
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
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// The encoding version written first in every entry.
pub const EVENT_VERSION: u8 = 2;

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
/// 1-64 bytes, never 12 digits: an IIN is refused); `referral`, `seat`, `bulletin` and the
/// reason codes are public identifiers (`[A-Za-z0-9._:/-]`, 1-128 bytes).
///
/// The application's events are exactly the lifecycle's events ([`crate::status::Event`]), so
/// the browser can replay its own application's verified entries through the same state
/// machine ([`super::lifecycle::replay`]). Reason codes are the lifecycle's public codes
/// (`unreliable_data`, `aged_out`, …): generic categories, never a family's circumstances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventBody {
    /// Kind 1. `details`: commitment to the application's data that sets its place (date of
    /// birth, priority grounds, wishes). `awaiting_originals`: the checklist lists paper
    /// originals to bring before it is registered in the queue (rule 22).
    ApplicationAccepted { application: String, details: Commitment, awaiting_originals: bool },
    /// Kind 2 (rule 20.2).
    InterestConfirmed { application: String },
    /// Kind 3 (rule 20.3). `details`: commitment to the new priority grounds.
    PriorityChanged { application: String, details: Commitment },
    /// Kind 4 (rules 20.4, 23).
    Withdrawn { application: String },
    /// Kind 5 (rule 24.5). `seat`: commitment to the seat, which in a small group could name
    /// the child.
    ReferralIssued { application: String, referral: String, seat: Commitment },
    /// Kind 6. `reason`: `applicant` (rule 30), `seat_withdrawn` (rule 25), or the cause of the
    /// application's own end that follows (`withdrawn`, `stop_listed`, `grounds_failed`,
    /// `aged_out`).
    ReferralCancelled { application: String, referral: String, reason: String },
    /// Kind 7 (rule 30). `until`: the new end of validity (the end of its last day).
    ReferralExtended { application: String, referral: String, until: DateTime<Utc> },
    /// Kind 8 (Appendix 4 item 8).
    ReferralExpired { application: String, referral: String },
    /// Kind 9 (rules 3.13, 20.6). `reason`: a stop reason code.
    StopListed { application: String, reason: String },
    /// Kind 10. `reason`: `aged_out` (rules 18, 24.9), `originals_missed` (22) or
    /// `grounds_failed` (22).
    Archived { application: String, reason: String },
    /// Kind 11. `digest`: SHA-256 of the published bulletin document.
    BulletinPublished { bulletin: String, digest: Hash },
    /// Kind 12 (rule 25). `reason`: the public reason code (`major_repair`, `quarantine`, …).
    SeatWithdrawn { seat: String, reason: String },
    /// Kind 13. The snapshot (the queue as published) whose bytes hash to `digest` reflects
    /// the first `log_size` entries of the log. It is appended after them, so its own index
    /// is at least `log_size`.
    SnapshotPublished { digest: Hash, log_size: u64 },
    /// Kind 14 (rule 22).
    OriginalsConfirmed { application: String },
    /// Kind 15 (rule 22). `reasons`: refusal reason codes, at least one.
    Refused { application: String, reasons: Vec<String> },
    /// Kind 16 (rules 24.4, 24.10). Opened at `at`; `round`: `priority` or `remaining`.
    WindowOpened { application: String, round: String },
    /// Kind 17 (rule 20.7).
    NotInterested { application: String },
    /// Kind 18 (rule 23). `details`: commitment to the changed application.
    Changed { application: String, details: Commitment },
    /// Kind 19 (rules 31-35). `temporary_until`: the last day of a temporary stay (25.4).
    Admitted { application: String, referral: String, temporary_until: Option<NaiveDate> },
    /// Kind 20 (rule 34). `reason`: an admission refusal code.
    AdmissionRefused { application: String, referral: String, reason: String },
    /// Kind 21: back from the stop-list.
    Restored { application: String },
    /// Kind 22 (rules 3.6, 24.5): a referral to an early-booking seat taken before the seat is
    /// free; its validity counts from `counts_from`, the day the seat becomes free. `seat` as in
    /// `referral_issued`.
    ReferralBooked { application: String, referral: String, seat: Commitment, counts_from: NaiveDate },
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
            EventBody::OriginalsConfirmed { .. } => 14,
            EventBody::Refused { .. } => 15,
            EventBody::WindowOpened { .. } => 16,
            EventBody::NotInterested { .. } => 17,
            EventBody::Changed { .. } => 18,
            EventBody::Admitted { .. } => 19,
            EventBody::AdmissionRefused { .. } => 20,
            EventBody::Restored { .. } => 21,
            EventBody::ReferralBooked { .. } => 22,
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
            | EventBody::Archived { application, .. }
            | EventBody::OriginalsConfirmed { application }
            | EventBody::Refused { application, .. }
            | EventBody::WindowOpened { application, .. }
            | EventBody::NotInterested { application }
            | EventBody::Changed { application, .. }
            | EventBody::Admitted { application, .. }
            | EventBody::AdmissionRefused { application, .. }
            | EventBody::Restored { application }
            | EventBody::ReferralBooked { application, .. } => Some(application),
            EventBody::BulletinPublished { .. } | EventBody::SeatWithdrawn { .. } | EventBody::SnapshotPublished { .. } => None,
        }
    }
}

/// Kind names, by kind number − 1.
pub const KIND_NAMES: [&str; 22] = [
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
    "originals_confirmed",
    "refused",
    "window_opened",
    "not_interested",
    "changed",
    "admitted",
    "admission_refused",
    "restored",
    "referral_booked",
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
    fn id(&mut self, s: &str, what: &str) -> Result<(), TlogError> {
        check_id(s, what)?;
        self.str(s);
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
    fn flag(&mut self) -> Result<bool, TlogError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(bad(format!("a flag is 0 or 1, not {other}"))),
        }
    }
    fn date(&mut self) -> Result<NaiveDate, TlogError> {
        let text = self.str()?;
        let day = crate::calendar::parse_date(&text).map_err(|_| bad("a date is YYYY-MM-DD"))?;
        // One encoding per date: the text must be the canonical form.
        if crate::calendar::format_date(day) != text {
            return Err(bad("a date is YYYY-MM-DD"));
        }
        Ok(day)
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
            EventBody::ApplicationAccepted { details, awaiting_originals, .. } => {
                w.hash(&details.0);
                w.0.push(u8::from(*awaiting_originals));
            }
            EventBody::PriorityChanged { details, .. } | EventBody::Changed { details, .. } => w.hash(&details.0),
            EventBody::InterestConfirmed { .. }
            | EventBody::Withdrawn { .. }
            | EventBody::OriginalsConfirmed { .. }
            | EventBody::NotInterested { .. }
            | EventBody::Restored { .. } => {}
            EventBody::ReferralIssued { referral, seat, .. } => {
                w.id(referral, "a referral number")?;
                w.hash(&seat.0);
            }
            EventBody::ReferralBooked { referral, seat, counts_from, .. } => {
                w.id(referral, "a referral number")?;
                w.hash(&seat.0);
                w.str(&crate::calendar::format_date(*counts_from));
            }
            EventBody::ReferralCancelled { referral, reason, .. } | EventBody::AdmissionRefused { referral, reason, .. } => {
                w.id(referral, "a referral number")?;
                w.id(reason, "a reason")?;
            }
            EventBody::ReferralExtended { referral, until, .. } => {
                w.id(referral, "a referral number")?;
                w.instant(until)?;
            }
            EventBody::ReferralExpired { referral, .. } => w.id(referral, "a referral number")?,
            EventBody::StopListed { reason, .. } | EventBody::Archived { reason, .. } => w.id(reason, "a reason")?,
            EventBody::WindowOpened { round, .. } => w.id(round, "a round")?,
            EventBody::Refused { reasons, .. } => {
                if reasons.is_empty() || reasons.len() > usize::from(u8::MAX) {
                    return Err(bad("a refusal has 1 to 255 reasons"));
                }
                w.0.push(reasons.len() as u8);
                for reason in reasons {
                    w.id(reason, "a reason")?;
                }
            }
            EventBody::Admitted { referral, temporary_until, .. } => {
                w.id(referral, "a referral number")?;
                match temporary_until {
                    None => w.0.push(0),
                    Some(day) => {
                        w.0.push(1);
                        w.str(&crate::calendar::format_date(*day));
                    }
                }
            }
            EventBody::BulletinPublished { bulletin, digest } => {
                w.id(bulletin, "a bulletin")?;
                w.hash(digest);
            }
            EventBody::SeatWithdrawn { seat, reason } => {
                w.id(seat, "a seat")?;
                w.id(reason, "a reason")?;
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
            1 => EventBody::ApplicationAccepted { application: r.application()?, details: Commitment(r.hash()?), awaiting_originals: r.flag()? },
            2 => EventBody::InterestConfirmed { application: r.application()? },
            3 => EventBody::PriorityChanged { application: r.application()?, details: Commitment(r.hash()?) },
            4 => EventBody::Withdrawn { application: r.application()? },
            5 => EventBody::ReferralIssued { application: r.application()?, referral: r.id("a referral number")?, seat: Commitment(r.hash()?) },
            6 => EventBody::ReferralCancelled { application: r.application()?, referral: r.id("a referral number")?, reason: r.id("a reason")? },
            7 => EventBody::ReferralExtended { application: r.application()?, referral: r.id("a referral number")?, until: r.instant()? },
            8 => EventBody::ReferralExpired { application: r.application()?, referral: r.id("a referral number")? },
            9 => EventBody::StopListed { application: r.application()?, reason: r.id("a reason")? },
            10 => EventBody::Archived { application: r.application()?, reason: r.id("a reason")? },
            11 => EventBody::BulletinPublished { bulletin: r.id("a bulletin")?, digest: r.hash()? },
            12 => EventBody::SeatWithdrawn { seat: r.id("a seat")?, reason: r.id("a reason")? },
            13 => EventBody::SnapshotPublished { digest: r.hash()?, log_size: r.u64()? },
            14 => EventBody::OriginalsConfirmed { application: r.application()? },
            15 => {
                let application = r.application()?;
                let count = r.u8()?;
                if count == 0 {
                    return Err(bad("a refusal has at least one reason"));
                }
                let reasons = (0..count).map(|_| r.id("a reason")).collect::<Result<Vec<_>, _>>()?;
                EventBody::Refused { application, reasons }
            }
            16 => EventBody::WindowOpened { application: r.application()?, round: r.id("a round")? },
            17 => EventBody::NotInterested { application: r.application()? },
            18 => EventBody::Changed { application: r.application()?, details: Commitment(r.hash()?) },
            19 => {
                let application = r.application()?;
                let referral = r.id("a referral number")?;
                let temporary_until = if r.flag()? { Some(r.date()?) } else { None };
                EventBody::Admitted { application, referral, temporary_until }
            }
            20 => EventBody::AdmissionRefused { application: r.application()?, referral: r.id("a referral number")?, reason: r.id("a reason")? },
            21 => EventBody::Restored { application: r.application()? },
            22 => EventBody::ReferralBooked {
                application: r.application()?,
                referral: r.id("a referral number")?,
                seat: Commitment(r.hash()?),
                counts_from: r.date()?,
            },
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
