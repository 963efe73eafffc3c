//! The scheduler: each job of a [`Registry`] runs in a task of its own, every period, on the
//! injected clock. A job that fails or panics is logged, counted, reported by
//! `GET /api/health` and retried after a back-off (the period doubled per failure in a row,
//! at most [`MAX_BACKOFF`]); the other jobs go on. A run that takes longer than [`JOB_TIMEOUT`]
//! is abandoned (its transaction rolls back) and counts as a failure.
//!
//! | job | what | rule |
//! | --- | --- | --- |
//! | `bulletin` | the 18:00 vacancy bulletin | 24.3 |
//! | `deadlines` | deadlines that ran out: referrals expire (seats return), originals missed (archived), windows and temporary stays end | 22, 24.4, 25.4, Appendix 4 item 8 |
//! | `age_out` | archived on the 1 September the child is 6 | 18, 24.9 |
//! | `early_booking` | early-booking seats become free seats on their day | 24.6 |
//! | `windows` | the 07:00 access windows, after the ones above | 24.4 |
//!
//! **Order without a chain.** `jobs::tick` ran the windows last so that seats and
//! applications freed by the others are counted. Here a job may name jobs it runs `after`: it
//! runs at the earliest instant its prerequisites have all succeeded at (never later than the
//! clock), and waits while one of them has never succeeded. So the windows never run ahead of
//! the archiving jobs, and a failing archiving job holds the windows back (reported by health)
//! rather than letting them open for children who should have left the queue.
//!
//! Jobs are idempotent (see `jobs.rs`): a retry after a failure or a timeout changes nothing
//! more than one run would.

use crate::error::ApiError;
use crate::jobs;
use crate::wire::rfc3339;
use crate::state::AppState;
use crate::store::Store;
use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::task::JoinHandle;

/// The longest wait between retries of a failing job.
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// A run taking longer than this is abandoned and counts as a failure.
pub const JOB_TIMEOUT: Duration = Duration::from_secs(120);

type JobFuture = Pin<Box<dyn Future<Output = Result<u64, ApiError>> + Send>>;
type JobFn = Arc<dyn Fn(Store, DateTime<Utc>) -> JobFuture + Send + Sync>;

/// A named job: an async function of the store and an instant, returning how much it did.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    run: JobFn,
    after: &'static [&'static str],
}

impl Job {
    pub fn new<F, Fut>(name: &'static str, run: F) -> Job
    where
        F: Fn(Store, DateTime<Utc>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<u64, ApiError>> + Send + 'static,
    {
        Job { name, run: Arc::new(move |store, now| Box::pin(run(store, now))), after: &[] }
    }

    /// Runs only up to the instant every job in `names` has succeeded at (see the module docs).
    pub fn after(mut self, names: &'static [&'static str]) -> Job {
        self.after = names;
        self
    }
}

/// The jobs a server runs.
#[derive(Clone)]
pub struct Registry {
    jobs: Vec<Job>,
}

impl Registry {
    pub fn new(jobs: Vec<Job>) -> Registry {
        Registry { jobs }
    }

    /// The service's jobs (the module table), the same as [`jobs::tick`] runs.
    pub fn standard() -> Registry {
        Registry::new(standard_jobs())
    }

    /// This registry with `job` added (tests add failing ones).
    pub fn with(mut self, job: Job) -> Registry {
        self.jobs.push(job);
        self
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.jobs.iter().map(|j| j.name).collect()
    }
}

/// The jobs of [`Registry::standard`].
pub fn standard_jobs() -> Vec<Job> {
    vec![
        Job::new("bulletin", |store, now| async move { jobs::publish_bulletin(&store, now).await }),
        Job::new("deadlines", |store, now| async move { jobs::settle_deadlines(&store, now).await }),
        Job::new("age_out", |store, now| async move { jobs::age_out(&store, now).await }),
        Job::new("early_booking", |store, now| async move { jobs::free_early_bookings(&store, now).await }),
        Job::new("windows", |store, now| async move { jobs::open_windows(&store, now).await }).after(&["deadlines", "age_out", "early_booking"]),
        Job::new("retention", |store, now| async move { jobs::erase_personal_data(&store, now).await }),
    ]
}

/// What health reports of one job.
#[derive(Clone, Debug, Default)]
pub struct JobRecord {
    /// The clock instant of the last successful run (what the job has processed up to).
    pub last_success: Option<DateTime<Utc>>,
    pub last_failure: Option<DateTime<Utc>>,
    /// `panic`, `timeout` or the error's code; never data.
    pub last_error: Option<String>,
    pub failures_in_a_row: u32,
    pub runs: u64,
    pub failures: u64,
}

/// Every job's record, shared by the scheduler and `GET /api/health`.
#[derive(Default)]
pub struct JobBoard {
    records: Mutex<BTreeMap<&'static str, JobRecord>>,
}

impl JobBoard {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, JobRecord>> {
        // A record is plain data: one a panicking thread left is still usable.
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn register(&self, names: &[&'static str]) {
        let mut records = self.lock();
        for name in names {
            records.entry(name).or_default();
        }
    }

    fn succeeded(&self, name: &'static str, at: DateTime<Utc>) {
        let mut records = self.lock();
        let record = records.entry(name).or_default();
        record.last_success = Some(at);
        record.failures_in_a_row = 0;
        record.runs += 1;
    }

    fn failed(&self, name: &'static str, at: DateTime<Utc>, error: String) -> u32 {
        let mut records = self.lock();
        let record = records.entry(name).or_default();
        record.last_failure = Some(at);
        record.last_error = Some(error);
        record.failures_in_a_row = record.failures_in_a_row.saturating_add(1);
        record.runs += 1;
        record.failures += 1;
        record.failures_in_a_row
    }

    /// The instant a job after `names` may run at: the earliest of their last successes and
    /// `now`; `None` while one of them has never succeeded.
    fn horizon(&self, names: &[&str], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let records = self.lock();
        names.iter().try_fold(now, |earliest, name| records.get(name)?.last_success.map(|at| earliest.min(at)))
    }

    /// A copy of every record, by name.
    pub fn records(&self) -> BTreeMap<&'static str, JobRecord> {
        self.lock().clone()
    }

    /// The records as `GET /api/health` shows them.
    pub fn to_json(&self) -> Value {
        let instant = |at: Option<DateTime<Utc>>| at.map(rfc3339);
        let jobs: Vec<Value> = self
            .records()
            .into_iter()
            .map(|(name, r)| {
                json!({
                    "name": name,
                    "lastSuccess": instant(r.last_success),
                    "lastFailure": instant(r.last_failure),
                    "lastError": r.last_error,
                    "failuresInARow": r.failures_in_a_row,
                    "runs": r.runs,
                    "failures": r.failures,
                })
            })
            .collect();
        Value::Array(jobs)
    }
}

/// Starts one supervised task per job of `registry`, each running every `period`.
pub fn spawn(state: Arc<AppState>, registry: Registry, period: Duration) -> Vec<JoinHandle<()>> {
    state.jobs.register(&registry.names());
    registry.jobs.into_iter().map(|job| tokio::spawn(supervise(state.clone(), job, period))).collect()
}

async fn supervise(state: Arc<AppState>, job: Job, period: Duration) {
    loop {
        let wait = match run_once(&state, &job).await {
            Ok(()) => period,
            Err(failures_in_a_row) => backoff(period, failures_in_a_row),
        };
        tokio::time::sleep(wait).await;
    }
}

/// One run of `job`; `Err` with the failures in a row when it failed.
async fn run_once(state: &AppState, job: &Job) -> Result<(), u32> {
    let clock_now = state.clock.now();
    let Some(now) = state.jobs.horizon(job.after, clock_now) else {
        return Ok(());
    };
    let run = (job.run)(state.store.clone(), now);
    let error = match tokio::time::timeout(JOB_TIMEOUT, AssertUnwindSafe(run).catch_unwind()).await {
        Ok(Ok(Ok(done))) => {
            state.jobs.succeeded(job.name, now);
            state.metrics.job_run(job.name, true);
            if done > 0 {
                tracing::info!(job = job.name, done, "job ran");
            }
            return Ok(());
        }
        Ok(Ok(Err(error))) => {
            tracing::warn!(job = job.name, error = %error, "job failed; retrying after a back-off");
            error_code(&error)
        }
        Ok(Err(panic)) => {
            let message = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
            tracing::error!(job = job.name, panic = message.as_deref().unwrap_or("?"), "job panicked; retrying after a back-off");
            "panic".to_string()
        }
        Err(_) => {
            tracing::error!(job = job.name, seconds = JOB_TIMEOUT.as_secs(), "job timed out; retrying after a back-off");
            "timeout".to_string()
        }
    };
    state.metrics.job_run(job.name, false);
    Err(state.jobs.failed(job.name, clock_now, error))
}

fn error_code(error: &ApiError) -> String {
    match error {
        ApiError::Busy => "db.busy".to_string(),
        ApiError::Internal => "internal".to_string(),
        other => other.to_string(),
    }
}

/// `period` doubled per failure in a row, at most [`MAX_BACKOFF`] (never less than `period`).
fn backoff(period: Duration, failures_in_a_row: u32) -> Duration {
    let factor = 1u32.checked_shl(failures_in_a_row.min(16)).unwrap_or(u32::MAX);
    period.saturating_mul(factor).min(MAX_BACKOFF.max(period))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let period = Duration::from_secs(1);
        assert_eq!(backoff(period, 1), Duration::from_secs(2));
        assert_eq!(backoff(period, 3), Duration::from_secs(8));
        assert_eq!(backoff(period, 40), MAX_BACKOFF);
        assert_eq!(backoff(Duration::from_secs(300), 2), Duration::from_secs(300));
    }

    #[test]
    fn a_dependent_job_waits_for_its_prerequisites_and_never_runs_ahead_of_them() {
        let board = JobBoard::default();
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        board.register(&["a", "b", "windows"]);
        assert_eq!(board.horizon(&["a", "b"], t("2026-11-23T02:00:00Z")), None);
        board.succeeded("a", t("2026-11-23T01:59:59Z"));
        assert_eq!(board.horizon(&["a", "b"], t("2026-11-23T02:00:00Z")), None);
        board.succeeded("b", t("2026-11-23T02:00:01Z"));
        assert_eq!(board.horizon(&["a", "b"], t("2026-11-23T02:00:00Z")), Some(t("2026-11-23T01:59:59Z")));
        assert_eq!(board.horizon(&[], t("2026-11-23T02:00:00Z")), Some(t("2026-11-23T02:00:00Z")));
    }
}
