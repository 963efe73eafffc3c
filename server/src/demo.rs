//! Demo mode: a realistic locality to watch the 07:00 window open and claim a seat.
//! Six kindergartens with vacancies for every age group and stay mode, and a few thousand
//! applications across birth years and categories, with synthetic IINs (valid check digits,
//! built from made-up serials, never real people).

use crate::error::ApiError;
use crate::kztime::{at_local, local_date};
use crate::seed::{load_applications, load_vacancies, VacancySeed};
use crate::store::Store;
use crate::synthetic::{application, Person};
use crate::validation::{full_years, school_year_start};
use chrono::{DateTime, Duration, Utc};

pub const DEMO_LOCALITY: &str = "750000000";
const KINDERGARTENS: [&str; 6] = ["Балапан", "Айгөлек", "Құлыншақ", "Ертегі", "Шаттық", "Бөбек"];
const APPLICATIONS: u32 = 3000;

/// Where the demo clock starts: 06:55 local on the first working day after `real_now`, so the
/// window opens five minutes after start (the previous evening's bulletin is already out).
pub fn demo_start(store: &Store, real_now: DateTime<Utc>) -> DateTime<Utc> {
    let day = store.calendar.next_working_day(local_date(real_now)).unwrap_or(local_date(real_now));
    at_local(day, 6) + Duration::minutes(55)
}

/// Seeds an empty database; does nothing when kindergartens exist already.
pub async fn seed(store: &Store, start: DateTime<Utc>) -> Result<usize, ApiError> {
    let existing: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM kindergartens").fetch_one(&store.db.pool).await?;
    if existing.0 > 0 {
        return Ok(0);
    }
    let today = local_date(start);
    let september = school_year_start(today);
    let mut vacancies = Vec::new();
    for (k, name) in KINDERGARTENS.iter().enumerate() {
        for age_group in 1..=5i64 {
            for (m, stay_mode) in ["full_day", "part_day", "round_the_clock"].iter().enumerate() {
                if (k + m) % 3 == 2 && *stay_mode == "round_the_clock" {
                    continue;
                }
                vacancies.push(VacancySeed {
                    id: format!("v-{}-{}-{}", k + 1, age_group, stay_mode),
                    kindergarten_id: format!("kg-{}", k + 1),
                    kindergarten_name: format!("№{} «{name}»", k + 1),
                    locality_code: DEMO_LOCALITY.to_string(),
                    age_group,
                    language: if k % 2 == 0 { "kk" } else { "ru" }.to_string(),
                    stay_mode: stay_mode.to_string(),
                    group_kind: "general".to_string(),
                    capacity: 1 + ((k as i64 * 7 + age_group * 3 + m as i64) % 5),
                });
            }
        }
    }
    load_vacancies(store, &vacancies).await?;
    let mut bodies = Vec::new();
    for seed in 0..APPLICATIONS {
        // Ages 1-5 on 1 September: born between 6 and 1 years before it.
        let birth = september - Duration::days(400 + i64::from((seed * 7919) % (365 * 5 - 30)));
        if full_years(birth, september) >= 6 {
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
        let stay_mode = ["full_day", "full_day", "part_day", "round_the_clock"][(seed % 4) as usize];
        let person = Person { child_birth: birth, seed, locality_code: DEMO_LOCALITY, category, kind: "general", stay_mode, language: if seed % 3 == 0 { "ru" } else { "kk" } };
        // Submitted some time after birth, before the demo starts.
        let age_days = (start.date_naive() - birth).num_days().max(2);
        let submitted = start - Duration::days(1 + i64::from(seed * 104_729) % (age_days - 1)) + Duration::seconds(i64::from(seed % 86_400));
        bodies.push((application(&person), submitted.min(start - Duration::hours(1))));
    }
    let seeded = load_applications(store, &bodies, start).await?;
    // The previous evening's bulletin (rule 24.3).
    let evening = at_local(today.pred_opt().unwrap_or(today), crate::jobs::BULLETIN_HOUR) + Duration::minutes(1);
    crate::jobs::publish_bulletin(store, evening).await?;
    Ok(seeded.len())
}
