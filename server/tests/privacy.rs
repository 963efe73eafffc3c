//! Personal data in the backend (issue 15, "Private"; `docs/privacy.md`): only the form's own
//! fields are accepted, the form is sealed at rest, the database files are the owner's alone,
//! and an ended application's personal data is erased after the retention period while its
//! status and its public log entries stay.

mod common;
mod services;

use common::process::spawn_server_with;
use common::*;
use kezek_server::jobs::erase_personal_data;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn submit(server: &TestServer, body: &Value, lang: &str) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/api/applications", server.base))
        .header("Accept-Language", lang)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The applicant's view of `number`, read with its token.
async fn status_view(server: &TestServer, number: &str, token: &str) -> Value {
    client().get(format!("{}/api/applications/{number}/status", server.base)).bearer_auth(token).send().await.unwrap().json().await.unwrap()
}

async fn count(store: &kezek_server::store::Store, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&store.db.pool).await.unwrap();
    n
}

#[tokio::test]
async fn a_form_with_fields_the_form_does_not_have_is_refused_each_named_and_nothing_is_kept() {
    for url in test_databases("unknown-fields").await {
        let server = serve(store(&url).await, at(window_day(), 10)).await;
        let mut form = body(1, "none");
        form["extra"] = json!("x".repeat(60_000));
        form["child"]["nickname"] = json!("Bunny");
        let (status, answer) = submit(&server, &form, "ru").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        let errors = answer["errors"].as_array().unwrap();
        let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["child.nickname", "extra"]);
        assert!(errors.iter().all(|e| e["code"] == "form.unknown_field"));
        assert!(errors[0]["message"].as_str().unwrap().contains("поля"), "in the request's language: {}", errors[0]["message"]);
        assert_eq!(count(&server.state.store, "SELECT COUNT(*) FROM applications").await, 0);
        // The same form without them is accepted.
        let (status, answer) = submit(&server, &body(1, "none"), "ru").await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
}

#[tokio::test]
async fn the_form_is_sealed_at_rest_and_still_gives_the_applicant_their_messages() {
    let dir = temp_dir("sealed");
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let server = serve(store(&url).await, at(window_day(), 10)).await;
    let mut form = body(7, "none");
    form["notifications"]["email"] = json!("parent.seven@example.kz");
    let (status, answer) = submit(&server, &form, "kk").await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let number = answer["number"].as_str().unwrap();
    let (personal,): (String,) =
        sqlx::query_as("SELECT personal FROM applications WHERE number = $1").bind(number).fetch_one(&server.state.store.db.pool).await.unwrap();
    assert!(personal.starts_with("x1:"), "{personal:.40}");
    let opened = server.state.store.data_key.open(number, &personal).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&opened).unwrap()["child"]["iin"], form["child"]["iin"]);
    // Nothing of the person is readable in the database's files (the WAL included).
    let mut raw = Vec::new();
    for file in ["kezek.db", "kezek.db-wal"] {
        raw.extend(std::fs::read(dir.join(file)).unwrap_or_default());
    }
    assert!(raw.len() > 10_000, "the files were read: {} bytes", raw.len());
    let raw = String::from_utf8_lossy(&raw);
    for path in ["/applicant/iin", "/child/iin", "/applicant/lastName", "/child/firstName", "/applicant/address"] {
        let value = form.pointer(path).and_then(Value::as_str).unwrap();
        assert!(value.len() >= 5 && !raw.contains(value), "{path} = {value} is readable in the database files");
    }
    // The contacts still open for the messages: the acceptance notice is queued to the e-mail,
    // sealed too (the next test).
    let email = form["notifications"]["email"].as_str().unwrap();
    let recipients: Vec<(String, String)> = sqlx::query_as("SELECT idempotency_key, recipient FROM notification_outbox WHERE application_number = $1 AND channel = 'email'")
        .bind(number)
        .fetch_all(&server.state.store.db.pool)
        .await
        .unwrap();
    assert!(recipients.iter().any(|(key, sealed)| server.state.store.data_key.open(key, sealed).as_deref() == Ok(email)), "no message queued to {email}");
}

/// Issue 15 item 2: an outbox row waiting to be sent holds its e-mail address or phone number
/// sealed, bound to the row; only the sender opens it, right before delivery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_holds_no_recipient_in_clear_and_the_sender_still_delivers() {
    use kezek_server::clock::SettableClock;
    use kezek_server::notify::{RetryPolicy, Sender, SmsConfig, SmsGateway, Transports};
    use std::sync::Arc;
    let dir = temp_dir("sealed_outbox");
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let server = serve(store(&url).await, at(window_day(), 10)).await;
    let store = &server.state.store;
    let (email, phones) = ("parent.eight@example.kz", ["+77010000088", "+77010000089"]);
    let mut form = body(8, "none");
    form["notifications"] = json!({ "phones": ["+7 701 000 00 88", "8 701 000 00 89"], "email": email });
    let (status, answer) = submit(&server, &form, "ru").await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let number = answer["number"].as_str().unwrap();

    // The raw rows: one per channel and slot, each recipient sealed for its own row.
    let rows: Vec<(String, String, i64, String)> =
        sqlx::query_as("SELECT idempotency_key, channel, slot, recipient FROM notification_outbox WHERE application_number = $1 ORDER BY channel, slot")
            .bind(number)
            .fetch_all(&store.db.pool)
            .await
            .unwrap();
    let expected = [("email", 0, email), ("sms", 0, phones[0]), ("sms", 1, phones[1])];
    assert_eq!(rows.iter().map(|(_, c, s, _)| (c.as_str(), *s)).collect::<Vec<_>>(), expected.iter().map(|(c, s, _)| (*c, *s)).collect::<Vec<_>>());
    for ((key, _, _, sealed), (_, _, recipient)) in rows.iter().zip(expected) {
        assert!(sealed.starts_with("x1:") && !sealed.contains(recipient), "{sealed:.40}");
        assert_eq!(store.data_key.open(key, sealed).as_deref(), Ok(recipient));
        let other = &rows.iter().find(|(k, ..)| k != key).unwrap().0;
        assert!(store.data_key.open(other, sealed).is_err(), "bound to its row");
    }
    // Nowhere in the database's files in clear, the WAL included.
    let mut raw = Vec::new();
    for file in ["kezek.db", "kezek.db-wal"] {
        raw.extend(std::fs::read(dir.join(file)).unwrap_or_default());
    }
    let raw = String::from_utf8_lossy(&raw);
    for contact in [email, "parent.eight", phones[0], "7010000088", "7010000089"] {
        assert!(!raw.contains(contact), "{contact} is readable in the database files");
    }

    // A sealed recipient copied onto another row does not open there: that row is
    // dead-lettered, never sent. The other is delivered, to the number the form gave.
    sqlx::query("UPDATE notification_outbox SET recipient = $1 WHERE idempotency_key = $2").bind(&rows[1].3).bind(&rows[2].0).execute(&store.db.pool).await.unwrap();
    let out = dir.join("sms.jsonl");
    let gateway = services::sms(&out, "test-key");
    let sms = Arc::new(SmsGateway::new(&SmsConfig { url: format!("{}/messages", gateway.address).parse().unwrap(), api_key: Some("test-key".into()) }).unwrap());
    let clock = Arc::new(SettableClock::frozen_at(at(window_day(), 11)));
    let sender = Sender::new(store.db.clone(), clock, Transports { email: None, sms: Some(sms) }, RetryPolicy::default(), store.data_key.clone());
    let report = sender.run_once().await.unwrap();
    assert_eq!((report.sent, report.dead), (1, 1), "{report:?}");
    let records = services::sms_records(&out);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!((records[0]["to"].as_str(), records[0]["status"].as_i64()), (Some(phones[0]), Some(200)));
    assert!(records[0]["text"].as_str().unwrap().contains(number));
    let states: Vec<(i64, String, String)> = sqlx::query_as("SELECT slot, state, recipient FROM notification_outbox WHERE application_number = $1 AND channel = 'sms' ORDER BY slot")
        .bind(number)
        .fetch_all(&store.db.pool)
        .await
        .unwrap();
    assert_eq!((states[0].1.as_str(), states[0].2.as_str()), ("sent", ""), "sent, and the recipient forgotten");
    assert_eq!(states[1].1, "dead");
}

#[cfg(unix)]
#[tokio::test]
async fn the_database_files_and_keys_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("modes");
    // A database file left world-readable by an older version is narrowed too.
    std::fs::write(dir.join("kezek.db"), b"").unwrap();
    std::fs::set_permissions(dir.join("kezek.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let secret = dir.join("token.secret");
    std::fs::write(&secret, "07".repeat(32)).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let url = format!("sqlite://{}", dir.join("kezek.db").display());
    let server = spawn_server_with(&url, &secret, "2026-11-23T05:00:00Z", &dir.join("server.log"), "info", &[]);
    let response = client().post(format!("{}/api/applications", server.base)).json(&body(3, "none")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let mode = |name: &str| std::fs::metadata(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")).permissions().mode() & 0o777;
    for name in ["kezek.db", "kezek.db-wal", "kezek.db-shm", "token.data-key", "token.log-key"] {
        assert_eq!(mode(name), 0o600, "{name} is {:o}", mode(name));
    }
}

#[tokio::test]
async fn an_ended_application_loses_its_personal_data_a_year_later_and_keeps_its_status_and_log() {
    for url in test_databases("retention").await {
        let now = at(window_day(), 10);
        let server = serve(store(&url).await, now).await;
        let store = &server.state.store;
        let (_, kept) = submit(&server, &body(1, "none"), "en").await;
        let (status, ended) = submit(&server, &body(2, "none"), "en").await;
        assert_eq!(status, StatusCode::CREATED, "{ended}");
        let (number, token) = (ended["number"].as_str().unwrap(), ended["token"].as_str().unwrap());
        let withdraw = client()
            .post(format!("{}/api/applications/{number}/withdraw", server.base))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(withdraw.status(), StatusCode::OK);
        let personal_of = |number: String| async move {
            let (personal, applicant_key): (String, String) =
                sqlx::query_as("SELECT personal, applicant_key FROM applications WHERE number = $1").bind(number).fetch_one(&store.db.pool).await.unwrap();
            (personal, applicant_key)
        };
        let day = chrono::Duration::days(1);
        let year = chrono::Duration::days(kezek::status::retention::RETENTION_DAYS);
        assert_eq!(erase_personal_data(store, now + year - day).await.unwrap(), 0, "kept for the whole period");
        assert!(!personal_of(number.to_owned()).await.0.is_empty());
        assert_eq!(erase_personal_data(store, now + year + day).await.unwrap(), 1);
        let (personal, applicant_key) = personal_of(number.to_owned()).await;
        assert_eq!((personal.as_str(), applicant_key.as_str()), ("", kezek_server::store::ERASED_KEY));
        assert_eq!(erase_personal_data(store, now + year + day * 2).await.unwrap(), 0, "once");
        // The live application keeps everything; the ended one keeps its status and its log.
        assert!(personal_of(kept["number"].as_str().unwrap().to_owned()).await.0.starts_with("x1:"));
        let view: Value = status_view(&server, number, token).await;
        assert_eq!(view["status"]["state"], "withdrawn", "{view}");
        assert_register_replays(store, now).await;
    }
}

#[tokio::test]
async fn a_special_queue_is_published_under_an_alias_and_never_by_its_disorder() {
    for url in test_databases("aliases").await {
        let server = serve(store(&url).await, at(window_day(), 10)).await;
        let mut form = body(8, "none");
        form["queue"] = json!({ "kind": "special", "disorder": "speech", "kindergarten": "kg1", "language": "kk", "stayMode": "full_day" });
        form["documents"] = json!([{ "kind": "pmpc_conclusion" }]);
        let (status, answer) = submit(&server, &form, "en").await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
        let (number, token) = (answer["number"].as_str().unwrap(), answer["token"].as_str().unwrap());
        // The PMPC conclusion's original is brought (rule 22): the application takes its place.
        let store = &server.state.store;
        store.confirm_originals(&store.application(number).await.unwrap().unwrap(), at(window_day(), 11)).await.unwrap();
        // The applicant's own view names the queue as it is, and its public form beside it.
        let view: Value = status_view(&server, number, token).await;
        let (queue, public) = (view["queue"].as_str().unwrap(), view["publicQueue"].as_str().unwrap());
        assert_eq!(queue, "750000000-2022-special-kg1-speech");
        let alias = public.strip_prefix("750000000-2022-special-kg1-q_").unwrap_or_else(|| panic!("{public}"));
        assert!(alias.len() == 16 && alias.bytes().all(|b| b.is_ascii_hexdigit()), "{public}");
        // The snapshot is served by the public form only; the key naming the disorder names no queue.
        let hidden = client().get(format!("{}/api/queues/{queue}/snapshot", server.base)).send().await.unwrap();
        assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
        assert_eq!(hidden.json::<Value>().await.unwrap()["errors"][0]["code"], "queue.unknown");
        let shown = client().get(format!("{}/api/queues/{public}/snapshot", server.base)).send().await.unwrap();
        assert_eq!(shown.status(), StatusCode::OK);
        let bytes = shown.bytes().await.unwrap();
        let snapshot = kezek::queue::snapshot::Snapshot::decode(&bytes).unwrap();
        assert_eq!(snapshot.header().key.as_ref().map(ToString::to_string).as_deref(), Some(public));
        assert_eq!(snapshot.len(), 1);
        // Nothing public names the disorder: not the snapshot, not a log entry, not the log's index.
        assert!(!String::from_utf8_lossy(&bytes).contains("speech"));
        let entries: Vec<(String, String)> = sqlx::query_as("SELECT entry, queue_key FROM log_entries").fetch_all(&server.state.store.db.pool).await.unwrap();
        assert!(entries.len() >= 2, "accepted and snapshot_published: {}", entries.len());
        for (entry, queue_key) in &entries {
            let entry = kezek::tlog::base64::decode(entry).unwrap();
            assert!(!String::from_utf8_lossy(&entry).contains("speech") && !queue_key.contains("speech"), "{queue_key}");
        }
        assert!(entries.iter().all(|(_, queue_key)| queue_key == public));
        // The register still proves the application and the snapshot under the public form.
        let evidence = client()
            .get(format!("{}/api/applications/{number}/register", server.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(evidence.status(), StatusCode::OK);
        assert!(evidence.json::<Value>().await.unwrap()["snapshot"].is_object(), "the snapshot's entry is found under the public form");
    }
}
