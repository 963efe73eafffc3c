//! The outbox and preference tables (migration 5). All SQL of the `notify` module is here.

use crate::secrets::DataKey;
use crate::wire::to_ms;
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, FromRow};
use std::collections::HashSet;

/// A row to insert. `recipient` is sealed ([`crate::secrets::DataKey::seal`] with the
/// idempotency key as associated data): a pending row names no person in clear.
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

/// The outbox writes of a write transaction not yet sent to the database (`WriteTx::outbox`).
/// A batch of claims issues dozens of referrals, each with its messages and cancelled
/// reminders; written one statement per change they cost more than the referral itself, so
/// they wait here and [`flush`] writes them with two statements before the transaction
/// commits (`WriteTx::commit`). Same transaction, so a row still exists if and only if its
/// event committed.
///
/// The result is the one the statements would have had one by one, in order: a row is
/// buffered once per idempotency key (the first wins, as `ON CONFLICT DO NOTHING` would have
/// it); a cancel marks the rows buffered before it and is kept for the rows already in the
/// table; [`flush`] runs the cancels before the inserts, which is the same thing, since a
/// cancel never reaches a row buffered after it and an insert never changes a row that exists.
#[derive(Default)]
pub struct Pending {
    rows: Vec<(NewRow, State)>,
    keys: HashSet<String>,
    cancels: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Pending,
    Cancelled,
}

impl Pending {
    /// Buffers `rows`; a row whose idempotency key is buffered already is dropped.
    pub fn add(&mut self, rows: Vec<NewRow>) {
        for row in rows {
            if self.keys.insert(row.idempotency_key.clone()) {
                self.rows.push((row, State::Pending));
            }
        }
    }

    /// Cancels the not-yet-sent rows of `event_key`: those buffered so far, and those in the table.
    pub fn cancel(&mut self, event_key: &str) {
        for (row, state) in &mut self.rows {
            if row.event_key == event_key {
                *state = State::Cancelled;
                row.recipient.clear();
            }
        }
        if !self.cancels.iter().any(|key| key == event_key) {
            self.cancels.push(event_key.to_owned());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.cancels.is_empty()
    }
}

/// Rows (or cancelled keys) per statement at most: 13 values a row stays far below both
/// databases' limits on bound parameters (SQLite 32,766; PostgreSQL 65,535).
const ROWS_PER_STATEMENT: usize = 500;

/// Writes what `pending` holds (and empties it): the cancels, then the rows, each unless its
/// (event, channel, slot) is there already. Answers how many rows were new.
pub async fn flush(conn: &mut AnyConnection, pending: &mut Pending) -> Result<u64, sqlx::Error> {
    let Pending { rows, cancels, .. } = std::mem::take(pending);
    for keys in cancels.chunks(ROWS_PER_STATEMENT) {
        let list = (1..=keys.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "UPDATE notification_outbox SET state = 'cancelled', recipient = '', lease_owner = NULL, lease_until = NULL \
             WHERE state = 'pending' AND event_key IN ({list})"
        );
        let mut query = sqlx::query(&sql);
        for key in keys {
            query = query.bind(key);
        }
        query.execute(&mut *conn).await?;
    }
    let mut new = 0;
    for rows in rows.chunks(ROWS_PER_STATEMENT) {
        new += insert(conn, rows).await?;
    }
    Ok(new)
}

async fn insert(conn: &mut AnyConnection, rows: &[(NewRow, State)]) -> Result<u64, sqlx::Error> {
    const COLUMNS: usize = 13;
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let p = |c: usize| format!("${}", r * COLUMNS + c);
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 0, {}, {})",
                p(1), p(2), p(3), p(4), p(5), p(6), p(7), p(8), p(9), p(10), p(11), p(12), p(13)
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO notification_outbox (idempotency_key, event_key, channel, slot, application_number, kind, language, \
         recipient, subject, body, state, attempts, due_at, created_at) VALUES {} ON CONFLICT DO NOTHING",
        values.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for (row, state) in rows {
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
            .bind(match state {
                State::Pending => "pending",
                State::Cancelled => "cancelled",
            })
            .bind(to_ms(row.due_at))
            .bind(to_ms(row.created_at));
    }
    Ok(query.execute(conn).await?.rows_affected())
}

/// Seals the recipients that rows written before recipients were sealed still hold in clear
/// (once, at start-up: `server::prepare`). Answers how many.
pub async fn seal_clear_recipients(pool: &sqlx::AnyPool, key: &DataKey) -> Result<u64, sqlx::Error> {
    let clear: Vec<(String, String)> =
        sqlx::query_as("SELECT idempotency_key, recipient FROM notification_outbox WHERE recipient <> '' AND recipient NOT LIKE 'x1:%'")
            .fetch_all(pool)
            .await?;
    let mut sealed = 0;
    for (idempotency_key, recipient) in clear {
        let text = key.seal(&idempotency_key, &recipient).map_err(|_| sqlx::Error::Protocol("no random nonce to seal with".into()))?;
        sealed += sqlx::query("UPDATE notification_outbox SET recipient = $1 WHERE idempotency_key = $2 AND recipient = $3")
            .bind(text)
            .bind(&idempotency_key)
            .bind(&recipient)
            .execute(pool)
            .await?
            .rows_affected();
    }
    Ok(sealed)
}

/// A row claimed for sending.
#[derive(Clone, Debug, FromRow)]
pub struct Claimed {
    pub idempotency_key: String,
    pub channel: String,
    pub application_number: String,
    /// Sealed: the sender opens it right before delivery.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(event_key: &str, slot: i64) -> NewRow {
        let at = DateTime::from_timestamp_millis(0).unwrap_or_default();
        NewRow {
            idempotency_key: format!("{event_key}/{slot}"),
            event_key: event_key.to_owned(),
            channel: "sms",
            slot,
            application_number: "2418211947256".to_owned(),
            kind: "referral_issued",
            language: "kk",
            recipient: "x1:sealed".to_owned(),
            subject: String::new(),
            body: String::new(),
            due_at: at,
            created_at: at,
        }
    }

    fn states(pending: &Pending) -> Vec<(&str, State)> {
        pending.rows.iter().map(|(row, state)| (row.idempotency_key.as_str(), *state)).collect()
    }

    #[test]
    fn buffered_writes_end_as_the_statements_one_by_one_would() {
        let mut pending = Pending::default();
        // A cancel reaches the rows buffered before it (and is kept for the table's rows) ...
        pending.add(vec![row("window:1", 0), row("log:7", 0)]);
        pending.cancel("window:1");
        // ... never a row buffered after it; a row buffered twice is written once, the first.
        pending.add(vec![row("referral:1", 0), row("log:7", 0)]);
        pending.cancel("window:1");
        assert_eq!(states(&pending), [("window:1/0", State::Cancelled), ("log:7/0", State::Pending), ("referral:1/0", State::Pending)]);
        assert!(pending.rows[0].0.recipient.is_empty(), "a cancelled row keeps no recipient");
        assert_eq!(pending.cancels, ["window:1"]);
        assert!(!pending.is_empty());
        assert!(Pending::default().is_empty());
    }
}
