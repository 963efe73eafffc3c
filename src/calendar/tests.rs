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
    assert!(!c.revision().is_empty());
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

#[test]
fn decree_swaps_per_year() {
    let c = cal();
    assert_days(&c, &["2022-10-22"], &["2022-10-24", "2022-10-25"]);
    assert_days(&c, &["2023-07-01"], &["2023-07-06", "2023-07-07"]);
    assert_days(&c, &["2024-05-04", "2024-05-10"], &["2024-05-07", "2024-05-08", "2024-05-09"]);
    assert_days(&c, &["2025-01-05", "2025-01-06"], &["2025-01-02", "2025-01-03", "2025-01-07"]);
    assert_eq!(c.day_off_reason(day("2024-05-08")), Some(DayOff::Decree));
    assert_eq!(c.day_off_reason(day("2024-05-04")), None);
    assert_eq!(c.day_off_reason(day("2024-05-05")), Some(DayOff::Weekend));
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
            { "decree": "test: 28 Nov 2026 worked, 30 Nov off", "workingDays": ["2026-11-28"], "daysOff": ["2026-11-30"] }
        ));
    });
    let c = Calendar::from_json(&json).unwrap();
    assert_days(&c, &["2026-11-28"], &["2026-11-30"]);
    assert_days(&cal(), &["2026-11-30"], &["2026-11-28"]);
}

#[test]
fn bad_documents_are_rejected_whole() {
    type Patch = Box<dyn FnOnce(&mut serde_json::Value)>;
    let cases: Vec<(&str, Patch)> = vec![
        ("calendar.version", Box::new(|d| d["version"] = 2.into())),
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
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["workingDays"][0] = "2022-10-21".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2022-10-23".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][1]["workingDays"][0] = "2022-10-22".into())),
        ("calendar.invalid", Box::new(|d| d["transfers"][0]["daysOff"][0] = "2024-05-08".into())),
        ("calendar.invalid", Box::new(|d| d["decreesKnownThrough"] = 3000.into())),
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
