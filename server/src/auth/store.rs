//! The sign-in tables (migration 4): sign-ins in progress, sessions and staff roles. All SQL of
//! the `auth` module is here.

use super::oidc::Identity;
use super::roles::StaffRole;
use crate::db::Db;
use crate::wire::{from_ms, to_ms};
use crate::secrets::{random_bytes, sha256_hex};
use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, FromRow};

/// A sign-in in progress, found by its `state`.
#[derive(Clone, Debug, FromRow)]
pub struct LoginAttempt {
    pub nonce: String,
    pub pkce_verifier: String,
    pub return_to: String,
}

/// A session row.
#[derive(Clone, Debug, FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub issuer: String,
    pub subject: String,
    pub iin: Option<String>,
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub locale: Option<String>,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// A staff role row.
#[derive(Clone, Debug, FromRow)]
struct RoleRow {
    role: String,
    locality_code: Option<String>,
    kindergarten_id: Option<String>,
}

/// Who a staff role is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StaffIdentity {
    /// The provider's subject identifier under an issuer.
    Subject { issuer: String, subject: String },
    /// Anyone signed in with this IIN through the configured provider.
    Iin(String),
}

pub async fn save_attempt(
    db: &Db,
    state: &str,
    attempt: &LoginAttempt,
    now: DateTime<Utc>,
    lifetime: chrono::Duration,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    // Attempts nobody finished pile up otherwise; each new one sweeps the expired ones.
    sqlx::query("DELETE FROM login_attempts WHERE expires_at <= $1").bind(to_ms(now)).execute(tx.conn()).await?;
    sqlx::query(
        "INSERT INTO login_attempts (state_hash, nonce, pkce_verifier, return_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(sha256_hex(state.as_bytes()))
    .bind(&attempt.nonce)
    .bind(&attempt.pkce_verifier)
    .bind(&attempt.return_to)
    .bind(to_ms(now))
    .bind(to_ms(now + lifetime))
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// Takes the attempt with `state` (deleting it: a code is used once), if it has not expired.
pub async fn take_attempt(db: &Db, state: &str, now: DateTime<Utc>) -> Result<Option<LoginAttempt>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let state_hash = sha256_hex(state.as_bytes());
    let attempt: Option<LoginAttempt> =
        sqlx::query_as("SELECT nonce, pkce_verifier, return_to FROM login_attempts WHERE state_hash = $1 AND expires_at > $2")
            .bind(&state_hash)
            .bind(to_ms(now))
            .fetch_optional(tx.conn())
            .await?;
    sqlx::query("DELETE FROM login_attempts WHERE state_hash = $1").bind(&state_hash).execute(tx.conn()).await?;
    tx.commit().await?;
    Ok(attempt)
}

/// A new random session id (64 hex digits: 256 bits from the operating system).
pub fn new_session_id() -> Result<String, sqlx::Error> {
    let bytes = random_bytes::<32>().map_err(|e| sqlx::Error::Protocol(format!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// Stores a session for `identity` under the hash of `session_id`.
pub async fn create_session(
    db: &Db,
    session_id: &str,
    identity: &Identity,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<SessionRow, sqlx::Error> {
    let row = SessionRow {
        id_hash: sha256_hex(session_id.as_bytes()),
        issuer: identity.issuer.clone(),
        subject: identity.subject.clone(),
        iin: identity.iin.map(|iin| iin.as_digits()),
        family_name: identity.family_name.clone(),
        given_name: identity.given_name.clone(),
        locale: identity.locale.clone(),
        created_at: to_ms(now),
        last_seen_at: to_ms(now),
        expires_at: to_ms(expires_at),
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, issuer, subject, iin, family_name, given_name, locale, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.id_hash)
    .bind(&row.issuer)
    .bind(&row.subject)
    .bind(&row.iin)
    .bind(&row.family_name)
    .bind(&row.given_name)
    .bind(&row.locale)
    .bind(row.created_at)
    .bind(row.last_seen_at)
    .bind(row.expires_at)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The session whose id is `session_id`, if it exists and has not ended by `now` (absolute
/// expiry, or unused for `idle`). Marks it used when it was last marked more than a minute ago
/// (one write a minute per session at most, not one per request).
pub async fn find_session(db: &Db, session_id: &str, now: DateTime<Utc>, idle: chrono::Duration) -> Result<Option<SessionRow>, sqlx::Error> {
    let id_hash = sha256_hex(session_id.as_bytes());
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT id_hash, issuer, subject, iin, family_name, given_name, locale, created_at, last_seen_at, expires_at \
         FROM sessions WHERE id_hash = $1",
    )
    .bind(&id_hash)
    .fetch_optional(&db.pool)
    .await?;
    let Some(mut row) = row else { return Ok(None) };
    let now_ms = to_ms(now);
    if now_ms >= row.expires_at || now_ms >= row.last_seen_at + idle.num_milliseconds() {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(&id_hash).execute(&db.pool).await?;
        return Ok(None);
    }
    if now_ms - row.last_seen_at > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1")
            .bind(now_ms)
            .bind(&id_hash)
            .execute(&db.pool)
            .await?;
        row.last_seen_at = now_ms;
    }
    Ok(Some(row))
}

/// Ends the session with id `session_id` (sign-out). Unknown ids are fine.
pub async fn delete_session(db: &Db, session_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(sha256_hex(session_id.as_bytes())).execute(&db.pool).await?;
    Ok(())
}

/// Deletes sessions and sign-ins that ended by `now` (for a periodic job); answers how many.
pub async fn purge_expired(db: &Db, now: DateTime<Utc>, idle: chrono::Duration) -> Result<u64, sqlx::Error> {
    let now_ms = to_ms(now);
    let mut tx = db.begin_write().await?;
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now_ms)
        .bind(now_ms - idle.num_milliseconds())
        .execute(tx.conn())
        .await?
        .rows_affected();
    let attempts = sqlx::query("DELETE FROM login_attempts WHERE expires_at <= $1").bind(now_ms).execute(tx.conn()).await?.rows_affected();
    tx.commit().await?;
    Ok(sessions + attempts)
}

/// The staff roles of a signed-in person: those granted to their (issuer, subject) and those
/// granted to their IIN.
pub async fn roles_of(db: &Db, issuer: &str, subject: &str, iin: Option<&str>) -> Result<Vec<StaffRole>, sqlx::Error> {
    let rows: Vec<RoleRow> = sqlx::query_as(
        "SELECT role, locality_code, kindergarten_id FROM staff_roles \
         WHERE (issuer = $1 AND subject = $2) OR (iin IS NOT NULL AND iin = $3) ORDER BY role, locality_code, kindergarten_id",
    )
    .bind(issuer)
    .bind(subject)
    .bind(iin.unwrap_or(""))
    .fetch_all(&db.pool)
    .await?;
    let mut roles: Vec<StaffRole> = rows
        .into_iter()
        .filter_map(|r| match (r.role.as_str(), r.locality_code, r.kindergarten_id) {
            ("education_department", Some(locality), None) => Some(StaffRole::EducationDepartment { locality }),
            ("kindergarten", None, Some(kindergarten)) => Some(StaffRole::Kindergarten { kindergarten }),
            _ => None,
        })
        .collect();
    roles.dedup();
    Ok(roles)
}

/// Grants `role` to `who` (idempotent: the row id is derived from both). Runs on the caller's
/// connection, so seeding and an operator's change can each be one transaction.
pub async fn grant_role(conn: &mut AnyConnection, who: &StaffIdentity, role: &StaffRole, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let (issuer, subject, iin) = match who {
        StaffIdentity::Subject { issuer, subject } => (Some(issuer.as_str()), Some(subject.as_str()), None),
        StaffIdentity::Iin(iin) => (None, None, Some(iin.as_str())),
    };
    let (role_code, locality, kindergarten) = match role {
        StaffRole::EducationDepartment { locality } => ("education_department", Some(locality.as_str()), None),
        StaffRole::Kindergarten { kindergarten } => ("kindergarten", None, Some(kindergarten.as_str())),
    };
    let id = sha256_hex(
        format!("{}\n{}\n{}\n{role_code}\n{}\n{}", issuer.unwrap_or(""), subject.unwrap_or(""), iin.unwrap_or(""), locality.unwrap_or(""), kindergarten.unwrap_or(""))
            .as_bytes(),
    );
    sqlx::query(
        "INSERT INTO staff_roles (id, issuer, subject, iin, role, locality_code, kindergarten_id, granted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(issuer)
    .bind(subject)
    .bind(iin)
    .bind(role_code)
    .bind(locality)
    .bind(kindergarten)
    .bind(to_ms(now))
    .execute(conn)
    .await?;
    Ok(())
}

impl SessionRow {
    pub fn expires(&self) -> DateTime<Utc> {
        from_ms(self.expires_at)
    }
}
