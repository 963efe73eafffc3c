//! A parsed JSON document for strict reading ([`super::Object`]): documents a program writes
//! (the calendar, a status, the provider's policy, a catalog), read by the crate's own
//! [`Reader`] so that no other JSON parser is carried in the browser package.
//!
//! Strings without escapes and numbers borrow from the text; a number keeps its JSON text and is
//! read as a whole number only when asked ([`Value::as_i64`]). A key given twice counts once, the
//! last time, as in `JSON.parse`.

use super::parse::{Invalid, Reader};
use std::borrow::Cow;

/// One JSON value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// The number's JSON text, e.g. `-12.5e3`.
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Members<'a>),
}

/// An object's members in document order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Members<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Members<'a> {
    /// The value of `key` (the last one when it is given twice).
    pub(crate) fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
}

impl<'a> Value<'a> {
    /// Parses one JSON text (RFC 8259, nesting at most [`super::MAX_DEPTH`] deep).
    pub(crate) fn parse(text: &'a str) -> Result<Value<'a>, Invalid> {
        let mut reader = Reader::new(text);
        let value = reader.value()?;
        reader.end()?;
        Ok(value)
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A number written as a whole number (`3`, not `3.0` or `3e0`) that fits an `i64`.
    pub(crate) fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn as_object(&self) -> Option<&Members<'a>> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object()?.get(key)
    }
}

impl<'a> Reader<'a> {
    /// Reads one value of any kind into a [`Value`].
    pub(crate) fn value(&mut self) -> Result<Value<'a>, Invalid> {
        Ok(match self.peek_value()? {
            b'{' => {
                let mut members = Vec::new();
                self.object(|r, key| {
                    let value = r.value()?;
                    members.push((Cow::Owned(key.to_owned()), value));
                    Ok(())
                })?;
                Value::Object(Members(members))
            }
            b'[' => {
                let mut items = Vec::new();
                self.list(|r, _| {
                    items.push(r.value()?);
                    Ok(())
                })?;
                Value::Array(items)
            }
            b'"' => Value::String(self.text()?.ok_or(Invalid)?),
            b't' | b'f' => Value::Bool(self.flag()?.ok_or(Invalid)?),
            b'n' => {
                self.skip()?;
                Value::Null
            }
            _ => Value::Number(match self.text()? {
                Some(Cow::Borrowed(number)) => number,
                _ => return Err(Invalid),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#"{ "a": "x\n", "n": -12, "f": 1.5, "t": true, "z": null, "list": [1, {"k": []}], "a": "last" }"#;
        let v = Value::parse(text).unwrap();
        assert_eq!(v.get("a").and_then(Value::as_str), Some("last"));
        assert_eq!(v.get("n").and_then(Value::as_i64), Some(-12));
        assert_eq!(v.get("f").and_then(Value::as_i64), None);
        assert_eq!(v.get("t").and_then(Value::as_bool), Some(true));
        assert!(v.get("z").is_some_and(Value::is_null));
        let list = v.get("list").and_then(Value::as_array).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].get("k").and_then(Value::as_array).map(<[Value]>::len), Some(0));
        assert_eq!(v.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "n", "f", "t", "z", "list", "a"]);
    }

    #[test]
    fn refuses_what_is_not_one_json_value() {
        for text in ["", "{", "[1,]", "{\"a\"}", "1 2", "nul", "\"a", "{\"a\":1,}"] {
            assert_eq!(Value::parse(text), Err(Invalid), "{text:?}");
        }
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_eq!(Value::parse(&deep), Err(Invalid));
    }
}
