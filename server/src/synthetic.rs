//! Synthetic people for demo mode and tests: IINs with a valid check digit built from a chosen
//! birth date and a serial, and Appendix 1 bodies around them. Never real data.

use chrono::{Datelike, NaiveDate};
use kezek::iin::check_digit;
use serde_json::{json, Value};

/// A valid IIN for someone born on `birth`, male or female, with a serial from `seed`. Serials
/// whose check digit cannot exist are skipped, so every result parses.
pub fn iin(birth: NaiveDate, female: bool, seed: u32) -> String {
    let century_digit: u8 = match (birth.year() >= 2000, female) {
        (true, false) => 5,
        (true, true) => 6,
        (false, false) => 3,
        (false, true) => 4,
    };
    let mut serial = seed % 10_000;
    loop {
        let yy = (birth.year() % 100) as u8;
        let mut digits = [0u8; 11];
        let head = [yy / 10, yy % 10, birth.month() as u8 / 10, birth.month() as u8 % 10, birth.day() as u8 / 10, birth.day() as u8 % 10, century_digit];
        digits[..7].copy_from_slice(&head);
        let serial_digits = [(serial / 1000) as u8, (serial / 100 % 10) as u8, (serial / 10 % 10) as u8, (serial % 10) as u8];
        digits[7..].copy_from_slice(&serial_digits);
        if let Some(check) = check_digit(&digits) {
            return digits.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect();
        }
        serial = (serial + 1) % 10_000;
    }
}

/// What varies between synthetic applications.
#[derive(Clone, Debug)]
pub struct Person<'a> {
    pub child_birth: NaiveDate,
    pub seed: u32,
    pub locality_code: &'a str,
    pub category: &'a str,
    /// `general`, `special.<disorder>` or `sanatorium.<profile>`.
    pub kind: &'a str,
    /// The kindergarten of a special or sanatorium queue (rule 13).
    pub kindergarten: Option<&'a str>,
    pub stay_mode: &'a str,
    pub language: &'a str,
}

const SURNAMES: [&str; 6] = ["Омарова", "Ахметова", "Серікова", "Нұрланова", "Жуматова", "Касымова"];
const MOTHERS: [&str; 6] = ["Айгүл", "Динара", "Жанар", "Әсел", "Гүлнар", "Мадина"];
const CHILDREN: [&str; 6] = ["Нұрлан", "Аружан", "Алихан", "Айару", "Ерасыл", "Томирис"];

/// An Appendix 1 body for a synthetic parent and child.
pub fn application(person: &Person<'_>) -> Value {
    let i = (person.seed % 6) as usize;
    let mother_birth = NaiveDate::from_ymd_opt(1990 + (person.seed % 10) as i32, 1 + person.seed % 12, 1 + person.seed % 28)
        .unwrap_or(NaiveDate::MIN);
    let mut queue = json!({ "kind": person.kind.split('.').next().unwrap_or("general"), "language": person.language, "stayMode": person.stay_mode });
    if let Some((kind, detail)) = person.kind.split_once('.') {
        queue[if kind == "special" { "disorder" } else { "profile" }] = json!(detail);
        queue["kindergarten"] = json!(person.kindergarten);
    }
    // A special queue needs the PMPC conclusion, a sanatorium one the phthisiatrician's
    // (Appendix 2 items 6-7).
    let documents = match person.kind.split_once('.') {
        Some(("special", _)) => json!([{ "kind": "pmpc_conclusion" }]),
        Some(("sanatorium", _)) => json!([{ "kind": "phthisiatrician_conclusion" }]),
        _ => json!([]),
    };
    json!({
        "applicant": {
            "lastName": SURNAMES[i], "firstName": MOTHERS[i], "middleName": null,
            "iin": iin(mother_birth, true, person.seed),
            "address": format!("Demo street {}", 1 + person.seed % 200),
            "locality": { "code": person.locality_code, "name": "Demo" }
        },
        "child": { "lastName": SURNAMES[i], "firstName": CHILDREN[i], "middleName": null,
                   "iin": iin(person.child_birth, person.seed % 2 == 1, person.seed / 7) },
        "category": person.category,
        "queue": queue,
        "notifications": { "phones": ["+7 701 000 00 00"], "email": null },
        "consent": true,
        "channel": "portal",
        "documents": documents
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezek::iin::Iin;

    #[test]
    fn synthetic_iins_parse_with_their_birth_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        for seed in 0..500 {
            let birth = NaiveDate::from_ymd_opt(2020 + (seed % 5) as i32, 1 + seed % 12, 1 + seed % 28).unwrap();
            let text = iin(birth, seed % 2 == 0, seed * 37);
            let parsed = Iin::parse(&text, today).unwrap();
            assert_eq!(parsed.birth_date(), birth);
        }
    }
}
