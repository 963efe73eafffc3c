use super::*;

fn day(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

fn cal() -> Calendar {
    Calendar::from_json(BUILTIN_JSON).expect("the built-in calendar loads")
}

fn assert_days(calendar: &Calendar, working: &[&str], off: &[&str]) {
    for d in working {
        assert!(calendar.is_working_day(day(d)), "{d} should be a working day");
    }
    for d in off {
        assert!(!calendar.is_working_day(day(d)), "{d} should be a day off");
    }
}

#[test]
fn builtin_loads_and_is_not_the_fallback() {
    let c = cal();
    assert_eq!(Calendar::builtin(), c);
    assert_ne!(c, Calendar::weekends_only());
    assert_eq!(c.decrees_known_through(), 2026);
    assert_eq!(c.revision(), "2026-12-02");
    assert!(BUILTIN_JSON.contains(&format!("\"version\": {}", data::VERSION)));
}

/// The built-in document of revision 2026-11-22, version 1: transfers without citations, and
/// none for 2020-2022.
const OLD_BUILTIN_V1: &str = r#"{
  "format": "kezek-calendar", "version": 1, "revision": "2026-11-22", "source": "…", "decreesKnownThrough": 2026,
  "holidays": [
    { "name": "New Year", "month": 1, "day": 1 }, { "name": "New Year", "month": 1, "day": 2 },
    { "name": "Orthodox Christmas", "month": 1, "day": 7, "religious": true },
    { "name": "International Women's Day", "month": 3, "day": 8 },
    { "name": "Nauryz meirami", "month": 3, "day": 21, "from": 2010 }, { "name": "Nauryz meirami", "month": 3, "day": 22 },
    { "name": "Nauryz meirami", "month": 3, "day": 23, "from": 2010 },
    { "name": "Kazakhstan People's Unity Day", "month": 5, "day": 1 },
    { "name": "Defender of the Fatherland Day", "month": 5, "day": 7, "from": 2013 },
    { "name": "Victory Day", "month": 5, "day": 9 }, { "name": "Capital Day", "month": 7, "day": 6, "from": 2009 },
    { "name": "Constitution Day", "month": 8, "day": 30, "to": 2025 },
    { "name": "Republic Day", "month": 10, "day": 25, "from": 2022 },
    { "name": "First President Day", "month": 12, "day": 1, "from": 2012, "to": 2021 },
    { "name": "Independence Day", "month": 12, "day": 16 }, { "name": "Independence Day", "month": 12, "day": 17, "to": 2021 }
  ],
  "religiousDates": [ { "name": "Kurban Ait (first day)", "dates": [
    "2020-07-31", "2021-07-20", "2022-07-09", "2023-06-28", "2024-06-16", "2025-06-06", "2026-05-27" ] } ],
  "transfers": [
    { "decree": "2022: day off moved from Saturday 22 October to Monday 24 October", "workingDays": ["2022-10-22"], "daysOff": ["2022-10-24"] },
    { "decree": "2023: day off moved from Saturday 1 July to Friday 7 July", "workingDays": ["2023-07-01"], "daysOff": ["2023-07-07"] },
    { "decree": "2024: day off moved from Saturday 4 May to Wednesday 8 May", "workingDays": ["2024-05-04"], "daysOff": ["2024-05-08"] },
    { "decree": "2025: day off moved from Sunday 5 January to Friday 3 January", "workingDays": ["2025-01-05"], "daysOff": ["2025-01-03"] }
  ]
}"#;

#[test]
fn version_1_documents_still_load_without_citations() {
    let old = Calendar::from_json(OLD_BUILTIN_V1).unwrap();
    assert_eq!(old.revision(), "2026-11-22");
    assert_days(&old, &["2023-07-01", "2025-01-05"], &["2023-07-07", "2025-01-03"]);
    assert_eq!(old.day_off_reason(day("2023-07-07")), Some(DayOff::Decree));
    assert_eq!(old.decree_on(day("2023-07-07")), None);
    // Citation fields belong to version 2: a version 1 transfer carrying one is misspelt.
    let cited = OLD_BUILTIN_V1.replacen("\"workingDays\": [\"2022-10-22\"]", "\"decreeNumber\": \"796\", \"workingDays\": [\"2022-10-22\"]", 1);
    assert_eq!(Calendar::from_json(&cited).unwrap_err().code(), "calendar.json");
}

#[test]
fn weekends_and_ordinary_days() {
    assert_days(&cal(), &["2026-11-23", "2026-11-27"], &["2026-11-21", "2026-11-22"]);
}

#[test]
fn fixed_holidays_on_weekdays() {
    assert_days(
        &cal(),
        &["2026-01-05", "2026-01-06", "2026-01-08"],
        &[
            "2026-01-01", "2026-01-02", "2026-01-07", "2027-03-08", "2026-05-01", "2026-05-07", "2027-07-06",
            "2024-10-25", "2026-12-16",
        ],
    );
}

#[test]
fn holidays_with_year_ranges() {
    let c = cal();
    // Nauryz 21 and 23 March from 2010 only; 22 March always.
    assert_days(&c, &["2005-03-21", "2005-03-23"], &["2005-03-22", "2011-03-21", "2011-03-23"]);
    // Defender of the Fatherland Day from 2013.
    assert_days(&c, &["2012-05-07"], &["2013-05-07"]);
    // Capital Day from 2009: 6 July 2007 was a Friday like any other.
    assert_days(&c, &["2007-07-06"], &["2009-07-06"]);
    // Constitution Day to 2025: 30 August 2024 (Friday) off, 31 August 2026 (Monday) working.
    assert_days(&c, &["2026-08-31"], &["2024-08-30"]);
    // Republic Day from 2022: Monday 25 October 2021 was working.
    assert_days(&c, &["2021-10-25"], &["2023-10-25"]);
    // First President Day 2012-2021.
    assert_days(&c, &["2011-12-01", "2022-12-01"], &["2021-12-01", "2020-12-01"]);
    // 17 December to 2021: Friday 17 December 2021 off, Tuesday 17 December 2024 working.
    assert_days(&c, &["2024-12-17"], &["2021-12-17"]);
}

#[test]
fn weekend_holiday_moves_to_next_working_day() {
    let c = cal();
    // 8 March 2020 was a Sunday: Monday 9 March off.
    assert_days(&c, &["2020-03-10"], &["2020-03-09"]);
    // Constitution Day 2025 on a Saturday: Monday 1 September off.
    assert_days(&c, &["2025-09-02"], &["2025-09-01"]);
    assert_eq!(c.day_off_reason(day("2025-09-01")), Some(DayOff::Substitute));
    // Capital Day 2025 on a Sunday: Monday 7 July off.
    assert_days(&c, &["2025-07-08"], &["2025-07-07"]);
}

#[test]
fn run_of_weekend_holidays_pushes_further() {
    let c = cal();
    // Nauryz 2025: Fri 21 off, Sat 22 and Sun 23 move to Mon 24 and Tue 25.
    assert_days(&c, &["2025-03-20", "2025-03-26"], &["2025-03-21", "2025-03-22", "2025-03-23", "2025-03-24", "2025-03-25"]);
    // New Year 2022 on Sat and Sun: Mon 3 and Tue 4 January off, Wed 5 working.
    assert_days(&c, &["2022-01-05"], &["2022-01-03", "2022-01-04"]);
    // 1 January 2023 was a Sunday and 2 January a holiday anyway: the substitute skips to the 3rd.
    assert_days(&c, &["2023-01-04"], &["2023-01-02", "2023-01-03"]);
    // 2026: Nauryz Sat 21, Sun 22, Mon 23 → Tue 24 and Wed 25 off, Thu 26 working.
    assert_days(&c, &["2026-03-26"], &["2026-03-23", "2026-03-24", "2026-03-25"]);
}

#[test]
fn religious_days_never_move() {
    let c = cal();
    // Orthodox Christmas 2024 on a Sunday: Monday 8 January working.
    assert_days(&c, &["2024-01-08"], &["2024-01-07"]);
    // Kurban Ait 2024 on Sunday 16 June: Monday 17 June working.
    assert_days(&c, &["2024-06-17"], &[]);
    // Kurban Ait on weekdays is a day off.
    assert_days(&c, &[], &["2026-05-27", "2025-06-06", "2023-06-28"]);
    assert_eq!(c.day_off_reason(day("2026-05-27")), Some(DayOff::Holiday));
}

/// One transfer: `worked` (a day off made working) pays for `off` (a working weekday made a day
/// off), both cited to the act numbered `number` (adopted on `adopted` where a source gives it),
/// and without the document's transfers the two days would be the other way round. Each test
/// then checks the days around the move keep their ordinary status.
fn assert_transfer(c: &Calendar, worked: &str, off: &str, number: &str, adopted: Option<&str>) {
    assert_days(c, &[worked], &[off]);
    assert_eq!(c.day_off_reason(day(worked)), None, "{worked}");
    assert_eq!(c.day_off_reason(day(off)), Some(DayOff::Decree), "{off}");
    for d in [worked, off] {
        let decree = c.decree_on(day(d)).unwrap_or_else(|| panic!("{d} has no decree"));
        assert_eq!(decree.number.as_deref(), Some(number), "{d}");
        assert_eq!(decree.date, adopted.map(day), "{d}");
        assert!(decree.description.starts_with(&worked[..4]), "{d}: {}", decree.description);
    }
    // Without the decrees the two days swap back: the document's transfers are what moves them.
    let statutory = Calendar::from_json(&with(|d| d["transfers"] = serde_json::json!([]))).unwrap();
    assert_days(&statutory, &[off], &[worked]);
}

#[test]
fn in_2020_sunday_5_january_was_worked_for_friday_3_january() {
    let c = cal();
    assert_transfer(&c, "2020-01-05", "2020-01-03", "820", None);
    // New Year on Wednesday and Thursday, then Friday to Sunday off: Monday 6 January worked.
    assert_days(&c, &["2019-12-31", "2020-01-06"], &["2020-01-01", "2020-01-02", "2020-01-04"]);
}

#[test]
fn in_2020_monday_11_may_was_worked_for_friday_8_may() {
    let c = cal();
    // Victory Day fell on Saturday 9 May; its substitute, Monday 11 May, was moved to Friday 8 May.
    assert_transfer(&c, "2020-05-11", "2020-05-08", "820", None);
    assert_days(&c, &["2020-05-06", "2020-05-12"], &["2020-05-07", "2020-05-09", "2020-05-10"]);
    assert_eq!(c.next_working_day(day("2020-05-06")), Ok(day("2020-05-11")));
}

#[test]
fn in_2020_sunday_20_december_was_worked_for_friday_18_december() {
    let c = cal();
    assert_transfer(&c, "2020-12-20", "2020-12-18", "820", None);
    assert_days(&c, &["2020-12-15", "2020-12-21"], &["2020-12-16", "2020-12-17", "2020-12-19"]);
}

#[test]
fn in_2021_saturday_3_july_was_worked_for_monday_5_july() {
    let c = cal();
    assert_transfer(&c, "2021-07-03", "2021-07-05", "930", None);
    assert_days(&c, &["2021-07-02", "2021-07-07"], &["2021-07-04", "2021-07-06"]);
}

#[test]
fn in_2022_saturday_5_march_was_worked_for_monday_7_march() {
    let c = cal();
    assert_transfer(&c, "2022-03-05", "2022-03-07", "713", Some("2021-10-06"));
    assert_days(&c, &["2022-03-04", "2022-03-09"], &["2022-03-06", "2022-03-08"]);
}

#[test]
fn in_2022_saturday_27_august_was_worked_for_monday_29_august() {
    let c = cal();
    assert_transfer(&c, "2022-08-27", "2022-08-29", "713", Some("2021-10-06"));
    assert_days(&c, &["2022-08-26", "2022-08-31"], &["2022-08-28", "2022-08-30"]);
}

#[test]
fn in_2022_saturday_22_october_was_worked_for_monday_24_october() {
    let c = cal();
    assert_transfer(&c, "2022-10-22", "2022-10-24", "796", None);
    assert_days(&c, &["2022-10-21", "2022-10-26"], &["2022-10-23", "2022-10-25"]);
}

#[test]
fn in_2023_saturday_1_july_was_worked_for_friday_7_july() {
    let c = cal();
    assert_transfer(&c, "2023-07-01", "2023-07-07", "326", Some("2023-04-25"));
    assert_days(&c, &["2023-07-05", "2023-07-10"], &["2023-07-06", "2023-07-08", "2023-07-09"]);
}

#[test]
fn in_2024_saturday_4_may_was_worked_for_wednesday_8_may() {
    let c = cal();
    assert_transfer(&c, "2024-05-04", "2024-05-08", "109", Some("2024-04-17"));
    assert_days(&c, &["2024-05-06", "2024-05-10"], &["2024-05-05", "2024-05-07", "2024-05-09"]);
    assert_eq!(c.decree_on(day("2024-05-08")).map(|d| d.act), Some(Act::MinisterialOrder));
    assert_eq!(c.day_off_reason(day("2024-05-05")), Some(DayOff::Weekend));
}

#[test]
fn in_2025_sunday_5_january_was_worked_for_friday_3_january() {
    let c = cal();
    assert_transfer(&c, "2025-01-05", "2025-01-03", "436", None);
    assert_days(&c, &["2025-01-06"], &["2025-01-02", "2025-01-04", "2025-01-07"]);
    assert_eq!(c.decree_on(day("2025-01-05")).map(|d| d.act), Some(Act::MinisterialOrder));
}

#[test]
fn no_day_off_was_moved_in_2026() {
    let c = cal();
    let moved: Vec<NaiveDate> = (0..365)
        .map(|i| day("2026-01-01") + Days::new(i))
        .filter(|&d| c.decree_on(d).is_some() || c.day_off_reason(d) == Some(DayOff::Decree))
        .collect();
    assert_eq!(moved, Vec::<NaiveDate>::new());
    assert_days(&c, &["2026-01-05", "2026-01-06"], &["2026-01-02", "2026-01-03", "2026-01-04"]);
}

#[test]
fn the_twelve_days_of_2020_to_2022_that_the_old_data_had_wrong() {
    // The independent check found 12 days of 2020-2022 disagreeing with the official calendar:
    // the days moved by decrees 820, 930 and 713, which the data before revision 2026-12-02 lacked.
    let c = cal();
    let worked = ["2020-01-05", "2020-05-11", "2020-12-20", "2021-07-03", "2022-03-05", "2022-08-27"];
    let off = ["2020-01-03", "2020-05-08", "2020-12-18", "2021-07-05", "2022-03-07", "2022-08-29"];
    assert_days(&c, &worked, &off);
    let old = Calendar::from_json(OLD_BUILTIN_V1).unwrap();
    assert_days(&old, &off, &worked);
}

/// Every weekday that is not worked and every weekend day that is, per year, from the official
/// working-day calendars (eGov; cross-checked against python-holidays and the decrees cited in
/// the data), with the year's count of working days for a five-day week.
const OFFICIAL: [(i32, &[&str], &[&str], i64); 7] = [
    (
        2020,
        &["01-01", "01-02", "01-03", "01-07", "03-09", "03-23", "03-24", "03-25", "05-01", "05-07", "05-08", "07-06",
          "07-31", "08-31", "12-01", "12-16", "12-17", "12-18"],
        // Monday 11 May was also worked (a substitute day off moved to Friday 8 May).
        &["01-05", "12-20"],
        246,
    ),
    (
        2021,
        &["01-01", "01-04", "01-07", "03-08", "03-22", "03-23", "03-24", "05-03", "05-07", "05-10", "07-05", "07-06",
          "07-20", "08-30", "12-01", "12-16", "12-17"],
        &["07-03"],
        245,
    ),
    (
        2022,
        &["01-03", "01-04", "01-07", "03-07", "03-08", "03-21", "03-22", "03-23", "05-02", "05-09", "05-10", "07-06",
          "08-29", "08-30", "10-24", "10-25", "12-16"],
        &["03-05", "08-27", "10-22"],
        246,
    ),
    (
        2023,
        &["01-02", "01-03", "03-08", "03-21", "03-22", "03-23", "05-01", "05-08", "05-09", "06-28", "07-06", "07-07",
          "08-30", "10-25", "12-18"],
        &["07-01"],
        246,
    ),
    (
        2024,
        &["01-01", "01-02", "03-08", "03-21", "03-22", "03-25", "05-01", "05-07", "05-08", "05-09", "07-08", "08-30",
          "10-25", "12-16"],
        &["05-04"],
        249,
    ),
    (
        2025,
        &["01-01", "01-02", "01-03", "01-07", "03-10", "03-21", "03-24", "03-25", "05-01", "05-07", "05-09", "06-06",
          "07-07", "09-01", "10-27", "12-16"],
        &["01-05"],
        246,
    ),
    (
        2026,
        &["01-01", "01-02", "01-07", "03-09", "03-23", "03-24", "03-25", "05-01", "05-07", "05-11", "05-27", "07-06",
          "10-26", "12-16"],
        &[],
        247,
    ),
];

#[test]
fn every_year_from_2020_to_2026_matches_the_official_calendar() {
    let c = cal();
    for (year, weekdays_off, weekends_worked, working_days) in OFFICIAL {
        let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let days: Vec<NaiveDate> = first.iter_days().take_while(|d| d.year() == year).collect();
        let shown = |d: &NaiveDate| format!("{:02}-{:02}", d.month(), d.day());
        let off: Vec<String> = days.iter().filter(|&&d| !is_weekend(d) && !c.is_working_day(d)).map(shown).collect();
        let worked: Vec<String> = days.iter().filter(|&&d| is_weekend(d) && c.is_working_day(d)).map(shown).collect();
        assert_eq!(off, weekdays_off, "{year}: weekdays off");
        assert_eq!(worked, weekends_worked, "{year}: weekend days worked");
        let last_of_year_before = first.pred_opt().unwrap();
        let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
        assert_eq!(c.working_days_between(last_of_year_before, last), Ok(working_days), "{year}");
    }
}

#[test]
fn every_builtin_transfer_cites_its_act() {
    let doc: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
    let transfers = doc["transfers"].as_array().unwrap();
    let years: std::collections::BTreeSet<&str> =
        transfers.iter().map(|t| &t["workingDays"][0].as_str().unwrap()[..4]).collect();
    assert_eq!(years.into_iter().collect::<Vec<_>>(), ["2020", "2021", "2022", "2023", "2024", "2025"]);
    let c = cal();
    for t in transfers {
        for d in t["workingDays"].as_array().unwrap().iter().chain(t["daysOff"].as_array().unwrap()) {
            let decree = c.decree_on(day(d.as_str().unwrap())).unwrap();
            assert!(decree.number.is_some(), "{d}: every act found has a number");
            if decree.date.is_none() {
                assert!(decree.note.contains("not found"), "{d}: an unknown date is said so");
            }
        }
    }
    // A statutory day off and an ordinary day have no decree.
    assert_eq!(c.decree_on(day("2025-03-24")), None);
    assert_eq!(c.decree_on(day("2025-03-26")), None);
}

#[test]
fn constitution_day_moves_from_30_august_to_15_march_with_a_gap_in_2026() {
    let c = cal();
    // 30 August 2025 was a Saturday: Monday 1 September off. In 2026, no Constitution Day at all.
    assert_days(&c, &["2026-08-31", "2026-03-16"], &["2025-09-01"]);
    // From 2027 on 15 March (a Monday in 2027); Saturday 15 March 2031 moves to Monday 17 March.
    assert_days(&c, &["2026-03-13", "2027-03-16"], &["2027-03-15", "2031-03-17"]);
    assert_eq!(c.day_off_reason(day("2027-03-15")), Some(DayOff::Holiday));
}

#[test]
fn add_working_days_skips_days_off() {
    let c = cal();
    // Friday 20 Nov 2026 + 5 working days = Friday 27 Nov.
    assert_eq!(c.add_working_days(day("2026-11-20"), 5), Ok(day("2026-11-27")));
    // Across Independence Day 2026 (Wed 16 Dec).
    assert_eq!(c.add_working_days(day("2026-12-14"), 3), Ok(day("2026-12-18")));
    // Across the 2025 New Year with its decree swap: Tue 31 Dec 2024 + 2 = Sun 5 Jan 2025 (worked), Mon 6.
    assert_eq!(c.add_working_days(day("2024-12-31"), 1), Ok(day("2025-01-05")));
    assert_eq!(c.add_working_days(day("2024-12-31"), 2), Ok(day("2025-01-06")));
    // Zero returns the date itself; negative counts back.
    assert_eq!(c.add_working_days(day("2026-11-22"), 0), Ok(day("2026-11-22")));
    assert_eq!(c.add_working_days(day("2026-11-23"), -1), Ok(day("2026-11-20")));
    assert_eq!(c.next_working_day(day("2025-03-20")), Ok(day("2025-03-26")));
    assert_eq!(c.next_working_day(day("2025-03-21")), Ok(day("2025-03-26")));
}

#[test]
fn working_days_between_counts_the_half_open_interval() {
    let c = cal();
    // (Fri 20 Nov, Fri 27 Nov] = Mon..Fri = 5.
    assert_eq!(c.working_days_between(day("2026-11-20"), day("2026-11-27")), Ok(5));
    assert_eq!(c.working_days_between(day("2026-11-27"), day("2026-11-20")), Ok(-5));
    assert_eq!(c.working_days_between(day("2026-11-20"), day("2026-11-20")), Ok(0));
    // Nauryz week 2025: (Thu 20, Thu 27 Mar] holds only Wed 26 and Thu 27.
    assert_eq!(c.working_days_between(day("2025-03-20"), day("2025-03-27")), Ok(2));
    // A whole year: 2024 had 366 days; count them against is_working_day.
    let expected = (1..=366).filter(|&i| c.is_working_day(day("2023-12-31") + Days::new(i))).count() as i64;
    assert_eq!(c.working_days_between(day("2023-12-31"), day("2024-12-31")), Ok(expected));
    assert!((240..=255).contains(&expected), "{expected}");
}

#[test]
fn add_and_between_agree() {
    let c = cal();
    let start = day("2019-12-20");
    for n in [1, 2, 5, 17, 100, 400] {
        let end = c.add_working_days(start, n).unwrap();
        assert_eq!(c.working_days_between(start, end), Ok(n), "n = {n}");
        assert!(c.is_working_day(end));
    }
}

#[test]
fn ranges_are_bounded() {
    let c = cal();
    assert_eq!(c.add_working_days(day("2026-01-01"), MAX_STEP + 1).unwrap_err().code(), "calendar.range");
    assert_eq!(c.add_working_days(day("1899-12-31"), 1).unwrap_err().code(), "calendar.range");
    assert_eq!(c.add_working_days(day("2200-12-30"), 5).unwrap_err().code(), "calendar.range");
    assert_eq!(c.working_days_between(day("2026-01-01"), day("2201-01-01")).unwrap_err().code(), "calendar.range");
    assert!(c.add_working_days(day("2026-01-01"), MAX_STEP).is_ok());
    assert_eq!(c.add_calendar_days(day("2026-11-22"), 30), Ok(day("2026-12-22")));
}

#[test]
fn parse_date_is_strict() {
    assert_eq!(parse_date("2024-02-29"), Ok(day("2024-02-29")));
    for bad in ["", "2023-02-29", "2024-2-29", "24-02-29", "2024/02/29", "2024-02-29T00:00", " 2024-02-29", "+2024-02-2"] {
        assert_eq!(parse_date(bad).unwrap_err().code(), "date.format", "{bad:?}");
    }
    assert_eq!(format_date(day("2026-01-05")), "2026-01-05");
}

fn with(patch: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(BUILTIN_JSON).unwrap();
    patch(&mut doc);
    doc.to_string()
}

#[test]
fn a_loaded_calendar_replaces_the_rules() {
    let json = with(|d| {
        d["transfers"].as_array_mut().unwrap().push(serde_json::json!(
            { "decree": "test: 28 Nov 2026 worked, 30 Nov off", "act": "ministerialOrder", "decreeNumber": "999",
              "decreeDate": "2026-11-01", "workingDays": ["2026-11-28"], "daysOff": ["2026-11-30"] }
        ));
    });
    let c = Calendar::from_json(&json).unwrap();
    assert_days(&c, &["2026-11-28"], &["2026-11-30"]);
    assert_eq!(c.decree_on(day("2026-11-30")).and_then(|d| d.number.as_deref()), Some("999"));
    assert_days(&cal(), &["2026-11-30"], &["2026-11-28"]);
}

#[test]
fn bad_documents_are_rejected_whole() {
    type Patch = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: Vec<(&str, Patch)> = vec![
        ("calendar.version", Box::new(|d| d["version"] = 3.into())),
        ("calendar.version", Box::new(|d| d["version"] = 0.into())),
        ("calendar.version", Box::new(|d| d["format"] = "other".into())),
        ("calendar.json", Box::new(|d| d["surprise"] = true.into())),
        ("calendar.json", Box::new(|d| d["holidays"][0]["month"] = "one".into())),
        ("calendar.json", Box::new(|d| d.as_object_mut().unwrap().remove("holidays").map(drop).unwrap_or(()))),
        ("calendar.invalid", Box::new(|d| d["holidays"][0]["day"] = 32.into())),
        ("calendar.invalid", Box::new(|d| { d["holidays"][0]["month"] = 2.into(); d["holidays"][0]["day"] = 29.into(); })),
        ("calendar.invalid", Box::new(|d| { d["holidays"][0]["from"] = 2020.into(); d["holidays"][0]["to"] = 2019.into(); })),
        ("calendar.invalid", Box::new(|d| d["holidays"][0]["from"] = 1066.into())),
        ("calendar.invalid", Box::new(|d| d["religiousDates"][0]["dates"][0] = "2020-02-30".into())),
        ("calendar.invalid", Box::new(|d| d["religiousDates"][0]["dates"][1] = "2020-07-31".into())),
        // A working day that is no day off: an ordinary Friday, or a holiday itself.
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["workingDays"][0] = "2020-01-10".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["workingDays"][0] = "2020-01-02".into())),
        // A day off that already is one: a Sunday, a holiday, a substitute.
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2020-01-12".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2020-01-07".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2020-03-09".into())),
        // The same date in two transfers.
        ("calendar.invalid", Box::new(|d| d["transfers"][1]["workingDays"][0] = "2020-01-05".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2024-05-08".into())),
        ("calendar.invalid", Box::new(|d| d["decreesKnownThrough"] = 3000.into())),
        // Citations (version 2).
        ("calendar.json", Box::new(|d| d["transfers"][0].as_object_mut().unwrap().remove("decreeNumber").map(drop).unwrap_or(()))),
        ("calendar.json", Box::new(|d| d["transfers"][2].as_object_mut().unwrap().remove("decreeDate").map(drop).unwrap_or(()))),
        ("calendar.json", Box::new(|d| d["transfers"][0]["decreeNumber"] = 820.into())),
        ("calendar.json", Box::new(|d| d["transfers"][0]["act"] = "presidentialDecree".into())),
        ("calendar.json", Box::new(|d| d["transfers"][0].as_object_mut().unwrap().remove("act").map(drop).unwrap_or(()))),
        ("calendar.json", Box::new(|d| d["transfers"][0]["page"] = 3.into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["note"] = serde_json::Value::Null)),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["decreeNumber"] = " ".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][2]["decreeDate"] = "2021-10-32".into())),
        // Decree No. 713 dated after Saturday 5 March 2022, the first day it moves.
        ("calendar.invalid", Box::new(|d| d["transfers"][2]["decreeDate"] = "2022-03-06".into())),
        ("calendar.json", Box::new(|d| d["transfers"][2]["sources"] = serde_json::json!(["pm.kz"]))),
        ("calendar.invalid", Box::new(|d| d["transfers"][2]["decree"] = "".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][2]["daysOff"] = serde_json::json!([]))),
        ("calendar.invalid", Box::new(|d| d["transfers"][2]["workingDays"] = serde_json::json!(["2022-03-05", "2022-08-27", "2022-03-12"]))),
    ];
    for (code, patch) in cases {
        let json = with(patch);
        let err = Calendar::from_json(&json).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(!err.detail().is_empty());
    }
    assert_eq!(Calendar::from_json("").unwrap_err().code(), "calendar.json");
    assert_eq!(Calendar::from_json("[]").unwrap_err().code(), "calendar.json");
}
