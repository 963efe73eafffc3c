//! Reading and writing JSON at the wasm boundary, without derived `Deserialize`.
//!
//! Why: every `#[derive(Deserialize)]` that the browser package instantiates costs kilobytes of
//! WebAssembly (visitors per struct, serde's buffering for tagged enums, error formatting that
//! pulls in float printing). Inputs are read by hand instead, in one of two modes:
//!
//! * **strict** ([`Object`], over a `serde_json::Value`): documents a program writes (the
//!   calendar, a status); a wrong or unknown field is an error naming its exact path;
//! * **tolerant** ([`Reader`]): what a person typed (the application form), read in one pass
//!   over the JSON text without building a tree; a missing field, a field of the wrong type or
//!   an unknown one reads as absent, so it becomes that field's validation error.
//!
//! Results go out as JSON text ([`write`]), parsed by `JSON.parse` in one call.

mod parse;
pub(crate) mod write;

pub(crate) use parse::{Invalid, Reader, MAX_DEPTH};

use serde_json::Map;

/// A parsed document for strict reading.
type Json = serde_json::Value;

/// An object being read, with its path for error messages (`transfers[2]`).
pub(crate) struct Object<'a> {
    map: &'a Map<String, Json>,
    path: String,
}

/// A reading error: what is wrong and where.
pub(crate) type Result<T> = core::result::Result<T, String>;

impl<'a> Object<'a> {
    /// `value` as an object, or an error naming `path`.
    pub(crate) fn new(value: &'a Json, path: &str) -> Result<Object<'a>> {
        match value {
            Json::Object(map) => Ok(Object { map, path: path.to_owned() }),
            _ => Err(format!("{}: expected an object", shown(path))),
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// Fails on any key not in `allowed`, so a misspelt field is an error, not silently ignored.
    pub(crate) fn only(&self, allowed: &[&str]) -> Result<()> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(key) => Err(format!("{}: unknown field", self.at(key))),
            None => Ok(()),
        }
    }

    /// The field, treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Json> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Json::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("{}: expected a string", self.at(key))),
        }
    }

    pub(crate) fn str(&self, key: &str) -> Result<&'a str> {
        self.opt_str(key)?.ok_or_else(|| format!("{}: missing", self.at(key)))
    }

    pub(crate) fn opt_int(&self, key: &str) -> Result<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| format!("{}: expected a whole number", self.at(key))),
        }
    }

    pub(crate) fn int(&self, key: &str) -> Result<i64> {
        self.opt_int(key)?.ok_or_else(|| format!("{}: missing", self.at(key)))
    }

    pub(crate) fn bool_or(&self, key: &str, default: bool) -> Result<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(format!("{}: expected true or false", self.at(key))),
        }
    }

    /// An array field (absent is empty), with each element's path.
    pub(crate) fn array(&self, key: &str) -> Result<Vec<(String, &'a Json)>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => Ok(items.iter().enumerate().map(|(i, v)| (format!("{}[{i}]", self.at(key)), v)).collect()),
            Some(_) => Err(format!("{}: expected an array", self.at(key))),
        }
    }

    /// An object field.
    pub(crate) fn object(&self, key: &str) -> Result<Option<Object<'a>>> {
        self.get(key).map(|v| Object::new(v, &self.at(key))).transpose()
    }

    /// A string field read by `parse`, whose error text follows the path.
    pub(crate) fn parsed<T, E: core::fmt::Display>(&self, key: &str, parse: impl FnOnce(&str) -> core::result::Result<T, E>) -> Result<T> {
        let text = self.str(key)?;
        parse(text).map_err(|e| format!("{}: {e}", self.at(key)))
    }

    /// An optional string field read by `parse`.
    pub(crate) fn opt_parsed<T, E: core::fmt::Display>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> core::result::Result<T, E>,
    ) -> Result<Option<T>> {
        self.opt_str(key)?.map(|text| parse(text).map_err(|e| format!("{}: {e}", self.at(key)))).transpose()
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "the document" } else { path }
}

/// Reads one of `options` by its code (`code(option) == text`).
pub(crate) fn one_of<T: Copy>(text: &str, options: &[T], code: impl Fn(T) -> &'static str) -> core::result::Result<T, String> {
    options.iter().copied().find(|o| code(*o) == text).ok_or_else(|| {
        let names: Vec<&str> = options.iter().map(|o| code(*o)).collect();
        format!("expected one of {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_fields_and_names_paths() {
        let v = json!({ "a": "x", "n": 3, "b": true, "list": [1, {"k": "v"}], "o": { "s": 5 }, "nothing": null });
        let o = Object::new(&v, "").unwrap();
        assert_eq!(o.str("a").unwrap(), "x");
        assert_eq!(o.int("n").unwrap(), 3);
        assert!(o.bool_or("b", false).unwrap());
        assert!(!o.bool_or("missing", false).unwrap());
        assert_eq!(o.opt_str("nothing").unwrap(), None);
        assert_eq!(o.str("n").unwrap_err(), "n: expected a string");
        assert_eq!(o.str("missing").unwrap_err(), "missing: missing");
        let list = o.array("list").unwrap();
        assert_eq!(list[1].0, "list[1]");
        let inner = o.object("o").unwrap().unwrap();
        assert_eq!(inner.str("s").unwrap_err(), "o.s: expected a string");
        assert_eq!(o.only(&["a", "n", "b", "list", "o"]).unwrap_err(), "nothing: unknown field");
        assert_eq!(Object::new(&json!([1]), "").err().unwrap(), "the document: expected an object");
        assert_eq!(o.parsed("a", |t| t.parse::<u8>()).unwrap_err(), "a: invalid digit found in string");
    }

    #[test]
    fn one_of_lists_the_options() {
        let code = |b: bool| if b { "yes" } else { "no" };
        assert_eq!(one_of("yes", &[true, false], code), Ok(true));
        assert_eq!(one_of("maybe", &[true, false], code), Err("expected one of yes, no".to_owned()));
    }
}
