//! Validation of a submitted application (Appendix 1). The browser is never trusted: every
//! submission passes through [`validate`] again here, with the very rules the page runs
//! (`kezek::application`), so codes and messages are the same on both sides.

use chrono::{Datelike, NaiveDate};
use kezek::application::{Application, Category, Draft, QueueKind};
use kezek::i18n::Lang;
use serde::Serialize;
use serde_json::Value;

/// One reason a submission is refused; `code` is stable, `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiIssue {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl ApiIssue {
    pub fn new(field: &str, code: &str, message: &str) -> ApiIssue {
        ApiIssue { field: field.to_string(), code: code.to_string(), message: message.to_string() }
    }
}

/// The three ranks of rule 14: extraordinary before priority, priority interleaved 1:3 with general.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    Extraordinary,
    Priority,
    General,
}

impl PriorityClass {
    pub fn code(self) -> &'static str {
        match self {
            PriorityClass::Extraordinary => "extraordinary",
            PriorityClass::Priority => "priority",
            PriorityClass::General => "general",
        }
    }

    pub fn parse(code: &str) -> Option<PriorityClass> {
        match code {
            "extraordinary" => Some(PriorityClass::Extraordinary),
            "priority" => Some(PriorityClass::Priority),
            "general" => Some(PriorityClass::General),
            _ => None,
        }
    }

    /// The class of an Appendix 1 category (categories 1-2 extraordinary, 3-9 priority, 10 general).
    pub fn of_category(category: &str) -> Option<PriorityClass> {
        match category {
            "serviceman" | "special_state_body" => Some(PriorityClass::Extraordinary),
            "disabled_parent" | "special_needs" | "no_parental_care" | "orphan" | "large_family" | "teacher"
            | "disabled_child_in_family" => Some(PriorityClass::Priority),
            "none" => Some(PriorityClass::General),
            _ => None,
        }
    }
}

/// A submission that passed validation: what the server needs to queue it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub locality_code: String,
    pub child_birth_date: NaiveDate,
    /// `general`, `special.<disorder>` or `sanatorium.<profile>` (rule 13: separate queues).
    pub kind: String,
    pub category: String,
    pub class: PriorityClass,
    pub language: String,
    pub stay_mode: String,
    /// The first 1 September on which the child is 6 or older (rule 18); `None` for children
    /// with special educational needs, who are exempt.
    pub ages_out_on: Option<NaiveDate>,
}

impl Submission {
    /// The queue key (rule 13): locality, child's birth year, kind.
    pub fn queue_key(&self) -> String {
        format!("{}-{}-{}", self.locality_code, self.child_birth_date.year(), self.kind)
    }
}

/// Validates a submitted application with the core's rules (`kezek::application`), exactly as
/// the page does, and extracts what the queue needs. Messages are in `lang`.
pub fn validate(body: &Value, today: NaiveDate, lang: Lang) -> Result<Submission, Vec<ApiIssue>> {
    let as_issues = |issues: Vec<kezek::application::Issue>| -> Vec<ApiIssue> {
        issues.iter().map(|i| ApiIssue::new(&i.field, i.code, &i.message(lang))).collect()
    };
    let draft = Draft::from_value(body).map_err(|_| {
        let report = kezek::application::unreadable_report(lang);
        report.errors.into_iter().map(|m| ApiIssue { field: m.field, code: m.code, message: m.message }).collect::<Vec<_>>()
    })?;
    let app = Application::from_draft(&draft, today).map_err(as_issues)?;
    let special_needs = app.category == Category::SpecialNeeds || matches!(app.queue.kind, QueueKind::Special { .. });
    let kind = match app.queue.kind {
        QueueKind::General => "general".to_string(),
        QueueKind::Special { disorder } => format!("special.{}", disorder.id()),
        QueueKind::Sanatorium { profile } => format!("sanatorium.{}", profile.id()),
    };
    let birth = app.child.iin.birth_date();
    Ok(Submission {
        locality_code: app.applicant.locality.code.clone(),
        child_birth_date: birth,
        kind,
        category: app.category.id().to_string(),
        class: match app.category.class() {
            kezek::application::PriorityClass::Extraordinary => PriorityClass::Extraordinary,
            kezek::application::PriorityClass::Priority => PriorityClass::Priority,
            kezek::application::PriorityClass::General => PriorityClass::General,
        },
        language: app.queue.language.id().to_string(),
        stay_mode: app.queue.stay_mode.id().to_string(),
        ages_out_on: if special_needs { None } else { ages_out_on(birth) },
    })
}

pub fn ages_out_on(birth: NaiveDate) -> Option<NaiveDate> {
    let sixth = birth.checked_add_months(chrono::Months::new(72))?;
    let september = NaiveDate::from_ymd_opt(sixth.year(), 9, 1)?;
    if sixth <= september {
        Some(september)
    } else {
        NaiveDate::from_ymd_opt(sixth.year() + 1, 9, 1)
    }
}

/// Age in full years on `on`.
pub fn full_years(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// 1 September that starts the school year `today` is in (rules 18, 24.9).
pub fn school_year_start(today: NaiveDate) -> NaiveDate {
    let year = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today)
}

#[cfg(test)]
mod tests;
