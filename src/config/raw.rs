//! The configuration file as written (spans kept for error positions), and the checks that turn it into a
//! [`Config`](super::Config).

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) matrix: Option<Spanned<RawMatrix>>,
    #[serde(default)]
    pub(super) access: RawAccess,
    #[serde(default)]
    pub(super) knowledge: RawKnowledge,
    #[serde(default)]
    pub(super) bot: RawBot,
    #[serde(default)]
    pub(super) matching: RawMatching,
    #[serde(default)]
    pub(super) curation: RawCuration,
    #[serde(default)]
    pub(super) metrics: RawMetrics,
    #[serde(default)]
    pub(super) limits: RawLimits,
    #[serde(default)]
    pub(super) rooms: Vec<Spanned<super::rooms::RawRooms>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatrix {
    pub(super) homeserver: Spanned<String>,
    pub(super) user_id: Spanned<String>,
    pub(super) password: Option<String>,
    pub(super) device_name: Option<Spanned<String>>,
    pub(super) state_dir: Option<Spanned<String>>,
    pub(super) store_passphrase: Option<String>,
    pub(super) recovery_key: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAccess {
    #[serde(default)]
    pub(super) allowed_inviters: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) admins: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKnowledge {
    #[serde(default)]
    pub(super) paths: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBot {
    pub(super) command_prefix: Option<Spanned<String>>,
    pub(super) help_command: Option<Spanned<String>>,
    pub(super) sources_command: Option<Spanned<String>>,
    pub(super) display_name: Option<Spanned<String>>,
    pub(super) catch_up_window_secs: Option<Spanned<i64>>,
    pub(super) max_concurrent_questions: Option<Spanned<i64>>,
    pub(super) send_attempts: Option<Spanned<i64>>,
    pub(super) conversation_ttl_secs: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) join_rooms: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMatching {
    pub(super) answer_threshold: Option<Spanned<f64>>,
    pub(super) suggest_threshold: Option<Spanned<f64>>,
    pub(super) max_suggestions: Option<Spanned<i64>>,
    pub(super) max_quotes: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCuration {
    pub(super) log_unanswered: Option<bool>,
    pub(super) log_feedback: Option<bool>,
    pub(super) log_user_ids: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMetrics {
    pub(super) listen: Option<Spanned<String>>,
    pub(super) healthy_sync_age_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLimits {
    pub(super) per_user_burst: Option<Spanned<i64>>,
    pub(super) per_user_per_minute: Option<Spanned<i64>>,
    pub(super) per_room_burst: Option<Spanned<i64>>,
    pub(super) per_room_per_minute: Option<Spanned<i64>>,
    pub(super) max_question_chars: Option<Spanned<i64>>,
    pub(super) max_room_members: Option<Spanned<i64>>,
}

/// Collects errors with positions while validating.
pub(super) struct Checker<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pub(super) errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    pub(super) fn error(
        &mut self,
        span: Range<usize>,
        key: &str,
        message: impl fmt::Display,
        hint: Option<&str>,
    ) {
        let mut d = Diagnostic::error(
            self.path,
            self.text,
            span.start,
            format!("`{key}`: {message}"),
        );
        if let Some(hint) = hint {
            d = d.with_hint(hint);
        }
        self.errors.push(d);
    }

    pub(super) fn command(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        default: &str,
    ) -> String {
        let Some(value) = value else {
            return default.to_string();
        };
        let span = value.span();
        let value = value.into_inner();
        if value.is_empty() || value.chars().any(char::is_whitespace) {
            self.error(
                span,
                key,
                format!("{value:?} must be one word without spaces"),
                Some("for example \"!ask\""),
            );
        }
        value
    }

    pub(super) fn int(
        &mut self,
        value: Option<Spanned<i64>>,
        key: &str,
        default: i64,
        range: Range<i64>,
    ) -> i64 {
        let Some(value) = value else { return default };
        let span = value.span();
        let value = value.into_inner();
        if !range.contains(&value) {
            self.error(
                span,
                key,
                format!(
                    "{value} is out of range (at least {}, at most {})",
                    range.start,
                    range.end - 1
                ),
                None,
            );
            return default;
        }
        value
    }

    pub(super) fn score(
        &mut self,
        value: Option<Spanned<f64>>,
        key: &str,
        default: f64,
    ) -> (f64, Range<usize>) {
        let Some(value) = value else {
            return (default, 0..0);
        };
        let span = value.span();
        let value = value.into_inner();
        if !(0.0..=1.0).contains(&value) {
            self.error(
                span.clone(),
                key,
                format!("{value} must be between 0 and 1"),
                None,
            );
            return (default, span);
        }
        (value, span)
    }

    pub(super) fn user_id(&mut self, value: &Spanned<String>, key: &str, glob: bool) {
        let v = value.get_ref();
        let valid = v.starts_with('@')
            && v.len() > 3
            && v[1..]
                .split_once(':')
                .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty())
            && !v.chars().any(char::is_whitespace)
            && (glob || !v.contains('*'));
        if !valid {
            let hint = if glob {
                "a Matrix user id such as \"@admin:example.org\"; `*` matches anything, as in \"@*:example.org\""
            } else {
                "a Matrix user id such as \"@verbatim:example.org\""
            };
            self.error(
                value.span(),
                key,
                format!("{v:?} is not a Matrix user id"),
                Some(hint),
            );
        }
    }
}

/// The dotted key (`table.key`) whose line holds byte `offset`, if that line is a `key = value` line.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("");
    let key = line.split_once('=')?.0.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') || key.starts_with('#') {
        return None;
    }
    let table = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    Some(match table {
        Some(table) => format!("{table}.{key}"),
        None => key.to_string(),
    })
}
