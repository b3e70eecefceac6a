//! The calibration file (`calibration.toml`, beside the knowledge files): what `verbatim calibrate` fitted for
//! a knowledge base, read and validated with every problem at its `path:line:col`, and written back.
//!
//! ```toml
//! [weights]            # how question words weigh in the ranking
//! unknown = 1.5        # an unknown word, in units of the rarest knowledge word
//! frame = 0.15         # a frame word the knowledge holds ("article"), as a share of its weight
//! chat = 0.5           # a knowledge word in a chat sentence, as a share of its weight
//! common = 0.5         # how much less a common unknown word weighs than a rare one (0 to 1)
//!
//! [decision]           # confidence = 1 / (1 + exp(-(intercept + Σ coefficient × feature)))
//! answer_threshold = 0.5
//! suggest_threshold = 0.1
//! intercept = -9.3
//!
//! [decision.coefficients]
//! score = 15.0
//! # ... one per feature, see `verbatim::matcher::decide::FEATURE_NAMES`
//! ```
//!
//! A knowledge directory without one uses the shipped `knowledge/calibration.toml` (compiled in).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::matcher::decide::{FEATURE_NAMES, Model};
use crate::matcher::{Calibration, TermWeights};

/// The file name a calibration has in a knowledge directory.
pub const FILE_NAME: &str = "calibration.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    weights: Spanned<RawWeights>,
    decision: Spanned<RawDecision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    unknown: Spanned<f64>,
    frame: Spanned<f64>,
    chat: Spanned<f64>,
    common: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDecision {
    answer_threshold: Spanned<f64>,
    suggest_threshold: Spanned<f64>,
    intercept: Spanned<f64>,
    coefficients: Spanned<BTreeMap<String, Spanned<f64>>>,
}

/// Whether `path` names a calibration file.
pub fn is_calibration_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
}

/// Reads a calibration file, or every problem in it.
///
/// ```
/// use verbatim::knowledge::calibration::{read, write};
/// use verbatim::matcher::Calibration;
/// let text = write(&Calibration::default(), "example");
/// assert_eq!(read("calibration.toml".as_ref(), &text).unwrap(), Calibration::default());
/// let broken = text.replace("answer_threshold = 0.5", "answer_threshold = 1.5");
/// let errors = read("calibration.toml".as_ref(), &broken).unwrap_err();
/// assert!(errors[0].to_string().contains("between 0 and 1"), "{}", errors[0]);
/// ```
pub fn read(path: &Path, text: &str) -> Result<Calibration, Vec<Diagnostic>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        let hint = if e.message().contains("missing field") {
            "`verbatim calibrate` writes every key; run it again, or add the key"
        } else {
            "see the calibration file's keys in the README (Calibrating the decision)"
        };
        vec![
            Diagnostic::error(
                path,
                text,
                offset,
                format!("calibration: {}", e.message().trim()),
            )
            .with_hint(hint),
        ]
    })?;
    let mut errors = Vec::new();
    let number = |errors: &mut Vec<Diagnostic>,
                  value: &Spanned<f64>,
                  key: &str,
                  range: std::ops::RangeInclusive<f64>| {
        let v = *value.get_ref();
        if !v.is_finite() || !range.contains(&v) {
            let message = format!(
                "calibration: `{key}` is {v}; it must be between {} and {}",
                range.start(),
                range.end()
            );
            errors.push(
                Diagnostic::error(path, text, value.span().start, message)
                    .with_hint("run `verbatim calibrate` again, or put the value in range"),
            );
        }
        v
    };
    let w = raw.weights.get_ref();
    let weights = TermWeights {
        unknown: number(&mut errors, &w.unknown, "weights.unknown", 0.0..=10.0),
        frame: number(&mut errors, &w.frame, "weights.frame", 0.0..=1.0),
        chat: number(&mut errors, &w.chat, "weights.chat", 0.0..=1.0),
        common: number(&mut errors, &w.common, "weights.common", 0.0..=1.0),
    };
    let d = raw.decision.get_ref();
    let answer = number(
        &mut errors,
        &d.answer_threshold,
        "decision.answer_threshold",
        0.0..=1.0,
    );
    let suggest = number(
        &mut errors,
        &d.suggest_threshold,
        "decision.suggest_threshold",
        0.0..=1.0,
    );
    let intercept = number(&mut errors, &d.intercept, "decision.intercept", -1e3..=1e3);
    let mut coefficients = [0.0; FEATURE_NAMES.len()];
    for (name, value) in d.coefficients.get_ref() {
        let key = format!("decision.coefficients.{name}");
        match FEATURE_NAMES.iter().position(|f| f == name) {
            Some(i) => coefficients[i] = number(&mut errors, value, &key, -1e3..=1e3),
            None => errors.push(
                Diagnostic::error(
                    path,
                    text,
                    value.span().start,
                    format!("calibration: unknown feature `{name}`"),
                )
                .with_hint(format!("the features are: {}", FEATURE_NAMES.join(", "))),
            ),
        }
    }
    for name in FEATURE_NAMES {
        if !d.coefficients.get_ref().contains_key(name) {
            errors.push(
                Diagnostic::error(
                    path,
                    text,
                    d.coefficients.span().start,
                    format!("calibration: missing coefficient `{name}`"),
                )
                .with_hint(format!(
                    "add `{name} = 0.0` (or run `verbatim calibrate` again)"
                )),
            );
        }
    }
    if suggest > answer {
        errors.push(
            Diagnostic::error(
                path,
                text,
                d.suggest_threshold.span().start,
                format!("calibration: `decision.suggest_threshold` ({suggest}) is above `decision.answer_threshold` ({answer})"),
            )
            .with_hint("the suggest threshold must be at most the answer threshold"),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Calibration {
        weights,
        model: Model {
            intercept,
            coefficients,
        },
        answer_threshold: answer,
        suggest_threshold: suggest,
    })
}

/// The text of a calibration file for `calibration`, with `comment` (what it was fitted on) at the top.
pub fn write(calibration: &Calibration, comment: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        let _ = writeln!(out, "# {line}");
    }
    let w = &calibration.weights;
    let _ = write!(
        out,
        "\n# How question words weigh in the ranking (see `verbatim::matcher::question`).\n[weights]\n\
         unknown = {:?}\nframe = {:?}\nchat = {:?}\ncommon = {:?}\n\n\
         # confidence = 1 / (1 + exp(-(intercept + sum of coefficient x feature))); answer at or above\n\
         # answer_threshold, suggest at or above suggest_threshold.\n[decision]\n\
         answer_threshold = {:?}\nsuggest_threshold = {:?}\nintercept = {:?}\n\n[decision.coefficients]\n",
        round(w.unknown),
        round(w.frame),
        round(w.chat),
        round(w.common),
        round(calibration.answer_threshold),
        round(calibration.suggest_threshold),
        round(calibration.model.intercept),
    );
    for (name, value) in FEATURE_NAMES.iter().zip(calibration.model.coefficients) {
        let _ = writeln!(out, "{name} = {:?}", round(value));
    }
    out
}

/// Four decimals: enough for a confidence, and a file a person can read.
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// `calibration` with every number as [`write`] writes it, so that what is written reads back equal.
///
/// ```
/// use verbatim::knowledge::calibration::{read, rounded, write};
/// let mut c = verbatim::matcher::Calibration::default();
/// c.answer_threshold = 0.123456789;
/// let r = rounded(&c);
/// assert_eq!(r.answer_threshold, 0.1235);
/// assert_eq!(read("c.toml".as_ref(), &write(&r, "")).unwrap(), r);
/// ```
pub fn rounded(calibration: &Calibration) -> Calibration {
    let mut c = calibration.clone();
    for x in [
        &mut c.weights.unknown,
        &mut c.weights.frame,
        &mut c.weights.chat,
        &mut c.weights.common,
        &mut c.answer_threshold,
        &mut c.suggest_threshold,
        &mut c.model.intercept,
    ]
    .into_iter()
    .chain(c.model.coefficients.iter_mut())
    {
        *x = round(*x);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_reported_at_its_line() {
        let text = write(&Calibration::default(), "test")
            .replace("frame = 0.15", "frame = 2.0")
            .replace("fit = 0.0", "fitt = 0.0");
        let errors = read(Path::new("k/calibration.toml"), &text).unwrap_err();
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{messages:#?}");
        assert!(
            messages[0].starts_with("k/calibration.toml:6:"),
            "{}",
            messages[0]
        );
        assert!(messages[0].contains("`weights.frame` is 2"));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("unknown feature `fitt`"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("missing coefficient `fit`"))
        );
    }

    #[test]
    fn a_bare_word_is_a_syntax_error_with_its_line() {
        let text = write(&Calibration::default(), "test").replace("chat = 0.5", "chat = half");
        let errors = read(Path::new("calibration.toml"), &text).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].to_string().starts_with("calibration.toml:7:"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn written_values_read_back() {
        let mut c = Calibration::default();
        c.model.coefficients[3] = -1.25;
        c.weights.chat = 0.3;
        let text = write(&c, "fitted on nothing");
        assert!(text.starts_with("# fitted on nothing\n"));
        assert_eq!(read(Path::new("c.toml"), &text).unwrap(), c);
    }
}
