//! The working-day calendar: `isWorkingDay`, `nextWorkingDay`, `addWorkingDays`,
//! `workingDaysBetween`, `loadCalendar`, `kazakhstanTime`.

use super::{js_error, parse_date_arg, string_arg};
use crate::calendar::{format_date, parse_instant, zone, Calendar, BUILTIN_JSON, MAX_STEP};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The calendar in force: the built-in one until `loadCalendar` replaces it.
    static CURRENT: Cell<Option<Rc<Calendar>>> = const { Cell::new(None) };
}

/// Runs `f` with the calendar in force. Take-and-put-back keeps this free of `RefCell`
/// borrow panics.
pub(crate) fn with_calendar<R>(f: impl FnOnce(&Calendar) -> R) -> R {
    let calendar = CURRENT.with(|cell| {
        let calendar = cell
            .take()
            .unwrap_or_else(|| Rc::new(Calendar::from_json(BUILTIN_JSON).unwrap_or_else(|_| Calendar::weekends_only())));
        cell.set(Some(Rc::clone(&calendar)));
        calendar
    });
    f(&calendar)
}

/// Whether `date` (`YYYY-MM-DD`) is a working day in Kazakhstan.
#[wasm_bindgen(js_name = isWorkingDay)]
pub fn is_working_day(#[wasm_bindgen(unchecked_param_type = "string")] date: JsValue) -> Result<bool, JsValue> {
    let date = parse_date_arg(&date, "date")?;
    Ok(with_calendar(|c| c.is_working_day(date)))
}

/// The first working day after `date`.
#[wasm_bindgen(js_name = nextWorkingDay)]
pub fn next_working_day(#[wasm_bindgen(unchecked_param_type = "string")] date: JsValue) -> Result<String, JsValue> {
    let date = parse_date_arg(&date, "date")?;
    Ok(format_date(with_calendar(|c| c.next_working_day(date))?))
}

/// The date `n` working days after `date` (`date` itself not counted; negative `n` counts
/// back). `n` must be a whole number of at most 10,000 either way.
#[wasm_bindgen(js_name = addWorkingDays)]
pub fn add_working_days(#[wasm_bindgen(unchecked_param_type = "string")] date: JsValue, n: f64) -> Result<String, JsValue> {
    let date = parse_date_arg(&date, "date")?;
    if !n.is_finite() || n.fract() != 0.0 || n.abs() > MAX_STEP as f64 {
        return Err(js_error("calendar.range", &format!("n must be a whole number from -{MAX_STEP} to {MAX_STEP}")));
    }
    Ok(format_date(with_calendar(|c| c.add_working_days(date, n as i64))?))
}

/// The number of working days `d` with `from < d <= to` (negative when `to` is before `from`).
#[wasm_bindgen(js_name = workingDaysBetween)]
pub fn working_days_between(
    #[wasm_bindgen(unchecked_param_type = "string")] from: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] to: JsValue,
) -> Result<i32, JsValue> {
    let from = parse_date_arg(&from, "from")?;
    let to = parse_date_arg(&to, "to")?;
    // At most 301 years of days: always fits an i32.
    Ok(with_calendar(|c| c.working_days_between(from, to))? as i32)
}

/// Replaces the calendar in force with a calendar document (see the `calendar::data` module
/// docs). Checks the whole document first: on error, throws and keeps the old calendar.
#[wasm_bindgen(js_name = loadCalendar)]
pub fn load_calendar(#[wasm_bindgen(unchecked_param_type = "string")] json: JsValue) -> Result<(), JsValue> {
    let calendar = Calendar::from_json(&string_arg(&json, "json")?)?;
    CURRENT.with(|cell| cell.set(Some(Rc::new(calendar))));
    Ok(())
}

/// The revision label of the calendar in force.
#[wasm_bindgen(js_name = calendarRevision)]
pub fn calendar_revision() -> String {
    with_calendar(|c| c.revision().to_owned())
}

/// Kazakhstan local time for an ISO-8601 instant, as ISO-8601 with the offset then in force
/// (`2026-11-23T07:00:00+05:00`).
#[wasm_bindgen(js_name = kazakhstanTime)]
pub fn kazakhstan_time(#[wasm_bindgen(unchecked_param_type = "string")] instant: JsValue) -> Result<String, JsValue> {
    Ok(zone::format_local(parse_instant(string_arg(&instant, "instant")?.trim())?))
}
