//! Rows decoded into the core's types at the edge: a typed [`sqlx::FromRow`] struct per table
//! read, turned into a value whose fields are the core's own ([`Status`], [`QueueKey`],
//! [`ApplicationNumber`], …). Code past this module never parses a column again.

use crate::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};
use kezek::application::{Category, StayMode};
use kezek::i18n::Lang;
use kezek::queue::distribution::{GroupKind, Seat, SeatGroup};
use kezek::queue::seat::{AdmissionMode, SeatTerms, WithdrawalReason};
use kezek::queue::{ApplicationNumber, Class, QueueKey, Token};
use kezek::status::{Deadlines, Status};
use sqlx::AnyConnection;

/// The `applications` columns an operation needs.
#[derive(sqlx::FromRow)]
pub(crate) struct ApplicationRow {
    number: String,
    queue_key: String,
    class: String,
    category: String,
    stay_mode: String,
    child_birth_date: String,
    submitted_at: i64,
    status: String,
    applicant_key: String,
    token_hash: String,
    salt: String,
    lang: String,
}

pub(crate) const APPLICATION_COLUMNS: &str =
    "number, queue_key, class, category, stay_mode, child_birth_date, submitted_at, status, applicant_key, token_hash, salt, lang";

/// An application as the core sees it.
#[derive(Clone, Debug)]
pub struct Stored {
    pub number: ApplicationNumber,
    pub queue: QueueKey,
    pub class: Class,
    pub category: Category,
    pub stay_mode: StayMode,
    pub child_birth: NaiveDate,
    pub submitted_at: DateTime<Utc>,
    /// As last written; [`Stored::status_at`] settles it.
    pub status: Status,
    pub applicant_key: String,
    pub(crate) token_hash: String,
    /// The salt of this application's commitments in the public log.
    pub(crate) salt: [u8; 32],
    pub lang: Lang,
}

/// A stored value that does not decode: the database holds what no code path writes.
fn corrupt(what: &str, number: &str) -> ApiError {
    tracing::error!(number, what, "stored application does not decode");
    ApiError::Internal
}

impl TryFrom<ApplicationRow> for Stored {
    type Error = ApiError;

    fn try_from(row: ApplicationRow) -> Result<Stored, ApiError> {
        let n = row.number.as_str();
        let status_value: serde_json::Value = serde_json::from_str(&row.status).map_err(|_| corrupt("status", n))?;
        let salt: [u8; 32] = hex::decode(&row.salt).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| corrupt("salt", n))?;
        Ok(Stored {
            number: ApplicationNumber::parse(n).map_err(|_| corrupt("number", n))?,
            queue: QueueKey::parse(&row.queue_key).map_err(|_| corrupt("queue_key", n))?,
            class: Class::parse(&row.class).ok_or_else(|| corrupt("class", n))?,
            category: Category::parse(&row.category).ok_or_else(|| corrupt("category", n))?,
            stay_mode: StayMode::parse(&row.stay_mode).ok_or_else(|| corrupt("stay_mode", n))?,
            child_birth: row.child_birth_date.parse().map_err(|_| corrupt("child_birth_date", n))?,
            submitted_at: DateTime::from_timestamp_millis(row.submitted_at).ok_or_else(|| corrupt("submitted_at", n))?,
            status: Status::from_value(&status_value).map_err(|_| corrupt("status", n))?,
            applicant_key: row.applicant_key,
            token_hash: row.token_hash,
            salt,
            lang: Lang::parse(&row.lang),
        })
    }
}

impl Stored {
    /// The status at `now`, deadlines applied.
    pub fn status_at(&self, now: DateTime<Utc>, d: &Deadlines) -> Result<Status, ApiError> {
        self.status.settle(now, d).map_err(|_| ApiError::Internal)
    }

    /// The seat group a child of this application belongs to on `today` (rules 24.4, 28).
    pub fn seat_group(&self, today: NaiveDate) -> SeatGroup {
        SeatGroup { age_group: kezek::queue::distribution::age_group(self.child_birth, today), stay_mode: self.stay_mode }
    }
}

/// Application `number`, if it exists.
pub(crate) async fn application(conn: &mut AnyConnection, number: &str) -> Result<Option<Stored>, ApiError> {
    let row: Option<ApplicationRow> = sqlx::query_as(&format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE number = $1"))
        .bind(number)
        .fetch_optional(conn)
        .await?;
    row.map(Stored::try_from).transpose()
}

/// Every application whose column `column` equals `value` (an indexed lookup column).
pub(crate) async fn applications_where(conn: &mut AnyConnection, condition: &str, value: &str) -> Result<Vec<Stored>, ApiError> {
    let rows: Vec<ApplicationRow> = sqlx::query_as(&format!("SELECT {APPLICATION_COLUMNS} FROM applications WHERE {condition}"))
        .bind(value)
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(Stored::try_from).collect()
}

/// The `vacancies` columns.
#[derive(sqlx::FromRow)]
pub(crate) struct VacancyRow {
    id: String,
    kindergarten_id: String,
    kindergarten: String,
    locality_code: String,
    age_group: i64,
    language: String,
    stay_mode: String,
    group_kind: String,
    group_detail: String,
    capacity: i64,
    free: i64,
    published_on: Option<String>,
    offered_on: Option<String>,
    admission_mode: String,
    admission_starts_on: Option<String>,
    stay_until: Option<String>,
    reported_at: Option<i64>,
    bulletin_on: Option<String>,
    withdrawn_at: Option<i64>,
    withdrawal_reason: Option<String>,
    withdrawal_published_on: Option<String>,
}

pub(crate) const VACANCY_COLUMNS: &str = "v.id, v.kindergarten_id, k.name AS kindergarten, v.locality_code, v.age_group, v.language, \
     v.stay_mode, v.group_kind, v.group_detail, v.capacity, v.free, v.published_on, v.offered_on, v.admission_mode, v.admission_starts_on, \
     v.stay_until, v.reported_at, v.bulletin_on, v.withdrawn_at, v.withdrawal_reason, v.withdrawal_published_on";
pub(crate) const VACANCY_FROM: &str = "vacancies v JOIN kindergartens k ON k.id = v.kindergarten_id";

/// A reported seat group, decoded.
#[derive(Clone, Debug)]
pub struct Vacancy {
    pub id: String,
    pub kindergarten_name: String,
    pub language: String,
    pub seat: Seat,
    pub capacity: u32,
    pub free: u32,
    pub published_on: Option<NaiveDate>,
    pub offered_on: Option<NaiveDate>,
    /// The terms of admission as reported (rule 3.3); [`SeatTerms::on`] gives them on a day.
    pub terms: SeatTerms,
    /// When a kindergarten reported it (`None`: loaded in bulk).
    pub reported_at: Option<DateTime<Utc>>,
    /// The day of the bulletin it goes into (`None`: the next one).
    pub bulletin_on: Option<NaiveDate>,
    /// Taken back (rule 25.1): when and why.
    pub withdrawn: Option<(DateTime<Utc>, WithdrawalReason)>,
    /// The day of the withdrawn-seats bulletin that lists it (rule 3.9).
    pub withdrawal_published_on: Option<NaiveDate>,
}

/// The admission start of seats loaded without one: free since before any date that matters.
const FREE_SINCE_EVER: NaiveDate = NaiveDate::MIN;

impl TryFrom<VacancyRow> for Vacancy {
    type Error = ApiError;

    fn try_from(row: VacancyRow) -> Result<Vacancy, ApiError> {
        let id = row.id.as_str();
        let bad = |what: &str| {
            tracing::error!(vacancy = id, what, "stored vacancy does not decode");
            ApiError::Internal
        };
        let token = |text: &str| Token::new(text).map_err(|_| bad("token"));
        let kind = match row.group_kind.as_str() {
            "general" => GroupKind::General,
            "special" => GroupKind::Special { disorder: token(&row.group_detail)? },
            "sanatorium" => GroupKind::Sanatorium { profile: token(&row.group_detail)? },
            _ => return Err(bad("group_kind")),
        };
        let date = |text: Option<String>| text.map(|t| t.parse::<NaiveDate>().map_err(|_| bad("date"))).transpose();
        let instant = |ms: Option<i64>| ms.map(|ms| DateTime::from_timestamp_millis(ms).ok_or_else(|| bad("instant"))).transpose();
        let terms = SeatTerms {
            mode: AdmissionMode::parse(&row.admission_mode).ok_or_else(|| bad("admission_mode"))?,
            admission_starts_on: date(row.admission_starts_on)?.unwrap_or(FREE_SINCE_EVER),
            stay_until: date(row.stay_until)?,
        };
        let withdrawn = match (instant(row.withdrawn_at)?, row.withdrawal_reason) {
            (Some(at), Some(reason)) => Some((at, WithdrawalReason::parse(&reason).map_err(|_| bad("withdrawal_reason"))?)),
            (None, None) => None,
            _ => return Err(bad("withdrawal")),
        };
        Ok(Vacancy {
            terms,
            reported_at: instant(row.reported_at)?,
            bulletin_on: date(row.bulletin_on)?,
            withdrawn,
            withdrawal_published_on: date(row.withdrawal_published_on)?,
            seat: Seat {
                locality: row.locality_code.parse().map_err(|_| bad("locality_code"))?,
                kindergarten: token(&row.kindergarten_id)?,
                kind,
                age_group: u8::try_from(row.age_group).map_err(|_| bad("age_group"))?,
                stay_mode: StayMode::parse(&row.stay_mode).ok_or_else(|| bad("stay_mode"))?,
            },
            capacity: u32::try_from(row.capacity).map_err(|_| bad("capacity"))?,
            free: u32::try_from(row.free).map_err(|_| bad("free"))?,
            published_on: date(row.published_on)?,
            offered_on: date(row.offered_on)?,
            kindergarten_name: row.kindergarten,
            language: row.language,
            id: row.id,
        })
    }
}

/// Vacancies matching a SQL condition on `v` (`v.published_on IS NOT NULL`, …).
pub(crate) async fn vacancies_where(conn: &mut AnyConnection, condition: &str) -> Result<Vec<Vacancy>, ApiError> {
    let rows: Vec<VacancyRow> = sqlx::query_as(&format!("SELECT {VACANCY_COLUMNS} FROM {VACANCY_FROM} WHERE {condition} ORDER BY v.id"))
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(Vacancy::try_from).collect()
}

/// Vacancies matching a SQL condition on `v` with one text value (`$1`).
pub(crate) async fn vacancies_where_text(conn: &mut AnyConnection, condition: &str, value: &str) -> Result<Vec<Vacancy>, ApiError> {
    let rows: Vec<VacancyRow> = sqlx::query_as(&format!("SELECT {VACANCY_COLUMNS} FROM {VACANCY_FROM} WHERE {condition} ORDER BY v.id"))
        .bind(value)
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(Vacancy::try_from).collect()
}

/// Vacancy `id`, if it exists.
pub(crate) async fn vacancy(conn: &mut AnyConnection, id: &str) -> Result<Option<Vacancy>, ApiError> {
    let row: Option<VacancyRow> = sqlx::query_as(&format!("SELECT {VACANCY_COLUMNS} FROM {VACANCY_FROM} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(Vacancy::try_from).transpose()
}

/// The `referrals` columns.
#[derive(sqlx::FromRow)]
pub(crate) struct ReferralRow {
    pub id: String,
    pub application_number: String,
    pub vacancy_id: String,
    pub issued_at: i64,
    pub state: String,
    pub extended_until: Option<String>,
    pub extension_reason: Option<String>,
    pub end_reason: Option<String>,
}

pub(crate) const REFERRAL_COLUMNS: &str =
    "id, application_number, vacancy_id, issued_at, state, extended_until, extension_reason, end_reason";
