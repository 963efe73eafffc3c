//! Group commit for claims. At 07:00 most of the cost of a claim is the commit's fsync (one
//! per transaction: about 4-5 ms on the test machine) and the round trips to the database, so
//! claims that arrive together are run by one writer task inside one write transaction that
//! reads what they need once ([`ClaimContext`]), and are acknowledged only after the single
//! `COMMIT` returns.
//!
//! The batch's rows are written together as well: the claims' contacts are read with their
//! applications (one statement), and the referral rows (`ClaimContext`), log rows (`log.rs`),
//! outbox rows and cancelled reminders (`notify::outbox::Pending`) of every referral the batch
//! issues wait and go out in a few statements before the commit, in the same transaction. Per
//! referral there remain the seat's conditional `UPDATE` and the application's new status.
//!
//! Each claim keeps its exact semantics without a savepoint of its own: a claim is refused
//! (409, 404, 401, the core's refusal) only before it writes anything, so a refused claim leaves
//! the transaction as it found it, apart from deadlines it settled, which stand whatever
//! happens next (`lifecycle.rs`). Anything else — a database error, a broken invariant — aborts
//! the whole transaction; then each claim of the batch runs again alone in its own
//! transaction, so one bad claim never costs the others their answer. If a commit fails, the
//! claims answer 503 and their retries (claims are idempotent) find either the committed
//! referral or nothing.

use super::claims::{ClaimContext, ReferralView};
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

/// Claims per transaction at most: bounds the time the writer lock is held.
const MAX_BATCH: usize = 64;
/// Claims waiting for the writer at most; beyond that callers wait to enqueue.
const QUEUE_DEPTH: usize = 4096;

type ClaimResult = Result<(ReferralView, bool), ApiError>;

struct ClaimJob {
    number: String,
    vacancy_id: String,
    now: DateTime<Utc>,
    reply: oneshot::Sender<ClaimResult>,
}

/// The handle HTTP handlers claim through.
#[derive(Clone)]
pub struct ClaimQueue {
    sender: mpsc::Sender<ClaimJob>,
}

impl ClaimQueue {
    /// Starts the writer task for `store`.
    pub fn start(store: Store) -> ClaimQueue {
        let (sender, receiver) = mpsc::channel(QUEUE_DEPTH);
        tokio::spawn(writer(store, receiver));
        ClaimQueue { sender }
    }

    /// Claims `vacancy_id` for application `number` at `now` (the rules: `claims.rs`). The one
    /// claim path: the API and every test go through it.
    pub async fn claim(&self, store: &Store, number: String, vacancy_id: String, now: DateTime<Utc>) -> ClaimResult {
        if let Some(answer) = store.claim_fast_path(&number, &vacancy_id).await? {
            return answer;
        }
        let (reply, answer) = oneshot::channel();
        self.sender.send(ClaimJob { number, vacancy_id, now, reply }).await.map_err(|_| ApiError::Internal)?;
        answer.await.map_err(|_| ApiError::Internal)?
    }
}

async fn writer(store: Store, mut receiver: mpsc::Receiver<ClaimJob>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        store.run_claim_batch(batch).await;
    }
}

impl Store {
    async fn run_claim_batch(&self, batch: Vec<ClaimJob>) {
        match self.claim_together(&batch).await {
            Ok(results) => {
                tracing::debug!(claims = batch.len(), "claim batch committed");
                for (job, result) in batch.into_iter().zip(results) {
                    job.answer(result);
                }
            }
            Err(error) if batch.len() == 1 => {
                if let Some(job) = batch.into_iter().next() {
                    job.answer(Err(error));
                }
            }
            Err(_) => {
                // Find the claim that broke the batch: every claim alone.
                for job in batch {
                    let result = match self.claim_together(std::slice::from_ref(&job)).await {
                        Ok(mut results) => results.pop().unwrap_or(Err(ApiError::Internal)),
                        Err(error) => Err(error),
                    };
                    job.answer(result);
                }
            }
        }
    }

    /// Runs `batch` in one write transaction: the answer of each claim, or the error that
    /// aborted the transaction (rolled back, nothing of it stays).
    async fn claim_together(&self, batch: &[ClaimJob]) -> Result<Vec<ClaimResult>, ApiError> {
        let mut tx = self.db.begin_write().await.map_err(|error| {
            tracing::warn!(error = %error, "claim batch could not start");
            if crate::db::is_transient(&error) { ApiError::Busy } else { ApiError::Internal }
        })?;
        let results = async {
            // The log lock first, before any claim takes a row lock (see `log.rs`).
            super::log::lock(&mut tx).await?;
            let numbers: Vec<&str> = batch.iter().map(|job| job.number.as_str()).collect();
            let vacancy_ids: Vec<&str> = batch.iter().map(|job| job.vacancy_id.as_str()).collect();
            let mut context = ClaimContext::prefetch(tx.conn(), &numbers, &vacancy_ids).await?;
            // Their contacts too, for the messages of the referrals issued (`notices.rs`).
            super::notices::prefetch_contacts(&mut tx, &numbers).await?;
            let mut results = Vec::with_capacity(batch.len());
            for job in batch {
                match self.claim_in(&mut tx, &mut context, &job.number, &job.vacancy_id, job.now).await {
                    // Refused before writing: the transaction is as the claim found it.
                    Err(refusal) if is_refusal(&refusal) => results.push(Err(refusal)),
                    Err(error) => return Err(error),
                    Ok(claimed) => results.push(Ok(claimed)),
                }
            }
            // The batch's referrals, log and outbox rows, in a statement or two each; here
            // rather than in `commit`, so that a failure finds the claim that caused it like
            // any other.
            context.write_referrals(&mut tx).await?;
            tx.flush().await?;
            Ok(results)
        }
        .await;
        let results = match results {
            Ok(results) => results,
            Err(error) => {
                tx.rollback().await;
                return Err(error);
            }
        };
        tx.commit().await.map_err(|error| {
            tracing::warn!(error = %error, "claim batch commit failed");
            ApiError::Busy
        })?;
        for (job, result) in batch.iter().zip(&results) {
            if let Ok((referral, true)) = result {
                tracing::info!(number = %job.number, referral = %referral.id, vacancy = %job.vacancy_id, "referral issued");
            }
        }
        Ok(results)
    }
}

impl ClaimJob {
    fn answer(self, result: ClaimResult) {
        let _ = self.reply.send(result);
    }
}

/// Whether `error` is a claim's refusal (which `claim_in` only gives before it writes) rather
/// than a failure that leaves its transaction in doubt.
fn is_refusal(error: &ApiError) -> bool {
    !matches!(error, ApiError::Busy | ApiError::Internal | ApiError::Timeout)
}
