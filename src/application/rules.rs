//! The rules that turn a [`Draft`] into an [`Application`], in form order.
//!
//! Each check adds [`Issue`]s to one list in the order the fields appear in the form
//! (applicant, child, category, queue, notifications, consent, channel, documents), so the page
//! can show them top to bottom and put focus on the first. A field that fails is left out of
//! the rules that depend on it (no age rule without a valid child IIN), so one mistake gives one
//! message.

use super::draft::{Draft, FieldText, PersonDraft};
use super::email::parse_email;
use super::model::*;
use super::names::{parse_name, parse_optional_name};
use super::phone::parse_mobile;
use super::{Arg, Issue, Severity};
use crate::document::DocumentKind;
use crate::calendar::parse_date;
use crate::iin::{full_years, Iin};
use chrono::{Datelike, NaiveDate};
use super::text::trim;
use std::borrow::Cow;

/// The longest residential address accepted, in characters.
pub const MAX_ADDRESS_CHARS: usize = 200;

/// The age at which a child leaves this service: 6 full years on 1 September (rules 18, 24.9).
pub const AGE_LIMIT_YEARS: i32 = 6;

/// 1 September that starts the school year containing `today` (1 September to 31 August): the
/// day on which age is counted in full years for the queue and for referrals (rules 18, 28).
pub fn school_year_start(today: NaiveDate) -> NaiveDate {
    let year = if today.month() >= 9 { today.year() } else { today.year() - 1 };
    // 1 September exists in every year chrono can represent next to a valid `today`.
    NaiveDate::from_ymd_opt(year, 9, 1).unwrap_or(today)
}

/// `documents.3.kind` from its parts: a form full of errors builds a few of these, and
/// `format!` is several times slower than joining the parts.
fn indexed_path(before: &str, index: usize, after: &str) -> String {
    fn push_decimal(out: &mut String, n: usize) {
        if n >= 10 {
            push_decimal(out, n / 10);
        }
        out.push(char::from(b'0' + (n % 10) as u8));
    }
    let mut path = String::with_capacity(before.len() + 3 + after.len());
    path.push_str(before);
    push_decimal(&mut path, index);
    path.push_str(after);
    path
}

/// Collects issues; the field paths are built by the caller.
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn error(&mut self, field: impl Into<Cow<'static, str>>, code: &'static str) {
        self.issues.push(Issue::new(field, code, Severity::Error));
    }

    fn issue(&mut self, issue: Issue) {
        self.issues.push(issue);
    }

    /// Records the result's error, if any, and passes the value on.
    fn take<T, E>(&mut self, field: &'static str, result: Result<T, E>, code: impl Fn(&E) -> &'static str) -> Option<T> {
        result.map_err(|e| self.error(field, code(&e))).ok()
    }
}

/// Runs every rule; the application is `Some` exactly when no issue is an error.
pub(super) fn check(draft: &Draft, today: NaiveDate) -> (Option<Application>, Vec<Issue>) {
    let mut c = Checker { issues: Vec::new() };

    // --- applicant (Appendix 1) ---
    let a = &draft.applicant;
    let applicant_name = full_name(&mut c, "applicant", &a.last_name, &a.first_name, &a.middle_name);
    let applicant_iin = iin(&mut c, "applicant.iin", a.iin.text(), today);
    let address = address(&mut c, a.address.text());
    let locality = locality(&mut c, a.locality.code.text(), a.locality.name.text());

    // --- child (Appendix 1; rules 18, 24.9) ---
    let child_name = person_name(&mut c, "child", &draft.child);
    let mut child_iin = iin(&mut c, "child.iin", draft.child.iin.text(), today);

    // The category and queue are read before the child's age rules, which depend on them; their
    // issues are still listed after the child's, in form order.
    let mut later = Checker { issues: Vec::new() };
    let category = category(&mut later, draft.category.text());
    let queue = queue(&mut later, draft);
    let documents = documents(draft, today);
    let has = |kind: DocumentKind| documents.kinds.contains(&kind);
    // The queue type as chosen, even while its disorder or profile is still missing.
    let queue_type = draft.queue.kind.text().and_then(QueueType::parse);
    let special_needs = category == Some(Category::SpecialNeeds) || queue_type == Some(QueueType::Special);

    if let (Some(parent), Some(child)) = (applicant_iin, child_iin) {
        // Rule 18: a PMPC conclusion exempts from the age limit whatever the category.
        if !child_rules(&mut c, parent, child, today, has(DocumentKind::PmpcConclusion)) {
            child_iin = None;
        }
    }
    c.issues.append(&mut later.issues);

    // --- notifications (Appendix 1: at most two mobiles, one e-mail, at least one) ---
    let notifications = notifications(&mut c, draft);

    // --- consent and channel ---
    if draft.consent != Some(true) {
        c.error("consent", "consent.required");
    }
    let channel = draft.channel.text().and_then(Channel::parse);
    if channel.is_none() {
        c.error("channel", "channel.required");
    }

    // --- documents (Appendix 2, items 6-7) ---
    c.issues.extend(documents.issues);
    if draft.too_many_documents {
        c.error("documents", "documents.too_many");
    }
    if special_needs && !has(DocumentKind::PmpcConclusion) {
        c.error("documents", "documents.pmpc_required");
    }
    if queue_type == Some(QueueType::Sanatorium) && !has(DocumentKind::PhthisiatricianConclusion) {
        c.error("documents", "documents.phthisiatrician_required");
    }

    let has_errors = c.issues.iter().any(|i| i.severity == Severity::Error);
    let application = match (applicant_name, applicant_iin, address, locality, child_name, child_iin, category, queue, notifications, channel) {
        (Some(an), Some(ai), Some(addr), Some(loc), Some(cn), Some(ci), Some(cat), Some(q), Some(n), Some(ch)) if !has_errors => {
            Some(Application {
                applicant: Applicant { name: an, iin: ai, address: addr, locality: loc },
                child: Child { name: cn, iin: ci },
                category: cat,
                queue: q,
                notifications: n,
                channel: ch,
                documents: documents.valid,
            })
        }
        _ => None,
    };
    (application, c.issues)
}

fn person_name(c: &mut Checker, prefix: &str, p: &PersonDraft) -> Option<FullName> {
    full_name(c, prefix, &p.last_name, &p.first_name, &p.middle_name)
}

fn full_name(c: &mut Checker, prefix: &str, last: &Option<Cow<str>>, first: &Option<Cow<str>>, middle: &Option<Cow<str>>) -> Option<FullName> {
    let mut one = |key: &str, field: &Option<Cow<str>>, required: bool| {
        let result = if required {
            parse_name(field.text().unwrap_or("")).map(Some)
        } else {
            parse_optional_name(field.text())
        };
        match result {
            Ok(name) => Some(name),
            Err(e) => {
                let (field, label) = name_field(prefix, key);
                c.issue(Issue::new(field, e.code(), Severity::Error).with("what", Arg::Label(label)));
                None
            }
        }
    };
    let last = one("lastName", last, true);
    let first = one("firstName", first, true);
    let middle = one("middleName", middle, false);
    Some(FullName { last: last??, first: first??, middle: middle? })
}

/// A name field's path and the catalog key of its label, in the accusative where the language
/// has one ("Enter {what}"). Static texts: a form full of errors builds no path.
fn name_field(prefix: &str, key: &str) -> (&'static str, &'static str) {
    match (prefix, key) {
        ("applicant", "lastName") => ("applicant.lastName", "label.applicant.lastName"),
        ("applicant", "firstName") => ("applicant.firstName", "label.applicant.firstName"),
        ("applicant", _) => ("applicant.middleName", "label.applicant.middleName"),
        (_, "lastName") => ("child.lastName", "label.child.lastName"),
        (_, "firstName") => ("child.firstName", "label.child.firstName"),
        _ => ("child.middleName", "label.child.middleName"),
    }
}

fn iin(c: &mut Checker, field: &'static str, text: Option<&str>, today: NaiveDate) -> Option<Iin> {
    let result = Iin::parse(text.unwrap_or(""), today);
    c.take(field, result, |e| e.code())
}

fn address(c: &mut Checker, text: Option<&str>) -> Option<String> {
    let text = trim(text.unwrap_or(""));
    if text.is_empty() {
        c.error("applicant.address", "address.empty");
        None
    } else if text.len() > MAX_ADDRESS_CHARS && text.chars().nth(MAX_ADDRESS_CHARS).is_some() {
        c.error("applicant.address", "address.too_long");
        None
    } else {
        Some(text.to_owned())
    }
}

/// The locality is chosen from a list, so only its KATO code (9 digits) is checked.
fn locality(c: &mut Checker, code: Option<&str>, name: Option<&str>) -> Option<Locality> {
    let code = trim(code.unwrap_or(""));
    if code.is_empty() {
        c.error("applicant.locality", "locality.required");
        return None;
    }
    if code.len() != 9 || !code.bytes().all(|b| b.is_ascii_digit()) {
        c.error("applicant.locality", "locality.code");
        return None;
    }
    let name = trim(name.unwrap_or(""));
    // At most MAX_ADDRESS_CHARS characters (a name shorter in bytes needs no counting).
    let cut = if name.len() > MAX_ADDRESS_CHARS { name.char_indices().nth(MAX_ADDRESS_CHARS) } else { None };
    let name = cut.and_then(|(at, _)| name.get(..at)).unwrap_or(name);
    Some(Locality { code: code.to_owned(), name: name.to_owned() })
}

/// The rules between the two IINs, all reported on `child.iin` (the field a person corrects).
///
/// * `child.iin_same_as_applicant`: the same twelve digits;
/// * `child.older_than_applicant`: the applicant was not born before the child;
/// * `child.too_old`: 6 full years or more on 1 September of the current school year (rules
///   18, 24.9), unless a PMPC conclusion is among the documents: rule 18 exempts children with
///   special educational needs and the PMPC's conclusion, whatever the Appendix 1 category;
/// * warning `child.turns_six_soon`: the child will be 6 by the next 1 September, the last day
///   the application can stay in the queue.
///
/// Returns whether every rule holds (warnings do not count).
fn child_rules(c: &mut Checker, parent: Iin, child: Iin, today: NaiveDate, exempt: bool) -> bool {
    if parent == child {
        c.error("child.iin", "child.iin_same_as_applicant");
        return false;
    }
    if parent.birth_date() >= child.birth_date() {
        c.error("child.iin", "child.older_than_applicant");
        return false;
    }
    let start = school_year_start(today);
    if exempt {
        return true;
    }
    if full_years(child.birth_date(), start) >= AGE_LIMIT_YEARS {
        c.issue(Issue::new("child.iin", "child.too_old", Severity::Error).with("date", Arg::Date(start)));
        return false;
    }
    if let Some(next) = start.with_year(start.year() + 1) {
        if full_years(child.birth_date(), next) >= AGE_LIMIT_YEARS {
            c.issue(Issue::new("child.iin", "child.turns_six_soon", Severity::Warning).with("date", Arg::Date(next)));
        }
    }
    true
}

fn category(c: &mut Checker, text: Option<&str>) -> Option<Category> {
    let category = text.and_then(Category::parse);
    if category.is_none() {
        c.error("category", "category.required");
    }
    category
}

fn queue(c: &mut Checker, draft: &Draft) -> Option<QueueChoice> {
    let q = &draft.queue;
    let kind = match q.kind.text().and_then(QueueType::parse) {
        None => {
            c.error("queue.kind", "queue.kind.required");
            None
        }
        Some(QueueType::General) => Some(QueueKind::General),
        Some(QueueType::Special) => {
            let disorder = q.disorder.text().and_then(Disorder::parse);
            if disorder.is_none() {
                c.error("queue.disorder", "queue.disorder.required");
            }
            let kindergarten = kindergarten(c, q.kindergarten.text());
            Some(QueueKind::Special { kindergarten: kindergarten?, disorder: disorder? })
        }
        Some(QueueType::Sanatorium) => {
            let profile = q.profile.text().and_then(SanatoriumProfile::parse);
            if profile.is_none() {
                c.error("queue.profile", "queue.profile.required");
            }
            let kindergarten = kindergarten(c, q.kindergarten.text());
            Some(QueueKind::Sanatorium { kindergarten: kindergarten?, profile: profile? })
        }
    };
    let language = q.language.text().and_then(InstructionLanguage::parse);
    if language.is_none() {
        c.error("queue.language", "queue.language.required");
    }
    let stay_mode = q.stay_mode.text().and_then(StayMode::parse);
    if stay_mode.is_none() {
        c.error("queue.stayMode", "queue.stay_mode.required");
    }
    Some(QueueChoice { kind: kind?, language: language?, stay_mode: stay_mode? })
}

/// Rule 13: the special and sanatorium queues are kept per kindergarten, so the form names one.
fn kindergarten(c: &mut Checker, id: Option<&str>) -> Option<crate::queue::Token> {
    let token = id.map(trim).filter(|t| !t.is_empty()).and_then(|t| crate::queue::Token::new(t).ok());
    if token.is_none() {
        c.error("queue.kindergarten", "queue.kindergarten.required");
    }
    token
}

/// Blank phone inputs are skipped (a page with two inputs sends `""` for the unused one), but
/// field paths keep the input's index so the message lands under the right input.
fn notifications(c: &mut Checker, draft: &Draft) -> Option<Notifications> {
    let n = &draft.notifications;
    let mut phones = Vec::new();
    let mut all_ok = true;
    let mut filled = 0usize;
    for (index, phone) in n.phones.iter().enumerate() {
        let text = phone.text().unwrap_or("");
        if trim(text).is_empty() {
            continue;
        }
        filled += 1;
        let field = || indexed_path("notifications.phones.", index, "");
        if filled > 2 {
            c.error(field(), "phone.too_many");
            all_ok = false;
            continue;
        }
        match parse_mobile(text) {
            None => {
                c.error(field(), "phone.not_mobile");
                all_ok = false;
            }
            Some(phone) if phones.contains(&phone) => {
                c.error(field(), "phone.duplicate");
                all_ok = false;
            }
            Some(phone) => phones.push(phone),
        }
    }
    if n.too_many_phones && filled <= 2 {
        c.error("notifications.phones", "phone.too_many");
        all_ok = false;
    }
    let email = match n.email.text().map(trim).filter(|e| !e.is_empty()) {
        None => None,
        Some(text) => match parse_email(text) {
            Ok(email) => Some(email),
            Err(e) => {
                c.error("notifications.email", e.code());
                all_ok = false;
                None
            }
        },
    };
    // "At least one channel" is only worth saying when nothing at all was typed.
    if filled == 0 && n.email.text().map_or(true, |e| trim(e).is_empty()) {
        c.error("notifications", "notifications.none");
        return None;
    }
    all_ok.then_some(Notifications { phones, email })
}

struct Documents {
    valid: Vec<Document>,
    kinds: Vec<DocumentKind>,
    issues: Vec<Issue>,
}

/// Each declared document: a known kind and, when given, a past or present issue date.
fn documents(draft: &Draft, today: NaiveDate) -> Documents {
    let mut out = Documents { valid: Vec::new(), kinds: Vec::new(), issues: Vec::new() };
    for (index, d) in draft.documents.iter().enumerate() {
        let kind = d.kind.text().and_then(DocumentKind::parse);
        if kind.is_none() {
            out.issues.push(Issue::new(indexed_path("documents.", index, ".kind"), "document.kind", Severity::Error));
        }
        let issued_on = match d.issued_on.text().map(trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => match parse_date(text) {
                Err(_) => Err("date.format"),
                Ok(date) if date > today => Err("document.issued_future"),
                Ok(date) => Ok(Some(date)),
            },
        };
        if let Err(code) = issued_on {
            out.issues.push(Issue::new(indexed_path("documents.", index, ".issuedOn"), code, Severity::Error));
        }
        if let (Some(kind), Ok(issued_on)) = (kind, issued_on) {
            out.kinds.push(kind);
            out.valid.push(Document { kind, issued_on });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::indexed_path;

    #[test]
    fn indexed_paths_are_what_format_would_write() {
        for index in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            assert_eq!(indexed_path("documents.", index, ".kind"), format!("documents.{index}.kind"));
            assert_eq!(indexed_path("notifications.phones.", index, ""), format!("notifications.phones.{index}"));
        }
    }
}
