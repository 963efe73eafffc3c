//! The Appendix 1 application for a kindergarten queue place: from what a person types to a
//! checked [`Application`].
//!
//! Parse, don't validate: the form as typed is a [`Draft`] (every field optional text, read
//! tolerantly from any JSON), and the rules turn it into an [`Application`] whose fields have
//! real types ([`Iin`](crate::iin::Iin), [`MobilePhone`], [`Category`], …). The browser and
//! the backend call the same functions, so a form the page accepts is a form the server
//! accepts:
//!
//! * [`validate`] — every error and warning of the whole form, with messages in one language;
//! * [`validate_field`] — only what one field changes, for instant feedback while typing;
//! * [`Application::from_json`] / [`Application::from_draft`] — the typed application or the
//!   list of errors (no messages: the backend picks its own language);
//! * [`Application::to_draft`] — the application back in the form's JSON shape, normalised,
//!   for storage (reading it again gives the same application).
//!
//! ```
//! use chrono::NaiveDate;
//! use kezek::application::{validate, Draft};
//! use kezek::i18n::Lang;
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
//! let draft = Draft::from_json(r#"{ "applicant": { "lastName": "Омарова" } }"#).unwrap();
//! let report = validate(&draft, today, Lang::En);
//! assert!(!report.ok);
//! assert_eq!(report.errors[0].field, "applicant.firstName");
//! assert_eq!(report.errors[0].message, "Enter the applicant's first name");
//! ```
//!
//! # Error codes
//!
//! | field                         | codes                                                                  |
//! |-------------------------------|------------------------------------------------------------------------|
//! | `(applicant\|child).lastName`, `.firstName`, `.middleName` | `name.empty` (not for `middleName`), `name.too_long`, `name.characters` ([`names`]) |
//! | `applicant.iin`, `child.iin`  | `iin.*` ([`crate::iin`])                                               |
//! | `applicant.address`           | `address.empty`, `address.too_long` (over [`rules::MAX_ADDRESS_CHARS`]) |
//! | `applicant.locality`          | `locality.required`, `locality.code` (not a 9-digit KATO code)         |
//! | `child.iin`                   | `child.iin_same_as_applicant`, `child.older_than_applicant`, `child.too_old` (rules 18, 24.9); warning `child.turns_six_soon` |
//! | `category`                    | `category.required` (missing or not one of the ten)                    |
//! | `queue.kind`, `queue.disorder`, `queue.profile`, `queue.language`, `queue.stayMode` | `queue.kind.required`, `queue.disorder.required`, `queue.profile.required`, `queue.language.required`, `queue.stay_mode.required` |
//! | `notifications.phones.N`      | `phone.not_mobile`, `phone.duplicate`, `phone.too_many` ([`phone`])     |
//! | `notifications.email`         | `email.format`, `email.too_long` ([`email`])                           |
//! | `notifications`               | `notifications.none`                                                   |
//! | `consent`                     | `consent.required`                                                     |
//! | `channel`                     | `channel.required`                                                     |
//! | `documents.N.kind`, `documents.N.issuedOn` | `document.kind`, `date.format`, `document.issued_future`  |
//! | `documents`                   | `documents.pmpc_required`, `documents.phthisiatrician_required` (Appendix 2, items 6-7), `documents.too_many` |
//! | `` (the whole form)           | `form.format`: not a JSON object                                        |
//!
//! A missing value, a value of the wrong JSON type and an unknown enum value all give the same
//! "Choose …"/"Enter …" code of that field ([`draft`]).
//!
//! # Reward early, punish late
//!
//! A page gives instant feedback without shouting at a person who has not finished typing:
//!
//! 1. on `input` (every keystroke), call `validateField(form, field, …)` and use the result
//!    **only to update messages already shown** for the fields in its `checked` list: a shown
//!    message that is no longer in the result disappears at once (the reward), a shown message
//!    whose code changed is replaced; no message appears that was not shown before;
//! 2. on `blur` (leaving the field), call `validateField` and **show** everything it returns
//!    for the `checked` fields (the punishment comes late, once the person is done);
//! 3. on submit, call `validateApplication`, show every error, and move focus to the first
//!    (errors come in form order), with an error summary linking to each `field`.
//!
//! `checked` matters because fields depend on each other: changing `applicant.iin` re-checks
//! the child's age and birth order on `child.iin`; changing `category`, `queue.kind` or the
//! documents re-checks the PMPC/phthisiatrician requirements and the age exception.

pub mod draft;
pub mod email;
pub mod model;
pub mod names;
pub mod phone;
pub mod rules;
pub mod text;

#[cfg(test)]
mod tests;

pub use draft::{ApplicantDraft, DocumentDraft, Draft, LocalityDraft, NotificationsDraft, PersonDraft, QueueDraft};
pub use email::Email;
pub use model::*;
pub use names::Name;
pub use phone::MobilePhone;

use crate::i18n::{self, Lang};
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;
use serde::Serialize;
use tsify::Tsify;

/// Whether an issue blocks submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// A value put into a message: translated or formatted in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A catalog key whose text is inserted.
    Label(&'static str),
    /// A date, written `01.09.2026` in Kazakh and Russian, `1 September 2026` in English.
    Date(NaiveDate),
}

/// One finding of the rules, without a message (see [`Issue::message`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Dotted path into the form's JSON: `applicant.iin`, `notifications.phones.1`, …. Fixed
    /// paths are borrowed: a form full of errors allocates none, and the package's reports know
    /// them by address (`src/wasm/application.rs`).
    pub field: Cow<'static, str>,
    /// The stable code (see the table in the module docs).
    pub code: &'static str,
    pub severity: Severity,
    /// Values for the message's `{name}` placeholders.
    pub args: Vec<(&'static str, Arg)>,
}

impl Issue {
    pub fn new(field: impl Into<Cow<'static, str>>, code: &'static str, severity: Severity) -> Issue {
        Issue { field: field.into(), code, severity, args: Vec::new() }
    }

    fn with(mut self, name: &'static str, value: Arg) -> Issue {
        self.args.push((name, value));
        self
    }

    /// The message in `lang`: what the person should do.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.write_message(&mut out, lang);
        out
    }

    /// [`Issue::message`] written at the end of `out` (a report of many issues in one buffer).
    pub fn write_message(&self, out: &mut String, lang: Lang) {
        i18n::format_into(out, lang, self.code, |name| {
            let (_, arg) = self.args.iter().find(|(n, _)| *n == name)?;
            Some(match arg {
                Arg::Label(key) => Cow::Borrowed(i18n::resolve(lang, key)),
                Arg::Date(date) => Cow::Owned(long_date(lang, *date)),
            })
        })
    }

    fn into_message(self, lang: Lang) -> Message {
        let message = self.message(lang);
        Message { field: self.field.into_owned(), code: self.code.to_owned(), message }
    }
}

/// A date as people read it in `lang`.
fn long_date(lang: Lang, date: NaiveDate) -> String {
    const MONTHS: [&str; 12] =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    match lang {
        Lang::En => {
            let month = MONTHS.get(date.month0() as usize).copied().unwrap_or_default();
            format!("{} {month} {}", date.day(), date.year())
        }
        // Hand-formatted: chrono's strftime machinery would add about 10 KB to the package.
        Lang::Kk | Lang::Ru => format!("{:02}.{:02}.{}", date.day(), date.month(), date.year()),
    }
}

/// An issue as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct Message {
    /// Dotted path into the form: `applicant.iin`, `notifications.phones.1`, `` for the whole form.
    pub field: String,
    pub code: String,
    /// What to do, in the requested language.
    pub message: String,
}

/// The verdict on a whole form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct Report {
    /// No errors (warnings do not block).
    pub ok: bool,
    /// In form order.
    pub errors: Vec<Message>,
    pub warnings: Vec<Message>,
}

/// The verdict on one field and the fields that depend on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
pub struct FieldReport {
    /// Field paths re-checked: every message shown for a field equal to or under one of these
    /// (or above it, like `notifications` for `notifications.phones.0`) is replaced by this
    /// report.
    pub checked: Vec<String>,
    /// No errors among the checked fields.
    pub ok: bool,
    pub errors: Vec<Message>,
    pub warnings: Vec<Message>,
}

fn report(issues: Vec<Issue>, lang: Lang) -> Report {
    let (mut errors, mut warnings) = (Vec::with_capacity(issues.len()), Vec::new());
    for issue in issues {
        let list = if issue.severity == Severity::Error { &mut errors } else { &mut warnings };
        list.push(issue.into_message(lang));
    }
    Report { ok: errors.is_empty(), errors, warnings }
}

/// Every error and warning of the form (errors in form order), with messages in `lang`.
pub fn validate(draft: &Draft, today: NaiveDate, lang: Lang) -> Report {
    report(issues(draft, today), lang)
}

/// The issues behind [`validate`]'s report, errors and warnings in form order, before their
/// messages are written (the package writes them straight into its answer).
pub fn issues(draft: &Draft, today: NaiveDate) -> Vec<Issue> {
    rules::check(draft, today).1
}

/// The report for a form that could not be read at all.
pub fn unreadable_report(lang: Lang) -> Report {
    report(unreadable_issues(), lang)
}

/// The issues behind [`unreadable_report`].
pub fn unreadable_issues() -> Vec<Issue> {
    vec![Issue::new("", "form.format", Severity::Error)]
}

/// No field path of the form is longer; a longer one is not a field, and echoing it back in
/// `checked` would copy whatever was pasted.
const MAX_FIELD_PATH_BYTES: usize = 100;

/// The field paths whose issues change when `field` changes (see the module docs); none for a
/// path that cannot be a field.
pub fn affected_fields(field: &str) -> Vec<String> {
    let field = field.trim();
    if field.is_empty() || field.len() > MAX_FIELD_PATH_BYTES {
        return Vec::new();
    }
    let section = |prefix: &str| field == prefix || field.starts_with(&format!("{prefix}."));
    let list: &[&str] = if field == "applicant.iin" {
        &["applicant.iin", "child.iin"]
    } else if section("notifications") {
        &["notifications"]
    } else if field == "category" || section("queue.kind") || section("documents") {
        &[field, "queue", "documents", "child.iin"]
    } else {
        &[field]
    };
    let mut out: Vec<String> = Vec::new();
    for f in list {
        if !out.iter().any(|o| o == f) {
            out.push((*f).to_owned());
        }
    }
    out
}

/// Whether an issue at `issue_field` belongs to the re-check of `checked` (equal, under, or a
/// parent of it).
fn is_under(issue_field: &str, checked: &str) -> bool {
    let nested = |long: &str, short: &str| long.len() > short.len() && long.starts_with(short) && long.as_bytes().get(short.len()) == Some(&b'.');
    issue_field == checked || nested(issue_field, checked) || (!issue_field.is_empty() && nested(checked, issue_field))
}

/// The issues of `field` and of the fields that depend on it, for instant feedback.
pub fn validate_field(draft: &Draft, field: &str, today: NaiveDate, lang: Lang) -> FieldReport {
    let (checked, issues) = field_issues(draft, field, today);
    let Report { ok, errors, warnings } = report(issues, lang);
    FieldReport { checked, ok, errors, warnings }
}

/// The fields re-checked and their issues, behind [`validate_field`]'s report.
pub fn field_issues(draft: &Draft, field: &str, today: NaiveDate) -> (Vec<String>, Vec<Issue>) {
    let checked = affected_fields(field);
    let issues = issues(draft, today).into_iter().filter(|i| checked.iter().any(|c| is_under(&i.field, c))).collect();
    (checked, issues)
}

impl Application {
    /// The typed application, or every error (warnings are dropped: see [`validate`]).
    pub fn from_draft(draft: &Draft, today: NaiveDate) -> Result<Application, Vec<Issue>> {
        match rules::check(draft, today) {
            (Some(application), _) => Ok(application),
            (None, issues) => Err(issues.into_iter().filter(|i| i.severity == Severity::Error).collect()),
        }
    }

    /// Reads and checks a submitted form: the backend's entry point. Text that is not a JSON
    /// object gives the single error `form.format`.
    pub fn from_json(json: &str, today: NaiveDate) -> Result<Application, Vec<Issue>> {
        let draft = Draft::from_json(json).map_err(|_| vec![Issue::new("", "form.format", Severity::Error)])?;
        Application::from_draft(&draft, today)
    }
}
