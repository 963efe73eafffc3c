//! Referrals: a claim inside the access to referrals (rules 24.4, 24.5, 24.10), cancel within
//! a day and extend once (rule 30).

use crate::status::ExtensionReason;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A referral as the applicant sees it: the answer to a claim, a cancel and an extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ReferralView {
    pub id: String,
    pub application_number: String,
    pub vacancy_id: String,
    pub issued_at: String,
    /// `active`, `cancelled`, `expired`, `admitted`, `refused` or `ended`.
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub extended_until: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub extension_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub end_reason: Option<String>,
}

/// `POST /api/claims`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimRequest {
    pub number: String,
    pub vacancy_id: String,
}

/// `POST /api/referrals/{id}/cancel`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    pub number: String,
}

/// `POST /api/referrals/{id}/extend`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    pub number: String,
    /// Rule 30: illness, hospitalisation, business trip or annual leave.
    pub reason: ExtensionReason,
    /// The last day (default and maximum: 30 calendar days after issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "string")]
    pub until: Option<NaiveDate>,
}
