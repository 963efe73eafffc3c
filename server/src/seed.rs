//! Bulk loading for demo mode, tests and benchmarks: the store's own operations
//! ([`Store::load_vacancies`], [`Store::load_applications`]), re-exported under one name.

pub use crate::store::{Seeded, VacancySeed};
use crate::error::ApiError;
use crate::store::Store;
use chrono::{DateTime, Utc};
use serde_json::Value;

pub async fn load_vacancies(store: &Store, vacancies: &[VacancySeed]) -> Result<(), ApiError> {
    store.load_vacancies(vacancies).await
}

/// Loads `applications` (body, submission instant), checked as of `today_at`, with their
/// originals confirmed (rule 22), as if submitted earlier.
pub async fn load_applications(store: &Store, applications: &[(Value, DateTime<Utc>)], today_at: DateTime<Utc>) -> Result<Vec<Seeded>, ApiError> {
    store.load_applications(applications, today_at).await
}
