//! Every TOML syntax error of a file, in words a curator or operator acts on.
//!
//! The `toml` crate stops at the first syntax error, and a bare word where a value belongs (`voice = narrative`,
//! `state_dir = state`) gets a message about what the word might have been (`invalid float, expected nan`,
//! because `narrative` starts like `nan`). [`syntax_errors`] reads the file with the crate's recovering parser,
//! which goes on past each error, and says of every bare word that text must be in quotes, with the line to
//! write. [`explain`] puts those in place of the single syntax error a loader reported for a file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Diagnostic;

/// Every syntax error in `text` (the contents of `path`), bare words explained; empty when the TOML is valid.
///
/// ```
/// let text = "[entry]\nvoice = narrative\nspeaker = wang-gang\n";
/// let errors = verbatim::diagnostic::syntax_errors("k.toml", text);
/// assert_eq!(errors.len(), 2);
/// assert_eq!(
///     errors[0].to_string(),
///     "k.toml:2:9: error: `voice`: narrative is not a TOML value; text must be in quotes\n  hint: write voice = \"narrative\""
/// );
/// assert!(errors[1].to_string().starts_with("k.toml:3:11: error: `speaker`: wang-gang is not a TOML value"));
/// ```
pub fn syntax_errors(path: impl AsRef<Path>, text: &str) -> Vec<Diagnostic> {
    let (_, errors) = toml::de::DeTable::parse_recoverable(text);
    let mut out: Vec<Diagnostic> = Vec::new();
    for error in errors {
        let span = error.span().unwrap_or(0..0);
        let start = span.start.min(text.len());
        let end = span.end.clamp(start, text.len());
        let word = text.get(start..end).unwrap_or_default();
        let d = if is_bare_word(word) {
            bare_word(path.as_ref(), text, start, word)
        } else {
            Diagnostic::error(
                path.as_ref(),
                text,
                start,
                error.message().trim().replace('\n', " "),
            )
        };
        // The recovering parser may report one place twice (for example a word and the line it ends).
        if !out.iter().any(|o| (o.line, o.col) == (d.line, d.col)) {
            out.push(d);
        }
    }
    out
}

/// `diagnostics` with what a loader reported for a file with syntax errors (it could only report the first)
/// replaced by every syntax error of that file, from [`syntax_errors`] (reading the file again), in the place of
/// the first. A file with a syntax error is not read at all, so nothing else was found in it. Diagnostics of
/// other files are kept as they are.
pub fn explain(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut syntax: BTreeMap<PathBuf, Option<Vec<Diagnostic>>> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.is_error()) {
        syntax.entry(d.path.clone()).or_insert_with(|| {
            std::fs::read_to_string(&d.path)
                .ok()
                .map(|text| syntax_errors(&d.path, &text))
                .filter(|errors| !errors.is_empty())
        });
    }
    let mut out = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        match syntax.get_mut(&d.path) {
            // The first of the file's diagnostics takes every syntax error; the rest are dropped.
            Some(Some(errors)) => out.append(errors),
            _ => out.push(d),
        }
    }
    out
}

/// Whether `word` (the text an error points at) is a bare word: not a string, number, date, boolean, array
/// or table, which TOML would never take as a value.
fn is_bare_word(word: &str) -> bool {
    let Some(first) = word.chars().next() else {
        return false;
    };
    let starts_a_value = first.is_ascii_digit() || "\"'[{+-.=#".contains(first);
    !starts_a_value
        && !first.is_whitespace()
        && !matches!(word, "true" | "false" | "inf" | "nan")
        && !word.contains(['\n', '"', '\''])
}

/// The error for the bare `word` at byte `start` of `text`.
fn bare_word(path: &Path, text: &str, start: usize, word: &str) -> Diagnostic {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    let key = before
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
        .filter(|k| !k.is_empty() && !k.contains(['[', '{', ',']));
    let value_of_key = before.trim_end().ends_with('=');
    let quoted = format!("\"{}\"", word.replace('\\', "\\\\"));
    let (message, hint) = match key {
        Some(key) if value_of_key => (
            format!("`{key}`: {word} is not a TOML value; text must be in quotes"),
            format!("write {key} = {quoted}"),
        ),
        Some(key) => (
            format!("`{key}`: {word} is not a TOML value; text must be in quotes"),
            format!("write {quoted}"),
        ),
        None => (
            format!("{word} is not a TOML value; text must be in quotes"),
            format!("write {quoted}"),
        ),
    };
    Diagnostic::error(path, text, start, message).with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(path: &str, text: &str) -> Vec<String> {
        syntax_errors(path, text)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn every_bare_word_is_reported_with_the_line_to_write() {
        let text = "[matrix]\nhomeserver = https://matrix.example.org\nuser_id = \"@v:example.org\"\n\
                    state_dir = state\n[access]\nadmins = [ops, \"@a:b\"]\n";
        assert_eq!(
            lines("c.toml", text),
            [
                "c.toml:2:14: error: `homeserver`: https://matrix.example.org is not a TOML value; text must be in quotes\n  hint: write homeserver = \"https://matrix.example.org\"",
                "c.toml:4:13: error: `state_dir`: state is not a TOML value; text must be in quotes\n  hint: write state_dir = \"state\"",
                "c.toml:6:11: error: `admins`: ops is not a TOML value; text must be in quotes\n  hint: write \"ops\"",
            ]
        );
    }

    #[test]
    fn words_that_look_like_keywords_are_bare_words_too() {
        // `narrative` starts like `nan`, `twelve` like `true`, `inside` like `inf`: the crate's messages
        // talk about floats and booleans.
        let text = "a = narrative\nb = twelve\nc = inside\nd = true\ne = nan\n";
        let errors = syntax_errors("k.toml", text);
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.message.contains("text must be in quotes")),
            "{errors:?}"
        );
    }

    #[test]
    fn valid_toml_and_other_syntax_errors() {
        assert!(
            syntax_errors("k.toml", "a = \"x\"\nb = 1\nc = [1, 2]\nd = 1979-05-27\n").is_empty()
        );
        assert!(syntax_errors("k.toml", "a = '''\nb = word\n'''\n").is_empty());
        let errors = lines("k.toml", "a = \"x\"\n[[[broken\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("k.toml:2:"), "{errors:?}");
        assert!(!errors[0].contains("quotes"), "{errors:?}");
    }

    #[test]
    fn explain_replaces_the_loaders_single_syntax_error_with_all_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.toml");
        let text = "[source]\nid = \"s\"\n\n[[entries]]\nvoice = narrative\n\n[[entries]]\nvoice = reported\n";
        std::fs::write(&path, text).unwrap();
        let other = dir.path().join("other.toml");
        let loader = vec![
            Diagnostic::error(
                &path,
                text,
                text.find("narrative").unwrap(),
                "invalid float, expected `nan`",
            ),
            Diagnostic::error(&other, "x", 0, "something else"),
        ];
        let explained = explain(loader);
        let messages: Vec<String> = explained
            .iter()
            .map(|d| format!("{}:{}", d.line, d.message))
            .collect();
        assert_eq!(
            messages,
            [
                "5:`voice`: narrative is not a TOML value; text must be in quotes",
                "8:`voice`: reported is not a TOML value; text must be in quotes",
                "1:something else",
            ]
        );
    }
}
