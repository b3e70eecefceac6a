//! Reading the configuration file with every problem it has, not only the first: every TOML syntax error
//! (bare words explained, [`crate::diagnostic::syntax_errors`]), then every unknown key and every value of the
//! wrong type. serde stops at the first of those, so the file is deserialized again without each offending key
//! until it reads; what is left gets its default, and the checks of values ([`super::raw::Checker`]) still run.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::raw::{RawConfig, key_at};
use crate::diagnostic::{Diagnostic, syntax_errors};

/// What the file holds: the raw configuration (keys with problems left out), the dotted keys written in the
/// file (`matrix.user_id`), and the problems.
pub(super) struct Read {
    pub(super) raw: Option<RawConfig>,
    pub(super) keys: BTreeSet<String>,
    pub(super) errors: Vec<Diagnostic>,
}

/// Reads `text` (the contents of `path`).
pub(super) fn read(path: &Path, text: &str) -> Read {
    let syntax = syntax_errors(path, text);
    if !syntax.is_empty() {
        return Read {
            raw: None,
            keys: BTreeSet::new(),
            errors: syntax,
        };
    }
    let mut root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            return Read {
                raw: None,
                keys: BTreeSet::new(),
                errors: vec![Diagnostic::error(path, text, offset, e.message().trim())],
            };
        }
    };
    let keys = dotted_keys(root.get_ref());
    let mut errors = Vec::new();
    // Each round removes one offending key, so this ends; the bound is a guard.
    for _ in 0..=keys.len() + root.get_ref().len() {
        let deserializer = toml::de::Deserializer::from(root.clone());
        match RawConfig::deserialize(deserializer) {
            Ok(raw) => {
                return Read {
                    raw: Some(raw),
                    keys,
                    errors,
                };
            }
            Err(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                errors.push(diagnostic(path, text, offset, e.message()));
                if !remove_key_at(root.get_mut(), offset) {
                    break;
                }
            }
        }
    }
    Read {
        raw: None,
        keys,
        errors,
    }
}

/// The error of serde's `message` at `offset`, naming the key, with a hint that says what to write.
fn diagnostic(path: &Path, text: &str, offset: usize, message: &str) -> Diagnostic {
    let mut message = message
        .trim_end()
        .replace('\n', " ")
        .replace("expected i64", "expected an integer")
        .replace("expected f64", "expected a number");
    let key = key_at(text, offset);
    if let Some(key) = &key {
        message = format!("`{key}`: {message}");
    }
    let d = Diagnostic::error(path, text, offset, message.clone());
    match hint(&message, key.as_deref()) {
        Some(hint) => d.with_hint(hint),
        None => d,
    }
}

/// What to write instead, from serde's message.
fn hint(message: &str, key: Option<&str>) -> Option<String> {
    let name = key.map(|k| k.rsplit('.').next().unwrap_or(k));
    if message.contains("unknown field") {
        return Some(
            "remove it, or correct its spelling; config.example.toml shows every key with its default"
                .to_string(),
        );
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        return Some(format!(
            "add {field} = \"...\" to [matrix]; config.example.toml shows every key"
        ));
    }
    let what = if message.contains("expected an integer") {
        "a whole number without quotes"
    } else if message.contains("expected a number") {
        "a number without quotes, such as 0.5"
    } else if message.contains("expected a boolean") {
        "true or false, without quotes"
    } else if message.contains("expected a string") {
        "text in quotes"
    } else if message.contains("expected a sequence") {
        "a list in brackets, such as [\"@admin:example.org\"]"
    } else {
        return None;
    };
    Some(match name {
        Some(name) => format!("the value of {name} must be {what}"),
        None => format!("the value must be {what}"),
    })
}

/// `table.key` for every key of every table, and `key` for keys at the top level.
fn dotted_keys(root: &DeTable<'_>) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (name, value) in root {
        match value.get_ref() {
            DeValue::Table(table) => {
                for key in table.keys() {
                    keys.insert(format!("{}.{}", name.get_ref(), key.get_ref()));
                }
            }
            _ => {
                keys.insert(name.get_ref().to_string());
            }
        }
    }
    keys
}

/// Removes the key (or, at the top level, the table or key) whose name or value holds byte `offset`; false
/// when there is none (an error about a whole table, such as a missing key).
fn remove_key_at(root: &mut DeTable<'_>, offset: usize) -> bool {
    let holds = |key: &Spanned<_>, value: &Spanned<DeValue<'_>>| {
        key.span().contains(&offset) || value.span().contains(&offset)
    };
    let mut top = None;
    for (name, value) in root.iter_mut() {
        if let DeValue::Table(table) = value.get_mut() {
            let inner = table
                .iter()
                .find(|(k, v)| holds(k, v))
                .map(|(k, _)| k.get_ref().clone());
            if let Some(key) = inner {
                table.remove(key.as_ref());
                return true;
            }
            if name.span().contains(&offset) {
                top = Some(name.get_ref().clone());
            }
        } else if let DeValue::Array(items) = value.get_mut()
            && remove_in_tables(items, offset)
        {
            return true;
        } else if holds(name, value) {
            top = Some(name.get_ref().clone());
        }
    }
    match top {
        Some(name) => root.remove(name.as_ref()).is_some(),
        None => false,
    }
}

/// Removes the key holding byte `offset` from the table of an array of tables (`[[rooms]]`) that has it.
fn remove_in_tables(items: &mut [Spanned<DeValue<'_>>], offset: usize) -> bool {
    for item in items.iter_mut() {
        if let DeValue::Table(table) = item.get_mut() {
            let inner = table
                .iter()
                .find(|(k, v)| k.span().contains(&offset) || v.span().contains(&offset))
                .map(|(k, _)| k.get_ref().clone());
            if let Some(key) = inner {
                table.remove(key.as_ref());
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        read(Path::new("c.toml"), text)
            .errors
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const MINIMAL: &str = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@v:m.org\"\n";

    #[test]
    fn every_unknown_key_and_wrong_type_is_reported() {
        let text = format!(
            "{MINIMAL}passwrd = \"x\"\n[bot]\ncatch_up_window_secs = \"5 min\"\nsend_attempts = true\nprefix = \"!q\"\n[metrix]\nlisten = 1\n"
        );
        let e = errors(&text);
        let starts: Vec<&str> = e
            .iter()
            .map(|e| e.split(": error: ").next().unwrap())
            .collect();
        let mut sorted = starts.clone();
        sorted.sort_by_key(|s| s.split(':').nth(1).unwrap().parse::<u32>().unwrap());
        assert_eq!(
            sorted,
            [
                "c.toml:4:1",
                "c.toml:6:24",
                "c.toml:7:17",
                "c.toml:8:1",
                "c.toml:9:2"
            ],
            "{e:#?}"
        );
        assert!(e.iter().any(|e| e.contains("`bot.catch_up_window_secs`: invalid type")
            && e.contains("hint: the value of catch_up_window_secs must be a whole number without quotes")), "{e:#?}");
        assert!(
            e.iter().any(|e| e.contains("`bot.send_attempts`")),
            "{e:#?}"
        );
        assert!(e.iter().any(|e| e.contains("unknown field `passwrd`") && e.contains("config.example.toml")), "{e:#?}");
    }

    #[test]
    fn keys_written_in_the_file_are_known() {
        let r = read(
            Path::new("c.toml"),
            &format!("{MINIMAL}[limits]\nper_user_burst = 3\n"),
        );
        assert!(r.errors.is_empty());
        let keys: Vec<&str> = r.keys.iter().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "limits.per_user_burst",
                "matrix.homeserver",
                "matrix.user_id"
            ]
        );
    }

    #[test]
    fn bare_words_are_every_one_reported() {
        let e = errors("[matrix]\nhomeserver = https://m.org\nuser_id = @v:m.org\n");
        assert_eq!(e.len(), 2, "{e:#?}");
        assert!(
            e[0].contains("hint: write homeserver = \"https://m.org\""),
            "{e:#?}"
        );
        assert!(
            e[1].contains("hint: write user_id = \"@v:m.org\""),
            "{e:#?}"
        );
    }
}
