//! Notifications of the lifecycle (rules 23, 24.9; issue 12 item 4), end to end: each change
//! writes its messages in its own transaction, once; reminders are due at the core's instants and
//! cancelled when the state changes first; the applicant's channels and language are respected;
//! messages carry the application number and never an IIN or a name; and with the SMTP server
//! down, a message is retried and arrives exactly once when it returns, also across a restart of
//! the real binary. With the real local SMTP server (`scripts/services/smtp.py`) and fake SMS
//! gateway (`scripts/services/sms.mjs`) started by the tests, on SQLite and, with
//! KEZEK_TEST_POSTGRES_URL (scripts/with-postgres.sh), PostgreSQL.

mod common;
mod services;

use chrono::{DateTime, Duration, Utc};
use common::process::{spawn_server_with, write_secret, LIFTED_ADDRESS_LIMITS};
use common::*;
use kezek::i18n::Lang;
use kezek::status::{format_moment, AdmissionRefusal, ExtensionReason, Status};
use kezek_server::clock::SettableClock;
use kezek_server::jobs;
use kezek_server::notify::{idempotency_key, RetryPolicy, SendReport, Sender, SmsConfig, SmsGateway, Transports};
use kezek_server::seed::load_vacancies;
use kezek_server::store::{Admission, ClaimQueue, Store, Submitter};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;

const EMAIL: &str = "parent@example.kz";
const PHONE: &str = "+77010000001";

/// A general application (age group 3) whose notifications go to [`EMAIL`] and [`PHONE`].
fn form(seed: u32, category: &str) -> Value {
    let mut form = body(seed, category);
    form["notifications"] = json!({ "phones": ["+7 701 000 00 01"], "email": EMAIL });
    form
}

fn anyone() -> Submitter {
    Submitter { applicant: None, grounds_confirmed: true }
}

/// Friday 20 November 2026, 10:00 in Astana: submissions before Monday's access to referrals.
fn friday() -> DateTime<Utc> {
    at(date(2026, 11, 20), 10)
}

fn monday(hour: u32) -> DateTime<Utc> {
    at(window_day(), hour)
}

/// An outbox row as the tests read it.
#[derive(sqlx::FromRow, Clone, Debug)]
struct Row {
    idempotency_key: String,
    event_key: String,
    channel: String,
    kind: String,
    language: String,
    subject: String,
    body: String,
    state: String,
    due_at: i64,
}

async fn outbox(store: &Store, number: &str) -> Vec<Row> {
    sqlx::query_as(
        "SELECT idempotency_key, event_key, channel, kind, language, subject, body, state, due_at FROM notification_outbox \
         WHERE application_number = $1 ORDER BY created_at, event_key, channel, slot",
    )
    .bind(number)
    .fetch_all(&store.db.pool)
    .await
    .unwrap()
}

fn of<'a>(rows: &'a [Row], kind: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.kind == kind).collect()
}

/// The kinds of `rows` in order, one per event (the e-mail row of each).
fn kinds(rows: &[Row]) -> Vec<&str> {
    rows.iter().filter(|r| r.channel == "email").map(|r| r.kind.as_str()).collect()
}

/// Every row of `kind` is one e-mail and one SMS with `state`.
fn assert_once(rows: &[Row], kind: &str, state: &str) {
    let found = of(rows, kind);
    let channels: Vec<(&str, &str)> = found.iter().map(|r| (r.channel.as_str(), r.state.as_str())).collect();
    assert_eq!(channels, [("email", state), ("sms", state)], "{kind}: {rows:#?}");
}

/// No row of `rows` holds an IIN or a name of `form`, and each holds its application number.
fn assert_only_the_number(rows: &[Row], number: &str, form: &Value) {
    assert!(!rows.is_empty());
    let personal = [
        form["applicant"]["iin"].as_str().unwrap(),
        form["child"]["iin"].as_str().unwrap(),
        form["applicant"]["lastName"].as_str().unwrap(),
        form["applicant"]["firstName"].as_str().unwrap(),
        form["child"]["firstName"].as_str().unwrap(),
    ];
    for row in rows {
        for text in [&row.subject, &row.body] {
            assert!(text.contains(number), "{}: {text}", row.kind);
            for word in personal {
                assert!(!text.contains(word), "{} names {word}: {text}", row.kind);
            }
        }
    }
}

async fn claim(store: &Store, number: &str, vacancy: &str, now: DateTime<Utc>) -> kezek_server::store::ReferralView {
    let (referral, _) = ClaimQueue::start(store.clone()).claim(store, number.to_string(), vacancy.to_string(), now).await.unwrap();
    referral
}

async fn stored(store: &Store, number: &str) -> kezek_server::store::Stored {
    store.application(number).await.unwrap().unwrap()
}

/// `count` applications with contacts submitted on Friday, `seats` one-seat groups, the Sunday
/// bulletin and Monday's 07:00 access to referrals (the first `seats` get it).
async fn windows(store: &Store, count: u32, seats: usize) -> Vec<String> {
    load_vacancies(store, &vacancies(seats, 1)).await.unwrap();
    let mut numbers = Vec::new();
    for seed in 0..count {
        let answer = store.submit(&form(seed, "none"), None, &anyone(), friday() + Duration::minutes(i64::from(seed)), Lang::En).await.unwrap();
        numbers.push(answer.number);
    }
    jobs::publish_bulletin(store, at(date(2026, 11, 22), 18)).await.unwrap();
    assert_eq!(jobs::open_windows(store, monday(7)).await.unwrap(), u64::from(count).min(seats as u64));
    numbers
}

#[tokio::test]
async fn every_change_enqueues_its_message_once_in_its_transaction_and_a_retried_operation_adds_nothing() {
    for url in test_databases("notice_once").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(1, 1)).await.unwrap();

        // Accepted: a retry with the same Idempotency-Key inserts nothing, so enqueues nothing.
        let first = store.submit(&form(1, "none"), Some("key-1"), &anyone(), friday(), Lang::En).await.unwrap();
        let again = store.submit(&form(1, "none"), Some("key-1"), &anyone(), friday() + Duration::seconds(5), Lang::En).await.unwrap();
        assert_eq!(first.number, again.number);
        let n = first.number.clone();
        assert_once(&outbox(&store, &n).await, "accepted", "pending");

        // Access to referrals: the message and its reminder; the job again adds nothing.
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        assert_eq!(jobs::open_windows(&store, monday(7)).await.unwrap(), 1);
        assert_eq!(jobs::open_windows(&store, monday(7) + Duration::minutes(1)).await.unwrap(), 0);
        let rows = outbox(&store, &n).await;
        assert_once(&rows, "window_opened", "pending");
        assert_once(&rows, "window_closing", "pending");
        assert!(of(&rows, "window_opened")[0].body.contains(&format_moment(at(date(2026, 11, 26), 0), Lang::En)), "closes at the end of Wednesday");

        // A referral: its message and reminder; the window's reminder is cancelled; a retried
        // claim (the same referral back) adds nothing.
        let referral = claim(&store, &n, "v0", monday(8)).await;
        let retried = claim(&store, &n, "v0", monday(8) + Duration::seconds(3)).await;
        assert_eq!(referral.id, retried.id);
        let rows = outbox(&store, &n).await;
        assert_once(&rows, "referral_issued", "pending");
        assert_once(&rows, "referral_expiring", "pending");
        assert_once(&rows, "window_closing", "cancelled");

        // Extended once (rule 30): the new expiry, the reminder moved; asked again, nothing.
        let until = date(2026, 12, 10);
        let s = stored(&store, &n).await;
        store.extend_referral(&s, &referral.id, ExtensionReason::Illness, Some(until), monday(9)).await.unwrap();
        store.extend_referral(&s, &referral.id, ExtensionReason::Illness, Some(until), monday(10)).await.unwrap();
        let rows = outbox(&store, &n).await;
        assert_once(&rows, "referral_extended", "pending");
        let reminders = of(&rows, "referral_expiring");
        assert_eq!(reminders.len(), 4, "the first pair cancelled, a new pair");
        let expires = kezek::status::deadline::end_of_local_day(until).unwrap();
        assert!(reminders[..2].iter().all(|r| r.state == "cancelled"));
        assert!(reminders[2..].iter().all(|r| r.state == "pending" && r.due_at == (expires - Duration::hours(24)).timestamp_millis()));

        // Admitted; the reminder goes; a retried admission adds nothing.
        let admission = Admission { contract_on: date(2026, 11, 25), health_certificate_issued_on: date(2026, 11, 24), temporary_until: None };
        store.admit(&s, &admission, at(date(2026, 11, 25), 10)).await.unwrap();
        store.admit(&s, &admission, at(date(2026, 11, 25), 11)).await.unwrap();
        jobs::tick(&store, at(date(2026, 12, 20), 9)).await.unwrap();
        let rows = outbox(&store, &n).await;
        assert_once(&rows, "admitted", "pending");
        assert!(of(&rows, "referral_expiring").iter().all(|r| r.state == "cancelled"));
        assert_eq!(
            kinds(&rows),
            ["accepted", "window_opened", "window_closing", "referral_issued", "referral_expiring", "referral_extended", "referral_expiring", "admitted"]
        );
        // One row per event and channel: the event keys are the log entries'.
        let mut keys: Vec<&str> = rows.iter().map(|r| r.idempotency_key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), rows.len());
        let (index,): (i64,) = sqlx::query_as("SELECT log_index FROM log_entries WHERE application_number = $1 AND kind = 'admitted'")
            .bind(&n)
            .fetch_one(&store.db.pool)
            .await
            .unwrap();
        assert_eq!(of(&rows, "admitted")[0].event_key, format!("log:{index}:admitted"));
        assert_only_the_number(&rows, &n, &form(1, "none"));
        assert_register_replays(&store, at(date(2026, 12, 20), 9)).await;
    }
}

#[tokio::test]
async fn every_end_of_a_referral_says_why_and_cancels_its_reminder() {
    for url in test_databases("notice_ends").await {
        let store = store(&url).await;
        let n = windows(&store, 4, 4).await;
        let mut referrals = Vec::new();
        for (i, number) in n.iter().enumerate() {
            referrals.push(claim(&store, number, &format!("v{i}"), monday(8)).await.id);
        }
        // 0: cancelled by the applicant within 24 hours (rule 30); twice is one cancellation.
        let s0 = stored(&store, &n[0]).await;
        store.cancel_referral(&s0, &referrals[0], monday(9)).await.unwrap();
        store.cancel_referral(&s0, &referrals[0], monday(10)).await.unwrap();
        // 1: withdrawn with its referral: the referral's end, then the application's.
        let s1 = stored(&store, &n[1]).await;
        store.withdraw(&s1, monday(9)).await.unwrap();
        store.withdraw(&s1, monday(10)).await.unwrap();
        // 2: admission refused (rule 34).
        let s2 = stored(&store, &n[2]).await;
        store.refuse_admission(&s2, AdmissionRefusal::MissingDocuments, at(date(2026, 11, 24), 10)).await.unwrap();
        // 3: runs out at the end of Monday 30 November (Appendix 4 item 8).
        let end = at(date(2026, 12, 1), 0);
        assert_eq!(jobs::settle_deadlines(&store, end).await.unwrap(), 1);
        assert_eq!(jobs::settle_deadlines(&store, end + Duration::minutes(1)).await.unwrap(), 0);

        let expect = [
            ("referral_cancelled", "Reason: at your request."),
            ("referral_cancelled", "Reason: the application was withdrawn."),
            ("referral_cancelled", "Reason: admission refused: documents were missing."),
            ("referral_expired", "has expired"),
        ];
        for (i, (kind, says)) in expect.iter().enumerate() {
            let rows = outbox(&store, &n[i]).await;
            assert_once(&rows, kind, "pending");
            assert!(of(&rows, kind)[0].body.contains(says), "{i}: {}", of(&rows, kind)[0].body);
            assert!(of(&rows, "referral_expiring").iter().all(|r| r.state == "cancelled"), "{i}: the reminder goes with the referral");
            assert_only_the_number(&rows, &n[i], &form(i as u32, "none"));
        }
        let withdrawn = outbox(&store, &n[1]).await;
        assert_once(&withdrawn, "withdrawn", "pending");
        assert_eq!(kinds(&withdrawn)[kinds(&withdrawn).len() - 2..], ["referral_cancelled", "withdrawn"]);
        assert_register_replays(&store, end).await;
    }
}

#[tokio::test]
async fn originals_their_confirmation_their_deadline_and_the_age_limit_each_send_their_message() {
    for url in test_databases("notice_originals").await {
        let store = store(&url).await;
        let d = store.deadlines();
        // A teacher's child: the original workplace certificate must be shown (rule 22).
        let teacher = |seed| {
            let mut f = form(seed, "teacher");
            f["documents"] = json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]);
            f
        };
        let submitted = monday(10);
        let confirmed = store.submit(&teacher(1), None, &anyone(), submitted, Lang::En).await.unwrap();
        let missed = store.submit(&teacher(2), None, &anyone(), submitted, Lang::En).await.unwrap();
        let due = d.originals_deadline(submitted).unwrap();
        for number in [&confirmed.number, &missed.number] {
            let rows = outbox(&store, number).await;
            assert_once(&rows, "accepted", "pending");
            assert!(rows[0].body.contains(&format!("by {}", format_moment(due, Lang::En))), "{}", rows[0].body);
            assert!(rows[0].body.contains("30.11.2026, 23:59 (Astana time)"), "{}", rows[0].body);
        }
        store.confirm_originals(&stored(&store, &confirmed.number).await, monday(11)).await.unwrap();
        store.confirm_originals(&stored(&store, &confirmed.number).await, monday(12)).await.unwrap();
        assert_once(&outbox(&store, &confirmed.number).await, "originals_confirmed", "pending");
        assert_eq!(jobs::settle_deadlines(&store, due).await.unwrap(), 1);
        assert_eq!(jobs::settle_deadlines(&store, due + Duration::hours(1)).await.unwrap(), 0);
        let rows = outbox(&store, &missed.number).await;
        assert_once(&rows, "archived", "pending");
        assert!(of(&rows, "archived")[0].body.contains("not brought within 5 working days"));

        // A general application with nothing to bring: accepted without a deadline.
        let mut old = form(3, "none");
        old["child"]["iin"] = json!(kezek_server::synthetic::iin(date(2020, 9, 2), false, 3));
        let aged = store.submit(&old, None, &anyone(), submitted, Lang::En).await.unwrap();
        assert_eq!(aged.status, Status::Queued { interested: true });
        assert!(outbox(&store, &aged.number).await[0].body.contains("is accepted and put in the queue"));
        // Rules 18, 24.9: archived on 1 September 2027, once.
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 0)).await.unwrap(), 1);
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 1)).await.unwrap(), 0);
        let rows = outbox(&store, &aged.number).await;
        assert_once(&rows, "archived", "pending");
        assert!(of(&rows, "archived")[0].body.contains("age limit"));
        for (number, f) in [(&confirmed.number, teacher(1)), (&missed.number, teacher(2)), (&aged.number, old)] {
            assert_only_the_number(&outbox(&store, number).await, number, &f);
        }
        assert_register_replays(&store, at(date(2027, 9, 1), 1)).await;
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy { first_delay: std::time::Duration::from_secs(30), max_attempts: 5, ..RetryPolicy::default() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_out_at_their_instants_and_never_once_the_state_changed_first() {
    for url in test_databases("notice_reminders").await {
        let store = store(&url).await;
        let n = windows(&store, 2, 2).await;
        let dir = temp_dir("notice_reminders");
        let out = dir.join("sms.jsonl");
        let gateway = services::sms(&out, "test-key");
        let gateway_url = format!("{}/messages", gateway.address).parse().unwrap();
        let sms = Arc::new(SmsGateway::new(&SmsConfig { url: gateway_url, api_key: Some("test-key".into()) }).unwrap());
        let clock = Arc::new(SettableClock::frozen_at(monday(7)));
        let sender = Sender::new(store.db.clone(), clock.clone(), Transports { email: None, sms: Some(sms) }, policy(), store.data_key.clone());
        let sent_texts = |records: &[Value]| -> Vec<String> {
            assert!(records.iter().all(|r| r["to"] == PHONE), "{records:?}");
            records.iter().filter(|r| r["status"] == 200).map(|r| r["text"].as_str().unwrap().to_string()).collect()
        };
        // Monday 07:00: the acceptances and the two windows' messages go; the reminders wait.
        assert_eq!(sender.run_once().await.unwrap().sent, 4);
        let d = store.deadlines();
        let reminder = d.window_reminder(window_day()).unwrap();
        assert_eq!(reminder, at(date(2026, 11, 25), 0), "one working day before the end of Wednesday");

        // 1 claims on Tuesday: its window reminder is cancelled before it is due.
        let referral = claim(&store, &n[1], "v1", at(date(2026, 11, 24), 9)).await;
        clock.set(at(date(2026, 11, 24), 9));
        assert_eq!(sender.run_once().await.unwrap().sent, 1, "the referral's message");

        clock.set(reminder - Duration::seconds(1));
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        clock.set(reminder);
        assert_eq!(sender.run_once().await.unwrap().sent, 1, "only 0's window reminder");
        let texts = sent_texts(&services::sms_records(&out));
        let last = texts.last().unwrap();
        assert!(last.contains(&n[0]) && last.contains("one working day is left"), "{last}");
        assert!(!texts.iter().any(|t| t.contains(&n[1]) && t.contains("one working day is left")));

        // The referral's reminder: 24 hours before it expires (the end of Tuesday 1 December).
        let expires = Status::Referred { issued_at: DateTime::parse_from_rfc3339(&referral.issued_at).unwrap().with_timezone(&Utc), extended_until: None, counts_from: None }
            .referral_deadline(&d)
            .unwrap()
            .unwrap();
        assert_eq!(expires, at(date(2026, 12, 2), 0));
        clock.set(expires - Duration::hours(24) - Duration::seconds(1));
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        clock.set(expires - Duration::hours(24));
        assert_eq!(sender.run_once().await.unwrap().sent, 1);
        let last = sent_texts(&services::sms_records(&out)).last().unwrap().clone();
        assert!(last.contains(&n[1]) && last.contains(&format_moment(expires, Lang::En)), "{last}");

        // 0's window runs out unused: nothing more is sent for it.
        jobs::settle_deadlines(&store, at(date(2026, 11, 26), 0)).await.unwrap();
        clock.set(at(date(2026, 12, 5), 0));
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        let rows = outbox(&store, &n[1]).await;
        assert_eq!(of(&rows, "window_closing")[0].state, "cancelled");
        assert!(rows.iter().filter(|r| r.channel == "sms").all(|r| r.state == "sent" || r.state == "cancelled"));
        drop(gateway);
    }
}

async fn post(client: &reqwest::Client, url: String, token: &str, body: &Value) -> (StatusCode, Value) {
    let response = client.post(url).bearer_auth(token).json(body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn get(client: &reqwest::Client, url: String, token: &str) -> (StatusCode, Value) {
    let response = client.get(url).bearer_auth(token).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_applicants_channels_are_respected_and_the_settings_api_answers_them() {
    for url in test_databases("notice_choice").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(4, 1)).await.unwrap();
        let server = serve(store.clone(), friday()).await;
        let client = client();
        let mut submitted = Vec::new();
        for seed in 0..4 {
            let response = client.post(format!("{}/api/applications", server.base)).header("accept-language", "en").json(&form(seed, "none")).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            let answer: Value = response.json().await.unwrap();
            submitted.push((answer["number"].as_str().unwrap().to_string(), answer["token"].as_str().unwrap().to_string()));
        }
        let settings = |n: &str| format!("{}/api/applications/{n}/notifications", server.base);
        // Without a choice: every channel the application gives a contact for, its language.
        let (n0, t0) = &submitted[0];
        assert_eq!(get(&client, settings(n0), t0).await, (StatusCode::OK, json!({ "email": true, "sms": true, "lang": "en" })));
        // Email only, SMS only, none; the answer is the settings as stored.
        let choices = [json!({ "email": true, "sms": false, "lang": "en" }), json!({ "email": false, "sms": true, "lang": "en" }), json!({ "email": false, "sms": false, "lang": "en" })];
        for ((n, t), choice) in submitted[1..].iter().zip(&choices) {
            assert_eq!(post(&client, settings(n), t, choice).await, (StatusCode::OK, choice.clone()));
            assert_eq!(get(&client, settings(n), t).await, (StatusCode::OK, choice.clone()));
        }
        // Only the application's own token; a malformed choice is refused.
        let (status, _) = get(&client, settings(&submitted[1].0), t0).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = post(&client, settings(n0), t0, &json!({ "email": true, "sms": true, "lang": "de" })).await;
        assert_eq!((status, body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("body.json")));
        let (status, _) = post(&client, settings(n0), t0, &json!({ "email": true })).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = client.get(settings(n0)).send().await.map(|r| (r.status(), ())).unwrap();
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // The next event goes by each choice.
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        assert_eq!(jobs::open_windows(&store, monday(7)).await.unwrap(), 4);
        let channels = |rows: Vec<Row>| -> Vec<String> { of(&rows, "window_opened").iter().map(|r| r.channel.clone()).collect() };
        assert_eq!(channels(outbox(&store, n0).await), ["email", "sms"]);
        assert_eq!(channels(outbox(&store, &submitted[1].0).await), ["email"]);
        assert_eq!(channels(outbox(&store, &submitted[2].0).await), ["sms"]);
        assert!(channels(outbox(&store, &submitted[3].0).await).is_empty());
        // The acceptance before the choice went by the default.
        assert_eq!(of(&outbox(&store, &submitted[3].0).await, "accepted").len(), 2);
    }
}

#[tokio::test]
async fn messages_are_in_the_applications_language_until_the_applicant_chooses_another() {
    for url in test_databases("notice_lang").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(1, 1)).await.unwrap();
        let server = serve(store.clone(), friday()).await;
        let client = client();
        let response = client.post(format!("{}/api/applications", server.base)).header("accept-language", "ru-KZ").json(&form(5, "none")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let answer: Value = response.json().await.unwrap();
        let (n, token) = (answer["number"].as_str().unwrap().to_string(), answer["token"].as_str().unwrap().to_string());
        let rows = outbox(&store, &n).await;
        assert!(rows.iter().all(|r| r.language == "ru"));
        assert!(rows[0].subject.starts_with(&format!("Заявление {n} принято")), "{}", rows[0].subject);
        let settings = format!("{}/api/applications/{n}/notifications", server.base);
        assert_eq!(get(&client, settings.clone(), &token).await.1, json!({ "email": true, "sms": true, "lang": "ru" }));
        post(&client, settings, &token, &json!({ "email": true, "sms": true, "lang": "kk" })).await;
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        jobs::open_windows(&store, monday(7)).await.unwrap();
        let rows = outbox(&store, &n).await;
        let opened = of(&rows, "window_opened");
        assert!(opened.iter().all(|r| r.language == "kk"));
        assert!(opened[0].body.contains("жолдама алуға қолжетімділік ашылды") && opened[0].body.contains("(Астана уақыты)"), "{}", opened[0].body);
    }
}

/// Waits until the SMTP server's directory holds a message whose body names `number` and says
/// `says`; answers every such message after a further quiet second.
async fn wait_mail(dir: &std::path::Path, number: &str, says: &str) -> Vec<String> {
    let matching = || -> Vec<String> {
        services::mails(dir).into_iter().filter(|m| {
            let body = services::body_text(m);
            body.contains(number) && body.contains(says)
        }).collect()
    };
    for _ in 0..300 {
        if !matching().is_empty() {
            // Long enough for several sender rounds (--tick-ms 500): a duplicate would show.
            tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
            return matching();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no mail for {number} saying {says:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_smtp_server_down_a_mail_is_retried_and_arrives_exactly_once_also_across_a_restart_of_the_server() {
    for url in test_databases("notice_restart").await {
        let dir = temp_dir("notice_restart");
        let mail = dir.join("mail");
        let mut smtp = services::smtp(&mail, 0);
        let port = services::port_of(&smtp.address).to_string();
        smtp.stop();
        let secret = write_secret(&dir);
        let log = dir.join("server.log");
        let mut flags: Vec<&str> = LIFTED_ADDRESS_LIMITS.to_vec();
        flags.extend(["--smtp-host", "127.0.0.1", "--smtp-port", &port, "--mail-from", "kezek@kezek.test", "--notify-first-retry-seconds", "1"]);
        let client = client();

        // The server runs its sender; the SMTP server is down when the application is accepted.
        let mut server = spawn_server_with(&url, &secret, "2026-11-23T05:00:00Z", &log, "info", &flags);
        let health = wait_health(&client, &server.base, "the sender", |h| h["notifications"]["sender"] == true).await;
        assert_eq!((health["notifications"]["email"].clone(), health["notifications"]["sms"].clone()), (json!(true), json!(false)));
        let response = client.post(format!("{}/api/applications", server.base)).header("accept-language", "en").json(&form(9, "none")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let answer: Value = response.json().await.unwrap();
        let (n, token) = (answer["number"].as_str().unwrap().to_string(), answer["token"].as_str().unwrap().to_string());
        let health = wait_health(&client, &server.base, "a retry", |h| h["notifications"]["retrying"].as_i64() >= Some(1)).await;
        assert_eq!(health["status"], "degraded", "a message waiting for a retry degrades the service");
        // The process dies; the SMTP server comes back; a new process sends the mail once.
        server.kill();
        let smtp = services::smtp(&mail, port.parse().unwrap());
        let server = spawn_server_with(&url, &secret, "2026-11-23T05:10:00Z", &log, "info", &flags);
        let accepted = wait_mail(&mail, &n, "is accepted").await;
        assert_eq!(accepted.len(), 1, "exactly once across the restart");
        wait_health(&client, &server.base, "nothing to retry", |h| h["notifications"]["retrying"] == 0 && h["status"] == "ok").await;

        // With the server running: the SMTP server stops, the next event happens, it returns.
        drop(smtp);
        let (status, _) = post(&client, format!("{}/api/applications/{n}/withdraw", server.base), &token, &json!({})).await;
        assert_eq!(status, StatusCode::OK);
        wait_health(&client, &server.base, "a retry", |h| h["notifications"]["retrying"].as_i64() >= Some(1)).await;
        let smtp = services::smtp(&mail, port.parse().unwrap());
        let withdrawn = wait_mail(&mail, &n, "is withdrawn").await;
        assert_eq!(withdrawn.len(), 1, "exactly once after the SMTP server returned");
        assert_eq!(services::mails(&mail).len(), 2);

        // Each mail's Message-ID is its idempotency key; the rows are sent, after retries.
        let db = kezek_server::db::Db::connect(&url).await.unwrap();
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT event_key, kind, state, attempts FROM notification_outbox WHERE application_number = $1 AND channel = 'email' ORDER BY created_at",
        )
        .bind(&n)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(rows.iter().map(|r| (r.1.as_str(), r.2.as_str())).collect::<Vec<_>>(), [("accepted", "sent"), ("withdrawn", "sent")]);
        assert!(rows.iter().all(|r| r.3 >= 2), "each failed at least once first: {rows:?}");
        for (mail, row) in [(&accepted[0], &rows[0]), (&withdrawn[0], &rows[1])] {
            let id = format!("<{}@kezek.test>", idempotency_key(&row.0, "email", 0));
            assert_eq!(services::header(mail, "Message-ID"), Some(id.as_str()));
            assert_eq!(services::header(mail, "X-Envelope-To"), Some(EMAIL));
        }
        let metrics = client.get(format!("{}/metrics", server.base)).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains(r#"kezek_notifications_total{outcome="sent"} 2"#), "the second process sent both mails:\n{metrics}");
        drop(smtp);
        drop(server);
    }
}

