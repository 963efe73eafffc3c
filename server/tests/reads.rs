//! Fast reads (issue 15, item 4): the published snapshot and the queue numbers come from a queue
//! held in memory per queue version, never from a stale queue. Figures: `load.rs`.

mod common;

use common::*;
use kezek::queue::snapshot::Snapshot;
use kezek::queue::{ApplicationNumber, State};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn snapshot_entries_logged(store: &kezek_server::store::Store) -> i64 {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM log_entries WHERE kind = 'snapshot_published'").fetch_one(&store.db.pool).await.unwrap();
    count
}

#[tokio::test]
async fn the_snapshot_is_served_from_memory_until_its_queue_changes() {
    for url in test_databases("reads-cache").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 30, 1, 5).await;
        let now = at(window_day(), 8);
        let server = serve(store.clone(), now).await;
        let http = client();
        let queue = &seeded[0].queue_key;
        let url = format!("{}/api/queues/{queue}/snapshot", server.base);

        let first = http.get(&url).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let body = first.bytes().await.unwrap();
        assert_eq!(store.reads.usage().0, 1, "the queue is held after the first read");
        let again = http.get(&url).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(http.get(&url).send().await.unwrap().bytes().await.unwrap(), body, "same bytes while the queue is unchanged");
        assert_eq!(snapshot_entries_logged(&store).await, 1);

        // A claim changes what the queue lists (the claimant is referred): the next read shows it.
        let claimant = &seeded[0];
        let claimed = http
            .post(format!("{}/api/claims", server.base))
            .bearer_auth(&claimant.token)
            .json(&json!({ "number": claimant.number, "vacancyId": "v0" }))
            .send()
            .await
            .unwrap();
        assert!(claimed.status().is_success(), "{}", claimed.text().await.unwrap());
        let changed = http.get(&url).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(changed.status(), StatusCode::OK, "an old ETag no longer matches");
        assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
        let snapshot = Snapshot::decode(&changed.bytes().await.unwrap()).unwrap();
        let number = ApplicationNumber::parse(&claimant.number).unwrap();
        assert_eq!(snapshot.state(number).unwrap(), Some(State::Referred));
        assert_eq!(snapshot_entries_logged(&store).await, 2, "one log entry per change of the queue");

        // A status read gives the queue number the browser reads from that snapshot.
        for applicant in &seeded[1..] {
            let status: Value =
                http.get(format!("{}/api/applications/{}/status", server.base, applicant.number)).bearer_auth(&applicant.token).send().await.unwrap().json().await.unwrap();
            let expected = snapshot.position(ApplicationNumber::parse(&applicant.number).unwrap()).unwrap().map(|p| p.queue_number);
            assert_eq!(status["position"]["queueNumber"].as_u64(), expected, "{status}");
        }
    }
}

#[tokio::test]
async fn a_change_made_by_another_server_is_seen_on_the_next_read() {
    for url in test_databases("reads-other").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 10, 1, 1).await;
        let now = at(window_day(), 8);
        let server = serve(store.clone(), now).await;
        let http = client();
        let read_position = |n: usize| {
            let (http, base, applicant) = (http.clone(), server.base.clone(), seeded[n].clone());
            async move {
                let status: Value =
                    http.get(format!("{base}/api/applications/{}/status", applicant.number)).bearer_auth(&applicant.token).send().await.unwrap().json().await.unwrap();
                status["position"]["queueNumber"].as_u64()
            }
        };
        let before = read_position(5).await.unwrap();
        // Another process on the same database (its own memory) withdraws an application ahead.
        let other = common::store(&url).await;
        let ahead = other.application(&seeded[2].number).await.unwrap().unwrap();
        other.withdraw(&ahead, now).await.unwrap();
        assert_eq!(read_position(5).await, Some(before - 1), "the withdrawal ahead moves the applicant up at once");
        let snapshot = http.get(format!("{}/api/queues/{}/snapshot", server.base, seeded[0].queue_key)).send().await.unwrap().bytes().await.unwrap();
        let snapshot = Snapshot::decode(&snapshot).unwrap();
        assert_eq!(snapshot.state(ApplicationNumber::parse(&seeded[2].number).unwrap()).unwrap(), None, "the withdrawn application is no longer listed");
    }
}

#[tokio::test]
async fn a_queue_nobody_applied_to_is_never_recorded() {
    for url in test_databases("reads-empty").await {
        let store = store(&url).await;
        let now = at(window_day(), 8);
        let server = serve(store.clone(), now).await;
        let response = client().get(format!("{}/api/queues/750000000-2021-general/snapshot", server.base)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(Snapshot::decode(&response.bytes().await.unwrap()).unwrap().is_empty());
        assert_eq!(snapshot_entries_logged(&store).await, 0);
        assert_eq!(store.reads.usage().0, 0);
    }
}
