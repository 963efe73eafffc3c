//! Writing JSON text by hand: results cross to JavaScript as one JSON string that `JSON.parse`
//! turns into objects in one native call, instead of one boundary crossing per field and string.

use super::parse::plain_end;

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

#[cfg(test)]
mod tests {
    use super::*;

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
