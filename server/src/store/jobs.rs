//! The system's own changes, driven by the clock: deadlines that ran out (rule 22 originals,
//! rule 24.4 windows, Appendix 4 referrals, rule 25.4 temporary stays) and the age limit
//! (rules 18, 24.9). Each application is settled in a transaction of its own, so one bad row
//! never holds up the others, and a retry changes nothing more.

use super::lifecycle::ReferralEnd;
use super::rows::{self, Stored};
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::status::{deadline, ArchiveReason, Event};
use kezek::tlog::EventBody;

impl Store {
    /// Settles every application whose next deadline ran out by `now`; returns how many changed.
    pub async fn settle_due(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let due = rows::applications_where(&mut *self.db.pool.acquire().await?, "next_change_at <= CAST($1 AS BIGINT)", &now.timestamp_millis().to_string()).await?;
        let mut changed = 0;
        for stored in due {
            let settled = in_write_tx!(self, |tx| {
                // Fresh under the lock: a concurrent write may have settled it already.
                let Some(current) = rows::application(tx.conn(), &stored.number.to_string()).await? else { return Ok(false) };
                let settled = self.settle_in(tx, &current, now).await?;
                Ok(settled.status != current.status)
            })?;
            changed += u64::from(settled);
        }
        Ok(changed)
    }

    /// Rules 18, 24.9: archives the applications of children past the age limit on `now`'s
    /// local date (a referral they hold ends with them); returns how many.
    pub async fn age_out(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let today = deadline::local_date(now).to_string();
        let due = rows::applications_where(&mut *self.db.pool.acquire().await?, "ages_out_on <= $1 AND child_slot IS NOT NULL", &today).await?;
        let mut archived = 0;
        for stored in due {
            in_write_tx!(self, |tx| {
                let Some(current) = rows::application(tx.conn(), &stored.number.to_string()).await? else { return Ok(()) };
                self.end_application(tx, &current, &Event::Archived { at: now, reason: ArchiveReason::AgedOut }, "aged_out", now).await
            })?;
            archived += 1;
        }
        Ok(archived)
    }

    /// Ends `stored` by `event` (withdrawn, archived), ending an active referral first with
    /// `referral_reason` in the log; nothing happens to an application already final.
    pub(crate) async fn end_application(&self, tx: &mut crate::db::WriteTx, stored: &Stored, event: &Event, referral_reason: &'static str, now: DateTime<Utc>) -> Result<(), ApiError> {
        let settled = self.settle_in(tx, stored, now).await?;
        if settled.status.is_final() {
            return Ok(());
        }
        let application = stored.number.to_string();
        let entry = match event {
            Event::Withdrawn { .. } => EventBody::Withdrawn { application: application.clone() },
            Event::Archived { reason, .. } => EventBody::Archived { application: application.clone(), reason: reason.code().to_owned() },
            Event::StopListed { reason } => EventBody::StopListed { application: application.clone(), reason: reason.code().to_owned() },
            _ => return Err(ApiError::Internal),
        };
        if let Some(referral) = self.end_referral(tx, &settled, ReferralEnd::ApplicationEnded(referral_reason), now).await? {
            let body = EventBody::ReferralCancelled { application, referral, reason: referral_reason.to_owned() };
            self.log_event(tx, &settled, body, now, now).await?;
        }
        self.transition(tx, &settled, event, Some(entry), None, now).await?;
        Ok(())
    }
}
