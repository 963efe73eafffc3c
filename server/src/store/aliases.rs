//! The public form of a queue key (issue 15, privacy; `kezek::queue::QueueKey`, "The public
//! form"): a special or sanatorium queue is published, in the log and in its snapshot, under an
//! alias drawn at random the first time it is needed and kept for the queue's life, so the
//! public artefacts never name a disorder type or a rehabilitation profile. A general queue is
//! its own public form and costs no lookup.
//!
//! Entries appended before the aliases existed keep the key they were written with: the log is
//! append-only (docs/privacy.md says so).

use crate::error::ApiError;
use crate::secrets;
use kezek::queue::{QueueKey, Token};
use sqlx::AnyConnection;

/// The public form of `queue`, its alias drawn and kept on first use. Runs on a write
/// transaction's connection or on a pooled one: two first uses at once agree, since the
/// second insert does nothing and both read the row that won.
pub(crate) async fn public_key(conn: &mut AnyConnection, queue: &QueueKey) -> Result<QueueKey, ApiError> {
    if !queue.names_health() {
        return Ok(queue.clone());
    }
    let key = queue.to_string();
    if let Some(public) = kept(conn, &key).await? {
        return Ok(public);
    }
    let alias = Token::alias(secrets::random_bytes().map_err(|_| ApiError::Internal)?);
    sqlx::query("INSERT INTO queue_aliases (queue_key, public_key) VALUES ($1, $2) ON CONFLICT (queue_key) DO NOTHING")
        .bind(&key)
        .bind(queue.aliased(&alias).to_string())
        .execute(&mut *conn)
        .await?;
    kept(conn, &key).await?.ok_or(ApiError::Internal)
}

/// The queue published as `public` (a key in its public form), if there is one. A key that
/// names a child's health is never a public form: it names no published queue.
pub(crate) async fn queue_of(conn: &mut AnyConnection, public: &QueueKey) -> Result<Option<QueueKey>, ApiError> {
    if public.names_health() {
        return Ok(None);
    }
    if matches!(public.kind(), kezek::queue::QueueKind::General) {
        return Ok(Some(public.clone()));
    }
    let row: Option<(String,)> = sqlx::query_as("SELECT queue_key FROM queue_aliases WHERE public_key = $1")
        .bind(public.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|(key,)| QueueKey::parse(&key).map_err(|_| ApiError::Internal)).transpose()
}

async fn kept(conn: &mut AnyConnection, key: &str) -> Result<Option<QueueKey>, ApiError> {
    let row: Option<(String,)> = sqlx::query_as("SELECT public_key FROM queue_aliases WHERE queue_key = $1").bind(key).fetch_optional(conn).await?;
    row.map(|(public,)| QueueKey::parse(&public).map_err(|_| ApiError::Internal)).transpose()
}
