//! Scheduled work, all driven by the injected clock and done by the store with the core's
//! rules (no deadline, hour or count here: they come from `kezek::status`). Every job is
//! idempotent: running it twice at the same instant, or after a crash half-way, changes nothing
//! more than running it once. The scheduler runs each on its own; tests call [`tick`] or a
//! single job.
//!
//! | job | what | rule |
//! | --- | --- | --- |
//! | `bulletin` | the daily bulletin of free places | 24.3 |
//! | `deadlines` | deadlines that ran out: originals (archived), windows (closed), referrals (expired, seat back), temporary stays (back in the queue) | 22, 24.4, App. 4 item 8, 25.4 |
//! | `age_out` | archived on the 1 September the child is 6 | 18, 24.9 |
//! | `early_booking` | early-booking seats whose day has come become free seats | 24.6 |
//! | `windows` | the day's access to referrals, after the ones above | 24.4, 24.10 |
//! | `retention` | personal data of applications ended a year ago erased (`kezek::status::retention`) | issue 15; the Rules are silent |

use crate::error::ApiError;
use crate::store::Store;
use chrono::{DateTime, Utc};

/// What one tick did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TickReport {
    pub bulletins: u64,
    pub deadlines: u64,
    pub aged_out: u64,
    pub early_bookings: u64,
    pub windows: u64,
    pub erased: u64,
}

/// Runs every job for `now`, the windows last so that seats and applications freed by the
/// others are counted.
pub async fn tick(store: &Store, now: DateTime<Utc>) -> Result<TickReport, ApiError> {
    Ok(TickReport {
        bulletins: publish_bulletin(store, now).await?,
        deadlines: settle_deadlines(store, now).await?,
        aged_out: age_out(store, now).await?,
        early_bookings: free_early_bookings(store, now).await?,
        windows: open_windows(store, now).await?,
        erased: erase_personal_data(store, now).await?,
    })
}

/// Issue 15: the personal data of applications whose retention period ran out.
pub async fn erase_personal_data(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.erase_expired_personal_data(now).await
}

/// Rule 24.3.
pub async fn publish_bulletin(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.publish_bulletin(now).await
}

/// Rules 22, 24.4, 25.4, Appendix 4 item 8.
pub async fn settle_deadlines(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.settle_due(now).await
}

/// Rules 18, 24.9.
pub async fn age_out(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.age_out(now).await
}

/// Rule 24.6.
pub async fn free_early_bookings(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.free_early_bookings(now).await
}

/// Rules 24.4, 24.10.
pub async fn open_windows(store: &Store, now: DateTime<Utc>) -> Result<u64, ApiError> {
    store.distribute(now).await
}
