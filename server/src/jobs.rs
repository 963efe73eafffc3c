//! Scheduled work, all driven by the injected clock. Every tick is idempotent: running it twice
//! at the same instant, or after a crash half-way, changes nothing more than running it once.
//! The scheduler loop calls [`tick`] every second; tests call it (or the single jobs) directly.

use crate::error::ApiError;
use crate::kztime::{at_local, local_date, to_ms};
use crate::ordering::{order_queue, OrderKey};
use crate::store::{bulletin_on, log, referrals_release, Ending, Store};
use kezek::tlog::{sha256, Event, EventBody};
use crate::validation::PriorityClass;
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Rule 24.3: the bulletin is published daily at 18:00 local time.
pub const BULLETIN_HOUR: u32 = 18;
/// The `queue` field of `bulletin_published` events: a bulletin covers every queue.
pub const BULLETIN_LOG_QUEUE: &str = "bulletins";
/// Rule 24.4: access windows open daily at 07:00 local time.
pub const WINDOW_HOUR: u32 = 7;
/// Rule 24.4: a window lasts 3 working days.
pub const WINDOW_WORKING_DAYS: i64 = 3;
/// Rule 24.4: the next 1000 candidates of each queue get a window.
pub const WINDOW_SIZE: usize = 1000;

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    pub bulletins: u64,
    pub windows: u64,
    pub referrals_expired: u64,
    pub originals_missed: u64,
    pub aged_out: u64,
}

/// Runs every job for `now`.
pub async fn tick(store: &Store, now: DateTime<Utc>) -> Result<TickReport, ApiError> {
    Ok(TickReport {
        bulletins: publish_bulletin(store, now).await?,
        referrals_expired: expire_referrals(store, now).await?,
        originals_missed: originals_deadline(store, now).await?,
        aged_out: age_out(store, now).await?,
        // Last, so that seats and applications freed above are already counted.
        windows: open_windows(store, now).await?,
    })
}

/// Rule 24.3: from 18:00 local time, today's bulletin exists and lists every reported vacancy.
pub async fn publish_bulletin(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let today = local_date(now);
    if now < at_local(today, BULLETIN_HOUR) {
        return Ok(0);
    }
    let mut tx = store.db.begin_write().await?;
    log::lock(&mut tx).await?;
    let created: Option<(String,)> =
        sqlx::query_as("INSERT INTO bulletins (published_on, published_at) VALUES ($1, $2) ON CONFLICT (published_on) DO NOTHING RETURNING published_on")
            .bind(today.to_string())
            .bind(to_ms(now))
            .fetch_optional(tx.conn())
            .await?;
    if created.is_some() {
        sqlx::query("UPDATE vacancies SET published_on = $1 WHERE published_on IS NULL")
            .bind(today.to_string())
            .execute(tx.conn())
            .await?;
        // The log commits to the bulletin document as published now (its JSON as
        // `GET /api/bulletin` serves it at this instant); free counts change later.
        let document = serde_json::to_vec(&bulletin_on(tx.conn()).await?).map_err(|_| ApiError::Internal)?;
        let body = EventBody::BulletinPublished { bulletin: today.to_string(), digest: sha256(&document) };
        log::append(&mut tx, &Event { at: now, queue: BULLETIN_LOG_QUEUE.to_string(), body }, now).await?;
        tracing::info!(day = %today, "vacancy bulletin published");
    }
    tx.commit().await?;
    Ok(u64::from(created.is_some()))
}

/// Rule 24.4: from 07:00 on a working day, each queue's next [`WINDOW_SIZE`] live applications
/// without an open window get one, until 07:00 three working days later. An application whose
/// window closed unused keeps its place and is a candidate again the next day.
pub async fn open_windows(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let today = local_date(now);
    if !store.calendar.is_working_day(today) || now < at_local(today, WINDOW_HOUR) {
        return Ok(0);
    }
    let closes_on = store.calendar.add_working_days(today, WINDOW_WORKING_DAYS).map_err(|_| ApiError::Internal)?;
    let (opens_at, closes_at) = (at_local(today, WINDOW_HOUR), at_local(closes_on, WINDOW_HOUR));
    let queues: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT queue_key FROM applications WHERE state IN ('queued', 'temporary_stay')")
        .fetch_all(&store.db.pool)
        .await?;
    let mut opened = 0;
    for (queue_key,) in queues {
        let mut tx = store.db.begin_write().await?;
        let done: Option<(String,)> = sqlx::query_as("SELECT queue_key FROM window_runs WHERE queue_key = $1 AND opened_on = $2")
            .bind(&queue_key)
            .bind(today.to_string())
            .fetch_optional(tx.conn())
            .await?;
        if done.is_some() {
            tx.rollback().await;
            continue;
        }
        let candidates: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT number, submitted_at, class FROM applications WHERE queue_key = $1 AND state IN ('queued', 'temporary_stay')",
        )
        .bind(&queue_key)
        .fetch_all(tx.conn())
        .await?;
        let busy: HashSet<String> = sqlx::query_as::<_, (String,)>(
            "SELECT w.application_number FROM access_windows w JOIN applications a ON a.number = w.application_number \
             WHERE a.queue_key = $1 AND w.closes_at > $2",
        )
        .bind(&queue_key)
        .bind(to_ms(now))
        .fetch_all(tx.conn())
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect();
        let ordered = order_queue(candidates, |c| OrderKey {
            class: PriorityClass::parse(&c.2).unwrap_or(PriorityClass::General),
            submitted_at_ms: c.1,
            number: &c.0,
        });
        let window_id = format!("{queue_key}/{today}");
        let chosen = ordered.into_iter().filter(|c| !busy.contains(&c.0)).take(WINDOW_SIZE);
        for (position, (number, _, _)) in chosen.enumerate() {
            sqlx::query(
                "INSERT INTO access_windows (application_number, window_id, opens_at, closes_at, position) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&number)
            .bind(&window_id)
            .bind(to_ms(opens_at))
            .bind(to_ms(closes_at))
            .bind(position as i64 + 1)
            .execute(tx.conn())
            .await?;
            opened += 1;
        }
        sqlx::query("INSERT INTO window_runs (queue_key, opened_on, opened_at) VALUES ($1, $2, $3)")
            .bind(&queue_key)
            .bind(today.to_string())
            .bind(to_ms(now))
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        tracing::info!(queue = %queue_key, window = %window_id, "access windows opened");
    }
    Ok(opened)
}

/// Appendix 4 item 8: a referral not used by the end of its validity expires; its seat returns.
pub async fn expire_referrals(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let due: Vec<(String,)> = sqlx::query_as("SELECT id FROM referrals WHERE state = 'active' AND valid_until <= $1")
        .bind(to_ms(now))
        .fetch_all(&store.db.pool)
        .await?;
    let mut expired = 0;
    for (id,) in due {
        let mut tx = store.db.begin_write().await?;
        log::lock(&mut tx).await?;
        // `release` re-checks `state = 'active'` under the write lock, so a race with a cancel is
        // harmless (and logs nothing).
        if referrals_release(&mut tx, &store.secret, &id, Ending::Expired, now).await? {
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}

/// Rule 29: an application whose originals were not confirmed within 5 working days is archived.
pub async fn originals_deadline(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    archive(
        store,
        "UPDATE applications SET state = 'archived', state_reason = 'originals_missed' \
         WHERE originals_confirmed = 0 AND originals_due < $1 AND state IN ('queued', 'temporary_stay') RETURNING number, queue_key",
        now,
    )
    .await
}

/// Rule 18, 24.9: an application is archived on the first 1 September on which the child is 6.
pub async fn age_out(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    archive(
        store,
        "UPDATE applications SET state = 'archived', state_reason = 'aged_out' \
         WHERE ages_out_on IS NOT NULL AND ages_out_on <= $1 AND state IN ('queued', 'temporary_stay') RETURNING number, queue_key",
        now,
    )
    .await
}

/// Runs an archiving `update` (bound to today's local date, returning number and queue) and
/// logs an `archived` event for each row it actually changed, in the same transaction.
async fn archive(store: &Store, update: &str, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let mut tx = store.db.begin_write().await?;
    log::lock(&mut tx).await?;
    let archived: Vec<(String, String)> = sqlx::query_as(update).bind(local_date(now).to_string()).fetch_all(tx.conn()).await?;
    for (application, queue) in &archived {
        let body = EventBody::Archived { application: application.clone() };
        log::append(&mut tx, &Event { at: now, queue: queue.clone(), body }, now).await?;
    }
    tx.commit().await?;
    Ok(archived.len() as u64)
}
