//! Tolerant reading of JSON text in one pass, without building a document tree.
//!
//! Why not `serde_json::Value`: the form is read on every keystroke, and a `Value` costs an
//! allocation per key, per string and per object, then as many frees, before the first field is
//! looked at. A [`Reader`] walks the text once and hands each member to the caller as it passes:
//! a string without escapes is a slice of the text, a number stays its JSON text, and what the
//! caller does not ask for is skipped without allocating.
//!
//! The grammar is RFC 8259's, strictly (no trailing commas, comments or bare words; nothing after
//! the value but white space), with two decisions:
//!
//! * nesting deeper than [`MAX_DEPTH`] is refused (serde_json's limit, which the package had
//!   before), so no input can overflow the stack;
//! * a `\u` escape of a lone surrogate (JavaScript strings may hold one, and `JSON.stringify`
//!   writes it escaped) is read as U+FFFD, so a broken emoji pasted in a name is a mistake in
//!   that field, not an unreadable form.
//!
//! Reading is tolerant: asking for an object, a text or a flag where the text has something else
//! skips that value and gives "absent" ([`Reader::object`] returns `false`, [`Reader::text`] and
//! [`Reader::flag`] `None`). A surprise in one field is that field's error, never the loss of the
//! whole form. Only text that is not JSON at all is an error ([`Invalid`]).
//!
//! ```text
//! let mut r = Reader::new(r#"{ "a": { "b": "x" }, "n": 5 }"#);
//! r.object(|r, key| match key {
//!     "a" => r.object(|r, key| { if key == "b" { b = r.text()? } else { r.skip()? } Ok(()) }).map(drop),
//!     _ => r.skip(),
//! })?;
//! r.end()?;
//! ```

use std::borrow::Cow;

/// Objects and lists nested deeper than this are refused.
pub(crate) const MAX_DEPTH: usize = 128;

/// The text is not one JSON value (or is nested too deep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// A JSON text being read front to back.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Reader<'a> {
        Reader { text, pos: 0, depth: 0 }
    }

    /// After the one value: nothing but white space may follow.
    pub(crate) fn end(mut self) -> Result<(), Invalid> {
        self.skip_whitespace();
        if self.pos == self.text.len() { Ok(()) } else { Err(Invalid) }
    }

    // The small steps are forced inline: the package is built for size (`opt-level = "z"`),
    // which would otherwise leave a function call per byte read.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips white space and then `byte` if it comes next.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let next = self.peek() == Some(byte);
        if next {
            self.pos += 1;
        }
        next
    }

    /// The first byte of the next value, after white space, without reading it.
    pub(crate) fn peek_value(&mut self) -> Result<u8, Invalid> {
        self.next_value()
    }

    /// The next byte that starts a value, after white space.
    #[inline(always)]
    fn next_value(&mut self) -> Result<u8, Invalid> {
        self.skip_whitespace();
        self.peek().ok_or(Invalid)
    }

    /// Reads an object, calling `member(reader, key)` for each member in document order; the
    /// callback reads or skips the member's value (a repeated key is read again, so the last one
    /// counts, as in `JSON.parse`). A value that is not an object is skipped: `Ok(false)`.
    pub(crate) fn object(&mut self, mut member: impl FnMut(&mut Self, &str) -> Result<(), Invalid>) -> Result<bool, Invalid> {
        self.object_dyn(&mut member)
    }

    // One copy of the loop for every caller (a generic one would be compiled once per closure).
    fn object_dyn(&mut self, member: &mut dyn FnMut(&mut Self, &str) -> Result<(), Invalid>) -> Result<bool, Invalid> {
        if self.next_value()? != b'{' {
            self.skip()?;
            return Ok(false);
        }
        self.enter()?;
        if !self.eat(b'}') {
            loop {
                self.skip_whitespace();
                let key = self.string()?;
                if !self.eat(b':') {
                    return Err(Invalid);
                }
                member(self, &key)?;
                if self.eat(b'}') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(Invalid);
                }
            }
        }
        self.depth -= 1;
        Ok(true)
    }

    /// Reads a list, calling `item(reader, index)` for each item, which reads or skips it. A
    /// value that is not a list is skipped: `Ok(false)`.
    pub(crate) fn list(&mut self, mut item: impl FnMut(&mut Self, usize) -> Result<(), Invalid>) -> Result<bool, Invalid> {
        self.list_dyn(&mut item)
    }

    fn list_dyn(&mut self, item: &mut dyn FnMut(&mut Self, usize) -> Result<(), Invalid>) -> Result<bool, Invalid> {
        if self.next_value()? != b'[' {
            self.skip()?;
            return Ok(false);
        }
        self.enter()?;
        if !self.eat(b']') {
            let mut index = 0;
            loop {
                item(self, index)?;
                index += 1;
                if self.eat(b']') {
                    break;
                }
                if !self.eat(b',') {
                    return Err(Invalid);
                }
            }
        }
        self.depth -= 1;
        Ok(true)
    }

    /// A string, or a number as its JSON text (`"iin": 200229600006`); anything else is skipped
    /// and absent.
    pub(crate) fn text(&mut self) -> Result<Option<Cow<'a, str>>, Invalid> {
        match self.next_value()? {
            b'"' => self.string().map(Some),
            b'-' | b'0'..=b'9' => self.number().map(|n| Some(Cow::Borrowed(n))),
            _ => self.skip().map(|()| None),
        }
    }

    /// `true` or `false`; anything else is skipped and absent.
    pub(crate) fn flag(&mut self) -> Result<Option<bool>, Invalid> {
        match self.next_value()? {
            b't' => self.word("true").map(|()| Some(true)),
            b'f' => self.word("false").map(|()| Some(false)),
            _ => self.skip().map(|()| None),
        }
    }

    /// Reads past one value of any kind, checking it.
    pub(crate) fn skip(&mut self) -> Result<(), Invalid> {
        match self.next_value()? {
            b'{' => self.object(|r, _| r.skip()).map(drop),
            b'[' => self.list(|r, _| r.skip()).map(drop),
            b'"' => self.string().map(drop),
            b't' => self.word("true"),
            b'f' => self.word("false"),
            b'n' => self.word("null"),
            _ => self.number().map(drop),
        }
    }

    /// Steps into an object or list (at its opening byte), within the depth limit.
    fn enter(&mut self) -> Result<(), Invalid> {
        if self.depth >= MAX_DEPTH {
            return Err(Invalid);
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn word(&mut self, word: &str) -> Result<(), Invalid> {
        let rest = self.text.get(self.pos..).ok_or(Invalid)?;
        if !rest.starts_with(word) {
            return Err(Invalid);
        }
        self.pos += word.len();
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<&'a str, Invalid> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let leading_zero = self.peek() == Some(b'0');
        let whole = self.digits();
        if whole == 0 || (leading_zero && whole > 1) {
            return Err(Invalid);
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(Invalid);
            }
        }
        self.text.get(start..self.pos).ok_or(Invalid)
    }

    /// A string starting at the current `"`: a slice of the text when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, Invalid> {
        if self.peek() != Some(b'"') {
            return Err(Invalid);
        }
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut start = self.pos;
        loop {
            self.pos = plain_end(self.text.as_bytes(), self.pos);
            let byte = self.peek().ok_or(Invalid)?;
            if byte < 0x20 {
                return Err(Invalid);
            }
            // `"` and `\` are ASCII, so `start..pos` lies on character boundaries.
            let chunk = self.text.get(start..self.pos).ok_or(Invalid)?;
            self.pos += 1;
            if byte == b'"' {
                return Ok(match owned {
                    None => Cow::Borrowed(chunk),
                    Some(mut s) => {
                        s.push_str(chunk);
                        Cow::Owned(s)
                    }
                });
            }
            let s = owned.get_or_insert_with(String::new);
            s.push_str(chunk);
            self.escape(s)?;
            start = self.pos;
        }
    }

    /// The escape after a `\`, appended to `out`.
    fn escape(&mut self, out: &mut String) -> Result<(), Invalid> {
        let byte = self.peek().ok_or(Invalid)?;
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) && self.text.get(self.pos..).is_some_and(|r| r.starts_with("\\u")) {
                    let save = self.pos;
                    self.pos += 2;
                    let second = self.hex4()?;
                    if (0xDC00..0xE000).contains(&second) {
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    } else {
                        // Not a pair: the first is lone, the second escape is read on its own.
                        self.pos = save;
                        first
                    }
                } else {
                    first
                };
                char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => return Err(Invalid),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, Invalid> {
        let digits = self.text.get(self.pos..self.pos + 4).ok_or(Invalid)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Invalid);
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| Invalid)
    }
}

/// Where the run of bytes a JSON string holds as they are ends: the index of the first quote,
/// backslash or control character at or after `at`, or the length. Eight bytes at a time (most
/// of a form is names and addresses, two bytes a letter): a byte lane is zero in `x` exactly
/// when `(x - 0x01…) & !x` has its high bit, and below 0x20 exactly when `(x - 0x20…) & !x` has.
/// Lanes above the first such one may be flagged too (a borrow runs upwards), never below it,
/// so the lowest flagged lane is the answer.
pub(crate) fn plain_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero_lane = |x: u64| x.wrapping_sub(ONES) & !x;
    while let Some(word) = bytes.get(at..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*word);
        let special = (zero_lane(x ^ (ONES * 0x22)) | zero_lane(x ^ (ONES * 0x5C)) | (x.wrapping_sub(ONES * 0x20) & !x)) & HIGHS;
        if special != 0 {
            return at + (special.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole text as a compact dump (what the reader saw), or `Invalid`.
    fn dump(text: &str) -> Result<String, Invalid> {
        fn value(r: &mut Reader, out: &mut String) -> Result<(), Invalid> {
            let rest = r.text.get(r.pos..).unwrap_or_default().trim_start();
            match rest.as_bytes().first() {
                Some(b'{') => {
                    out.push('{');
                    r.object(|r, key| {
                        out.push_str(key);
                        out.push(':');
                        value(r, out)?;
                        out.push(';');
                        Ok(())
                    })?;
                    out.push('}');
                }
                Some(b'[') => {
                    out.push('[');
                    r.list(|r, i| {
                        out.push_str(&format!("{i}="));
                        value(r, out)?;
                        out.push(';');
                        Ok(())
                    })?;
                    out.push(']');
                }
                Some(b't' | b'f') => out.push_str(&format!("{:?}", r.flag()?)),
                Some(b'n') => {
                    r.skip()?;
                    out.push_str("null");
                }
                _ => out.push_str(&format!("<{}>", r.text()?.ok_or(Invalid)?)),
            }
            Ok(())
        }
        let mut r = Reader::new(text);
        let mut out = String::new();
        value(&mut r, &mut out)?;
        r.end()?;
        Ok(out)
    }

    #[test]
    fn reads_every_kind_of_value() {
        assert_eq!(
            dump(r#" { "a": "x", "n": -12.5e+3, "t": true, "f": false, "z": null, "list": [1, {"k": []}], "o": {} } "#),
            Ok("{a:<x>;n:<-12.5e+3>;t:Some(true);f:Some(false);z:null;list:[0=<1>;1={k:[];};];o:{};}".to_owned())
        );
        assert_eq!(dump("0"), Ok("<0>".to_owned()));
        assert_eq!(dump("\"\""), Ok("<>".to_owned()));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let mut r = Reader::new(r#"["Омарова", "a\"b", "\u04d9\n\/"]"#);
        let mut texts = Vec::new();
        r.list(|r, _| {
            texts.push(r.text()?.ok_or(Invalid)?);
            Ok(())
        })
        .unwrap();
        assert!(matches!(texts[0], Cow::Borrowed("Омарова")));
        assert!(matches!(&texts[1], Cow::Owned(s) if s == "a\"b"));
        assert_eq!(texts[2], "ә\n/");
    }

    #[test]
    fn surrogate_pairs_join_and_lone_surrogates_become_replacement_characters() {
        let text = |json: &str| Reader::new(json).text().unwrap().unwrap().into_owned();
        assert_eq!(text(r#""\ud83d\ude00""#), "😀");
        assert_eq!(text(r#""a\ud83db""#), "a\u{FFFD}b");
        assert_eq!(text(r#""\ude00\ud83d""#), "\u{FFFD}\u{FFFD}");
        assert_eq!(text(r#""\ud83d\u0041""#), "\u{FFFD}A");
    }

    #[test]
    fn asking_for_the_wrong_kind_skips_the_value_and_gives_absent() {
        let mut r = Reader::new(r#"{ "o": "x", "l": {"a": [1]}, "t": {"b": 1}, "f": [true], "z": null }"#);
        let mut seen = Vec::new();
        r.object(|r, key| {
            let absent = match key {
                "o" => !r.object(|r, _| r.skip())?,
                "l" => !r.list(|r, _| r.skip())?,
                "t" => r.text()?.is_none(),
                "f" | "z" => r.flag()?.is_none(),
                _ => false,
            };
            seen.push((key.to_owned(), absent));
            Ok(())
        })
        .unwrap();
        r.end().unwrap();
        assert!(seen.iter().all(|(_, absent)| *absent), "{seen:?}");
        assert_eq!(seen.len(), 5);
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "-", "1.", ".5", "1e", "+1", "tru",
            "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\nb\"", "1 2", "{} x", "NaN", "'a'", "[\"a\"\u{0}]",
            "{\"a\":{\"b\":}}", "[[1]", "[1]]",
        ] {
            assert_eq!(dump(text), Err(Invalid), "{text:?}");
        }
    }

    #[test]
    fn nesting_is_limited_without_overflowing_the_stack() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(dump(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(dump(&deep), Err(Invalid));
        assert_eq!(Reader::new(&deep).skip(), Err(Invalid));
        let hostile = "{\"a\":".repeat(1_000_000);
        assert_eq!(Reader::new(&hostile).skip(), Err(Invalid));
    }

    #[test]
    fn plain_end_finds_the_first_byte_to_escape_at_any_offset() {
        for special in [b'"', b'\\', 0x00, 0x1F, b'\n'] {
            for len in 0..40 {
                for at in 0..=len {
                    let mut bytes: Vec<u8> = "ә a!~\u{7f}".bytes().cycle().take(len).collect();
                    let want = if at < len {
                        bytes[at] = special;
                        at
                    } else {
                        len
                    };
                    assert_eq!(plain_end(&bytes, 0), want, "{special} at {at} of {len}");
                    assert_eq!(plain_end(&bytes, want), want);
                }
            }
        }
        // Bytes just above the special ones, and every high byte, are plain.
        let plain: Vec<u8> = (0x20..=0xFF).filter(|b| *b != b'"' && *b != b'\\').collect();
        assert_eq!(plain_end(&plain, 0), plain.len());
    }

    #[test]
    fn a_long_string_is_one_linear_pass() {
        let text = format!("\"{}\"", "ә".repeat(5_000_000));
        assert_eq!(Reader::new(&text).text().unwrap().map(|t| t.len()), Some(10_000_000));
    }
}
