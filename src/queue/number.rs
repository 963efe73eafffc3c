//! Application numbers: the only name a published snapshot gives an application.

use core::fmt;
use core::str::FromStr;

/// The pseudonymous number the queue management system gives an application.
///
/// Written as 1 to 15 decimal digits without leading zeros (`"418207733190452"`), so it is a
/// value from 1 to 999 999 999 999 999 — under 2^50, which lets a snapshot store it in 7 bytes
/// and a decoded snapshot pack it with its class and state into one `u64`.
///
/// The number says nothing about the child (never an IIN, a name or a hash of either). The
/// backend draws numbers so that they look random and cannot be enumerated (for example a keyed
/// permutation of a counter over the whole range); this type only fixes their shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApplicationNumber(u64);

/// Why a text is not an application number (code `number.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberError;

impl NumberError {
    pub fn code(self) -> &'static str {
        "number.format"
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("number.format: an application number is 1 to 15 digits, not starting with 0")
    }
}

impl std::error::Error for NumberError {}

impl ApplicationNumber {
    /// The largest number: fifteen nines.
    pub const MAX: u64 = 999_999_999_999_999;

    /// The number with this value, if it is from 1 to [`ApplicationNumber::MAX`].
    pub fn new(value: u64) -> Option<ApplicationNumber> {
        (1..=Self::MAX).contains(&value).then_some(ApplicationNumber(value))
    }

    /// The numeric value.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Reads the canonical written form: digits only, no sign, no spaces, no leading zero.
    pub fn parse(text: &str) -> Result<ApplicationNumber, NumberError> {
        let bytes = text.as_bytes();
        let canonical = (1..=15).contains(&bytes.len()) && bytes.first() != Some(&b'0') && bytes.iter().all(u8::is_ascii_digit);
        if !canonical {
            return Err(NumberError);
        }
        let value = bytes.iter().fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0'));
        ApplicationNumber::new(value).ok_or(NumberError)
    }
}

impl FromStr for ApplicationNumber {
    type Err = NumberError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ApplicationNumber::parse(text)
    }
}

impl fmt::Display for ApplicationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
