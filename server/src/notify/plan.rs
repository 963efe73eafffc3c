//! Which messages a change of status sends, and which reminders it schedules or cancels: a pure
//! function of the core's types (the status before, the event or deadline that changed it, the
//! status after) and the core's [`Deadlines`]. The store calls it in the transaction of every
//! change (`store/lifecycle.rs`), so the outbox rows commit with the change or not at all.
//!
//! | change | message | reminder |
//! |---|---|---|
//! | awaiting originals → queued | `originals_confirmed` | |
//! | awaiting originals → refused | `refused` (the reasons) | |
//! | → access to referrals open | `window_opened` (when it closes) | `window_closing` at [`Deadlines::window_reminder`] |
//! | access open → referred | `referral_issued` (when it expires) | `referral_expiring` 24 hours before [`Status::referral_deadline`] |
//! | referred → referred, extended | `referral_extended` (the new expiry) | the old reminder cancelled, a new one 24 hours before the new expiry |
//! | referred → expired (deadline or event) | `referral_expired` | |
//! | referred → cancelled by the applicant, place withdrawn, admission refused | `referral_cancelled` (the reason) | |
//! | referred → withdrawn, stop-listed, archived | `referral_cancelled` (the application ended), then the application's own message | |
//! | referred → admitted, temporary stay | `admitted` (the stay's end) | |
//! | → stop-listed; stop-listed → queued | `stop_listed` (the reason); `restored` | |
//! | → withdrawn; → archived (incl. originals missed at their deadline) | `withdrawn`; `archived` (the reason) | |
//! | priority right changed (status unchanged) | `priority_changed` | |
//! | leaving an open access to referrals (claim, not interested, withdrawn, ran out, …) | | `window_closing` cancelled |
//! | leaving a referral (any end) | | `referral_expiring` cancelled |
//!
//! Nothing is sent when an access to referrals or a temporary stay simply runs out, when the
//! applicant says they are not interested or confirms interest: the applicant either did it
//! or was reminded before. A reminder whose time has already come when it would be scheduled is
//! not scheduled (the message of the event itself says the same).
//!
//! **Keys.** A message of an event is keyed `{event key}:{kind}` (the event key is the log
//! index of the event's entry, which the log writes exactly once: `store/log.rs`); a reminder
//! is keyed by what it reminds of ([`window_reminder_key`], [`referral_reminder_key`]), so the
//! change that makes it moot can cancel it knowing only the status it leaves.

use super::messages::{Ending, Message, ReferralCancellation};
use chrono::{DateTime, TimeDelta, Utc};
use kezek::calendar::CalendarError;
use kezek::queue::seat::WithdrawalReason;
use kezek::queue::ApplicationNumber;
use kezek::status::{deadline, Deadlines, Event, Status};

/// What changed a status.
#[derive(Clone, Copy, Debug)]
pub enum Cause<'a> {
    /// A core event ([`Status::apply`]).
    Event(&'a Event),
    /// A deadline that ran out ([`Status::settle`]).
    Deadline,
    /// The core's [`Event::SeatWithdrawn`], with the reason the kindergarten gave (rule 25.2:
    /// the applicant is told why), which the core event does not carry.
    SeatWithdrawn(WithdrawalReason),
}

/// A message to enqueue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub message: Message,
    /// A reminder's own key and due instant; `None` for a message sent at once, keyed by its
    /// event.
    pub reminder: Option<(String, DateTime<Utc>)>,
}

/// What a change sends and cancels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub send: Vec<Planned>,
    /// Keys of reminders that no longer apply.
    pub cancel: Vec<String>,
}

impl Plan {
    fn now(&mut self, message: Message) {
        self.send.push(Planned { message, reminder: None });
    }

    /// A reminder due at `due`, unless that time has come by `at`.
    fn remind(&mut self, message: Message, key: String, due: DateTime<Utc>, at: DateTime<Utc>) {
        if due > at {
            self.send.push(Planned { message, reminder: Some((key, due)) });
        }
    }
}

/// How long before a referral expires its reminder is due.
pub const REFERRAL_REMINDER: TimeDelta = TimeDelta::hours(24);

/// The key of the reminder that the access to referrals of `status` (open) closes soon.
pub fn window_reminder_key(number: ApplicationNumber, status: &Status) -> Option<String> {
    match status {
        Status::WindowOpen { opened_on, round } => Some(format!("reminder:{number}:window_closing:{opened_on}:{}", round.code())),
        _ => None,
    }
}

/// The key of the reminder that the referral of `status` expires soon (issue instant and
/// expiry, so an extension or a later referral has a key of its own).
pub fn referral_reminder_key(number: ApplicationNumber, status: &Status, d: &Deadlines) -> Result<Option<String>, CalendarError> {
    Ok(match (status, status.referral_deadline(d)?) {
        (Status::Referred { issued_at, .. }, Some(expires)) => {
            Some(format!("reminder:{number}:referral_expiring:{}:{}", issued_at.timestamp_millis(), expires.timestamp_millis()))
        }
        _ => None,
    })
}

/// The message of a submission accepted at `submitted_at` with first status `status`.
pub fn accepted(status: &Status, d: &Deadlines) -> Result<Message, CalendarError> {
    Ok(Message::Accepted {
        originals_due: match status {
            Status::AwaitingOriginals { submitted_at } => Some(d.originals_deadline(*submitted_at)?),
            _ => None,
        },
    })
}

/// What changing application `number` from `before` to `after` by `cause` at `at` sends.
pub fn plan(number: ApplicationNumber, before: &Status, cause: Cause<'_>, after: &Status, at: DateTime<Utc>, d: &Deadlines) -> Result<Plan, CalendarError> {
    use Status as S;
    let mut plan = Plan::default();

    // Reminders of what is left behind.
    if let Some(key) = window_reminder_key(number, before) {
        if window_reminder_key(number, after).as_ref() != Some(&key) {
            plan.cancel.push(key);
        }
    }
    if let Some(key) = referral_reminder_key(number, before, d)? {
        if referral_reminder_key(number, after, d)?.as_ref() != Some(&key) {
            plan.cancel.push(key);
        }
    }

    let seat_withdrawn = Event::SeatWithdrawn;
    let (event, withdrawal) = match cause {
        Cause::Event(event) => (Some(event), None),
        Cause::SeatWithdrawn(reason) => (Some(&seat_withdrawn), Some(reason)),
        Cause::Deadline => (None, None),
    };

    // The referral's end.
    if let (S::Referred { .. }, false) = (before, matches!(after, S::Referred { .. })) {
        let cancelled = |reason| Message::ReferralCancelled { reason };
        match event {
            None | Some(Event::ReferralExpired) => plan.now(Message::ReferralExpired),
            Some(Event::ReferralCancelled { .. }) => plan.now(cancelled(ReferralCancellation::ByApplicant)),
            Some(Event::SeatWithdrawn) => plan.now(cancelled(ReferralCancellation::SeatWithdrawn(withdrawal))),
            Some(Event::AdmissionRefused { reason }) => plan.now(cancelled(ReferralCancellation::AdmissionRefused(*reason))),
            Some(Event::Withdrawn { .. }) => plan.now(cancelled(ReferralCancellation::ApplicationEnded(Ending::Withdrawn))),
            Some(Event::StopListed { .. }) => plan.now(cancelled(ReferralCancellation::ApplicationEnded(Ending::StopListed))),
            Some(Event::Archived { .. }) => plan.now(cancelled(ReferralCancellation::ApplicationEnded(Ending::Archived))),
            // Admitted: the admission's own message below.
            Some(_) => {}
        }
    }

    // The state entered.
    match (before, after) {
        (S::AwaitingOriginals { .. }, S::Queued { .. }) => plan.now(Message::OriginalsConfirmed),
        (S::AwaitingOriginals { .. }, S::Refused { reasons }) => plan.now(Message::Refused { reasons: reasons.clone() }),
        (_, S::WindowOpen { opened_on, .. }) if before != after => {
            let closes_at = d.window_closes(*opened_on)?;
            plan.now(Message::WindowOpened { closes_at });
            if let Some(key) = window_reminder_key(number, after) {
                plan.remind(Message::WindowClosing { closes_at }, key, d.window_reminder(*opened_on)?, at);
            }
        }
        (_, S::Referred { .. }) if before != after => {
            let Some(valid_until) = after.referral_deadline(d)? else { return Ok(plan) };
            plan.now(if matches!(before, S::Referred { .. }) { Message::ReferralExtended { valid_until } } else { Message::ReferralIssued { valid_until } });
            if let Some(key) = referral_reminder_key(number, after, d)? {
                plan.remind(Message::ReferralExpiring { valid_until }, key, valid_until - REFERRAL_REMINDER, at);
            }
        }
        (S::Referred { .. }, S::Admitted { .. }) => plan.now(Message::Admitted { temporary_until: None }),
        (S::Referred { .. }, S::TemporaryStay { until }) => plan.now(Message::Admitted { temporary_until: Some(deadline::end_of_local_day(*until)?) }),
        (_, S::StopListed { reason }) if before != after => plan.now(Message::StopListed { reason: *reason }),
        (S::StopListed { .. }, S::Queued { .. }) => plan.now(Message::Restored),
        (_, S::Withdrawn { .. }) if !before.is_final() => plan.now(Message::Withdrawn),
        (_, S::Archived { reason, .. }) if !before.is_final() => plan.now(Message::Archived { reason: *reason }),
        _ => {}
    }

    // An event that leaves the status as it is.
    if let Some(Event::PriorityChanged) = event {
        plan.now(Message::PriorityChanged);
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use kezek::calendar::Calendar;
    use kezek::status::{AdmissionRefusal, ArchiveReason, RefusalReason, ServicePolicy, StopReason, WindowRound};

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    fn number() -> ApplicationNumber {
        ApplicationNumber::parse("2418211947256").unwrap()
    }

    struct Fixture {
        calendar: Calendar,
        policy: ServicePolicy,
    }

    impl Fixture {
        fn new() -> Fixture {
            Fixture { calendar: Calendar::builtin(), policy: ServicePolicy::RULES }
        }

        fn d(&self) -> Deadlines<'_> {
            Deadlines::new(&self.calendar, &self.policy)
        }

        /// Applies `event` to `before` with the core and plans the change.
        fn change(&self, before: &Status, event: &Event, at: &str) -> (Status, Plan) {
            let after = before.apply(event, &self.d()).unwrap();
            let plan = super::plan(number(), before, Cause::Event(event), &after, utc(at), &self.d()).unwrap();
            (after, plan)
        }
    }

    fn kinds(plan: &Plan) -> Vec<&'static str> {
        plan.send.iter().map(|p| p.message.kind()).collect()
    }

    // Monday 23 November 2026, a working day; 07:00 in Astana is 02:00 UTC.
    const MONDAY_0700: &str = "2026-11-23T02:00:00Z";

    fn window() -> Status {
        Status::WindowOpen { opened_on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), round: WindowRound::Priority }
    }

    #[test]
    fn an_open_access_to_referrals_is_announced_with_its_closing_and_reminded_one_working_day_before() {
        let f = Fixture::new();
        let (after, plan) = f.change(&Status::Queued { interested: true }, &Event::WindowOpened { on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), round: WindowRound::Priority }, MONDAY_0700);
        assert_eq!(after, window());
        assert_eq!(kinds(&plan), ["window_opened", "window_closing"]);
        // Three working days Mon-Wed: closes at the end of Wednesday, reminded at its start.
        let closes = utc("2026-11-25T19:00:00Z");
        assert_eq!(plan.send[0].message, Message::WindowOpened { closes_at: closes });
        let (key, due) = plan.send[1].reminder.clone().unwrap();
        assert_eq!(due, f.d().window_reminder(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()).unwrap());
        assert_eq!(due, utc("2026-11-24T19:00:00Z"), "00:00 Wednesday in Astana");
        assert_eq!(Some(key), window_reminder_key(number(), &after));
        assert!(plan.cancel.is_empty());
    }

    #[test]
    fn a_referral_is_announced_with_its_expiry_and_reminded_24_hours_before_and_the_window_reminder_goes() {
        let f = Fixture::new();
        let issued = "2026-11-23T03:00:00Z";
        let (after, plan) = f.change(&window(), &Event::ReferralIssued { at: utc(issued), counts_from: None }, issued);
        let expires = after.referral_deadline(&f.d()).unwrap().unwrap();
        // 5 working days after Monday: the end of Monday 30 November.
        assert_eq!(expires, utc("2026-11-30T19:00:00Z"));
        assert_eq!(plan.send[0].message, Message::ReferralIssued { valid_until: expires });
        assert_eq!(plan.send[1].message, Message::ReferralExpiring { valid_until: expires });
        assert_eq!(plan.send[1].reminder.as_ref().unwrap().1, utc("2026-11-29T19:00:00Z"));
        assert_eq!(plan.cancel, vec![window_reminder_key(number(), &window()).unwrap()]);
    }

    #[test]
    fn an_extension_moves_the_reminder() {
        let f = Fixture::new();
        let issued = utc("2026-11-23T03:00:00Z");
        let referred = Status::Referred { issued_at: issued, extended_until: None, counts_from: None };
        let until = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let (after, plan) = f.change(&referred, &Event::ReferralExtended { at: utc("2026-11-24T03:00:00Z"), until }, "2026-11-24T03:00:00Z");
        let expires = deadline::end_of_local_day(until).unwrap();
        assert_eq!(kinds(&plan), ["referral_extended", "referral_expiring"]);
        assert_eq!(plan.send[1].reminder.as_ref().unwrap().1, expires - REFERRAL_REMINDER);
        assert_eq!(plan.cancel, vec![referral_reminder_key(number(), &referred, &f.d()).unwrap().unwrap()]);
        assert_ne!(referral_reminder_key(number(), &after, &f.d()).unwrap(), referral_reminder_key(number(), &referred, &f.d()).unwrap());
    }

    #[test]
    fn every_end_of_a_referral_says_why_and_cancels_its_reminder() {
        let f = Fixture::new();
        let issued = utc("2026-11-23T03:00:00Z");
        let referred = Status::Referred { issued_at: issued, extended_until: None, counts_from: None };
        let key = referral_reminder_key(number(), &referred, &f.d()).unwrap().unwrap();
        let soon = "2026-11-23T05:00:00Z";
        let cases: Vec<(Event, Vec<Message>)> = vec![
            (Event::ReferralCancelled { at: utc(soon) }, vec![Message::ReferralCancelled { reason: ReferralCancellation::ByApplicant }]),
            (Event::SeatWithdrawn, vec![Message::ReferralCancelled { reason: ReferralCancellation::SeatWithdrawn(None) }]),
            (
                Event::AdmissionRefused { reason: AdmissionRefusal::ExpiredDocuments },
                vec![Message::ReferralCancelled { reason: ReferralCancellation::AdmissionRefused(AdmissionRefusal::ExpiredDocuments) }],
            ),
            (Event::ReferralExpired, vec![Message::ReferralExpired]),
            (
                Event::Withdrawn { at: utc(soon) },
                vec![Message::ReferralCancelled { reason: ReferralCancellation::ApplicationEnded(Ending::Withdrawn) }, Message::Withdrawn],
            ),
            (
                Event::StopListed { reason: StopReason::UnreliableData },
                vec![
                    Message::ReferralCancelled { reason: ReferralCancellation::ApplicationEnded(Ending::StopListed) },
                    Message::StopListed { reason: StopReason::UnreliableData },
                ],
            ),
            (
                Event::Archived { at: utc(soon), reason: ArchiveReason::AgedOut },
                vec![
                    Message::ReferralCancelled { reason: ReferralCancellation::ApplicationEnded(Ending::Archived) },
                    Message::Archived { reason: ArchiveReason::AgedOut },
                ],
            ),
            (Event::Admitted { at: utc(soon), temporary_until: None }, vec![Message::Admitted { temporary_until: None }]),
            (
                Event::Admitted { at: utc(soon), temporary_until: NaiveDate::from_ymd_opt(2027, 5, 31) },
                vec![Message::Admitted { temporary_until: Some(utc("2027-05-31T19:00:00Z")) }],
            ),
        ];
        for (event, expected) in cases {
            let (_, plan) = f.change(&referred, &event, soon);
            let messages: Vec<Message> = plan.send.iter().map(|p| p.message.clone()).collect();
            assert_eq!(messages, expected, "{}", event.name());
            assert!(plan.send.iter().all(|p| p.reminder.is_none()));
            assert_eq!(plan.cancel, vec![key.clone()], "{}", event.name());
        }
        // The deadline itself (settled, no event).
        let expired = referred.settle(utc("2026-12-01T00:00:00Z"), &f.d()).unwrap();
        let plan = super::plan(number(), &referred, Cause::Deadline, &expired, utc("2026-11-30T19:00:00Z"), &f.d()).unwrap();
        assert_eq!((kinds(&plan), plan.cancel), (vec!["referral_expired"], vec![key]));
    }

    #[test]
    fn leaving_an_open_access_cancels_its_reminder_and_says_nothing_when_the_applicant_did_it() {
        let f = Fixture::new();
        let key = window_reminder_key(number(), &window()).unwrap();
        let (_, plan) = f.change(&window(), &Event::NotInterested, "2026-11-23T04:00:00Z");
        assert_eq!((kinds(&plan), plan.cancel), (vec![], vec![key.clone()]));
        let closed = window().settle(utc("2026-11-26T00:00:00Z"), &f.d()).unwrap();
        let plan = super::plan(number(), &window(), Cause::Deadline, &closed, utc("2026-11-25T19:00:00Z"), &f.d()).unwrap();
        assert_eq!((kinds(&plan), plan.cancel), (vec![], vec![key]));
        // Confirming interest again changes nothing and says nothing.
        let (_, plan) = f.change(&Status::Queued { interested: true }, &Event::InterestConfirmed, MONDAY_0700);
        assert_eq!(plan, Plan::default());
    }

    #[test]
    fn the_provider_and_the_system_changes_each_send_their_message() {
        let f = Fixture::new();
        let submitted = utc("2026-11-20T05:00:00Z");
        let awaiting = Status::AwaitingOriginals { submitted_at: submitted };
        let (_, plan) = f.change(&awaiting, &Event::OriginalsConfirmed { at: utc("2026-11-20T06:00:00Z") }, "2026-11-20T06:00:00Z");
        assert_eq!(kinds(&plan), ["originals_confirmed"]);
        let refusal = Event::Refused { reasons: vec![RefusalReason::NotEligible] };
        let (_, plan) = f.change(&awaiting, &refusal, "2026-11-20T06:00:00Z");
        assert_eq!(plan.send[0].message, Message::Refused { reasons: vec![RefusalReason::NotEligible] });
        let queued = Status::Queued { interested: true };
        let (stopped, plan) = f.change(&queued, &Event::StopListed { reason: StopReason::Other }, MONDAY_0700);
        assert_eq!(kinds(&plan), ["stop_listed"]);
        let (_, plan) = f.change(&stopped, &Event::Restored, MONDAY_0700);
        assert_eq!(kinds(&plan), ["restored"]);
        let (_, plan) = f.change(&queued, &Event::PriorityChanged, MONDAY_0700);
        assert_eq!(kinds(&plan), ["priority_changed"]);
        let (_, plan) = f.change(&queued, &Event::Withdrawn { at: utc(MONDAY_0700) }, MONDAY_0700);
        assert_eq!(kinds(&plan), ["withdrawn"]);
        // Originals missed: archived at their deadline.
        let due = f.d().originals_deadline(submitted).unwrap();
        let archived = awaiting.settle(due, &f.d()).unwrap();
        let plan = super::plan(number(), &awaiting, Cause::Deadline, &archived, due, &f.d()).unwrap();
        assert_eq!(plan.send[0].message, Message::Archived { reason: ArchiveReason::OriginalsMissed });
        // Accepted: with the originals deadline only when they are to be brought.
        assert_eq!(accepted(&awaiting, &f.d()).unwrap(), Message::Accepted { originals_due: Some(due) });
        assert_eq!(accepted(&queued, &f.d()).unwrap(), Message::Accepted { originals_due: None });
    }

    #[test]
    fn a_reminder_whose_time_has_come_is_not_scheduled() {
        let f = Fixture::new();
        let opened = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let reminder = f.d().window_reminder(opened).unwrap();
        let after = window();
        let late = super::plan(number(), &Status::Queued { interested: true }, Cause::Event(&Event::WindowOpened { on: opened, round: WindowRound::Priority }), &after, reminder, &f.d()).unwrap();
        assert_eq!(kinds(&late), ["window_opened"]);
    }
}
