//! A JSON reader that keeps the byte offset of every value and key.
//!
//! serde_json gives no positions, and a finding without `line:column` fails
//! the 3 a.m. test. This reader is iterative (a 10,000-deep array is a depth
//! error, not a stack overflow) and writes straight into the arena [`Tree`].

use super::{Limits, ParseError};
use crate::tree::{BuildError, Builder, Kind, Tree};

/// Parse JSON text with the default [`Limits`].
///
/// ```
/// let tree = threeam_spec::parse::json::parse(r#"{"paths": {}}"#).unwrap();
/// assert!(tree.get(tree.root(), "paths").is_some());
/// let err = threeam_spec::parse::json::parse("{\"a\": }").unwrap_err();
/// assert_eq!(err.offset, 6);
/// ```
pub fn parse(src: &str) -> Result<Tree, ParseError> {
    parse_with(src, &Limits::default())
}

/// Parse JSON text, refusing input that exceeds `limits`.
pub fn parse_with(src: &str, limits: &Limits) -> Result<Tree, ParseError> {
    Reader {
        src: src.as_bytes(),
        text: src,
        pos: 0,
        b: Builder::with_capacity(src.len()),
        max_depth: limits.max_depth,
    }
    .run()
}

struct Reader<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    b: Builder,
    max_depth: usize,
}

impl Reader<'_> {
    fn run(mut self) -> Result<Tree, ParseError> {
        // One entry per open container: true for an object.
        let mut open: Vec<bool> = Vec::new();
        let mut want_value = true;
        loop {
            self.skip_ws();
            if want_value {
                if open.last() == Some(&true) {
                    self.read_key()?;
                }
                let offset = self.pos as u32;
                match self.peek() {
                    Some(c @ (b'{' | b'[')) => {
                        let is_map = c == b'{';
                        self.b
                            .begin(is_map, offset, self.max_depth)
                            .map_err(|e| self.build_error(e))?;
                        self.pos += 1;
                        self.skip_ws();
                        let close = if is_map { b'}' } else { b']' };
                        if self.peek() == Some(close) {
                            self.pos += 1;
                            self.b.end();
                            want_value = false;
                        } else {
                            open.push(is_map);
                        }
                    }
                    Some(_) => {
                        let kind = self.read_scalar()?;
                        self.b.scalar(kind, offset);
                        want_value = false;
                    }
                    None => {
                        return Err(self.error("the JSON document ends where a value was expected"))
                    }
                }
                continue;
            }
            let Some(&is_map) = open.last() else { break };
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    want_value = true;
                }
                Some(b'}') if is_map => self.close(&mut open),
                Some(b']') if !is_map => self.close(&mut open),
                Some(_) if is_map => {
                    return Err(self.error("expected ',' or '}' after an object member"))
                }
                Some(_) => return Err(self.error("expected ',' or ']' after an array item")),
                None => return Err(self.error("the JSON document ends inside an object or array")),
            }
        }
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(self.error("unexpected text after the end of the JSON document"));
        }
        Ok(self.b.finish())
    }

    fn close(&mut self, open: &mut Vec<bool>) {
        self.pos += 1;
        self.b.end();
        open.pop();
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn read_key(&mut self) -> Result<(), ParseError> {
        let offset = self.pos as u32;
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a quoted object key"));
        }
        let key = self.read_string()?;
        self.b.key(key, offset);
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expected ':' after an object key"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn read_scalar(&mut self) -> Result<Kind, ParseError> {
        match self.peek() {
            Some(b'"') => Ok(Kind::String(self.read_string()?)),
            Some(b't') => self.literal("true", Kind::Bool(true)),
            Some(b'f') => self.literal("false", Kind::Bool(false)),
            Some(b'n') => self.literal("null", Kind::Null),
            Some(b'-' | b'0'..=b'9') => self.read_number(),
            _ => Err(self.error(
                "expected a JSON value (object, array, string, number, true, false or null)",
            )),
        }
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, ParseError> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.error(
                "expected a JSON value (object, array, string, number, true, false or null)",
            ))
        }
    }

    fn read_number(&mut self) -> Result<Kind, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.pos;
            while let Some(b'0'..=b'9') = r.peek() {
                r.pos += 1;
            }
            r.pos > s
        };
        if !digits(self) {
            return Err(self.error("a number needs digits"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("a number needs digits after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("a number needs digits in its exponent"));
            }
        }
        let text = &self.text[start..self.pos];
        Ok(Kind::Number(self.b.intern(text)))
    }

    /// Read a string at `pos` (which holds the opening quote), decoding escapes.
    fn read_string(&mut self) -> Result<crate::tree::Text, ParseError> {
        self.pos += 1;
        let start = self.b.text_buffer().len();
        loop {
            let run_start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Safe to slice: we stopped on an ASCII byte or at the end.
            let run = &self.text[run_start..self.pos];
            self.b.text_buffer().push_str(run);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(self.b.text_since(start));
                }
                Some(b'\\') => self.read_escape()?,
                Some(_) => {
                    return Err(
                        self.error("control character inside a string; escape it (e.g. \\n)")
                    )
                }
                None => return Err(self.error("the string is not closed; add the missing '\"'")),
            }
        }
    }

    fn read_escape(&mut self) -> Result<(), ParseError> {
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let hi = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&hi) {
                    if !self.src[self.pos..].starts_with(b"\\u") {
                        return Err(self
                            .error("a UTF-16 high surrogate must be followed by a low surrogate"));
                    }
                    self.pos += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.error("invalid UTF-16 low surrogate"));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else {
                    hi
                };
                let ch =
                    char::from_u32(code).ok_or_else(|| self.error("invalid unicode escape"))?;
                self.b.text_buffer().push(ch);
                return Ok(());
            }
            _ => return Err(self.error("invalid escape in string")),
        };
        self.pos += 1;
        self.b.text_buffer().push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("a \\u escape needs four hex digits"))?;
        let mut v = 0;
        for &d in digits {
            let h = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("a \\u escape needs four hex digits"))?;
            v = v * 16 + h;
        }
        self.pos += 4;
        Ok(v)
    }

    fn build_error(&self, e: BuildError) -> ParseError {
        match e {
            BuildError::TooDeep(limit) => self.error(&format!(
                "nesting is deeper than {limit} levels; no OpenAPI document needs this (is the file generated wrongly?)"
            )),
            BuildError::ComplexKey => self.error("object keys must be strings"),
        }
    }

    fn error(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos.min(self.src.len()) as u32,
            message: message.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_offsets_of_keys_and_values() {
        let src = "{\n  \"a\": [1, {\"b\": \"x\\u00e9\"}]\n}";
        let t = parse(src).unwrap();
        let a = t.entry(t.root(), "a").unwrap();
        assert_eq!(a.key_offset, 4);
        let arr = a.value;
        assert_eq!(t.node(arr).offset, 9);
        let obj = t.items(arr)[1];
        assert_eq!(t.get(obj, "b").and_then(|n| t.as_str(n)), Some("xé"));
        assert_eq!(t.pointer(t.get(obj, "b").unwrap()), "#/a/1/b");
    }

    #[test]
    fn numbers_keep_their_text() {
        let t = parse("[9007199254740993, -1.5e3]").unwrap();
        let items = t.items(t.root());
        assert_eq!(t.scalar_text(items[0]), Some("9007199254740993"));
        assert_eq!(t.scalar_text(items[1]), Some("-1.5e3"));
    }

    #[test]
    fn surrogate_pairs_decode() {
        let t = parse(r#""\ud83d\ude00""#).unwrap();
        assert_eq!(t.as_str(t.root()), Some("😀"));
    }

    #[test]
    fn errors_point_at_the_problem() {
        for (src, offset) in [
            ("{\"a\": 1,}", 8),
            ("[1 2]", 3),
            ("{\"a\" 1}", 5),
            ("\"open", 5),
            ("[1] x", 4),
            ("", 0),
            ("{\"a\": tru}", 6),
        ] {
            let e = parse(src).unwrap_err();
            assert_eq!(e.offset, offset, "{src:?}: {}", e.message);
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = parse(&src).unwrap_err();
        assert!(e.message.contains("deeper than"), "{}", e.message);
    }

    #[test]
    fn empty_containers() {
        let t = parse(r#"{"a": {}, "b": []}"#).unwrap();
        assert!(t.entries(t.get(t.root(), "a").unwrap()).is_empty());
        assert!(t.items(t.get(t.root(), "b").unwrap()).is_empty());
    }
}
