//! Submitting an application (rule 24.1), exactly once per Idempotency-Key.

use super::{log, Store};
use crate::db::WriteTx;
use kezek::tlog::{Commitment, Event, EventBody};
use crate::db::is_unique_violation;
use crate::error::ApiError;
use crate::kztime::{end_of_local_day, local_date, rfc3339, to_ms, from_ms};
use crate::secrets::{new_application_number, sha256_hex};
use crate::validation::{validate, Submission};
use kezek::i18n::Lang;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

/// Rule 29: originals within 5 working days of submission.
pub const ORIGINALS_WORKING_DAYS: i64 = 5;
/// Attempts at drawing an unused application number before giving up (collisions are ~1e-5).
const NUMBER_ATTEMPTS: usize = 5;

/// The answer to a submission; a retry with the same Idempotency-Key gets the same answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubmitAnswer {
    pub number: String,
    /// Secret: proves the right to claim, cancel, extend and withdraw. Shown once; keep it.
    pub token: String,
    pub submitted_at: String,
    pub queues: Vec<QueueRef>,
    /// Rule 29: last local day to bring the originals.
    pub originals_due: String,
    /// The instant that day ends in Kazakhstan.
    pub originals_due_at: String,
    pub state: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueRef {
    pub key: String,
    pub locality_code: String,
    pub birth_year: i32,
    pub kind: String,
}

impl Store {
    /// Validates and stores an application submitted at `now`.
    pub async fn submit(&self, body: &Value, idempotency_key: Option<&str>, now: DateTime<Utc>, lang: Lang) -> Result<SubmitAnswer, ApiError> {
        let today = local_date(now);
        let submission = validate(body, today, lang).map_err(ApiError::Invalid)?;
        // serde_json's map is ordered by key, so this hash is the same for the same JSON value.
        let body_text = serde_json::to_string(body).map_err(|_| ApiError::Internal)?;
        let body_hash = sha256_hex(body_text.as_bytes());
        let key_hash = idempotency_key.map(|k| sha256_hex(k.as_bytes()));
        if let Some(key_hash) = &key_hash {
            if let Some(answer) = self.replay(key_hash, &body_hash).await? {
                return Ok(answer);
            }
        }
        let originals_due = self
            .calendar
            .add_working_days(today, ORIGINALS_WORKING_DAYS)
            .map_err(|_| ApiError::invalid("", "calendar.range", "Date outside the supported calendar"))?;
        for _ in 0..NUMBER_ATTEMPTS {
            let number = new_application_number().map_err(|_| ApiError::Internal)?;
            if self.insert(&number, &submission, &body_text, key_hash.as_deref(), &body_hash, now, originals_due).await? {
                tracing::info!(number = %number, queue = %submission.queue_key(), class = submission.class.code(), "application submitted");
                return Ok(self.answer(&number, &submission.queue_key(), now, originals_due, "queued"));
            }
            // Either a concurrent retry with the same key won, or the number was taken.
            if let Some(key_hash) = &key_hash {
                if let Some(answer) = self.replay(key_hash, &body_hash).await? {
                    return Ok(answer);
                }
            }
        }
        Err(ApiError::Internal)
    }

    /// Inserts the application, its idempotency key and its `application_accepted` log entry
    /// in one transaction. `Ok(false)`: a uniqueness violation (number taken, or a concurrent
    /// retry with the same key committed first); nothing was written, nothing logged.
    #[allow(clippy::too_many_arguments)]
    async fn insert(
        &self,
        number: &str,
        s: &Submission,
        body_text: &str,
        key_hash: Option<&str>,
        body_hash: &str,
        now: DateTime<Utc>,
        originals_due: NaiveDate,
    ) -> Result<bool, ApiError> {
        let mut tx = self.db.begin_write().await?;
        let result = self.insert_in(&mut tx, number, s, body_text, key_hash, body_hash, now, originals_due).await;
        match result {
            Ok(()) => {
                tx.commit().await?;
                Ok(true)
            }
            Err(Inserted::Duplicate) => {
                tx.rollback().await;
                Ok(false)
            }
            Err(Inserted::Failed(error)) => {
                tx.rollback().await;
                Err(error)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_in(
        &self,
        tx: &mut WriteTx,
        number: &str,
        s: &Submission,
        body_text: &str,
        key_hash: Option<&str>,
        body_hash: &str,
        now: DateTime<Utc>,
        originals_due: NaiveDate,
    ) -> Result<(), Inserted> {
        log::lock(tx).await?;
        let token_hash = sha256_hex(self.secret.token_for(number).as_bytes());
        insert_application_row(tx, number, &token_hash, s, now, originals_due, false, body_text).await?;
        if let Some(key_hash) = key_hash {
            sqlx::query("INSERT INTO idempotency_keys (key_hash, body_hash, application_number, created_at) VALUES ($1, $2, $3, $4)")
                .bind(key_hash)
                .bind(body_hash)
                .bind(number)
                .bind(to_ms(now))
                .execute(tx.conn())
                .await?;
        }
        log::append(tx, &self.accepted_event(number, &s.queue_key(), body_text, now), now).await?;
        Ok(())
    }

    /// The `application_accepted` event: the number and a salted commitment to the application
    /// as submitted (its JSON), never the data itself.
    pub(crate) fn accepted_event(&self, number: &str, queue_key: &str, body_text: &str, at: DateTime<Utc>) -> Event {
        let details = Commitment::new(&self.secret.commitment_salt("application", number), body_text.as_bytes());
        Event { at, queue: queue_key.to_string(), body: EventBody::ApplicationAccepted { application: number.to_string(), details } }
    }

    /// The first answer for `key_hash`, if that key was used: the same body gives it back, a
    /// different body is refused (`idempotency.mismatch`).
    async fn replay(&self, key_hash: &str, body_hash: &str) -> Result<Option<SubmitAnswer>, ApiError> {
        let row: Option<(String, String, String, i64, String, String)> = sqlx::query_as(
            "SELECT k.body_hash, a.number, a.queue_key, a.submitted_at, a.originals_due, a.state \
             FROM idempotency_keys k JOIN applications a ON a.number = k.application_number WHERE k.key_hash = $1",
        )
        .bind(key_hash)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((stored_hash, number, queue_key, submitted_at, originals_due, state)) = row else {
            return Ok(None);
        };
        if stored_hash != body_hash {
            return Err(ApiError::invalid(
                "Idempotency-Key",
                "idempotency.mismatch",
                "This Idempotency-Key was used with a different application",
            ));
        }
        let due = originals_due.parse::<NaiveDate>().map_err(|_| ApiError::Internal)?;
        Ok(Some(self.answer(&number, &queue_key, from_ms(submitted_at), due, &state)))
    }

    fn answer(&self, number: &str, queue_key: &str, submitted_at: DateTime<Utc>, originals_due: NaiveDate, state: &str) -> SubmitAnswer {
        SubmitAnswer {
            number: number.to_string(),
            token: self.secret.token_for(number),
            submitted_at: rfc3339(submitted_at),
            queues: vec![queue_ref(queue_key)],
            originals_due: originals_due.to_string(),
            originals_due_at: rfc3339(end_of_local_day(originals_due)),
            state: state.to_string(),
        }
    }
}

/// Why an insert wrote nothing.
enum Inserted {
    Duplicate,
    Failed(ApiError),
}

impl From<sqlx::Error> for Inserted {
    fn from(error: sqlx::Error) -> Inserted {
        if is_unique_violation(&error) {
            Inserted::Duplicate
        } else {
            Inserted::Failed(error.into())
        }
    }
}

impl From<ApiError> for Inserted {
    fn from(error: ApiError) -> Inserted {
        Inserted::Failed(error)
    }
}

/// Splits a queue key `locality-year-kind` back into its parts.
pub fn queue_ref(key: &str) -> QueueRef {
    let mut parts = key.splitn(3, '-');
    let locality_code = parts.next().unwrap_or_default().to_string();
    let birth_year = parts.next().and_then(|y| y.parse().ok()).unwrap_or_default();
    let kind = parts.next().unwrap_or_default().to_string();
    QueueRef { key: key.to_string(), locality_code, birth_year, kind }
}


/// The `applications` row of a validated submission: one statement for submissions and for the
/// demo's loaded applications (which come with their originals already confirmed).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_application_row(
    tx: &mut WriteTx,
    number: &str,
    token_hash: &str,
    s: &Submission,
    submitted_at: DateTime<Utc>,
    originals_due: NaiveDate,
    originals_confirmed: bool,
    body_text: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO applications (number, token_hash, queue_key, locality_code, child_birth_date, kind, class, category, \
         language, stay_mode, submitted_at, originals_due, originals_confirmed, ages_out_on, state, body_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'queued', $15)",
    )
    .bind(number)
    .bind(token_hash)
    .bind(s.queue_key())
    .bind(&s.locality_code)
    .bind(s.child_birth_date.to_string())
    .bind(&s.kind)
    .bind(s.class.code())
    .bind(&s.category)
    .bind(&s.language)
    .bind(&s.stay_mode)
    .bind(to_ms(submitted_at))
    .bind(originals_due.to_string())
    .bind(i64::from(originals_confirmed))
    .bind(s.ages_out_on.map(|d| d.to_string()))
    .bind(body_text)
    .execute(tx.conn())
    .await?;
    Ok(())
}
