//! The public register over HTTP: signed checkpoints, entries and proofs (everything the
//! browser's `verifyRegister` needs), see `docs/transparency-log.md`.
//!
//! Caching: an entry and a proof for a given (index, size) never change, so they are
//! `immutable` for a year; the checkpoint and the vkey are short-lived/public. Proofs are asked
//! for an explicit tree size, which the page takes from the checkpoint it verifies them with.



use super::output::{json_response, with_etag, NO_STORE};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::log::{self, StoredEntry};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kezek::tlog::{base64, leaf_hash, Event, EventBody, Hash, Log};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The checkpoint changes with every append; a few seconds of caching spare the signer.
const CHECKPOINT_CACHE: &str = "public, max-age=5";

pub(super) async fn checkpoint(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    let tree = state.store.tree.current(&state.store.db).await?;
    let note = state.store.tree.checkpoint(&tree, tree.size())?;
    Ok(with_etag(&headers, note.into_bytes(), "text/plain; charset=utf-8", CHECKPOINT_CACHE))
}

pub(super) async fn key(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, ApiError> {
    Ok(with_etag(&headers, state.store.tree.vkey().into_bytes(), "text/plain; charset=utf-8", "public, max-age=3600"))
}

pub(super) async fn entry(State(state): State<Arc<AppState>>, Path(index): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let index: u64 = index.parse().map_err(|_| ApiError::NotFound("log.entry"))?;
    let stored = log::entry(&state.store.db.pool, index).await?.ok_or(ApiError::NotFound("log.entry"))?;
    let body = json!({
        "index": stored.index,
        "entry": base64::encode(&stored.entry),
        "leafHash": base64::encode(&leaf_hash(&stored.entry)),
    });
    json_response(&headers, &body, IMMUTABLE)
}

#[derive(Deserialize)]
pub(super) struct InclusionQuery {
    index: u64,
    size: u64,
}

pub(super) async fn inclusion(State(state): State<Arc<AppState>>, q: Result<Query<InclusionQuery>, QueryRejection>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|_| range())?;
    let tree = state.store.tree.current(&state.store.db).await?;
    let proof = inclusion_proof(&tree, q.index, q.size)?;
    json_response(&headers, &json!({ "index": q.index, "size": q.size, "proof": proof }), IMMUTABLE)
}

#[derive(Deserialize)]
pub(super) struct ConsistencyQuery {
    from: u64,
    to: u64,
}

pub(super) async fn consistency(State(state): State<Arc<AppState>>, q: Result<Query<ConsistencyQuery>, QueryRejection>, headers: HeaderMap) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|_| range())?;
    let tree = state.store.tree.current(&state.store.db).await?;
    let proof = consistency_proof(&tree, q.from, q.to)?;
    json_response(&headers, &json!({ "from": q.from, "to": q.to, "proof": proof }), IMMUTABLE)
}

#[derive(Deserialize)]
pub(super) struct RegisterQuery {
    /// The tree size to prove against (default: the current size).
    size: Option<u64>,
    /// The size of the checkpoint the page kept from before, for a consistency proof.
    from: Option<u64>,
}

/// What `verifyRegister` needs for an application's `application_accepted` event
/// (`kezek::contract`).
use kezek::contract::{HistoryProof, RegisterAnswer, SnapshotProof};

pub(super) async fn register(
    State(state): State<Arc<AppState>>,
    Path(number): Path<String>,
    session: Option<crate::auth::Session>,
    q: Result<Query<RegisterQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|_| range())?;
    let application = super::access::owned(&state, &number, session.as_ref(), &headers).await?;
    let number = application.number.to_string();
    let pool = &state.store.db.pool;
    let accepted = log::accepted_entry(pool, &number).await?.ok_or(ApiError::NotFound("log.entry"))?;
    let later = log::application_entries(pool, &number).await?;
    let tree = state.store.tree.current(&state.store.db).await?;
    let size = q.size.unwrap_or(tree.size());
    let checkpoint = state.store.tree.checkpoint(&tree, size)?;
    let inclusion = inclusion_proof(&tree, accepted.index, size)?;
    let consistency = q.from.map(|from| consistency_proof(&tree, from, size)).transpose()?;
    let snapshot = match log::latest_snapshot_entry(pool, &state.store.public_key(&application.queue).await?.to_string(), size).await? {
        Some(stored) => Some(snapshot_proof(&tree, stored, size)?),
        None => None,
    };
    let mut history = Vec::new();
    for stored in later.into_iter().filter(|e| e.index > accepted.index && e.index < size) {
        history.push(HistoryProof { inclusion_proof: inclusion_proof(&tree, stored.index, size)?, entry: base64::encode(&stored.entry), entry_index: stored.index });
    }
    drop(tree);
    let answer = RegisterAnswer {
        checkpoint,
        verifier_key: state.store.tree.vkey(),
        entry: base64::encode(&accepted.entry),
        entry_index: accepted.index,
        inclusion_proof: inclusion,
        consistency_proof: consistency,
        snapshot,
        history,
    };
    let body = serde_json::to_value(&answer).map_err(|_| ApiError::Internal)?;
    json_response(&headers, &body, NO_STORE)
}

fn snapshot_proof(tree: &Log, stored: StoredEntry, size: u64) -> Result<SnapshotProof, ApiError> {
    let event = Event::decode(&stored.entry).map_err(|_| ApiError::Internal)?;
    let EventBody::SnapshotPublished { log_size, .. } = event.body else { return Err(ApiError::Internal) };
    Ok(SnapshotProof {
        entry: base64::encode(&stored.entry),
        index: stored.index,
        inclusion_proof: inclusion_proof(tree, stored.index, size)?,
        log_size,
    })
}

fn inclusion_proof(tree: &Log, index: u64, size: u64) -> Result<Vec<String>, ApiError> {
    tree.inclusion_proof(index, size).map(encode_hashes).map_err(|_| range())
}

fn consistency_proof(tree: &Log, from: u64, to: u64) -> Result<Vec<String>, ApiError> {
    tree.consistency_proof(from, to).map(encode_hashes).map_err(|_| range())
}

fn range() -> ApiError {
    ApiError::invalid("size", "log.range", "An index or size beyond the log (or from > to)")
}

fn encode_hashes(hashes: Vec<Hash>) -> Vec<String> {
    hashes.iter().map(|h| base64::encode(h)).collect()
}
