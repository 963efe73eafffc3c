//! Validation of a submitted application (Appendix 1). The browser is never trusted: every
//! submission passes through [`validate`] again here.
//!
//! This is the single seam to the core: the `kezek::application` module (written in parallel)
//! will replace the body of [`validate`] at merge. Until then it checks what the core already
//! offers — both IINs via [`kezek::iin::Iin::parse`] — plus the form's required parts: names,
//! locality, category, queue kind (rules 13, 14, 17), stay mode, at most two phones and consent
//! (Appendix 1), and the child's age (rule 18).

use chrono::{Datelike, NaiveDate};
use kezek::i18n::{self, Lang};
use kezek::iin::Iin;
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

pub const STAY_MODES: [&str; 3] = ["full_day", "part_day", "round_the_clock"];
const CHANNELS: [&str; 3] = ["portal", "state_corporation", "provider"];
/// Appendix 1: SMS to at most two mobile numbers.
const MAX_PHONES: usize = 2;

/// Checks an application body against the rules, as of `today` (Kazakhstan local date).
pub fn validate(body: &Value, today: NaiveDate) -> Result<Submission, Vec<ApiIssue>> {
    let mut issues = Vec::new();
    for person in ["applicant", "child"] {
        for name in ["lastName", "firstName"] {
            if text_at(body, &[person, name]).is_none() {
                issues.push(ApiIssue::new(&format!("{person}.{name}"), "required", "This field is required"));
            }
        }
    }
    let _applicant_iin = parse_iin(body, "applicant", today, &mut issues);
    let child_iin = parse_iin(body, "child", today, &mut issues);
    if text_at(body, &["applicant", "address"]).is_none() {
        issues.push(ApiIssue::new("applicant.address", "required", "This field is required"));
    }
    let locality_code = text_at(body, &["applicant", "locality", "code"]);
    let locality_ok = locality_code.is_some_and(|c| c.len() == 9 && c.bytes().all(|b| b.is_ascii_digit()));
    if !locality_ok {
        issues.push(ApiIssue::new("applicant.locality.code", "locality.code", "Choose a locality (a 9-digit KATO code)"));
    }
    let category = text_at(body, &["category"]);
    let class = category.and_then(PriorityClass::of_category);
    if class.is_none() {
        issues.push(ApiIssue::new("category", "category.unknown", "Choose exactly one category"));
    }
    let kind = queue_kind(body, &mut issues);
    let language = text_at(body, &["queue", "language"]);
    let language_ok = language.is_some_and(|l| l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()));
    if !language_ok {
        issues.push(ApiIssue::new("queue.language", "queue.language", "Choose the language of instruction"));
    }
    let stay_mode = text_at(body, &["queue", "stayMode"]).filter(|m| STAY_MODES.contains(m));
    if stay_mode.is_none() {
        issues.push(ApiIssue::new("queue.stayMode", "queue.stay_mode", "Choose full day, part day or round the clock"));
    }
    check_notifications(body, &mut issues);
    if body.get("consent") != Some(&Value::Bool(true)) {
        issues.push(ApiIssue::new("consent", "consent.required", "Consent to the use of protected data is required"));
    }
    if !text_at(body, &["channel"]).is_some_and(|c| CHANNELS.contains(&c)) {
        issues.push(ApiIssue::new("channel", "channel.unknown", "Unknown channel"));
    }
    if !matches!(body.get("documents"), None | Some(Value::Array(_))) {
        issues.push(ApiIssue::new("documents", "documents.shape", "Documents must be a list"));
    }
    let special_needs = category == Some("special_needs") || kind.as_deref().is_some_and(|k| k.starts_with("special."));
    let ages_out_on = child_iin.and_then(|iin| if special_needs { None } else { ages_out_on(iin.birth_date()) });
    if let (Some(date), false) = (ages_out_on, special_needs) {
        if today >= date {
            issues.push(ApiIssue::new("child.iin", "child.too_old", "The child is 6 or older on 1 September (rule 18)"));
        }
    }
    match (issues.is_empty(), locality_code, child_iin, kind, category, class, language, stay_mode) {
        (true, Some(locality), Some(child), Some(kind), Some(category), Some(class), Some(language), Some(stay)) => {
            Ok(Submission {
                locality_code: locality.to_string(),
                child_birth_date: child.birth_date(),
                kind,
                category: category.to_string(),
                class,
                language: language.to_string(),
                stay_mode: stay.to_string(),
                ages_out_on,
            })
        }
        _ => Err(issues),
    }
}

/// Rule 18: the first 1 September on which a child born on `birth` is 6 full years old or more.
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

fn text_at<'a>(body: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(body, |value, key| value.get(key))?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn parse_iin(body: &Value, person: &str, today: NaiveDate, issues: &mut Vec<ApiIssue>) -> Option<Iin> {
    let field = format!("{person}.iin");
    let text = body.get(person).and_then(|p| p.get("iin")).and_then(Value::as_str).unwrap_or("");
    match Iin::parse(text, today) {
        Ok(iin) => Some(iin),
        Err(error) => {
            issues.push(ApiIssue::new(&field, error.code(), &i18n::text(Lang::En, error.code())));
            None
        }
    }
}

fn queue_kind(body: &Value, issues: &mut Vec<ApiIssue>) -> Option<String> {
    let detail = |key: &str| text_at(body, &["queue", key]).filter(|v| v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
    match text_at(body, &["queue", "kind"]) {
        Some("general") => Some("general".to_string()),
        Some("special") => match detail("disorder") {
            Some(disorder) => Some(format!("special.{disorder}")),
            None => {
                issues.push(ApiIssue::new("queue.disorder", "queue.disorder_required", "Choose the type of disorder"));
                None
            }
        },
        Some("sanatorium") => match detail("profile") {
            Some(profile) => Some(format!("sanatorium.{profile}")),
            None => {
                issues.push(ApiIssue::new("queue.profile", "queue.profile_required", "Choose the sanatorium profile"));
                None
            }
        },
        _ => {
            issues.push(ApiIssue::new("queue.kind", "queue.kind", "Choose general, special or sanatorium"));
            None
        }
    }
}

fn check_notifications(body: &Value, issues: &mut Vec<ApiIssue>) {
    let phones = body.get("notifications").and_then(|n| n.get("phones"));
    let phones = match phones {
        None | Some(Value::Null) => return,
        Some(Value::Array(list)) => list,
        Some(_) => {
            issues.push(ApiIssue::new("notifications.phones", "phones.shape", "Phones must be a list"));
            return;
        }
    };
    if phones.len() > MAX_PHONES {
        issues.push(ApiIssue::new("notifications.phones", "phones.too_many", "At most two mobile numbers (Appendix 1)"));
    }
    for (i, phone) in phones.iter().enumerate() {
        let digits: String = phone.as_str().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
        if !(digits.len() == 11 && digits.starts_with("77")) {
            issues.push(ApiIssue::new(&format!("notifications.phones[{i}]"), "phone.format", "A Kazakh mobile number: +7 7XX XXX XX XX"));
        }
    }
}

#[cfg(test)]
mod tests;
