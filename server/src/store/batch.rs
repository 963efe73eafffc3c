//! Group commit for claims. At 07:00 most of the cost of a claim is the commit's fsync (one
//! per transaction: about 4-5 ms on the test machine), so claims that arrive together are run
//! by one writer task inside one write transaction, each claim under its own savepoint, and
//! acknowledged only after the single `COMMIT` returns.
//!
//! Each claim keeps its exact semantics: its statements (referral insert, conditional seat
//! decrement, application update) either all stay or, on any error, are rolled back to its
//! savepoint, leaving the other claims of the batch untouched. If the commit itself fails,
//! every claim of the batch answers 503 and its retry (claims are idempotent) finds either
//! the committed referral or nothing.

use super::claims::ReferralView;
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use sqlx::Executor;
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
        let mut tx = match self.db.begin_write().await {
            Ok(tx) => tx,
            Err(error) => {
                let transient = crate::db::is_transient(&error);
                tracing::warn!(error = %error, "claim batch could not start");
                for job in batch {
                    let _ = job.reply.send(Err(if transient { ApiError::Busy } else { ApiError::Internal }));
                }
                return;
            }
        };
        // The log lock first, before any claim takes a row lock (see `log.rs`); claims append
        // their `referral_issued` entry inside their savepoint, so a rolled-back claim leaves
        // no entry and no gap.
        let mut broken = super::log::lock(&mut tx).await.is_err();
        let mut results = Vec::with_capacity(batch.len());
        for job in &batch {
            if broken || tx.conn().execute("SAVEPOINT claim").await.is_err() {
                broken = true;
                break;
            }
            let result = self.claim_in(&mut tx, &job.number, &job.vacancy_id, job.now).await;
            let closed = if result.is_ok() {
                tx.conn().execute("RELEASE SAVEPOINT claim").await.is_ok()
            } else {
                tx.conn().execute("ROLLBACK TO SAVEPOINT claim").await.is_ok()
                    && tx.conn().execute("RELEASE SAVEPOINT claim").await.is_ok()
            };
            if !closed {
                broken = true;
                break;
            }
            results.push(result);
        }
        let committed = if broken {
            tx.rollback().await;
            false
        } else {
            match tx.commit().await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(error = %error, "claim batch commit failed");
                    false
                }
            }
        };
        if !committed {
            for job in batch {
                let _ = job.reply.send(Err(ApiError::Busy));
            }
            return;
        }
        tracing::debug!(claims = batch.len(), "claim batch committed");
        for (job, result) in batch.into_iter().zip(results) {
            if let Ok((referral, true)) = &result {
                tracing::info!(number = %job.number, referral = %referral.id, vacancy = %job.vacancy_id, "referral issued");
            }
            let _ = job.reply.send(result);
        }
    }
}
