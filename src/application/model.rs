//! The validated application: what a [`super::Draft`] becomes once every rule holds.
//!
//! Every field has the type of what it is (an [`Iin`], a [`MobilePhone`], a [`Category`]), so
//! code that receives an [`Application`] never checks anything again.

use super::email::Email;
use super::names::Name;
use super::phone::MobilePhone;
use crate::document::DocumentKind;
use crate::iin::Iin;
use crate::queue::{Class, KeyError, QueueKey, Token};
use chrono::NaiveDate;
use serde::Serialize;
use tsify::Tsify;

/// An Appendix 1 application in which every rule holds (consent was given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub applicant: Applicant,
    pub child: Child,
    pub category: Category,
    pub queue: QueueChoice,
    pub notifications: Notifications,
    pub channel: Channel,
    pub documents: Vec<Document>,
}

/// Surname, name and patronymic (if any), Appendix 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FullName {
    pub last: Name,
    pub first: Name,
    pub middle: Option<Name>,
}

/// The parent or legal representative who applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub name: FullName,
    pub iin: Iin,
    /// Residential address, trimmed, at most [`super::rules::MAX_ADDRESS_CHARS`] characters.
    pub address: String,
    pub locality: Locality,
}

/// The locality whose general queue the child joins (rule 13).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locality {
    /// The 9-digit code of the administrative-territorial classifier (KATO).
    pub code: String,
    /// The name as shown to the person (may be empty: the code is what counts).
    pub name: String,
}

/// The child. The birth year that groups the queue (rule 13) is `iin.birth_date().year()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Child {
    pub name: FullName,
    pub iin: Iin,
}

/// The ten categories of Appendix 1, exactly one per application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 1) child of a serviceman, including killed, deceased or missing.
    Serviceman,
    /// 2) child of a special state body employee, likewise.
    SpecialStateBody,
    /// 3) child whose parents (legal representatives) are disabled.
    DisabledParent,
    /// 4) child with special educational needs.
    SpecialNeeds,
    /// 5) child left without parental care.
    NoParentalCare,
    /// 6) orphan.
    Orphan,
    /// 7) child from a large family.
    LargeFamily,
    /// 8) child of a teacher.
    Teacher,
    /// 9) child from a family raising a disabled child.
    DisabledChildInFamily,
    /// 10) none of the above.
    None,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Serviceman,
        Category::SpecialStateBody,
        Category::DisabledParent,
        Category::SpecialNeeds,
        Category::NoParentalCare,
        Category::Orphan,
        Category::LargeFamily,
        Category::Teacher,
        Category::DisabledChildInFamily,
        Category::None,
    ];

    /// The JSON id.
    pub const fn id(self) -> &'static str {
        match self {
            Category::Serviceman => "serviceman",
            Category::SpecialStateBody => "special_state_body",
            Category::DisabledParent => "disabled_parent",
            Category::SpecialNeeds => "special_needs",
            Category::NoParentalCare => "no_parental_care",
            Category::Orphan => "orphan",
            Category::LargeFamily => "large_family",
            Category::Teacher => "teacher",
            Category::DisabledChildInFamily => "disabled_child_in_family",
            Category::None => "none",
        }
    }

    pub fn parse(id: &str) -> Option<Category> {
        let id = super::text::trim(id);
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Categories 1-2 are extraordinary, 3-9 priority, 10 general (Appendix 1, rule 21): the
    /// queue's one class type.
    pub const fn class(self) -> Class {
        match self {
            Category::Serviceman | Category::SpecialStateBody => Class::Extraordinary,
            Category::None => Class::General,
            _ => Class::Priority,
        }
    }
}

/// Which queue, with what the special and sanatorium queues are split by: they are kept per
/// kindergarten (rule 13) and split by disorder or profile (rule 14).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum QueueKind {
    General,
    Special { kindergarten: Token, disorder: Disorder },
    Sanatorium { kindergarten: Token, profile: SanatoriumProfile },
}

/// The kind of queue without its detail, as the checklist needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum QueueType {
    #[default]
    General,
    Special,
    Sanatorium,
}

impl QueueType {
    pub fn parse(id: &str) -> Option<QueueType> {
        match super::text::trim(id) {
            "general" => Some(QueueType::General),
            "special" => Some(QueueType::Special),
            "sanatorium" => Some(QueueType::Sanatorium),
            _ => None,
        }
    }
}

impl QueueKind {
    pub fn queue_type(&self) -> QueueType {
        match self {
            QueueKind::General => QueueType::General,
            QueueKind::Special { .. } => QueueType::Special,
            QueueKind::Sanatorium { .. } => QueueType::Sanatorium,
        }
    }
}

/// Generates a closed vocabulary: an enum with `ALL`, `id()` and `parse()`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
        pub enum $name { $(#[serde(rename = $id)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn parse(id: &str) -> Option<$name> {
                let id = $crate::application::text::trim(id);
                $name::ALL.iter().copied().find(|v| v.id() == id)
            }
        }
    };
}

vocabulary! {
    /// The disorder a special group is for (rule 14: special queues split by disorder type).
    Disorder {
        Hearing = "hearing",
        Vision = "vision",
        Speech = "speech",
        Intellectual = "intellectual",
        Musculoskeletal = "musculoskeletal",
        Autism = "autism",
        DelayedDevelopment = "delayed_development",
        Other = "other",
    }
}

vocabulary! {
    /// The profile of a sanatorium group (rule 14: split by rehabilitation/prevention type).
    SanatoriumProfile {
        Tuberculosis = "tuberculosis",
        Respiratory = "respiratory",
        Other = "other",
    }
}

vocabulary! {
    /// Language of instruction: Kazakh and Russian everywhere; Uzbek, Uyghur and Tajik where a
    /// kindergarten has such groups.
    InstructionLanguage {
        Kk = "kk",
        Ru = "ru",
        Uz = "uz",
        Ug = "ug",
        Tg = "tg",
    }
}

vocabulary! {
    /// Stay mode of a group.
    StayMode {
        FullDay = "full_day",
        PartDay = "part_day",
        RoundTheClock = "round_the_clock",
    }
}

vocabulary! {
    /// How the application is submitted (Appendix 2).
    Channel {
        Portal = "portal",
        StateCorporation = "state_corporation",
        ProviderOffice = "provider_office",
    }
}

/// The queue the child joins.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct QueueChoice {
    pub kind: QueueKind,
    pub language: InstructionLanguage,
    pub stay_mode: StayMode,
}

/// Where notifications go: at most two mobiles and one e-mail, at least one of them (Appendix 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notifications {
    pub phones: Vec<MobilePhone>,
    pub email: Option<Email>,
}

/// A document the applicant declared, with its issue date when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Document {
    pub kind: DocumentKind,
    pub issued_on: Option<NaiveDate>,
}

impl Application {
    /// The queue this application stands in (rules 13, 14): the one key format of
    /// [`QueueKey`], for the browser and the backend alike.
    pub fn queue_key(&self) -> Result<QueueKey, KeyError> {
        let locality: u32 = self.applicant.locality.code.parse().map_err(|_| KeyError::locality())?;
        let year = u16::try_from(chrono::Datelike::year(&self.child.iin.birth_date())).map_err(|_| KeyError::birth_year())?;
        let kind = match &self.queue.kind {
            QueueKind::General => crate::queue::QueueKind::General,
            QueueKind::Special { kindergarten, disorder } => crate::queue::QueueKind::Special { kindergarten: kindergarten.clone(), disorder: Token::new(disorder.id())? },
            QueueKind::Sanatorium { kindergarten, profile } => crate::queue::QueueKind::Sanatorium { kindergarten: kindergarten.clone(), profile: Token::new(profile.id())? },
        };
        QueueKey::new(locality, year, kind)
    }

    /// Whether a PMPC conclusion is declared: the child has special educational needs
    /// confirmed, which exempts it from the age limit whatever the category (rule 18) and lets
    /// it stand in several queues (rule 17).
    pub fn has_pmpc(&self) -> bool {
        self.documents.iter().any(|d| d.kind == crate::document::DocumentKind::PmpcConclusion)
    }

    /// The day the system archives this application for age (rules 18, 24.9), if ever.
    pub fn ages_out_on(&self) -> Option<NaiveDate> {
        crate::status::aged_out_on(self.child.iin.birth_date(), self.has_pmpc())
    }

    /// The application as the form's JSON shape, with every value normalised (trimmed names,
    /// IINs without separators, phones as `+77XXXXXXXXX`): what a backend stores. Reading it
    /// back with [`Application::from_draft`] gives the same application.
    pub fn to_draft(&self) -> super::Draft<'_> {
        use super::draft::*;
        fn name(n: &Option<Name>) -> Option<std::borrow::Cow<'_, str>> {
            n.as_ref().map(|n| n.as_str().into())
        }
        let (kind, disorder, profile, kindergarten) = match &self.queue.kind {
            QueueKind::General => ("general", None, None, None),
            QueueKind::Special { kindergarten, disorder } => ("special", Some(disorder.id().into()), None, Some(kindergarten.as_str().into())),
            QueueKind::Sanatorium { kindergarten, profile } => ("sanatorium", None, Some(profile.id().into()), Some(kindergarten.as_str().into())),
        };
        let a = &self.applicant;
        super::Draft {
            applicant: ApplicantDraft {
                last_name: Some(a.name.last.as_str().into()),
                first_name: Some(a.name.first.as_str().into()),
                middle_name: name(&a.name.middle),
                iin: Some(a.iin.as_digits().into()),
                address: Some(a.address.as_str().into()),
                locality: LocalityDraft { code: Some(a.locality.code.as_str().into()), name: Some(a.locality.name.as_str().into()) },
            },
            child: PersonDraft {
                last_name: Some(self.child.name.last.as_str().into()),
                first_name: Some(self.child.name.first.as_str().into()),
                middle_name: name(&self.child.name.middle),
                iin: Some(self.child.iin.as_digits().into()),
            },
            category: Some(self.category.id().into()),
            queue: QueueDraft {
                kind: Some(kind.into()),
                disorder,
                profile,
                kindergarten,
                language: Some(self.queue.language.id().into()),
                stay_mode: Some(self.queue.stay_mode.id().into()),
            },
            notifications: NotificationsDraft {
                phones: self.notifications.phones.iter().map(|p| Some(p.as_str().into())).collect(),
                email: self.notifications.email.as_ref().map(|e| e.as_str().into()),
                too_many_phones: false,
            },
            consent: Some(true),
            channel: Some(self.channel.id().into()),
            documents: self
                .documents
                .iter()
                .map(|d| DocumentDraft {
                    kind: Some(d.kind.id().into()),
                    issued_on: d.issued_on.map(|on| crate::calendar::format_date(on).into()),
                })
                .collect(),
            too_many_documents: false,
        }
    }
}
