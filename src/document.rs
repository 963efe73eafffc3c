//! The kinds of documents the Rules name, shared by the application form and the checklist.
//!
//! Each kind has a stable snake_case id (the `kind` in the form's `documents` list and the `id`
//! of a checklist item). Where the documents come from (Appendix 2 for queue registration,
//! Appendix 4 for admission):
//!
//! | id                                          | document                                                  | where    |
//! |---------------------------------------------|-----------------------------------------------------------|----------|
//! | `application`                               | the application itself (Appendix 1)                       | App. 2.1, App. 4 (non-residents) |
//! | `applicant_identity`                        | the applicant's (parent's) identity document              | App. 2.3, App. 4.2 |
//! | `child_birth_certificate`                   | the child's birth certificate or birth document           | App. 2.2, App. 4.3 |
//! | `serviceman_workplace_certificate`          | certificate from a serviceman's workplace                 | App. 2.4 |
//! | `special_state_body_workplace_certificate`  | certificate from a special state body employee's workplace| App. 2.4 |
//! | `teacher_workplace_certificate`             | certificate from a teacher's workplace                    | App. 2.5 |
//! | `teacher_diploma`                           | copy of the teacher's diploma                             | App. 2.5 |
//! | `pmpc_conclusion`                           | conclusion of the psychological-medical-pedagogical consultation | App. 2.6, App. 4.6 |
//! | `phthisiatrician_conclusion`                | phthisiatrician's conclusion (sanatorium groups)          | App. 2.7 |
//! | `priority_right_confirmation`               | documents confirming the priority right                   | App. 2.8 |
//! | `referral`                                  | referral to the kindergarten                              | App. 4.1 |
//! | `child_health_passport`                     | child's health passport (form 026/u-3)                    | App. 4.4 |
//! | `child_health_certificate`                  | child's health certificate (form 027/e)                   | App. 4.5, rule 34 |
//! | `vaccination_card`                          | vaccination card (form 065/e), non-residents              | App. 4 (non-residents) |

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A kind of document named by the Rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Application,
    ApplicantIdentity,
    ChildBirthCertificate,
    ServicemanWorkplaceCertificate,
    SpecialStateBodyWorkplaceCertificate,
    TeacherWorkplaceCertificate,
    TeacherDiploma,
    PmpcConclusion,
    PhthisiatricianConclusion,
    PriorityRightConfirmation,
    Referral,
    ChildHealthPassport,
    ChildHealthCertificate,
    VaccinationCard,
}

impl DocumentKind {
    /// Every kind, in the order the checklist lists them.
    pub const ALL: [DocumentKind; 14] = [
        DocumentKind::Application,
        DocumentKind::Referral,
        DocumentKind::ApplicantIdentity,
        DocumentKind::ChildBirthCertificate,
        DocumentKind::ServicemanWorkplaceCertificate,
        DocumentKind::SpecialStateBodyWorkplaceCertificate,
        DocumentKind::TeacherWorkplaceCertificate,
        DocumentKind::TeacherDiploma,
        DocumentKind::PriorityRightConfirmation,
        DocumentKind::PmpcConclusion,
        DocumentKind::PhthisiatricianConclusion,
        DocumentKind::ChildHealthPassport,
        DocumentKind::ChildHealthCertificate,
        DocumentKind::VaccinationCard,
    ];

    /// The stable id.
    pub const fn id(self) -> &'static str {
        match self {
            DocumentKind::Application => "application",
            DocumentKind::ApplicantIdentity => "applicant_identity",
            DocumentKind::ChildBirthCertificate => "child_birth_certificate",
            DocumentKind::ServicemanWorkplaceCertificate => "serviceman_workplace_certificate",
            DocumentKind::SpecialStateBodyWorkplaceCertificate => "special_state_body_workplace_certificate",
            DocumentKind::TeacherWorkplaceCertificate => "teacher_workplace_certificate",
            DocumentKind::TeacherDiploma => "teacher_diploma",
            DocumentKind::PmpcConclusion => "pmpc_conclusion",
            DocumentKind::PhthisiatricianConclusion => "phthisiatrician_conclusion",
            DocumentKind::PriorityRightConfirmation => "priority_right_confirmation",
            DocumentKind::Referral => "referral",
            DocumentKind::ChildHealthPassport => "child_health_passport",
            DocumentKind::ChildHealthCertificate => "child_health_certificate",
            DocumentKind::VaccinationCard => "vaccination_card",
        }
    }

    /// The kind with this id (exact, case-sensitive after trimming), if any.
    pub fn parse(id: &str) -> Option<DocumentKind> {
        let id = crate::application::text::trim(id);
        DocumentKind::ALL.into_iter().find(|k| k.id() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_match_serde() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.id()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.id()));
        }
        assert_eq!(DocumentKind::parse("passport"), None);
    }
}
