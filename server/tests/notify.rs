//! The notification outbox end to end: enqueue in a transaction, the sender with the real local
//! SMTP server (`scripts/services/smtp.py`, aiosmtpd) and the fake SMS gateway
//! (`scripts/services/sms.mjs`) as child processes, on a frozen clock moved by hand. On SQLite,
//! and on PostgreSQL when `KEZEK_TEST_POSTGRES_URL` is set (scripts/with-postgres.sh).

mod common;
mod services;

use chrono::{DateTime, Duration, Utc};
use kezek::application::email::parse_email;
use kezek::application::phone::parse_mobile;
use kezek::application::Notifications;
use kezek::i18n::Lang;
use kezek::queue::ApplicationNumber;
use kezek_server::clock::{Clock, SettableClock};
use kezek_server::db::Db;
use kezek_server::secrets::DataKey;
use kezek_server::notify::outbox::{rows_of, RowState};
use kezek_server::notify::{
    self, idempotency_key, EnqueueError, Message, Outgoing, Preferences, RetryPolicy, SendReport, Sender, SmsConfig, SmsGateway, SmtpConfig,
    SmtpTransport, TlsMode, Transport, Transports,
};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const NUMBER: &str = "2418211947256";
const START: &str = "2026-11-23T02:00:00Z";

struct Fixture {
    db: Db,
    clock: Arc<SettableClock>,
    dir: PathBuf,
}

async fn fixture(url: &str, label: &str) -> Fixture {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    Fixture { db, clock: Arc::new(SettableClock::frozen_at(common::utc(START))), dir: common::temp_dir(label) }
}

/// The data key the outbox's recipients are sealed with (issue 15).
fn key() -> DataKey {
    DataKey::from_bytes([9; 32])
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        first_delay: std::time::Duration::from_secs(30),
        max_delay: std::time::Duration::from_secs(600),
        max_attempts: 4,
        lease: std::time::Duration::from_secs(120),
        batch: 50,
    }
}

fn smtp_transport(port: u16) -> Arc<dyn Transport> {
    let config = SmtpConfig { host: "127.0.0.1".into(), port, tls: TlsMode::None, user: None, password: None, from: "kezek@kezek.test".into() };
    Arc::new(SmtpTransport::new(&config).unwrap())
}

fn sms_transport(gateway: &services::Service) -> Arc<dyn Transport> {
    let url = format!("{}/messages", gateway.address).parse().unwrap();
    Arc::new(SmsGateway::new(&SmsConfig { url, api_key: Some("test-key".into()) }).unwrap())
}

impl Fixture {
    fn sender(&self, transports: Transports, policy: RetryPolicy) -> Sender {
        Sender::new(self.db.clone(), self.clock.clone(), transports, policy, key())
    }

    /// Enqueues `message` for `event` in its own committed transaction; answers the new rows.
    async fn enqueue(&self, event: &str, number: &str, message: Message, contacts: &Notifications) -> usize {
        let mut tx = self.db.begin_write().await.unwrap();
        let added = notify::enqueue(&mut tx, &key(), &outgoing(event, number, message, contacts, self.clock.now()), self.clock.now()).await.unwrap();
        tx.commit().await.unwrap();
        added
    }

    async fn rows(&self, number: &str) -> Vec<RowState> {
        rows_of(&self.db.pool, number).await.unwrap()
    }

    fn advance(&self, seconds: i64) {
        self.clock.advance(Duration::seconds(seconds));
    }
}

fn outgoing<'a>(event: &'a str, number: &str, message: Message, contacts: &'a Notifications, due: DateTime<Utc>) -> Outgoing<'a> {
    Outgoing { event_key: event, application: ApplicationNumber::parse(number).unwrap(), message, contacts, lang: Lang::En, due_at: due }
}

fn email_only() -> Notifications {
    Notifications { phones: vec![], email: Some(parse_email("parent@example.kz").unwrap()) }
}

fn phones_only() -> Notifications {
    Notifications { phones: vec![parse_mobile("+7 701 000 00 01").unwrap(), parse_mobile("8 (777) 000-00-02").unwrap()], email: None }
}

fn window(at: &str) -> Message {
    Message::WindowOpened { closes_at: common::utc(at) }
}

fn sent(n: u32) -> SendReport {
    SendReport { sent: n, retried: 0, dead: 0 }
}

fn retried(n: u32) -> SendReport {
    SendReport { sent: 0, retried: n, dead: 0 }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_event_sends_nothing_and_a_committed_one_arrives_exactly_once() {
    for url in common::test_databases("notify_once").await {
        let f = fixture(&url, "notify_once").await;
        let smtp = services::smtp(&f.dir, 0);
        let sender = f.sender(Transports { email: Some(smtp_transport(services::port_of(&smtp.address))), sms: None }, policy());

        let mut tx = f.db.begin_write().await.unwrap();
        let added = notify::enqueue(&mut tx, &key(), &outgoing("log:1", NUMBER, window("2026-11-25T19:00:00Z"), &email_only(), f.clock.now()), f.clock.now())
            .await
            .unwrap();
        assert_eq!(added, 1);
        tx.rollback().await;
        assert!(f.rows(NUMBER).await.is_empty());
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());

        assert_eq!(f.enqueue("log:1", NUMBER, window("2026-11-25T19:00:00Z"), &email_only()).await, 1);
        // The same event again (a retried transaction): nothing new.
        assert_eq!(f.enqueue("log:1", NUMBER, window("2026-11-25T19:00:00Z"), &email_only()).await, 0);
        assert_eq!(sender.run_once().await.unwrap(), sent(1));
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        f.advance(86_400);
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());

        let mails = services::mails(&f.dir);
        assert_eq!(mails.len(), 1, "exactly one message");
        let mail = &mails[0];
        let key = idempotency_key("log:1", "email", 0);
        assert_eq!(services::header(mail, "Message-ID"), Some(format!("<{key}@kezek.test>").as_str()));
        assert_eq!(services::header(mail, "X-Envelope-To"), Some("parent@example.kz"));
        assert_eq!(services::header(mail, "Subject"), Some(format!("Application {NUMBER}: access to referrals is open").as_str()));
        let body = services::body_text(mail);
        assert!(body.contains(NUMBER) && body.contains("by 25.11.2026, 23:59 (Astana time)"), "{body}");
        let rows = f.rows(NUMBER).await;
        assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("sent", 1));
        let recipient: (String,) = sqlx::query_as("SELECT recipient FROM notification_outbox").fetch_one(&f.db.pool).await.unwrap();
        assert_eq!(recipient.0, "", "the address is forgotten once sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_smtp_server_down_a_message_is_retried_with_back_off_and_arrives_once_when_it_returns() {
    for url in common::test_databases("notify_retry").await {
        let f = fixture(&url, "notify_retry").await;
        let mut smtp = services::smtp(&f.dir, 0);
        let port = services::port_of(&smtp.address);
        smtp.stop();
        let sender = f.sender(Transports { email: Some(smtp_transport(port)), sms: None }, policy());
        f.enqueue("log:2", NUMBER, Message::OriginalsConfirmed, &email_only()).await;

        assert_eq!(sender.run_once().await.unwrap(), retried(1));
        let row = &f.rows(NUMBER).await[0];
        assert_eq!((row.state.as_str(), row.attempts), ("pending", 1));
        assert_eq!(row.due_at - f.clock.now().timestamp_millis(), 30_000, "first wait 30 s");
        assert!(row.last_error.as_deref().unwrap_or("").contains("transient"), "{:?}", row.last_error);
        // Not due yet: nothing happens.
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        f.advance(30);
        assert_eq!(sender.run_once().await.unwrap(), retried(1));
        let row = &f.rows(NUMBER).await[0];
        assert_eq!((row.attempts, row.due_at - f.clock.now().timestamp_millis()), (2, 60_000), "the wait doubles");

        let smtp = services::smtp(&f.dir, port);
        f.advance(60);
        assert_eq!(sender.run_once().await.unwrap(), sent(1));
        f.advance(3600);
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        assert_eq!(services::mails(&f.dir).len(), 1, "exactly once");
        assert_eq!(f.rows(NUMBER).await[0].attempts, 3);
        drop(smtp);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_last_attempt_or_a_permanent_refusal_a_message_is_dead_lettered() {
    for url in common::test_databases("notify_dead").await {
        let f = fixture(&url, "notify_dead").await;
        let mut smtp = services::smtp(&f.dir, 0);
        let port = services::port_of(&smtp.address);
        smtp.stop();
        let out = f.dir.join("sms.jsonl");
        let gateway = services::sms(&out, "test-key");
        let policy = RetryPolicy { max_attempts: 3, ..policy() };
        let sender = f.sender(Transports { email: Some(smtp_transport(port)), sms: Some(sms_transport(&gateway)) }, policy);

        f.enqueue("log:3", NUMBER, Message::ReferralExpired, &email_only()).await;
        assert_eq!(sender.run_once().await.unwrap(), retried(1));
        f.advance(30);
        assert_eq!(sender.run_once().await.unwrap(), retried(1));
        f.advance(60);
        assert_eq!(sender.run_once().await.unwrap(), SendReport { sent: 0, retried: 0, dead: 1 });
        let row = &f.rows(NUMBER).await[0];
        assert_eq!((row.state.as_str(), row.attempts), ("dead", 3));
        f.advance(86_400);
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default(), "a dead letter is not retried");

        // The gateway refuses the number for good (400): dead at the first attempt.
        order(&gateway, serde_json::json!({ "fail": 2, "status": 400 })).await;
        let other = "2418211947264";
        f.enqueue("log:4", other, Message::Admitted { temporary_until: None }, &phones_only()).await;
        assert_eq!(sender.run_once().await.unwrap(), SendReport { sent: 0, retried: 0, dead: 2 });
        assert!(f.rows(other).await.iter().all(|r| r.state == "dead" && r.attempts == 1));
        assert_eq!(services::mails(&f.dir).len(), 0);
    }
}

async fn order(gateway: &services::Service, order: serde_json::Value) {
    let response = reqwest::Client::new().post(format!("{}/control", gateway.address)).json(&order).send().await.unwrap();
    assert!(response.status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sms_goes_through_the_gateway_after_failures_each_request_carrying_the_idempotency_key() {
    for url in common::test_databases("notify_sms").await {
        let f = fixture(&url, "notify_sms").await;
        let out = f.dir.join("sms.jsonl");
        let gateway = services::sms(&out, "test-key");
        let sender = f.sender(Transports { email: None, sms: Some(sms_transport(&gateway)) }, policy());
        order(&gateway, serde_json::json!({ "fail": 2, "status": 503 })).await;

        let issued = Message::ReferralIssued { valid_until: common::utc("2026-11-30T19:00:00Z") };
        assert_eq!(f.enqueue("referral:R1:issued", NUMBER, issued, &phones_only()).await, 2, "one SMS per number (at most two)");
        assert_eq!(sender.run_once().await.unwrap(), retried(2));
        f.advance(30);
        assert_eq!(sender.run_once().await.unwrap(), sent(2));
        f.advance(3600);
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());

        let records = services::sms_records(&out);
        assert_eq!(records.len(), 4);
        for (slot, phone) in [(0, "+77010000001"), (1, "+77770000002")] {
            let key = idempotency_key("referral:R1:issued", "sms", slot);
            let mine: Vec<&serde_json::Value> = records.iter().filter(|r| r["idempotencyKey"] == key.as_str()).collect();
            let statuses: Vec<i64> = mine.iter().map(|r| r["status"].as_i64().unwrap()).collect();
            assert_eq!(statuses, vec![503, 200], "{phone}");
            assert!(mine.iter().all(|r| r["bodyKey"] == key.as_str() && r["to"] == phone));
            let text = mine[1]["text"].as_str().unwrap();
            assert!(text.contains(NUMBER) && text.contains("by 30.11.2026, 23:59 (Astana time)"), "{text}");
        }
        assert!(f.rows(NUMBER).await.iter().all(|r| r.state == "sent" && r.attempts == 2));
    }
}

async fn wait_for(path: &Path, lines: usize) {
    // Up to 30 s: on a loaded machine the sender and the gateway may wait for a CPU.
    for _ in 0..1200 {
        if services::sms_records(path).len() >= lines {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the gateway never got {lines} requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_that_dies_mid_way_loses_nothing_and_a_second_copy_is_recognisable() {
    for url in common::test_databases("notify_crash").await {
        let f = fixture(&url, "notify_crash").await;
        let smtp = services::smtp(&f.dir, 0);
        let out = f.dir.join("sms.jsonl");
        let gateway = services::sms(&out, "test-key");
        let transports = Transports { email: Some(smtp_transport(services::port_of(&smtp.address))), sms: Some(sms_transport(&gateway)) };

        // Died after claiming, before sending: the others go at once, that one after its lease.
        for i in 0..3 {
            f.enqueue(&format!("log:1{i}"), NUMBER, Message::OriginalsConfirmed, &email_only()).await;
        }
        let first = f.sender(transports.clone(), policy());
        assert!(first.claim(&["email"]).await.unwrap().is_some());
        drop(first);
        let second = f.sender(transports.clone(), policy());
        assert_eq!(second.run_once().await.unwrap(), sent(2));
        f.advance(60);
        assert_eq!(second.run_once().await.unwrap(), SendReport::default(), "the lease still holds");
        f.advance(61);
        assert_eq!(second.run_once().await.unwrap(), sent(1));
        let ids: std::collections::BTreeSet<String> =
            services::mails(&f.dir).iter().map(|m| services::header(m, "Message-ID").unwrap().to_string()).collect();
        assert_eq!(ids.len(), 3, "three different messages, each once");

        // Died while the gateway held the request: sent again after the lease, same key.
        order(&gateway, serde_json::json!({ "hang": 1 })).await;
        let other = "2418211947264";
        let one_phone = Notifications { phones: vec![parse_mobile("+77010000003").unwrap()], email: None };
        f.enqueue("log:20", other, Message::Admitted { temporary_until: None }, &one_phone).await;
        let dying = Arc::new(f.sender(transports.clone(), policy()));
        let task = tokio::spawn({
            let dying = dying.clone();
            async move { dying.run_once().await }
        });
        wait_for(&out, 1).await;
        task.abort();
        let _ = task.await;
        assert_eq!(f.rows(other).await[0].state, "sending");
        let survivor = f.sender(transports.clone(), policy());
        assert_eq!(survivor.run_once().await.unwrap(), SendReport::default());
        f.advance(121);
        assert_eq!(survivor.run_once().await.unwrap(), sent(1));
        let records = services::sms_records(&out);
        let keys: Vec<&str> = records.iter().map(|r| r["idempotencyKey"].as_str().unwrap()).collect();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0], keys[1], "the gateway can tell the second request is the same message");
        assert_eq!((records[0]["status"].as_str(), records[1]["status"].as_i64()), (Some("hung"), Some(200)));
        let row = &f.rows(other).await[0];
        assert_eq!((row.state.as_str(), row.attempts), ("sent", 2));

        // Died after the SMTP server accepted, before marking: the copy has the same Message-ID.
        let third = "2418211947272";
        f.enqueue("log:30", third, Message::OriginalsConfirmed, &email_only()).await;
        let crashing = f.sender(transports.clone(), policy());
        let claimed = crashing.claim(&["email"]).await.unwrap().unwrap();
        crashing.deliver(&claimed).await.unwrap();
        drop(crashing);
        f.advance(121);
        assert_eq!(survivor.run_once().await.unwrap(), sent(1));
        let copies: Vec<String> = services::mails(&f.dir)
            .iter()
            .filter(|m| services::body_text(m).contains(third))
            .map(|m| services::header(m, "Message-ID").unwrap().to_string())
            .collect();
        assert_eq!(copies.len(), 2);
        assert_eq!(copies[0], copies[1]);
        assert_eq!(copies[0], format!("<{}@kezek.test>", idempotency_key("log:30", "email", 0)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applicants_choice_sets_channels_and_language_and_reminders_can_be_cancelled() {
    for url in common::test_databases("notify_prefs").await {
        let f = fixture(&url, "notify_prefs").await;
        let both = Notifications { phones: vec![parse_mobile("+77010000001").unwrap()], email: Some(parse_email("parent@example.kz").unwrap()) };
        // No choice stored: every channel with a contact, in the application's language.
        assert_eq!(f.enqueue("log:40", NUMBER, Message::OriginalsConfirmed, &both).await, 2);
        let number = ApplicationNumber::parse(NUMBER).unwrap();
        let mut tx = f.db.begin_write().await.unwrap();
        notify::set_preferences(&mut tx, number, Preferences { email: false, sms: true, lang: Lang::Ru }, f.clock.now()).await.unwrap();
        assert_eq!(notify::preferences(tx.conn(), number).await.unwrap(), Some(Preferences { email: false, sms: true, lang: Lang::Ru }));
        tx.commit().await.unwrap();
        assert_eq!(f.enqueue("log:41", NUMBER, Message::Admitted { temporary_until: None }, &both).await, 1);
        let rows = f.rows(NUMBER).await;
        let admitted: Vec<&RowState> = rows.iter().filter(|r| r.event_key == "log:41").collect();
        assert_eq!((admitted[0].channel.as_str(), admitted[0].kind.as_str()), ("sms", "admitted"));
        let language: (String,) = sqlx::query_as("SELECT language FROM notification_outbox WHERE event_key = 'log:41'").fetch_one(&f.db.pool).await.unwrap();
        assert_eq!(language.0, "ru");

        // A reminder due later, cancelled before it is due, is never sent.
        let closes = f.clock.now() + Duration::days(2);
        let mut tx = f.db.begin_write().await.unwrap();
        let reminder = Outgoing { due_at: f.clock.now() + Duration::days(1), ..outgoing("window:W1:closing", NUMBER, Message::WindowClosing { closes_at: closes }, &both, f.clock.now()) };
        assert_eq!(notify::enqueue(&mut tx, &key(), &reminder, f.clock.now()).await.unwrap(), 1);
        tx.commit().await.unwrap();
        let sms_log = f.dir.join("sms.jsonl");
        let gateway = services::sms(&sms_log, "test-key");
        let sender = f.sender(Transports { email: None, sms: Some(sms_transport(&gateway)) }, policy());
        assert_eq!(sender.run_once().await.unwrap(), sent(2), "the two due SMS, not the reminder");
        let mut tx = f.db.begin_write().await.unwrap();
        notify::cancel(&mut tx, "window:W1:closing");
        tx.commit().await.unwrap();
        let reminders: Vec<String> = f.rows(NUMBER).await.into_iter().filter(|r| r.event_key == "window:W1:closing").map(|r| r.state).collect();
        assert_eq!(reminders, ["cancelled"], "cancelled with the transaction's commit");
        f.advance(2 * 86_400);
        assert_eq!(sender.run_once().await.unwrap(), SendReport::default());
        assert_eq!(services::sms_records(&sms_log).len(), 2);
        // The e-mail row of log:40 waits: no e-mail transport in this sender.
        assert!(f.rows(NUMBER).await.iter().any(|r| r.channel == "email" && r.state == "pending"));

        // A number that reads as an IIN is refused: no message may carry one.
        let mut tx = f.db.begin_write().await.unwrap();
        let iin_like = outgoing("log:50", "920514441016", Message::Admitted { temporary_until: None }, &both, f.clock.now());
        assert!(matches!(notify::enqueue(&mut tx, &key(), &iin_like, f.clock.now()).await, Err(EnqueueError::NumberLooksLikeIin)));
        tx.rollback().await;
    }
}
