//! Bulk loading of kindergartens, vacancies and applications: demo mode, tests and benchmarks.
//! Applications still pass [`crate::validation::validate`]; they are inserted in one write
//! transaction for speed (thousands of single commits would take seconds with fsync).

use crate::error::ApiError;
use crate::kztime::local_date;
use crate::secrets::{new_application_number, sha256_hex};
use crate::store::Store;
use crate::validation::validate;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// A vacancy to load (unpublished until the next 18:00 bulletin).
#[derive(Clone, Debug)]
pub struct VacancySeed {
    pub id: String,
    pub kindergarten_id: String,
    pub kindergarten_name: String,
    pub locality_code: String,
    pub age_group: i64,
    pub language: String,
    pub stay_mode: String,
    pub group_kind: String,
    pub capacity: i64,
}

/// An application to load and what it got.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub number: String,
    pub token: String,
    pub queue_key: String,
}

pub async fn load_vacancies(store: &Store, vacancies: &[VacancySeed]) -> Result<(), ApiError> {
    let mut tx = store.db.begin_write().await?;
    for v in vacancies {
        sqlx::query("INSERT INTO kindergartens (id, name, locality_code) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(&v.kindergarten_id)
            .bind(&v.kindergarten_name)
            .bind(&v.locality_code)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO vacancies (id, kindergarten_id, locality_code, age_group, language, stay_mode, group_kind, capacity, free) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(&v.id)
        .bind(&v.kindergarten_id)
        .bind(&v.locality_code)
        .bind(v.age_group)
        .bind(&v.language)
        .bind(&v.stay_mode)
        .bind(&v.group_kind)
        .bind(v.capacity)
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Loads `applications` (body, submission instant), validated as of `today_at`, with their
/// originals already confirmed (rule 29), as if submitted earlier.
pub async fn load_applications(store: &Store, applications: &[(Value, DateTime<Utc>)], today_at: DateTime<Utc>) -> Result<Vec<Seeded>, ApiError> {
    let today = local_date(today_at);
    let mut seeded = Vec::with_capacity(applications.len());
    let mut tx = store.db.begin_write().await?;
    crate::store::log::lock(&mut tx).await?;
    for (body, submitted_at) in applications {
        let s = validate(body, today, kezek::i18n::Lang::En).map_err(ApiError::Invalid)?;
        let number = new_application_number().map_err(|_| ApiError::Internal)?;
        let token = store.secret.token_for(&number);
        let token_hash = sha256_hex(token.as_bytes());
        let body_text = body.to_string();
        crate::store::insert_application_row(&mut tx, &number, &token_hash, &s, *submitted_at, local_date(*submitted_at), true, &body_text)
            .await?;
        // Loaded applications are in the public log like submitted ones, at their submission time.
        let accepted = store.accepted_event(&number, &s.queue_key(), &body.to_string(), *submitted_at);
        crate::store::log::append(&mut tx, &accepted, *submitted_at).await?;
        seeded.push(Seeded { number, token, queue_key: s.queue_key() });
    }
    tx.commit().await?;
    Ok(seeded)
}
