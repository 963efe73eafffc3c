//! How long the service keeps an ended application's personal data (issue 15).
//!
//! The Rules (Order No. 254) say nothing about how long the queue management system keeps an
//! application once it has ended; rule 24.9 only says it archives the applications of children
//! who turned six. Personal data should be kept no longer than its purpose needs, and after an
//! application ends the one purpose left is answering the applicant: a complaint about a refusal,
//! a withdrawal or an archiving, or a question at the provider's office. **Decision**: the personal
//! data of an application (names, IINs, address, contacts, documents) is erased
//! [`RETENTION_DAYS`] calendar days after the instant it ended, counted from the status's own
//! instant (admitted, withdrawn, archived) or, for a refusal (which carries none), from when the
//! refusal was recorded. A year covers the appeal periods of an administrative act and a full
//! kindergarten year after it. What stays is what holds no person: the status, the queue, and the
//! public log's entries (which carry only commitments, see `docs/privacy.md`).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use kezek::status::{retention, ArchiveReason, Status};
//!
//! let ended = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
//! let archived = Status::Archived { reason: ArchiveReason::AgedOut, at: ended };
//! let erase = retention::personal_data_erased_at(&archived, ended).unwrap();
//! assert_eq!(erase, Utc.with_ymd_and_hms(2027, 12, 1, 8, 0, 0).unwrap());
//! assert_eq!(retention::personal_data_erased_at(&Status::Queued { interested: true }, ended), None);
//! ```

use super::Status;
use chrono::{DateTime, Duration, Utc};

/// Calendar days an ended application's personal data is kept.
pub const RETENTION_DAYS: i64 = 365;

/// When the personal data of an application in `status` is to be erased: `None` while it has
/// not ended. `recorded` is when the final status was recorded, used when the status carries no
/// instant of its own (a refusal).
pub fn personal_data_erased_at(status: &Status, recorded: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let ended = match status {
        Status::Admitted { at } | Status::Withdrawn { at } | Status::Archived { at, .. } => *at,
        Status::Refused { .. } => recorded,
        _ => return None,
    };
    ended.checked_add_signed(Duration::days(RETENTION_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ArchiveReason;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 5, 0, 0).unwrap()
    }

    #[test]
    fn every_final_status_has_an_erase_instant_a_year_after_it_ended() {
        let recorded = at(2027, 1, 10);
        let cases = [
            (Status::Admitted { at: at(2026, 9, 1) }, at(2027, 9, 1)),
            (Status::Withdrawn { at: at(2026, 2, 28) }, at(2027, 2, 28)),
            (Status::Archived { reason: ArchiveReason::AgedOut, at: at(2027, 3, 1) }, at(2028, 2, 29)),
            (Status::Refused { reasons: Vec::new() }, at(2028, 1, 10)),
        ];
        for (status, expected) in cases {
            assert!(status.is_final());
            assert_eq!(personal_data_erased_at(&status, recorded), Some(expected), "{status:?}");
        }
    }

    #[test]
    fn a_live_application_keeps_its_data() {
        for status in [Status::Queued { interested: false }, Status::StopListed { reason: crate::status::StopReason::Other }] {
            assert_eq!(personal_data_erased_at(&status, at(2026, 1, 1)), None);
        }
    }

    #[test]
    fn an_instant_at_the_end_of_time_gives_none_rather_than_a_panic() {
        assert_eq!(personal_data_erased_at(&Status::Withdrawn { at: DateTime::<Utc>::MAX_UTC }, at(2026, 1, 1)), None);
    }
}
