//! Seats and the bulletin (rules 24.2, 24.3): kindergartens report seats per age group; the
//! daily bulletin publishes them, and the log commits to the bulletin document as published.

use super::rows::{self, Vacancy};
use super::{log, Store};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use kezek::queue::distribution::GroupKind;
use kezek::status::deadline;
use kezek::tlog::{sha256, Event, EventBody};

/// The `queue` field of `bulletin_published` entries: a bulletin covers every queue.
pub const BULLETIN_LOG_QUEUE: &str = "bulletins";

/// A seat group to load (unpublished until the next bulletin).
#[derive(Clone, Debug)]
pub struct VacancySeed {
    pub id: String,
    pub kindergarten_id: String,
    pub kindergarten_name: String,
    pub locality_code: String,
    pub age_group: i64,
    pub language: String,
    pub stay_mode: String,
    /// `general`, `special` or `sanatorium`.
    pub group_kind: String,
    /// The disorder or profile of a special or sanatorium group; empty for a general one.
    pub group_detail: String,
    pub capacity: i64,
}

/// The bulletin as published (`kezek::contract`): every seat group with its current free count.
pub use kezek::contract::{Bulletin, BulletinVacancy};

impl From<&Vacancy> for BulletinVacancy {
    fn from(v: &Vacancy) -> BulletinVacancy {
        let (group_kind, group_detail) = match &v.seat.kind {
            GroupKind::General => ("general".to_owned(), String::new()),
            GroupKind::Special { disorder } => ("special".to_owned(), disorder.as_str().to_owned()),
            GroupKind::Sanatorium { profile } => ("sanatorium".to_owned(), profile.as_str().to_owned()),
        };
        BulletinVacancy {
            id: v.id.clone(),
            kindergarten_id: v.seat.kindergarten.as_str().to_owned(),
            kindergarten: v.kindergarten_name.clone(),
            locality_code: v.seat.locality.to_string(),
            age_group: v.seat.age_group,
            language: v.language.clone(),
            stay_mode: v.seat.stay_mode.id().to_owned(),
            group_kind,
            group_detail,
            capacity: v.capacity,
            free: v.free,
            admission_mode: v.terms.mode.code().to_owned(),
            admission_starts_on: (v.terms.admission_starts_on != chrono::NaiveDate::MIN).then(|| v.terms.admission_starts_on.to_string()),
            stay_until: v.terms.stay_until.map(|d| d.to_string()),
            published_on: v.published_on.map(|d| d.to_string()),
        }
    }
}

impl Store {
    /// Loads kindergartens and seat groups (demo mode, tests, benchmarks): general seats, free
    /// now, in the next bulletin. Kindergartens report theirs with [`Store::report_seats`].
    pub async fn load_vacancies(&self, vacancies: &[VacancySeed]) -> Result<(), ApiError> {
        in_write_tx!(self, |tx| {
            for v in vacancies {
                sqlx::query("INSERT INTO kindergartens (id, name, locality_code) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                    .bind(&v.kindergarten_id)
                    .bind(&v.kindergarten_name)
                    .bind(&v.locality_code)
                    .execute(tx.conn())
                    .await?;
                sqlx::query(
                    "INSERT INTO vacancies (id, kindergarten_id, locality_code, age_group, language, stay_mode, group_kind, group_detail, capacity, free) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                )
                .bind(&v.id)
                .bind(&v.kindergarten_id)
                .bind(&v.locality_code)
                .bind(v.age_group)
                .bind(&v.language)
                .bind(&v.stay_mode)
                .bind(&v.group_kind)
                .bind(&v.group_detail)
                .bind(v.capacity)
                .execute(tx.conn())
                .await?;
            }
            Ok(())
        })
    }

    /// Registers kindergartens `(id, name, locality)` without seats (reference data: each then
    /// reports its own seats). Idempotent.
    pub async fn load_kindergartens(&self, kindergartens: &[(&str, &str, &str)]) -> Result<(), ApiError> {
        in_write_tx!(self, |tx| {
            for (id, name, locality) in kindergartens {
                sqlx::query("INSERT INTO kindergartens (id, name, locality_code) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
                    .bind(id)
                    .bind(name)
                    .bind(locality)
                    .execute(tx.conn())
                    .await?;
            }
            Ok(())
        })
    }

    /// Rule 24.3: from the bulletin time, today's bulletin exists and lists every seat group
    /// reported for it (by `seatReportBy`, rule 24.2) or before; with it the withdrawn-seats
    /// bulletin of the day (rule 3.9) lists the published groups taken back since the previous
    /// one. Both documents are committed to in the log (the withdrawn-seats one when it lists
    /// any). Returns 1 when this call published them.
    pub async fn publish_bulletin(&self, now: DateTime<Utc>) -> Result<u64, ApiError> {
        let today = deadline::local_date(now);
        if now < deadline::local_time(today, self.policy.bulletin_at).map_err(|_| ApiError::Internal)? {
            return Ok(0);
        }
        in_write_tx!(self, |tx| {
            let created: Option<(String,)> = sqlx::query_as(
                "INSERT INTO bulletins (published_on, published_at) VALUES ($1, $2) ON CONFLICT (published_on) DO NOTHING RETURNING published_on",
            )
            .bind(today.to_string())
            .bind(now.timestamp_millis())
            .fetch_optional(tx.conn())
            .await?;
            if created.is_some() {
                sqlx::query(
                    "UPDATE vacancies SET published_on = $1 WHERE published_on IS NULL AND withdrawn_at IS NULL AND (bulletin_on IS NULL OR bulletin_on <= $1)",
                )
                .bind(today.to_string())
                .execute(tx.conn())
                .await?;
                // The log commits to the bulletin document as published now (its JSON as
                // `GET /api/bulletin` serves it at this instant); free counts change later.
                let document = serde_json::to_vec(&bulletin_on(tx.conn()).await?).map_err(|_| ApiError::Internal)?;
                let body = EventBody::BulletinPublished { bulletin: today.to_string(), digest: sha256(&document) };
                log::append(tx, &Event { at: now, queue: BULLETIN_LOG_QUEUE.to_owned(), body }, now).await?;
                sqlx::query(
                    "UPDATE vacancies SET withdrawal_published_on = $1 WHERE withdrawn_at IS NOT NULL AND withdrawal_published_on IS NULL AND published_on IS NOT NULL",
                )
                .bind(today.to_string())
                .execute(tx.conn())
                .await?;
                // An empty withdrawn-seats bulletin is served (`GET /api/bulletin/withdrawn`) but
                // not committed to: there is nothing in it to protect.
                let withdrawn = super::seats::withdrawn_bulletin_on(tx.conn(), Some(today)).await?;
                if !withdrawn.seats.is_empty() {
                    let document = serde_json::to_vec(&withdrawn).map_err(|_| ApiError::Internal)?;
                    let body = EventBody::BulletinPublished { bulletin: super::seats::withdrawn_bulletin_id(today), digest: sha256(&document) };
                    log::append(tx, &Event { at: now, queue: BULLETIN_LOG_QUEUE.to_owned(), body }, now).await?;
                }
                tracing::info!(day = %today, "bulletin of free places published");
            }
            Ok(u64::from(created.is_some()))
        })
    }

    /// The latest bulletin: every published seat group with its current free count.
    pub async fn bulletin(&self) -> Result<Bulletin, ApiError> {
        bulletin_on(&mut *self.db.pool.acquire().await?).await
    }
}

/// The latest bulletin as `conn` sees it (the publishing job reads it inside its transaction).
pub(crate) async fn bulletin_on(conn: &mut sqlx::AnyConnection) -> Result<Bulletin, ApiError> {
    let published_on: Option<(String,)> =
        sqlx::query_as("SELECT published_on FROM bulletins ORDER BY published_on DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let vacancies = rows::vacancies_where(conn, "v.published_on IS NOT NULL AND v.withdrawn_at IS NULL").await?;
    Ok(Bulletin { published_on: published_on.map(|p| p.0), vacancies: vacancies.iter().map(BulletinVacancy::from).collect() })
}
