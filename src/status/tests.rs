use super::deadline::*;
use super::*;
use crate::calendar::Calendar;
use crate::i18n::Lang;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    crate::calendar::parse_date(text).unwrap()
}

thread_local! {
    static CALENDAR: &'static Calendar = Box::leak(Box::new(Calendar::builtin()));
}

/// The built-in calendar under the Rules' policy.
fn rules() -> Deadlines<'static> {
    Deadlines::new(CALENDAR.with(|c| *c), &ServicePolicy::RULES)
}

fn local(instant: DateTime<Utc>) -> String {
    crate::calendar::zone::to_local(instant).to_rfc3339()
}

fn referred(issued: &str) -> Status {
    Status::Referred { issued_at: at(issued), extended_until: None, counts_from: None }
}

const QUEUED: Status = Status::Queued { interested: true };
const PAUSED: Status = Status::Queued { interested: false };

fn window(on: &str) -> Status {
    Status::WindowOpen { opened_on: day(on), round: WindowRound::Priority }
}

// --- deadlines ---

#[test]
fn appendix_2_after_hours_portal_submissions_count_from_the_next_working_day() {
    let d = rules();
    // Monday 10:00: processed the same day; 18:29 still; 18:30 is after the provider's hours.
    assert_eq!(d.processing_day(at("2026-11-23T10:00:00+05:00")), Ok(day("2026-11-23")));
    assert_eq!(d.processing_day(at("2026-11-23T18:29:59+05:00")), Ok(day("2026-11-23")));
    assert_eq!(d.processing_day(at("2026-11-23T18:30:00+05:00")), Ok(day("2026-11-24")));
    // Saturday and a holiday (Independence Day, Wednesday 16 December 2026).
    assert_eq!(d.processing_day(at("2026-11-21T10:00:00+05:00")), Ok(day("2026-11-23")));
    assert_eq!(d.processing_day(at("2026-12-16T10:00:00+05:00")), Ok(day("2026-12-17")));
    // So the originals of a Monday-evening submission are due a day later than Monday morning's.
    assert_eq!(d.originals_last_day(at("2026-11-23T10:00:00+05:00")), Ok(day("2026-11-30")));
    assert_eq!(d.originals_last_day(at("2026-11-23T19:00:00+05:00")), Ok(day("2026-12-01")));
}

#[test]
fn rule_22_originals_due_five_working_days_after_the_processing_day() {
    let d = rules();
    // Friday evening after hours: processed Monday 23rd; due Monday 30th.
    assert_eq!(d.originals_last_day(at("2026-11-20T23:30:00+05:00")), Ok(day("2026-11-30")));
    // 19:30 UTC on Friday is Saturday 00:30 in Kazakhstan: the same.
    assert_eq!(d.originals_last_day(at("2026-11-20T19:30:00Z")), Ok(day("2026-11-30")));
    // Independence Day is skipped.
    assert_eq!(d.originals_last_day(at("2026-12-14T10:00:00+05:00")), Ok(day("2026-12-22")));
    let waiting = Status::AwaitingOriginals { submitted_at: at("2026-11-20T23:30:00+05:00") };
    assert_eq!(waiting.apply(&Event::OriginalsConfirmed { at: at("2026-11-30T23:59:59+05:00") }, &d), Ok(QUEUED));
    assert_eq!(waiting.apply(&Event::OriginalsConfirmed { at: at("2026-12-01T00:00:00+05:00") }, &d), Err(StatusError::OriginalsOverdue));
    assert_eq!(waiting.apply(&Event::OriginalsConfirmed { at: at("2026-11-20T10:00:00+05:00") }, &d), Err(StatusError::TimeOrder));
}

#[test]
fn rule_22_missed_originals_archive_the_application_at_the_deadline() {
    let d = rules();
    let waiting = Status::AwaitingOriginals { submitted_at: at("2026-11-23T10:00:00+05:00") };
    let due = at("2026-12-01T00:00:00+05:00");
    assert_eq!(waiting.next_change(&d), Ok(Some(due)));
    assert_eq!(waiting.settle(at("2026-11-30T23:59:59+05:00"), &d), Ok(waiting.clone()));
    assert_eq!(waiting.settle(due, &d), Ok(Status::Archived { reason: ArchiveReason::OriginalsMissed, at: due }));
}

#[test]
fn rule_22_no_window_before_the_originals_are_confirmed() {
    let d = rules();
    let waiting = Status::accepted(at("2026-11-23T10:00:00+05:00"), true);
    assert!(!waiting.is_candidate());
    assert_eq!(waiting.queue_state(), None, "not registered in the queue, so not in the snapshot");
    let e = waiting.apply(&Event::WindowOpened { on: day("2026-11-24"), round: WindowRound::Priority }, &d).unwrap_err();
    assert_eq!(e.code(), "status.illegal_transition");
    // Nothing to bring: registered at once.
    assert_eq!(Status::accepted(at("2026-11-23T10:00:00+05:00"), false), QUEUED);
}

#[test]
fn appendix_4_referral_valid_five_working_days_from_issue() {
    let d = rules();
    assert_eq!(local(d.referral_deadline(at("2026-11-23T10:00:00+05:00")).unwrap()), "2026-12-01T00:00:00+05:00");
    // Across Nauryz 2025 (21 March, and 24-25 March in place of the weekend days).
    assert_eq!(d.referral_last_day(at("2025-03-20T10:00:00+05:00")), Ok(day("2025-04-01")));
    // Across the 2024 zone change: issued at UTC+6, expires at UTC+5.
    let deadline = d.referral_deadline(at("2024-02-27T10:00:00+06:00")).unwrap();
    assert_eq!(local(deadline), "2024-03-06T00:00:00+05:00");
}

#[test]
fn rule_24_4_a_window_gives_three_full_working_days_closing_at_midnight_not_at_07_00() {
    let d = rules();
    assert_eq!(local(d.window_opens(day("2026-11-23")).unwrap()), "2026-11-23T07:00:00+05:00");
    assert_eq!(d.window_last_day(day("2026-11-23")), Ok(day("2026-11-25")));
    assert_eq!(local(d.window_closes(day("2026-11-23")).unwrap()), "2026-11-26T00:00:00+05:00");
    // Friday: Friday, Monday, Tuesday.
    assert_eq!(d.window_last_day(day("2026-11-20")), Ok(day("2026-11-24")));
    // Saturday: counted from Monday.
    assert_eq!(d.window_last_day(day("2026-11-21")), Ok(day("2026-11-25")));
    // Across the zone change: opens at 07:00+06, closes at 24:00+05.
    assert_eq!(local(d.window_opens(day("2024-02-29")).unwrap()), "2024-02-29T07:00:00+06:00");
    assert_eq!(d.window_last_day(day("2024-02-29")), Ok(day("2024-03-04")));
}

#[test]
fn rule_24_4_the_provider_may_move_the_window_and_the_page_follows() {
    let cal = Calendar::builtin();
    let policy = ServicePolicy::from_json(r#"{ "windowOpensAt": "09:30", "bulletinAt": "20:00", "windowWorkingDays": 2 }"#).unwrap();
    let d = Deadlines::new(&cal, &policy);
    assert_eq!(local(d.window_opens(day("2026-11-23")).unwrap()), "2026-11-23T09:30:00+05:00");
    assert_eq!(d.window_last_day(day("2026-11-23")), Ok(day("2026-11-24")));
    let v = status_view(&QUEUED, at("2026-11-22T08:00:00+05:00"), Lang::En, &d).unwrap();
    let events: Vec<&str> = v.next_events.iter().map(|e| e.at.as_str()).collect();
    assert_eq!(events, ["2026-11-22T20:00:00+05:00", "2026-11-23T09:30:00+05:00"]);
}

#[test]
fn next_daily_events_skip_days_off_for_windows_but_not_for_bulletins() {
    let d = rules();
    // Saturday morning: the bulletin comes tonight, the next window on Monday.
    let now = at("2026-11-21T08:00:00+05:00");
    assert_eq!(local(d.next_bulletin(now).unwrap()), "2026-11-21T18:00:00+05:00");
    assert_eq!(local(d.next_window(now).unwrap()), "2026-11-23T07:00:00+05:00");
    // Exactly at 18:00 the next bulletin is tomorrow's.
    assert_eq!(local(d.next_bulletin(at("2026-11-22T18:00:00+05:00")).unwrap()), "2026-11-23T18:00:00+05:00");
    // Across the switch: 01:00 on 1 March 2024 (UTC+5).
    assert_eq!(local(d.next_window(at("2024-02-29T20:00:00Z")).unwrap()), "2024-03-01T07:00:00+05:00");
}

// --- transitions ---

#[test]
fn the_whole_life_from_acceptance_to_admission() {
    let d = rules();
    let s = Status::accepted(at("2026-11-16T10:00:00+05:00"), true);
    let s = s.apply(&Event::OriginalsConfirmed { at: at("2026-11-17T11:00:00+05:00") }, &d).unwrap();
    assert_eq!(s, QUEUED);
    let s = s.apply(&Event::WindowOpened { on: day("2026-11-23"), round: WindowRound::Priority }, &d).unwrap();
    assert_eq!(s, window("2026-11-23"));
    assert_eq!(s.apply(&Event::ReferralIssued { at: at("2026-11-23T06:59:59+05:00"), counts_from: None }, &d), Err(StatusError::WindowClosed));
    assert_eq!(s.apply(&Event::ReferralIssued { at: at("2026-11-26T00:00:00+05:00"), counts_from: None }, &d), Err(StatusError::WindowClosed));
    let s = s.apply(&Event::ReferralIssued { at: at("2026-11-25T23:59:00+05:00"), counts_from: None }, &d).unwrap();
    assert_eq!(s, referred("2026-11-25T23:59:00+05:00"));
    let admitted = s.apply(&Event::Admitted { at: at("2026-12-02T23:00:00+05:00"), temporary_until: None }, &d).unwrap();
    assert!(admitted.is_final());
    assert_eq!(admitted.queue_state(), Some(QueueState::Archived));
    // Valid through Wednesday 2 December: 26, 27, 30 November, 1 and 2 December.
    assert_eq!(s.apply(&Event::Admitted { at: at("2026-12-03T00:00:00+05:00"), temporary_until: None }, &d), Err(StatusError::ReferralExpired));
}

#[test]
fn rules_31_35_admission_ends_the_life_and_nothing_follows() {
    let d = rules();
    let admitted = Status::Admitted { at: at("2026-12-01T10:00:00+05:00") };
    for event in [Event::ReferralExpired, Event::SeatWithdrawn, Event::WindowOpened { on: day("2026-12-02"), round: WindowRound::Priority }] {
        assert_eq!(admitted.apply(&event, &d).unwrap_err().code(), "status.illegal_transition");
    }
    assert_eq!(admitted.settle(at("2030-01-01T00:00:00Z"), &d), Ok(admitted.clone()), "no deadline expires an admission");
}

#[test]
fn rule_25_4_a_temporary_stay_keeps_the_place_and_ends_back_in_the_queue() {
    let d = rules();
    let s = referred("2026-11-23T10:00:00+05:00");
    let stay = s.apply(&Event::Admitted { at: at("2026-11-24T10:00:00+05:00"), temporary_until: Some(day("2027-02-28")) }, &d).unwrap();
    assert_eq!(stay, Status::TemporaryStay { until: day("2027-02-28") });
    assert!(stay.is_candidate(), "keeps its queue place and stays a candidate");
    assert_eq!(stay.queue_state(), Some(QueueState::TemporaryStay));
    assert_eq!(stay.settle(at("2027-03-01T00:00:00+05:00"), &d), Ok(QUEUED));
    let wrong = s.apply(&Event::Admitted { at: at("2026-11-24T10:00:00+05:00"), temporary_until: Some(day("2026-11-23")) }, &d);
    assert_eq!(wrong, Err(StatusError::StayEnded));
}

#[test]
fn rule_30_cancel_within_one_day_returns_to_the_place() {
    let d = rules();
    let s = referred("2026-11-23T10:00:00+05:00");
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2026-11-24T09:59:59+05:00") }, &d), Ok(QUEUED));
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2026-11-24T10:00:00+05:00") }, &d), Err(StatusError::CancelTooLate));
    // 24 hours across the zone change are 24 real hours: 2024-02-29 10:00+06 → 2024-03-01 09:00+05.
    let s = referred("2024-02-29T10:00:00+06:00");
    assert!(s.apply(&Event::ReferralCancelled { at: at("2024-03-01T08:59:59+05:00") }, &d).is_ok());
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2024-03-01T09:00:00+05:00") }, &d), Err(StatusError::CancelTooLate));
}

#[test]
fn rule_30_extend_once_up_to_thirty_calendar_days() {
    let d = rules();
    let s = referred("2026-11-23T10:00:00+05:00");
    let extend = |s: &Status, when: &str, until: &str| s.apply(&Event::ReferralExtended { at: at(when), until: day(until) }, &d);
    assert_eq!(extend(&s, "2026-11-24T10:00:00+05:00", "2026-12-24"), Err(StatusError::ExtensionTooLong));
    assert_eq!(extend(&s, "2026-11-24T10:00:00+05:00", "2026-11-30"), Err(StatusError::ExtensionTooShort));
    assert_eq!(extend(&s, "2026-12-01T00:00:00+05:00", "2026-12-10"), Err(StatusError::ReferralExpired));
    let extended = extend(&s, "2026-11-30T23:00:00+05:00", "2026-12-23").unwrap();
    assert_eq!(local(extended.referral_deadline(&d).unwrap().unwrap()), "2026-12-24T00:00:00+05:00");
    assert_eq!(extend(&extended, "2026-12-01T10:00:00+05:00", "2026-12-20").map_err(|e| e.code()), Err("status.already_extended"));
    assert!(extended.apply(&Event::Admitted { at: at("2026-12-23T18:00:00+05:00"), temporary_until: None }, &d).is_ok());
    assert_eq!(extended.settle(at("2026-12-24T00:00:00+05:00"), &d), Ok(PAUSED));
}

#[test]
fn an_unused_window_or_referral_keeps_the_place_but_pauses_the_offers() {
    let d = rules();
    let w = window("2026-11-20");
    assert_eq!(w.settle(at("2026-11-24T23:59:59+05:00"), &d), Ok(w.clone()));
    assert_eq!(w.settle(at("2026-11-25T00:00:00+05:00"), &d), Ok(PAUSED));
    assert_eq!(PAUSED.queue_state(), Some(QueueState::Queued), "it keeps its place");
    assert!(!PAUSED.is_candidate());
    assert_eq!(PAUSED.apply(&Event::WindowOpened { on: day("2026-11-25"), round: WindowRound::Priority }, &d), Err(StatusError::NotInterested));
    // Rule 20.2: confirming interest makes it a candidate again.
    assert_eq!(PAUSED.apply(&Event::InterestConfirmed, &d), Ok(QUEUED));
    let r = referred("2024-02-27T10:00:00+06:00");
    assert_eq!(r.settle(at("2024-03-05T18:59:59Z"), &d), Ok(r.clone()));
    assert_eq!(r.settle(at("2024-03-05T19:00:00Z"), &d), Ok(PAUSED));
    assert_eq!(r.apply(&Event::ReferralExpired, &d), Ok(PAUSED));
}

#[test]
fn rule_20_7_not_interested_closes_an_open_window() {
    let d = rules();
    assert_eq!(window("2026-11-23").apply(&Event::NotInterested, &d), Ok(PAUSED));
    assert_eq!(QUEUED.apply(&Event::NotInterested, &d), Ok(PAUSED));
}

#[test]
fn rule_25_a_withdrawn_seat_returns_the_application_to_its_place() {
    let d = rules();
    assert_eq!(referred("2026-11-23T10:00:00+05:00").apply(&Event::SeatWithdrawn, &d), Ok(QUEUED));
}

#[test]
fn rule_34_admission_refused_returns_the_seat_and_pauses_the_offers() {
    let d = rules();
    let s = referred("2026-11-23T10:00:00+05:00");
    assert_eq!(s.apply(&Event::AdmissionRefused { reason: AdmissionRefusal::MedicalContraindications }, &d), Ok(PAUSED));
}

#[test]
fn rule_22_a_failed_monthly_check_cancels_the_application_and_its_referral() {
    let d = rules();
    let t = at("2026-11-30T10:00:00+05:00");
    for s in [QUEUED, window("2026-11-30"), referred("2026-11-27T10:00:00+05:00")] {
        let archived = s.apply(&Event::Archived { at: t, reason: ArchiveReason::GroundsFailed }, &d).unwrap();
        assert_eq!(archived, Status::Archived { reason: ArchiveReason::GroundsFailed, at: t });
        assert!(archived.is_final());
    }
}

#[test]
fn rules_3_13_and_20_6_the_stop_list_suspends_and_restoring_returns_to_the_queue() {
    let d = rules();
    let stop = QUEUED.apply(&Event::StopListed { reason: StopReason::UnreliableData }, &d).unwrap();
    assert_eq!(stop.queue_state(), Some(QueueState::StopListed));
    assert!(!stop.is_candidate());
    assert_eq!(stop.apply(&Event::Restored, &d), Ok(QUEUED));
    assert_eq!(stop.next_change(&d), Ok(None), "only the provider restores");
    assert_eq!(stop.settle(at("2030-01-01T00:00:00Z"), &d), Ok(stop.clone()));
}

#[test]
fn every_transition_not_in_the_diagram_is_refused() {
    let d = rules();
    let t = at("2026-11-23T10:00:00+05:00");
    let statuses = [
        Status::AwaitingOriginals { submitted_at: t },
        QUEUED,
        PAUSED,
        window("2026-11-23"),
        referred("2026-11-23T10:00:00+05:00"),
        Status::TemporaryStay { until: day("2027-01-31") },
        Status::StopListed { reason: StopReason::Other },
        Status::Admitted { at: t },
        Status::Withdrawn { at: t },
        Status::Refused { reasons: vec![RefusalReason::NotEligible] },
        Status::Archived { reason: ArchiveReason::AgedOut, at: t },
    ];
    let events = [
        Event::OriginalsConfirmed { at: t },
        Event::Refused { reasons: vec![RefusalReason::UnreliableData] },
        Event::InterestConfirmed,
        Event::NotInterested,
        Event::PriorityChanged,
        Event::Changed,
        Event::WindowOpened { on: day("2026-11-23"), round: WindowRound::Priority },
        Event::ReferralIssued { at: t, counts_from: None },
        Event::ReferralCancelled { at: t },
        Event::ReferralExtended { at: t, until: day("2026-12-10") },
        Event::ReferralExpired,
        Event::SeatWithdrawn,
        Event::Admitted { at: t, temporary_until: None },
        Event::AdmissionRefused { reason: AdmissionRefusal::MissingDocuments },
        Event::StopListed { reason: StopReason::UnreliableData },
        Event::Restored,
        Event::Withdrawn { at: t },
        Event::Archived { at: t, reason: ArchiveReason::AgedOut },
    ];
    // (state, event) pairs the diagram allows; "*" is every state that is not final.
    let live = ["awaiting_originals", "queued", "window_open", "referred", "temporary_stay", "stop_listed"];
    let mut allowed: Vec<(&str, &str)> = vec![
        ("awaiting_originals", "originals_confirmed"),
        ("awaiting_originals", "refused"),
        ("awaiting_originals", "interest_confirmed"),
        ("queued", "interest_confirmed"),
        ("queued", "not_interested"),
        ("queued", "window_opened"),
        ("queued", "stop_listed"),
        ("window_open", "interest_confirmed"),
        ("window_open", "not_interested"),
        ("window_open", "referral_issued"),
        ("window_open", "stop_listed"),
        ("referred", "interest_confirmed"),
        ("referred", "referral_cancelled"),
        ("referred", "referral_extended"),
        ("referred", "referral_expired"),
        ("referred", "seat_withdrawn"),
        ("referred", "admitted"),
        ("referred", "admission_refused"),
        ("referred", "stop_listed"),
        ("temporary_stay", "interest_confirmed"),
        ("temporary_stay", "window_opened"),
        ("temporary_stay", "stop_listed"),
        ("stop_listed", "restored"),
    ];
    for state in live {
        for event in ["priority_changed", "changed", "withdrawn", "archived"] {
            allowed.push((state, event));
        }
    }
    for status in &statuses {
        for event in &events {
            let result = status.apply(event, &d);
            let legal = allowed.contains(&(status.code(), event.name()));
            // A paused application is refused a window with its own code.
            if *status == PAUSED && event.name() == "window_opened" {
                assert_eq!(result, Err(StatusError::NotInterested));
                continue;
            }
            assert_eq!(result.is_ok(), legal, "{} + {}: {result:?}", status.code(), event.name());
            if !legal {
                assert_eq!(result.unwrap_err().code(), "status.illegal_transition", "{} + {}", status.code(), event.name());
            }
        }
        assert_eq!(status.is_final(), !live.contains(&status.code()));
    }
    assert_eq!(Status::AwaitingOriginals { submitted_at: t }.apply(&Event::Refused { reasons: vec![] }, &d), Err(StatusError::NoReason));
}

#[test]
fn replay_settles_between_events_as_time_passes() {
    let d = rules();
    let accepted = at("2026-11-16T10:00:00+05:00");
    let confirmed = Event::OriginalsConfirmed { at: at("2026-11-17T11:00:00+05:00") };
    let opened = Event::WindowOpened { on: day("2026-11-23"), round: WindowRound::Priority };
    let interest = Event::InterestConfirmed;
    let reopened = Event::WindowOpened { on: day("2026-11-27"), round: WindowRound::Remaining };
    let events = [
        (at("2026-11-17T11:00:00+05:00"), &confirmed),
        (at("2026-11-23T07:00:00+05:00"), &opened),
        // The window ran out unused on 25 November: paused, then confirmed again.
        (at("2026-11-26T09:00:00+05:00"), &interest),
        (at("2026-11-27T07:00:00+05:00"), &reopened),
    ];
    let s = Status::accepted(accepted, true).replay(events, &d).unwrap();
    assert_eq!(s, Status::WindowOpen { opened_on: day("2026-11-27"), round: WindowRound::Remaining });
    // Without the interest confirmation the second window could not have opened.
    let skipped = [(at("2026-11-17T11:00:00+05:00"), &confirmed), (at("2026-11-23T07:00:00+05:00"), &opened), (at("2026-11-27T07:00:00+05:00"), &reopened)];
    assert_eq!(Status::accepted(accepted, true).replay(skipped, &d), Err(StatusError::NotInterested));
}

#[test]
fn rule_18_the_pmpc_exemption_whatever_the_category() {
    // Turns 6 after 1 September: not yet 6 on 1 September, so stays until the next one.
    assert_eq!(aged_out_on(day("2020-12-10"), false), Some(day("2027-09-01")));
    assert_eq!(aged_out_on(day("2020-03-15"), false), Some(day("2026-09-01")));
    assert_eq!(aged_out_on(day("2020-09-01"), false), Some(day("2026-09-01")));
    assert_eq!(aged_out_on(day("2020-09-02"), false), Some(day("2027-09-01")));
    assert_eq!(aged_out_on(day("2020-02-29"), false), Some(day("2026-09-01")));
    assert_eq!(aged_out_on(day("2020-12-10"), true), None);
}

#[test]
fn status_json_shape() {
    let s: Status = serde_json::from_str(r#"{"state":"referred","issuedAt":"2026-11-23T10:00:00+05:00","extendedUntil":"2026-12-10"}"#).unwrap();
    assert_eq!(s, Status::Referred { issued_at: at("2026-11-23T05:00:00Z"), extended_until: Some(day("2026-12-10")), counts_from: None });
    assert_eq!(serde_json::to_value(&PAUSED).unwrap(), serde_json::json!({ "state": "queued", "interested": false }));
    assert_eq!(
        serde_json::to_value(window("2026-11-23")).unwrap(),
        serde_json::json!({ "state": "window_open", "openedOn": "2026-11-23", "round": "priority" })
    );
    assert!(serde_json::from_str::<Status>(r#"{"state":"referred","issuedAt":"yesterday"}"#).is_err());
}

// --- views ---

#[test]
fn referral_view_counts_working_days_and_hours_and_writes_the_last_minute() {
    let d = rules();
    let v = status_view(&referred("2026-11-23T10:00:00+05:00"), at("2026-11-23T10:30:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!(v.state, "referred");
    assert_eq!(v.title, "Referral issued");
    assert_eq!(v.deadline.as_deref(), Some("2026-12-01T00:00:00+05:00"));
    assert_eq!(v.deadline_text.as_deref(), Some("30.11.2026, 23:59 (Astana time)"));
    assert_eq!(v.deadline_label.as_deref(), Some("Bring the referral and documents to the kindergarten by the end of 30.11.2026"));
    let left = v.time_left.unwrap();
    assert_eq!((left.unit, left.days, left.hours), (TimeUnit::WorkingDays, 5, 13));
    assert_eq!(left.text, "Working days left: 5, hours: 13");
    let actions: Vec<Action> = v.actions.iter().map(|a| a.action).collect();
    assert_eq!(actions, [Action::BringDocuments, Action::CancelReferral, Action::ExtendReferral, Action::Withdraw]);
    assert_eq!(v.actions[1].until.as_deref(), Some("2026-11-24T10:00:00+05:00"));
    assert_eq!(v.actions[1].until_text.as_deref(), Some("24.11.2026, 10:00 (Astana time)"));
    // On Saturday no hours of the day count: three working days remain (26, 27, 30 Nov).
    let v = status_view(&referred("2026-11-25T10:00:00+05:00"), at("2026-11-28T12:00:00+05:00"), Lang::Ru, &d).unwrap();
    let left = v.time_left.unwrap();
    assert_eq!((left.days, left.hours), (3, 0));
    assert_eq!(left.text, "Осталось рабочих дней: 3, часов: 0");
    assert!(v.actions.iter().all(|a| a.action != Action::CancelReferral), "no cancel after a day");
}

#[test]
fn extended_referral_counts_calendar_days() {
    let d = rules();
    let s = Status::Referred { issued_at: at("2026-11-23T10:00:00+05:00"), extended_until: Some(day("2026-12-20")), counts_from: None };
    let v = status_view(&s, at("2026-12-10T12:00:00+05:00"), Lang::Kk, &d).unwrap();
    assert_eq!(v.deadline.as_deref(), Some("2026-12-21T00:00:00+05:00"));
    let left = v.time_left.unwrap();
    assert_eq!((left.unit, left.days, left.hours), (TimeUnit::CalendarDays, 10, 12));
    assert_eq!(v.notes.len(), 1);
    assert!(v.notes[0].contains("20.12.2026"));
    assert_eq!(v.title, "Жолдама берілді");
    assert!(v.actions.iter().all(|a| a.action != Action::ExtendReferral));
}

#[test]
fn an_expired_referral_shows_the_paused_queue_and_when_the_next_chance_comes() {
    let d = rules();
    let v = status_view(&referred("2024-02-27T10:00:00+06:00"), at("2024-03-06T09:00:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!(v.state, "queued");
    assert_eq!(v.status, PAUSED);
    assert_eq!(v.actions.iter().map(|a| a.action).collect::<Vec<_>>(), [Action::ConfirmInterest, Action::Withdraw]);
    assert!(v.notes[0].contains("07.03.2024, 07:00 (Astana time)"), "{}", v.notes[0]);
}

#[test]
fn queued_view_lists_the_daily_events() {
    let d = rules();
    let v = status_view(&QUEUED, at("2026-11-22T08:00:00+05:00"), Lang::En, &d).unwrap();
    let events: Vec<(SystemEvent, &str)> = v.next_events.iter().map(|e| (e.event, e.at.as_str())).collect();
    assert_eq!(events, [(SystemEvent::VacancyBulletin, "2026-11-22T18:00:00+05:00"), (SystemEvent::AccessWindow, "2026-11-23T07:00:00+05:00")]);
    assert!(v.next_events[0].label.ends_with("22.11.2026, 18:00 (Astana time)"));
    assert_eq!(v.actions.iter().map(|a| a.action).collect::<Vec<_>>(), [Action::DeclineSeats, Action::Withdraw]);
    assert!(v.deadline.is_none());
}

#[test]
fn window_view_before_and_after_opening() {
    let d = rules();
    let s = window("2026-11-23");
    let before = status_view(&s, at("2026-11-23T06:00:00+05:00"), Lang::En, &d).unwrap();
    assert!(before.actions.iter().all(|a| a.action != Action::ClaimSeat));
    assert_eq!(before.next_events[0].event, SystemEvent::AccessWindow);
    assert_eq!(before.next_events[0].at, "2026-11-23T07:00:00+05:00");
    let open = status_view(&s, at("2026-11-24T12:00:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!(open.actions[0].action, Action::ClaimSeat);
    assert_eq!(open.deadline.as_deref(), Some("2026-11-26T00:00:00+05:00"));
    assert_eq!(open.deadline_text.as_deref(), Some("25.11.2026, 23:59 (Astana time)"));
    let left = open.time_left.unwrap();
    assert_eq!((left.days, left.hours), (1, 12));
}

#[test]
fn awaiting_originals_view_and_its_end() {
    let d = rules();
    let s = Status::AwaitingOriginals { submitted_at: at("2026-11-20T23:30:00+05:00") };
    let v = status_view(&s, at("2026-11-23T09:00:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!(v.deadline.as_deref(), Some("2026-12-01T00:00:00+05:00"));
    assert_eq!(v.actions[0].action, Action::BringOriginals);
    let late = status_view(&s, at("2026-12-01T00:00:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!((late.state, late.title.as_str()), ("archived", "Archived: the original documents were not brought in time"));
    assert!(late.actions.is_empty());
}

#[test]
fn refused_and_stop_listed_views_give_reasons() {
    let d = rules();
    let now = at("2026-11-23T09:00:00+05:00");
    let v = status_view(&Status::Refused { reasons: vec![RefusalReason::NotEligible, RefusalReason::UnreliableData] }, now, Lang::Ru, &d).unwrap();
    assert_eq!(v.notes.len(), 2);
    assert_eq!(v.title, "Отказано в постановке на очередь");
    let v = status_view(&Status::StopListed { reason: StopReason::UnreliableData }, now, Lang::En, &d).unwrap();
    assert_eq!(v.notes, ["Reason: the documents or data are unreliable"]);
    assert!(v.deadline.is_none());
}

#[test]
fn every_view_text_exists_in_every_language() {
    let d = rules();
    let t = at("2026-11-23T10:00:00+05:00");
    let mut statuses = vec![
        Status::AwaitingOriginals { submitted_at: t },
        QUEUED,
        PAUSED,
        window("2026-11-23"),
        Status::WindowOpen { opened_on: day("2026-11-23"), round: WindowRound::Remaining },
        Status::Referred { issued_at: t, extended_until: Some(day("2026-12-10")), counts_from: None },
        referred("2026-11-23T10:00:00+05:00"),
        Status::TemporaryStay { until: day("2027-01-31") },
        Status::Admitted { at: t },
        Status::Withdrawn { at: t },
        Status::Refused { reasons: RefusalReason::ALL.to_vec() },
    ];
    statuses.extend(StopReason::ALL.iter().map(|&reason| Status::StopListed { reason }));
    statuses.extend(ArchiveReason::ALL.iter().map(|&reason| Status::Archived { reason, at: t }));
    for lang in Lang::ALL {
        for status in &statuses {
            let v = status_view(status, at("2026-11-23T11:00:00+05:00"), lang, &d).unwrap();
            let texts = [v.title.clone()]
                .into_iter()
                .chain(v.deadline_label.clone())
                .chain(v.deadline_text.clone())
                .chain(v.notes.clone())
                .chain(v.actions.iter().map(|a| a.label.clone()))
                .chain(v.next_events.iter().map(|e| e.label.clone()));
            for text in texts {
                assert!(!text.starts_with("status.") && !text.contains('{'), "{text} in {}", lang.code());
            }
        }
    }
    let errors = [
        StatusError::IllegalTransition { from: "queued", event: "admitted" },
        StatusError::OriginalsOverdue,
        StatusError::WindowClosed,
        StatusError::NotInterested,
        StatusError::CancelTooLate,
        StatusError::AlreadyExtended,
        StatusError::ExtensionTooLong,
        StatusError::ExtensionTooShort,
        StatusError::ReferralExpired,
        StatusError::StayEnded,
        StatusError::TimeOrder,
        StatusError::NoReason,
        StatusError::Calendar(crate::calendar::CalendarError::Range("x".into())),
    ];
    for lang in Lang::ALL {
        for error in &errors {
            let message = error.message(lang);
            assert!(!message.starts_with("status.") && !message.is_empty(), "{} in {}", error.code(), lang.code());
        }
    }
}

#[test]
fn reason_codes_match_their_serialised_form() {
    fn check<T: Serialize + Copy>(all: &[T], code: impl Fn(T) -> &'static str) {
        for &v in all {
            assert_eq!(serde_json::to_value(v).unwrap(), code(v));
        }
    }
    check(ExtensionReason::ALL, ExtensionReason::code);
    check(StopReason::ALL, StopReason::code);
    check(RefusalReason::ALL, RefusalReason::code);
    check(ArchiveReason::ALL, ArchiveReason::code);
    check(AdmissionRefusal::ALL, AdmissionRefusal::code);
    check(WindowRound::ALL, WindowRound::code);
}

#[test]
fn rule_3_6_an_early_booking_referral_counts_its_days_from_the_day_the_seat_is_free() {
    let d = rules();
    let open = window("2026-11-23");
    // Taken on Monday 23 November for a seat free from Tuesday 1 December.
    let issued = Event::ReferralIssued { at: at("2026-11-23T09:00:00+05:00"), counts_from: Some(day("2026-12-01")) };
    let s = open.apply(&issued, &d).unwrap();
    assert_eq!(s, Status::Referred { issued_at: at("2026-11-23T09:00:00+05:00"), extended_until: None, counts_from: Some(day("2026-12-01")) });
    // Five working days after 1 December: Tuesday 8 December (not 30 November, as from issue).
    assert_eq!(local(s.referral_deadline(&d).unwrap().unwrap()), "2026-12-09T00:00:00+05:00");
    assert_eq!(s.settle(at("2026-12-08T23:59:59+05:00"), &d), Ok(s.clone()));
    assert_eq!(s.settle(at("2026-12-09T00:00:00+05:00"), &d), Ok(PAUSED));
    // The extension limit counts from the free day too: 31 December, not 23 December.
    let extend = |until| Event::ReferralExtended { at: at("2026-12-02T10:00:00+05:00"), until: day(until) };
    assert!(s.apply(&extend("2026-12-31"), &d).is_ok());
    assert_eq!(s.apply(&extend("2027-01-01"), &d), Err(StatusError::ExtensionTooLong));
    // Cancelling still counts 24 hours from issue (rule 30).
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2026-11-24T09:00:00+05:00") }, &d), Err(StatusError::CancelTooLate));
    // A free day that is not later than the issue day changes nothing (rule 3.5).
    let same_day = Event::ReferralIssued { at: at("2026-11-23T09:00:00+05:00"), counts_from: Some(day("2026-11-23")) };
    assert_eq!(open.apply(&same_day, &d).unwrap(), referred("2026-11-23T09:00:00+05:00"));
    // The tracker's countdown follows the same deadline.
    let v = status_view(&s, at("2026-12-02T10:00:00+05:00"), Lang::En, &d).unwrap();
    assert_eq!(v.deadline.as_deref(), Some("2026-12-09T00:00:00+05:00"));
}
