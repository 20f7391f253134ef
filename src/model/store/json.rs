//! JSON for the page's own formats: writing strings and numbers, and a pull reader that
//! decodes a document straight into the caller's types (no tree of values: an export of
//! 100,000 tasks is tens of MB of text, and a tree of it would be several times that).
//!
//! The reader is strict JSON (RFC 8259) with limits: nesting at most [`MAX_DEPTH`] deep.
//! Every error names the byte offset where reading stopped, and nothing panics on any input.

/// The deepest nesting of arrays and objects the reader accepts.
pub const MAX_DEPTH: usize = 32;

/// A JSON string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Appends `s` as a JSON string literal.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A JSON number that reads back as exactly `v` (`null` when not finite).
pub fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".into()
    }
}

/// A JSON number in ms, to the µs (`null` when not finite): for figures people read.
pub fn ms(v: f64) -> String {
    number((v * 1000.0).round() / 1000.0)
}

/// The whole number a number's text is (`12`, `1.2e1`), exactly, if it is one.
pub fn whole(text: &str) -> Option<u64> {
    text.parse::<u64>().ok().or_else(|| {
        let v = text.parse::<f64>().ok()?;
        (v >= 0.0 && v.fract() == 0.0 && v < u64::MAX as f64).then_some(v as u64)
    })
}

/// What went wrong, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub at: usize,
    pub what: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at byte {})", self.what, self.at)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The kind of the value that comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// Reads one JSON document, value by value.
pub struct Reader<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Reader {
            text: text.as_bytes(),
            at: 0,
            depth: 0,
        }
    }

    /// The byte offset reading has reached.
    pub fn at(&self) -> usize {
        self.at
    }

    /// An error at the current position.
    pub fn error<T>(&self, what: impl Into<String>) -> Result<T> {
        Err(Error {
            at: self.at,
            what: what.into(),
        })
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.at) {
            self.at += 1;
        }
    }

    fn peek_byte(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    /// The kind of the next value.
    pub fn peek(&mut self) -> Result<Kind> {
        match self.peek_byte() {
            Some(b'n') => Ok(Kind::Null),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'"') => Ok(Kind::String),
            Some(b'[') => Ok(Kind::Array),
            Some(b'{') => Ok(Kind::Object),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(_) => self.error("not a JSON value"),
            None => self.error("the text ends where a value should be"),
        }
    }

    fn literal(&mut self, word: &str) -> Result<()> {
        self.skip_space();
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            self.error(format!("expected {word}"))
        }
    }

    /// `null`, when it comes next: consumed, and `true`.
    pub fn null(&mut self) -> Result<bool> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub fn bool(&mut self) -> Result<bool> {
        match self.peek_byte() {
            Some(b't') => self.literal("true").map(|_| true),
            Some(b'f') => self.literal("false").map(|_| false),
            _ => self.error("expected true or false"),
        }
    }

    pub fn number(&mut self) -> Result<f64> {
        let at = self.at;
        match self.number_text()?.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(Error {
                at,
                what: "a number out of range".into(),
            }),
        }
    }

    /// A number as it is written (`12`, `-0.5e3`): for callers that read it exactly, as a
    /// whole number or otherwise.
    pub fn number_text(&mut self) -> Result<&'a str> {
        self.skip_space();
        let start = self.at;
        let digits = |r: &mut Self| {
            let from = r.at;
            while r.text.get(r.at).is_some_and(u8::is_ascii_digit) {
                r.at += 1;
            }
            r.at > from
        };
        if self.text.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        if !digits(self) {
            return self.error("expected a number");
        }
        if self.text[int_start] == b'0' && self.at - int_start > 1 {
            return self.error("a number with a leading zero");
        }
        if self.text.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return self.error("expected digits after the decimal point");
            }
        }
        if let Some(b'e' | b'E') = self.text.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.text.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return self.error("expected an exponent");
            }
        }
        // Only ASCII was consumed, so this is a str.
        Ok(std::str::from_utf8(&self.text[start..self.at]).unwrap_or(""))
    }

    /// A number, or `null` read as not finite (what [`number`] writes for NaN).
    pub fn number_or_null(&mut self) -> Result<f64> {
        if self.null()? {
            Ok(f64::NAN)
        } else {
            self.number()
        }
    }

    /// A whole number in `0..=max`, read exactly (beyond 2^53 too).
    pub fn whole(&mut self, max: u64) -> Result<u64> {
        let at = self.at;
        let text = self.number_text()?;
        match whole(text) {
            Some(v) if v <= max => Ok(v),
            _ => Err(Error {
                at,
                what: format!("expected a whole number from 0 to {max}"),
            }),
        }
    }

    pub fn string(&mut self) -> Result<String> {
        if self.peek_byte() != Some(b'"') {
            return self.error("expected a string");
        }
        self.at += 1;
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.text.get(self.at) else {
                return self.error("a string that never ends");
            };
            self.at += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.text.get(self.at) else {
                        return self.error("a string that never ends");
                    };
                    self.at += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.escaped_char()?,
                        _ => return self.error("an unknown escape in a string"),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0..0x20 => return self.error("a control character in a string"),
                b => out.push(b),
            }
        }
        // The input is a str and escapes add whole chars, so this holds UTF-8.
        String::from_utf8(out).or_else(|_| self.error("a string that is not UTF-8"))
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self.text.get(self.at..self.at + 4);
        let v = digits
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match v {
            Some(v) => {
                self.at += 4;
                Ok(v)
            }
            None => self.error("expected 4 hex digits after \\u"),
        }
    }

    /// The char of a `\u` escape (after the `u`), a surrogate pair read whole.
    fn escaped_char(&mut self) -> Result<char> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if !self.text[self.at..].starts_with(b"\\u") {
                return self.error("a lone surrogate in a string");
            }
            self.at += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return self.error("a lone surrogate in a string");
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).map_or_else(|| self.error("a lone surrogate in a string"), Ok)
    }

    fn enter(&mut self, open: u8, what: &str) -> Result<()> {
        if self.peek_byte() != Some(open) {
            return self.error(format!("expected {what}"));
        }
        if self.depth == MAX_DEPTH {
            return self.error(format!("nested more than {MAX_DEPTH} deep"));
        }
        self.depth += 1;
        self.at += 1;
        Ok(())
    }

    /// After an item of a container closed by `close`: whether another follows.
    fn more(&mut self, close: u8, first: bool) -> Result<bool> {
        match self.peek_byte() {
            Some(b) if b == close => {
                self.at += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.at += 1;
                Ok(true)
            }
            _ if first => Ok(true),
            _ => self.error(format!("expected , or {}", close as char)),
        }
    }

    /// Reads an array, calling `item` for each element (which must read it whole).
    pub fn array(&mut self, mut item: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.enter(b'[', "an array")?;
        let mut first = true;
        while self.more(b']', first)? {
            first = false;
            item(self)?;
        }
        Ok(())
    }

    /// Reads an object, calling `field` with each key (which must read its value whole;
    /// [`Reader::skip`] for keys it does not know).
    pub fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Result<()>) -> Result<()> {
        self.enter(b'{', "an object")?;
        let mut first = true;
        while self.more(b'}', first)? {
            first = false;
            let key = self.string()?;
            if self.peek_byte() != Some(b':') {
                return self.error("expected : after a key");
            }
            self.at += 1;
            field(self, &key)?;
        }
        Ok(())
    }

    /// Reads and forgets one value of any kind.
    pub fn skip(&mut self) -> Result<()> {
        match self.peek()? {
            Kind::Null => self.literal("null"),
            Kind::Bool => self.bool().map(drop),
            Kind::Number => self.number().map(drop),
            Kind::String => self.string().map(drop),
            Kind::Array => self.array(Self::skip),
            Kind::Object => self.object(|r, _| r.skip()),
        }
    }

    /// Checks that nothing but white space follows the document.
    pub fn end(&mut self) -> Result<()> {
        match self.peek_byte() {
            None => Ok(()),
            Some(_) => self.error("text after the end of the document"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_string(text: &str) -> Result<String> {
        let mut r = Reader::new(text);
        let s = r.string()?;
        r.end()?;
        Ok(s)
    }

    #[test]
    fn strings_round_trip() {
        for s in [
            "",
            "plain",
            "quote \" and \\ back",
            "line\nbreak\u{1}",
            "é ☃ 𝄞",
        ] {
            assert_eq!(read_string(&string(s)).unwrap(), s);
        }
        assert_eq!(read_string(r#""\ud834\udd1e \u00e9 \/""#).unwrap(), "𝄞 é /");
    }

    #[test]
    fn numbers_read_back_exactly() {
        for v in [0.0, -0.5, 1e-7, 123.456789012345, 1e300, 42.0] {
            let text = number(v);
            assert_eq!(Reader::new(&text).number().unwrap(), v);
        }
        assert_eq!(number(f64::NAN), "null");
        assert_eq!(ms(1.23456789), "1.235");
        assert!(Reader::new("null").number_or_null().unwrap().is_nan());
    }

    #[test]
    fn bad_documents_say_what_and_where() {
        let cases = [
            ("", "ends where a value"),
            ("{\"a\" 1}", "expected :"),
            ("[1 2]", "expected , or ]"),
            ("[1,]", "not a JSON value"),
            ("01", "leading zero"),
            ("1e999", "out of range"),
            ("\"abc", "never ends"),
            ("\"\\x\"", "unknown escape"),
            ("\"\\ud800\"", "lone surrogate"),
            ("\"a\u{1}\"", "control character"),
            ("tru", "expected true"),
            ("{} x", "after the end"),
        ];
        for (text, what) in cases {
            let mut r = Reader::new(text);
            let err = r.skip().and_then(|_| r.end()).unwrap_err();
            assert!(err.what.contains(what), "{text:?}: {err}");
        }
        let err = Reader::new("[1, true, x]").skip().unwrap_err();
        assert_eq!(err.at, 10);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        let err = Reader::new(&deep).skip().unwrap_err();
        assert!(err.what.contains("nested"), "{err}");
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(Reader::new(&ok).skip().is_ok());
    }

    #[test]
    fn objects_and_arrays_are_read_in_order() {
        let mut r = Reader::new(r#" { "a": [1, 2.5, -3], "b": {"c": null}, "d": "x" } "#);
        let mut seen = Vec::new();
        r.object(|r, key| match key {
            "a" => r.array(|r| r.number().map(|v| seen.push(format!("a{v}")))),
            "d" => r.string().map(|s| seen.push(s)),
            _ => r.skip(),
        })
        .unwrap();
        r.end().unwrap();
        assert_eq!(seen, ["a1", "a2.5", "a-3", "x"]);
        assert!(Reader::new("1.5").whole(10).is_err());
        assert!(Reader::new("11").whole(10).is_err());
        assert_eq!(Reader::new("7").whole(10).unwrap(), 7);
    }

    proptest! {
        #[test]
        fn any_text_reads_without_panicking(text in ".{0,64}") {
            let mut r = Reader::new(&text);
            let _ = r.skip().and_then(|_| r.end());
        }

        #[test]
        fn any_string_round_trips(s in any::<String>()) {
            prop_assert_eq!(read_string(&string(&s)).unwrap(), s);
        }

        #[test]
        fn any_finite_number_round_trips(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
            let text = number(v);
            prop_assert_eq!(Reader::new(&text).number().unwrap(), v);
        }
    }
}
