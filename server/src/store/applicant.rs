//! The applicant's own changes (rules 20.2, 20.4, 20.7, 23): confirm interest, say no seat is
//! needed now, withdraw. Each is a core transition with its log entry; repeating one changes
//! nothing more (the core's transition is idempotent for these, and an unchanged status logs
//! nothing).

use super::rows::{self, Stored};
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::status::Event;
use kezek::tlog::EventBody;

impl Store {
    /// Rule 20.2: the applicant confirms interest in a seat (again).
    pub async fn confirm_interest(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        self.applicant_event(stored, Event::InterestConfirmed, now, |n| EventBody::InterestConfirmed { application: n }).await
    }

    /// Rule 20.7: the applicant is not interested in a seat for now (an open window closes).
    pub async fn not_interested(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        self.applicant_event(stored, Event::NotInterested, now, |n| EventBody::NotInterested { application: n }).await
    }

    /// Rule 20.7 for many applications at once, in one transaction (demo seeding: no
    /// notifications).
    pub async fn not_interested_all(&self, numbers: &[String], at: DateTime<Utc>) -> Result<(), ApiError> {
        in_write_tx!(self, |tx| {
            tx.without_notifications();
            for number in numbers {
                let current = rows::application(tx.conn(), number).await?.ok_or(ApiError::Internal)?;
                let entry = EventBody::NotInterested { application: number.clone() };
                self.transition(tx, &current, &Event::NotInterested, Some(entry), None, at).await?;
            }
            Ok(())
        })
    }

    /// Rules 20.4, 23: withdraws the application; a referral it holds ends with it and its seat
    /// returns. Withdrawing twice is not an error.
    pub async fn withdraw(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            self.end_application(tx, &current, &Event::Withdrawn { at: now }, "withdrawn", now).await?;
            rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)
        })
    }

    /// A new token for API clients; the old one stops working at once (only its hash is kept).
    pub async fn rotate_token(&self, stored: &Stored) -> Result<String, ApiError> {
        let token = crate::secrets::new_token().map_err(|_| ApiError::Internal)?;
        sqlx::query("UPDATE applications SET token_hash = $1 WHERE number = $2")
            .bind(crate::secrets::sha256_hex(token.as_bytes()))
            .bind(stored.number.to_string())
            .execute(&self.db.pool)
            .await?;
        Ok(token)
    }

    /// Applies an applicant's event; logs it only when the status changed or the event is a
    /// fresh confirmation (one per local day, so a double click logs once).
    async fn applicant_event(&self, stored: &Stored, event: Event, now: DateTime<Utc>, entry: impl FnOnce(String) -> EventBody) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            let d = self.deadlines();
            let before = current.status_at(now, &d)?;
            let after = before.apply(&event, &d)?;
            let entry = if after != before || self.first_today(tx, &current, &event, now).await? { Some(entry(current.number.to_string())) } else { None };
            self.transition(tx, &current, &event, entry, None, now).await
        })
    }

    /// Whether the application has no log entry of `event`'s kind yet on `now`'s local day.
    async fn first_today(&self, tx: &mut crate::db::WriteTx, stored: &Stored, event: &Event, now: DateTime<Utc>) -> Result<bool, ApiError> {
        let day_start = kezek::status::deadline::start_of_local_day(kezek::status::deadline::local_date(now)).map_err(|_| ApiError::Internal)?;
        // Appends wait in the transaction until flushed (`log::append`).
        tx.flush_log().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM log_entries WHERE application_number = $1 AND kind = $2 AND created_at >= $3")
                .bind(stored.number.to_string())
                .bind(event.name())
                .bind(day_start.timestamp_millis())
                .fetch_one(tx.conn())
                .await?;
        Ok(count == 0)
    }
}
