//! kezek: the rules of Kazakhstan's kindergarten queue (Rules for public services in preschool
//! education, Order No. 254 of 19 June 2020) for the citizen's browser.
//!
//! The crate is a pure domain core, one module per concept, plus a thin [`wasm`] layer that
//! exports it to JavaScript. The core never reads the clock: `today` and `now` are arguments,
//! so every deadline is testable.

pub mod application;
pub mod calendar;
pub mod checklist;
pub mod contract;
pub mod document;
pub mod i18n;
pub mod iin;
mod json;
pub mod queue;
pub mod status;
pub mod tlog;
pub mod wasm;

/// In WebAssembly, talc instead of the default dlmalloc: a smaller allocator (the package's
/// size budget, `scripts/size.sh`), and no slower for the form's many small strings.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
