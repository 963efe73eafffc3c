//! Reading a [`Status`] from JSON without derived `Deserialize` (see [`crate::json`] for why):
//! the same shape serde writes, `{ "state": "referred", "issuedAt": "…", "extension": … }`.

use super::{Extension, ExtensionReason, RefusalReason, Status, StopReason};
use crate::calendar::{parse_date, parse_instant, CalendarError};
use crate::json::{one_of, Object};
use serde_json::Value;

const EXTENSION_REASONS: [ExtensionReason; 4] =
    [ExtensionReason::Illness, ExtensionReason::Hospitalisation, ExtensionReason::BusinessTrip, ExtensionReason::Vacation];
const STOP_REASONS: [StopReason; 3] = [StopReason::UnreliableData, StopReason::ReferralNotUsed, StopReason::Other];
const REFUSAL_REASONS: [RefusalReason; 3] =
    [RefusalReason::UnreliableData, RefusalReason::NotEligible, RefusalReason::OriginalsNotBrought];

fn detail(e: CalendarError) -> String {
    e.detail().to_owned()
}

impl Status {
    /// Reads a status in its JSON shape; the error names the wrong field.
    pub fn from_value(value: &Value) -> Result<Status, String> {
        let o = Object::new(value, "status")?;
        let instant = |key: &str| o.parsed(key, |t| parse_instant(t).map_err(detail));
        let date = |key: &str| o.parsed(key, |t| parse_date(t).map_err(detail));
        let state = o.str("state")?;
        let (status, fields): (Status, &[&str]) = match state {
            "submitted" => (Status::Submitted { submitted_at: instant("submittedAt")? }, &["submittedAt"]),
            "queued" => (Status::Queued, &[]),
            "window_open" => (Status::WindowOpen { opened_on: date("openedOn")? }, &["openedOn"]),
            "referred" => {
                let extension = match o.object("extension")? {
                    None => None,
                    Some(e) => {
                        e.only(&["reason", "until"])?;
                        Some(Extension {
                            reason: e.parsed("reason", |t| one_of(t, &EXTENSION_REASONS, ExtensionReason::code))?,
                            until: e.parsed("until", |t| parse_date(t).map_err(detail))?,
                        })
                    }
                };
                (Status::Referred { issued_at: instant("issuedAt")?, extension }, &["issuedAt", "extension"])
            }
            "admitted" => (Status::Admitted { at: instant("at")? }, &["at"]),
            "stop_listed" => (
                Status::StopListed {
                    reason: o.parsed("reason", |t| one_of(t, &STOP_REASONS, StopReason::code))?,
                    until: o.opt_parsed("until", |t| parse_instant(t).map_err(detail))?,
                },
                &["reason", "until"],
            ),
            "withdrawn" => (Status::Withdrawn { at: instant("at")? }, &["at"]),
            "aged_out" => (Status::AgedOut { on: date("on")? }, &["on"]),
            "refused" => {
                let mut reasons = Vec::new();
                for (path, v) in o.array("reasons")? {
                    let text = v.as_str().ok_or_else(|| format!("{path}: expected a string"))?;
                    reasons.push(one_of(text, &REFUSAL_REASONS, RefusalReason::code).map_err(|e| format!("{path}: {e}"))?);
                }
                (Status::Refused { reasons }, &["reasons"])
            }
            "referral_expired" => (Status::ReferralExpired { issued_at: instant("issuedAt")? }, &["issuedAt"]),
            "referral_cancelled" => (Status::ReferralCancelled { at: instant("at")? }, &["at"]),
            other => return Err(format!("status.state: unknown state '{}'", other.chars().take(40).collect::<String>())),
        };
        let mut allowed = vec!["state"];
        allowed.extend_from_slice(fields);
        o.only(&allowed)?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every status the serde derive writes reads back the same through this reader.
    #[test]
    fn reads_what_serde_writes() {
        let t = parse_instant("2026-11-23T05:00:00Z").unwrap();
        let d = parse_date("2026-11-30").unwrap();
        let all = [
            Status::Submitted { submitted_at: t },
            Status::Queued,
            Status::WindowOpen { opened_on: d },
            Status::Referred { issued_at: t, extension: None },
            Status::Referred { issued_at: t, extension: Some(Extension { reason: ExtensionReason::BusinessTrip, until: d }) },
            Status::Admitted { at: t },
            Status::StopListed { reason: StopReason::ReferralNotUsed, until: Some(t) },
            Status::StopListed { reason: StopReason::Other, until: None },
            Status::Withdrawn { at: t },
            Status::AgedOut { on: d },
            Status::Refused { reasons: vec![RefusalReason::NotEligible, RefusalReason::OriginalsNotBrought] },
            Status::ReferralExpired { issued_at: t },
            Status::ReferralCancelled { at: t },
        ];
        for status in all {
            let value = serde_json::to_value(&status).unwrap();
            assert_eq!(Status::from_value(&value), Ok(status.clone()), "{value}");
            let back: Status = serde_json::from_value(value).unwrap();
            assert_eq!(back, status);
        }
    }

    #[test]
    fn names_what_is_wrong() {
        let cases = [
            (json!([]), "status: expected an object"),
            (json!({}), "status.state: missing"),
            (json!({ "state": "flying" }), "status.state: unknown state 'flying'"),
            (json!({ "state": "queued", "extra": 1 }), "status.extra: unknown field"),
            (json!({ "state": "admitted", "at": "yesterday" }), "status.at: 'yesterday' is not an ISO-8601 instant like 2026-11-23T07:00:00+05:00"),
            (json!({ "state": "refused", "reasons": ["lazy"] }), "status.reasons[0]: expected one of unreliable_data, not_eligible, originals_not_brought"),
            (json!({ "state": "referred", "issuedAt": "2026-11-23T05:00:00Z", "extension": { "reason": "illness" } }), "status.extension.until: missing"),
        ];
        for (value, want) in cases {
            assert_eq!(Status::from_value(&value).unwrap_err(), want, "{value}");
        }
    }
}
