//! Reading a [`Status`] from JSON without derived `Deserialize` (see [`crate::json`] for why):
//! the same shape serde writes, `{ "state": "referred", "issuedAt": "…", "extendedUntil": … }`.

use super::{ArchiveReason, RefusalReason, Status, StopReason, WindowRound};
use crate::calendar::{parse_date, parse_instant, CalendarError};
use crate::json::{Object, Value};

fn detail(e: CalendarError) -> String {
    e.detail().to_owned()
}

/// Reads a coded enum value, listing the codes on error.
fn coded<T: Copy>(text: &str, all: &[T], code: impl Fn(T) -> &'static str) -> Result<T, String> {
    crate::json::one_of(text, all, code)
}

impl Status {
    /// Reads a status from its JSON text; the error names the wrong field.
    pub fn from_json(text: &str) -> Result<Status, String> {
        Status::read(&Value::parse(text).map_err(|_| "status: not a JSON document".to_owned())?)
    }

    /// [`Status::from_json`] of a parsed document (the server's stored statuses).
    pub fn from_value(value: &serde_json::Value) -> Result<Status, String> {
        Status::from_json(&value.to_string())
    }

    fn read(value: &Value<'_>) -> Result<Status, String> {
        let o = Object::new(value, "status")?;
        let instant = |key: &str| o.parsed(key, |t| parse_instant(t).map_err(detail));
        let date = |key: &str| o.parsed(key, |t| parse_date(t).map_err(detail));
        let state = o.str("state")?;
        let (status, fields): (Status, &[&str]) = match state {
            "awaiting_originals" => (Status::AwaitingOriginals { submitted_at: instant("submittedAt")? }, &["submittedAt"]),
            "queued" => (Status::Queued { interested: o.bool_or("interested", true)? }, &["interested"]),
            "window_open" => (
                Status::WindowOpen {
                    opened_on: date("openedOn")?,
                    round: o.opt_parsed("round", |t| coded(t, WindowRound::ALL, WindowRound::code))?.unwrap_or(WindowRound::Priority),
                },
                &["openedOn", "round"],
            ),
            "referred" => (
                Status::Referred {
                    issued_at: instant("issuedAt")?,
                    extended_until: o.opt_parsed("extendedUntil", |t| parse_date(t).map_err(detail))?,
                    counts_from: o.opt_parsed("countsFrom", |t| parse_date(t).map_err(detail))?,
                },
                &["issuedAt", "extendedUntil", "countsFrom"],
            ),
            "temporary_stay" => (Status::TemporaryStay { until: date("until")? }, &["until"]),
            "stop_listed" => (Status::StopListed { reason: o.parsed("reason", |t| coded(t, StopReason::ALL, StopReason::code))? }, &["reason"]),
            "admitted" => (Status::Admitted { at: instant("at")? }, &["at"]),
            "withdrawn" => (Status::Withdrawn { at: instant("at")? }, &["at"]),
            "refused" => {
                let mut reasons = Vec::new();
                for (path, v) in o.array("reasons")? {
                    let text = v.as_str().ok_or_else(|| format!("{path}: expected a string"))?;
                    reasons.push(coded(text, RefusalReason::ALL, RefusalReason::code).map_err(|e| format!("{path}: {e}"))?);
                }
                (Status::Refused { reasons }, &["reasons"])
            }
            "archived" => (
                Status::Archived { reason: o.parsed("reason", |t| coded(t, ArchiveReason::ALL, ArchiveReason::code))?, at: instant("at")? },
                &["reason", "at"],
            ),
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
            Status::AwaitingOriginals { submitted_at: t },
            Status::Queued { interested: true },
            Status::Queued { interested: false },
            Status::WindowOpen { opened_on: d, round: WindowRound::Priority },
            Status::WindowOpen { opened_on: d, round: WindowRound::Remaining },
            Status::Referred { issued_at: t, extended_until: None, counts_from: None },
            Status::Referred { issued_at: t, extended_until: Some(d), counts_from: None },
            Status::Referred { issued_at: t, extended_until: None, counts_from: Some(d) },
            Status::TemporaryStay { until: d },
            Status::StopListed { reason: StopReason::ReferralNotUsed },
            Status::Admitted { at: t },
            Status::Withdrawn { at: t },
            Status::Refused { reasons: vec![RefusalReason::NotEligible, RefusalReason::UnreliableData] },
            Status::Archived { reason: ArchiveReason::OriginalsMissed, at: t },
        ];
        assert_eq!(all.len(), Status::CODES.len() + 4, "every state is covered");
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
            (json!({ "state": "queued", "interested": "yes" }), "status.interested: expected true or false"),
            (json!({ "state": "admitted", "at": "yesterday" }), "status.at: 'yesterday' is not an ISO-8601 instant like 2026-11-23T07:00:00+05:00"),
            (json!({ "state": "refused", "reasons": ["lazy"] }), "status.reasons[0]: expected one of unreliable_data, not_eligible"),
            (json!({ "state": "archived", "reason": "bored", "at": "2026-11-23T05:00:00Z" }), "status.reason: expected one of aged_out, originals_missed, grounds_failed"),
            (json!({ "state": "window_open", "openedOn": "2026-11-23", "round": "third" }), "status.round: expected one of priority, remaining"),
        ];
        for (value, want) in cases {
            assert_eq!(Status::from_value(&value).unwrap_err(), want, "{value}");
        }
    }
}
