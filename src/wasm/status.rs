//! The application's life: `statusView`, `referralDeadline`, `formatMoment` (`loadPolicy` and
//! `servicePolicy` are in `policy.rs`: both parts of the package carry them).
//! The page never rebuilds a status: it passes the backend's (or the register's replayed)
//! status to `statusView` with the current instant, once a second for the countdowns.

use super::{js_error, json_text, lang_arg, string_arg, to_js, with_deadlines};
use crate::calendar::zone;
use crate::status::{self, Status, StatusView};
use tsify::Ts;
use wasm_bindgen::prelude::*;

fn parse_instant(text: &str, what: &str) -> Result<chrono::DateTime<chrono::Utc>, JsValue> {
    crate::calendar::parse_instant(text.trim()).map_err(|e| js_error(e.code(), &format!("{what}: {}", e.detail())))
}

/// Reads a status argument (the backend's, or the register's replayed one) with the core's
/// reader; throws `status.format` for one it refuses. `statusView` and `StatusTicker` take it.
pub(crate) fn status_arg(status: &Ts<Status>) -> Result<Status, JsValue> {
    json_text(&status.js_value())
        .ok_or_else(|| "status: expected a JSON object".to_owned())
        .and_then(|text| Status::from_json(&text))
        .map_err(|e| js_error("status.format", &e))
}

/// What the tracker shows for `status` at `now` (ISO-8601): title, deadline, time left,
/// actions and next system events, in `lang` (`kk` when absent or unknown). Deadlines that
/// ran out by `now` take effect first. Throws `status.format` for a malformed status and
/// `instant.format` for a malformed `now`.
#[wasm_bindgen(js_name = statusView)]
pub fn status_view(
    status: Ts<Status>,
    #[wasm_bindgen(unchecked_param_type = "string")] now: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<StatusView>, JsValue> {
    let status = status_arg(&status)?;
    let now = parse_instant(&string_arg(&now, "now")?, "now")?;
    let lang = lang_arg(&lang);
    let view = with_deadlines(|d| status::status_view(&status, now, lang, d)).map_err(|e| js_error(e.code(), &e.to_string()))?;
    to_js(&view)
}

/// When a referral issued at `issuedAt` expires without extension: the end of the 5th working
/// day after the issue date (Appendix 4 item 8), as ISO-8601 in Kazakhstan local time with its
/// offset, e.g. `2026-12-01T00:00:00+05:00`.
#[wasm_bindgen(js_name = referralDeadline)]
pub fn referral_deadline(#[wasm_bindgen(js_name = issuedAt, unchecked_param_type = "string")] issued_at: JsValue) -> Result<String, JsValue> {
    let issued_at = parse_instant(&string_arg(&issued_at, "issuedAt")?, "issuedAt")?;
    let deadline = with_deadlines(|d| d.referral_deadline(issued_at))?;
    Ok(zone::format_local(deadline))
}

/// An instant as the pages write it, in `lang`: `30.11.2026, 10:35 (Astana time)` (the end of a
/// day, 00:00 local, is written as 23:59 of the day before). For instants the backend gives —
/// when an applicant brought the originals, by when they are confirmed — so a page never
/// formats a time itself. Throws `instant.format` for a malformed instant.
#[wasm_bindgen(js_name = formatMoment)]
pub fn format_moment(
    #[wasm_bindgen(unchecked_param_type = "string")] instant: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<String, JsValue> {
    let instant = parse_instant(&string_arg(&instant, "instant")?, "instant")?;
    let lang = lang_arg(&lang);
    Ok(status::format_moment(instant, lang))
}
