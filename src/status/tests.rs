use super::deadline::*;
use super::*;
use crate::i18n::Lang;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    crate::calendar::parse_date(text).unwrap()
}

fn cal() -> Calendar {
    Calendar::builtin()
}

fn local(instant: DateTime<Utc>) -> String {
    crate::calendar::zone::to_local(instant).to_rfc3339()
}

fn referred(issued: &str) -> Status {
    Status::Referred { issued_at: at(issued), extension: None }
}

// --- deadlines ---

#[test]
fn originals_due_five_working_days_after_the_local_submission_date() {
    let c = cal();
    // Friday evening: Monday to Friday of the next week.
    assert_eq!(originals_last_day(at("2026-11-20T23:30:00+05:00"), &c), Ok(day("2026-11-27")));
    // 19:30 UTC on Friday is already Saturday 00:30 in Kazakhstan: the same five days.
    assert_eq!(originals_last_day(at("2026-11-20T19:30:00Z"), &c), Ok(day("2026-11-27")));
    // Independence Day, Wednesday 16 December 2026, is skipped.
    assert_eq!(originals_last_day(at("2026-12-14T10:00:00+05:00"), &c), Ok(day("2026-12-22")));
    let submitted = Status::Submitted { submitted_at: at("2026-11-20T23:30:00+05:00") };
    assert_eq!(submitted.apply(&Event::OriginalsConfirmed { at: at("2026-11-27T23:59:59+05:00") }, &c), Ok(Status::Queued));
    assert_eq!(submitted.apply(&Event::OriginalsConfirmed { at: at("2026-11-28T00:00:00+05:00") }, &c), Err(StatusError::OriginalsOverdue));
    assert_eq!(submitted.apply(&Event::OriginalsConfirmed { at: at("2026-11-20T10:00:00+05:00") }, &c), Err(StatusError::TimeOrder));
}

#[test]
fn referral_valid_five_working_days_from_issue() {
    let c = cal();
    // Monday issue: valid to the end of the next Monday.
    assert_eq!(local(referral_deadline(at("2026-11-23T10:00:00+05:00"), &c).unwrap()), "2026-12-01T00:00:00+05:00");
    // Across Nauryz 2025 (21 March, and 24-25 March in place of the weekend days).
    assert_eq!(referral_last_day(at("2025-03-20T10:00:00+05:00"), &c), Ok(day("2025-04-01")));
    // Across the 2024 zone change: issued at UTC+6, expires at UTC+5.
    let deadline = referral_deadline(at("2024-02-27T10:00:00+06:00"), &c).unwrap();
    assert_eq!(local(deadline), "2024-03-06T00:00:00+05:00");
    assert_eq!(deadline, at("2024-03-05T19:00:00Z"));
}

#[test]
fn window_gives_three_full_working_days() {
    let c = cal();
    assert_eq!(local(window_opens(day("2026-11-23")).unwrap()), "2026-11-23T07:00:00+05:00");
    assert_eq!(window_last_day(day("2026-11-23"), &c), Ok(day("2026-11-25")));
    // Friday: Friday, Monday, Tuesday.
    assert_eq!(window_last_day(day("2026-11-20"), &c), Ok(day("2026-11-24")));
    // Saturday: counted from Monday.
    assert_eq!(window_last_day(day("2026-11-21"), &c), Ok(day("2026-11-25")));
    // Across the zone change: opens at 07:00+06, closes at 24:00+05.
    assert_eq!(local(window_opens(day("2024-02-29")).unwrap()), "2024-02-29T07:00:00+06:00");
    assert_eq!(window_last_day(day("2024-02-29"), &c), Ok(day("2024-03-04")));
    assert_eq!(end_of_local_day(day("2024-03-04")).unwrap(), at("2024-03-04T19:00:00Z"));
    // The day of the switch ends at 00:00+05 on 1 March, 25 hours after it began.
    assert_eq!(end_of_local_day(day("2024-02-29")).unwrap(), at("2024-02-29T19:00:00Z"));
}

#[test]
fn next_daily_events() {
    let now = at("2026-11-22T08:00:00+05:00");
    assert_eq!(local(next_local_hour(now, WINDOW_HOUR).unwrap()), "2026-11-23T07:00:00+05:00");
    assert_eq!(local(next_local_hour(now, BULLETIN_HOUR).unwrap()), "2026-11-22T18:00:00+05:00");
    // Exactly at 18:00 the next one is tomorrow's.
    assert_eq!(local(next_local_hour(at("2026-11-22T18:00:00+05:00"), BULLETIN_HOUR).unwrap()), "2026-11-23T18:00:00+05:00");
    // Across the switch: 01:00 on 1 March 2024 (UTC+5).
    assert_eq!(local(next_local_hour(at("2024-02-29T20:00:00Z"), WINDOW_HOUR).unwrap()), "2024-03-01T07:00:00+05:00");
}

// --- transitions ---

#[test]
fn happy_path() {
    let c = cal();
    let s = Status::Submitted { submitted_at: at("2026-11-16T10:00:00+05:00") };
    let s = s.apply(&Event::OriginalsConfirmed { at: at("2026-11-17T11:00:00+05:00") }, &c).unwrap();
    let s = s.apply(&Event::WindowOpened { on: day("2026-11-23") }, &c).unwrap();
    assert_eq!(s, Status::WindowOpen { opened_on: day("2026-11-23") });
    assert_eq!(s.apply(&Event::ReferralIssued { at: at("2026-11-23T06:59:59+05:00") }, &c), Err(StatusError::WindowClosed));
    assert_eq!(s.apply(&Event::ReferralIssued { at: at("2026-11-26T00:00:00+05:00") }, &c), Err(StatusError::WindowClosed));
    let s = s.apply(&Event::ReferralIssued { at: at("2026-11-25T23:59:00+05:00") }, &c).unwrap();
    assert_eq!(s, referred("2026-11-25T23:59:00+05:00"));
    let admitted = s.apply(&Event::Admitted { at: at("2026-12-02T23:00:00+05:00") }, &c).unwrap();
    assert!(admitted.is_final());
    // Valid through Wednesday 2 December: 26, 27, 30 November, 1 and 2 December.
    assert_eq!(s.apply(&Event::Admitted { at: at("2026-12-03T00:00:00+05:00") }, &c), Err(StatusError::ReferralExpired));
}

#[test]
fn cancel_within_one_day_of_issue() {
    let c = cal();
    let s = referred("2026-11-23T10:00:00+05:00");
    assert_eq!(
        s.apply(&Event::ReferralCancelled { at: at("2026-11-24T09:59:59+05:00") }, &c),
        Ok(Status::ReferralCancelled { at: at("2026-11-24T09:59:59+05:00") })
    );
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2026-11-24T10:00:00+05:00") }, &c).map_err(|e| e.code()), Err("status.cancel_too_late"));
    // 24 hours across the zone change are 24 real hours: 2024-02-29 10:00+06 → 2024-03-01 09:00+05.
    let s = referred("2024-02-29T10:00:00+06:00");
    assert!(s.apply(&Event::ReferralCancelled { at: at("2024-03-01T08:59:59+05:00") }, &c).is_ok());
    assert_eq!(s.apply(&Event::ReferralCancelled { at: at("2024-03-01T09:00:00+05:00") }, &c), Err(StatusError::CancelTooLate));
}

#[test]
fn extend_once_up_to_thirty_calendar_days() {
    let c = cal();
    let s = referred("2026-11-23T10:00:00+05:00");
    let extend = |s: &Status, when: &str, until: &str| s.apply(&Event::ReferralExtended { at: at(when), reason: ExtensionReason::Illness, until: day(until) }, &c);
    assert_eq!(extend(&s, "2026-11-24T10:00:00+05:00", "2026-12-24"), Err(StatusError::ExtensionTooLong));
    assert_eq!(extend(&s, "2026-11-24T10:00:00+05:00", "2026-11-30"), Err(StatusError::ExtensionTooShort));
    assert_eq!(extend(&s, "2026-12-01T00:00:00+05:00", "2026-12-10"), Err(StatusError::ReferralExpired));
    let extended = extend(&s, "2026-11-30T23:00:00+05:00", "2026-12-23").unwrap();
    assert_eq!(local(extended.referral_deadline(&c).unwrap().unwrap()), "2026-12-24T00:00:00+05:00");
    assert_eq!(extend(&extended, "2026-12-01T10:00:00+05:00", "2026-12-20").map_err(|e| e.code()), Err("status.already_extended"));
    assert!(extended.apply(&Event::Admitted { at: at("2026-12-23T18:00:00+05:00") }, &c).is_ok());
    assert_eq!(extended.apply(&Event::Admitted { at: at("2026-12-24T00:00:00+05:00") }, &c), Err(StatusError::ReferralExpired));
    assert_eq!(extended.settle(at("2026-12-24T00:00:00+05:00"), &c), Ok(Status::ReferralExpired { issued_at: at("2026-11-23T10:00:00+05:00") }));
}

#[test]
fn settle_applies_the_deadlines_that_ran_out() {
    let c = cal();
    let window = Status::WindowOpen { opened_on: day("2026-11-20") };
    assert_eq!(window.settle(at("2026-11-24T23:59:59+05:00"), &c), Ok(window.clone()));
    assert_eq!(window.settle(at("2026-11-25T00:00:00+05:00"), &c), Ok(Status::Queued));
    let s = referred("2024-02-27T10:00:00+06:00");
    assert_eq!(s.settle(at("2024-03-05T18:59:59Z"), &c), Ok(s.clone()));
    assert_eq!(s.settle(at("2024-03-05T19:00:00Z"), &c), Ok(Status::ReferralExpired { issued_at: at("2024-02-27T10:00:00+06:00") }));
    let stop = Status::StopListed { reason: StopReason::ReferralNotUsed, until: Some(at("2026-12-01T00:00:00+05:00")) };
    assert_eq!(stop.settle(at("2026-12-01T00:00:00+05:00"), &c), Ok(Status::Queued));
    let forever = Status::StopListed { reason: StopReason::Other, until: None };
    assert_eq!(forever.settle(at("2030-01-01T00:00:00Z"), &c), Ok(forever.clone()));
    // Submitted past the originals deadline stays submitted: refusing is the provider's act.
    let submitted = Status::Submitted { submitted_at: at("2026-11-16T10:00:00+05:00") };
    assert_eq!(submitted.settle(at("2027-01-01T00:00:00+05:00"), &c), Ok(submitted.clone()));
}

#[test]
fn every_illegal_transition_is_an_error() {
    let c = cal();
    let t = at("2026-11-23T10:00:00+05:00");
    let statuses = [
        Status::Submitted { submitted_at: t },
        Status::Queued,
        Status::WindowOpen { opened_on: day("2026-11-23") },
        Status::Referred { issued_at: t, extension: None },
        Status::Admitted { at: t },
        Status::StopListed { reason: StopReason::Other, until: None },
        Status::Withdrawn { at: t },
        Status::AgedOut { on: day("2026-09-01") },
        Status::Refused { reasons: vec![RefusalReason::NotEligible] },
        Status::ReferralExpired { issued_at: t },
        Status::ReferralCancelled { at: t },
    ];
    let events = [
        Event::OriginalsConfirmed { at: t },
        Event::Refused { reasons: vec![RefusalReason::UnreliableData] },
        Event::WindowOpened { on: day("2026-11-23") },
        Event::ReferralIssued { at: t },
        Event::ReferralCancelled { at: t },
        Event::ReferralExtended { at: t, reason: ExtensionReason::Vacation, until: day("2026-12-10") },
        Event::Admitted { at: t },
        Event::StopListed { reason: StopReason::UnreliableData, until: None },
        Event::StopListLifted,
        Event::Withdrawn { at: t },
        Event::AgedOut { on: day("2027-09-01") },
    ];
    let allowed: &[(&str, &str)] = &[
        ("submitted", "originals_confirmed"),
        ("submitted", "refused"),
        ("submitted", "withdrawn"),
        ("submitted", "aged_out"),
        ("queued", "window_opened"),
        ("queued", "stop_listed"),
        ("queued", "withdrawn"),
        ("queued", "aged_out"),
        ("window_open", "referral_issued"),
        ("window_open", "stop_listed"),
        ("window_open", "withdrawn"),
        ("window_open", "aged_out"),
        ("referred", "referral_cancelled"),
        ("referred", "referral_extended"),
        ("referred", "admitted"),
        ("stop_listed", "stop_list_lifted"),
        ("stop_listed", "withdrawn"),
        ("stop_listed", "aged_out"),
    ];
    for status in &statuses {
        for event in &events {
            let result = status.apply(event, &c);
            let legal = allowed.contains(&(status.code(), event.name()));
            assert_eq!(result.is_ok(), legal, "{} + {}: {result:?}", status.code(), event.name());
            if !legal {
                assert_eq!(result.unwrap_err().code(), "status.illegal_transition");
            }
        }
        assert_eq!(status.is_final(), !allowed.iter().any(|(from, _)| *from == status.code()));
    }
    assert_eq!(Status::Submitted { submitted_at: t }.apply(&Event::Refused { reasons: vec![] }, &c), Err(StatusError::NoReason));
}

#[test]
fn age_limit_with_the_rule_18_exceptions() {
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
    let s: Status = serde_json::from_str(r#"{"state":"referred","issuedAt":"2026-11-23T10:00:00+05:00","extension":{"reason":"business_trip","until":"2026-12-10"}}"#).unwrap();
    assert_eq!(s, Status::Referred { issued_at: at("2026-11-23T05:00:00Z"), extension: Some(Extension { reason: ExtensionReason::BusinessTrip, until: day("2026-12-10") }) });
    let q: Status = serde_json::from_str(r#"{"state":"queued"}"#).unwrap();
    assert_eq!(q, Status::Queued);
    assert!(serde_json::from_str::<Status>(r#"{"state":"referred","issuedAt":"yesterday"}"#).is_err());
}

// --- views ---

#[test]
fn referral_view_counts_working_days_and_hours() {
    let c = cal();
    let v = status_view(&referred("2026-11-23T10:00:00+05:00"), at("2026-11-23T10:30:00+05:00"), Lang::En, &c).unwrap();
    assert_eq!(v.state, "referred");
    assert_eq!(v.title, "Referral issued");
    assert_eq!(v.deadline.as_deref(), Some("2026-12-01T00:00:00+05:00"));
    assert_eq!(v.deadline_label.as_deref(), Some("Bring the referral and documents to the kindergarten by the end of 30.11.2026"));
    let left = v.time_left.unwrap();
    assert_eq!((left.unit, left.days, left.hours), (TimeUnit::WorkingDays, 5, 13));
    assert_eq!(left.text, "Working days left: 5, hours: 13");
    let actions: Vec<Action> = v.actions.iter().map(|a| a.action).collect();
    assert_eq!(actions, [Action::BringDocuments, Action::CancelReferral, Action::ExtendReferral]);
    assert_eq!(v.actions[1].until.as_deref(), Some("2026-11-24T10:00:00+05:00"));
    assert!(!v.overdue);
    // On Saturday no hours of the day count: three working days remain (26, 27, 30 Nov).
    let v = status_view(&referred("2026-11-25T10:00:00+05:00"), at("2026-11-28T12:00:00+05:00"), Lang::Ru, &c).unwrap();
    let left = v.time_left.unwrap();
    assert_eq!((left.days, left.hours), (3, 0));
    assert_eq!(left.text, "Осталось рабочих дней: 3, часов: 0");
    assert_eq!(v.actions.len(), 2, "no cancel after 24 hours");
}

#[test]
fn extended_referral_counts_calendar_days() {
    let c = cal();
    let s = Status::Referred { issued_at: at("2026-11-23T10:00:00+05:00"), extension: Some(Extension { reason: ExtensionReason::Vacation, until: day("2026-12-20") }) };
    let v = status_view(&s, at("2026-12-10T12:00:00+05:00"), Lang::Kk, &c).unwrap();
    assert_eq!(v.deadline.as_deref(), Some("2026-12-21T00:00:00+05:00"));
    let left = v.time_left.unwrap();
    assert_eq!((left.unit, left.days, left.hours), (TimeUnit::CalendarDays, 10, 12));
    assert_eq!(v.notes, ["Мерзімі ұзартылды: еңбек демалысы"]);
    assert_eq!(v.title, "Жолдама берілді");
    assert!(v.actions.iter().all(|a| a.action != Action::ExtendReferral));
}

#[test]
fn expired_referral_view_settles() {
    let c = cal();
    let v = status_view(&referred("2024-02-27T10:00:00+06:00"), at("2024-03-06T09:00:00+05:00"), Lang::En, &c).unwrap();
    assert_eq!(v.state, "referral_expired");
    assert!(v.actions.is_empty() && v.deadline.is_none());
}

#[test]
fn queued_view_lists_the_daily_events() {
    let c = cal();
    let v = status_view(&Status::Queued, at("2026-11-22T08:00:00+05:00"), Lang::En, &c).unwrap();
    let events: Vec<(SystemEvent, &str)> = v.next_events.iter().map(|e| (e.event, e.at.as_str())).collect();
    assert_eq!(events, [(SystemEvent::VacancyBulletin, "2026-11-22T18:00:00+05:00"), (SystemEvent::AccessWindow, "2026-11-23T07:00:00+05:00")]);
    assert_eq!(v.actions.iter().map(|a| a.action).collect::<Vec<_>>(), [Action::ConfirmInterest, Action::Withdraw]);
    assert!(v.deadline.is_none());
    let v = status_view(&Status::Queued, at("2024-02-29T20:00:00Z"), Lang::En, &c).unwrap();
    assert_eq!(v.next_events[0].at, "2024-03-01T07:00:00+05:00");
}

#[test]
fn window_view_before_and_after_opening() {
    let c = cal();
    let s = Status::WindowOpen { opened_on: day("2026-11-23") };
    let before = status_view(&s, at("2026-11-23T06:00:00+05:00"), Lang::En, &c).unwrap();
    assert!(before.actions.iter().all(|a| a.action != Action::ClaimSeat));
    assert_eq!(before.next_events[0].event, SystemEvent::AccessWindow);
    assert_eq!(before.next_events[0].at, "2026-11-23T07:00:00+05:00");
    let open = status_view(&s, at("2026-11-24T12:00:00+05:00"), Lang::En, &c).unwrap();
    assert_eq!(open.actions[0].action, Action::ClaimSeat);
    assert_eq!(open.deadline.as_deref(), Some("2026-11-26T00:00:00+05:00"));
    let left = open.time_left.unwrap();
    assert_eq!((left.days, left.hours), (1, 12));
}

#[test]
fn submitted_view_overdue() {
    let c = cal();
    let s = Status::Submitted { submitted_at: at("2026-11-20T23:30:00+05:00") };
    let v = status_view(&s, at("2026-11-23T09:00:00+05:00"), Lang::En, &c).unwrap();
    assert_eq!(v.deadline.as_deref(), Some("2026-11-28T00:00:00+05:00"));
    assert_eq!(v.actions[0].action, Action::BringOriginals);
    let late = status_view(&s, at("2026-11-28T00:00:00+05:00"), Lang::En, &c).unwrap();
    assert!(late.overdue && late.time_left.is_none());
    assert_eq!(late.actions.iter().map(|a| a.action).collect::<Vec<_>>(), [Action::Withdraw]);
}

#[test]
fn refused_and_stop_listed_views_give_reasons() {
    let c = cal();
    let now = at("2026-11-23T09:00:00+05:00");
    let v = status_view(&Status::Refused { reasons: vec![RefusalReason::NotEligible, RefusalReason::OriginalsNotBrought] }, now, Lang::Ru, &c).unwrap();
    assert_eq!(v.notes.len(), 2);
    assert_eq!(v.title, "Отказано в постановке на очередь");
    let v = status_view(&Status::StopListed { reason: StopReason::UnreliableData, until: Some(at("2026-11-30T00:00:00+05:00")) }, now, Lang::En, &c).unwrap();
    assert_eq!(v.notes, ["Reason: the documents or data are unreliable"]);
    assert_eq!(v.deadline_label.as_deref(), Some("The application is restored to the queue on 30.11.2026"));
    assert_eq!(v.time_left.map(|t| (t.days, t.hours)), Some((6, 15)));
}

#[test]
fn every_view_text_exists_in_every_language() {
    let c = cal();
    let t = at("2026-11-23T10:00:00+05:00");
    let statuses = [
        Status::Submitted { submitted_at: t },
        Status::Queued,
        Status::WindowOpen { opened_on: day("2026-11-23") },
        Status::Referred { issued_at: t, extension: Some(Extension { reason: ExtensionReason::Hospitalisation, until: day("2026-12-10") }) },
        Status::Referred { issued_at: t, extension: None },
        Status::Admitted { at: t },
        Status::StopListed { reason: StopReason::ReferralNotUsed, until: None },
        Status::Withdrawn { at: t },
        Status::AgedOut { on: day("2026-09-01") },
        Status::Refused { reasons: vec![RefusalReason::UnreliableData] },
        Status::ReferralExpired { issued_at: t },
        Status::ReferralCancelled { at: t },
    ];
    for lang in Lang::ALL {
        for status in &statuses {
            let v = status_view(status, at("2026-11-23T11:00:00+05:00"), lang, &c).unwrap();
            let texts = [v.title.clone()].into_iter().chain(v.deadline_label.clone()).chain(v.notes.clone()).chain(v.actions.iter().map(|a| a.label.clone())).chain(v.next_events.iter().map(|e| e.label.clone()));
            for text in texts {
                assert!(!text.starts_with("status.") && !text.contains('{'), "{text} in {}", lang.code());
            }
        }
    }
}

#[test]
fn reason_codes_match_their_serialised_form() {
    for reason in [ExtensionReason::Illness, ExtensionReason::Hospitalisation, ExtensionReason::BusinessTrip, ExtensionReason::Vacation] {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.code());
    }
    for reason in [StopReason::UnreliableData, StopReason::ReferralNotUsed, StopReason::Other] {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.code());
    }
    for reason in [RefusalReason::UnreliableData, RefusalReason::NotEligible, RefusalReason::OriginalsNotBrought] {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.code());
    }
}
