//! Labeled question sets, in the format of the project's evaluation script (`score.py`): one JSON object per
//! line with `q` (the question), `kind` (`in`: the knowledge answers it; `out`: unrelated; `near`: sounds
//! related, but the knowledge does not answer it) and `expect` (for `in`: phrases of which one must be in the
//! reply's quote or source). Other keys (such as `persona`) are ignored.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::answer::{Outcome, Reply};
use crate::diagnostic::Diagnostic;

/// What a labeled question is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The knowledge answers it.
    In,
    /// Unrelated to the knowledge.
    Out,
    /// Sounds related; the knowledge does not answer it.
    Near,
}

impl Kind {
    /// The name used in the files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::In => "in",
            Kind::Out => "out",
            Kind::Near => "near",
        }
    }
}

/// One labeled question.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Labeled {
    /// The question.
    pub q: String,
    /// What it is.
    pub kind: Kind,
    /// For `in`: phrases of which one must be in the answer's quote or source.
    #[serde(default)]
    pub expect: Vec<String>,
}

/// Reads a question set; every malformed line is reported at its line.
///
/// ```
/// use verbatim::calibrate::questions::{read, Kind};
/// let text = "{\"q\": \"who?\", \"kind\": \"in\", \"expect\": [\"Zhou\"]}\n\n{\"q\": \"hi\", \"kind\": \"out\"}\n";
/// let set = read("set.jsonl".as_ref(), text).unwrap();
/// assert_eq!((set.len(), set[1].kind), (2, Kind::Out));
/// let errors = read("set.jsonl".as_ref(), "{\"q\": \"x\", \"kind\": \"maybe\"}").unwrap_err();
/// assert!(errors[0].to_string().starts_with("set.jsonl:1:1: error:"), "{}", errors[0]);
/// ```
pub fn read(path: &Path, text: &str) -> Result<Vec<Labeled>, Vec<Diagnostic>> {
    let mut set = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Labeled>(line) {
            Ok(item) if item.kind == Kind::In && item.expect.is_empty() => errors.push(
                Diagnostic::error(path, text, here, "an `in` question without `expect` phrases")
                    .with_hint("list phrases of the passage that answers it, copied from the report"),
            ),
            Ok(item) => set.push(item),
            Err(e) => errors.push(
                Diagnostic::error(path, text, here, format!("not a labeled question: {e}")).with_hint(
                    "one JSON object per line: {\"q\": \"...\", \"kind\": \"in|out|near\", \"expect\": [\"...\"]}",
                ),
            ),
        }
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// Folds text as `score.py` does: lower case, typographic quotes made plain, runs of white space one space.
fn fold(text: &str) -> String {
    let lower = text
        .to_lowercase()
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'");
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `reply` is right for `item`, as `score.py` judges: an `in` question must be answered with one of
/// its expected phrases in the quotes or sources; an `out` or `near` question must not be answered.
pub fn judge(item: &Labeled, reply: &Reply) -> bool {
    let answered = reply.outcome == Outcome::Answer;
    match item.kind {
        Kind::In => {
            let json = reply.json();
            let said = fold(&format!(
                "{} {}",
                json["quote"].as_str().unwrap_or(""),
                json["source"].as_str().unwrap_or("")
            ));
            answered && item.expect.iter().any(|e| said.contains(&fold(e)))
        }
        Kind::Out | Kind::Near => !answered,
    }
}

/// The share of out-of-scope questions calibration keeps declined (percent).
pub const OUT_FLOOR: f64 = 98.0;
/// The share of near misses calibration keeps declined (percent), with a margin above the 90% the project
/// aims for on questions it has not seen.
pub const NEAR_FLOOR: f64 = 93.0;

/// Share right per kind, in percent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Accuracy {
    /// Per kind: (right, all).
    pub counts: BTreeMap<Kind, (usize, usize)>,
}

impl Accuracy {
    /// Counts one judged question.
    pub fn add(&mut self, kind: Kind, right: bool) {
        let c = self.counts.entry(kind).or_default();
        c.0 += usize::from(right);
        c.1 += 1;
    }

    /// The percentage right of one kind (100 when there is none).
    pub fn percent(&self, kind: Kind) -> f64 {
        match self.counts.get(&kind) {
            Some(&(right, all)) if all > 0 => 100.0 * right as f64 / all as f64,
            _ => 100.0,
        }
    }

    /// What calibration maximizes: in-scope accuracy, as long as out-of-scope questions stay declined at
    /// [`OUT_FLOOR`] and near misses at [`NEAR_FLOOR`]; each point below a floor costs three points of
    /// in-scope accuracy. Wrongly answering what the knowledge does not say is worse than not answering.
    pub fn objective(&self) -> f64 {
        let short = |kind, floor: f64| (floor - self.percent(kind)).max(0.0);
        self.percent(Kind::In)
            - 3.0 * short(Kind::Out, OUT_FLOOR)
            - 3.0 * short(Kind::Near, NEAR_FLOOR)
    }

    /// The percentage right of all questions (as `score.py`'s `overall`).
    ///
    /// ```
    /// use verbatim::calibrate::questions::{Accuracy, Kind};
    /// let mut a = Accuracy::default();
    /// a.add(Kind::In, true);
    /// a.add(Kind::Out, false);
    /// assert!((a.overall() - 50.0).abs() < 1e-9);
    /// ```
    pub fn overall(&self) -> f64 {
        let (right, all) = self
            .counts
            .values()
            .fold((0, 0), |(r, a), &(right, all)| (r + right, a + all));
        if all == 0 {
            100.0
        } else {
            100.0 * right as f64 / all as f64
        }
    }

    /// `in=P% out=P% near=P%`, as `score.py` prints it.
    pub fn line(&self) -> String {
        format!(
            "in={:.1}% out={:.1}% near={:.1}%",
            self.percent(Kind::In),
            self.percent(Kind::Out),
            self.percent(Kind::Near)
        )
    }
}
