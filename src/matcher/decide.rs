//! Deciding whether the best-ranked document answers the question: a small logistic model over what tells a
//! right answer from a wrong one, fitted on labeled questions by `verbatim calibrate` (see
//! [`crate::calibrate`]).
//!
//! Ranking (which document is best) and deciding (does it answer) are separate: the ranking is right for
//! almost every question a knowledge base can answer, and the decision is where a lookalike question ("What
//! is Haier's revenue?") must be told from a real one ("What does Haier's chairman say?"). The model reads the
//! [`Features`] of the best candidate and gives a confidence in [0, 1]; the question is answered at or above
//! [`Calibration::answer_threshold`], and offered as "did you mean" at or above
//! [`Calibration::suggest_threshold`].

use super::index::NO_SPEAKER;
use super::question::{Query, TermWeights};
use super::score::Scored;

/// What the decision reads about a question and its best candidate. Every value is in [0, 1] or a count
/// scaled to about that range, so that one model serves knowledge bases of any size.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Features {
    /// The best candidate's score.
    pub score: f64,
    /// Its coverage of the question.
    pub coverage: f64,
    /// Its phrasing fit.
    pub fit: f64,
    /// How far it leads the best candidate with another passage (its score when there is none).
    pub margin: f64,
    /// How far it leads the best candidate with another passage of another speaker (or of no speaker): a
    /// rival. Not a feature of the model: a tie with a rival is never answered (see [`answers`]).
    pub rival_margin: f64,
    /// Share of the question's weight in words the knowledge does not have.
    pub unknown_share: f64,
    /// How informative the most informative unknown word is (0 when none).
    pub unknown_info: f64,
    /// 1 when an unknown word names a fact about someone or something ("revenue", "age").
    pub unknown_fact: f64,
    /// `ln(1 + content terms)`.
    pub content: f64,
    /// 1 when the question holds no content word, only frame words.
    pub frame_only: f64,
    /// 1 when the candidate cannot answer the question's intent (no date for "when", ...).
    pub intent_missed: f64,
}

/// The names of the features, in the order of [`Features::values`] (the keys of a calibration file).
pub const FEATURE_NAMES: [&str; 10] = [
    "score",
    "coverage",
    "fit",
    "margin",
    "unknown_share",
    "unknown_info",
    "unknown_fact",
    "content",
    "frame_only",
    "intent_missed",
];

/// Where `margin` is in [`FEATURE_NAMES`] and [`Features::values`].
pub const MARGIN: usize = 3;

impl Features {
    /// The features of the best candidate `ranked[0]` for `query` (`ranked` best first); `of` gives each
    /// document's passage and speaker ids ([`NO_SPEAKER`] for none).
    pub fn of(query: &Query, ranked: &[Scored], of: impl Fn(usize) -> (u32, u32)) -> Features {
        let Some(best) = ranked.first() else {
            return Features {
                unknown_share: 1.0,
                ..Features::asked(query)
            };
        };
        let (passage, speaker) = of(best.doc);
        let other = |s: &&Scored| of(s.doc).0 != passage;
        let rival = |s: &&Scored| {
            let (p, sp) = of(s.doc);
            p != passage && (sp != speaker || sp == NO_SPEAKER)
        };
        let runner_up = ranked.iter().skip(1).find(other).map_or(0.0, |s| s.score);
        let rival_up = ranked.iter().skip(1).find(rival).map_or(0.0, |s| s.score);
        Features {
            margin: (best.score - runner_up).clamp(0.0, 1.0),
            rival_margin: (best.score - rival_up).clamp(0.0, 1.0),
            ..Features::asked(query).scored(best)
        }
    }

    /// Judges the best candidate `best` as `alone` scores it for `query`, the question read against the words
    /// of its own source only: the score and everything read of the question are those of that source loaded
    /// alone, and both margins shrink by what the best candidate lost (the others keep their scores).
    ///
    /// ```
    /// use verbatim::matcher::decide::Features;
    /// use verbatim::matcher::question::Query;
    /// use verbatim::matcher::score::{QueryTerm, Scored};
    /// let scored = |score: f64| Scored { doc: 0, phrasing: 0, score, coverage: score, fit: score, intent_met: true };
    /// let mut f = Features { score: 0.9, coverage: 0.9, fit: 0.9, margin: 0.3, rival_margin: 0.5, ..Features::default() };
    /// let unknown = QueryTerm { alternatives: vec![], weight: 1.0 };
    /// let query = Query { terms: vec![unknown, QueryTerm { alternatives: vec![(0, 1.0)], weight: 3.0 }], content: 2, ..Query::default() };
    /// f.judge_alone(&scored(0.9), &scored(0.7), &query);
    /// assert!((f.score - 0.7).abs() < 1e-9 && (f.margin - 0.1).abs() < 1e-9 && (f.rival_margin - 0.3).abs() < 1e-9);
    /// assert!((f.unknown_share - 0.25).abs() < 1e-9);
    /// ```
    pub fn judge_alone(&mut self, best: &Scored, alone: &Scored, query: &Query) {
        let lost = best.score - alone.score;
        *self = Features {
            margin: (self.margin - lost).clamp(0.0, 1.0),
            rival_margin: (self.rival_margin - lost).clamp(0.0, 1.0),
            ..Features::asked(query).scored(alone)
        };
    }

    /// What is read of the question alone (no candidate yet).
    fn asked(query: &Query) -> Features {
        let total = query.total();
        Features {
            unknown_share: if total > 0.0 {
                query.unknown() / total
            } else {
                1.0
            },
            unknown_info: query.unknown_info,
            unknown_fact: f64::from(query.unknown_fact),
            content: (1.0 + query.content as f64).ln(),
            frame_only: f64::from(query.content == 0),
            ..Features::default()
        }
    }

    /// These features with what is read of the candidate `best` (its score, coverage, fit and intent).
    fn scored(self, best: &Scored) -> Features {
        Features {
            score: best.score,
            coverage: best.coverage,
            fit: best.fit,
            intent_missed: f64::from(!best.intent_met),
            ..self
        }
    }

    /// The values in the order of [`FEATURE_NAMES`].
    pub fn values(&self) -> [f64; 10] {
        [
            self.score,
            self.coverage,
            self.fit,
            self.margin,
            self.unknown_share,
            self.unknown_info,
            self.unknown_fact,
            self.content,
            self.frame_only,
            self.intent_missed,
        ]
    }
}

/// A coverage and a phrasing fit this high mean the question is a phrasing of the document, word for word.
pub const EXACT: f64 = 0.999_999;
/// A best candidate that leads the best rival (another passage, of another speaker) by less than this is tied
/// with it.
pub const TIE_MARGIN: f64 = 0.04;

/// Whether the decision answers with the best candidate: never when a rival passage is as good (a tie is not a
/// confident answer: "Shandong" alone, "what else did he suggest?" with two speakers who suggested, "What is
/// the headline?" with two sources); else always when the question is one of its phrasings word for word (a
/// curator's explicit answer, even a phrasing made of frame words only such as "What is the topic of this
/// story?"), or when the confidence reaches the threshold.
///
/// ```
/// use verbatim::matcher::decide::{answers, Features};
/// let clear = Features { score: 0.8, margin: 0.3, rival_margin: 0.3, ..Features::default() };
/// assert!(answers(&clear, 0.9, 0.7) && !answers(&clear, 0.6, 0.7));
/// let tied = Features { margin: 0.01, rival_margin: 0.01, ..clear };
/// assert!(!answers(&tied, 0.9, 0.7));
/// let exact = Features { coverage: 1.0, fit: 1.0, ..clear };
/// assert!(answers(&exact, 0.1, 0.7));
/// assert!(!answers(&Features { rival_margin: 0.0, ..exact }, 0.1, 0.7));
/// ```
pub fn answers(features: &Features, confidence: f64, threshold: f64) -> bool {
    let exact = features.coverage >= EXACT && features.fit >= EXACT;
    features.rival_margin >= TIE_MARGIN && (exact || confidence >= threshold)
}

/// A logistic model: `confidence = 1 / (1 + exp(-(intercept + Σ coefficient × feature)))`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Model {
    /// The constant term.
    pub intercept: f64,
    /// One coefficient per feature, in the order of [`FEATURE_NAMES`].
    pub coefficients: [f64; 10],
}

impl Model {
    /// The confidence that the candidate answers the question, in (0, 1).
    ///
    /// ```
    /// use verbatim::matcher::decide::{Features, Model};
    /// let model = Model { intercept: -4.0, coefficients: [8.0, 0.0, 0.0, 0.0, -6.0, 0.0, 0.0, 0.0, 0.0, 0.0] };
    /// let sure = Features { score: 1.0, ..Features::default() };
    /// let lookalike = Features { score: 0.7, unknown_share: 0.5, ..Features::default() };
    /// assert!(model.confidence(&sure) > 0.95 && model.confidence(&lookalike) < 0.5);
    /// ```
    pub fn confidence(&self, features: &Features) -> f64 {
        let z: f64 = self.intercept
            + self
                .coefficients
                .iter()
                .zip(features.values())
                .map(|(c, x)| c * x)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// Everything `verbatim calibrate` fits for a knowledge base: how question words weigh, the model, and the two
/// thresholds on its confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// How question words weigh in the ranking.
    pub weights: TermWeights,
    /// The decision model.
    pub model: Model,
    /// Answer at or above this confidence.
    pub answer_threshold: f64,
    /// Offer "did you mean" at or above this confidence (and below the answer threshold).
    pub suggest_threshold: f64,
}

impl Default for Calibration {
    /// A hand-set model that answers on score alone (about where the score crosses 0.62): what the matcher
    /// uses before a calibration is loaded. The engine always loads one (the knowledge's own, or the shipped
    /// `knowledge/calibration.toml`).
    fn default() -> Self {
        Calibration {
            weights: TermWeights::default(),
            model: Model {
                intercept: -9.3,
                coefficients: [15.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            },
            answer_threshold: 0.5,
            suggest_threshold: 0.01,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_answers_about_where_the_score_crosses_0_62() {
        let calibration = Calibration::default();
        let at = |score: f64| {
            calibration.model.confidence(&Features {
                score,
                ..Features::default()
            })
        };
        assert!(at(0.63) >= calibration.answer_threshold);
        assert!(at(0.61) < calibration.answer_threshold);
        assert!(at(0.35) >= calibration.suggest_threshold);
        assert!(at(0.30) < calibration.suggest_threshold);
    }

    #[test]
    fn a_near_tie_between_passages_has_no_margin() {
        let scored = |doc, score| Scored {
            doc,
            phrasing: 0,
            score,
            coverage: score,
            fit: score,
            intent_met: true,
        };
        let query = Query::default();
        let ranked = [scored(0, 0.92), scored(1, 0.92), scored(2, 0.5)];
        // Documents 0 and 1 quote the same passage: no tie.
        let same = Features::of(&query, &ranked, |d| (if d < 2 { 7 } else { 9 }, NO_SPEAKER));
        assert!((same.margin - 0.42).abs() < 1e-9, "{same:?}");
        let other = Features::of(&query, &ranked, |d| (d as u32, NO_SPEAKER));
        assert!(
            other.margin.abs() < 1e-9 && other.rival_margin.abs() < 1e-9,
            "{other:?}"
        );
        // Two passages of one speaker: tied, but no rivals.
        let one_speaker = Features::of(&query, &ranked, |d| (d as u32, if d < 2 { 1 } else { 2 }));
        assert!(one_speaker.margin.abs() < 1e-9, "{one_speaker:?}");
        assert!(
            (one_speaker.rival_margin - 0.42).abs() < 1e-9,
            "{one_speaker:?}"
        );
    }
}
