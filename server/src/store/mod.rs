//! The database side of the service: every change is one core transition
//! ([`kezek::status::Status::apply`]) and its public log entry in one transaction; SQL lives
//! only in this module.
//!
//! | module | what |
//! |---|---|
//! | [`rows`] | typed rows decoded into core types at the edge |
//! | `lifecycle` | the one way a status changes: settle the deadlines that ran out, apply the event, save, log, notify |
//! | `notices` | the notifications of each change, written in its transaction (rules 23, 24.9) |
//! | `submit` | accepting an application (rules 5-6, 13, 17, 22, 24.1) |
//! | `claims` | referrals: claim (group-committed, `batch`), cancel, extend (rules 24.5, 30) |
//! | `windows` | the daily distribution of seats (rules 24.4, 24.10, 28, 29) |
//! | `jobs` | deadlines that ran out, the age limit, the bulletin (rules 22, 24.3, 24.9, App. 4) |
//! | `vacancies` | seats and the bulletin (rules 24.2, 24.3) |
//! | `seats` | kindergartens' seat reports and withdrawals, early booking turning free, the withdrawn-seats bulletin (rules 3.3-3.9, 24.2, 24.6, 25) |
//! | `provider` | the service provider's operations on applications: originals, refusal, priority, stop-list, the monthly check, admission (rules 20, 22, 31-35) |
//! | `staff` | who did what and when; the answer a retried staff write gets |
//! | `operator` | what the operator page reads: pending originals, referrals to admit, a group's queue |
//! | `reads` | the applicant's status and the published queue |
//! | `log`, `snapshots` | the public register (rule 24.7) |
//! | `aliases` | the public form of a queue key: special and sanatorium queues under an alias (issue 15) |
//! | `retention` | ended applications' personal data erased after the retention period (issue 15) |
//!
//! None of these reads the clock: `now` comes in as an argument.

/// Runs `$body` in a write transaction that holds the log lock ([`log::lock`]: every write may
/// append); `$tx` is `&mut WriteTx` inside. Commits on `Ok`, rolls back on `Err`.
macro_rules! in_write_tx {
    ($store:expr, |$tx:ident| $body:expr) => {{
        let mut transaction = $store.db.begin_write().await?;
        let result: Result<_, $crate::error::ApiError> = async {
            let $tx = &mut transaction;
            $crate::store::log::lock($tx).await?;
            $body
        }
        .await;
        match result {
            Ok(value) => {
                transaction.commit().await?;
                Ok(value)
            }
            Err(error) => {
                transaction.rollback().await;
                Err(error)
            }
        }
    }};
}

/// Runs a staff write (`store/staff.rs`): inside [`in_write_tx`], answers a retried
/// Idempotency-Key from the record, else runs `$body` — which yields `(StaffAnswer, Record)` —
/// and records the operation with its answer in the same transaction.
macro_rules! staff_write {
    ($store:expr, $act:expr, $now:expr, |$tx:ident| $body:expr) => {{
        let act: &$crate::store::StaffAct = $act;
        in_write_tx!($store, |$tx| {
            if let Some(answer) = $store.replayed($tx, act).await? {
                return Ok(answer);
            }
            let done: Result<($crate::store::StaffAnswer, $crate::store::staff::Record), $crate::error::ApiError> = async { $body }.await;
            let (answer, record) = done?;
            $store.record($tx, act, &record, &answer, $now).await?;
            Ok(answer)
        })
    }};
}

pub(crate) mod aliases;
mod batch;
mod claims;
mod applicant;
mod jobs;
mod lifecycle;
pub mod log;
pub(crate) mod notices;
mod operator;
mod provider;
pub mod queue_cache;
mod reads;
mod retention;
pub use retention::ERASED_KEY;
pub mod rows;
mod seats;
mod snapshots;
pub mod staff;
mod submit;
mod vacancies;
mod windows;

pub use batch::ClaimQueue;
pub use claims::{ReferralView, SeatView};
pub use reads::{ApplicationView, PositionView};
pub use rows::{Stored, Vacancy};
pub use operator::{Kindergarten, StaffApplicationView, AdmissionCandidate, GroupQueue, GroupQueueEntry, GroundsDue};
pub use provider::Admission;
pub use seats::{SeatGroupView, WithdrawnBulletin, WithdrawnSeat};
pub use staff::{HistoryEntry, HistoryScope, StaffAct, StaffAnswer};
pub use submit::{Seeded, SubmitAnswer, Submitter};
pub use vacancies::{Bulletin, BulletinVacancy, VacancySeed};

use crate::db::Db;
use crate::error::ApiError;
use crate::secrets::{constant_time_eq, sha256_hex, DataKey, TokenSecret};
use crate::tree::LogTree;
use kezek::calendar::Calendar;
use kezek::status::{Deadlines, ServicePolicy};
use std::sync::Arc;

/// The store's two secrets, each from its own file (`server.rs`).
pub struct Keys {
    pub lookup: TokenSecret,
    pub data: DataKey,
}

/// Everything an operation needs besides `now`.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub calendar: Arc<Calendar>,
    /// The provider's times and counts (rule 24), published at `GET /api/policy`.
    pub policy: Arc<ServicePolicy>,
    /// The lookup key for keyed hashes of IINs.
    pub secret: TokenSecret,
    /// The key the personal data is sealed with at rest (`applications.personal`).
    pub data_key: DataKey,
    /// The public log's tree and signer (see `tree.rs`).
    pub tree: Arc<LogTree>,
    /// Queues held in memory for reads ([`queue_cache`]).
    pub reads: Arc<queue_cache::QueueCache>,
}

impl Store {
    pub fn new(db: Db, calendar: Calendar, policy: ServicePolicy, keys: Keys, tree: LogTree) -> Store {
        let reads = Arc::new(queue_cache::QueueCache::new(queue_cache::DEFAULT_BUDGET));
        let Keys { lookup: secret, data: data_key } = keys;
        Store { db, calendar: Arc::new(calendar), policy: Arc::new(policy), secret, data_key, tree: Arc::new(tree), reads }
    }

    /// Every deadline of the Rules under this provider's policy.
    pub fn deadlines(&self) -> Deadlines<'_> {
        Deadlines::new(&self.calendar, &self.policy)
    }

    /// Application `number` if `token` is its claim token. Unknown number and wrong token give
    /// the same error, so the endpoint cannot be used to probe numbers.
    pub async fn authenticate(&self, number: &str, token: &str) -> Result<Stored, ApiError> {
        let stored = rows::application(&mut *self.db.pool.acquire().await?, number).await?.ok_or(ApiError::Unauthorized)?;
        if constant_time_eq(&sha256_hex(token.as_bytes()), &stored.token_hash) {
            Ok(stored)
        } else {
            Err(ApiError::Unauthorized)
        }
    }

    /// Application `number`, for an identified person's own operations (the caller checks it is
    /// theirs with [`Store::applicant_key`]).
    pub async fn application(&self, number: &str) -> Result<Option<Stored>, ApiError> {
        rows::application(&mut *self.db.pool.acquire().await?, number).await
    }

    /// The lookup form of an applicant's IIN ("my applications", rule 29 siblings).
    pub fn applicant_key(&self, iin: &kezek::iin::Iin) -> String {
        self.secret.keyed_hash("applicant", &iin.as_digits())
    }

    /// The lookup form of a child's IIN (rule 17).
    pub fn child_key(&self, iin: &kezek::iin::Iin) -> String {
        self.secret.keyed_hash("child", &iin.as_digits())
    }
}
