//! Published and personal reads: the vacancy bulletin (rule 24.3), the server's clock (and the
//! demo clock's move), the signed-in person.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// `GET /api/bulletin`: every published seat group with its current free count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Bulletin {
    pub published_on: Option<String>,
    pub vacancies: Vec<BulletinVacancy>,
}

/// One seat group of the bulletin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct BulletinVacancy {
    pub id: String,
    pub kindergarten_id: String,
    pub kindergarten: String,
    pub locality_code: String,
    /// Full years on 1 September of the current school year (rule 28).
    pub age_group: u8,
    pub language: String,
    pub stay_mode: String,
    /// `general`, `special` or `sanatorium`.
    pub group_kind: String,
    /// The disorder or profile of a special or sanatorium group; absent for a general one.
    #[serde(skip_serializing_if = "String::is_empty")]
    #[tsify(optional)]
    pub group_detail: String,
    pub capacity: u32,
    pub free: u32,
    /// The terms of admission (rule 3.3): `general`, `early_booking` or `temporary_stay`.
    pub admission_mode: String,
    /// When admission starts: for an early-booking seat, the day it becomes free.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub admission_starts_on: Option<String>,
    /// The last day of a temporary stay (rule 25.4).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub stay_until: Option<String>,
    /// The bulletin that first listed the group: with `capacity`, the history of the places
    /// published (the page's estimate of the pace, `kezek::queue::estimate`).
    pub published_on: Option<String>,
}

/// `GET /api/time` and the answer to `POST /api/demo/clock`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Time {
    /// RFC 3339, UTC.
    pub now: String,
    /// The same instant in Kazakhstan local time, with its offset.
    pub local: String,
    /// The local date (`YYYY-MM-DD`).
    pub local_date: String,
    /// Whether this is the demo's clock (`POST /api/demo/clock` moves it).
    pub demo: bool,
    /// Whether citizens sign in (then only a signed-in citizen submits).
    pub sign_in: bool,
}

/// `POST /api/demo/clock`: either `advance` (an ISO 8601 duration such as `PT1H`) or `to`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct ClockMove {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub advance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub to: Option<DateTime<Utc>>,
}

/// `GET /api/me`: who is signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub iin: Option<String>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub locale: Option<String>,
    /// `kk`, `ru` or `en`.
    pub lang: String,
    pub roles: Vec<StaffRole>,
    pub expires_at: String,
}

/// One role of a staff member, with its scope (issue 11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum StaffRole {
    /// The education department of a locality (its KATO code, e.g. `750000000`).
    EducationDepartment { locality: String },
    /// The staff of one kindergarten (its id, a `[0-9a-z_]` token, e.g. `kg1`).
    Kindergarten { kindergarten: String },
}
