//! The individual identification number (IIN, ЖСН): who a person is.
//!
//! An IIN is twelve digits: `YYMMDD` birth date, one digit for century and sex, four serial
//! digits and a check digit. Appendix 1 asks for the IIN of both the applicant and the child;
//! everything else about a person (birth date, sex) is read from it, so the rest of kezek takes
//! an [`Iin`], never a `String`.
//!
//! Parsing ignores spaces and hyphens (people copy numbers as `900101 350 123` or
//! `900101-350-123`) and checks, in this order, so that the first message is the most useful:
//!
//! | code             | meaning                                                        |
//! |------------------|----------------------------------------------------------------|
//! | `iin.empty`      | nothing but spaces was typed                                   |
//! | `iin.not_digits` | a character other than a digit, space or hyphen                |
//! | `iin.length`     | not exactly 12 digits                                          |
//! | `iin.century`    | the 7th digit is not 1-6                                       |
//! | `iin.date`       | digits 1-6 are not a real calendar date in that century        |
//! | `iin.checksum`   | the check digit does not match, or the number can never exist  |
//! | `iin.future`     | the birth date is after `today`                                |
//!
//! # Check digit
//!
//! `sum(d[i] * w[i]) mod 11` over the first eleven digits with weights `1..=11`. When that is
//! 10, a second pass uses weights `3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2`. When the second pass is
//! 10 too, no IIN is ever issued with those eleven digits: the number is rejected, never read
//! as having check digit 0.
//!
//! ```
//! use chrono::NaiveDate;
//! use kezek::iin::{Iin, Sex};
//!
//! let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
//! let iin = Iin::parse("200229 600 006", today).unwrap();
//! assert_eq!(iin.birth_date(), NaiveDate::from_ymd_opt(2020, 2, 29).unwrap());
//! assert_eq!(iin.sex(), Sex::Female);
//! assert_eq!(Iin::parse("200229600007", today).unwrap_err().code(), "iin.checksum");
//! ```

use chrono::{Datelike, NaiveDate};
use core::fmt;
use serde::Serialize;
use tsify::Tsify;

/// A valid IIN together with what it says about its holder.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Iin {
    digits: [u8; 12],
    birth_date: NaiveDate,
    sex: Sex,
}

/// Sex as encoded by the 7th digit: odd male, even female.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// Why a text is not a valid IIN. Each variant has a stable code (see [`IinError::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Tsify)]
pub enum IinError {
    #[serde(rename = "iin.empty")]
    Empty,
    #[serde(rename = "iin.length")]
    Length,
    #[serde(rename = "iin.not_digits")]
    NotDigits,
    #[serde(rename = "iin.date")]
    Date,
    #[serde(rename = "iin.century")]
    Century,
    #[serde(rename = "iin.checksum")]
    Checksum,
    #[serde(rename = "iin.future")]
    Future,
}

impl IinError {
    /// The stable code: part of the public contract, used for messages and by integrators.
    pub const fn code(self) -> &'static str {
        match self {
            IinError::Empty => "iin.empty",
            IinError::Length => "iin.length",
            IinError::NotDigits => "iin.not_digits",
            IinError::Date => "iin.date",
            IinError::Century => "iin.century",
            IinError::Checksum => "iin.checksum",
            IinError::Future => "iin.future",
        }
    }
}

impl fmt::Display for IinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::error::Error for IinError {}

const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit for the first eleven digits, or `None` when both passes give 10 and so no
/// IIN can ever be issued with these digits.
pub fn check_digit(first_eleven: &[u8; 11]) -> Option<u8> {
    let weighted = |weights: &[u32; 11]| -> u32 {
        let mut sum = 0;
        for (&d, &w) in first_eleven.iter().zip(weights) {
            sum += u32::from(d) * w;
        }
        sum % 11
    };
    match weighted(&FIRST_WEIGHTS) {
        10 => match weighted(&SECOND_WEIGHTS) {
            10 => None,
            second => Some(second as u8),
        },
        first => Some(first as u8),
    }
}

impl Iin {
    /// Parses an IIN typed by a person, checking it against `today` (no birth in the future).
    pub fn parse(text: &str, today: NaiveDate) -> Result<Iin, IinError> {
        let digits = Self::digits_of(text)?;
        let century_digit = digits[6];
        let century = match century_digit {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return Err(IinError::Century),
        };
        let sex = if century_digit % 2 == 1 { Sex::Male } else { Sex::Female };
        let pair = |i: usize| u32::from(digits[i]) * 10 + u32::from(digits[i + 1]);
        let year = century + pair(0) as i32;
        let birth_date = NaiveDate::from_ymd_opt(year, pair(2), pair(4)).ok_or(IinError::Date)?;
        let mut first_eleven = [0u8; 11];
        first_eleven.copy_from_slice(&digits[..11]);
        if check_digit(&first_eleven) != Some(digits[11]) {
            return Err(IinError::Checksum);
        }
        if birth_date > today {
            return Err(IinError::Future);
        }
        Ok(Iin { digits, birth_date, sex })
    }

    fn digits_of(text: &str) -> Result<[u8; 12], IinError> {
        let mut digits = [0u8; 12];
        let mut count = 0usize;
        let mut other = false;
        for c in text.chars() {
            match c {
                // Count past 12 without storing, so a long paste still says "length".
                '0'..='9' => {
                    if let Some(slot) = digits.get_mut(count) {
                        *slot = c as u8 - b'0';
                    }
                    count = count.saturating_add(1);
                }
                _ if is_separator(c) => {}
                _ => other = true,
            }
        }
        match (count, other) {
            (0, false) => Err(IinError::Empty),
            (_, true) => Err(IinError::NotDigits),
            (12, false) => Ok(digits),
            _ => Err(IinError::Length),
        }
    }

    /// The holder's birth date (digits 1-6 with the century from digit 7).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    /// The holder's sex (digit 7).
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// The twelve digits without separators.
    pub fn as_digits(&self) -> String {
        self.digits.iter().map(|d| char::from(b'0' + d)).collect()
    }

    /// Age in full years on `on` (a birthday counts on the day itself; 29 February birthdays
    /// count on 1 March in common years).
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        full_years(self.birth_date, on)
    }
}

/// Full years from `birth` to `on`: the number of birthdays passed, counting the day itself.
pub fn full_years(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}')
}

// Debug shows only the birth date and sex: an IIN is personal data and must not end up in logs.
impl fmt::Debug for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iin").field("birth_date", &self.birth_date).field("sex", &self.sex).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: fn() -> NaiveDate = || day(2026, 11, 22);

    /// Builds a synthetic IIN from eleven digits by appending their check digit.
    fn with_check(first_eleven: &str) -> String {
        let d: Vec<u8> = first_eleven.bytes().map(|b| b - b'0').collect();
        let arr: [u8; 11] = d.try_into().unwrap();
        format!("{first_eleven}{}", check_digit(&arr).expect("issuable"))
    }

    fn first_pass(s: &str) -> u32 {
        s.bytes().zip(FIRST_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum::<u32>() % 11
    }

    #[test]
    fn first_pass_check_digit() {
        // 2·1+0·2+0·3+2·4+2·5+9·6+6·7+0·8+0·9+0·10+0·11 = 116; 116 mod 11 = 6.
        assert_eq!(first_pass("20022960000"), 6);
        let iin = Iin::parse("200229600006", TODAY()).unwrap();
        assert_eq!(iin.birth_date(), day(2020, 2, 29));
        assert_eq!(iin.sex(), Sex::Female);
        assert_eq!(iin.as_digits(), "200229600006");
    }

    #[test]
    fn second_pass_check_digit() {
        // Find a synthetic prefix whose first pass is 10, and check the second pass is used.
        let prefix = (0..10_000)
            .map(|serial| format!("150315500{serial:04}").chars().take(11).collect::<String>())
            .find(|p| first_pass(p) == 10 && {
                let arr: [u8; 11] = p.bytes().map(|b| b - b'0').collect::<Vec<_>>().try_into().unwrap();
                check_digit(&arr).is_some()
            })
            .expect("a prefix with first pass 10 exists");
        let second = prefix.bytes().zip(SECOND_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum::<u32>() % 11;
        assert_ne!(second, 10);
        let iin = format!("{prefix}{second}");
        assert!(Iin::parse(&iin, TODAY()).is_ok(), "{iin}");
        // The same number with check digit 0 (the naive reading of "10") is wrong.
        if second != 0 {
            assert_eq!(Iin::parse(&format!("{prefix}0"), TODAY()), Err(IinError::Checksum));
        }
    }

    #[test]
    fn never_issued_when_both_passes_give_ten() {
        let prefix = (0..100_000)
            .map(|serial| format!("1503155{serial:04}"))
            .find(|p| {
                let arr: [u8; 11] = p.bytes().map(|b| b - b'0').collect::<Vec<_>>().try_into().unwrap();
                check_digit(&arr).is_none()
            })
            .expect("an unissuable prefix exists");
        for last in 0..=9 {
            assert_eq!(Iin::parse(&format!("{prefix}{last}"), TODAY()), Err(IinError::Checksum), "{prefix}{last}");
        }
    }

    #[test]
    fn every_error_code() {
        let cases = [
            ("", IinError::Empty),
            ("   ", IinError::Empty),
            ("12345", IinError::Length),
            ("2002296000061", IinError::Length),
            ("20022960000a", IinError::NotDigits),
            ("２００２２９６００００６", IinError::NotDigits), // full-width digits are not ASCII digits
            ("200230600006", IinError::Date),
            ("201301600006", IinError::Date),
            ("200229000006", IinError::Century),
            ("200229700006", IinError::Century),
            ("200229600007", IinError::Checksum),
        ];
        for (text, want) in cases {
            assert_eq!(Iin::parse(text, TODAY()), Err(want), "{text:?}");
            assert!(want.code().starts_with("iin."));
        }
        let future = with_check("27010150000");
        assert_eq!(Iin::parse(&future, TODAY()), Err(IinError::Future));
        assert_eq!(IinError::Future.code(), "iin.future");
    }

    #[test]
    fn separators_are_ignored() {
        for text in ["200229 600 006", " 200229-600-006 ", "2002 2960 0006", "200229\u{a0}600006"] {
            assert!(Iin::parse(text, TODAY()).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn leap_days_depend_on_century() {
        // 29 Feb 1900 did not exist (1900 is not a leap year); 29 Feb 2000 did.
        assert_eq!(Iin::parse(&with_check("00022930000"), TODAY()), Err(IinError::Date));
        assert_eq!(Iin::parse(&with_check("00022950000"), TODAY()).unwrap().birth_date(), day(2000, 2, 29));
        assert_eq!(Iin::parse(&with_check("96022930000"), TODAY()).unwrap().birth_date(), day(1996, 2, 29));
        assert_eq!(Iin::parse(&with_check("21022950000"), TODAY()), Err(IinError::Date));
    }

    #[test]
    fn century_and_sex() {
        let cases = [
            ("1", 1800, Sex::Male),
            ("2", 1800, Sex::Female),
            ("3", 1900, Sex::Male),
            ("4", 1900, Sex::Female),
            ("5", 2000, Sex::Male),
            ("6", 2000, Sex::Female),
        ];
        for (digit, century, sex) in cases {
            let iin = Iin::parse(&with_check(&format!("010203{digit}0000")), TODAY()).unwrap();
            assert_eq!(iin.birth_date(), day(century + 1, 2, 3));
            assert_eq!(iin.sex(), sex);
        }
    }

    #[test]
    fn born_today_is_not_future() {
        let iin = with_check("26112250000");
        assert!(Iin::parse(&iin, TODAY()).is_ok());
        assert_eq!(Iin::parse(&iin, day(2026, 11, 21)), Err(IinError::Future));
    }

    #[test]
    fn full_years_counts_birthdays() {
        assert_eq!(full_years(day(2020, 9, 1), day(2026, 9, 1)), 6);
        assert_eq!(full_years(day(2020, 9, 2), day(2026, 9, 1)), 5);
        assert_eq!(full_years(day(2020, 2, 29), day(2021, 2, 28)), 0);
        assert_eq!(full_years(day(2020, 2, 29), day(2021, 3, 1)), 1);
    }

    #[test]
    fn debug_hides_the_number() {
        let iin = Iin::parse("200229600006", TODAY()).unwrap();
        assert!(!format!("{iin:?}").contains("200229600006"));
    }
}
