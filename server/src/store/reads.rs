//! The applicant's view of an application and the published queue (rules 23, 24.8): both read
//! the core's values — the settled status, the queue number of the core's [`position`] — and
//! derive nothing themselves.

use super::claims::{latest_referral, ReferralView, SeatView};
use super::rows::Stored;
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::queue::{ApplicationNumber, Class, Entry, Position, State};
use kezek::status::Status;
use serde::Serialize;

/// What the applicant's page shows for one application.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub number: String,
    /// The queue (`kezek::queue::QueueKey`): the applicant's own view names it as it is, to be
    /// told in words (`describeQueue`).
    pub queue: String,
    /// The queue's public form, which its snapshot and the log name it by: an alias for a
    /// special or sanatorium queue (issue 15), the key itself for a general one.
    pub public_queue: String,
    pub submitted_at: String,
    /// The core's status at the time of the answer: the page calls `statusView` on it.
    pub status: Status,
    /// The queue number (rule 3.8) while the application takes a place (rule 25), by the
    /// core's one definition — the same the browser computes from the snapshot.
    pub position: Option<PositionView>,
    /// The latest referral, if any.
    pub referral: Option<ReferralView>,
    /// While access to referrals is open: the seats of the child's pool.
    pub seats: Vec<SeatView>,
    /// The child's seat group today (age group on 1 September, rule 28; hours of stay): which
    /// places of the bulletin are for this application (the page's estimate counts them).
    pub pool: PoolView,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PoolView {
    pub age_group: u8,
    pub stay_mode: &'static str,
}

#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    pub queue_number: u64,
    pub ahead_extraordinary: u64,
    pub ahead_priority: u64,
    pub ahead_general: u64,
}

impl From<Position> for PositionView {
    fn from(p: Position) -> PositionView {
        PositionView { queue_number: p.queue_number, ahead_extraordinary: p.ahead.extraordinary, ahead_priority: p.ahead.priority, ahead_general: p.ahead.general }
    }
}

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
            pool: PoolView { age_group: group.age_group, stay_mode: group.stay_mode.id() },
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
