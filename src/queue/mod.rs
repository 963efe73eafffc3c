//! Queues and places in them: who stands ahead of whom (rules 13, 14, 17, 20, 21, 24.4, 25).
//!
//! * [`QueueKey`] names one queue: locality, the child's birth year and the kind of queue.
//! * [`Entry`] is one application as the queue sees it: its pseudonymous
//!   [`ApplicationNumber`], submission instant, [`Class`] and [`State`].
//! * [`order`] and [`position`] apply the order of rule 21 under an [`OrderPolicy`].
//! * [`seat`] reads a kindergarten's report of free seats and their terms of admission
//!   (rules 3.3-3.6, 24.2, 24.6, 25).
//! * [`snapshot`] is the compact binary form the provider publishes per queue and the browser
//!   decodes to answer "what is my place?" (see `docs/snapshot-format.md`).
//! * [`describe_queue`] names a queue in words, with the localities' names as data.
//! * [`estimate`] says when access to referrals is likely to come, with its method and range.
//!
//! Submission instants are compared **to the whole second** (Unix seconds, fractions dropped):
//! the queue management system records submissions to the second, and the snapshot stores
//! seconds, so [`order`], [`position`] and a decoded snapshot always agree.

mod describe;
pub mod distribution;
pub mod estimate;
mod key;
mod number;
mod order;
pub mod seat;
pub mod snapshot;

pub use describe::{describe_queue, localities, locality_name, Locality, LOCALITIES};
pub use key::{KeyError, QueueKey, QueueKind, Token, MAX_KEY_LEN};
pub use number::{ApplicationNumber, NumberError};
pub use order::{order, position, Ahead, ClassCounts, Lead, OrderPolicy, Position};

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The right an application claims (rule 21, Appendix 1 categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Categories 1-2: children of servicemen and of special state bodies' employees.
    Extraordinary,
    /// Categories 3-9.
    Priority,
    /// Category 10.
    General,
}

impl Class {
    pub const ALL: [Class; 3] = [Class::Extraordinary, Class::Priority, Class::General];

    /// The snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Class::Extraordinary => "extraordinary",
            Class::Priority => "priority",
            Class::General => "general",
        }
    }

    /// The class with this code.
    pub fn parse(code: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.code() == code)
    }

    pub(crate) fn bits(self) -> u8 {
        match self {
            Class::Extraordinary => 0,
            Class::Priority => 1,
            Class::General => 2,
        }
    }

    pub(crate) fn from_bits(bits: u8) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.bits() == bits)
    }
}

/// Where an application is in its life, as far as the queue cares (rules 20, 25).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Waiting in the queue.
    Queued,
    /// Placed on a temporary-stay seat: keeps its place (rule 25).
    TemporaryStay,
    /// A referral was issued: the seat is reserved, the application no longer waits.
    Referred,
    Withdrawn,
    /// Removed from the queue (admitted, aged out, …).
    Archived,
    /// In the temporary archive for a violation (rule 20.6).
    StopListed,
}

impl State {
    pub const ALL: [State; 6] = [State::Queued, State::TemporaryStay, State::Referred, State::Withdrawn, State::Archived, State::StopListed];

    /// The snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::TemporaryStay => "temporary_stay",
            State::Referred => "referred",
            State::Withdrawn => "withdrawn",
            State::Archived => "archived",
            State::StopListed => "stop_listed",
        }
    }

    /// Whether the application takes a place in the queue: only `queued` and `temporary_stay`.
    pub fn is_live(self) -> bool {
        matches!(self, State::Queued | State::TemporaryStay)
    }

    pub(crate) fn bits(self) -> u8 {
        match self {
            State::Queued => 0,
            State::TemporaryStay => 1,
            State::Referred => 2,
            State::Withdrawn => 3,
            State::Archived => 4,
            State::StopListed => 5,
        }
    }

    pub(crate) fn from_bits(bits: u8) -> Option<State> {
        State::ALL.into_iter().find(|s| s.bits() == bits)
    }
}

/// One application in one queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Entry {
    pub number: ApplicationNumber,
    /// Submission instant in Unix seconds (see the module docs on whole seconds).
    pub submitted_at: i64,
    pub class: Class,
    pub state: State,
}

impl Entry {
    /// The order of rule 21 inside one class: submission instant, then application number.
    pub(crate) fn sort_key(&self) -> (i64, u64) {
        (self.submitted_at, self.number.get())
    }
}


/// An application's place in words, in `lang`: the queue number and those ahead
/// (`queue.position`), and the next-window remark (`queue.in_window`); `queue.no_place` for
/// an application that holds none.
pub fn describe_position(position: Option<&Position>, policy: &OrderPolicy, lang: crate::i18n::Lang) -> String {
    use crate::i18n::format;
    let Some(p) = position else {
        return crate::i18n::text(lang, "queue.no_place");
    };
    let text = format(
        lang,
        "queue.position",
        &[
            ("number", &p.queue_number.to_string()),
            ("extraordinary", &p.ahead.extraordinary.to_string()),
            ("priority", &p.ahead.priority.to_string()),
            ("general", &p.ahead.general.to_string()),
        ],
    );
    if p.in_next_window {
        format!("{text}. {}", format(lang, "queue.in_window", &[("window", &policy.window.to_string())]))
    } else {
        text
    }
}

// Native only: the tests use proptest, which does not build for wasm32.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

/// Sorts the queue's lists by `key` (not stable; every key used is unique, so the order is the
/// same either way): natively the standard sort (the server sorts million-entry snapshots), in
/// the browser package the calendar's heapsort, as the standard sort costs about 3 KB of gzip
/// per element type there and the browser sorts a queue's sample or one bucket at a time.
pub(crate) fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    #[cfg(target_arch = "wasm32")]
    crate::calendar::sort::sort_by_key(items, key);
    #[cfg(not(target_arch = "wasm32"))]
    items.sort_unstable_by_key(key);
}
