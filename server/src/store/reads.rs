//! Published reads (rule 24.3 bulletin, rule 24.8 queue information) and the applicant's own
//! status, plus the applicant's two small writes: withdraw and confirm interest (rules 20, 23).

use super::referrals::{in_write_tx, latest_referral_on, release, Ending, ReferralView};
use super::log;
use kezek::tlog::{Event, EventBody};
use super::{ApplicationRow, Store, LIVE_STATES};
use crate::error::ApiError;
use crate::kztime::{at_local, end_of_local_day, from_ms, local_date, rfc3339, to_ms};
use crate::ordering::{order_queue, OrderKey};
use crate::publish::PublishedEntry;
use crate::validation::PriorityClass;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationStatus {
    pub number: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub queue: String,
    /// 1-based place in the queue while the application stands in it.
    pub position: Option<usize>,
    pub submitted_at: String,
    pub originals_due: String,
    pub originals_due_at: String,
    pub originals_confirmed: bool,
    pub interest_confirmed_at: Option<String>,
    pub ages_out_on: Option<String>,
    pub window: Option<WindowView>,
    pub referral: Option<ReferralView>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowView {
    pub id: String,
    pub opens_at: String,
    pub closes_at: String,
    pub open: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bulletin {
    pub published_on: Option<String>,
    pub vacancies: Vec<BulletinVacancy>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulletinVacancy {
    pub id: String,
    pub kindergarten_id: String,
    pub kindergarten: String,
    pub locality_code: String,
    pub age_group: i64,
    pub language: String,
    pub stay_mode: String,
    pub group_kind: String,
    pub capacity: i64,
    pub free: i64,
}

/// id, kindergarten id and name, locality, age group, language, stay mode, group kind, capacity, free.
type VacancyTuple = (String, String, String, String, i64, String, String, String, i64, i64);
/// state reason, originals due, originals confirmed, interest confirmed at, ages out on.
type StatusTuple = (Option<String>, String, i64, Option<i64>, Option<String>);

impl Store {
    /// The live entries of `queue_key` in queue order (rule 14).
    pub async fn queue_entries(&self, queue_key: &str) -> Result<Vec<PublishedEntry>, ApiError> {
        self.queue_entries_on(&mut *self.db.pool.acquire().await?, queue_key).await
    }

    /// [`Store::queue_entries`] as `conn` sees them (inside a transaction).
    pub(crate) async fn queue_entries_on(&self, conn: &mut sqlx::AnyConnection, queue_key: &str) -> Result<Vec<PublishedEntry>, ApiError> {
        let rows: Vec<(String, i64, String, String)> = sqlx::query_as(&format!(
            "SELECT number, submitted_at, class, state FROM applications WHERE queue_key = $1 AND state IN {LIVE_STATES}"
        ))
        .bind(queue_key)
        .fetch_all(conn)
        .await?;
        let ordered = order_queue(rows, |r| OrderKey {
            class: PriorityClass::parse(&r.2).unwrap_or(PriorityClass::General),
            submitted_at_ms: r.1,
            number: &r.0,
        });
        Ok(ordered
            .into_iter()
            .map(|(number, at, class, state)| PublishedEntry { number, submitted_at: rfc3339(from_ms(at)), class, state })
            .collect())
    }

    /// The latest bulletin: every published vacancy with its current free count.
    pub async fn bulletin(&self) -> Result<Bulletin, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        bulletin_on(&mut conn).await
    }
}

/// The latest bulletin as `conn` sees it (the publishing job reads it inside its transaction).
pub(crate) async fn bulletin_on(conn: &mut sqlx::AnyConnection) -> Result<Bulletin, ApiError> {
    let published_on: Option<(String,)> =
        sqlx::query_as("SELECT published_on FROM bulletins ORDER BY published_on DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let rows: Vec<VacancyTuple> = sqlx::query_as(
        "SELECT v.id, k.id, k.name, v.locality_code, v.age_group, v.language, v.stay_mode, v.group_kind, v.capacity, v.free \
         FROM vacancies v JOIN kindergartens k ON k.id = v.kindergarten_id WHERE v.published_on IS NOT NULL ORDER BY v.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let vacancies = rows
        .into_iter()
        .map(|(id, kindergarten_id, kindergarten, locality_code, age_group, language, stay_mode, group_kind, capacity, free)| {
            BulletinVacancy { id, kindergarten_id, kindergarten, locality_code, age_group, language, stay_mode, group_kind, capacity, free }
        })
        .collect();
    Ok(Bulletin { published_on: published_on.map(|p| p.0), vacancies })
}

impl Store {
    /// The applicant's view of application `application` at `now`.
    pub async fn status(&self, application: &ApplicationRow, now: DateTime<Utc>) -> Result<ApplicationStatus, ApiError> {
        let row: Option<StatusTuple> = sqlx::query_as(
            "SELECT state_reason, originals_due, originals_confirmed, interest_confirmed_at, ages_out_on FROM applications WHERE number = $1",
        )
        .bind(&application.number)
        .fetch_optional(&self.db.pool)
        .await?;
        let (state_reason, originals_due, originals_confirmed, interest, ages_out_on) = row.ok_or(ApiError::Unauthorized)?;
        let window: Option<(String, i64, i64)> = sqlx::query_as(
            "SELECT window_id, opens_at, closes_at FROM access_windows WHERE application_number = $1 ORDER BY opens_at DESC LIMIT 1",
        )
        .bind(&application.number)
        .fetch_optional(&self.db.pool)
        .await?;
        let position = if matches!(application.state.as_str(), "queued" | "temporary_stay" | "referred") {
            self.queue_entries(&application.queue_key).await?.iter().position(|e| e.number == application.number).map(|i| i + 1)
        } else {
            None
        };
        let due = originals_due.parse::<NaiveDate>().map_err(|_| ApiError::Internal)?;
        Ok(ApplicationStatus {
            number: application.number.clone(),
            state: application.state.clone(),
            state_reason,
            queue: application.queue_key.clone(),
            position,
            submitted_at: rfc3339(from_ms(application.submitted_at)),
            originals_due,
            originals_due_at: rfc3339(end_of_local_day(due)),
            originals_confirmed: originals_confirmed != 0,
            interest_confirmed_at: interest.map(|ms| rfc3339(from_ms(ms))),
            ages_out_on,
            window: window.map(|(id, opens, closes)| WindowView {
                id,
                opens_at: rfc3339(from_ms(opens)),
                closes_at: rfc3339(from_ms(closes)),
                open: opens <= to_ms(now) && to_ms(now) < closes,
            }),
            referral: latest_referral_on(&self.db.pool, &application.number).await?,
        })
    }

    /// Rules 20.4, 23: withdraws the application; an active referral is released with it.
    /// Withdrawing twice is not an error.
    pub async fn withdraw(&self, application: &ApplicationRow, now: DateTime<Utc>) -> Result<(), ApiError> {
        in_write_tx!(self, |tx| {
            async {
                log::lock(&mut tx).await?;
                let active: Vec<(String,)> = sqlx::query_as("SELECT id FROM referrals WHERE application_number = $1 AND state = 'active'")
                    .bind(&application.number)
                    .fetch_all(tx.conn())
                    .await?;
                for (id,) in active {
                    release(&mut tx, &self.secret, &id, Ending::Cancelled("withdrawn"), now).await?;
                }
                let withdrawn = sqlx::query(&format!(
                    "UPDATE applications SET state = 'withdrawn', state_reason = 'applicant' WHERE number = $1 AND state IN {LIVE_STATES}"
                ))
                .bind(&application.number)
                .execute(tx.conn())
                .await?;
                // A second withdrawal changes nothing and logs nothing.
                if withdrawn.rows_affected() == 1 {
                    let body = EventBody::Withdrawn { application: application.number.clone() };
                    log::append(&mut tx, &Event { at: now, queue: application.queue_key.clone(), body }, now).await?;
                }
                tracing::info!(number = %application.number, "application withdrawn");
                Ok(())
            }
            .await
        })
    }

    /// Rule 20.2: the applicant confirms interest in a seat.
    pub async fn confirm_interest(&self, application: &ApplicationRow, now: DateTime<Utc>) -> Result<(), ApiError> {
        in_write_tx!(self, |tx| {
            async {
                log::lock(&mut tx).await?;
                let state: Option<(String,)> =
                    sqlx::query_as("SELECT state FROM applications WHERE number = $1").bind(&application.number).fetch_optional(tx.conn()).await?;
                if !matches!(state.as_ref().map(|s| s.0.as_str()), Some("queued" | "temporary_stay" | "referred")) {
                    return Err(ApiError::Conflict("application.not_queued", "The application is not in the queue"));
                }
                // One confirmation per local day: a repeat the same day (a retry, a double
                // click) changes nothing and logs nothing.
                let updated = sqlx::query(&format!(
                    "UPDATE applications SET interest_confirmed_at = $1 WHERE number = $2 AND state IN {LIVE_STATES} \
                     AND (interest_confirmed_at IS NULL OR interest_confirmed_at < $3)"
                ))
                .bind(to_ms(now))
                .bind(&application.number)
                .bind(to_ms(at_local(local_date(now), 0)))
                .execute(tx.conn())
                .await?;
                if updated.rows_affected() == 1 {
                    let body = EventBody::InterestConfirmed { application: application.number.clone() };
                    log::append(&mut tx, &Event { at: now, queue: application.queue_key.clone(), body }, now).await?;
                }
                Ok(())
            }
            .await
        })
    }
}
