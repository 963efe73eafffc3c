//! The live document checklist: which documents a person needs, where each comes from, and
//! whether the dated ones are still valid.
//!
//! Recomputed on every change of the form. Two services:
//!
//! * `00403001` queue registration (Appendix 2);
//! * `00403002` kindergarten admission (Appendix 4, rule 34).
//!
//! # What changes the list
//!
//! Queue registration (`00403001`):
//!
//! | item | when | source |
//! |------|------|--------|
//! | `application` (App. 2.1) | channel `state_corporation` or `provider_office` | `original_to_provider` (on the portal the e-form itself is the application) |
//! | `applicant_identity` (App. 2.3) | always | offices: `original_to_provider` (shown for identification); portal: `state_system`, or `upload` for a non-resident |
//! | `child_birth_certificate` (App. 2.2) | always | resident: `state_system` (the Law on public services forbids asking for what information systems hold); non-resident: `upload` on the portal, `original_to_provider` at an office |
//! | `serviceman_workplace_certificate`, `special_state_body_workplace_certificate` (App. 2.4) | category `serviceman`, `special_state_body` | `upload` on the portal, `original_to_provider` at an office; valid one month |
//! | `teacher_workplace_certificate` (App. 2.5) | category `teacher` | likewise; valid one month |
//! | `teacher_diploma` (App. 2.5) | category `teacher`, at an office (the portal list of Appendix 2 has no diploma) | `original_to_provider` |
//! | `priority_right_confirmation` (App. 2.8) | categories `disabled_parent`, `no_parental_care`, `orphan`, `large_family`, `disabled_child_in_family` | resident: `state_system`; non-resident: `upload` / `original_to_provider` |
//! | `pmpc_conclusion` (App. 2.6) | special needs, category `special_needs`, or the special queue | `upload` / `original_to_provider` |
//! | `phthisiatrician_conclusion` (App. 2.7) | the sanatorium queue | `upload` / `original_to_provider` |
//!
//! Admission (`00403002`) happens in person at the kindergarten, so the channel does not change
//! the list and every document the person brings is `original_to_provider`:
//!
//! * residents: `referral` (App. 4.1, `state_system`, valid 5 working days), `applicant_identity`
//!   (4.2), `child_birth_certificate` (4.3, `state_system`), `child_health_passport` (4.4),
//!   `child_health_certificate` (4.5), and `pmpc_conclusion` (4.6) for special needs or the
//!   special queue;
//! * non-residents, the list of seed 003 instead: `application`, `applicant_identity`,
//!   `child_birth_certificate`, `vaccination_card`, `child_health_passport`,
//!   `child_health_certificate`, and `pmpc_conclusion` for special needs;
//! * during an emergency or restrictions (`emergency: true`) items 4-6 may be brought later:
//!   they stay on the list with `required: false`.
//!
//! # Validity and counting conventions
//!
//! Each item a person supplies (`upload`, `original_to_provider`) or that has a validity rule
//! gets a `status`; `state_system` items without one have none. A document of the item's kind
//! in `documents` is "supplied"; one that needs an issue date to be judged and has none counts
//! as `missing` (the page should ask for the date).
//!
//! * **Workplace certificates** (serviceman, special state body, teacher; App. 2.4-2.5): valid
//!   one month from issue, through the same day number of the next month, or through that
//!   month's last day when it is shorter (issued 31 January → valid through 28/29 February;
//!   issued 1 November → through 1 December). Judged on `submittedOn` (default `today`).
//! * **Child health certificate** (App. 4.5, rule 34): issued not earlier than three calendar
//!   days before the contract, so valid through issue + 3 days (issued 1 March is fine for a
//!   contract on 4 March, not on 5 March). Judged on `contractOn` when given, else on `today`.
//! * **Referral** (App. 4.1): valid 5 working days from issue, the issue day not counted
//!   (`Calendar::add_working_days(issued, 5)` is the last valid day). Judged on `contractOn`
//!   when given, else on `today`.
//!
//! Status on the judgement day `d` against the last valid day `v`: `expired` when `d > v`;
//! `expires_soon` when `v` is at most [`SOON_DAYS`] calendar days after `d` (`v - d` in 0..=5, so
//! the last valid day itself is "soon"), with `validThrough = v`; else `ok`. A health
//! certificate judged on a given contract date is only `ok` or `expired`: nothing happens after
//! the contract. An issue date after the judgement day makes the document `missing`.
//!
//! **Originals deadline** (rule 22): after an application on the portal that has anything to
//! upload, the originals go to the provider within 5 working days. `originalsDueOn` comes from
//! [`Deadlines::originals_last_day_from`] with the processing day: `submittedOn` (default
//! `today`), or the next working day when that is a weekend or holiday (Appendix 2). The time
//! of day is not known here: a caller with a submission after the provider's hours passes the
//! next day as `submittedOn`.
//!
//! **Refusal** (rules 5-6, Appendix 3): [`missing`] lists the required documents a submission
//! lacks or whose validity ended, for the refusal receipt; [`needs_originals`] says whether
//! originals go to the provider before the application is registered in the queue (rule 22).

#[cfg(test)]
mod tests;

use crate::application::{Category, Channel, DocumentDraft, QueueType};
use crate::calendar::{format_date, parse_date, Calendar};
use crate::status::Deadlines;
use crate::document::DocumentKind;
use crate::i18n::{self, Lang};
use chrono::{Months, NaiveDate};
use serde::Serialize;
use crate::json::Value;
use tsify::Tsify;

/// How many days before the end of its validity a document counts as "expires soon".
pub const SOON_DAYS: i64 = 5;

/// The two public services the checklist knows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Tsify)]
pub enum Service {
    /// `00403001`: registration in the queue.
    #[default]
    #[serde(rename = "00403001")]
    QueueRegistration,
    /// `00403002`: admission to the kindergarten.
    #[serde(rename = "00403002")]
    Admission,
}

impl Service {
    pub fn parse(code: &str) -> Option<Service> {
        match code.trim() {
            "00403001" => Some(Service::QueueRegistration),
            "00403002" => Some(Service::Admission),
            _ => None,
        }
    }
}

/// What the checklist depends on, as the page sends it. Every field is optional; an absent or
/// unknown value takes its default (`00403001`, `portal`, `none`, `general`, resident, no
/// emergency), and a date that is not `YYYY-MM-DD` is ignored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistInput {
    /// `00403001` or `00403002`.
    #[tsify(optional, type = "Service | null")]
    pub service: Option<String>,
    #[tsify(optional, type = "Channel | null")]
    pub channel: Option<String>,
    #[tsify(optional, type = "Category | null")]
    pub category: Option<String>,
    /// The child has special educational needs (whatever the category).
    #[tsify(optional, type = "boolean | null")]
    pub special_needs: Option<bool>,
    /// `general`, `special` or `sanatorium`.
    #[tsify(optional, type = "QueueType | null")]
    pub queue_kind: Option<String>,
    /// Lives in Kazakhstan with data in the state information systems (default `true`).
    #[tsify(optional, type = "boolean | null")]
    pub resident: Option<bool>,
    /// An emergency or restrictions are in force (Appendix 4: items 4-6 may come later).
    #[tsify(optional, type = "boolean | null")]
    pub emergency: Option<bool>,
    #[tsify(optional)]
    pub documents: Vec<DocumentDraft<'static>>,
    /// `YYYY-MM-DD`: when the application was (or will be) submitted; default `today`.
    #[tsify(optional, type = "string | null")]
    pub submitted_on: Option<String>,
    /// `YYYY-MM-DD`: the admission contract date (00403002); default `today`.
    #[tsify(optional, type = "string | null")]
    pub contract_on: Option<String>,
}

impl ChecklistInput {
    /// Reads the input tolerantly from its JSON text (see [`crate::application::draft`]);
    /// `None` when the text is not JSON or the top level is not an object.
    pub fn from_json(text: &str) -> Option<ChecklistInput> {
        ChecklistInput::read(&Value::parse(text).ok()?)
    }

    fn read(value: &Value<'_>) -> Option<ChecklistInput> {
        let map = value.as_object()?;
        let text = |key: &str| map.get(key).and_then(Value::as_str).map(crate::application::draft::cap);
        let flag = |key: &str| map.get(key).and_then(Value::as_bool);
        let documents = map
            .get("documents")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .take(crate::application::draft::MAX_DOCUMENTS)
                    .filter_map(Value::as_object)
                    .map(|d| DocumentDraft {
                        kind: d.get("kind").and_then(Value::as_str).map(|t| crate::application::draft::cap(t).into()),
                        issued_on: d.get("issuedOn").and_then(Value::as_str).map(|t| crate::application::draft::cap(t).into()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(ChecklistInput {
            service: text("service"),
            channel: text("channel"),
            category: text("category"),
            special_needs: flag("specialNeeds"),
            queue_kind: text("queueKind"),
            resident: flag("resident"),
            emergency: flag("emergency"),
            documents,
            submitted_on: text("submittedOn"),
            contract_on: text("contractOn"),
        })
    }

    /// The typed request, with defaults for what is absent or unknown.
    pub fn to_request(&self) -> ChecklistRequest {
        let date = |t: Option<&str>| t.and_then(|t| parse_date(t.trim()).ok());
        ChecklistRequest {
            service: self.service.as_deref().and_then(Service::parse).unwrap_or_default(),
            channel: self.channel.as_deref().and_then(Channel::parse).unwrap_or(Channel::Portal),
            category: self.category.as_deref().and_then(Category::parse).unwrap_or(Category::None),
            special_needs: self.special_needs.unwrap_or(false),
            queue: self.queue_kind.as_deref().and_then(QueueType::parse).unwrap_or_default(),
            resident: self.resident.unwrap_or(true),
            emergency: self.emergency.unwrap_or(false),
            documents: self
                .documents
                .iter()
                .filter_map(|d| Some((d.kind.as_deref().and_then(DocumentKind::parse)?, date(d.issued_on.as_deref()))))
                .collect(),
            submitted_on: date(self.submitted_on.as_deref()),
            contract_on: date(self.contract_on.as_deref()),
            grounds_confirmed: true,
        }
    }
}

/// What the checklist depends on, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistRequest {
    pub service: Service,
    pub channel: Channel,
    pub category: Category,
    pub special_needs: bool,
    pub queue: QueueType,
    pub resident: bool,
    pub emergency: bool,
    /// Supplied documents with their issue dates when known.
    pub documents: Vec<(DocumentKind, Option<NaiveDate>)>,
    pub submitted_on: Option<NaiveDate>,
    pub contract_on: Option<NaiveDate>,
    /// The state information systems confirmed the priority right (default `true`). When they
    /// do not, the applicant brings the confirming document like a non-resident (Appendix 2
    /// item 8; the backend asks its state-grounds adapter).
    pub grounds_confirmed: bool,
}

impl ChecklistRequest {
    /// The queue registration checklist of an application submitted on `submitted_on`.
    pub fn for_application(app: &crate::application::Application, submitted_on: NaiveDate, grounds_confirmed: bool) -> ChecklistRequest {
        ChecklistRequest {
            service: Service::QueueRegistration,
            channel: app.channel,
            category: app.category,
            special_needs: app.has_pmpc(),
            queue: app.queue.kind.queue_type(),
            resident: true,
            emergency: false,
            documents: app.documents.iter().map(|d| (d.kind, d.issued_on)).collect(),
            submitted_on: Some(submitted_on),
            contract_on: None,
            grounds_confirmed,
        }
    }
}

impl Default for ChecklistRequest {
    fn default() -> Self {
        ChecklistInput::default().to_request()
    }
}

/// Where a document comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Fetched from the state information systems: nothing to upload or bring.
    StateSystem,
    /// Scanned and attached to the e-application.
    Upload,
    /// The original is brought in person (to the provider, the State Corporation or the
    /// kindergarten).
    OriginalToProvider,
}

/// Whether a supplied document is still good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    Ok,
    ExpiresSoon,
    Expired,
    Missing,
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ChecklistItem {
    pub id: DocumentKind,
    pub title: String,
    /// The rule or appendix that asks for it.
    pub why: String,
    pub source: Source,
    pub required: bool,
    /// `None` for `state_system` items without a validity rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub status: Option<Validity>,
    /// `YYYY-MM-DD`: the last valid day, when it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub valid_through: Option<String>,
}

/// The checklist for one situation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Checklist {
    pub service: Service,
    pub items: Vec<ChecklistItem>,
    /// `YYYY-MM-DD`: the last working day to bring originals (rule 29), when something must be brought.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub originals_due_on: Option<String>,
}

/// How long a kind of document stays valid, if it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lifetime {
    /// One month from issue (App. 2.4-2.5).
    OneMonth,
    /// Issued at most 3 calendar days before the contract (rule 34).
    ThreeDaysBeforeContract,
    /// 5 working days from issue (App. 4.1).
    FiveWorkingDays,
}

fn lifetime(kind: DocumentKind) -> Option<Lifetime> {
    match kind {
        DocumentKind::ServicemanWorkplaceCertificate
        | DocumentKind::SpecialStateBodyWorkplaceCertificate
        | DocumentKind::TeacherWorkplaceCertificate => Some(Lifetime::OneMonth),
        DocumentKind::ChildHealthCertificate => Some(Lifetime::ThreeDaysBeforeContract),
        DocumentKind::Referral => Some(Lifetime::FiveWorkingDays),
        _ => None,
    }
}

/// The last valid day of a document issued on `issued`.
pub fn valid_through(kind: DocumentKind, issued: NaiveDate, calendar: &Calendar) -> Option<NaiveDate> {
    match lifetime(kind)? {
        // chrono clamps to the month's last day: 31 Jan + 1 month = 28/29 Feb.
        Lifetime::OneMonth => issued.checked_add_months(Months::new(1)),
        Lifetime::ThreeDaysBeforeContract => calendar.add_calendar_days(issued, 3).ok(),
        Lifetime::FiveWorkingDays => calendar.add_working_days(issued, 5).ok(),
    }
}

/// The status on `on` of a document valid through `last`.
pub fn validity_on(last: NaiveDate, on: NaiveDate, soon_applies: bool) -> Validity {
    let days_left = (last - on).num_days();
    if days_left < 0 {
        Validity::Expired
    } else if soon_applies && days_left <= SOON_DAYS {
        Validity::ExpiresSoon
    } else {
        Validity::Ok
    }
}

/// One planned line before statuses: kind, source, required, appendix reference.
struct Line {
    kind: DocumentKind,
    source: Source,
    required: bool,
    why: Why,
}

#[derive(Clone, Copy)]
enum Why {
    Item(u8, u8),
    NonResident,
}

fn lines(request: &ChecklistRequest) -> Vec<Line> {
    match request.service {
        Service::QueueRegistration => registration_lines(request),
        Service::Admission => admission_lines(request),
    }
}

/// The documents required in this situation (see the module docs for the tables).
pub fn checklist(request: &ChecklistRequest, today: NaiveDate, d: &Deadlines, lang: Lang) -> Checklist {
    let lines = lines(request);
    let items = lines.iter().map(|line| item(line, request, today, d.calendar, lang)).collect();
    let has_uploads = lines.iter().any(|l| l.source == Source::Upload);
    let originals_due_on = (request.service == Service::QueueRegistration && request.channel == Channel::Portal && has_uploads)
        .then(|| originals_due_on(request.submitted_on.unwrap_or(today), d))
        .flatten()
        .map(format_date);
    Checklist { service: request.service, items, originals_due_on }
}

/// The last day to bring originals after a portal application on `submitted` (rule 22),
/// counted by [`Deadlines`] from the processing day (the next working day when `submitted`
/// is a day off). The time of day is not known here: a caller with a submission after the
/// provider's hours passes the next day.
pub fn originals_due_on(submitted: NaiveDate, d: &Deadlines) -> Option<NaiveDate> {
    let processed = if d.calendar.is_working_day(submitted) { submitted } else { d.calendar.next_working_day(submitted).ok()? };
    d.originals_last_day_from(processed).ok()
}

/// Rules 5-6, Appendix 3: the required documents a submission lacks or whose validity has
/// ended — each one a line of the refusal receipt. Only what the applicant supplies counts
/// (`upload`, `original_to_provider`); what the state systems hold is never asked for.
pub fn missing(request: &ChecklistRequest, today: NaiveDate, calendar: &Calendar, lang: Lang) -> Vec<ChecklistItem> {
    lines(request)
        .iter()
        .filter(|line| line.required && line.source != Source::StateSystem)
        .map(|line| item(line, request, today, calendar, lang))
        .filter(|item| matches!(item.status, Some(Validity::Missing | Validity::Expired)))
        .collect()
}

/// Rule 22: whether paper originals go to the provider before the application is registered in
/// the queue — some required document is not held by the state systems.
pub fn needs_originals(request: &ChecklistRequest) -> bool {
    lines(request).iter().any(|line| line.required && line.source != Source::StateSystem)
}

fn registration_lines(r: &ChecklistRequest) -> Vec<Line> {
    let portal = r.channel == Channel::Portal;
    let brought = if portal { Source::Upload } else { Source::OriginalToProvider };
    let from_state = |resident: bool| if resident { Source::StateSystem } else { brought };
    let line = |kind, source, item| Line { kind, source, required: true, why: Why::Item(2, item) };
    let mut lines = Vec::new();
    if !portal {
        lines.push(line(DocumentKind::Application, Source::OriginalToProvider, 1));
    }
    let identity = if portal { from_state(r.resident) } else { Source::OriginalToProvider };
    lines.push(line(DocumentKind::ApplicantIdentity, identity, 3));
    lines.push(line(DocumentKind::ChildBirthCertificate, from_state(r.resident), 2));
    match r.category {
        Category::Serviceman => lines.push(line(DocumentKind::ServicemanWorkplaceCertificate, brought, 4)),
        Category::SpecialStateBody => lines.push(line(DocumentKind::SpecialStateBodyWorkplaceCertificate, brought, 4)),
        Category::Teacher => {
            lines.push(line(DocumentKind::TeacherWorkplaceCertificate, brought, 5));
            if !portal {
                lines.push(line(DocumentKind::TeacherDiploma, Source::OriginalToProvider, 5));
            }
        }
        Category::SpecialNeeds | Category::None => {}
        // The remaining categories are the priority ones whose right the state systems hold;
        // when they do not confirm it, the applicant brings the confirmation.
        _ => {
            lines.push(line(DocumentKind::PriorityRightConfirmation, from_state(r.resident && r.grounds_confirmed), 8));
        }
    }
    if r.special_needs || r.category == Category::SpecialNeeds || r.queue == QueueType::Special {
        lines.push(line(DocumentKind::PmpcConclusion, brought, 6));
    }
    if r.queue == QueueType::Sanatorium {
        lines.push(line(DocumentKind::PhthisiatricianConclusion, brought, 7));
    }
    lines
}

fn admission_lines(r: &ChecklistRequest) -> Vec<Line> {
    let original = Source::OriginalToProvider;
    let later_allowed = !r.emergency;
    let special = r.special_needs || r.category == Category::SpecialNeeds || r.queue == QueueType::Special;
    let mut lines = Vec::new();
    if r.resident {
        let line = |kind, source, required, item| Line { kind, source, required, why: Why::Item(4, item) };
        lines.push(line(DocumentKind::Referral, Source::StateSystem, true, 1));
        lines.push(line(DocumentKind::ApplicantIdentity, original, true, 2));
        lines.push(line(DocumentKind::ChildBirthCertificate, Source::StateSystem, true, 3));
        lines.push(line(DocumentKind::ChildHealthPassport, original, later_allowed, 4));
        lines.push(line(DocumentKind::ChildHealthCertificate, original, later_allowed, 5));
        if special {
            lines.push(line(DocumentKind::PmpcConclusion, original, later_allowed, 6));
        }
    } else {
        let line = |kind, required| Line { kind, source: original, required, why: Why::NonResident };
        lines.push(line(DocumentKind::Application, true));
        lines.push(line(DocumentKind::ApplicantIdentity, true));
        lines.push(line(DocumentKind::ChildBirthCertificate, true));
        lines.push(line(DocumentKind::VaccinationCard, true));
        lines.push(line(DocumentKind::ChildHealthPassport, later_allowed));
        lines.push(line(DocumentKind::ChildHealthCertificate, later_allowed));
        if special {
            lines.push(line(DocumentKind::PmpcConclusion, later_allowed));
        }
    }
    lines
}

fn item(line: &Line, r: &ChecklistRequest, today: NaiveDate, calendar: &Calendar, lang: Lang) -> ChecklistItem {
    let lifetime = lifetime(line.kind);
    let judged_on = match lifetime {
        Some(Lifetime::OneMonth) => r.submitted_on.unwrap_or(today),
        _ => r.contract_on.unwrap_or(today),
    };
    // The latest supplied date that is not after the judgement day; `Some(None)` when supplied
    // without a date.
    let supplied: Option<Option<NaiveDate>> = r
        .documents
        .iter()
        .filter(|(kind, issued)| *kind == line.kind && issued.map_or(true, |d| d <= judged_on))
        .map(|(_, issued)| *issued)
        .max();
    let (status, valid_through_day) = match (lifetime, supplied) {
        (None, _) if line.source == Source::StateSystem => (None, None),
        (None, Some(_)) => (Some(Validity::Ok), None),
        (_, None) | (Some(_), Some(None)) => (Some(Validity::Missing), None),
        (Some(_), Some(Some(issued))) => match valid_through(line.kind, issued, calendar) {
            None => (Some(Validity::Missing), None),
            Some(last) => {
                let soon = !(lifetime == Some(Lifetime::ThreeDaysBeforeContract) && r.contract_on.is_some());
                (Some(validity_on(last, judged_on, soon)), Some(last))
            }
        },
    };
    let why = match line.why {
        Why::Item(appendix, item) => {
            i18n::format(lang, "checklist.why", &[("appendix", &appendix.to_string()), ("item", &item.to_string())])
        }
        Why::NonResident => i18n::text(lang, "checklist.why.non_resident"),
    };
    ChecklistItem {
        id: line.kind,
        title: i18n::text(lang, &format!("checklist.{}", line.kind.id())),
        why,
        source: line.source,
        required: line.required,
        status,
        valid_through: valid_through_day.map(format_date),
    }
}
