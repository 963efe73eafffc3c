//! The application's operations on the database: each is one short write transaction, or a
//! plain read. HTTP handlers and scheduled jobs call these; none reads the clock itself.

mod batch;
pub mod log;
mod reads;
mod referrals;
mod snapshots;
mod submit;
pub(crate) use submit::insert_application_row;

pub use batch::ClaimQueue;
pub use reads::{ApplicationStatus, Bulletin, BulletinVacancy, WindowView};
pub use referrals::{ExtensionReason, ReferralView};
pub use submit::SubmitAnswer;

use crate::db::Db;
use crate::error::ApiError;
use crate::secrets::{constant_time_eq, sha256_hex, TokenSecret};
use crate::tree::LogTree;
use kezek::calendar::Calendar;
use std::sync::Arc;

/// Everything an operation needs besides `now`.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub calendar: Arc<Calendar>,
    pub secret: TokenSecret,
    /// The public log's tree and signer (see `tree.rs`).
    pub tree: Arc<LogTree>,
}

/// Application states that still stand in the queue (published in snapshots).
pub const LIVE_STATES: &str = "('queued', 'temporary_stay', 'referred')";

/// The application row fields most operations need.
#[derive(Clone, Debug)]
pub struct ApplicationRow {
    pub number: String,
    pub queue_key: String,
    pub locality_code: String,
    pub child_birth_date: String,
    pub kind: String,
    pub class: String,
    pub stay_mode: String,
    pub submitted_at: i64,
    pub state: String,
}

const APPLICATION_COLUMNS: &str =
    "number, queue_key, locality_code, child_birth_date, kind, class, stay_mode, submitted_at, state, token_hash";

type ApplicationTuple = (String, String, String, String, String, String, String, i64, String, String);

fn application_from(t: ApplicationTuple) -> (ApplicationRow, String) {
    let (number, queue_key, locality_code, child_birth_date, kind, class, stay_mode, submitted_at, state, token_hash) = t;
    (ApplicationRow { number, queue_key, locality_code, child_birth_date, kind, class, stay_mode, submitted_at, state }, token_hash)
}

impl Store {
    /// The application `number` if `token` is its claim token. Unknown number and wrong token
    /// give the same error, so the endpoint cannot be used to probe numbers.
    pub async fn authenticate(&self, number: &str, token: &str) -> Result<ApplicationRow, ApiError> {
        let row: Option<ApplicationTuple> =
            sqlx::query_as(&format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE number = $1"))
                .bind(number)
                .fetch_optional(&self.db.pool)
                .await?;
        let (application, token_hash) = row.map(application_from).ok_or(ApiError::Unauthorized)?;
        if constant_time_eq(&sha256_hex(token.as_bytes()), &token_hash) {
            Ok(application)
        } else {
            Err(ApiError::Unauthorized)
        }
    }

    /// Reads application `number` on an open transaction (fresh state under the write lock).
    async fn application_in(conn: &mut sqlx::AnyConnection, number: &str) -> Result<ApplicationRow, ApiError> {
        let row: Option<ApplicationTuple> =
            sqlx::query_as(&format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE number = $1"))
                .bind(number)
                .fetch_optional(conn)
                .await?;
        row.map(|t| application_from(t).0).ok_or(ApiError::Unauthorized)
    }
}

/// Ends an active referral and returns its seat (for the expiry job).
pub(crate) use referrals::{release as referrals_release, Ending};
pub(crate) use reads::bulletin_on;
