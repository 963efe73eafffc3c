//! Writing JSON text: results cross to JavaScript as one JSON string that `JSON.parse` turns
//! into objects in one native call, instead of one boundary crossing per field and string.
//!
//! [`to_string`] writes any `Serialize` value (the exported result types derive it, and tsify
//! gives their TypeScript types from the same definitions) with the small serializer below, so
//! the package carries neither serde_json's writer nor serde-wasm-bindgen. Hot paths (the form's
//! reports) write their text by hand with [`push_string`].
//!
//! What it writes is what serde_json writes for the same value, except that a whole float is
//! written as JavaScript writes it (`5`, not `5.0`), and with one refusal: a number that is not a
//! whole number (no result type has one; their floats are counts beyond `u32`), which would pull
//! float printing into the package. Map keys must be strings.

use super::parse::plain_end;
use serde::ser::{self, Serialize};

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters escaped,
/// everything else as it is (JSON text is UTF-8).
pub(crate) fn push_string(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push('"');
    let mut start = 0;
    loop {
        let end = plain_end(bytes, start);
        // `end` is at an ASCII byte or the end, so both slices lie on character boundaries.
        out.push_str(text.get(start..end).unwrap_or_default());
        let Some(&byte) = bytes.get(end) else { break };
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
            }
        }
        start = end + 1;
    }
    out.push('"');
}

/// The JSON text of `value`, or why it cannot be written (a fractional number, a non-string map
/// key, bytes).
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Unwritable> {
    let mut out = String::with_capacity(128);
    value.serialize(&mut Writer { out: &mut out })?;
    Ok(out)
}

/// A value [`to_string`] does not write.
#[derive(Debug)]
pub(crate) struct Unwritable(pub &'static str);

impl core::fmt::Display for Unwritable {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Unwritable {}

impl ser::Error for Unwritable {
    fn custom<T: core::fmt::Display>(_: T) -> Self {
        Unwritable("a value that cannot be written")
    }
}

struct Writer<'o> {
    out: &'o mut String,
}

/// Appends a whole number in decimal (no formatting machinery).
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

fn push_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_u64(out, n.unsigned_abs());
}

/// A list or an object being written: whether the next element needs a comma first.
struct Compound<'a, 'o> {
    writer: &'a mut Writer<'o>,
    first: bool,
    /// The closing bytes: `]`, `}` or `}}` (a variant wrapping a list or an object).
    close: &'static str,
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !self.first {
            self.writer.out.push(',');
        }
        self.first = false;
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Unwritable> {
        self.comma();
        push_string(self.writer.out, key);
        self.writer.out.push(':');
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result<(), Unwritable> {
        self.writer.out.push_str(self.close);
        Ok(())
    }
}

impl<'a, 'o> Writer<'o> {
    fn open(&'a mut self, open: &str, close: &'static str) -> Compound<'a, 'o> {
        self.out.push_str(open);
        Compound { writer: self, first: true, close }
    }

    /// `{"variant":` before a variant's content.
    fn variant(&mut self, variant: &str) {
        self.out.push('{');
        push_string(self.out, variant);
        self.out.push(':');
    }
}

impl<'a, 'o> ser::Serializer for &'a mut Writer<'o> {
    type Ok = ();
    type Error = Unwritable;
    type SerializeSeq = Compound<'a, 'o>;
    type SerializeTuple = Compound<'a, 'o>;
    type SerializeTupleStruct = Compound<'a, 'o>;
    type SerializeTupleVariant = Compound<'a, 'o>;
    type SerializeMap = Compound<'a, 'o>;
    type SerializeStruct = Compound<'a, 'o>;
    type SerializeStructVariant = Compound<'a, 'o>;

    fn serialize_bool(self, v: bool) -> Result<(), Unwritable> {
        self.out.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unwritable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unwritable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unwritable> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unwritable> {
        push_i64(self.out, v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unwritable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unwritable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unwritable> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unwritable> {
        push_u64(self.out, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unwritable> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unwritable> {
        // Whole numbers within ±2^53, written as JavaScript writes them.
        if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_992.0 {
            push_i64(self.out, v as i64);
            Ok(())
        } else {
            Err(Unwritable("a number that is not a whole number"))
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Unwritable> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Unwritable> {
        push_string(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unwritable> {
        Err(Unwritable("bytes"))
    }
    fn serialize_none(self) -> Result<(), Unwritable> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unwritable> {
        self.out.push_str("null");
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unwritable> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), Unwritable> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), Unwritable> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, variant: &'static str, value: &T) -> Result<(), Unwritable> {
        self.variant(variant);
        value.serialize(&mut *self)?;
        self.out.push('}');
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a, 'o>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a, 'o>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'o>, Unwritable> {
        Ok(self.open("[", "]"))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Compound<'a, 'o>, Unwritable> {
        self.variant(variant);
        Ok(self.open("[", "]}"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a, 'o>, Unwritable> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a, 'o>, Unwritable> {
        Ok(self.open("{", "}"))
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, variant: &'static str, _: usize) -> Result<Compound<'a, 'o>, Unwritable> {
        self.variant(variant);
        Ok(self.open("{", "}}"))
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        self.comma();
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unwritable> {
        self.comma();
        let start = self.writer.out.len();
        key.serialize(&mut *self.writer)?;
        if !self.writer.out[start..].starts_with('"') {
            return Err(Unwritable("a map key that is not a string"));
        }
        self.writer.out.push(':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Unwritable> {
        value.serialize(&mut *self.writer)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unwritable> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unwritable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Unwritable> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Unwritable> {
        Compound::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Shape {
        name: String,
        count: u64,
        small: i8,
        size: f64,
        flag: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<String>,
        present: Option<Vec<u32>>,
        kind: Kind,
        tagged: Tagged,
        nested: Vec<Tagged>,
        map: BTreeMap<String, i32>,
        pair: (u8, char),
        unit: (),
    }

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        SnakeCase,
        New(u8),
        Tuple(u8, u8),
        Fields { a: u8 },
    }

    #[derive(Serialize)]
    #[serde(tag = "state", rename_all = "snake_case")]
    enum Tagged {
        Queued { interested: bool },
        Empty,
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let shape = Shape {
            name: "Омарова \"q\"\n".into(),
            count: u64::MAX,
            small: -128,
            size: -9_007_199_254_740_992.0,
            flag: true,
            absent: None,
            present: Some(vec![0, 7, 4_294_967_295]),
            kind: Kind::SnakeCase,
            tagged: Tagged::Queued { interested: false },
            nested: vec![Tagged::Empty, Tagged::Queued { interested: true }],
            map: [("b".to_owned(), -1), ("a".to_owned(), 0)].into_iter().collect(),
            pair: (1, 'ә'),
            unit: (),
        };
        // Whole floats are written as JavaScript writes them, without serde_json's ".0".
        let serde = serde_json::to_string(&shape).unwrap().replace("-9007199254740992.0", "-9007199254740992");
        assert_eq!(to_string(&shape).unwrap(), serde);
        for kind in [Kind::New(3), Kind::Tuple(1, 2), Kind::Fields { a: 9 }] {
            assert_eq!(to_string(&kind).unwrap(), serde_json::to_string(&kind).unwrap());
        }
        assert_eq!(to_string(&Vec::<Kind>::new()).unwrap(), "[]");
        assert_eq!(to_string(&0.0f64).unwrap(), "0");
    }

    #[test]
    fn refuses_what_it_would_write_wrongly() {
        assert!(to_string(&1.5f64).is_err());
        assert!(to_string(&f64::NAN).is_err());
        assert!(to_string(&f64::INFINITY).is_err());
        let numeric_keys: BTreeMap<u8, u8> = [(1, 2)].into_iter().collect();
        assert!(to_string(&numeric_keys).is_err());
    }

    #[test]
    fn strings_round_trip_through_a_json_parser() {
        for text in ["", "plain", "Омарова «Айгүл»", "quote \" backslash \\ slash /", "lines\n\r\t", "\u{0}\u{1f}\u{7f}", "😀"] {
            let mut out = String::new();
            push_string(&mut out, text);
            assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text, "{out}");
            assert_eq!(super::super::Reader::new(&out).text().unwrap().as_deref(), Some(text));
        }
    }
}
