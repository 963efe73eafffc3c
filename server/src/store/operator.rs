//! What the operator page reads (issue 11): the applications awaiting originals in a locality,
//! the referrals a kindergarten is to admit, the queue of a kindergarten's special or sanatorium
//! group, the applications due for the monthly check, one application as the staff see it.
//!
//! Every status is the core's, settled at the time of the answer: the page shows deadlines and
//! countdowns with the package's `statusView` on it and derives nothing. Names (from the stored
//! Appendix 1 application) are for the staff at the desk only: no staff answer is logged.

use super::claims::{latest_referral, ReferralView};
use super::rows::{self, Stored, Vacancy};
use super::seats::SeatGroupView;
use super::Store;
use crate::error::ApiError;
use crate::wire::{from_ms, rfc3339};
use chrono::{DateTime, Utc};
use kezek::queue::distribution::GroupKind;
use kezek::queue::{order, QueueKey, QueueKind, State};
use kezek::status::Status;
use serde::Serialize;
use serde_json::Value;

/// A kindergarten and its special and sanatorium groups.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Kindergarten {
    pub id: String,
    pub name: String,
    pub locality_code: String,
    /// `special-speech`, `sanatorium-tuberculosis`, …: the groups that have queues of their own
    /// (rules 13, 14).
    pub groups: Vec<String>,
}

/// A person's name as the application gives it.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    pub last_name: String,
    pub first_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub middle_name: String,
}

/// One application as the staff see it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffApplicationView {
    pub number: String,
    pub queue: String,
    pub category: &'static str,
    pub class: &'static str,
    pub submitted_at: String,
    /// The core's status now: the page calls `statusView` on it.
    pub status: Status,
    pub applicant: Name,
    pub child: Name,
    pub child_birth_date: String,
    /// When the applicant brought the originals, if recorded, and by when they are confirmed
    /// (rule 22: 30 minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrived_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirm_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<ReferralView>,
}

/// A referral to one of the kindergarten's seats, to admit or refuse.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionCandidate {
    pub referral: ReferralView,
    pub seat: SeatGroupView,
    pub application: StaffApplicationView,
}

/// One place in a group's queue.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupQueueEntry {
    pub number: String,
    /// The queue number (rule 3.8) of an application waiting in the queue; none for a referred one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_number: Option<u64>,
    pub class: &'static str,
    pub state: &'static str,
    pub submitted_at: String,
}

/// The queue of one birth year of a kindergarten's special or sanatorium group (rules 13, 14,
/// 21), in the order of rule 21.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupQueue {
    pub queue: String,
    pub birth_year: u16,
    /// `special-speech`, `sanatorium-tuberculosis`.
    pub group: String,
    pub entries: Vec<GroupQueueEntry>,
}

/// An application due for the monthly check of grounds (rule 22).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroundsDue {
    pub application: StaffApplicationView,
    /// The last month checked and its answer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_month: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_confirmed: Option<bool>,
}

fn name(value: &Value) -> Name {
    let text = |key: &str| value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
    Name { last_name: text("lastName"), first_name: text("firstName"), middle_name: text("middleName") }
}

/// `special-speech`, `sanatorium-tuberculosis`: a group kind with its detail, as listed.
fn group_name(kind: &GroupKind) -> Option<String> {
    match kind {
        GroupKind::General => None,
        GroupKind::Special { disorder } => Some(format!("special-{}", disorder.as_str())),
        GroupKind::Sanatorium { profile } => Some(format!("sanatorium-{}", profile.as_str())),
    }
}

impl Store {
    /// Kindergarten `id`, if it exists.
    pub async fn kindergarten(&self, id: &str) -> Result<Option<Kindergarten>, ApiError> {
        let mut conn = self.db.pool.acquire().await?;
        let row: Option<(String, String, String)> =
            sqlx::query_as("SELECT id, name, locality_code FROM kindergartens WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
        let Some((id, name, locality_code)) = row else { return Ok(None) };
        let seats = rows::vacancies_where_text(&mut conn, "v.kindergarten_id = $1", &id).await?;
        let mut groups: Vec<String> = seats.iter().filter_map(|v| group_name(&v.seat.kind)).collect();
        groups.sort();
        groups.dedup();
        Ok(Some(Kindergarten { id, name, locality_code, groups }))
    }

    /// The kindergartens of `locality`.
    pub async fn kindergartens_of(&self, locality: &str) -> Result<Vec<Kindergarten>, ApiError> {
        let ids: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM kindergartens WHERE locality_code = $1 ORDER BY id").bind(locality).fetch_all(&self.db.pool).await?;
        let mut all = Vec::new();
        for (id,) in ids {
            all.extend(self.kindergarten(&id).await?);
        }
        Ok(all)
    }

    /// `stored` as the staff see it at `now`.
    pub async fn staff_view(&self, stored: &Stored, now: DateTime<Utc>) -> Result<StaffApplicationView, ApiError> {
        let d = self.deadlines();
        let number = stored.number.to_string();
        let mut conn = self.db.pool.acquire().await?;
        let personal: Option<(String,)> = sqlx::query_as("SELECT personal FROM applications WHERE number = $1").bind(&number).fetch_optional(&mut *conn).await?;
        // Sealed at rest (issue 15); erased after the retention period, no names.
        let personal: Value = personal.and_then(|(text,)| self.data_key.open(&number, &text).ok()).and_then(|text| serde_json::from_str(&text).ok()).unwrap_or(Value::Null);
        let status = stored.status_at(now, &d)?;
        let (arrived_at, confirm_by) = match (&status, self.originals_arrived_at(&mut conn, &number).await?) {
            (Status::AwaitingOriginals { .. }, Some(at)) => (Some(rfc3339(at)), Some(rfc3339(d.originals_confirm_by(at).map_err(|_| ApiError::Internal)?))),
            _ => (None, None),
        };
        Ok(StaffApplicationView {
            queue: stored.queue.to_string(),
            category: stored.category.id(),
            class: stored.class.code(),
            submitted_at: rfc3339(stored.submitted_at),
            status,
            applicant: name(&personal["applicant"]),
            child: name(&personal["child"]),
            child_birth_date: stored.child_birth.to_string(),
            arrived_at,
            confirm_by,
            referral: latest_referral(&mut conn, &number).await?,
            number,
        })
    }

    /// Rule 22: the applications of `locality` awaiting their originals at `now`, the earliest
    /// deadline first.
    pub async fn awaiting_originals(&self, locality: u32, now: DateTime<Utc>) -> Result<Vec<StaffApplicationView>, ApiError> {
        let d = self.deadlines();
        let waiting = rows::applications_where(&mut *self.db.pool.acquire().await?, "state = $1", "awaiting_originals").await?;
        let mut waiting: Vec<Stored> = waiting.into_iter().filter(|s| s.queue.locality() == locality).collect();
        waiting.sort_by_key(|s| s.submitted_at);
        let mut views = Vec::new();
        for stored in waiting {
            if matches!(stored.status_at(now, &d)?, Status::AwaitingOriginals { .. }) {
                views.push(self.staff_view(&stored, now).await?);
            }
        }
        Ok(views)
    }

    /// Rules 31-35: the active referrals to kindergarten `kindergarten`'s seats at `now`.
    pub async fn referrals_to_admit(&self, kindergarten: &str, now: DateTime<Utc>) -> Result<Vec<AdmissionCandidate>, ApiError> {
        let d = self.deadlines();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.application_number, r.vacancy_id FROM referrals r JOIN vacancies v ON v.id = r.vacancy_id \
             WHERE v.kindergarten_id = $1 AND r.state = 'active' ORDER BY r.issued_at",
        )
        .bind(kindergarten)
        .fetch_all(&self.db.pool)
        .await?;
        let mut all = Vec::new();
        for (number, vacancy_id) in rows {
            let Some(stored) = self.application(&number).await? else { continue };
            // A referral that ran out is not to be admitted on (the deadline job ends it).
            if !matches!(stored.status_at(now, &d)?, Status::Referred { .. }) {
                continue;
            }
            let Some(vacancy) = self.seat_group(&vacancy_id).await? else { continue };
            let application = self.staff_view(&stored, now).await?;
            let Some(referral) = application.referral.clone() else { continue };
            all.push(AdmissionCandidate { referral, seat: SeatGroupView::from(&vacancy), application });
        }
        Ok(all)
    }

    /// Rules 13, 14, 21: the queues of kindergarten `kindergarten`'s special and sanatorium
    /// groups, one per birth year, each in the order of rule 21.
    pub async fn group_queues(&self, kindergarten: &str) -> Result<Vec<GroupQueue>, ApiError> {
        let keys: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT queue_key FROM applications").fetch_all(&self.db.pool).await?;
        let mut keys: Vec<QueueKey> = keys
            .into_iter()
            .filter_map(|(k,)| QueueKey::parse(&k).ok())
            .filter(|k| match k.kind() {
                QueueKind::Special { kindergarten: kg, .. } | QueueKind::Sanatorium { kindergarten: kg, .. } => kg.as_str() == kindergarten,
                QueueKind::General => false,
            })
            .collect();
        keys.sort();
        let mut queues = Vec::new();
        for key in keys {
            let text = key.to_string();
            let entries = self.queue_entries(&text).await?;
            let submitted = |e: &kezek::queue::Entry| rfc3339(from_ms(e.submitted_at * 1000));
            let mut listed: Vec<GroupQueueEntry> = order(&entries, &self.policy.order)
                .into_iter()
                .enumerate()
                .map(|(i, e)| GroupQueueEntry { number: e.number.to_string(), queue_number: Some(i as u64 + 1), class: e.class.code(), state: e.state.code(), submitted_at: submitted(e) })
                .collect();
            listed.extend(entries.iter().filter(|e| e.state == State::Referred).map(|e| GroupQueueEntry {
                number: e.number.to_string(),
                queue_number: None,
                class: e.class.code(),
                state: e.state.code(),
                submitted_at: submitted(e),
            }));
            let group = match key.kind() {
                QueueKind::Special { disorder, .. } => format!("special-{}", disorder.as_str()),
                QueueKind::Sanatorium { profile, .. } => format!("sanatorium-{}", profile.as_str()),
                QueueKind::General => continue,
            };
            queues.push(GroupQueue { queue: text, birth_year: key.birth_year(), group, entries: listed });
        }
        Ok(queues)
    }

    /// Rule 22: the applications of `locality` whose grounds the monthly check covers
    /// (servicemen's and special state body employees' children, not final), with their last
    /// answer.
    pub async fn grounds_due(&self, locality: u32, now: DateTime<Utc>) -> Result<Vec<GroundsDue>, ApiError> {
        let d = self.deadlines();
        let live = rows::applications_where(&mut *self.db.pool.acquire().await?, "class = $1 AND child_slot IS NOT NULL", "extraordinary").await?;
        let mut due = Vec::new();
        for stored in live.into_iter().filter(|s| s.queue.locality() == locality) {
            if stored.status_at(now, &d)?.is_final() {
                continue;
            }
            let last: Option<(String, i64)> =
                sqlx::query_as("SELECT month, confirmed FROM grounds_checks WHERE application_number = $1 ORDER BY month DESC LIMIT 1")
                    .bind(stored.number.to_string())
                    .fetch_optional(&self.db.pool)
                    .await?;
            due.push(GroundsDue { application: self.staff_view(&stored, now).await?, last_month: last.as_ref().map(|l| l.0.clone()), last_confirmed: last.map(|l| l.1 == 1) });
        }
        due.sort_by(|a, b| a.application.submitted_at.cmp(&b.application.submitted_at));
        Ok(due)
    }

    /// The seat group of a referral, for its kindergarten's scope.
    pub async fn referral_seat(&self, referral_id: &str) -> Result<Option<Vacancy>, ApiError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT vacancy_id FROM referrals WHERE id = $1").bind(referral_id).fetch_optional(&self.db.pool).await?;
        match row {
            Some((vacancy,)) => self.seat_group(&vacancy).await,
            None => Ok(None),
        }
    }
}
