//! The form as a person typed it: every field optional text, nothing checked yet.
//!
//! A draft is read from JSON by hand ([`Draft::from_json`], [`Draft::from_value`]) rather than
//! by a derived `Deserialize`, because a derived one fails the whole form on the first surprise
//! and the person would lose everything. Here:
//!
//! * a missing field, `null`, or a value of the wrong JSON type (an object where text belongs)
//!   is read as absent, so it becomes a "Enter …" / "Choose …" error of that field;
//! * a number where text belongs is read as its decimal text (`"iin": 200229600006` works);
//! * unknown fields are ignored; unknown enum values stay as text and become errors later;
//! * every text is cut to [`MAX_TEXT_CHARS`] + 1 characters on reading, so a 10 MB paste costs
//!   one linear pass and still fails its length rule;
//! * lists are cut to [`MAX_PHONES`] phones and [`MAX_DOCUMENTS`] documents, remembering that
//!   more were sent.
//!
//! Only a document that is not JSON at all, or whose top level is not an object, is refused
//! (code `form.format`); `serde_json` limits nesting to 128 levels, so hostile depth is refused
//! the same way instead of overflowing the stack.

use serde::Serialize;
use serde_json::{Map, Value};
use tsify::Tsify;

/// Texts longer than this are cut on reading (every limit in the form is far below it).
pub const MAX_TEXT_CHARS: usize = 1000;
/// Phones kept from the list; more than two is an error anyway.
pub const MAX_PHONES: usize = 10;
/// Documents kept from the list.
pub const MAX_DOCUMENTS: usize = 30;

/// The Appendix 1 form as typed: the input of [`super::validate`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    #[tsify(optional)]
    pub applicant: ApplicantDraft,
    #[tsify(optional)]
    pub child: PersonDraft,
    /// One of the ten categories of Appendix 1 (`serviceman`, …, `none`).
    #[tsify(optional, type = "Category | null")]
    pub category: Option<String>,
    #[tsify(optional)]
    pub queue: QueueDraft,
    #[tsify(optional)]
    pub notifications: NotificationsDraft,
    /// Only JSON `true` is consent.
    #[tsify(optional, type = "boolean | null")]
    pub consent: Option<bool>,
    /// `portal`, `state_corporation` or `provider_office`.
    #[tsify(optional, type = "Channel | null")]
    pub channel: Option<String>,
    #[tsify(optional)]
    pub documents: Vec<DocumentDraft>,
    /// More than [`MAX_DOCUMENTS`] documents were sent (not part of the JSON).
    #[serde(skip)]
    pub too_many_documents: bool,
}

/// A person's name and IIN as typed (the child).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PersonDraft {
    #[tsify(optional, type = "string | null")]
    pub last_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub first_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub middle_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub iin: Option<String>,
}

/// The applicant as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantDraft {
    #[tsify(optional, type = "string | null")]
    pub last_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub first_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub middle_name: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub iin: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub address: Option<String>,
    #[tsify(optional)]
    pub locality: LocalityDraft,
}

/// The locality (city, village, settlement) as chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LocalityDraft {
    /// The 9-digit KATO code.
    #[tsify(optional, type = "string | null")]
    pub code: Option<String>,
    #[tsify(optional, type = "string | null")]
    pub name: Option<String>,
}

/// The queue choice as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct QueueDraft {
    /// `general`, `special` or `sanatorium`.
    #[tsify(optional, type = "QueueType | null")]
    pub kind: Option<String>,
    /// For `special`: the type of disorder.
    #[tsify(optional, type = "Disorder | null")]
    pub disorder: Option<String>,
    /// For `sanatorium`: the group profile.
    #[tsify(optional, type = "SanatoriumProfile | null")]
    pub profile: Option<String>,
    /// For `special` and `sanatorium`: the kindergarten whose queue the child joins (rule 13),
    /// by the identifier the backend publishes (`kg1`).
    #[tsify(optional, type = "string | null")]
    pub kindergarten: Option<String>,
    /// Language of instruction.
    #[tsify(optional, type = "InstructionLanguage | null")]
    pub language: Option<String>,
    /// `full_day`, `part_day` or `round_the_clock`.
    #[tsify(optional, type = "StayMode | null")]
    pub stay_mode: Option<String>,
}

/// Where to send notifications, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct NotificationsDraft {
    /// Mobile numbers, in the order of the inputs (blank ones are skipped by validation).
    #[tsify(optional, type = "(string | null)[]")]
    pub phones: Vec<Option<String>>,
    #[tsify(optional, type = "string | null")]
    pub email: Option<String>,
    /// More than [`MAX_PHONES`] phones were sent (not part of the JSON).
    #[serde(skip)]
    pub too_many_phones: bool,
}

/// A document the person has, with its issue date when the page asked for one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDraft {
    /// A [`crate::document::DocumentKind`] id.
    #[tsify(optional, type = "DocumentKind | null")]
    pub kind: Option<String>,
    /// `YYYY-MM-DD`.
    #[tsify(optional, type = "string | null")]
    pub issued_on: Option<String>,
}

/// Why a form could not be read at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

impl Draft {
    /// Reads a form from JSON text; only text that is not a JSON object is refused.
    pub fn from_json(json: &str) -> Result<Draft, Unreadable> {
        let value: Value = serde_json::from_str(json).map_err(|_| Unreadable)?;
        Draft::from_value(&value)
    }

    /// Reads a form from a parsed JSON value; only a non-object is refused.
    pub fn from_value(value: &Value) -> Result<Draft, Unreadable> {
        let root = value.as_object().ok_or(Unreadable)?;
        let map = Some(root);
        let documents = list(root, "documents");
        Ok(Draft {
            applicant: ApplicantDraft::from_map(object(map, "applicant")),
            child: PersonDraft::from_map(object(map, "child")),
            category: text(map, "category"),
            queue: QueueDraft::from_map(object(map, "queue")),
            notifications: NotificationsDraft::from_map(object(map, "notifications")),
            consent: root.get("consent").and_then(Value::as_bool),
            channel: text(map, "channel"),
            too_many_documents: documents.len() > MAX_DOCUMENTS,
            documents: documents
                .iter()
                .take(MAX_DOCUMENTS)
                .map(|d| {
                    let d = d.as_object();
                    DocumentDraft { kind: text(d, "kind"), issued_on: text(d, "issuedOn") }
                })
                .collect(),
        })
    }
}

impl PersonDraft {
    fn from_map(map: Option<&Map<String, Value>>) -> PersonDraft {
        PersonDraft {
            last_name: text(map, "lastName"),
            first_name: text(map, "firstName"),
            middle_name: text(map, "middleName"),
            iin: text(map, "iin"),
        }
    }
}

impl ApplicantDraft {
    fn from_map(map: Option<&Map<String, Value>>) -> ApplicantDraft {
        let locality = object(map, "locality");
        ApplicantDraft {
            last_name: text(map, "lastName"),
            first_name: text(map, "firstName"),
            middle_name: text(map, "middleName"),
            iin: text(map, "iin"),
            address: text(map, "address"),
            locality: LocalityDraft { code: text(locality, "code"), name: text(locality, "name") },
        }
    }
}

impl QueueDraft {
    fn from_map(map: Option<&Map<String, Value>>) -> QueueDraft {
        QueueDraft {
            kind: text(map, "kind"),
            disorder: text(map, "disorder"),
            profile: text(map, "profile"),
            kindergarten: text(map, "kindergarten"),
            language: text(map, "language"),
            stay_mode: text(map, "stayMode"),
        }
    }
}

impl NotificationsDraft {
    fn from_map(map: Option<&Map<String, Value>>) -> NotificationsDraft {
        let phones = map.map_or(&[][..], |m| list(m, "phones"));
        NotificationsDraft {
            too_many_phones: phones.len() > MAX_PHONES,
            phones: phones.iter().take(MAX_PHONES).map(as_text).collect(),
            email: text(map, "email"),
        }
    }
}

/// The object under `key`, if there is one and it is an object.
fn object<'a>(map: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a Map<String, Value>> {
    map?.get(key)?.as_object()
}

/// The list under `key`, or an empty one when absent or not a list.
fn list<'a>(map: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    map.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

fn text(map: Option<&Map<String, Value>>, key: &str) -> Option<String> {
    map?.get(key).and_then(as_text)
}

/// A string (cut to [`MAX_TEXT_CHARS`] + 1 characters) or a number as text; else absent.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(cap(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first `MAX_TEXT_CHARS + 1` characters: enough to fail any length rule, never more.
pub(crate) fn cap(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS + 1) {
        Some((cut, _)) => text.get(..cut).unwrap_or_default().to_owned(),
        None => text.to_owned(),
    }
}
