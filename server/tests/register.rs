//! The public log (rule 24.7): every change appends exactly one entry in its transaction,
//! indexes are dense, retries append nothing, and the endpoints' checkpoints and proofs verify
//! with the core's verifiers. On SQLite and, when configured, PostgreSQL.

mod common;

use common::*;
use kezek::tlog::{
    base64, leaf_hash, sha256, verify_consistency, verify_inclusion, verify_register, Event, EventBody, Hash, HistoryEvidence, RegisterEvidence,
    SnapshotEvidence, Verdict, Verifier,
};
use kezek::queue::snapshot::Snapshot;
use kezek_server::seed::load_vacancies;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn get_text(client: &reqwest::Client, url: String) -> String {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn hashes(value: &Value) -> Vec<Hash> {
    value.as_array().unwrap().iter().map(|h| base64::decode_hash(h.as_str().unwrap()).unwrap()).collect()
}

async fn kinds(store: &kezek_server::store::Store) -> Vec<(i64, String)> {
    sqlx::query_as("SELECT log_index, kind FROM log_entries ORDER BY log_index").fetch_all(&store.db.pool).await.unwrap()
}

#[tokio::test]
async fn changes_are_logged_once_in_order_and_proofs_verify() {
    for url in test_databases("register").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(1, 2)).await.unwrap();
        let server = serve(store.clone(), at(date(2026, 11, 20), 10)).await;
        let client = client();
        let base = server.base.clone();

        // Submission, and its retry with the same Idempotency-Key: one entry.
        let body = body(5, "large_family");
        let mut answers = vec![];
        for _ in 0..2 {
            let response =
                client.post(format!("{base}/api/applications")).header("Idempotency-Key", "k-1").json(&body).send().await.unwrap();
            assert!(response.status().is_success());
            answers.push(response.json::<Value>().await.unwrap());
        }
        assert_eq!(answers[0]["number"], answers[1]["number"]);
        let number = answers[0]["number"].as_str().unwrap().to_string();
        let token = answers[0]["token"].as_str().unwrap().to_string();
        let first_checkpoint = get_text(&client, format!("{base}/api/log/checkpoint")).await;

        kezek_server::jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        // The log commits to the bulletin document exactly as served at that instant.
        let bulletin = client.get(format!("{base}/api/bulletin")).send().await.unwrap().bytes().await.unwrap();
        let logged = get_json(&client, format!("{base}/api/log/entries/1")).await;
        let event = Event::decode(&base64::decode(logged["entry"].as_str().unwrap()).unwrap()).unwrap();
        assert_eq!(event.body, EventBody::BulletinPublished { bulletin: "2026-11-22".into(), digest: sha256(&bulletin) });
        assert_eq!(kezek_server::jobs::open_windows(&store, at(window_day(), 7)).await.unwrap(), 1);
        server.clock.set(at(window_day(), 8));

        // A claim and its retry: one referral_issued.
        let claim = json!({ "number": number, "vacancyId": "v0" });
        let first = client.post(format!("{base}/api/claims")).bearer_auth(&token).json(&claim).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED);
        let referral: Value = first.json().await.unwrap();
        let retry = client.post(format!("{base}/api/claims")).bearer_auth(&token).json(&claim).send().await.unwrap();
        assert_eq!(retry.status(), StatusCode::OK);
        // A cancellation and its retry: one referral_cancelled.
        let id = referral["id"].as_str().unwrap();
        for _ in 0..2 {
            let response = client
                .post(format!("{base}/api/referrals/{id}/cancel"))
                .bearer_auth(&token)
                .json(&json!({ "number": number }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        let expected = ["application_accepted", "bulletin_published", "window_opened", "referral_issued", "referral_cancelled"];
        let logged = kinds(&store).await;
        assert_eq!(logged.iter().map(|k| k.1.as_str()).collect::<Vec<_>>(), expected, "{url}");
        assert!(logged.iter().enumerate().all(|(i, k)| k.0 == i as i64), "dense indexes from 0: {logged:?}");

        // The snapshot is recorded once, stating the log size it reflects.
        let snapshot_url = format!("{base}/api/queues/{}/snapshot", answers[0]["queue"].as_str().unwrap());
        let snapshot = client.get(&snapshot_url).send().await.unwrap().bytes().await.unwrap().to_vec();
        let again = client.get(&snapshot_url).send().await.unwrap().bytes().await.unwrap().to_vec();
        assert_eq!(snapshot, again, "the same entries give the same snapshot");
        assert_eq!(Snapshot::decode(&snapshot).unwrap().header().log_size, 5, "it reflects the first 5 entries");
        let unknown = client.get(format!("{base}/api/queues/750000000-2019-general/snapshot")).send().await.unwrap();
        assert_eq!(unknown.status(), StatusCode::OK);
        let junk = client.get(format!("{base}/api/queues/not-a-queue/snapshot")).send().await.unwrap();
        assert_eq!(junk.status(), StatusCode::NOT_FOUND, "a path that is no queue key names no queue");
        let logged = kinds(&store).await;
        assert_eq!(logged.len(), 6, "one snapshot_published, none for a queue without applications");
        assert_eq!(logged[5].1, "snapshot_published");

        // The checkpoint verifies with the published key; every entry is in it.
        let vkey = get_text(&client, format!("{base}/api/log/key")).await;
        let verifier = Verifier::parse(&vkey).unwrap();
        let note = get_text(&client, format!("{base}/api/log/checkpoint")).await;
        let checkpoint = verifier.verify_checkpoint(&note).unwrap();
        assert_eq!(checkpoint.origin, verifier.name());
        assert_eq!(checkpoint.size, 6);
        let mut entries = vec![];
        for index in 0..checkpoint.size {
            let entry = get_json(&client, format!("{base}/api/log/entries/{index}")).await;
            let bytes = base64::decode(entry["entry"].as_str().unwrap()).unwrap();
            assert_eq!(base64::decode_hash(entry["leafHash"].as_str().unwrap()).unwrap(), leaf_hash(&bytes));
            let proof = get_json(&client, format!("{base}/api/log/proof/inclusion?index={index}&size={}", checkpoint.size)).await;
            verify_inclusion(&leaf_hash(&bytes), index, checkpoint.size, &hashes(&proof["proof"]), &checkpoint.root_hash).unwrap();
            Event::decode(&bytes).unwrap();
            entries.push(bytes);
        }
        let too_far = client.get(format!("{base}/api/log/proof/inclusion?index=0&size=7")).send().await.unwrap();
        assert_eq!(too_far.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // The first checkpoint is a prefix of the last.
        let old = verifier.verify_checkpoint(&first_checkpoint).unwrap();
        assert_eq!(old.size, 1);
        let proof = get_json(&client, format!("{base}/api/log/proof/consistency?from=1&to={}", checkpoint.size)).await;
        verify_consistency(old.size, checkpoint.size, &old.root_hash, &checkpoint.root_hash, &hashes(&proof["proof"])).unwrap();

        // The register evidence passes the browser's whole check, snapshot included.
        let response = client
            .get(format!("{base}/api/applications/{number}/register?from=1"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let evidence: Value = response.json().await.unwrap();
        let entry = base64::decode(evidence["entry"].as_str().unwrap()).unwrap();
        let snapshot_entry = base64::decode(evidence["snapshot"]["entry"].as_str().unwrap()).unwrap();
        let (inclusion, consistency, snapshot_inclusion) =
            (hashes(&evidence["inclusionProof"]), hashes(&evidence["consistencyProof"]), hashes(&evidence["snapshot"]["inclusionProof"]));
        let later: Vec<(Vec<u8>, u64, Vec<Hash>)> = evidence["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (base64::decode(h["entry"].as_str().unwrap()).unwrap(), h["entryIndex"].as_u64().unwrap(), hashes(&h["inclusionProof"])))
            .collect();
        let history: Vec<HistoryEvidence> = later.iter().map(|(entry, index, proof)| HistoryEvidence { entry, entry_index: *index, inclusion_proof: proof }).collect();
        assert_eq!(history.len(), 3, "window_opened, referral_issued, referral_cancelled");
        let report = verify_register(
            &Verifier::parse(evidence["verifierKey"].as_str().unwrap()).unwrap(),
            &RegisterEvidence {
                checkpoint: evidence["checkpoint"].as_str().unwrap(),
                previous: Some(&first_checkpoint),
                consistency_proof: &consistency,
                entry: &entry,
                entry_index: evidence["entryIndex"].as_u64().unwrap(),
                inclusion_proof: &inclusion,
                application: Some(&number),
                snapshot: Some(SnapshotEvidence {
                    bytes: &snapshot,
                    entry: &snapshot_entry,
                    entry_index: evidence["snapshot"]["index"].as_u64().unwrap(),
                    inclusion_proof: &snapshot_inclusion,
                    log_size: Some(evidence["snapshot"]["logSize"].as_u64().unwrap()),
                }),
                history: &history,
            },
        );
        assert_eq!(report.verdict, Verdict::Confirmed, "{:?}", report.problem);
        assert_eq!(evidence["snapshot"]["logSize"], 5);
        // The browser replays the verified entries to the status the server reports.
        let now = kezek_server::clock::Clock::now(&*server.clock);
        let replayed = kezek::tlog::lifecycle::replay(&report.history, &number, now, &store.deadlines()).unwrap();
        let view: Value = client.get(format!("{base}/api/applications/{number}/status")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(serde_json::to_value(&replayed).unwrap(), view["status"]);
        let stranger = client.get(format!("{base}/api/applications/{number}/register")).bearer_auth("nope").send().await.unwrap();
        assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);

        // No IIN and no name in any entry, raw or as stored.
        let stored: Vec<(String,)> = sqlx::query_as("SELECT entry FROM log_entries").fetch_all(&store.db.pool).await.unwrap();
        let personal = [
            body["applicant"]["iin"].as_str().unwrap(),
            body["child"]["iin"].as_str().unwrap(),
            body["applicant"]["lastName"].as_str().unwrap(),
            body["applicant"]["firstName"].as_str().unwrap(),
            body["child"]["firstName"].as_str().unwrap(),
        ];
        for (bytes, (text,)) in entries.iter().zip(&stored) {
            let raw = String::from_utf8_lossy(bytes);
            for secret in personal {
                assert!(!raw.contains(secret) && !text.contains(secret), "an entry contains {secret:?}");
            }
        }

        // The database refuses to change or delete an entry.
        assert!(sqlx::query("UPDATE log_entries SET kind = 'x' WHERE log_index = 5").execute(&store.db.pool).await.is_err());
        assert!(sqlx::query("DELETE FROM log_entries WHERE log_index = 5").execute(&store.db.pool).await.is_err());
        // A database that lost entries already served (here: its owner dropped the triggers)
        // makes the server refuse to sign.
        let drops: &[&str] = match store.db.backend {
            kezek_server::db::Backend::Sqlite => &["DROP TRIGGER log_entries_no_delete"],
            kezek_server::db::Backend::Postgres => &["DROP TRIGGER log_entries_append_only ON log_entries"],
        };
        for drop in drops {
            sqlx::query(drop).execute(&store.db.pool).await.unwrap();
        }
        sqlx::query("DELETE FROM log_entries WHERE log_index = 5").execute(&store.db.pool).await.unwrap();
        sqlx::query("UPDATE log_head SET size = 5").execute(&store.db.pool).await.unwrap();
        let refused = client.get(format!("{base}/api/log/checkpoint")).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

#[tokio::test]
async fn withdrawal_interest_extension_and_jobs_are_logged_once() {
    for url in test_databases("registerjobs").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 3, 1, 3).await;
        let server = serve(store.clone(), at(window_day(), 8)).await;
        let client = client();
        let base = server.base.clone();
        let before = kinds(&store).await.len();
        assert_eq!(before, 7, "three accepted applications, the bulletin, three windows");

        for _ in 0..2 {
            let response = client
                .post(format!("{base}/api/applications/{}/interest", seeded[0].number))
                .bearer_auth(&seeded[0].token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let response = client
                .post(format!("{base}/api/applications/{}/withdraw", seeded[1].number))
                .bearer_auth(&seeded[1].token)
                .json(&json!({}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        let claim = json!({ "number": seeded[2].number, "vacancyId": "v0" });
        let referral: Value = client.post(format!("{base}/api/claims")).bearer_auth(&seeded[2].token).json(&claim).send().await.unwrap().json().await.unwrap();
        let id = referral["id"].as_str().unwrap();
        for _ in 0..2 {
            let response = client
                .post(format!("{base}/api/referrals/{id}/extend"))
                .bearer_auth(&seeded[2].token)
                .json(&json!({ "number": seeded[2].number, "reason": "illness" }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        // The extended referral expires after 30 days; the job runs twice.
        for _ in 0..2 {
            kezek_server::jobs::settle_deadlines(&store, at(date(2027, 1, 10), 9)).await.unwrap();
        }
        let logged = kinds(&store).await;
        let names: Vec<&str> = logged[before..].iter().map(|k| k.1.as_str()).collect();
        assert_eq!(names, ["interest_confirmed", "withdrawn", "referral_issued", "referral_extended", "referral_expired"], "{url}");
        assert!(logged.iter().enumerate().all(|(i, k)| k.0 == i as i64), "dense indexes from 0: {logged:?}");
        assert_register_replays(&store, at(date(2027, 1, 10), 9)).await;
    }
}
