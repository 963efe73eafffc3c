//! The service provider's staff API (issue 11), under `/api/staff/`: the locality's education
//! department and each kindergarten, signed in through the same OpenID Connect sign-in as
//! citizens, each operation checked against the person's roles and their scope
//! (`crate::auth::Staff`): 401 `auth.required` without a session, 403 `auth.not_staff` without a
//! role, 403 `auth.out_of_scope` outside it — a kindergarten never touches another's seats, a
//! department acts in its own locality only, and neither does the other's work.
//!
//! | module | endpoints | who |
//! |---|---|---|
//! | [`seats`] | `GET`/`POST /api/staff/kindergartens/{id}/seats`, `POST /api/staff/seats/{id}/withdraw` | the kindergarten (reading: its department too) |
//! | [`admissions`] | `GET /api/staff/kindergartens/{id}/referrals`, `POST /api/staff/referrals/{id}/admit`, `…/refuse` | the kindergarten (reading: its department too) |
//! | [`originals`] | `GET /api/staff/localities/{code}/originals`, `POST /api/staff/applications/{number}/originals/arrival`, `…/confirm`, `…/refuse` | the department |
//! | [`applications`] | `GET /api/staff/applications/{number}`, `POST …/priority`, `…/stop-list`, `…/restore` | the department |
//! | [`grounds`] | `GET`/`POST /api/staff/localities/{code}/grounds-check` | the department |
//! | [`kindergartens`] | `GET /api/staff/localities/{code}/kindergartens`, `GET /api/staff/kindergartens/{id}`, `…/queues` | the department; the kindergarten its own |
//! | [`history`] | `GET /api/staff/history` | anyone with a role: the operations in their scopes |
//!
//! Every write is JSON (`Content-Type: application/json`, else 415), honours `Idempotency-Key`
//! (a retry by the same person with the same key and request gets the first answer; the same
//! key with another request 422 `idempotency.mismatch`), and is one transaction: the core's
//! transition, its public log entries and the record of who did it (`store/staff.rs`).

mod admissions;
mod applications;
mod grounds;
mod history;
mod kindergartens;
mod originals;
mod seats;

use super::input::{application_number, JsonBytes};
use crate::auth::{Staff, StaffRole};
use crate::error::ApiError;
use crate::secrets::sha256_hex;
use crate::state::AppState;
use crate::store::{Kindergarten, StaffAct, StaffAnswer, Stored};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::sync::Arc;

/// The staff routes.
pub(super) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/staff/kindergartens/{id}", get(kindergartens::kindergarten))
        .route("/api/staff/kindergartens/{id}/seats", get(seats::list).post(seats::report))
        .route("/api/staff/kindergartens/{id}/referrals", get(admissions::list))
        .route("/api/staff/kindergartens/{id}/queues", get(kindergartens::queues))
        .route("/api/staff/seats/{id}/withdraw", post(seats::withdraw))
        .route("/api/staff/referrals/{id}/admit", post(admissions::admit))
        .route("/api/staff/referrals/{id}/refuse", post(admissions::refuse))
        .route("/api/staff/localities/{code}/originals", get(originals::list))
        .route("/api/staff/localities/{code}/kindergartens", get(kindergartens::list))
        .route("/api/staff/localities/{code}/grounds-check", get(grounds::list).post(grounds::check))
        .route("/api/staff/applications/{number}", get(applications::show))
        .route("/api/staff/applications/{number}/originals/arrival", post(originals::arrival))
        .route("/api/staff/applications/{number}/originals/confirm", post(originals::confirm))
        .route("/api/staff/applications/{number}/originals/refuse", post(originals::refuse))
        .route("/api/staff/applications/{number}/priority", post(applications::priority))
        .route("/api/staff/applications/{number}/stop-list", post(applications::stop_list))
        .route("/api/staff/applications/{number}/restore", post(applications::restore))
        .route("/api/staff/history", get(history::history))
}

/// A staff write as it arrives: the person, the JSON body, the Idempotency-Key and what the
/// key stands for (SHA-256 of the method, the path and the body).
pub(super) struct StaffWrite {
    pub staff: Staff,
    pub body: axum::body::Bytes,
    key: Option<String>,
    request_hash: String,
}

impl FromRequest<Arc<AppState>> for StaffWrite {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<StaffWrite, ApiError> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let key = match parts.headers.get("idempotency-key") {
            Some(v) => Some(v.to_str().ok().filter(|k| !k.is_empty() && k.len() <= 200).ok_or_else(|| ApiError::invalid_code("Idempotency-Key", "idempotency.key"))?.to_owned()),
            None => None,
        };
        let what = format!("{} {}\n", parts.method, parts.uri.path());
        let JsonBytes(body) = JsonBytes::from_request(Request::from_parts(parts, body), state).await?;
        let request_hash = sha256_hex(&[what.as_bytes(), &body].concat());
        Ok(StaffWrite { staff, body, key, request_hash })
    }
}

impl StaffWrite {
    fn act(&self, role: &'static str, locality: String, kindergarten: Option<String>) -> StaffAct {
        StaffAct {
            issuer: self.staff.session.issuer.clone(),
            subject: self.staff.session.subject.clone(),
            name: display_name(&self.staff),
            role,
            locality,
            kindergarten,
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
        }
    }

    /// Acting as the education department of `locality`, or 403 `auth.out_of_scope`.
    pub fn as_department(&self, locality: u32) -> Result<StaffAct, ApiError> {
        self.staff.require_locality(&locality.to_string())?;
        Ok(self.act("education_department", locality.to_string(), None))
    }

    /// Acting as kindergarten `kg`'s staff, or 403 `auth.out_of_scope`.
    pub fn as_kindergarten(&self, kg: &Kindergarten) -> Result<StaffAct, ApiError> {
        self.staff.require_kindergarten(&kg.id)?;
        Ok(self.act("kindergarten", kg.locality_code.clone(), Some(kg.id.clone())))
    }
}

/// The name to show in the history: as the identity provider gave it, else the subject.
fn display_name(staff: &Staff) -> String {
    let s = &staff.session;
    let name = [s.given_name.as_deref(), s.family_name.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
    if name.trim().is_empty() {
        s.subject.clone()
    } else {
        name
    }
}

/// A staff write's answer: its status and body, never cached.
pub(super) fn answer(answer: StaffAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    (status, [(header::CACHE_CONTROL, super::output::NO_STORE)], Json(answer.body)).into_response()
}

/// A staff read's answer: JSON, never cached (it is personal data).
pub(super) fn read(body: &impl serde::Serialize) -> Result<Response, ApiError> {
    Ok(([(header::CACHE_CONTROL, super::output::NO_STORE)], Json(serde_json::to_value(body).map_err(|_| ApiError::Internal)?)).into_response())
}

/// Application `number` (format checked first), for its locality's department.
pub(super) async fn application_for_department(state: &AppState, staff: &Staff, number: &str) -> Result<Stored, ApiError> {
    let number = application_number(number)?;
    let stored = state.store.application(number).await?.ok_or(ApiError::NotFound("application.unknown"))?;
    staff.require_locality(&stored.queue.locality().to_string())?;
    Ok(stored)
}

/// Kindergarten `id`, if it exists.
pub(super) async fn kindergarten(state: &AppState, id: &str) -> Result<Kindergarten, ApiError> {
    state.store.kindergarten(id).await?.ok_or(ApiError::NotFound("kindergarten.unknown"))
}

/// Kindergarten `id` for reading: its own staff, or its locality's department.
pub(super) async fn kindergarten_to_read(state: &AppState, staff: &Staff, id: &str) -> Result<Kindergarten, ApiError> {
    let kg = kindergarten(state, id).await?;
    if staff.require_kindergarten(&kg.id).is_err() {
        staff.require_locality(&kg.locality_code)?;
    }
    Ok(kg)
}

/// A locality path segment the person is the department of, as its KATO code.
pub(super) fn department_locality(staff: &Staff, code: &str) -> Result<u32, ApiError> {
    staff.require_locality(code)?;
    code.parse().map_err(|_| ApiError::NotFound("route.unknown"))
}

/// Whether `staff` holds a kindergarten role (for the history's scope).
pub(super) fn roles_scope(staff: &Staff) -> crate::store::HistoryScope {
    let mut scope = crate::store::HistoryScope::default();
    for role in &staff.roles {
        match role {
            StaffRole::EducationDepartment { locality } => scope.localities.push(locality.clone()),
            StaffRole::Kindergarten { kindergarten } => scope.kindergartens.push(kindergarten.clone()),
        }
    }
    scope
}
