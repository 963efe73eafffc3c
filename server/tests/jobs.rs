//! The scheduled jobs (rules 18, 24.3, 24.4, 29, Appendix 4), driven by explicit instants.

mod common;

use chrono::Duration;
use common::*;
use kezek_server::jobs;
use kezek_server::seed::{load_applications, load_vacancies};
use serde_json::json;

async fn state_of(store: &kezek_server::store::Store, number: &str) -> (String, Option<String>) {
    sqlx::query_as("SELECT state, state_reason FROM applications WHERE number = $1")
        .bind(number)
        .fetch_one(&store.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn bulletin_at_18_once_a_day() {
    for url in test_databases("bulletin").await {
        let store = store(&url).await;
        load_vacancies(&store, &vacancies(3, 2)).await.unwrap();
        let day = date(2026, 11, 22);
        assert_eq!(jobs::publish_bulletin(&store, at(day, 18) - Duration::seconds(1)).await.unwrap(), 0);
        assert!(store.bulletin().await.unwrap().vacancies.is_empty());
        assert_eq!(jobs::publish_bulletin(&store, at(day, 18)).await.unwrap(), 1);
        assert_eq!(jobs::publish_bulletin(&store, at(day, 19)).await.unwrap(), 0, "idempotent");
        let bulletin = store.bulletin().await.unwrap();
        assert_eq!(bulletin.published_on.as_deref(), Some("2026-11-22"));
        assert_eq!(bulletin.vacancies.len(), 3);
    }
}

#[tokio::test]
async fn windows_open_for_the_next_1000_in_queue_order() {
    for url in test_databases("windows").await {
        let store = store(&url).await;
        let submitted = at(date(2026, 1, 10), 9);
        // 1200 applications; every tenth priority, two extraordinary submitted last.
        let mut bodies: Vec<_> = (0..1200u32)
            .map(|i| (body(i, if i % 10 == 0 { "teacher" } else { "none" }), submitted + Duration::seconds(i64::from(i))))
            .collect();
        bodies.push((body(5000, "serviceman"), submitted + Duration::days(100)));
        bodies.push((body(5001, "special_state_body"), submitted + Duration::days(101)));
        let seeded = load_applications(&store, &bodies, at(window_day(), 6)).await.unwrap();

        // Saturday: no window (3 working days are counted from a working day).
        assert_eq!(jobs::open_windows(&store, at(date(2026, 11, 21), 8)).await.unwrap(), 0);
        assert_eq!(jobs::open_windows(&store, at(window_day(), 7) - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(jobs::open_windows(&store, at(window_day(), 7)).await.unwrap(), 1000);
        assert_eq!(jobs::open_windows(&store, at(window_day(), 9)).await.unwrap(), 0, "idempotent");

        let first: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT application_number, position, closes_at FROM access_windows ORDER BY position LIMIT 6")
                .fetch_all(&store.db.pool)
                .await
                .unwrap();
        let numbers: Vec<&str> = first.iter().map(|r| r.0.as_str()).collect();
        // Extraordinary first, then P G G G P.
        let expected = [&seeded[1200].number, &seeded[1201].number, &seeded[0].number, &seeded[1].number, &seeded[2].number, &seeded[3].number];
        assert_eq!(numbers, expected.map(String::as_str));
        // Rule 24.4: closes after 3 working days, Thursday 26 November 07:00 local.
        assert_eq!(first[0].2, kezek_server::kztime::to_ms(at(date(2026, 11, 26), 7)));

        // Tuesday: the 202 still waiting get theirs; the first 1000 keep their open windows.
        assert_eq!(jobs::open_windows(&store, at(date(2026, 11, 24), 7)).await.unwrap(), 202);
        // Thursday: Monday's windows closed at 07:00; those applications are candidates again.
        let thursday = jobs::open_windows(&store, at(date(2026, 11, 26), 7)).await.unwrap();
        assert_eq!(thursday, 1000);
    }
}

#[tokio::test]
async fn expired_referrals_give_the_seat_back() {
    for url in test_databases("expiry").await {
        let store = store(&url).await;
        let seeded = rush_fixture(&store, 1, 1, 1).await;
        let issued = at(window_day(), 8);
        let app = store.authenticate(&seeded[0].number, &seeded[0].token).await.unwrap();
        let (referral, created) = store.claim(&app, "v0", issued).await.unwrap();
        assert!(created);
        let end = chrono::DateTime::parse_from_rfc3339(&referral.valid_until).unwrap().with_timezone(&chrono::Utc);
        assert_eq!(jobs::expire_referrals(&store, end - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(jobs::expire_referrals(&store, end).await.unwrap(), 1);
        assert_eq!(jobs::expire_referrals(&store, end).await.unwrap(), 0, "idempotent");
        let free: (i64,) = sqlx::query_as("SELECT free FROM vacancies WHERE id = 'v0'").fetch_one(&store.db.pool).await.unwrap();
        assert_eq!(free.0, 1);
        assert_eq!(state_of(&store, &seeded[0].number).await.0, "queued");
    }
}

#[tokio::test]
async fn originals_deadline_and_ageing_out_archive() {
    for url in test_databases("archive").await {
        let store = store(&url).await;
        let submitted = at(window_day(), 10);
        let fresh = store.submit(&body(1, "none"), None, submitted, kezek::i18n::Lang::En).await.unwrap();
        assert_eq!(fresh.originals_due, "2026-11-30");
        // A child born 2 September 2020 is 5 on 1 September 2026 and ages out on 1 September 2027.
        let mut old = body(2, "none");
        old["child"]["iin"] = json!(kezek_server::synthetic::iin(date(2020, 9, 2), false, 2));
        let seeded = load_applications(&store, &[(old, submitted)], submitted).await.unwrap();

        assert_eq!(jobs::originals_deadline(&store, at(date(2026, 11, 30), 23)).await.unwrap(), 0);
        assert_eq!(jobs::originals_deadline(&store, at(date(2026, 12, 1), 0)).await.unwrap(), 1);
        assert_eq!(state_of(&store, &fresh.number).await, ("archived".into(), Some("originals_missed".into())));
        assert_eq!(state_of(&store, &seeded[0].number).await.0, "queued", "seeded originals are confirmed");

        assert_eq!(jobs::age_out(&store, at(date(2027, 8, 31), 23)).await.unwrap(), 0);
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 0)).await.unwrap(), 1);
        assert_eq!(jobs::age_out(&store, at(date(2027, 9, 1), 1)).await.unwrap(), 0, "idempotent");
        assert_eq!(state_of(&store, &seeded[0].number).await, ("archived".into(), Some("aged_out".into())));

        // Each archiving is in the public log once, after the two acceptances.
        let logged: Vec<(i64, String, Option<String>)> =
            sqlx::query_as("SELECT log_index, kind, application_number FROM log_entries ORDER BY log_index").fetch_all(&store.db.pool).await.unwrap();
        let expected = [
            (0, "application_accepted", &fresh.number),
            (1, "application_accepted", &seeded[0].number),
            (2, "archived", &fresh.number),
            (3, "archived", &seeded[0].number),
        ];
        assert_eq!(logged.len(), expected.len());
        for ((index, kind, number), (i, k, n)) in logged.iter().zip(expected) {
            assert_eq!((*index, kind.as_str(), number.as_deref()), (i, k, Some(n.as_str())));
        }
    }
}

#[tokio::test]
async fn a_full_tick_is_idempotent() {
    for url in test_databases("tick").await {
        let store = store(&url).await;
        rush_fixture(&store, 10, 2, 2).await;
        let now = at(date(2026, 11, 24), 19);
        let first = jobs::tick(&store, now).await.unwrap();
        assert_eq!(first.bulletins, 1);
        let second = jobs::tick(&store, now).await.unwrap();
        assert_eq!(second, jobs::TickReport::default());
    }
}

#[tokio::test]
async fn after_the_window_closes_claims_are_refused_but_retries_still_answered() {
    for url in test_databases("closed").await {
        let store = store(&url).await;
        let seeded = rush_fixture(&store, 2, 2, 1).await;
        let first = store.authenticate(&seeded[0].number, &seeded[0].token).await.unwrap();
        let second = store.authenticate(&seeded[1].number, &seeded[1].token).await.unwrap();
        let (referral, _) = store.claim(&first, "v0", at(window_day(), 9)).await.unwrap();
        // Rule 24.4: Monday's window closes Thursday 26 November at 07:00 local time.
        let closed = at(date(2026, 11, 26), 7);
        let (again, created) = store.claim(&first, "v0", closed).await.unwrap();
        assert_eq!((again.id, created), (referral.id, false));
        for vacancy in ["v0", "v1"] {
            let refused = store.claim(&second, vacancy, closed).await.unwrap_err();
            assert!(matches!(refused, kezek_server::error::ApiError::Conflict("window.closed", _)), "{refused:?}");
        }
        assert!(store.claim(&second, "v1", closed - Duration::seconds(1)).await.is_ok());
    }
}
