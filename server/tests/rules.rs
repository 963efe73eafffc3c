//! The Rules, item by item, through the store and the jobs on SQLite and (with
//! KEZEK_TEST_POSTGRES_URL) PostgreSQL: each test named after its rule, each ending with the
//! register replaying to the status the server reports for every application.

mod common;

use chrono::Duration;
use common::*;
use kezek::status::{AdmissionRefusal, ArchiveReason, Status, WindowRound};
use kezek_server::error::ApiError;
use kezek_server::jobs;
use kezek_server::seed::{load_applications, load_vacancies};
use kezek_server::store::{Admission, Store, Submitter};
use serde_json::{json, Value};

async fn status(store: &Store, number: &str, now: chrono::DateTime<chrono::Utc>) -> Status {
    store.application(number).await.unwrap().unwrap().status_at(now, &store.deadlines()).unwrap()
}

async fn claim(store: &Store, number: &str, vacancy: &str, now: chrono::DateTime<chrono::Utc>) -> Result<(kezek_server::store::ReferralView, bool), ApiError> {
    let claims = kezek_server::store::ClaimQueue::start(store.clone());
    claims.claim(store, number.to_string(), vacancy.to_string(), now).await
}

fn code(error: ApiError) -> String {
    error.code().to_string()
}

fn en() -> kezek::i18n::Lang {
    kezek::i18n::Lang::En
}

fn anyone() -> Submitter {
    Submitter { applicant: None, grounds_confirmed: true }
}

async fn free(store: &Store, vacancy: &str) -> i64 {
    let (free,): (i64,) = sqlx::query_as("SELECT free FROM vacancies WHERE id = $1").bind(vacancy).fetch_one(&store.db.pool).await.unwrap();
    free
}

#[tokio::test]
async fn rule_24_3_the_bulletin_comes_once_a_day_at_the_providers_time() {
    for url in test_databases("bulletin").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(3, 2)).await.unwrap();
        let day = date(2026, 11, 22);
        assert_eq!(jobs::publish_bulletin(&store, at(day, 18) - Duration::seconds(1)).await.unwrap(), 0);
        assert!(store.bulletin().await.unwrap().vacancies.is_empty());
        assert_eq!(jobs::publish_bulletin(&store, at(day, 18)).await.unwrap(), 1);
        assert_eq!(jobs::publish_bulletin(&store, at(day, 19)).await.unwrap(), 0, "idempotent");
        let bulletin = store.bulletin().await.unwrap();
        assert_eq!((bulletin.published_on.as_deref(), bulletin.vacancies.len()), (Some("2026-11-22"), 3));
    }
}

#[tokio::test]
async fn rule_24_4_windows_open_only_for_as_many_top_candidates_as_there_are_free_matching_seats() {
    for url in test_databases("windows").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(2, 5)).await.unwrap();
        let submitted = at(date(2026, 1, 10), 9);
        // 40 applications, every tenth priority, two out-of-turn submitted last.
        let mut bodies: Vec<(Value, _)> =
            (0..40u32).map(|i| (body(i, if i % 10 == 0 { "teacher" } else { "none" }), submitted + Duration::seconds(i64::from(i)))).collect();
        bodies.push((body(500, "serviceman"), submitted + Duration::days(100)));
        bodies.push((body(501, "special_state_body"), submitted + Duration::days(101)));
        let seeded = load_applications(&store, &bodies, at(window_day(), 6)).await.unwrap();
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();

        // Saturday, and Monday before 07:00: nothing.
        assert_eq!(jobs::open_windows(&store, at(date(2026, 11, 21), 8)).await.unwrap(), 0);
        assert_eq!(jobs::open_windows(&store, at(window_day(), 7) - Duration::seconds(1)).await.unwrap(), 0);
        // Ten seats: ten windows, for the first ten in the order of rule 21.
        let monday = at(window_day(), 7);
        assert_eq!(jobs::open_windows(&store, monday).await.unwrap(), 10);
        assert_eq!(jobs::open_windows(&store, at(window_day(), 9)).await.unwrap(), 0, "idempotent");
        let open: Vec<&str> = {
            let mut open = Vec::new();
            for s in &seeded {
                if matches!(status(&store, &s.number, monday).await, Status::WindowOpen { round: WindowRound::Priority, .. }) {
                    open.push(s.number.as_str());
                }
            }
            open
        };
        // Out-of-turn first, then P G G G P G G G: numbers 40, 41, 0, 1, 2, 3, 10, 4, 5, 6.
        let expected: Vec<&str> = [40, 41, 0, 1, 2, 3, 10, 4, 5, 6].iter().map(|&i| seeded[i].number.as_str()).collect();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort();
        let mut sorted_open = open.clone();
        sorted_open.sort();
        assert_eq!(sorted_open, sorted_expected);
        // The window closes at the end of its 3rd working day (Wednesday 24:00), not at 07:00.
        let holder = store.application(&seeded[40].number).await.unwrap().unwrap();
        let closes = holder.status.next_change(&store.deadlines()).unwrap().unwrap();
        assert_eq!(closes, at(date(2026, 11, 26), 0));
        assert!(matches!(status(&store, &seeded[40].number, closes - Duration::seconds(1)).await, Status::WindowOpen { .. }));
        assert_eq!(status(&store, &seeded[40].number, closes).await, Status::Queued { interested: false });
        assert_register_replays(&store, monday).await;
    }
}

#[tokio::test]
async fn rule_24_4_no_lower_ranked_window_takes_a_seat_a_higher_ranked_open_window_needs() {
    for url in test_databases("lower").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 6, 1, 2).await;
        // Tuesday: the two seats are promised to Monday's open windows; nobody else gets one.
        let tuesday = at(date(2026, 11, 24), 7);
        assert_eq!(jobs::open_windows(&store, tuesday).await.unwrap(), 0);
        // A third seat appears: one more window, for the next in line.
        sqlx::query("UPDATE vacancies SET capacity = 3, free = 3").execute(&store.db.pool).await.unwrap();
        assert_eq!(jobs::open_windows(&store, at(date(2026, 11, 25), 7)).await.unwrap(), 1);
        assert!(matches!(status(&store, &seeded[2].number, tuesday).await, Status::WindowOpen { .. }));
        // A lower-ranked holder claims first; both higher-ranked ones still find a seat.
        let wednesday = at(date(2026, 11, 25), 9);
        for i in [2, 0, 1] {
            let (_, created) = claim(&store, &seeded[i].number, "v0", wednesday).await.unwrap();
            assert!(created, "holder {i}");
        }
        assert_eq!(free(&store, "v0").await, 0);
        assert_register_replays(&store, wednesday).await;
    }
}

#[tokio::test]
async fn rule_24_10_seats_left_after_three_working_days_go_to_the_next_thousand() {
    for url in test_databases("remaining").await {
        let store = store(&url).await;
        // Two seats; the first two let Monday's windows lapse; 1001 more applicants.
        let next = remaining_round_fixture(&store, 1001, 1, 2).await;
        let thursday = at(remaining_day(), 8);
        for (i, s) in next.iter().enumerate() {
            let st = status(&store, &s.number, thursday).await;
            if i < 1000 {
                assert!(matches!(st, Status::WindowOpen { round: WindowRound::Remaining, .. }), "{i}: {st:?}");
            } else {
                assert_eq!(st, Status::Queued { interested: true }, "the 1001st waits");
            }
        }
        // First come, first served among them; the third claim finds no seat.
        claim(&store, &next[999].number, "v0", thursday).await.unwrap();
        claim(&store, &next[0].number, "v0", thursday).await.unwrap();
        assert_eq!(code(claim(&store, &next[5].number, "v0", thursday).await.unwrap_err()), "vacancy.full");
        assert_register_replays(&store, thursday).await;
    }
}

#[tokio::test]
async fn rule_22_no_window_and_no_claim_before_the_originals_are_confirmed() {
    for url in test_databases("originals").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(1, 5)).await.unwrap();
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        // A teacher's child: the workplace certificate is uploaded, its original must be shown.
        let mut form = body(7, "teacher");
        form["documents"] = json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]);
        let answer = store.submit(&form, None, &anyone(), at(date(2026, 11, 20), 10), en()).await.unwrap();
        assert!(matches!(answer.status, Status::AwaitingOriginals { .. }));
        let monday = at(window_day(), 7);
        assert_eq!(jobs::open_windows(&store, monday).await.unwrap(), 0, "not a candidate before confirmation");
        assert_eq!(code(claim(&store, &answer.number, "v0", at(window_day(), 8)).await.unwrap_err()), "status.illegal_transition");
        // The provider confirms; the next morning it gets a window.
        let stored = store.application(&answer.number).await.unwrap().unwrap();
        let confirmed = store.confirm_originals(&stored, at(window_day(), 11)).await.unwrap();
        assert_eq!(confirmed.status, Status::Queued { interested: true });
        assert_eq!(jobs::open_windows(&store, at(date(2026, 11, 24), 7)).await.unwrap(), 1);
        assert_register_replays(&store, at(date(2026, 11, 24), 8)).await;
    }
}

#[tokio::test]
async fn rule_22_missed_originals_are_archived_at_the_deadline_and_the_register_says_so() {
    for url in test_databases("missed").await {
        let store = store(&url).await;
        let mut form = body(8, "serviceman");
        form["documents"] = json!([{ "kind": "serviceman_workplace_certificate", "issuedOn": "2026-11-20" }]);
        let answer = store.submit(&form, None, &anyone(), at(window_day(), 10), en()).await.unwrap();
        // Monday 10:00: five working days after Monday, to the end of Monday 30 November.
        let due = at(date(2026, 12, 1), 0);
        assert_eq!(jobs::settle_deadlines(&store, due - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(jobs::settle_deadlines(&store, due).await.unwrap(), 1);
        assert_eq!(jobs::settle_deadlines(&store, due).await.unwrap(), 0, "idempotent");
        assert_eq!(store.application(&answer.number).await.unwrap().unwrap().status, Status::Archived { reason: ArchiveReason::OriginalsMissed, at: due });
        let kinds: Vec<(String,)> = sqlx::query_as("SELECT kind FROM log_entries ORDER BY log_index").fetch_all(&store.db.pool).await.unwrap();
        assert_eq!(kinds.iter().map(|k| k.0.as_str()).collect::<Vec<_>>(), ["application_accepted", "archived"]);
        assert_register_replays(&store, due).await;
    }
}

#[tokio::test]
async fn appendix_2_a_submission_after_hours_counts_its_deadlines_from_the_next_working_day() {
    for url in test_databases("afterhours").await {
        let store = store(&url).await;
        let form = |seed| {
            let mut form = body(seed, "teacher");
            form["documents"] = json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]);
            form
        };
        let morning = store.submit(&form(9), None, &anyone(), at(window_day(), 10), en()).await.unwrap();
        let evening = store.submit(&form(10), None, &anyone(), at(window_day(), 19), en()).await.unwrap();
        let d = store.deadlines();
        let due = |answer: &kezek_server::store::SubmitAnswer| answer.status.next_change(&d).unwrap().unwrap();
        assert_eq!(due(&morning), at(date(2026, 12, 1), 0), "Monday morning: due by the end of Monday 30 November");
        assert_eq!(due(&evening), at(date(2026, 12, 2), 0), "Monday 19:00: processed on Tuesday, due a day later");
    }
}

#[tokio::test]
async fn rules_18_and_24_9_age_out_with_the_pmpc_exemption_for_any_category() {
    for url in test_databases("ageout").await {
        let store = store(&url).await;
        let submitted = at(window_day(), 10);
        // Born 2 September 2020: 5 on 1 September 2026, archived on 1 September 2027 ...
        let mut old = body(2, "none");
        old["child"]["iin"] = json!(kezek_server::synthetic::iin(date(2020, 9, 2), false, 2));
        // ... unless a PMPC conclusion exempts it, whatever the category (a teacher's child).
        let mut exempt = body(3, "teacher");
        exempt["child"]["iin"] = json!(kezek_server::synthetic::iin(date(2020, 9, 3), false, 3));
        exempt["documents"] = json!([{ "kind": "pmpc_conclusion" }, { "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]);
        let seeded = load_applications(&store, &[(old, submitted), (exempt, submitted)], submitted).await.unwrap();
        assert_eq!(jobs::age_out(&store, at(date(2027, 8, 31), 23)).await.unwrap(), 0);
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 0)).await.unwrap(), 1);
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 1)).await.unwrap(), 0, "idempotent");
        let later = at(date(2027, 9, 2), 0);
        assert!(matches!(status(&store, &seeded[0].number, later).await, Status::Archived { reason: ArchiveReason::AgedOut, .. }));
        assert_eq!(status(&store, &seeded[1].number, later).await, Status::Queued { interested: true });
        assert_register_replays(&store, later).await;
    }
}

#[tokio::test]
async fn appendix_4_an_expired_referral_gives_the_seat_back_and_pauses_the_offers() {
    for url in test_databases("expiry").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 1, 1, 1).await;
        let issued = at(window_day(), 8);
        let (_, created) = claim(&store, &seeded[0].number, "v0", issued).await.unwrap();
        assert!(created);
        assert_eq!(free(&store, "v0").await, 0);
        // Five working days after Monday: to the end of Monday 30 November.
        let end = at(date(2026, 12, 1), 0);
        assert_eq!(jobs::settle_deadlines(&store, end - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(jobs::settle_deadlines(&store, end).await.unwrap(), 1);
        assert_eq!(free(&store, "v0").await, 1);
        assert_eq!(status(&store, &seeded[0].number, end).await, Status::Queued { interested: false });
        assert_register_replays(&store, end).await;
    }
}

#[tokio::test]
async fn rules_31_35_admission_ends_the_application_and_its_seat_is_never_handed_out_again() {
    for url in test_databases("admission").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 3, 1, 2).await;
        let issued = at(window_day(), 8);
        claim(&store, &seeded[0].number, "v0", issued).await.unwrap();
        claim(&store, &seeded[1].number, "v0", issued).await.unwrap();
        let admission = Admission { contract_on: date(2026, 11, 25), health_certificate_issued_on: date(2026, 11, 22), temporary_until: None };
        let first = store.application(&seeded[0].number).await.unwrap().unwrap();
        // Rule 34: a certificate issued four days before the contract is too old.
        let stale = Admission { health_certificate_issued_on: date(2026, 11, 21), ..admission.clone() };
        assert_eq!(code(store.admit(&first, &stale, at(date(2026, 11, 25), 10)).await.unwrap_err()), "admission.certificate_expired");
        let admitted = store.admit(&first, &admission, at(date(2026, 11, 25), 10)).await.unwrap();
        assert!(matches!(admitted.status, Status::Admitted { .. }));
        assert_eq!(store.admit(&first, &admission, at(date(2026, 11, 25), 11)).await.unwrap().status, admitted.status, "a retry");
        // The second is refused for medical contraindications: its seat returns.
        let second = store.application(&seeded[1].number).await.unwrap().unwrap();
        store.refuse_admission(&second, AdmissionRefusal::MedicalContraindications, at(date(2026, 11, 25), 12)).await.unwrap();
        assert_eq!(free(&store, "v0").await, 1);
        // Long after the referral would have expired, the admitted seat stays taken.
        let later = at(date(2026, 12, 10), 9);
        jobs::tick(&store, later).await.unwrap();
        assert_eq!(free(&store, "v0").await, 1);
        assert!(matches!(status(&store, &seeded[0].number, later).await, Status::Admitted { .. }));
        assert_register_replays(&store, later).await;
    }
}

#[tokio::test]
async fn rule_13_special_queues_are_per_kindergarten_and_take_only_their_own_seats() {
    for url in test_databases("special").await {
        let store = store(&url).await;
        let mut seats = vacancies(1, 2);
        seats[0].id = "speech".into();
        seats[0].kindergarten_id = "kg1".into();
        seats[0].group_kind = "special".into();
        seats[0].group_detail = "speech".into();
        let mut general = vacancies(1, 2);
        general[0].id = "general".into();
        load_vacancies(&store, &[seats, general].concat()).await.unwrap();
        let special = |seed, kindergarten: &str| {
            let mut form = body(seed, "none");
            form["queue"] = json!({ "kind": "special", "disorder": "speech", "kindergarten": kindergarten, "language": "kk", "stayMode": "full_day" });
            form["documents"] = json!([{ "kind": "pmpc_conclusion" }]);
            form
        };
        let submitted = at(date(2026, 1, 10), 9);
        let seeded = load_applications(&store, &[(special(20, "kg1"), submitted), (special(21, "kg2"), submitted)], submitted).await.unwrap();
        assert_eq!(seeded[0].queue_key, "750000000-2022-special-kg1-speech");
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        assert_eq!(jobs::open_windows(&store, at(window_day(), 7)).await.unwrap(), 1, "only kg1's queue has seats");
        let now = at(window_day(), 8);
        assert_eq!(code(claim(&store, &seeded[0].number, "general", now).await.unwrap_err()), "vacancy.other_pool");
        claim(&store, &seeded[0].number, "speech", now).await.unwrap();
        // The snapshot of the special queue is published under its public form (an alias, issue
        // 15), which the core parses.
        let key = kezek::queue::QueueKey::parse(&seeded[0].queue_key).unwrap();
        let snapshot = store.published_snapshot(&key, now).await.unwrap();
        let public = store.public_key(&key).await.unwrap();
        assert_eq!(kezek::queue::snapshot::Snapshot::decode(&snapshot.body).unwrap().header().key, Some(public.clone()));
        assert!(public.to_string().starts_with("750000000-2022-special-kg1-q_"), "{public}");
        assert_register_replays(&store, now).await;
    }
}

#[tokio::test]
async fn rule_17_one_application_per_child_and_queue_and_several_kinds_with_a_pmpc() {
    for url in test_databases("oneperchild").await {
        let store = store(&url).await;
        let now = at(window_day(), 10);
        let first = store.submit(&body(30, "none"), None, &anyone(), now, en()).await.unwrap();
        let again = store.submit(&body(30, "none"), None, &anyone(), now, en()).await.unwrap_err();
        assert_eq!(code(again), "application.duplicate");
        // Withdrawn, the child may apply again.
        let stored = store.application(&first.number).await.unwrap().unwrap();
        store.withdraw(&stored, now).await.unwrap();
        store.submit(&body(30, "none"), None, &anyone(), now, en()).await.unwrap();
        // A child with special needs and a PMPC may stand in the general and a special queue.
        let mut general = body(31, "special_needs");
        general["documents"] = json!([{ "kind": "pmpc_conclusion" }]);
        let mut special = general.clone();
        special["queue"] = json!({ "kind": "special", "disorder": "speech", "kindergarten": "kg1", "language": "kk", "stayMode": "full_day" });
        store.submit(&general, None, &anyone(), now, en()).await.unwrap();
        store.submit(&special, None, &anyone(), now, en()).await.unwrap();
        assert_eq!(code(store.submit(&special, None, &anyone(), now, en()).await.unwrap_err()), "application.duplicate");
        assert_register_replays(&store, now).await;
    }
}

#[tokio::test]
async fn rules_5_and_6_a_submission_missing_a_document_is_refused_with_the_list_in_three_languages() {
    for url in test_databases("missing").await {
        let store = store(&url).await;
        let now = at(window_day(), 10);
        let mut teacher = body(40, "teacher");
        teacher["documents"] = json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-09-01" }]);
        for (lang, word) in [(kezek::i18n::Lang::En, "no longer valid"), (kezek::i18n::Lang::Ru, "срок действия истёк"), (kezek::i18n::Lang::Kk, "мерзімі өткен")] {
            let ApiError::Invalid(issues) = store.submit(&teacher, None, &anyone(), now, lang).await.unwrap_err() else { panic!("not a refusal") };
            assert_eq!(issues.len(), 1);
            assert_eq!((issues[0].field.as_str(), issues[0].code.as_str()), ("documents", "documents.missing"));
            assert!(issues[0].message.contains(word), "{}", issues[0].message);
        }
        let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM applications").fetch_one(&store.db.pool).await.unwrap();
        assert_eq!(count.0, 0, "nothing stored, nothing logged");
    }
}

#[tokio::test]
async fn rule_29_siblings_in_one_queue_get_windows_together() {
    for url in test_databases("siblings").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(1, 3)).await.unwrap();
        let submitted = at(date(2026, 1, 10), 9);
        // Twins of one mother, the second submitted later than two other families.
        let twin_a = body(50, "none");
        let mut twin_b = body(51, "none");
        twin_b["applicant"] = twin_a["applicant"].clone();
        let bodies = vec![(twin_a, submitted), (body(52, "none"), submitted + Duration::hours(1)), (body(53, "none"), submitted + Duration::hours(2)), (twin_b, submitted + Duration::hours(3))];
        let seeded = load_applications(&store, &bodies, submitted).await.unwrap();
        jobs::publish_bulletin(&store, at(date(2026, 11, 22), 18)).await.unwrap();
        let monday = at(window_day(), 7);
        assert_eq!(jobs::open_windows(&store, monday).await.unwrap(), 3);
        let open = |i: usize| {
            let store = store.clone();
            let number = seeded[i].number.clone();
            async move { matches!(status(&store, &number, monday).await, Status::WindowOpen { .. }) }
        };
        assert!(open(0).await && open(3).await, "the twins together");
        assert!(open(1).await && !open(2).await, "then the next in line");
        assert_register_replays(&store, monday).await;
    }
}

#[tokio::test]
async fn one_queue_number_in_browser_and_server() {
    for url in test_databases("number").await {
        let store = store(&url).await;
        let seeded = window_fixture(&store, 5, 1, 1).await;
        let now = at(window_day(), 8);
        claim(&store, &seeded[0].number, "v0", now).await.unwrap();
        let key = kezek::queue::QueueKey::parse(&seeded[0].queue_key).unwrap();
        let snapshot = kezek::queue::snapshot::Snapshot::decode(&store.published_snapshot(&key, now).await.unwrap().body).unwrap();
        for s in &seeded[1..] {
            let view = store.view(&store.application(&s.number).await.unwrap().unwrap(), now).await.unwrap();
            let browser = snapshot.position(kezek::queue::ApplicationNumber::parse(&s.number).unwrap()).unwrap().unwrap();
            assert_eq!(view.position.unwrap().queue_number, browser.queue_number, "{}", s.number);
        }
        // The referred application takes no place: the next one is number 1.
        let second = store.view(&store.application(&seeded[1].number).await.unwrap().unwrap(), now).await.unwrap();
        assert_eq!(second.position.unwrap().queue_number, 1);
        assert!(store.view(&store.application(&seeded[0].number).await.unwrap().unwrap(), now).await.unwrap().position.is_none());
    }
}

#[tokio::test]
async fn a_full_tick_is_idempotent_and_replays() {
    for url in test_databases("tick").await {
        let store = store(&url).await;
        window_fixture(&store, 10, 2, 2).await;
        let now = at(date(2026, 11, 24), 19);
        let first = jobs::tick(&store, now).await.unwrap();
        assert_eq!(first.bulletins, 1);
        let second = jobs::tick(&store, now).await.unwrap();
        assert_eq!(second, jobs::TickReport::default());
        assert_register_replays(&store, now).await;
    }
}
