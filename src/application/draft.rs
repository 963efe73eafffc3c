//! The form as a person typed it: every field optional text, nothing checked yet.
//!
//! A draft is read from JSON text by hand ([`Draft::from_json`], with the tolerant one-pass
//! reader of [`crate::json`]) rather than by a derived `Deserialize`, because a derived one fails
//! the whole form on the first surprise and the person would lose everything. Here:
//!
//! * a missing field, `null`, or a value of the wrong JSON type (an object where text belongs)
//!   is read as absent, so it becomes a "Enter …" / "Choose …" error of that field;
//! * a number where text belongs is read as its JSON text (`"iin": 200229600006` works);
//! * unknown fields are ignored; unknown enum values stay as text and become errors later;
//! * every text is cut to [`MAX_TEXT_CHARS`] + 1 characters on reading, so a 10 MB paste costs
//!   one linear pass and still fails its length rule;
//! * lists are cut to [`MAX_PHONES`] phones and [`MAX_DOCUMENTS`] documents, remembering that
//!   more were sent.
//!
//! Only a document that is not JSON at all, or whose top level is not an object, is refused
//! (code `form.format`); nesting is limited to 128 levels ([`crate::json`]), so hostile depth
//! is refused the same way instead of overflowing the stack.

use crate::json::{Invalid, Reader};
use serde::Serialize;
use std::borrow::Cow;
use tsify::Tsify;

/// A field's text, as `Option::as_deref` gives it. The rules read some twenty fields on every
/// keystroke, and at this crate's inline threshold (`.cargo/config.toml`) `Cow::deref` stays a
/// call at each of them; this one is always inlined.
pub(crate) trait FieldText {
    fn text(&self) -> Option<&str>;
}

impl FieldText for Option<Cow<'_, str>> {
    #[inline(always)]
    fn text(&self) -> Option<&str> {
        match self {
            Some(Cow::Borrowed(text)) => Some(text),
            Some(Cow::Owned(text)) => Some(text.as_str()),
            None => None,
        }
    }
}

/// Texts longer than this are cut on reading (every limit in the form is far below it).
pub const MAX_TEXT_CHARS: usize = 1000;
/// Phones kept from the list; more than two is an error anyway.
pub const MAX_PHONES: usize = 10;
/// Documents kept from the list.
pub const MAX_DOCUMENTS: usize = 30;

/// The Appendix 1 form as typed: the input of [`super::validate`]. Its texts are borrowed from
/// the JSON text it was read from where they need no unescaping ([`Draft::into_owned`] copies them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Draft<'a> {
    #[tsify(optional)]
    pub applicant: ApplicantDraft<'a>,
    #[tsify(optional)]
    pub child: PersonDraft<'a>,
    /// One of the ten categories of Appendix 1 (`serviceman`, …, `none`).
    #[tsify(optional, type = "Category | null")]
    pub category: Option<Cow<'a, str>>,
    #[tsify(optional)]
    pub queue: QueueDraft<'a>,
    #[tsify(optional)]
    pub notifications: NotificationsDraft<'a>,
    /// Only JSON `true` is consent.
    #[tsify(optional, type = "boolean | null")]
    pub consent: Option<bool>,
    /// `portal`, `state_corporation` or `provider_office`.
    #[tsify(optional, type = "Channel | null")]
    pub channel: Option<Cow<'a, str>>,
    #[tsify(optional)]
    pub documents: Vec<DocumentDraft<'a>>,
    /// More than [`MAX_DOCUMENTS`] documents were sent (not part of the JSON).
    #[serde(skip)]
    pub too_many_documents: bool,
}

/// A person's name and IIN as typed (the child).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PersonDraft<'a> {
    #[tsify(optional, type = "string | null")]
    pub last_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub first_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub middle_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub iin: Option<Cow<'a, str>>,
}

/// The applicant as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantDraft<'a> {
    #[tsify(optional, type = "string | null")]
    pub last_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub first_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub middle_name: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub iin: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub address: Option<Cow<'a, str>>,
    #[tsify(optional)]
    pub locality: LocalityDraft<'a>,
}

/// The locality (city, village, settlement) as chosen.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LocalityDraft<'a> {
    /// The 9-digit KATO code.
    #[tsify(optional, type = "string | null")]
    pub code: Option<Cow<'a, str>>,
    #[tsify(optional, type = "string | null")]
    pub name: Option<Cow<'a, str>>,
}

/// The queue choice as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct QueueDraft<'a> {
    /// `general`, `special` or `sanatorium`.
    #[tsify(optional, type = "QueueType | null")]
    pub kind: Option<Cow<'a, str>>,
    /// For `special`: the type of disorder.
    #[tsify(optional, type = "Disorder | null")]
    pub disorder: Option<Cow<'a, str>>,
    /// For `sanatorium`: the group profile.
    #[tsify(optional, type = "SanatoriumProfile | null")]
    pub profile: Option<Cow<'a, str>>,
    /// For `special` and `sanatorium`: the kindergarten whose queue the child joins (rule 13),
    /// by the identifier the backend publishes (`kg1`).
    #[tsify(optional, type = "string | null")]
    pub kindergarten: Option<Cow<'a, str>>,
    /// Language of instruction.
    #[tsify(optional, type = "InstructionLanguage | null")]
    pub language: Option<Cow<'a, str>>,
    /// `full_day`, `part_day` or `round_the_clock`.
    #[tsify(optional, type = "StayMode | null")]
    pub stay_mode: Option<Cow<'a, str>>,
}

/// Where to send notifications, as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct NotificationsDraft<'a> {
    /// Mobile numbers, in the order of the inputs (blank ones are skipped by validation).
    #[tsify(optional, type = "(string | null)[]")]
    pub phones: Vec<Option<Cow<'a, str>>>,
    #[tsify(optional, type = "string | null")]
    pub email: Option<Cow<'a, str>>,
    /// More than [`MAX_PHONES`] phones were sent (not part of the JSON).
    #[serde(skip)]
    pub too_many_phones: bool,
}

/// A document the person has, with its issue date when the page asked for one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDraft<'a> {
    /// A [`crate::document::DocumentKind`] id.
    #[tsify(optional, type = "DocumentKind | null")]
    pub kind: Option<Cow<'a, str>>,
    /// `YYYY-MM-DD`.
    #[tsify(optional, type = "string | null")]
    pub issued_on: Option<Cow<'a, str>>,
}

/// Why a form could not be read at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

impl<'a> Draft<'a> {
    /// Reads a form from JSON text, in one pass; only text that is not a JSON object is
    /// refused. The wasm exports and the backend both read forms here.
    pub fn from_json(json: &'a str) -> Result<Draft<'a>, Unreadable> {
        let mut reader = Reader::new(json);
        let mut draft = Draft::default();
        let object = read_object(&mut reader, &mut draft, FORM).map_err(|_: Invalid| Unreadable)?;
        reader.end().map_err(|_| Unreadable)?;
        if object { Ok(draft) } else { Err(Unreadable) }
    }

    /// Reads a form from a parsed JSON value (a backend's request body), the same way: written
    /// back as text with every string first cut by [`cap`] (as reading would cut it anyway), so
    /// a 10 MB field is not copied and read again.
    pub fn from_value(value: &serde_json::Value) -> Result<Draft<'static>, Unreadable> {
        fn capped(value: &serde_json::Value, depth: usize) -> Result<serde_json::Value, Unreadable> {
            use serde_json::Value as J;
            if depth > crate::json::MAX_DEPTH {
                return Err(Unreadable);
            }
            Ok(match value {
                J::String(s) => J::String(cap(s)),
                J::Array(items) => J::Array(items.iter().map(|v| capped(v, depth + 1)).collect::<Result<_, _>>()?),
                J::Object(members) => {
                    J::Object(members.iter().map(|(k, v)| Ok((k.clone(), capped(v, depth + 1)?))).collect::<Result<_, _>>()?)
                }
                other => other.clone(),
            })
        }
        Draft::from_json(&capped(value, 0)?.to_string()).map(Draft::into_owned)
    }

    /// The same draft, owning its texts (a draft read from text borrows them from it).
    pub fn into_owned(self) -> Draft<'static> {
        let Draft { applicant: a, child, category, queue: q, notifications: n, consent, channel, documents, too_many_documents } = self;
        Draft {
            applicant: ApplicantDraft {
                last_name: own(a.last_name),
                first_name: own(a.first_name),
                middle_name: own(a.middle_name),
                iin: own(a.iin),
                address: own(a.address),
                locality: LocalityDraft { code: own(a.locality.code), name: own(a.locality.name) },
            },
            child: PersonDraft {
                last_name: own(child.last_name),
                first_name: own(child.first_name),
                middle_name: own(child.middle_name),
                iin: own(child.iin),
            },
            category: own(category),
            queue: QueueDraft {
                kind: own(q.kind),
                disorder: own(q.disorder),
                profile: own(q.profile),
                kindergarten: own(q.kindergarten),
                language: own(q.language),
                stay_mode: own(q.stay_mode),
            },
            notifications: NotificationsDraft {
                phones: n.phones.into_iter().map(own).collect(),
                email: own(n.email),
                too_many_phones: n.too_many_phones,
            },
            consent,
            channel: own(channel),
            documents: documents.into_iter().map(|d| DocumentDraft { kind: own(d.kind), issued_on: own(d.issued_on) }).collect(),
            too_many_documents,
        }
    }
}

fn own(text: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    text.map(|t| Cow::Owned(t.into_owned()))
}

impl Draft<'_> {
    /// The paths of members a form carries that are not part of it (`"child.nickname"`,
    /// `"documents.0.note"`), at most [`MAX_UNKNOWN`] of them. A browser ignores them
    /// ([`Draft::from_json`] skips them), but a service that stores only what the form asks for
    /// (issue 15: "store only the normalized fields the service uses") refuses a form that has
    /// any, so nothing is kept that nobody reads. Text that is not a JSON object has none.
    pub fn unknown_fields(json: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut reader = Reader::new(json);
        let _ = unknown_in(&mut reader, FORM, "", &mut found);
        found
    }
}

/// At most this many unknown members are named (the rest are refused all the same).
pub const MAX_UNKNOWN: usize = 10;

fn unknown_in(r: &mut Reader, fields: &[(&str, Field)], prefix: &str, found: &mut Vec<String>) -> Result<bool, Invalid> {
    r.object(|r, key| {
        let path = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
        match fields.iter().find(|(name, _)| *name == key).map(|(_, field)| field) {
            Some(Field::Object(inner)) => unknown_in(r, inner, &path, found).map(|_| ()),
            Some(Field::Documents) => r.list(|r, index| {
                let item = format!("{path}.{index}");
                r.object(|r, key| {
                    if key != "kind" && key != "issuedOn" && found.len() < MAX_UNKNOWN {
                        found.push(format!("{item}.{key}"));
                    }
                    r.skip()
                })
                .map(|_| ())
            })
            .map(|_| ()),
            Some(_) => r.skip(),
            None => {
                if found.len() < MAX_UNKNOWN {
                    found.push(path);
                }
                r.skip()
            }
        }
    })
}

/// Where a member of the form's JSON goes in the [`Draft`]. The form's shape is this data
/// ([`FORM`]): one line per field, read by one loop ([`read_object`]).
enum Field {
    Text(for<'a, 'd> fn(&'d mut Draft<'a>) -> &'d mut Option<Cow<'a, str>>),
    Flag(for<'a, 'd> fn(&'d mut Draft<'a>) -> &'d mut Option<bool>),
    Object(&'static [(&'static str, Field)]),
    Phones,
    Documents,
}

static FORM: &[(&str, Field)] = &[
    ("applicant", Field::Object(&[
        ("lastName", Field::Text(|d| &mut d.applicant.last_name)),
        ("firstName", Field::Text(|d| &mut d.applicant.first_name)),
        ("middleName", Field::Text(|d| &mut d.applicant.middle_name)),
        ("iin", Field::Text(|d| &mut d.applicant.iin)),
        ("address", Field::Text(|d| &mut d.applicant.address)),
        ("locality", Field::Object(&[
            ("code", Field::Text(|d| &mut d.applicant.locality.code)),
            ("name", Field::Text(|d| &mut d.applicant.locality.name)),
        ])),
    ])),
    ("child", Field::Object(&[
        ("lastName", Field::Text(|d| &mut d.child.last_name)),
        ("firstName", Field::Text(|d| &mut d.child.first_name)),
        ("middleName", Field::Text(|d| &mut d.child.middle_name)),
        ("iin", Field::Text(|d| &mut d.child.iin)),
    ])),
    ("category", Field::Text(|d| &mut d.category)),
    ("queue", Field::Object(&[
        ("kind", Field::Text(|d| &mut d.queue.kind)),
        ("disorder", Field::Text(|d| &mut d.queue.disorder)),
        ("profile", Field::Text(|d| &mut d.queue.profile)),
        ("kindergarten", Field::Text(|d| &mut d.queue.kindergarten)),
        ("language", Field::Text(|d| &mut d.queue.language)),
        ("stayMode", Field::Text(|d| &mut d.queue.stay_mode)),
    ])),
    ("notifications", Field::Object(&[("phones", Field::Phones), ("email", Field::Text(|d| &mut d.notifications.email))])),
    ("consent", Field::Flag(|d| &mut d.consent)),
    ("channel", Field::Text(|d| &mut d.channel)),
    ("documents", Field::Documents),
];

/// Reads an object's members into their fields, unknown ones skipped; a value that is not an
/// object leaves every field absent. The draft starts empty, so a field is emptied only when its
/// key comes again: then the last one counts, as in `JSON.parse`.
fn read_object<'a>(r: &mut Reader<'a>, draft: &mut Draft<'a>, fields: &[(&str, Field)]) -> Result<bool, Invalid> {
    let mut seen = 0u32; // bit i: fields[i] was read already (every table is shorter than 32)
    let mut next = 0; // pages send the members in the table's order: that one is tried first
    r.object(|r, key| {
        // The lengths first: most names differ in length, and then no comparison is called.
        let is = |(name, _): &(&str, Field)| name.len() == key.len() && *name == key;
        let i = match fields.get(next) {
            Some(field) if is(field) => next,
            _ => match fields.iter().position(is) {
                Some(i) => i,
                None => return r.skip(),
            },
        };
        next = i + 1;
        let Some((_, field)) = fields.get(i) else { return r.skip() };
        let bit = 1u32.checked_shl(i as u32).unwrap_or(0);
        if seen & bit != 0 || bit == 0 {
            clear(draft, field);
        }
        seen |= bit;
        read_field(r, draft, field)
    })
}

fn read_field<'a>(r: &mut Reader<'a>, draft: &mut Draft<'a>, field: &Field) -> Result<(), Invalid> {
    match field {
        Field::Text(at) => *at(draft) = r.text()?.map(cut),
        Field::Flag(at) => *at(draft) = r.flag()?,
        Field::Object(fields) => {
            read_object(r, draft, fields)?;
        }
        Field::Phones => {
            let n = &mut draft.notifications;
            r.list(|r, index| {
                if index < MAX_PHONES {
                    n.phones.push(r.text()?.map(cut));
                    Ok(())
                } else {
                    n.too_many_phones = true;
                    r.skip()
                }
            })?;
        }
        Field::Documents => {
            let (documents, too_many) = (&mut draft.documents, &mut draft.too_many_documents);
            r.list(|r, index| {
                if index >= MAX_DOCUMENTS {
                    *too_many = true;
                    return r.skip();
                }
                let mut d = DocumentDraft::default();
                r.object(|r, key| {
                    let at = match key {
                        "kind" => &mut d.kind,
                        "issuedOn" => &mut d.issued_on,
                        _ => return r.skip(),
                    };
                    *at = r.text()?.map(cut);
                    Ok(())
                })?;
                documents.push(d);
                Ok(())
            })?;
        }
    }
    Ok(())
}

/// Empties a field (and every field under it).
fn clear(draft: &mut Draft<'_>, field: &Field) {
    match field {
        Field::Text(at) => *at(draft) = None,
        Field::Flag(at) => *at(draft) = None,
        Field::Object(fields) => fields.iter().for_each(|(_, f)| clear(draft, f)),
        Field::Phones => {
            draft.notifications.phones.clear();
            draft.notifications.too_many_phones = false;
        }
        Field::Documents => {
            draft.documents.clear();
            draft.too_many_documents = false;
        }
    }
}

/// The first `MAX_TEXT_CHARS + 1` characters: enough to fail any length rule, never more.
pub(crate) fn cap(text: &str) -> String {
    text.get(..cap_end(text)).unwrap_or_default().to_owned()
}

/// [`cap`] on a text read from JSON: one without escapes stays borrowed from the form's text,
/// so reading a form copies only the texts it had to unescape (issue 14: speed). An unescaped
/// one that is too long is copied short, so a long paste is not kept whole.
fn cut(text: Cow<'_, str>) -> Cow<'_, str> {
    let end = cap_end(&text);
    match text {
        Cow::Borrowed(t) => Cow::Borrowed(t.get(..end).unwrap_or_default()),
        Cow::Owned(t) if end < t.len() => Cow::Owned(t.get(..end).unwrap_or_default().to_owned()),
        owned => owned,
    }
}

/// Where [`cap`] cuts `text`: its length when it is short enough.
fn cap_end(text: &str) -> usize {
    // No text has more characters than bytes: a short one needs no counting.
    if text.len() <= MAX_TEXT_CHARS + 1 {
        return text.len();
    }
    text.char_indices().nth(MAX_TEXT_CHARS + 1).map_or(text.len(), |(end, _)| end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Draft<'static> {
        Draft::from_json(text).unwrap().into_owned()
    }

    #[test]
    fn members_outside_the_form_are_named_by_their_paths() {
        let text = r#"{"applicant":{"iin":"1","pet":"cat","locality":{"code":"75","x":1}},"extra":{"big":"…"},
            "documents":[{"kind":"birth_certificate","note":"n"}],"notifications":{"phones":[],"fax":"1"},"consent":true}"#;
        assert_eq!(
            Draft::unknown_fields(text),
            ["applicant.pet", "applicant.locality.x", "extra", "documents.0.note", "notifications.fax"]
        );
    }

    #[test]
    fn a_form_with_only_its_own_members_has_no_unknown_ones() {
        let text = r#"{"applicant":{"lastName":"A","locality":{"code":"75","name":"Almaty"}},"child":{"iin":"1"},
            "queue":{"kind":"general","kindergarten":null},"documents":[{"kind":"k","issuedOn":"2024-01-01"}],
            "notifications":{"phones":["1"],"email":"a@b.kz"},"consent":true,"channel":"portal","category":"none"}"#;
        assert!(Draft::unknown_fields(text).is_empty());
        assert!(Draft::unknown_fields("not json").is_empty());
    }

    #[test]
    fn unknown_members_are_named_at_most_ten_times() {
        let members: Vec<String> = (0..50).map(|i| format!("\"x{i}\":1")).collect();
        assert_eq!(Draft::unknown_fields(&format!("{{{}}}", members.join(","))).len(), MAX_UNKNOWN);
    }

    #[test]
    fn reads_every_field() {
        let form = json!({
            "applicant": { "lastName": "Омарова", "firstName": "Айгүл", "middleName": "Серікқызы", "iin": "900510400011",
                           "address": "Алматы", "locality": { "code": "750000000", "name": "Алматы" } },
            "child": { "lastName": "Омаров", "firstName": "Нұрлан", "middleName": null, "iin": 220315600007_u64 },
            "category": "teacher",
            "queue": { "kind": "special", "disorder": "speech", "profile": "other", "language": "kk", "stayMode": "full_day" },
            "notifications": { "phones": ["+7 701 123 45 67", null, 7011234567_u64], "email": "a@b.kz" },
            "consent": true, "channel": "portal",
            "documents": [{ "kind": "pmpc_conclusion", "issuedOn": "2026-11-01" }, "not an object"],
            "unknown": { "deep": [1, 2, { "x": null }] }
        });
        let d = read(&form.to_string());
        assert_eq!(d.applicant.middle_name.as_deref(), Some("Серікқызы"));
        assert_eq!(d.applicant.locality, LocalityDraft { code: Some("750000000".into()), name: Some("Алматы".into()) });
        assert_eq!(d.child.middle_name, None);
        assert_eq!(d.child.iin.as_deref(), Some("220315600007"));
        assert_eq!(d.queue.stay_mode.as_deref(), Some("full_day"));
        assert_eq!(d.notifications.phones, [Some("+7 701 123 45 67".into()), None, Some("7011234567".into())]);
        assert_eq!(d.consent, Some(true));
        assert_eq!(d.documents, [
            DocumentDraft { kind: Some("pmpc_conclusion".into()), issued_on: Some("2026-11-01".into()) },
            DocumentDraft::default(),
        ]);
        assert_eq!(Draft::from_value(&form), Ok(d));
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_absent() {
        let d = read(r#"{ "applicant": 5, "child": { "lastName": {"a": 1}, "iin": [1] }, "category": true,
                          "queue": "general", "notifications": { "phones": "+77011234567", "email": 1 },
                          "consent": "yes", "documents": { "kind": "referral" } }"#);
        assert_eq!(d.applicant, ApplicantDraft::default());
        assert_eq!(d.child, PersonDraft::default());
        assert_eq!(d.category, None);
        assert_eq!(d.queue, QueueDraft::default());
        assert!(d.notifications.phones.is_empty());
        assert_eq!(d.notifications.email.as_deref(), Some("1"));
        assert_eq!(d.consent, None);
        assert!(d.documents.is_empty());
    }

    #[test]
    fn a_repeated_key_counts_as_its_last_value_as_in_json_parse() {
        let d = read(r#"{ "category": "teacher", "category": null, "channel": 1, "channel": "portal",
                          "applicant": { "lastName": "A", "iin": "1" }, "applicant": { "firstName": "B" },
                          "notifications": { "phones": ["1", "2"], "phones": ["3"] } }"#);
        assert_eq!(d.category, None);
        assert_eq!(d.channel.as_deref(), Some("portal"));
        assert_eq!(d.applicant, ApplicantDraft { first_name: Some("B".into()), ..ApplicantDraft::default() });
        assert_eq!(d.notifications.phones, [Some("3".into())]);
    }

    #[test]
    fn long_lists_and_texts_are_cut_on_reading() {
        let phones: Vec<String> = (0..MAX_PHONES + 1).map(|i| format!("+7701123456{}", i % 10)).collect();
        let documents: Vec<_> = (0..MAX_DOCUMENTS + 5).map(|_| json!({ "kind": "referral" })).collect();
        let long = "ә".repeat(MAX_TEXT_CHARS + 50);
        let d = read(&json!({ "notifications": { "phones": phones }, "documents": documents, "applicant": { "address": long } }).to_string());
        assert_eq!(d.notifications.phones.len(), MAX_PHONES);
        assert!(d.notifications.too_many_phones);
        assert_eq!(d.documents.len(), MAX_DOCUMENTS);
        assert!(d.too_many_documents);
        assert_eq!(d.applicant.address.map(|a| a.chars().count()), Some(MAX_TEXT_CHARS + 1));
        let exact = read(&json!({ "notifications": { "phones": vec!["1"; MAX_PHONES] } }).to_string());
        assert!(!exact.notifications.too_many_phones);
    }

    #[test]
    fn texts_are_borrowed_from_the_form_unless_escaped_and_cut_either_way() {
        let long = "ә".repeat(MAX_TEXT_CHARS + 50);
        let text = format!(r#"{{"applicant":{{"lastName":"Омарова","firstName":"А\"Б","address":"{long}","middleName":"\n{long}"}}}}"#);
        let d = Draft::from_json(&text).unwrap();
        assert!(matches!(d.applicant.last_name, Some(Cow::Borrowed("Омарова"))));
        assert!(matches!(&d.applicant.first_name, Some(Cow::Owned(t)) if t == "А\"Б"));
        assert!(matches!(&d.applicant.address, Some(Cow::Borrowed(t)) if t.chars().count() == MAX_TEXT_CHARS + 1));
        assert!(matches!(&d.applicant.middle_name, Some(Cow::Owned(t)) if t.chars().count() == MAX_TEXT_CHARS + 1 && t.starts_with("\nә")));
        assert_eq!(d.clone().into_owned(), d);
    }

    #[test]
    fn only_text_that_is_not_a_json_object_is_unreadable() {
        for text in ["", "[]", "5", "\"form\"", "null", "{", "{} {}", "{\"a\":}", "{\"consent\": tru}"] {
            assert_eq!(Draft::from_json(text), Err(Unreadable), "{text:?}");
        }
        let deep = format!("{{\"applicant\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert_eq!(Draft::from_json(&deep), Err(Unreadable));
        assert_eq!(Draft::from_value(&json!([1])), Err(Unreadable));
        assert_eq!(Draft::from_json(" {} "), Ok(Draft::default()));
    }

    #[test]
    fn a_lone_surrogate_is_a_replacement_character_in_its_field() {
        let d = read(r#"{ "applicant": { "lastName": "Ом\ud83dарова" } }"#);
        assert_eq!(d.applicant.last_name.as_deref(), Some("Ом\u{FFFD}арова"));
    }

    #[test]
    fn field_text_is_the_text_borrowed_or_owned() {
        assert_eq!(Some(Cow::Borrowed("Омарова")).text(), Some("Омарова"));
        assert_eq!(Some(Cow::<str>::Owned("А\"Б".to_owned())).text(), Some("А\"Б"));
        assert_eq!(None::<Cow<str>>.text(), None);
    }
}
