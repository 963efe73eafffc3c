//! The provider's operations on applications (rules 20.3, 20.6, 22, 31-35): each a core
//! transition with its log entry, recording who did it and when. (Seats and the operator's
//! reads: `vacancies.rs`, `reads.rs`.)

use super::rows::{self, Stored};
use super::Store;
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::status::Event;
use kezek::tlog::EventBody;

impl Store {
    /// Rule 22: the provider compared the originals; the application is registered in the queue.
    /// Confirming again answers the application as it is.
    pub async fn confirm_originals(&self, stored: &Stored, now: DateTime<Utc>) -> Result<Stored, ApiError> {
        in_write_tx!(self, |tx| {
            let current = rows::application(tx.conn(), &stored.number.to_string()).await?.ok_or(ApiError::Internal)?;
            // Already confirmed (a retry): nothing to do. A late confirmation gets the core's
            // refusal (the originals deadline passed).
            if !matches!(current.status, kezek::status::Status::AwaitingOriginals { .. }) {
                return Ok(current);
            }
            let entry = EventBody::OriginalsConfirmed { application: current.number.to_string() };
            self.transition(tx, &current, &Event::OriginalsConfirmed { at: now }, Some(entry), None, now).await
        })
    }
}
