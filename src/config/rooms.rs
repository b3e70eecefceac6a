//! `[[rooms]]`: which knowledge sources a room may quote. Each entry maps room ids or aliases (`*` matches any
//! run of characters) to source ids (the `[source] id` of the knowledge files); the first entry that matches a
//! room decides, and a room no entry matches gets all the knowledge.
//!
//! ```toml
//! [[rooms]]
//! rooms = ["!abc:example.org", "#research-*:example.org"]
//! sources = ["shandong-manufacturing-2023"]
//! ```
//!
//! Whether the sources exist is known only once the knowledge is loaded: [`RoomsConfig::unknown_sources`] says
//! which do not, at their line in the configuration file.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::access::glob_match;
use super::raw::Checker;
use crate::diagnostic::{Diagnostic, Severity, line_col};

/// One `[[rooms]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRooms {
    rooms: Option<Vec<Spanned<String>>>,
    sources: Option<Vec<Spanned<String>>>,
}

/// One `[[rooms]]` entry: the rooms it matches and the sources they may quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRule {
    /// Room ids (`!abc:example.org`) and aliases (`#research:example.org`); `*` matches any run of characters.
    pub rooms: Vec<String>,
    /// The ids of the knowledge sources these rooms may quote.
    pub sources: Vec<String>,
    /// The 1-based line of the entry's `[[rooms]]` header in the configuration file.
    pub line: usize,
    /// The line and column of each of `sources` in the configuration file, in the same order.
    pub source_positions: Vec<(usize, usize)>,
}

/// `[[rooms]]`, in the order of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomsConfig {
    /// The entries; the first that matches a room decides.
    pub rules: Vec<RoomRule>,
}

impl RoomsConfig {
    /// The index in [`RoomsConfig::rules`] of the first entry that matches the room with id `room_id` or one of
    /// its `aliases` (canonical and alternative).
    pub fn rule_for(&self, room_id: &str, aliases: &[&str]) -> Option<usize> {
        self.rules.iter().position(|rule| {
            rule.rooms.iter().any(|pattern| {
                glob_match(pattern, room_id) || aliases.iter().any(|a| glob_match(pattern, a))
            })
        })
    }

    /// The sources the room with id `room_id` or one of its `aliases` may quote: those of the first entry that
    /// matches it, or `None` (all the knowledge) when no entry does.
    ///
    /// ```
    /// use verbatim::config::{RoomRule, RoomsConfig};
    /// let rule = |rooms: &[&str], sources: &[&str]| RoomRule {
    ///     rooms: rooms.iter().map(|r| r.to_string()).collect(),
    ///     sources: sources.iter().map(|s| s.to_string()).collect(),
    ///     line: 1,
    ///     source_positions: vec![],
    /// };
    /// let rooms = RoomsConfig { rules: vec![rule(&["#research-*:example.org"], &["a"]), rule(&["!x:example.org"], &["b"])] };
    /// assert_eq!(rooms.sources_for("!q:example.org", &["#research-ai:example.org"]), Some(&["a".to_string()][..]));
    /// assert_eq!(rooms.sources_for("!x:example.org", &[]), Some(&["b".to_string()][..]));
    /// assert_eq!(rooms.sources_for("!y:example.org", &["#general:example.org"]), None);
    /// ```
    pub fn sources_for(&self, room_id: &str, aliases: &[&str]) -> Option<&[String]> {
        self.rule_for(room_id, aliases)
            .map(|i| self.rules[i].sources.as_slice())
    }

    /// An error for every source an entry names that is not one of `known` (the ids of the loaded knowledge's
    /// sources), at its line and column in `path` (the configuration file).
    pub fn unknown_sources(&self, path: &Path, known: &[&str]) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        for rule in &self.rules {
            for (i, source) in rule.sources.iter().enumerate() {
                if known.contains(&source.as_str()) {
                    continue;
                }
                let (line, col) = rule
                    .source_positions
                    .get(i)
                    .copied()
                    .unwrap_or((rule.line, 1));
                errors.push(Diagnostic {
                    path: path.to_path_buf(),
                    line,
                    col,
                    severity: Severity::Error,
                    message: format!(
                        "`rooms.sources`: the knowledge has no source {source:?} (the [[rooms]] entry of line {})",
                        rule.line
                    ),
                    hint: Some(format!(
                        "use the `[source] id` of a knowledge file: {}; or remove it",
                        known.join(", ")
                    )),
                });
            }
        }
        errors
    }
}

/// Checks and converts the `[[rooms]]` entries, recording errors in `c`.
pub(super) fn parse(c: &mut Checker<'_>, raw: Vec<Spanned<RawRooms>>) -> RoomsConfig {
    let mut rules = Vec::new();
    for entry in raw {
        let span = entry.span();
        let header = header_offset(c.text, span.start);
        let line = line_col(c.text, header).0;
        let entry = entry.into_inner();
        let rooms = entry.rooms.unwrap_or_default();
        if rooms.is_empty() {
            c.error(
                header..header,
                "rooms.rooms",
                "a [[rooms]] entry needs at least one room",
                Some("rooms = [\"!roomid:example.org\", \"#research-*:example.org\"]"),
            );
        }
        for room in &rooms {
            let r = room.get_ref();
            let body = r.get(1..).unwrap_or("");
            let valid = (r.starts_with('!') || r.starts_with('#'))
                && !body.is_empty()
                && !r.chars().any(char::is_whitespace)
                && (r.starts_with('!') || r.contains(':') || r.contains('*'));
            if !valid {
                c.error(
                    room.span(),
                    "rooms.rooms",
                    format!("{r:?} is not a room id or alias"),
                    Some(
                        "a room id such as \"!abc:example.org\" or an alias such as \"#research:example.org\"; `*` \
                         matches anything, as in \"#research-*:example.org\"",
                    ),
                );
            }
        }
        let sources = entry.sources.unwrap_or_default();
        if sources.is_empty() {
            c.error(
                header..header,
                "rooms.sources",
                "a [[rooms]] entry needs at least one source",
                Some(
                    "sources = [\"source-id\"], the `[source] id` of a knowledge file (`verbatim run --check` \
                     lists them); a room no entry matches gets all the knowledge",
                ),
            );
        }
        for source in &sources {
            let s = source.get_ref();
            if s.trim().is_empty() || s.chars().any(char::is_whitespace) {
                c.error(
                    source.span(),
                    "rooms.sources",
                    format!("{s:?} is not a source id"),
                    Some("the `[source] id` of a knowledge file, such as \"shandong-manufacturing-2023\""),
                );
            }
        }
        rules.push(RoomRule {
            rooms: rooms.into_iter().map(Spanned::into_inner).collect(),
            source_positions: sources
                .iter()
                .map(|s| line_col(c.text, s.span().start))
                .collect(),
            sources: sources.into_iter().map(Spanned::into_inner).collect(),
            line,
        });
    }
    RoomsConfig { rules }
}

/// The offset of the `[[rooms]]` header of the entry whose span starts at `start` (the last header at or
/// before it), or `start`.
fn header_offset(text: &str, start: usize) -> usize {
    let start = start.min(text.len());
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    text[..end].rfind("[[rooms]]").unwrap_or(start)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, ConfigError};

    const MINIMAL: &str = "[matrix]\nhomeserver = \"https://m.org\"\nuser_id = \"@v:m.org\"\n";

    fn parse(extra: &str) -> Result<Config, ConfigError> {
        Config::parse(
            Path::new("/etc/verbatim/config.toml"),
            &format!("{MINIMAL}{extra}"),
        )
    }

    fn errors(extra: &str) -> Vec<String> {
        match parse(extra) {
            Ok(_) => panic!("expected errors for:\n{extra}"),
            Err(ConfigError::Invalid(d)) => d.iter().map(ToString::to_string).collect(),
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    #[test]
    fn entries_are_read_in_order_with_their_lines() {
        let c = parse(
            "[limits]\nper_user_burst = 3\n\n[[rooms]]\nrooms = [\"!abc:m.org\", \"#research-*:m.org\"]\n\
             sources = [\"a\", \"b\"]\n\n[[rooms]]\nrooms = [\"#*:m.org\"]\nsources = [\"b\"]\n",
        )
        .unwrap();
        let rules = &c.rooms.rules;
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].rooms, ["!abc:m.org", "#research-*:m.org"]);
        assert_eq!(rules[0].sources, ["a", "b"]);
        assert_eq!((rules[0].line, rules[1].line), (7, 11));
        assert_eq!(rules[0].source_positions, [(9, 12), (9, 17)]);
        assert_eq!(c.limits.per_user_burst, 3, "the table before is still read");
        assert!(parse("").unwrap().rooms.rules.is_empty());
    }

    #[test]
    fn the_first_matching_entry_wins_and_globs_match_ids_and_aliases() {
        let c = parse(
            "[[rooms]]\nrooms = [\"!abc:m.org\"]\nsources = [\"a\"]\n\
             [[rooms]]\nrooms = [\"#research-*:m.org\", \"!*:other.org\"]\nsources = [\"b\"]\n\
             [[rooms]]\nrooms = [\"#*\"]\nsources = [\"c\"]\n",
        )
        .unwrap();
        let r = &c.rooms;
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            r.sources_for("!abc:m.org", &["#research-x:m.org"]),
            Some(&s(&["a"])[..])
        );
        assert_eq!(
            r.sources_for("!zzz:m.org", &["#research-x:m.org"]),
            Some(&s(&["b"])[..])
        );
        assert_eq!(
            r.sources_for("!zzz:m.org", &["#general:m.org", "#research-:m.org"]),
            Some(&s(&["b"])[..])
        );
        assert_eq!(r.sources_for("!q:other.org", &[]), Some(&s(&["b"])[..]));
        assert_eq!(
            r.sources_for("!q:m.org", &["#general:m.org"]),
            Some(&s(&["c"])[..])
        );
        assert_eq!(
            r.sources_for("!q:m.org", &[]),
            None,
            "no alias, no entry: all the knowledge"
        );
        assert_eq!(
            r.sources_for("!abc:m.org.evil", &[]),
            None,
            "ids match whole"
        );
        assert_eq!(r.rule_for("!q:other.org", &[]), Some(1));
    }

    #[test]
    fn bad_entries_are_errors_with_their_line_and_the_fix() {
        let e = errors(
            "[[rooms]]\nrooms = [\"abc:m.org\", \"#\", \"#general\", \"!a b:m.org\"]\nsources = [\"a\", \"\"]\n\
             [[rooms]]\nrooms = []\nsources = []\n[[rooms]]\nroom = \"!x:m.org\"\nsources = [\"a\"]\n",
        );
        let at: Vec<&str> = e
            .iter()
            .map(|e| e.split(": error: ").next().unwrap())
            .collect();
        assert_eq!(
            at,
            [
                "/etc/verbatim/config.toml:5:10",
                "/etc/verbatim/config.toml:5:23",
                "/etc/verbatim/config.toml:5:28",
                "/etc/verbatim/config.toml:5:40",
                "/etc/verbatim/config.toml:6:17",
                "/etc/verbatim/config.toml:7:1",
                "/etc/verbatim/config.toml:7:1",
                "/etc/verbatim/config.toml:10:1",
                "/etc/verbatim/config.toml:11:1",
            ],
            "{e:#?}"
        );
        assert!(
            e[0].contains("`rooms.rooms`: \"abc:m.org\" is not a room id or alias")
                && e[0].contains("hint: a room id such as"),
            "{e:#?}"
        );
        assert!(
            e[4].contains("`rooms.sources`: \"\" is not a source id"),
            "{e:#?}"
        );
        assert!(
            e[5].contains("needs at least one room") || e[6].contains("needs at least one room"),
            "{e:#?}"
        );
        assert!(
            e.iter()
                .any(|e| e.contains("needs at least one source")
                    && e.contains("gets all the knowledge")),
            "{e:#?}"
        );
        assert!(e[7].contains("needs at least one room"), "{e:#?}");
        assert!(
            e[8].contains("`rooms.room`: unknown field `room`"),
            "{e:#?}"
        );
    }

    #[test]
    fn unknown_sources_are_errors_at_their_line() {
        let c =
            parse("[[rooms]]\nrooms = [\"!a:m.org\"]\nsources = [\"known\", \"nope\"]\n").unwrap();
        let e = c.rooms.unknown_sources(&c.path, &["known", "other"]);
        assert_eq!(e.len(), 1);
        let text = e[0].to_string();
        assert!(text.starts_with("/etc/verbatim/config.toml:6:21: error: `rooms.sources`: the knowledge has no source \"nope\" (the [[rooms]] entry of line 4)"), "{text}");
        assert!(
            text.contains("hint: use the `[source] id` of a knowledge file: known, other"),
            "{text}"
        );
        assert!(
            c.rooms
                .unknown_sources(&c.path, &["known", "nope"])
                .is_empty()
        );
    }
}
