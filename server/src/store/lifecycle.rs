//! The one way an application's status changes: inside a write transaction that holds the log
//! lock ([`super::log::lock`]), settle the deadlines that ran out by `now` (with their effects
//! and log entries), apply the core's transition for the event, save the new status with what
//! the core derives from it, and append the event's log entry.
//!
//! Deadlines take effect lazily too: a status read settles without writing, and the first write
//! to a settled application (or the deadline job, whichever comes first) records the effect — a
//! referral that ran out gives its seat back and logs `referral_expired` at its deadline; missed
//! originals log `archived` at theirs. So the register replays to the same status whichever
//! came first ([`kezek::tlog::lifecycle`]).
//!
//! Every change also writes its notifications in the same transaction (`notices.rs`): the
//! message of the event, keyed by the event's log index, and the reminders it schedules or
//! cancels ([`crate::notify::plan`]). A deadline's effect notifies once, whichever came first.

use super::rows::Stored;
use super::{log, Store};
use crate::db::WriteTx;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::queue::distribution::Pool;
use crate::notify::plan::Cause;
use kezek::status::{ArchiveReason, Event, Status, WindowRound};
use kezek::tlog::{Event as LogEntry, EventBody};

/// How an active referral ends, as written in `referrals.state` and the log's reason code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReferralEnd {
    /// Cancelled by the applicant within a day (rule 30).
    Cancelled,
    /// Ran out unused (Appendix 4 item 8).
    Expired,
    /// Its seat was withdrawn (rule 25).
    SeatWithdrawn,
    /// The child was admitted (rules 31-35): the seat is taken for good.
    Admitted,
    /// Admission refused (rule 34).
    Refused,
    /// The application itself ended (withdrawn, stop-listed, archived): `reason` says how.
    ApplicationEnded(&'static str),
}

impl ReferralEnd {
    fn state(self) -> &'static str {
        match self {
            ReferralEnd::Cancelled | ReferralEnd::SeatWithdrawn => "cancelled",
            ReferralEnd::Expired => "expired",
            ReferralEnd::Admitted => "admitted",
            ReferralEnd::Refused => "refused",
            ReferralEnd::ApplicationEnded(_) => "ended",
        }
    }

    /// The public reason code in the log's `referral_cancelled` entry.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            ReferralEnd::Cancelled => "applicant",
            ReferralEnd::SeatWithdrawn => "seat_withdrawn",
            ReferralEnd::ApplicationEnded(reason) => reason,
            ReferralEnd::Expired => "expired",
            ReferralEnd::Admitted => "admitted",
            ReferralEnd::Refused => "admission_refused",
        }
    }
}

impl Store {
    /// Writes `status` as `stored`'s, with the columns the core derives from it. `window` is
    /// the pool and round of a window being opened (cleared otherwise).
    /// `recorded` is the instant the change takes effect (when the status carries none).
    pub(crate) async fn save_status(&self, tx: &mut WriteTx, stored: &Stored, status: &Status, window: Option<(&Pool, WindowRound)>, recorded: DateTime<Utc>) -> Result<(), ApiError> {
        let d = self.deadlines();
        let erase_at = kezek::status::retention::personal_data_erased_at(status, recorded).map(|at| at.timestamp_millis());
        let json = serde_json::to_string(status).map_err(|_| ApiError::Internal)?;
        let next_change = status.next_change(&d).map_err(|_| ApiError::Internal)?.map(|at| at.timestamp_millis());
        // The window columns belong to an open window only: set when one opens, kept while it
        // stays open (an unrelated event), cleared otherwise.
        let keep_window = matches!((&stored.status, status), (Status::WindowOpen { .. }, Status::WindowOpen { .. })) && window.is_none();
        let (pool, round) = match (status, window) {
            (Status::WindowOpen { .. }, Some((pool, round))) => (Some(pool.to_string()), Some(round.code())),
            (Status::WindowOpen { .. }, None) if !keep_window => return Err(ApiError::Internal),
            _ => (None, None),
        };
        let sql = if keep_window {
            "UPDATE applications SET status = $1, state = $2, queue_state = $3, next_change_at = $4, \
             child_slot = CASE WHEN $5 = 1 THEN NULL ELSE child_slot END, erase_at = $7 WHERE number = $6"
        } else {
            "UPDATE applications SET status = $1, state = $2, queue_state = $3, next_change_at = $4, \
             child_slot = CASE WHEN $5 = 1 THEN NULL ELSE child_slot END, erase_at = $7, window_pool = $8, window_round = $9 WHERE number = $6"
        };
        let mut query = sqlx::query(sql)
            .bind(json)
            .bind(status.code())
            .bind(status.queue_state().map(|s| s.code()))
            .bind(next_change)
            .bind(i64::from(status.is_final()))
            .bind(stored.number.to_string())
            .bind(erase_at);
        if !keep_window {
            query = query.bind(pool).bind(round);
        }
        query.execute(tx.conn()).await?;
        // What the queue lists changed: readers holding the old version read it again.
        if stored.status.queue_state() != status.queue_state() {
            super::snapshots::bump_queue_version(tx, &stored.queue.to_string()).await?;
        }
        Ok(())
    }

    /// Appends `body` about `stored` at `at` (the event's instant) to the public log; returns
    /// its index.
    pub(crate) async fn log_event(&self, tx: &mut WriteTx, stored: &Stored, body: EventBody, at: DateTime<Utc>, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let queue = super::aliases::public_key(tx.conn(), &stored.queue).await?.to_string();
        log::append(tx, &LogEntry { at, queue, body }, now).await
    }

    /// Ends `stored`'s active referral, if it has one; the seat returns unless the child was
    /// admitted or the seat was withdrawn (rule 25). Returns the referral's id.
    pub(crate) async fn end_referral(&self, tx: &mut WriteTx, stored: &Stored, end: ReferralEnd, at: DateTime<Utc>) -> Result<Option<String>, ApiError> {
        let ended: Option<(String, String)> = sqlx::query_as(
            "UPDATE referrals SET state = $1, ended_at = $2, end_reason = $3 WHERE application_number = $4 AND state = 'active' \
             RETURNING id, vacancy_id",
        )
        .bind(end.state())
        .bind(at.timestamp_millis())
        .bind(end.reason())
        .bind(stored.number.to_string())
        .fetch_optional(tx.conn())
        .await?;
        let Some((id, vacancy_id)) = ended else { return Ok(None) };
        if end != ReferralEnd::Admitted {
            sqlx::query("UPDATE vacancies SET free = free + 1 WHERE id = $1 AND withdrawn_at IS NULL").bind(&vacancy_id).execute(tx.conn()).await?;
        }
        Ok(Some(id))
    }

    /// `stored` with the deadlines that ran out by `now` applied, their effects done and
    /// logged at each deadline's instant.
    pub(crate) async fn settle_in(&self, tx: &mut WriteTx, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        let d = self.deadlines();
        let Some(due) = stored.status.next_change(&d).map_err(|_| ApiError::Internal)? else { return Ok(stored.clone()) };
        if now < due {
            return Ok(stored.clone());
        }
        let settled = stored.status_at(now, &d)?;
        let application = stored.number.to_string();
        let logged = match (&stored.status, &settled) {
            (Status::Referred { .. }, _) => match self.end_referral(tx, stored, ReferralEnd::Expired, due).await? {
                Some(referral) => Some(self.log_event(tx, stored, EventBody::ReferralExpired { application, referral }, due, now).await?),
                None => None,
            },
            (Status::AwaitingOriginals { .. }, Status::Archived { reason: ArchiveReason::OriginalsMissed, .. }) => {
                let body = EventBody::Archived { application, reason: ArchiveReason::OriginalsMissed.code().to_owned() };
                Some(self.log_event(tx, stored, body, due, now).await?)
            }
            // A window or a temporary stay that ran out changes nothing outside the status.
            _ => None,
        };
        self.save_status(tx, stored, &settled, None, due).await?;
        let key = event_key(stored, logged, "deadline", due);
        self.notify_change(tx, stored, Cause::Deadline, &settled, &key, now).await?;
        Ok(Stored { status: settled, ..stored.clone() })
    }

    /// Applies `event` to `stored` at `now` (after settling), saves the new status and appends
    /// `entry` — the log entry recording the event, `None` for an event the log does not
    /// record. A refusal is the core's [`kezek::status::StatusError`], judged on the status as
    /// it was before settling when that is the more precise answer ("the referral expired"
    /// rather than "not possible now").
    pub(crate) async fn transition(
        &self,
        tx: &mut WriteTx,
        stored: &Stored,
        event: &Event,
        entry: Option<EventBody>,
        window: Option<(&Pool, WindowRound)>,
        now: DateTime<Utc>,
    ) -> Result<Stored, ApiError> {
        self.transition_told(tx, stored, event, entry, window, Cause::Event(event), now).await
    }

    /// [`Self::transition`], telling the applicant of `cause` rather than of the bare event: a
    /// cause carries what the core event does not (the reason a seat was withdrawn, rule 25.2).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn transition_told(
        &self,
        tx: &mut WriteTx,
        stored: &Stored,
        event: &Event,
        entry: Option<EventBody>,
        window: Option<(&Pool, WindowRound)>,
        cause: Cause<'_>,
        now: DateTime<Utc>,
    ) -> Result<Stored, ApiError> {
        let d = self.deadlines();
        let settled = self.settle_in(tx, stored, now).await?;
        let next = match settled.status.apply(event, &d) {
            Ok(next) => next,
            Err(error) if settled.status != stored.status => return Err(stored.status.apply(event, &d).err().unwrap_or(error).into()),
            Err(error) => return Err(error.into()),
        };
        self.save_status(tx, &settled, &next, window, now).await?;
        let logged = match entry {
            Some(body) => Some(self.log_event(tx, &settled, body, now, now).await?),
            None => None,
        };
        let key = event_key(&settled, logged, event.name(), now);
        self.notify_change(tx, &settled, cause, &next, &key, now).await?;
        Ok(Stored { status: next, ..settled })
    }
}

/// The key naming a change for its notifications: its log entry's index, which the log writes
/// exactly once; for a change the log does not record, the application, the event and its
/// instant.
fn event_key(stored: &Stored, logged: Option<u64>, event: &str, at: DateTime<Utc>) -> String {
    match logged {
        Some(index) => format!("log:{index}"),
        None => format!("{}:{event}:{}", stored.number, at.timestamp_millis()),
    }
}
