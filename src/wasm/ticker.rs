//! `StatusTicker`: the tracker's countdowns. Calls back with the core's `statusView` of one
//! status at once and then once a second (gloo-timers), at the page's clock: the device's
//! clock plus the offset the page measured against the service (`GET /api/time`). The page
//! never computes a time left itself; it shows what each tick gives.
//!
//! The status is read once, when the ticker starts; a new status (after a reload or a write)
//! is a new ticker. `stop()` (or `free()`) ends it; so does a callback that throws, so a
//! broken page does not throw once a second for ever.

use super::{lang_arg, to_js, with_deadlines};
use crate::i18n::Lang;
use crate::status::{self, Status};
use chrono::DateTime;
use gloo_timers::callback::Interval;
use std::cell::Cell;
use std::rc::Rc;
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// The ticker; see the module docs.
#[wasm_bindgen]
pub struct StatusTicker {
    interval: Option<Interval>,
    stopped: Rc<Cell<bool>>,
}

/// One tick: the view at the page's clock, handed to `on_tick`. `false` when the ticker must
/// stop (the callback threw, or the view could not be made).
fn tick(status: &Status, offset_ms: f64, lang: Lang, on_tick: &js_sys::Function) -> bool {
    let ms = js_sys::Date::now() + offset_ms;
    let Some(now) = DateTime::from_timestamp_millis(ms as i64) else { return false };
    let view = with_deadlines(|d| status::status_view(status, now, lang, d)).ok().and_then(|v| to_js(&v).ok());
    match view {
        Some(view) => on_tick.call1(&JsValue::NULL, &view.into()).is_ok(),
        None => false,
    }
}

#[wasm_bindgen]
impl StatusTicker {
    /// Starts a ticker over `status` (the backend's, as `statusView` takes it): `onTick(view)`
    /// now, then every second. `lang` is `kk` (default), `ru` or `en`; `offsetMs` is added to
    /// the device's clock. Throws `status.format` for a malformed status.
    #[wasm_bindgen(constructor)]
    pub fn new(
        status: Ts<Status>,
        #[wasm_bindgen(unchecked_param_type = "string")] lang: JsValue,
        #[wasm_bindgen(js_name = offsetMs)] offset_ms: f64,
        #[wasm_bindgen(js_name = onTick, unchecked_param_type = "(view: StatusView) => void")] on_tick: js_sys::Function,
    ) -> Result<StatusTicker, JsValue> {
        let status = super::status::status_arg(&status)?;
        let offset_ms = if offset_ms.is_finite() { offset_ms } else { 0.0 };
        let lang = lang_arg(&lang);
        let stopped = Rc::new(Cell::new(false));
        if !tick(&status, offset_ms, lang, &on_tick) {
            return Ok(StatusTicker { interval: None, stopped });
        }
        let flag = stopped.clone();
        let interval = Interval::new(1000, move || {
            if !flag.get() && !tick(&status, offset_ms, lang, &on_tick) {
                flag.set(true);
            }
        });
        Ok(StatusTicker { interval: Some(interval), stopped })
    }

    /// Whether the ticker still ticks.
    #[wasm_bindgen(getter)]
    pub fn running(&self) -> bool {
        self.interval.is_some() && !self.stopped.get()
    }

    /// Stops the ticker (the timer is cleared).
    pub fn stop(&mut self) {
        self.stopped.set(true);
        self.interval = None;
    }
}
