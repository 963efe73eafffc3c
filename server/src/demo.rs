//! Demo mode: a realistic locality to watch the morning's access to referrals open and take a
//! seat. Six kindergartens with seats for every age group and hours of stay (one with a
//! special group for speech disorders, one with a sanatorium group), and a few thousand
//! applications across birth years and categories, with synthetic IINs (valid check digits,
//! built from made-up serials, never real people).
//!
//! A few recent applications still await their originals (rule 22), for the education
//! department's desk on the operator page; the demo staff of `server/demo/people.json` sign in
//! through the local OpenID provider (`scripts/services/`).
//!
//! Most seeded families have said they need no seat for now (rule 20.7): a real queue holds
//! many such applications, and it lets a person who applies in the demo reach access to
//! referrals after a working day or two instead of weeks.

use crate::error::ApiError;
use crate::seed::{load_applications, load_vacancies, VacancySeed};
use crate::store::Store;
use crate::synthetic::{application, Person};
use chrono::{DateTime, Duration, Utc};
use kezek::queue::distribution::age_group;
use kezek::status::deadline;

pub const DEMO_LOCALITY: &str = "750000000";
const KINDERGARTENS: [&str; 6] = ["Балапан", "Айгөлек", "Құлыншақ", "Ертегі", "Шаттық", "Бөбек"];
const APPLICATIONS: u32 = 3000;
/// Applications left awaiting their originals at the department's desk.
const AWAITING_ORIGINALS: u32 = 4;
/// One seeded family in this many still seeks a seat (see the module docs).
const INTERESTED_ONE_IN: u32 = 20;

/// Where the demo clock starts: five minutes before the provider's window time on the first
/// working day after `real_now` (the previous evening's bulletin is already out).
pub fn demo_start(store: &Store, real_now: DateTime<Utc>) -> DateTime<Utc> {
    let d = store.deadlines();
    let today = deadline::local_date(real_now);
    let day = store.calendar.next_working_day(today).unwrap_or(today);
    d.window_opens(day).map(|at| at - Duration::minutes(5)).unwrap_or(real_now)
}

/// The demo's seat groups.
fn vacancies() -> Vec<VacancySeed> {
    let mut vacancies = Vec::new();
    for (k, name) in KINDERGARTENS.iter().enumerate() {
        for age_group in 1..=5i64 {
            for (m, stay_mode) in ["full_day", "part_day", "round_the_clock"].iter().enumerate() {
                if (k + m) % 3 == 2 && *stay_mode == "round_the_clock" {
                    continue;
                }
                vacancies.push(VacancySeed {
                    id: format!("v{}-{}-{}", k + 1, age_group, stay_mode),
                    kindergarten_id: format!("kg{}", k + 1),
                    kindergarten_name: format!("№{} «{name}»", k + 1),
                    locality_code: DEMO_LOCALITY.to_string(),
                    age_group,
                    language: if k % 2 == 0 { "kk" } else { "ru" }.to_string(),
                    stay_mode: stay_mode.to_string(),
                    group_kind: "general".to_string(),
                    group_detail: String::new(),
                    capacity: 1 + ((k as i64 * 7 + age_group * 3 + m as i64) % 5),
                });
            }
        }
    }
    // Rule 13: a special group (kindergarten 2, speech) and a sanatorium group (kindergarten 5).
    for age_group in 2..=5i64 {
        for (kg, kind, detail) in [(2, "special", "speech"), (5, "sanatorium", "tuberculosis")] {
            vacancies.push(VacancySeed {
                id: format!("v{kg}-{kind}-{age_group}"),
                kindergarten_id: format!("kg{kg}"),
                kindergarten_name: format!("№{kg} «{}»", KINDERGARTENS[kg - 1]),
                locality_code: DEMO_LOCALITY.to_string(),
                age_group,
                language: "kk".to_string(),
                stay_mode: "full_day".to_string(),
                group_kind: kind.to_string(),
                group_detail: detail.to_string(),
                capacity: 2,
            });
        }
    }
    vacancies
}

/// Seeds an empty database; does nothing when kindergartens exist already.
pub async fn seed(store: &Store, start: DateTime<Utc>) -> Result<usize, ApiError> {
    let existing: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM kindergartens").fetch_one(&store.db.pool).await?;
    if existing.0 > 0 {
        return Ok(0);
    }
    let today = deadline::local_date(start);
    load_vacancies(store, &vacancies()).await?;
    let mut bodies = Vec::new();
    for seed in 0..APPLICATIONS {
        // Ages 1-5 on 1 September: born between 6 and 1 years before it.
        let birth = today - Duration::days(400 + i64::from((seed * 7919) % (365 * 5 - 30)));
        if age_group(birth, today) >= 6 {
            continue;
        }
        let category = match seed % 40 {
            0 => "serviceman",
            1 => "special_state_body",
            2..=4 => "large_family",
            5 | 6 => "teacher",
            7 => "disabled_parent",
            8 => "no_parental_care",
            _ => "none",
        };
        let (kind, kindergarten) = match seed % 50 {
            10 => ("special.speech", Some("kg2")),
            20 => ("sanatorium.tuberculosis", Some("kg5")),
            _ => ("general", None),
        };
        let stay_mode = if kindergarten.is_some() { "full_day" } else { ["full_day", "full_day", "part_day", "round_the_clock"][(seed % 4) as usize] };
        let person = Person { child_birth: birth, seed, locality_code: DEMO_LOCALITY, category, kind, kindergarten, stay_mode, language: if seed % 3 == 0 { "ru" } else { "kk" } };
        // Submitted some time after birth, before the demo starts.
        let age_days = (start.date_naive() - birth).num_days().max(2);
        let submitted = start - Duration::days(1 + i64::from(seed * 104_729) % (age_days - 1)) + Duration::seconds(i64::from(seed % 86_400));
        bodies.push((application(&person), submitted.min(start - Duration::days(2))));
    }
    let seeded = load_applications(store, &bodies, start).await?;
    // Rule 20.7: most families need no seat for now (see the module docs).
    let paused: Vec<String> = seeded.iter().enumerate().filter(|(i, _)| *i as u32 % INTERESTED_ONE_IN != 0).map(|(_, s)| s.number.clone()).collect();
    store.not_interested_all(&paused, start - Duration::days(1)).await?;
    // A few teachers' children whose originals the education department has yet to confirm
    // (rule 22): the operator page's desk is not empty.
    let mut waiting = Vec::new();
    for k in 0..AWAITING_ORIGINALS {
        let seed = APPLICATIONS + k;
        let birth = today - Duration::days(700 + i64::from(k) * 97);
        let person = Person { child_birth: birth, seed, locality_code: DEMO_LOCALITY, category: "teacher", kind: "general", kindergarten: None, stay_mode: "full_day", language: "kk" };
        let mut body = application(&person);
        body["documents"] = serde_json::json!([{ "kind": "teacher_workplace_certificate", "issuedOn": (today - Duration::days(10)).to_string() }]);
        let submitted = start - Duration::hours(20 + 3 * i64::from(k));
        waiting.push((body, submitted));
    }
    store.load_submitted(&waiting, start).await?;
    // The previous evening's bulletin (rule 24.3).
    let yesterday = today.pred_opt().unwrap_or(today);
    let evening = deadline::local_time(yesterday, store.policy.bulletin_at).map_err(|_| ApiError::Internal)? + Duration::minutes(1);
    store.publish_bulletin(evening).await?;
    Ok(seeded.len())
}
