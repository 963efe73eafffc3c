//! Applications: the answer to a submission (Appendix 1), the applicant's view of one
//! application (rules 23, 24.8), interest (rules 20.2, 20.7) and "my applications".

use super::referrals::ReferralView;
use crate::queue::Position;
use crate::status::Status;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// `POST /api/applications` → 201: a retry with the same Idempotency-Key gets the same answer.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SubmitAnswer {
    /// 13 digits with a Luhn check digit, random (pseudonymous).
    pub number: String,
    /// Secret, for API clients: proves the right to act on the application without a session.
    /// Shown once (and to a retry with the same Idempotency-Key); can be rotated.
    pub token: String,
    pub submitted_at: String,
    /// The queue (`kezek::queue::QueueKey`): the applicant's own view names it as it is, to be
    /// told in words (`describeQueue`).
    pub queue: String,
    /// The core's status: the page shows it with `statusView`.
    pub status: Status,
}

/// `GET /api/applications/{number}/status` and the answer to every change the applicant makes.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationView {
    pub number: String,
    /// The queue (`kezek::queue::QueueKey`).
    pub queue: String,
    /// The queue's public form, which its snapshot and the log name it by: an alias for a
    /// special or sanatorium queue (issue 15), the key itself for a general one.
    pub public_queue: String,
    pub submitted_at: String,
    /// The core's status at the time of the answer: the page calls `statusView` on it.
    pub status: Status,
    /// The queue number (rule 3.8) while the application takes a place (rule 25), by the
    /// core's one definition — the same the browser computes from the snapshot.
    pub position: Option<PositionView>,
    /// The latest referral, if any.
    pub referral: Option<ReferralView>,
    /// While access to referrals is open: the seats of the child's pool.
    pub seats: Vec<SeatView>,
    /// The child's seat group today (age group on 1 September, rule 28; hours of stay): which
    /// places of the bulletin are for this application (the page's estimate counts them).
    pub pool: PoolView,
}

/// The child's seat group today.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PoolView {
    /// Full years on 1 September of the current school year (rule 28).
    pub age_group: u8,
    /// `full_day`, `part_day` or `round_the_clock`.
    pub stay_mode: String,
}

/// Where the application stands (rule 3.8): its number and who is ahead, by class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PositionView {
    pub queue_number: u64,
    pub ahead_extraordinary: u64,
    pub ahead_priority: u64,
    pub ahead_general: u64,
}

impl From<Position> for PositionView {
    fn from(p: Position) -> PositionView {
        PositionView { queue_number: p.queue_number, ahead_extraordinary: p.ahead.extraordinary, ahead_priority: p.ahead.priority, ahead_general: p.ahead.general }
    }
}

/// A seat of the child's pool while access to referrals is open (rules 24.4, 24.5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SeatView {
    pub vacancy_id: String,
    pub kindergarten: String,
    pub language: String,
    pub age_group: u8,
    pub stay_mode: String,
    pub free: u32,
    /// Whether this window may take it now (rule 24.10).
    pub claimable: bool,
}

/// `GET /api/me/applications`: every application of the signed-in person, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Tsify)]
pub struct MyApplications {
    pub applications: Vec<ApplicationView>,
}

/// `POST /api/applications/{number}/interest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct Interest {
    /// `false`: not interested in a seat for now (rule 20.7); default `true` (rule 20.2).
    #[serde(default = "yes")]
    pub interested: bool,
}

fn yes() -> bool {
    true
}

/// The body of a write without fields (withdraw, a new token): an empty object, still sent as
/// `application/json`, which a form on another site cannot send.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// `POST /api/applications/{number}/token`: the new token, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct TokenAnswer {
    pub number: String,
    pub token: String,
}
