//! The outbox and preference tables (migration 5). All SQL of the `notify` module is here.

use crate::wire::to_ms;
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, FromRow};

/// A row to insert.
pub struct NewRow {
    pub idempotency_key: String,
    pub event_key: String,
    pub channel: &'static str,
    pub slot: i64,
    pub application_number: String,
    pub kind: &'static str,
    pub language: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Inserts `rows`, each unless its (event, channel, slot) is there already, in one statement;
/// answers how many were new.
pub async fn insert_all(conn: &mut AnyConnection, rows: &[NewRow]) -> Result<u64, sqlx::Error> {
    const COLUMNS: usize = 12;
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let p = |c: usize| format!("${}", r * COLUMNS + c);
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'pending', 0, {}, {})",
                p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(12)
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO notification_outbox (idempotency_key, event_key, channel, slot, application_number, kind, language, \
         recipient, subject, body, state, attempts, due_at, created_at) VALUES {} ON CONFLICT DO NOTHING",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for row in rows {
        query = query
            .bind(&row.idempotency_key)
            .bind(&row.event_key)
            .bind(row.channel)
            .bind(row.slot)
            .bind(&row.application_number)
            .bind(row.kind)
            .bind(row.language)
            .bind(&row.recipient)
            .bind(&row.subject)
            .bind(&row.body)
            .bind(to_ms(row.due_at))
            .bind(to_ms(row.created_at));
    }
    Ok(query.execute(conn).await?.rows_affected())
}

/// Cancels the rows of `event_key` not sent yet; answers how many.
pub async fn cancel(conn: &mut AnyConnection, event_key: &str) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification_outbox SET state = 'cancelled', recipient = '', lease_owner = NULL, lease_until = NULL \
         WHERE event_key = $1 AND state = 'pending'",
    )
    .bind(event_key)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A row claimed for sending.
#[derive(Clone, Debug, FromRow)]
pub struct Claimed {
    pub idempotency_key: String,
    pub channel: String,
    pub application_number: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

const DUE: &str = "((state = 'pending' AND due_at <= $1) OR (state = 'sending' AND lease_until <= $1))";

/// Claims one due row of `channels` for `owner` until `lease_until`: a pending row whose time
/// has come, or a row whose previous sender's lease ran out (it died mid-way). Counts the
/// attempt. `None` when nothing is due.
pub async fn claim_one(
    pool: &sqlx::AnyPool,
    channels: &[&str],
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    if channels.is_empty() {
        return Ok(None);
    }
    let channel_list = channels.iter().map(|c| format!("'{}'", c.replace('\'', ""))).collect::<Vec<_>>().join(", ");
    // A few candidates, so that concurrent senders do not all fight over the first one.
    let candidates: Vec<(String,)> = sqlx::query_as(&format!(
        "SELECT idempotency_key FROM notification_outbox WHERE {DUE} AND channel IN ({channel_list}) ORDER BY due_at LIMIT 8"
    ))
    .bind(to_ms(now))
    .fetch_all(pool)
    .await?;
    for (key,) in candidates {
        // The WHERE re-checks the row is still due: of two senders, exactly one updates it.
        let done = sqlx::query(&format!(
            "UPDATE notification_outbox SET state = 'sending', lease_owner = $2, lease_until = $3, attempts = attempts + 1 \
             WHERE idempotency_key = $4 AND {DUE}"
        ))
        .bind(to_ms(now))
        .bind(owner)
        .bind(to_ms(lease_until))
        .bind(&key)
        .execute(pool)
        .await?;
        if done.rows_affected() == 1 {
            let row: Claimed = sqlx::query_as(
                "SELECT idempotency_key, channel, application_number, recipient, subject, body, attempts \
                 FROM notification_outbox WHERE idempotency_key = $1",
            )
            .bind(&key)
            .fetch_one(pool)
            .await?;
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// Marks a claimed row sent (only if `owner` still holds it) and forgets its recipient.
pub async fn mark_sent(pool: &sqlx::AnyPool, key: &str, owner: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE notification_outbox SET state = 'sent', sent_at = $1, recipient = '', lease_owner = NULL, lease_until = NULL, \
         last_error = NULL WHERE idempotency_key = $2 AND state = 'sending' AND lease_owner = $3",
    )
    .bind(to_ms(now))
    .bind(key)
    .bind(owner)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Puts a claimed row back for another attempt at `retry_at`, or in the dead-letter state
/// when `retry_at` is `None`, with the error that happened.
pub async fn mark_failed(
    pool: &sqlx::AnyPool,
    key: &str,
    owner: &str,
    retry_at: Option<DateTime<Utc>>,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let error: String = error.chars().take(500).collect();
    let done = match retry_at {
        Some(at) => sqlx::query(
            "UPDATE notification_outbox SET state = 'pending', due_at = $1, last_error = $2, lease_owner = NULL, lease_until = NULL \
             WHERE idempotency_key = $3 AND state = 'sending' AND lease_owner = $4",
        )
        .bind(to_ms(at))
        .bind(&error)
        .bind(key)
        .bind(owner)
        .execute(pool)
        .await?,
        None => sqlx::query(
            "UPDATE notification_outbox SET state = 'dead', last_error = $1, lease_owner = NULL, lease_until = NULL \
             WHERE idempotency_key = $2 AND state = 'sending' AND lease_owner = $3",
        )
        .bind(&error)
        .bind(key)
        .bind(owner)
        .execute(pool)
        .await?,
    };
    Ok(done.rows_affected() == 1)
}

/// A row's state, for operators and tests.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct RowState {
    pub idempotency_key: String,
    pub event_key: String,
    pub channel: String,
    pub slot: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub due_at: i64,
    pub last_error: Option<String>,
}

/// The outbox rows of an application, oldest first.
pub async fn rows_of(pool: &sqlx::AnyPool, application_number: &str) -> Result<Vec<RowState>, sqlx::Error> {
    sqlx::query_as(
        "SELECT idempotency_key, event_key, channel, slot, kind, state, attempts, due_at, last_error FROM notification_outbox \
         WHERE application_number = $1 ORDER BY created_at, event_key, channel, slot",
    )
    .bind(application_number)
    .fetch_all(pool)
    .await
}

/// Preferences as stored.
#[derive(Clone, Debug, FromRow)]
pub struct PreferenceRow {
    pub email: i64,
    pub sms: i64,
    pub language: String,
}

pub async fn preferences(conn: &mut AnyConnection, application_number: &str) -> Result<Option<PreferenceRow>, sqlx::Error> {
    sqlx::query_as("SELECT email, sms, language FROM notification_preferences WHERE application_number = $1")
        .bind(application_number)
        .fetch_optional(conn)
        .await
}

pub async fn set_preferences(
    conn: &mut AnyConnection,
    application_number: &str,
    row: &PreferenceRow,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification_preferences (application_number, email, sms, language, updated_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (application_number) DO UPDATE SET email = $2, sms = $3, language = $4, updated_at = $5",
    )
    .bind(application_number)
    .bind(row.email)
    .bind(row.sms)
    .bind(&row.language)
    .bind(to_ms(now))
    .execute(conn)
    .await?;
    Ok(())
}

/// How many rows wait, are being sent, failed at least once and wait for a retry, or are dead:
/// for health and metrics (no personal data).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Pending, including reminders not due yet.
    pub pending: i64,
    /// Pending after at least one failed attempt (the server or gateway is refusing or down).
    pub retrying: i64,
    pub sending: i64,
    pub dead: i64,
}

pub async fn counts(pool: &sqlx::AnyPool) -> Result<Counts, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT CASE WHEN state = 'pending' AND attempts > 0 THEN 'retrying' ELSE state END AS s, COUNT(*) \
         FROM notification_outbox WHERE state IN ('pending', 'sending', 'dead') GROUP BY 1",
    )
    .fetch_all(pool)
    .await?;
    let mut counts = Counts::default();
    for (state, n) in rows {
        match state.as_str() {
            "pending" => counts.pending += n,
            "retrying" => {
                counts.pending += n;
                counts.retrying += n;
            }
            "sending" => counts.sending += n,
            "dead" => counts.dead += n,
            _ => {}
        }
    }
    Ok(counts)
}
