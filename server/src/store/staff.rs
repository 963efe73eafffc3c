//! The staff's operations (issue 11): every write of the service provider's staff is recorded in
//! `staff_operations` — who did what, on what, when, in which role and scope — in the same
//! transaction as the change itself (and its public log entries), together with the answer
//! given. That one table is
//!
//! * **the action history** the operator page shows ([`Store::staff_history`]), and
//! * **the idempotency record**: a request retried with the same `Idempotency-Key` by the same
//!   person finds its operation and gets the same answer, without the change happening twice
//!   ([`Store::replayed`]); the same key with a different request is refused
//!   (`idempotency.mismatch`).
//!
//! Store operations run their body inside `staff_write!` (`store/mod.rs`), which looks the key
//! up under the log lock first, then records the operation after the body.

use super::Store;
use crate::db::WriteTx;
use crate::error::ApiError;
use crate::secrets::{random_bytes, sha256_hex};
use crate::wire::{from_ms, rfc3339, to_ms};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// A staff member acting, in one role and scope.
#[derive(Clone, Debug)]
pub struct StaffAct {
    pub issuer: String,
    pub subject: String,
    /// The name the identity provider gave, for the history.
    pub name: String,
    /// `education_department` or `kindergarten`.
    pub role: &'static str,
    /// The locality of the operation (a kindergarten's own locality for a kindergarten).
    pub locality: String,
    pub kindergarten: Option<String>,
    /// The request's `Idempotency-Key`, if it sent one.
    pub key: Option<String>,
    /// SHA-256 of the request (method, path, body): what the key stands for.
    pub request_hash: String,
}

impl StaffAct {
    fn key_hash(&self) -> Option<String> {
        self.key.as_ref().map(|key| sha256_hex(format!("{}\n{}\n{key}", self.issuer, self.subject).as_bytes()))
    }
}

/// What a staff write answers: an HTTP status and a JSON body, kept for retries.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffAnswer {
    pub status: u16,
    pub body: Value,
}

impl StaffAnswer {
    /// 200 with `body`.
    pub fn ok(body: &impl Serialize) -> Result<StaffAnswer, ApiError> {
        Ok(StaffAnswer { status: 200, body: serde_json::to_value(body).map_err(|_| ApiError::Internal)? })
    }

    /// 201 with `body`.
    pub fn created(body: &impl Serialize) -> Result<StaffAnswer, ApiError> {
        Ok(StaffAnswer { status: 201, ..StaffAnswer::ok(body)? })
    }
}

/// What the history records of an operation.
#[derive(Clone, Debug)]
pub struct Record {
    /// `seats_reported`, `seats_withdrawn`, `originals_arrived`, `originals_confirmed`,
    /// `refused`, `priority_changed`, `stop_listed`, `restored`, `grounds_checked`,
    /// `admitted`, `admission_refused`.
    pub action: &'static str,
    /// What it was done to: an application number, a seat group or a referral id, a month.
    pub target: String,
    pub application: Option<String>,
    /// Codes and dates (never a name).
    pub detail: Value,
    pub elapsed_ms: Option<i64>,
}

/// One line of the action history.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kindergarten_id: Option<String>,
    pub action: String,
    pub target: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_number: Option<String>,
    pub detail: Value,
    /// For a confirmation of originals: seconds since the applicant brought them (or since
    /// submission, `detail.measuredFrom`), against the 30-minute standard (rule 22).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub elapsed_seconds: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: String,
    at: i64,
    actor_name: String,
    role: String,
    kindergarten_id: Option<String>,
    action: String,
    target: String,
    application_number: Option<String>,
    detail: String,
    elapsed_ms: Option<i64>,
}

/// Whose operations a reader may see: a department its locality's (its kindergartens'
/// included), a kindergarten its own.
#[derive(Clone, Debug, Default)]
pub struct HistoryScope {
    pub localities: Vec<String>,
    pub kindergartens: Vec<String>,
}

impl Store {
    /// The answer already given to `act`'s key, if it was used: the same request gets it back,
    /// another is refused.
    pub(crate) async fn replayed(&self, tx: &mut WriteTx, act: &StaffAct) -> Result<Option<StaffAnswer>, ApiError> {
        let Some(key_hash) = act.key_hash() else { return Ok(None) };
        let row: Option<(String, i64, String)> = sqlx::query_as("SELECT request_hash, response_status, response FROM staff_operations WHERE key_hash = $1")
            .bind(key_hash)
            .fetch_optional(tx.conn())
            .await?;
        let Some((request_hash, status, response)) = row else { return Ok(None) };
        if request_hash != act.request_hash {
            return Err(ApiError::invalid_code("Idempotency-Key", "idempotency.mismatch"));
        }
        let body = serde_json::from_str(&response).map_err(|_| ApiError::Internal)?;
        Ok(Some(StaffAnswer { status: u16::try_from(status).map_err(|_| ApiError::Internal)?, body }))
    }

    /// Records `act`'s operation with its answer (the history and the idempotency record).
    pub(crate) async fn record(&self, tx: &mut WriteTx, act: &StaffAct, record: &Record, answer: &StaffAnswer, now: DateTime<Utc>) -> Result<String, ApiError> {
        let id = hex::encode(random_bytes::<12>().map_err(|_| ApiError::Internal)?);
        sqlx::query(
            "INSERT INTO staff_operations (id, at, actor_issuer, actor_subject, actor_name, role, locality_code, kindergarten_id, action, target, \
             application_number, detail, elapsed_ms, key_hash, request_hash, response_status, response) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&id)
        .bind(to_ms(now))
        .bind(&act.issuer)
        .bind(&act.subject)
        .bind(&act.name)
        .bind(act.role)
        .bind(&act.locality)
        .bind(&act.kindergarten)
        .bind(record.action)
        .bind(&record.target)
        .bind(&record.application)
        .bind(record.detail.to_string())
        .bind(record.elapsed_ms)
        .bind(act.key_hash())
        .bind(&act.request_hash)
        .bind(i64::from(answer.status))
        .bind(answer.body.to_string())
        .execute(tx.conn())
        .await?;
        Ok(id)
    }

    /// The latest `limit` operations a reader with `scope` may see, newest first.
    pub async fn staff_history(&self, scope: &HistoryScope, limit: u32) -> Result<Vec<HistoryEntry>, ApiError> {
        if scope.localities.is_empty() && scope.kindergartens.is_empty() {
            return Ok(Vec::new());
        }
        // One placeholder per value: `locality_code IN ($1, …) OR kindergarten_id IN (…)`.
        let mut conditions = Vec::new();
        let mut values: Vec<&str> = Vec::new();
        for (column, list) in [("locality_code", &scope.localities), ("kindergarten_id", &scope.kindergartens)] {
            if list.is_empty() {
                continue;
            }
            let marks: Vec<String> = list.iter().map(|v| {
                values.push(v.as_str());
                format!("${}", values.len())
            }).collect();
            conditions.push(format!("{column} IN ({})", marks.join(", ")));
        }
        let sql = format!(
            "SELECT id, at, actor_name, role, kindergarten_id, action, target, application_number, detail, elapsed_ms FROM staff_operations \
             WHERE {} ORDER BY at DESC, id DESC LIMIT {}",
            conditions.join(" OR "),
            limit.min(500)
        );
        let mut query = sqlx::query_as::<_, HistoryRow>(&sql);
        for value in values {
            query = query.bind(value);
        }
        let rows = query.fetch_all(&mut *self.db.pool.acquire().await?).await?;
        rows.into_iter()
            .map(|r| {
                Ok(HistoryEntry {
                    id: r.id,
                    at: rfc3339(from_ms(r.at)),
                    actor: r.actor_name,
                    role: r.role,
                    kindergarten_id: r.kindergarten_id,
                    action: r.action,
                    target: r.target,
                    application_number: r.application_number,
                    detail: serde_json::from_str(&r.detail).map_err(|_| ApiError::Internal)?,
                    elapsed_seconds: r.elapsed_ms.map(|ms| ms / 1000),
                })
            })
            .collect()
    }

    /// When the applicant last brought the originals of application `number` to the desk, if
    /// the staff recorded it (`originals_arrived`).
    pub(crate) async fn originals_arrived_at(&self, conn: &mut sqlx::AnyConnection, number: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT MAX(at) FROM staff_operations WHERE application_number = $1 AND action = 'originals_arrived'")
                .bind(number)
                .fetch_optional(conn)
                .await?;
        Ok(row.and_then(|(at,)| at).map(from_ms))
    }
}
