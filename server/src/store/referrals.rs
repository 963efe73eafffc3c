//! Referrals: claiming a seat inside an access window (rule 24.4-24.5), cancelling within a
//! day (rule 30), extending up to 30 calendar days (rule 30), validity of 5 working days
//! (Appendix 4 item 8).
//!
//! A claim is one write transaction (or one savepoint of a group-committed batch, see
//! `batch.rs`): insert the referral (`UNIQUE (application_number, window_id)`: one seat per
//! application and window), then `UPDATE vacancies SET free = free - 1 WHERE id = $1 AND
//! free > 0` (`CHECK (free >= 0)` backs it). No read-then-write on the seat count, so two claims
//! can never both take the last seat, on SQLite or PostgreSQL.

use super::{log, ApplicationRow, Store};
use kezek::tlog::{Commitment, Event, EventBody};
use crate::db::WriteTx;
use sqlx::AnyConnection;
use crate::error::ApiError;
use crate::kztime::{end_of_local_day, from_ms, local_date, local_rfc3339, rfc3339, to_ms};
use crate::secrets::{random_bytes, TokenSecret};
use crate::validation::{full_years, school_year_start};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Appendix 4 item 8: a referral is valid 5 working days from issue.
pub const VALIDITY_WORKING_DAYS: i64 = 5;
/// Rule 30: cancel on one's own initiative within one day of issue.
pub const CANCEL_WITHIN_HOURS: i64 = 24;
/// Rule 30: extend up to 30 calendar days from issue.
pub const EXTEND_UP_TO_DAYS: u32 = 30;

/// Rule 30: the reasons for which a referral may be extended (the core's type).
pub use kezek::status::ExtensionReason;

/// A referral as the API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferralView {
    pub id: String,
    pub application_number: String,
    pub vacancy_id: String,
    pub window_id: String,
    pub issued_at: String,
    /// Exclusive end: the end of the 5th working day after issue, Kazakhstan time.
    pub valid_until: String,
    pub valid_until_local: String,
    pub cancellable_until: String,
    pub state: String,
    pub extended: bool,
    pub extension_reason: Option<String>,
}

type ReferralTuple = (String, String, String, String, i64, i64, String, i64, Option<String>);
const REFERRAL_COLUMNS: &str =
    "id, application_number, vacancy_id, window_id, issued_at, valid_until, state, extended, extension_reason";

fn view(t: ReferralTuple) -> ReferralView {
    let (id, application_number, vacancy_id, window_id, issued_at, valid_until, state, extended, extension_reason) = t;
    ReferralView {
        id,
        application_number,
        vacancy_id,
        window_id,
        issued_at: rfc3339(from_ms(issued_at)),
        valid_until: rfc3339(from_ms(valid_until)),
        valid_until_local: local_rfc3339(from_ms(valid_until)),
        cancellable_until: rfc3339(from_ms(issued_at) + Duration::hours(CANCEL_WITHIN_HOURS)),
        state,
        extended: extended != 0,
        extension_reason,
    }
}

/// Runs `work` on a write transaction; commits on success, rolls back on error.
macro_rules! in_write_tx {
    ($store:expr, |$tx:ident| $work:expr) => {{
        let mut $tx = $store.db.begin_write().await?;
        let result = $work;
        match result {
            Ok(value) => {
                $tx.commit().await?;
                Ok(value)
            }
            Err(error) => {
                $tx.rollback().await;
                Err(error)
            }
        }
    }};
}
pub(crate) use in_write_tx;

impl Store {
    /// Claims a seat on `vacancy_id` for `application` at `now` in a transaction of its own.
    /// Returns the referral and whether this call created it (a retry gets the existing one
    /// back). The HTTP API goes through [`super::ClaimQueue`], which runs the same
    /// [`Store::claim_in`] with group commit.
    pub async fn claim(&self, application: &ApplicationRow, vacancy_id: &str, now: DateTime<Utc>) -> Result<(ReferralView, bool), ApiError> {
        if let Some(answer) = self.claim_fast_path(&application.number, vacancy_id, now).await? {
            return answer;
        }
        let (referral, created): (ReferralView, bool) =
            in_write_tx!(self, |tx| async {
                log::lock(&mut tx).await?;
                self.claim_in(&mut tx, application, vacancy_id, now).await
            }
            .await)?;
        if created {
            tracing::info!(number = %application.number, referral = %referral.id, vacancy = %vacancy_id, "referral issued");
        }
        Ok((referral, created))
    }

    /// Answers retries and claims on full seats with plain reads, without the write lock: at
    /// the rush most claims are one of the two. Only an answer that cannot change is given
    /// here (an existing referral stays; a full seat is reported as full at this instant);
    /// everything else goes to the transaction, which checks again.
    pub(crate) async fn claim_fast_path(&self, number: &str, vacancy_id: &str, now: DateTime<Utc>) -> Result<Option<Result<(ReferralView, bool), ApiError>>, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        let window: Option<(String,)> = sqlx::query_as(
            "SELECT window_id FROM access_windows WHERE application_number = $1 AND opens_at <= $2 AND closes_at > $2 \
             ORDER BY opens_at DESC LIMIT 1",
        )
        .bind(number)
        .bind(to_ms(now))
        .fetch_optional(&mut *conn)
        .await?;
        let existing = match &window {
            Some((window_id,)) => referral_in_window(&mut conn, number, window_id).await?,
            // A retry that arrives after the window closed still gets its referral back.
            None => latest_referral(&mut conn, number).await?,
        };
        if let Some(existing) = existing {
            return Ok(Some(Ok((existing, false))));
        }
        if window.is_none() {
            // Let the transaction give the precise refusal (window.closed).
            return Ok(None);
        }
        let free: Option<(i64,)> = sqlx::query_as("SELECT free FROM vacancies WHERE id = $1").bind(vacancy_id).fetch_optional(&mut *conn).await?;
        if free == Some((0,)) {
            return Ok(Some(Err(ApiError::Conflict("vacancy.full", "No free seat is left on this vacancy"))));
        }
        Ok(None)
    }

    pub(crate) async fn claim_in(&self, tx: &mut WriteTx, application: &ApplicationRow, vacancy_id: &str, now: DateTime<Utc>) -> Result<(ReferralView, bool), ApiError> {
        let number = application.number.as_str();
        let window: Option<(String,)> = sqlx::query_as(
            "SELECT window_id FROM access_windows WHERE application_number = $1 AND opens_at <= $2 AND closes_at > $2 \
             ORDER BY opens_at DESC LIMIT 1",
        )
        .bind(number)
        .bind(to_ms(now))
        .fetch_optional(tx.conn())
        .await?;
        let Some((window_id,)) = window else {
            // A retry that arrives after the window closed still gets its referral back.
            if let Some(existing) = latest_referral(tx.conn(), number).await? {
                return Ok((existing, false));
            }
            return Err(ApiError::Conflict("window.closed", "No access window is open for this application now (rule 24.4)"));
        };
        if let Some(existing) = referral_in_window(tx.conn(), number, &window_id).await? {
            return Ok((existing, false));
        }
        let application = Store::application_in(tx.conn(), number).await?;
        if !matches!(application.state.as_str(), "queued" | "temporary_stay") {
            return Err(ApiError::Conflict("application.not_queued", "The application is not waiting in the queue"));
        }
        check_vacancy_fits(tx.conn(), &application, vacancy_id, local_date(now)).await?;

        let id = hex::encode(random_bytes::<16>().map_err(|_| ApiError::Internal)?);
        let valid_until = self.validity_end(now)?;
        let inserted: Option<(String,)> = sqlx::query_as(
            "INSERT INTO referrals (id, application_number, window_id, vacancy_id, issued_at, valid_until, state) \
             VALUES ($1, $2, $3, $4, $5, $6, 'active') ON CONFLICT (application_number, window_id) DO NOTHING RETURNING id",
        )
        .bind(&id)
        .bind(number)
        .bind(&window_id)
        .bind(vacancy_id)
        .bind(to_ms(now))
        .bind(to_ms(valid_until))
        .fetch_optional(tx.conn())
        .await?;
        if inserted.is_none() {
            // PostgreSQL: a concurrent claim for the same application committed first.
            let existing = referral_in_window(tx.conn(), number, &window_id).await?.ok_or(ApiError::Busy)?;
            return Ok((existing, false));
        }
        let seat: Option<(i64,)> = sqlx::query_as("UPDATE vacancies SET free = free - 1 WHERE id = $1 AND free > 0 RETURNING free")
            .bind(vacancy_id)
            .fetch_optional(tx.conn())
            .await?;
        if seat.is_none() {
            return Err(ApiError::Conflict("vacancy.full", "No free seat is left on this vacancy"));
        }
        sqlx::query("UPDATE applications SET state = 'referred', state_reason = NULL WHERE number = $1")
            .bind(number)
            .execute(tx.conn())
            .await?;
        let body = EventBody::ReferralIssued { application: number.to_string(), referral: id.clone(), seat: vacancy_id.to_string() };
        log::append(tx, &Event { at: now, queue: application.queue_key.clone(), body }, now).await?;
        let referral = referral_by_id(tx.conn(), &id).await?.ok_or(ApiError::Internal)?;
        Ok((referral, true))
    }

    /// Appendix 4 item 8: the issue day is not counted; valid to the end of the 5th working day.
    fn validity_end(&self, issued: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
        let last_day = self
            .calendar
            .add_working_days(local_date(issued), VALIDITY_WORKING_DAYS)
            .map_err(|_| ApiError::Internal)?;
        Ok(end_of_local_day(last_day))
    }

    /// Rule 30: cancels referral `id` of `application` within a day of issue; the seat returns.
    pub async fn cancel_referral(&self, application: &ApplicationRow, id: &str, now: DateTime<Utc>) -> Result<ReferralView, ApiError> {
        in_write_tx!(self, |tx| {
            async {
                log::lock(&mut tx).await?;
                let referral = own_referral(tx.conn(), &application.number, id).await?;
                if referral.state == "cancelled" {
                    return Ok(referral);
                }
                if referral.state != "active" {
                    return Err(ApiError::Conflict("referral.not_active", "The referral is no longer active"));
                }
                let issued = DateTime::parse_from_rfc3339(&referral.issued_at).map_err(|_| ApiError::Internal)?;
                if now >= issued.with_timezone(&Utc) + Duration::hours(CANCEL_WITHIN_HOURS) {
                    return Err(ApiError::Conflict("referral.cancel_too_late", "A referral can be cancelled within one day of issue (rule 30)"));
                }
                release(&mut tx, &self.secret, id, Ending::Cancelled("applicant"), now).await?;
                tracing::info!(number = %application.number, referral = %id, "referral cancelled");
                referral_by_id(tx.conn(), id).await?.ok_or(ApiError::Internal)
            }
            .await
        })
    }

    /// Rule 30: extends referral `id` once, to the end of local day `until` (default and maximum:
    /// 30 calendar days after the issue day).
    pub async fn extend_referral(
        &self,
        application: &ApplicationRow,
        id: &str,
        reason: ExtensionReason,
        until: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<ReferralView, ApiError> {
        in_write_tx!(self, |tx| {
            async {
                log::lock(&mut tx).await?;
                let referral = own_referral(tx.conn(), &application.number, id).await?;
                let issued = DateTime::parse_from_rfc3339(&referral.issued_at).map_err(|_| ApiError::Internal)?.with_timezone(&Utc);
                let latest = self
                    .calendar
                    .add_calendar_days(local_date(issued), EXTEND_UP_TO_DAYS)
                    .map_err(|_| ApiError::Internal)?;
                let until = until.unwrap_or(latest);
                let new_end = end_of_local_day(until);
                if referral.extended {
                    if referral.valid_until == rfc3339(new_end) && referral.extension_reason.as_deref() == Some(reason.code()) {
                        return Ok(referral);
                    }
                    return Err(ApiError::Conflict("referral.already_extended", "A referral can be extended once (rule 30)"));
                }
                if referral.state != "active" || rfc3339(now) >= referral.valid_until {
                    return Err(ApiError::Conflict("referral.not_active", "The referral is no longer active"));
                }
                if until > latest || rfc3339(new_end) <= referral.valid_until {
                    return Err(ApiError::invalid("until", "referral.extension_range", "Extend to a later day, at most 30 days after issue (rule 30)"));
                }
                let updated = sqlx::query("UPDATE referrals SET valid_until = $1, extended = 1, extension_reason = $2 WHERE id = $3 AND state = 'active'")
                    .bind(to_ms(new_end))
                    .bind(reason.code())
                    .bind(id)
                    .execute(tx.conn())
                    .await?;
                if updated.rows_affected() == 1 {
                    let body = EventBody::ReferralExtended { application: application.number.clone(), referral: id.to_string(), until: from_ms(to_ms(new_end)) };
                    log::append(&mut tx, &Event { at: now, queue: application.queue_key.clone(), body }, now).await?;
                }
                tracing::info!(number = %application.number, referral = %id, reason = reason.code(), "referral extended");
                referral_by_id(tx.conn(), id).await?.ok_or(ApiError::Internal)
            }
            .await
        })
    }
}

/// How a referral ends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ending {
    /// Cancelled, with the reason code (committed to in the log, not published).
    Cancelled(&'static str),
    /// Not used within its validity (Appendix 4 item 8).
    Expired,
}

/// Ends active referral `id` and gives its seat back; the application returns to the queue (it
/// keeps its place: the order depends only on class and submission instant). Logs the end when
/// this call ended it. The caller's transaction must have taken [`log::lock`] first.
pub(crate) async fn release(tx: &mut WriteTx, secret: &TokenSecret, id: &str, ending: Ending, now: DateTime<Utc>) -> Result<bool, ApiError> {
    let state = match ending {
        Ending::Cancelled(_) => "cancelled",
        Ending::Expired => "expired",
    };
    let ended: Option<(String, String)> = sqlx::query_as(
        "UPDATE referrals SET state = $1, closed_at = $2 WHERE id = $3 AND state = 'active' RETURNING vacancy_id, application_number",
    )
    .bind(state)
    .bind(to_ms(now))
    .bind(id)
    .fetch_optional(tx.conn())
    .await?;
    let Some((vacancy_id, number)) = ended else { return Ok(false) };
    sqlx::query("UPDATE vacancies SET free = free + 1 WHERE id = $1").bind(&vacancy_id).execute(tx.conn()).await?;
    sqlx::query("UPDATE applications SET state = 'queued' WHERE number = $1 AND state = 'referred'")
        .bind(&number)
        .execute(tx.conn())
        .await?;
    let (queue_key,): (String,) = sqlx::query_as("SELECT queue_key FROM applications WHERE number = $1").bind(&number).fetch_one(tx.conn()).await?;
    let (application, referral) = (number, id.to_string());
    let body = match ending {
        Ending::Cancelled(reason) => {
            // The reason may concern the family; the log carries only a salted commitment.
            let salt = secret.commitment_salt("referral cancelled", id);
            EventBody::ReferralCancelled { application, referral, reason: Commitment::new(&salt, reason.as_bytes()) }
        }
        Ending::Expired => EventBody::ReferralExpired { application, referral },
    };
    log::append(tx, &Event { at: now, queue: queue_key, body }, now).await?;
    Ok(true)
}

/// Refuses a vacancy that is unpublished, elsewhere, for another age group (full years on
/// 1 September of the current school year, rules 24.9 and 28), stay mode or group kind.
async fn check_vacancy_fits(conn: &mut AnyConnection, application: &ApplicationRow, vacancy_id: &str, today: NaiveDate) -> Result<(), ApiError> {
    let vacancy: Option<(String, i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT locality_code, age_group, stay_mode, group_kind, published_on FROM vacancies WHERE id = $1",
    )
    .bind(vacancy_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((locality, age_group, stay_mode, group_kind, published_on)) = vacancy else {
        return Err(ApiError::NotFound("vacancy.unknown"));
    };
    if published_on.is_none() {
        return Err(ApiError::Conflict("vacancy.not_published", "This seat is not in a published bulletin yet (rule 24.3)"));
    }
    let birth = application.child_birth_date.parse::<NaiveDate>().map_err(|_| ApiError::Internal)?;
    let age = i64::from(full_years(birth, school_year_start(today)));
    if locality != application.locality_code || group_kind != application.kind {
        return Err(ApiError::Conflict("vacancy.other_queue", "This seat is not for this application's queue"));
    }
    if age_group != age {
        return Err(ApiError::Conflict("vacancy.age_group", "This seat is for another age group"));
    }
    if stay_mode != application.stay_mode {
        return Err(ApiError::Conflict("vacancy.stay_mode", "This seat has another stay mode"));
    }
    Ok(())
}

async fn referral_in_window(conn: &mut AnyConnection, number: &str, window_id: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralTuple> =
        sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE application_number = $1 AND window_id = $2"))
            .bind(number)
            .bind(window_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(view))
}

async fn latest_referral(conn: &mut AnyConnection, number: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralTuple> = sqlx::query_as(&format!(
        "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE application_number = $1 AND state = 'active' ORDER BY issued_at DESC LIMIT 1"
    ))
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(view))
}

async fn referral_by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralTuple> = sqlx::query_as(&format!("SELECT {REFERRAL_COLUMNS} FROM referrals WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(view))
}

async fn own_referral(conn: &mut AnyConnection, number: &str, id: &str) -> Result<ReferralView, ApiError> {
    referral_by_id(conn, id)
        .await?
        .filter(|r| r.application_number == number)
        .ok_or(ApiError::NotFound("referral.unknown"))
}

/// The latest referral of `number` on the pool (for status reads).
pub(crate) async fn latest_referral_on(pool: &sqlx::AnyPool, number: &str) -> Result<Option<ReferralView>, ApiError> {
    let row: Option<ReferralTuple> = sqlx::query_as(&format!(
        "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE application_number = $1 ORDER BY issued_at DESC LIMIT 1"
    ))
    .bind(number)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(view))
}
