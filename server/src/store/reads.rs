//! The applicant's view of an application and the published queue (rules 23, 24.8): both read
//! the core's values — the settled status, the queue number of the core's [`position`] — and
//! derive nothing themselves.

use super::claims::latest_referral;
use super::rows::Stored;
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::queue::{ApplicationNumber, Class, Entry, State};

/// What the applicant's page shows (`kezek::contract`: one definition for the server and the
/// package's client).
pub use kezek::contract::{ApplicationView, PoolView, PositionView};

/// One queue entry as stored.
#[derive(sqlx::FromRow)]
struct EntryRow {
    number: String,
    submitted_at: i64,
    class: String,
    queue_state: String,
}

impl Store {
    /// The entries a published snapshot of `queue_key` lists: those that stand in the queue,
    /// referred ones included so a referred applicant finds their entry (rule 25: only waiting
    /// ones take a place).
    pub async fn queue_entries(&self, queue_key: &str) -> Result<Vec<Entry>, ApiError> {
        self.queue_entries_on(&mut *self.db.pool.acquire().await?, queue_key).await
    }

    /// [`Store::queue_entries`] as `conn` sees them (inside a transaction).
    pub(crate) async fn queue_entries_on(&self, conn: &mut sqlx::AnyConnection, queue_key: &str) -> Result<Vec<Entry>, ApiError> {
        let rows: Vec<EntryRow> = sqlx::query_as(
            "SELECT number, submitted_at, class, queue_state FROM applications WHERE queue_key = $1 AND queue_state IN ('queued', 'temporary_stay', 'referred')",
        )
        .bind(queue_key)
        .fetch_all(conn)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Entry {
                    number: ApplicationNumber::parse(&r.number).map_err(|_| ApiError::Internal)?,
                    // The queue compares instants to the whole second (`kezek::queue`).
                    submitted_at: r.submitted_at.div_euclid(1000),
                    class: Class::parse(&r.class).ok_or(ApiError::Internal)?,
                    state: State::ALL.into_iter().find(|s| s.code() == r.queue_state).ok_or(ApiError::Internal)?,
                })
            })
            .collect()
    }

    /// Every application of the applicant with `applicant_key`, newest first ("my applications").
    pub async fn applications_of(&self, applicant_key: &str) -> Result<Vec<Stored>, ApiError> {
        let mut all = super::rows::applications_where(&mut *self.db.pool.acquire().await?, "applicant_key = $1", applicant_key).await?;
        all.sort_by(|a, b| b.submitted_at.cmp(&a.submitted_at));
        Ok(all)
    }

    /// The applicant's view of `stored` at `now`.
    pub async fn view(&self, stored: &Stored, now: DateTime<Utc>) -> Result<ApplicationView, ApiError> {
        let d = self.deadlines();
        let status = stored.status_at(now, &d)?;
        let position = if status.queue_state().is_some_and(State::is_live) {
            self.queue_position(&stored.queue, stored.number).await?.map(PositionView::from)
        } else {
            None
        };
        let referral = latest_referral(&mut *self.db.pool.acquire().await?, &stored.number.to_string()).await?;
        let group = stored.seat_group(kezek::status::deadline::local_date(now));
        Ok(ApplicationView {
            pool: PoolView { age_group: group.age_group, stay_mode: group.stay_mode.id().to_owned() },
            number: stored.number.to_string(),
            queue: stored.queue.to_string(),
            public_queue: self.public_key(&stored.queue).await?.to_string(),
            submitted_at: stored.submitted_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            seats: self.window_seats(stored, now).await?,
            status,
            position,
            referral,
        })
    }
}
