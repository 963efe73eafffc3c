//! Kindergartens' seats (rules 3.3-3.9, 24.2, 24.6, 25): the daily report of free seats per age
//! group with its terms (read by the core, [`SeatReport`]), the withdrawal of seats with a
//! reason — a referral to them is cancelled and the application returns to its place — the
//! automatic turn of early-booking seats into free ones on their day, and the withdrawn-seats
//! bulletin published with the daily bulletin.

use crate::notify::plan::Cause;
use super::lifecycle::ReferralEnd;
use super::rows::{self, Vacancy};
use super::staff::{Record, StaffAct, StaffAnswer};
use super::vacancies::{BulletinVacancy, BULLETIN_LOG_QUEUE};
use super::{log, Store};
use crate::error::ApiError;
use crate::secrets::random_bytes;
use crate::wire::{rfc3339, to_ms};
use chrono::{DateTime, NaiveDate, Utc};
use kezek::queue::seat::{SeatReport, WithdrawalReason};
use kezek::status::{deadline, Event, Status};
use kezek::tlog::{Event as LogEntry, EventBody};
use serde::Serialize;
use serde_json::json;

/// A seat group as its kindergarten sees it: as published (its `publishedOn` among them), plus
/// its terms and its life.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeatGroupView {
    #[serde(flatten)]
    pub seat: BulletinVacancy,
    /// `reported` (waiting for its bulletin), `published` or `withdrawn`.
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bulletin_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawal_reason: Option<&'static str>,
}

impl From<&Vacancy> for SeatGroupView {
    fn from(v: &Vacancy) -> SeatGroupView {
        let state = match (&v.withdrawn, v.published_on) {
            (Some(_), _) => "withdrawn",
            (None, Some(_)) => "published",
            (None, None) => "reported",
        };
        SeatGroupView {
            seat: BulletinVacancy::from(v),
            state,
            reported_at: v.reported_at.map(rfc3339),
            bulletin_on: v.bulletin_on.map(|d| d.to_string()),
            withdrawn_at: v.withdrawn.map(|(at, _)| rfc3339(at)),
            withdrawal_reason: v.withdrawn.map(|(_, r)| r.code()),
        }
    }
}

/// A withdrawn seat group as the withdrawn-seats bulletin lists it (rule 3.9).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawnSeat {
    #[serde(flatten)]
    pub seat: BulletinVacancy,
    pub reason: &'static str,
    pub withdrawn_at: String,
}

/// The withdrawn-seats bulletin of a day (rule 3.9): the published seats taken back since the
/// previous bulletin, with their reasons.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawnBulletin {
    pub published_on: Option<String>,
    pub seats: Vec<WithdrawnSeat>,
}

/// The withdrawn-seats bulletin's id in the log (`bulletin_published`).
pub fn withdrawn_bulletin_id(day: NaiveDate) -> String {
    format!("withdrawn/{day}")
}

/// The withdrawn-seats bulletin of `day`, as `conn` sees it.
pub(crate) async fn withdrawn_bulletin_on(conn: &mut sqlx::AnyConnection, day: Option<NaiveDate>) -> Result<WithdrawnBulletin, ApiError> {
    let Some(day) = day else { return Ok(WithdrawnBulletin { published_on: None, seats: Vec::new() }) };
    let listed = rows::vacancies_where_text(conn, "v.withdrawal_published_on = $1", &day.to_string()).await?;
    let seats = listed
        .iter()
        .filter_map(|v| v.withdrawn.map(|(at, reason)| WithdrawnSeat { seat: BulletinVacancy::from(v), reason: reason.code(), withdrawn_at: rfc3339(at) }))
        .collect();
    Ok(WithdrawnBulletin { published_on: Some(day.to_string()), seats })
}

impl Store {
    /// Rule 24.2: a kindergarten reports free seats of one group; they go into the bulletin of
    /// the report's [`kezek::queue::seat::bulletin_day`] (read by the caller with the core).
    pub async fn report_seats(&self, act: &StaffAct, report: &SeatReport, kindergarten_name: &str, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        let bulletin_on = kezek::queue::seat::bulletin_day(now, &self.policy).map_err(|_| ApiError::Internal)?;
        let kg = report.seat.kindergarten.as_str();
        let id = format!("{kg}-{}-{}", bulletin_on.format("%Y%m%d"), hex::encode(random_bytes::<3>().map_err(|_| ApiError::Internal)?));
        let (group_kind, group_detail) = match &report.seat.kind {
            kezek::queue::distribution::GroupKind::General => ("general", ""),
            kezek::queue::distribution::GroupKind::Special { disorder } => ("special", disorder.as_str()),
            kezek::queue::distribution::GroupKind::Sanatorium { profile } => ("sanatorium", profile.as_str()),
        };
        staff_write!(self, act, now, |tx| {
            sqlx::query(
                "INSERT INTO vacancies (id, kindergarten_id, locality_code, age_group, language, stay_mode, group_kind, group_detail, capacity, free, \
                 admission_mode, admission_starts_on, stay_until, reported_at, bulletin_on) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13, $14)",
            )
            .bind(&id)
            .bind(kg)
            .bind(report.seat.locality.to_string())
            .bind(i64::from(report.seat.age_group))
            .bind(report.language.id())
            .bind(report.seat.stay_mode.id())
            .bind(group_kind)
            .bind(group_detail)
            .bind(i64::from(report.count))
            .bind(report.terms.mode.code())
            .bind(report.terms.admission_starts_on.to_string())
            .bind(report.terms.stay_until.map(|d| d.to_string()))
            .bind(to_ms(now))
            .bind(bulletin_on.to_string())
            .execute(tx.conn())
            .await?;
            let vacancy = rows::vacancy(tx.conn(), &id).await?.ok_or(ApiError::Internal)?;
            tracing::info!(kindergarten = kg, seat = %id, count = report.count, bulletin = %bulletin_on, name = kindergarten_name, "seats reported");
            let detail = json!({
                "seats": report.count, "ageGroup": report.seat.age_group, "admissionMode": report.terms.mode.code(), "bulletinOn": bulletin_on.to_string(),
            });
            Ok((StaffAnswer::created(&SeatGroupView::from(&vacancy))?, Record { action: "seats_reported", target: id.clone(), application: None, detail, elapsed_ms: None }))
        })
    }

    /// Rules 25.1, 25.2: `vacancy` is taken back for `reason`; a referral to it is cancelled and
    /// its application returns to its place, still interested (`SeatWithdrawn`); the seats
    /// never return to the bulletin. Logged (`seat_withdrawn` when published, and each
    /// `referral_cancelled` with reason `seat_withdrawn`) in the same transaction.
    pub async fn withdraw_seats(&self, act: &StaffAct, vacancy_id: &str, reason: WithdrawalReason, now: DateTime<Utc>) -> Result<StaffAnswer, ApiError> {
        staff_write!(self, act, now, |tx| {
            let vacancy = rows::vacancy(tx.conn(), vacancy_id).await?.ok_or(ApiError::NotFound("seat.unknown"))?;
            if vacancy.withdrawn.is_some() {
                return Err(ApiError::Conflict("seat.withdrawn"));
            }
            sqlx::query("UPDATE vacancies SET withdrawn_at = $1, withdrawal_reason = $2, free = 0 WHERE id = $3 AND withdrawn_at IS NULL")
                .bind(to_ms(now))
                .bind(reason.code())
                .bind(vacancy_id)
                .execute(tx.conn())
                .await?;
            if vacancy.published_on.is_some() {
                let body = EventBody::SeatWithdrawn { seat: vacancy_id.to_owned(), reason: reason.code().to_owned() };
                log::append(tx, &LogEntry { at: now, queue: BULLETIN_LOG_QUEUE.to_owned(), body }, now).await?;
            }
            let mut cancelled = Vec::new();
            let holders: Vec<(String,)> = sqlx::query_as("SELECT application_number FROM referrals WHERE vacancy_id = $1 AND state = 'active' ORDER BY issued_at")
                .bind(vacancy_id)
                .fetch_all(tx.conn())
                .await?;
            for (number,) in holders {
                let current = rows::application(tx.conn(), &number).await?.ok_or(ApiError::Internal)?;
                // A referral that ran out before now expires at its deadline instead.
                let settled = self.settle_in(tx, &current, now).await?;
                if !matches!(settled.status, Status::Referred { .. }) {
                    continue;
                }
                let Some(referral) = super::claims::active_referral(tx.conn(), &number).await? else { continue };
                let entry = EventBody::ReferralCancelled { application: number.clone(), referral: referral.id.clone(), reason: ReferralEnd::SeatWithdrawn.reason().to_owned() };
                // With notice (rule 25.2): the transition writes the applicant's message.
                self.transition_told(tx, &settled, &Event::SeatWithdrawn, Some(entry), None, Cause::SeatWithdrawn(reason), now).await?;
                self.end_referral(tx, &settled, ReferralEnd::SeatWithdrawn, now).await?;
                cancelled.push(referral.id);
            }
            let vacancy = rows::vacancy(tx.conn(), vacancy_id).await?.ok_or(ApiError::Internal)?;
            tracing::info!(seat = vacancy_id, reason = reason.code(), cancelled = cancelled.len(), "seats withdrawn");
            let detail = json!({ "reason": reason.code(), "cancelledReferrals": cancelled });
            let answer = StaffAnswer::ok(&json!({ "seat": SeatGroupView::from(&vacancy), "cancelledReferrals": cancelled }))?;
            Ok((answer, Record { action: "seats_withdrawn", target: vacancy_id.to_owned(), application: None, detail, elapsed_ms: None }))
        })
    }

    /// Rule 24.6: early-booking seats whose day has come are free seats from now on (the core's
    /// [`kezek::queue::seat::SeatTerms::on`]); returns how many groups turned.
    pub async fn free_early_bookings(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let today = deadline::local_date(now);
        in_write_tx!(self, |tx| {
            let booked = rows::vacancies_where(tx.conn(), "v.admission_mode = 'early_booking' AND v.withdrawn_at IS NULL").await?;
            let mut turned = 0;
            for v in booked.iter().filter(|v| v.terms.on(today).mode != v.terms.mode) {
                sqlx::query("UPDATE vacancies SET admission_mode = $1 WHERE id = $2 AND admission_mode = 'early_booking'")
                    .bind(v.terms.on(today).mode.code())
                    .bind(&v.id)
                    .execute(tx.conn())
                    .await?;
                turned += 1;
            }
            if turned > 0 {
                tracing::info!(groups = turned, day = %today, "early-booking seats are free seats now");
            }
            Ok(turned)
        })
    }

    /// Every seat group of kindergarten `id`, newest report first.
    pub async fn kindergarten_seats(&self, id: &str) -> Result<Vec<SeatGroupView>, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        let mut all = rows::vacancies_where_text(&mut conn, "v.kindergarten_id = $1", id).await?;
        all.sort_by(|a, b| (b.reported_at, &b.id).cmp(&(a.reported_at, &a.id)));
        Ok(all.iter().map(SeatGroupView::from).collect())
    }

    /// Seat group `id`, if it exists.
    pub async fn seat_group(&self, id: &str) -> Result<Option<Vacancy>, ApiError> {
        rows::vacancy(&mut *self.db.pool.acquire().await?, id).await
    }

    /// The latest withdrawn-seats bulletin (rule 3.9).
    pub async fn withdrawn_bulletin(&self) -> Result<WithdrawnBulletin, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        let day: Option<(String,)> = sqlx::query_as("SELECT published_on FROM bulletins ORDER BY published_on DESC LIMIT 1").fetch_optional(&mut *conn).await?;
        let day = day.map(|(d,)| d.parse::<NaiveDate>().map_err(|_| ApiError::Internal)).transpose()?;
        withdrawn_bulletin_on(&mut conn, day).await
    }
}
