//! Personal data kept no longer than needed (issue 15, `docs/privacy.md`). When an application
//! ends, `lifecycle.rs` stores the instant the core gives for erasing its personal data
//! (`kezek::status::retention`); this job erases it once that instant has passed: the sealed
//! Appendix 1 form, the IIN lookup keys (so it leaves "my applications"), the notification
//! choice, and any recipient still in the outbox. The status, the queue's history and the public
//! log stay: they hold no person.

use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};

/// What the lookup keys of an erased application become (no keyed hash is this short).
pub const ERASED_KEY: &str = "erased";

/// The applications due, as a subquery on `$1` (now, Unix milliseconds).
const DUE: &str = "SELECT number FROM applications WHERE erase_at <= CAST($1 AS BIGINT) AND personal <> ''";

impl Store {
    /// Erases the personal data of every application whose retention ran out by `now`, in one
    /// transaction; returns how many. Running it again changes nothing.
    pub async fn erase_expired_personal_data(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let now = now.timestamp_millis();
        let mut tx = self.db.begin_write().await?;
        for statement in [
            format!("DELETE FROM notification_preferences WHERE application_number IN ({DUE})"),
            format!(
                "UPDATE notification_outbox SET recipient = '', state = CASE WHEN state = 'pending' THEN 'cancelled' ELSE state END \
                 WHERE recipient <> '' AND application_number IN ({DUE})"
            ),
        ] {
            sqlx::query(&statement).bind(now).execute(tx.conn()).await?;
        }
        let erased = sqlx::query(
            "UPDATE applications SET personal = '', child_key = $2, applicant_key = $2 \
             WHERE erase_at <= CAST($1 AS BIGINT) AND personal <> ''",
        )
        .bind(now)
        .bind(ERASED_KEY)
        .execute(tx.conn())
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(erased)
    }
}
