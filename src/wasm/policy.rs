//! The provider's policy in force: `loadPolicy`, `servicePolicy`. Both modules of the package
//! carry it: the checklist counts the originals' deadline with it, the tracker every other one.

use super::{js_error, string_arg, with_calendar};
use crate::status::{Deadlines, ServicePolicy};
use std::cell::Cell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The provider's policy in force: the Rules' values until `loadPolicy` replaces it.
    static POLICY: Cell<ServicePolicy> = const { Cell::new(ServicePolicy::RULES) };
}

/// Runs `f` with the policy in force.
pub(crate) fn with_policy<R>(f: impl FnOnce(&ServicePolicy) -> R) -> R {
    f(&POLICY.with(Cell::get))
}

/// Runs `f` with the calendar and the policy in force.
pub(crate) fn with_deadlines<R>(f: impl FnOnce(&Deadlines) -> R) -> R {
    with_policy(|policy| with_calendar(|calendar| f(&Deadlines::new(calendar, policy))))
}

/// Replaces the policy in force with the provider's (the JSON `GET /api/policy` serves; absent
/// fields keep the Rules' values). Throws `policy.format` and keeps the old policy on error.
#[wasm_bindgen(js_name = loadPolicy)]
pub fn load_policy(#[wasm_bindgen(unchecked_param_type = "string")] json: JsValue) -> Result<(), JsValue> {
    let policy = ServicePolicy::from_json(&string_arg(&json, "json")?).map_err(|e| js_error("policy.format", &e))?;
    POLICY.with(|cell| cell.set(policy));
    Ok(())
}

/// The policy in force, as JSON text (`windowOpensAt`, `bulletinAt`, …).
#[wasm_bindgen(js_name = servicePolicy)]
pub fn service_policy() -> String {
    with_policy(|p| crate::json::write::to_string(p).unwrap_or_default())
}
