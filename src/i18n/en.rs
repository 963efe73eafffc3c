//! English catalog.

pub(super) static CATALOG: &[(&str, &str)] = &[
    // --- iin ---
    ("iin.empty", "Enter the IIN"),
    ("iin.length", "The IIN must be 12 digits"),
    ("iin.not_digits", "The IIN must only include the digits 0 to 9"),
    ("iin.century", "Check the 7th digit of the IIN: it must be from 1 to 6"),
    ("iin.date", "Check the first 6 digits of the IIN: they must be a real date of birth (YYMMDD)"),
    ("iin.checksum", "Check the IIN for a typing mistake: the last digit does not match the others"),
    ("iin.future", "Check the IIN: the date of birth in it has not come yet"),
    // --- calendar ---
    ("date.format", "Enter a date as year-month-day, for example 2026-09-01"),
    ("calendar.range", "Enter a date from 1900 to 2200 and at most 10,000 working days"),
    ("instant.format", "Enter a date and time like 2026-11-23T07:00:00+05:00"),
    // --- foundation page ---
    ("page.title", "Kindergarten queue"),
    ("page.iin.heading", "Check an IIN"),
    ("page.iin.label", "IIN"),
    ("page.iin.hint", "12 digits; spaces and dashes are fine"),
    ("page.iin.ok", "Born {birthDate}, {sex}"),
    ("page.sex.male", "male"),
    ("page.sex.female", "female"),
    ("page.days.heading", "Count working days"),
    ("page.days.from", "From date"),
    ("page.days.count", "Working days to add"),
    ("page.days.result", "Result: {to}. The start date is {fromKind}."),
    ("page.days.working", "a working day"),
    ("page.days.off", "a day off"),
    // --- tlog ---
    ("tlog.confirmed", "Your place is confirmed by the public register as of {asOf}."),
    ("tlog.recorded", "Your application is recorded in the public register: record {number} of {size}."),
    ("tlog.rewritten", "Warning: the public register is not the one this device saw before, its history has been changed. Do not rely on the queue position shown. Contact your education department or call 1414."),
    ("tlog.invalid", "Warning: we could not confirm this information with the public register. Do not rely on the queue position shown. Reload the page later; if this message stays, call 1414."),
];
