//! The JavaScript API: conversions and exports only, no rules.
//!
//! Conventions every export follows:
//! * names are camelCase (`js_name`), arguments are plain strings and numbers, dates are
//!   `YYYY-MM-DD` and instants ISO-8601;
//! * a string parameter is declared `JsValue` with `#[wasm_bindgen(unchecked_param_type =
//!   "string")]` and read with [`error::string_arg`]: wasm-bindgen's `&str`/`String` glue traps
//!   the module when JavaScript passes a number (a browser test proves it), and the `.d.ts`
//!   still says `string`;
//! * results are tsify-derived types, so the generated `.d.ts` is exact (no `any`);
//! * a result that can be "not valid" for a person's input (an IIN, a form) is a value with
//!   `ok: false`, while a programmer's mistake (a malformed `today`, bad calendar data) throws
//!   a JavaScript `Error` whose `code` property is the stable code (see [`error`]);
//! * nothing here may panic: a panic traps the module and the citizen loses the form.

#[cfg(feature = "form")]
mod application;
mod calendar;
#[cfg(all(feature = "form", target_arch = "wasm32"))]
mod client;
mod describe;
mod error;
#[cfg(feature = "tracker")]
mod estimate;
mod i18n;
#[cfg(feature = "form")]
mod iin;
mod policy;
#[cfg(feature = "tracker")]
mod queue;
#[cfg(feature = "tracker")]
mod status;
#[cfg(feature = "tracker")]
mod tlog;
#[cfg(all(feature = "tracker", target_arch = "wasm32"))]
mod checkpoint;
#[cfg(all(feature = "tracker", target_arch = "wasm32"))]
mod ticker;
#[cfg(feature = "tracker")]
mod webcrypto;

#[cfg(feature = "form")]
pub use application::*;
pub use calendar::*;
#[cfg(all(feature = "form", target_arch = "wasm32"))]
pub use client::Client;
pub use describe::*;
#[cfg(feature = "tracker")]
pub use estimate::*;
pub use i18n::*;
#[cfg(feature = "form")]
pub use iin::*;
pub use policy::*;
#[cfg(feature = "tracker")]
pub use queue::*;
#[cfg(feature = "tracker")]
pub use status::*;
#[cfg(feature = "tracker")]
pub use tlog::*;
#[cfg(all(feature = "tracker", target_arch = "wasm32"))]
pub use checkpoint::{keep_checkpoint, last_checkpoint, KeptCheckpoint};
#[cfg(all(feature = "tracker", target_arch = "wasm32"))]
pub use ticker::StatusTicker;

pub(crate) use calendar::with_calendar;
pub(crate) use policy::with_deadlines;
#[cfg(feature = "tracker")]
pub(crate) use policy::with_policy;
#[allow(unused_imports)] // used by the exports of later modules
pub(crate) use error::{js_error, json_text, lang_arg, optional_string_arg, parse_date_arg, string_arg, to_js};
