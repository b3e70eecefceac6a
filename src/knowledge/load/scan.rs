//! A fast reader for knowledge files written the usual way, tried before the TOML parser.
//!
//! It reads a strict subset of TOML: comments, the headers `[source]`, `[[speakers]]`, `[[entries]]` and
//! `[[synonyms]]`, and
//! lines `key = value` with a bare key and a value that is a one-line string (`"basic"` with the common escapes,
//! `'literal'`, or either with three quotes) or an array of them (over several lines, with comments and a
//! trailing comma). Each key must be one its table takes, once, with the type the table wants, and every table
//! must have its required keys. For anything else it gives up ([`None`]) and [`parse`](super::parse) reads the
//! file with the `toml` crate, which also reports the problems. So for every file it accepts, it gives what the
//! typed `toml` pass gives (tested against it, and fuzzed), plus where each key and phrasing is, which saves
//! searching for them afterwards.

use std::ops::Range;

use serde::Deserialize;
use serde::de::value::{Error as ValueError, StrDeserializer};

use super::tables::{At, RawEntry, RawSource, RawSpeaker, RawSynonym, Table, Tables};
use crate::knowledge::Voice;

/// The tables a knowledge file may have.
#[derive(Clone, Copy)]
enum Kind {
    Source,
    Speaker,
    Entry,
    Synonym,
}

impl Kind {
    /// The keys a table of this kind takes.
    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Source => &["id", "title", "date", "text", "publisher", "url", "skip"],
            Kind::Speaker => &["id", "name", "capacity"],
            Kind::Entry => &["id", "voice", "speaker", "phrasings", "quote"],
            Kind::Synonym => &["words", "means"],
        }
    }
}

/// A value as written: a string, or an array of strings with where each one's text starts.
enum Value {
    Text(String),
    List(Vec<String>, Vec<usize>),
}

/// The table being read: its header's span, and its keys with their offsets and values.
struct Open {
    kind: Kind,
    span: Range<usize>,
    keys: Vec<(&'static str, usize)>,
    values: Vec<Value>,
}

impl Open {
    fn take(&mut self, key: &str) -> Option<Value> {
        let i = self.keys.iter().position(|(k, _)| *k == key)?;
        Some(std::mem::replace(
            &mut self.values[i],
            Value::Text(String::new()),
        ))
    }

    /// A key that must be there as a string.
    fn text(&mut self, key: &str) -> Option<String> {
        self.optional(key)?
    }

    /// A key that may be absent (`Some(None)`); `None` if it is not a string.
    fn optional(&mut self, key: &str) -> Option<Option<String>> {
        match self.take(key) {
            None => Some(None),
            Some(Value::Text(s)) => Some(Some(s)),
            Some(Value::List(..)) => None,
        }
    }

    /// A key that must be there as an array.
    fn list(&mut self, key: &str) -> Option<(Vec<String>, Vec<usize>)> {
        match self.take(key)? {
            Value::List(list, offsets) => Some((list, offsets)),
            Value::Text(_) => None,
        }
    }

    /// Puts the finished table into `tables`; `None` if it lacks a key or has one of the wrong type.
    fn close(mut self, tables: &mut Found) -> Option<()> {
        let span = self.span.clone();
        match self.kind {
            Kind::Source => {
                if tables.source.is_some() {
                    return None;
                }
                let raw = RawSource {
                    id: self.text("id")?,
                    title: self.text("title")?,
                    date: self.text("date")?,
                    text: self.text("text")?,
                    publisher: self.optional("publisher")?,
                    url: self.optional("url")?,
                    skip: match self.take("skip") {
                        None => Vec::new(),
                        Some(Value::List(list, _)) => list,
                        Some(Value::Text(_)) => return None,
                    },
                };
                tables.source = Some(table(span, raw, self.keys, Vec::new()));
            }
            Kind::Speaker => {
                let raw = RawSpeaker {
                    id: self.text("id")?,
                    name: self.text("name")?,
                    capacity: self.optional("capacity")?,
                };
                tables
                    .speakers
                    .push(table(span, raw, self.keys, Vec::new()));
            }
            Kind::Entry => {
                let voice = self.text("voice")?;
                let (phrasings, offsets) = self.list("phrasings")?;
                let raw = RawEntry {
                    id: self.text("id")?,
                    voice: Voice::deserialize(StrDeserializer::<ValueError>::new(&voice)).ok()?,
                    speaker: self.optional("speaker")?,
                    phrasings,
                    quote: self.text("quote")?,
                };
                tables.entries.push(table(span, raw, self.keys, offsets));
            }
            Kind::Synonym => {
                let (words, _) = self.list("words")?;
                let raw = RawSynonym {
                    words,
                    means: self.text("means")?,
                };
                tables
                    .synonyms
                    .push(table(span, raw, self.keys, Vec::new()));
            }
        }
        Some(())
    }
}

fn table<T>(
    span: Range<usize>,
    value: T,
    keys: Vec<(&'static str, usize)>,
    phrasings: Vec<usize>,
) -> Table<T> {
    Table {
        at: At {
            span,
            keys: Some(keys),
            phrasings,
        },
        value: Ok(value),
    }
}

/// The tables read so far.
#[derive(Default)]
struct Found {
    source: Option<Table<RawSource>>,
    speakers: Vec<Table<RawSpeaker>>,
    entries: Vec<Table<RawEntry>>,
    synonyms: Vec<Table<RawSynonym>>,
}

/// Reads `text` if it is written in the subset this module knows; see the [module documentation](self).
pub(super) fn scan(text: &str) -> Option<Tables> {
    let mut s = Scanner { text, pos: 0 };
    let mut found = Found::default();
    let mut open: Option<Open> = None;
    loop {
        s.spaces();
        match s.peek() {
            None => break,
            Some(b'\n' | b'\r' | b'#') => {}
            Some(b'[') => {
                let start = s.pos;
                let kind = s.header()?;
                if let Some(done) = open.take() {
                    done.close(&mut found)?;
                }
                open = Some(Open {
                    kind,
                    span: start..s.pos,
                    keys: Vec::new(),
                    values: Vec::new(),
                });
            }
            Some(_) => {
                let table = open.as_mut()?;
                let start = s.pos;
                let key = s.key()?;
                let key = *table.kind.keys().iter().find(|k| **k == key)?;
                if table.keys.iter().any(|(k, _)| *k == key) {
                    return None;
                }
                s.spaces();
                s.expect(b'=')?;
                s.spaces();
                let value = s.value()?;
                table.keys.push((key, start));
                table.values.push(value);
            }
        }
        s.end_of_line()?;
    }
    if let Some(done) = open {
        done.close(&mut found)?;
    }
    Some(Tables {
        source: found.source?,
        speakers: found.speakers,
        entries: found.entries,
        synonyms: found.synonyms,
    })
}

/// A cursor over the file's text.
struct Scanner<'t> {
    text: &'t str,
    pos: usize,
}

/// Whether a byte is a control character that TOML allows in neither strings nor comments.
fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.text.as_bytes()[self.pos..]
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// Skips spaces and tabs.
    fn spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// After a line's content: spaces, an optional comment, then a newline or the end of the file.
    fn end_of_line(&mut self) -> Option<()> {
        self.spaces();
        if self.peek() == Some(b'#') {
            let len = self.rest().iter().position(|&b| is_control(b));
            self.pos = len.map_or(self.text.len(), |len| self.pos + len);
        }
        self.newline()
    }

    /// A newline (`\n` or `\r\n`), or the end of the file.
    fn newline(&mut self) -> Option<()> {
        match self.peek() {
            None => Some(()),
            Some(b'\n') => {
                self.pos += 1;
                Some(())
            }
            Some(b'\r') if self.rest().get(1) == Some(&b'\n') => {
                self.pos += 2;
                Some(())
            }
            Some(_) => None,
        }
    }

    /// Spaces, newlines and comments between the items of an array.
    fn blank(&mut self) -> Option<()> {
        loop {
            self.spaces();
            match self.peek() {
                Some(b'\n' | b'\r' | b'#') => self.end_of_line()?,
                _ => return Some(()),
            }
        }
    }

    /// One of the four table headers.
    fn header(&mut self) -> Option<Kind> {
        let rest = self.rest();
        let (kind, len) = if rest.starts_with(b"[source]") {
            (Kind::Source, 8)
        } else if rest.starts_with(b"[[speakers]]") {
            (Kind::Speaker, 12)
        } else if rest.starts_with(b"[[entries]]") {
            (Kind::Entry, 11)
        } else if rest.starts_with(b"[[synonyms]]") {
            (Kind::Synonym, 12)
        } else {
            return None;
        };
        self.pos += len;
        Some(kind)
    }

    /// A bare key.
    fn key(&mut self) -> Option<&str> {
        let start = self.pos;
        let len = self
            .rest()
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .unwrap_or(self.rest().len());
        self.pos += len;
        (len > 0).then(|| &self.text[start..self.pos])
    }

    fn value(&mut self) -> Option<Value> {
        if self.peek()? != b'[' {
            return self.string().map(|(_, s)| Value::Text(s));
        }
        self.pos += 1;
        let (mut list, mut offsets) = (Vec::new(), Vec::new());
        loop {
            self.blank()?;
            if self.peek()? == b']' {
                break;
            }
            let (at, string) = self.string()?;
            offsets.push(at);
            list.push(string);
            self.blank()?;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => break,
                _ => return None,
            }
        }
        self.pos += 1;
        Some(Value::List(list, offsets))
    }

    /// A string on one line, basic or literal, each also with the three-quote delimiters: where its text starts
    /// (after the opening quotes), and the text.
    fn string(&mut self) -> Option<(usize, String)> {
        let quote = self.peek()?;
        if !matches!(quote, b'"' | b'\'') {
            return None;
        }
        let long = self.rest().starts_with(&[quote; 3]);
        self.pos += if long { 3 } else { 1 };
        let start = self.pos;
        let mut out = String::new();
        loop {
            let rest = self.rest();
            let len = if quote == b'"' {
                memchr::memchr2(quote, b'\\', rest)
            } else {
                memchr::memchr(quote, rest)
            };
            let len = len.unwrap_or(rest.len());
            // One branch-free pass over the run (a newline counts: strings here are on one line).
            if rest[..len]
                .iter()
                .fold(false, |bad, &b| bad | is_control(b))
            {
                return None;
            }
            out.push_str(&self.text[self.pos..self.pos + len]);
            self.pos += len;
            match self.peek()? {
                b'\\' if quote == b'"' => out.push(self.escape()?),
                b if b == quote && !long => {
                    self.pos += 1;
                    return Some((start, out));
                }
                b if b == quote && self.rest().starts_with(&[quote; 3]) => {
                    // A quote right after the closing three would belong to the string.
                    if self.rest().get(3) == Some(&quote) {
                        return None;
                    }
                    self.pos += 3;
                    return Some((start, out));
                }
                b if b == quote => {
                    out.push(quote as char);
                    self.pos += 1;
                }
                _ => return None,
            }
        }
    }

    /// The escape at the cursor (a backslash and what follows) as the character it stands for.
    fn escape(&mut self) -> Option<char> {
        let code = *self.rest().get(1)?;
        self.pos += 2;
        let hex = match code {
            b'b' => return Some('\u{8}'),
            b't' => return Some('\t'),
            b'n' => return Some('\n'),
            b'f' => return Some('\u{c}'),
            b'r' => return Some('\r'),
            b'"' => return Some('"'),
            b'\\' => return Some('\\'),
            b'u' => 4,
            b'U' => 8,
            _ => return None,
        };
        let digits = self.rest().get(..hex)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let digits = &self.text[self.pos..self.pos + hex];
        self.pos += hex;
        char::from_u32(u32::from_str_radix(digits, 16).ok()?)
    }
}

#[cfg(test)]
mod tests;
