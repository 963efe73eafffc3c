//! Accepting an application (rule 24.1), exactly once per Idempotency-Key.
//!
//! The browser is never trusted: the body goes through the core's own rules again
//! ([`Application::from_draft`], the same call the page makes), then the Appendix 3 check of
//! the documents ([`checklist::missing`], rules 5-6), then rule 17 (one live application per
//! child and queue slot, a unique keyed hash of the child's IIN). What is stored is the
//! normalised application ([`Application::to_draft`]), never the raw body.
//!
//! Its first status is the core's [`Status::accepted`]: awaiting the originals when the
//! checklist lists anything the state systems do not hold (rule 22), else registered in the
//! queue at once. The `accepted` notification (with the originals deadline) is written in the
//! same transaction (`notices.rs`); a retry with the same Idempotency-Key inserts nothing, so
//! it notifies nothing again.

use super::{log, Store};
use crate::db::{is_unique_violation, WriteTx};
use crate::error::ApiError;
use crate::secrets::{new_application_number, new_token, open_token, random_bytes, seal_token, sha256_hex};
use crate::error::ApiIssue;
use chrono::{DateTime, Utc};
use kezek::application::{Application, Draft};
use kezek::checklist::{self, ChecklistRequest, Validity};
use kezek::i18n::Lang;
use kezek::iin::Iin;
use kezek::status::Status;
use kezek::tlog::{Commitment, Event, EventBody};
use serde_json::Value;

/// Attempts at drawing an unused application number before giving up (collisions are ~1e-5).
const NUMBER_ATTEMPTS: usize = 5;

/// An application loaded in bulk and what it got.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub number: String,
    pub token: String,
    pub queue_key: String,
}

/// Who submits, as the backend knows it (not as the form says).
#[derive(Clone, Debug, Default)]
pub struct Submitter {
    /// The signed-in person: the form's applicant must be them.
    pub applicant: Option<Iin>,
    /// Whether the state systems confirm the priority ground (the state-grounds adapter);
    /// when not, the confirmation is brought as an original (Appendix 2 item 8).
    pub grounds_confirmed: bool,
}

/// The answer to a submission (`kezek::contract`); a retry with the same Idempotency-Key gets
/// the same answer.
pub use kezek::contract::SubmitAnswer;

impl Store {
    /// Validates and stores an application submitted at `now`; messages in `lang`.
    pub async fn submit(&self, body: &Value, idempotency_key: Option<&str>, submitter: &Submitter, now: DateTime<Utc>, lang: Lang) -> Result<SubmitAnswer, ApiError> {
        let d = self.deadlines();
        let today = kezek::status::deadline::local_date(now);
        let issues = |issues: Vec<kezek::application::Issue>| ApiError::Invalid(issues.iter().map(|i| ApiIssue::new(&i.field, i.code, &i.message(lang))).collect());
        let draft = Draft::from_value(body).map_err(|_| {
            let report = kezek::application::unreadable_report(lang);
            ApiError::Invalid(report.errors.into_iter().map(|m| ApiIssue { field: m.field, code: m.code, message: m.message }).collect())
        })?;
        let app = Application::from_draft(&draft, today).map_err(issues)?;
        if let Some(signed_in) = &submitter.applicant {
            if *signed_in != app.applicant.iin {
                return Err(ApiError::invalid("applicant.iin", "applicant.not_you", &kezek::i18n::text(lang, "applicant.not_you")));
            }
        }
        // Rules 5-6, Appendix 3: what the applicant must supply and did not.
        let processed_on = d.processing_day(now).map_err(|_| ApiError::Internal)?;
        let request = ChecklistRequest::for_application(&app, processed_on, submitter.grounds_confirmed);
        let missing = checklist::missing(&request, today, &self.calendar, lang);
        if !missing.is_empty() {
            return Err(ApiError::Invalid(
                missing
                    .iter()
                    .map(|item| {
                        let key = if item.status == Some(Validity::Expired) { "documents.missing.expired" } else { "documents.missing.missing" };
                        ApiIssue::new("documents", "documents.missing", &kezek::i18n::format(lang, key, &[("document", &item.title)]))
                    })
                    .collect(),
            ));
        }
        let new = self.prepare(&app, now, submitter.grounds_confirmed, lang)?;
        let body_hash = sha256_hex(new.normalised.as_bytes());
        let key_hash = idempotency_key.map(|k| sha256_hex(k.as_bytes()));
        if let (Some(key), Some(key_hash)) = (idempotency_key, &key_hash) {
            if let Some(answer) = self.replay(key, key_hash, &body_hash).await? {
                return Ok(answer);
            }
        }
        for _ in 0..NUMBER_ATTEMPTS {
            let number = new_application_number().map_err(|_| ApiError::Internal)?;
            let token = new_token().map_err(|_| ApiError::Internal)?;
            let mut tx = self.db.begin_write().await?;
            match self.insert(&mut tx, &number, &token, &new, idempotency_key, key_hash.as_deref(), &body_hash, now).await {
                Ok(answer) => {
                    tx.commit().await?;
                    tracing::info!(number = %number, queue = %new.queue, class = app.category.class().code(), "application accepted");
                    return Ok(answer);
                }
                Err(Inserted::Failed(error)) => {
                    tx.rollback().await;
                    return Err(error);
                }
                Err(Inserted::Duplicate) => tx.rollback().await,
            }
            // A concurrent retry with the same key won, the child is already queued, or the
            // number was taken.
            if let (Some(key), Some(key_hash)) = (idempotency_key, &key_hash) {
                if let Some(answer) = self.replay(key, key_hash, &body_hash).await? {
                    return Ok(answer);
                }
            }
            if self.slot_taken(&new.slot).await? {
                return Err(duplicate(lang));
            }
        }
        Err(ApiError::Internal)
    }

    async fn slot_taken(&self, slot: &str) -> Result<bool, ApiError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT number FROM applications WHERE child_slot = $1").bind(slot).fetch_optional(&self.db.pool).await?;
        Ok(row.is_some())
    }

    /// Inserts the application, its idempotency key and its `application_accepted` log entry
    /// in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn insert(
        &self,
        tx: &mut WriteTx,
        number: &str,
        token: &str,
        new: &NewApplication<'_>,
        idempotency_key: Option<&str>,
        key_hash: Option<&str>,
        body_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<SubmitAnswer, Inserted> {
        log::lock(tx).await?;
        let taken: Option<(String,)> = sqlx::query_as("SELECT number FROM applications WHERE child_slot = $1").bind(&new.slot).fetch_optional(tx.conn()).await?;
        if taken.is_some() {
            return Err(Inserted::Duplicate);
        }
        let accepted = self.insert_row(tx, number, token, new, now).await?;
        // Rules 23, 29: the applicant is told it was accepted (and when the originals are due),
        // keyed by the acceptance's log entry.
        let parsed = kezek::queue::ApplicationNumber::parse(number).map_err(|_| Inserted::Failed(ApiError::Internal))?;
        self.notify_accepted(tx, parsed, &new.status, &new.app.notifications, new.lang, &format!("log:{accepted}"), now).await?;
        if let (Some(key), Some(key_hash)) = (idempotency_key, key_hash) {
            let sealed = seal_token(token, key).ok_or(Inserted::Failed(ApiError::Internal))?;
            sqlx::query("INSERT INTO idempotency_keys (key_hash, body_hash, application_number, token_sealed, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(key_hash)
                .bind(body_hash)
                .bind(number)
                .bind(sealed)
                .bind(now.timestamp_millis())
                .execute(tx.conn())
                .await?;
        }
        Ok(answer(number, token, &new.queue, now, new.status.clone()))
    }

    /// Inserts the `applications` row of `new`, submitted at `at`, and its
    /// `application_accepted` log entry (returns its index): one statement for submissions and
    /// bulk loading.
    async fn insert_row(&self, tx: &mut WriteTx, number: &str, token: &str, new: &NewApplication<'_>, at: DateTime<Utc>) -> Result<u64, Inserted> {
        let salt = random_bytes::<32>().map_err(|_| Inserted::Failed(ApiError::Internal))?;
        let d = self.deadlines();
        let app = new.app;
        // Issue 15: the personal data is stored sealed (`secrets::DataKey`), never in clear.
        let sealed = self.data_key.seal(number, &new.normalised).map_err(|_| Inserted::Failed(ApiError::Internal))?;
        sqlx::query(
            "INSERT INTO applications (number, queue_key, class, category, stay_mode, child_birth_date, submitted_at, status, state, \
             queue_state, next_change_at, ages_out_on, child_key, child_slot, applicant_key, token_hash, salt, lang, personal) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(number)
        .bind(&new.queue)
        .bind(app.category.class().code())
        .bind(app.category.id())
        .bind(app.queue.stay_mode.id())
        .bind(app.child.iin.birth_date().to_string())
        .bind(at.timestamp_millis())
        .bind(serde_json::to_string(&new.status).map_err(|_| Inserted::Failed(ApiError::Internal))?)
        .bind(new.status.code())
        .bind(new.status.queue_state().map(|s| s.code()))
        .bind(new.status.next_change(&d).map_err(|_| Inserted::Failed(ApiError::Internal))?.map(|t| t.timestamp_millis()))
        .bind(app.ages_out_on().map(|day| day.to_string()))
        .bind(&new.child_key)
        .bind(&new.slot)
        .bind(self.applicant_key(&app.applicant.iin))
        .bind(sha256_hex(token.as_bytes()))
        .bind(hex::encode(salt))
        .bind(new.lang.code())
        .bind(sealed)
        .execute(tx.conn())
        .await?;
        if new.status.queue_state().is_some() {
            super::snapshots::bump_queue_version(tx, &new.queue).await?;
        }
        // The log commits to the normalised application with this application's own salt.
        let details = Commitment::new(&salt, new.normalised.as_bytes());
        let awaiting_originals = matches!(new.status, Status::AwaitingOriginals { .. });
        let body = EventBody::ApplicationAccepted { application: number.to_owned(), details, awaiting_originals };
        let key = kezek::queue::QueueKey::parse(&new.queue).map_err(|_| ApiError::Internal)?;
        let queue = super::aliases::public_key(tx.conn(), &key).await?.to_string();
        Ok(log::append(tx, &Event { at, queue, body }, at).await?)
    }

    /// The typed application and what its row needs, from a body, as of `today`.
    fn prepare<'a>(&self, app: &'a Application, submitted_at: DateTime<Utc>, grounds_confirmed: bool, lang: Lang) -> Result<NewApplication<'a>, ApiError> {
        let d = self.deadlines();
        let processed_on = d.processing_day(submitted_at).map_err(|_| ApiError::Internal)?;
        let request = ChecklistRequest::for_application(app, processed_on, grounds_confirmed);
        let queue = app.queue_key().map_err(|_| ApiError::invalid("applicant.locality.code", "locality.code", &kezek::i18n::text(lang, "locality.code")))?;
        let child_key = self.child_key(&app.child.iin);
        // Rule 17: one live application per child; with a PMPC conclusion, one per kind of
        // queue (general, special, sanatorium).
        let slot = if app.has_pmpc() { format!("{child_key}:{:?}", app.queue.kind.queue_type()) } else { format!("{child_key}:any") };
        Ok(NewApplication {
            app,
            queue: queue.to_string(),
            status: Status::accepted(submitted_at, checklist::needs_originals(&request)),
            child_key,
            slot,
            normalised: serde_json::to_string(&app.to_draft()).map_err(|_| ApiError::Internal)?,
            lang,
        })
    }

    /// Loads applications in bulk (demo mode, tests, benchmarks), each through the core's
    /// rules as of `today_at`, submitted at its own instant, with its originals confirmed an
    /// hour later when it needs them (rule 22), in one transaction. A second application of a
    /// child already loaded (rule 17) is skipped.
    pub async fn load_applications(&self, applications: &[(Value, DateTime<Utc>)], today_at: DateTime<Utc>) -> Result<Vec<Seeded>, ApiError> {
        self.load(applications, today_at, true).await
    }

    /// Loads applications in bulk as submitted, leaving their originals to the department
    /// (demo mode: the operator's desk has applications waiting).
    pub async fn load_submitted(&self, applications: &[(Value, DateTime<Utc>)], today_at: DateTime<Utc>) -> Result<Vec<Seeded>, ApiError> {
        self.load(applications, today_at, false).await
    }

    async fn load(&self, applications: &[(Value, DateTime<Utc>)], today_at: DateTime<Utc>, confirm_originals: bool) -> Result<Vec<Seeded>, ApiError> {
        let today = kezek::status::deadline::local_date(today_at);
        let mut tx = self.db.begin_write().await?;
        // Loaded applications are not news to anyone: no notifications.
        tx.without_notifications();
        log::lock(&mut tx).await?;
        let mut seeded = Vec::with_capacity(applications.len());
        for (body, submitted_at) in applications {
            let draft = Draft::from_value(body).map_err(|_| ApiError::Internal)?;
            let app = Application::from_draft(&draft, today).map_err(|issues| {
                let codes: Vec<&str> = issues.iter().map(|i| i.code).collect();
                tracing::error!(?codes, "a loaded application breaks the rules");
                ApiError::Internal
            })?;
            // The grounds are confirmed by the state systems when the originals are, so an
            // application left to the department brings its grounds' originals too.
            let new = self.prepare(&app, *submitted_at, confirm_originals, Lang::Kk)?;
            let taken: Option<(String,)> = sqlx::query_as("SELECT number FROM applications WHERE child_slot = $1").bind(&new.slot).fetch_optional(tx.conn()).await?;
            if taken.is_some() {
                continue;
            }
            let number = new_application_number().map_err(|_| ApiError::Internal)?;
            let token = new_token().map_err(|_| ApiError::Internal)?;
            self.insert_row(&mut tx, &number, &token, &new, *submitted_at).await.map_err(|e| match e {
                Inserted::Failed(error) => error,
                Inserted::Duplicate => ApiError::Internal,
            })?;
            if confirm_originals && matches!(new.status, Status::AwaitingOriginals { .. }) {
                let stored = super::rows::application(tx.conn(), &number).await?.ok_or(ApiError::Internal)?;
                let confirmed = *submitted_at + chrono::TimeDelta::hours(1);
                let entry = EventBody::OriginalsConfirmed { application: number.clone() };
                self.transition(&mut tx, &stored, &kezek::status::Event::OriginalsConfirmed { at: confirmed }, Some(entry), None, confirmed).await?;
            }
            seeded.push(Seeded { number, token, queue_key: new.queue.clone() });
        }
        tx.commit().await?;
        Ok(seeded)
    }

    /// The first answer for `key_hash`, if that key was used: the same application gives it
    /// back, another is refused (`idempotency.mismatch`).
    async fn replay(&self, key: &str, key_hash: &str, body_hash: &str) -> Result<Option<SubmitAnswer>, ApiError> {
        let row: Option<(String, String, String, String, i64, String)> = sqlx::query_as(
            "SELECT k.body_hash, k.token_sealed, a.number, a.queue_key, a.submitted_at, a.status \
             FROM idempotency_keys k JOIN applications a ON a.number = k.application_number WHERE k.key_hash = $1",
        )
        .bind(key_hash)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some((stored_hash, sealed, number, queue, submitted_at, status)) = row else { return Ok(None) };
        if stored_hash != body_hash {
            return Err(ApiError::invalid("Idempotency-Key", "idempotency.mismatch", "This Idempotency-Key was used with a different application"));
        }
        let token = open_token(&sealed, key).ok_or(ApiError::Internal)?;
        let status_value: Value = serde_json::from_str(&status).map_err(|_| ApiError::Internal)?;
        let status = Status::from_value(&status_value).map_err(|_| ApiError::Internal)?;
        let at = DateTime::from_timestamp_millis(submitted_at).ok_or(ApiError::Internal)?;
        Ok(Some(answer(&number, &token, &queue, at, status)))
    }
}

struct NewApplication<'a> {
    app: &'a Application,
    queue: String,
    status: Status,
    child_key: String,
    slot: String,
    normalised: String,
    lang: Lang,
}

fn answer(number: &str, token: &str, queue: &str, at: DateTime<Utc>, status: Status) -> SubmitAnswer {
    SubmitAnswer {
        number: number.to_owned(),
        token: token.to_owned(),
        submitted_at: at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        queue: queue.to_owned(),
        status,
    }
}

/// Rule 17: the child already has a live application in this kind of queue.
fn duplicate(_lang: Lang) -> ApiError {
    ApiError::Conflict("application.duplicate")
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
