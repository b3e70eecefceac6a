//! The matcher: from a question to the best document, or an honest "not sure" or "nothing".
//!
//! It is pure, synchronous and deterministic, and knows nothing of knowledge files or Matrix: it indexes
//! [`Document`]s (question phrasings plus context text such as the quote, the speaker and their capacity) and
//! answers [`Matcher::find`] with a [`Match`].
//!
//! Layout:
//! - [`normalize`]: folding, tokenizing, stop words, stemming, synonyms, question intent;
//! - [`index`]: interned terms, inverted index, deletion index for typos ([`deletions`]), built with a
//!   compact word table ([`wordmap`]);
//! - [`score`]: how a question's terms score against one document;
//! - [`rank`]: which documents get scored at all (MaxScore-style pruning, so that the work per question
//!   grows with the rarity of its words rather than with the size of the knowledge).
//!
//! How a question is matched, in short: its words are folded, stop words dropped and the rest stemmed; each
//! term is looked up exactly, else through the synonym table, else as a typo of a vocabulary word (edit
//! distance 1, or 2 for long words). Terms found nowhere in the knowledge count as *unknown*, weigh heavily, and
//! pull the score down: a question about something the knowledge does not contain cannot reach the answer
//! threshold just by sharing a name with it. Candidates come from the postings of the question's terms only.

pub mod decide;
pub mod deletions;
pub mod index;
pub mod lexicon;
pub mod normalize;
pub mod question;
pub mod rank;
pub mod score;
pub mod wordmap;

use std::cell::RefCell;

use crate::text::truncate;
pub use decide::{Calibration, Features};
use index::Index;
pub use lexicon::Lexicon;
pub use question::{Query, TermWeights};
use rank::Want;
use score::Scored;

/// One thing the matcher can find: the phrasings that ask for it and context text that describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Questions that ask for this document, written by a curator.
    pub phrasings: Vec<String>,
    /// Further text that a question may refer to (the quote, the speaker's name and capacity).
    pub context: Vec<String>,
    /// Whether the document names a person (a speaker, or a photo credit), so that it can answer "who".
    pub person: bool,
    /// Documents with the same passage key give the same answer (two entries quoting one sentence), so they
    /// are no rivals; `None` for a document of its own.
    pub passage: Option<u64>,
    /// Documents with the same speaker key quote the same person; `None` for no one (the report's own
    /// narrative). A tie between two speakers is no confident answer; a tie within one speaker's passages is.
    pub speaker: Option<u64>,
}

/// What the index reads of a document. Besides [`Document`] (owned, or borrowed through the blanket
/// implementation), the knowledge base implements it over its entries, so that indexing copies no text.
pub trait DocumentText {
    /// Questions that ask for this document.
    fn phrasings(&self) -> &[String];
    /// Further text that a question may refer to, in order.
    fn context(&self) -> impl Iterator<Item = &str>;
    /// Whether the document names a person.
    fn person(&self) -> bool;
    /// Which passage the document answers with (see [`Document::passage`]).
    fn passage(&self) -> Option<u64> {
        None
    }
    /// Whose words the document quotes (see [`Document::speaker`]).
    fn speaker(&self) -> Option<u64> {
        None
    }
    /// Which source (report) the document comes from: a word only another source holds is, for this
    /// document's decision, a word its knowledge does not have. `None`: one source for all.
    fn source(&self) -> Option<u64> {
        None
    }
}

impl DocumentText for Document {
    fn phrasings(&self) -> &[String] {
        &self.phrasings
    }

    fn context(&self) -> impl Iterator<Item = &str> {
        self.context.iter().map(String::as_str)
    }

    fn person(&self) -> bool {
        self.person
    }

    fn passage(&self) -> Option<u64> {
        self.passage
    }

    fn speaker(&self) -> Option<u64> {
        self.speaker
    }
}

impl<T: DocumentText> DocumentText for &T {
    fn phrasings(&self) -> &[String] {
        (**self).phrasings()
    }

    fn context(&self) -> impl Iterator<Item = &str> {
        (**self).context()
    }

    fn person(&self) -> bool {
        (**self).person()
    }

    fn passage(&self) -> Option<u64> {
        (**self).passage()
    }

    fn speaker(&self) -> Option<u64> {
        (**self).speaker()
    }

    fn source(&self) -> Option<u64> {
        (**self).source()
    }
}

/// How sure the matcher is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Confident: the best document answers the question.
    Answer,
    /// Close but unsure: offer the best candidates as "did you mean".
    Suggest,
    /// Nothing in the knowledge matches.
    None,
}

/// How the matcher reads and decides. Scores and confidences are in [0, 1].
#[derive(Debug, Clone, PartialEq)]
pub struct MatcherConfig {
    /// The fitted decision (and how question words weigh); see [`decide`].
    pub calibration: Calibration,
    /// Answer at or above this confidence instead of the calibration's threshold.
    pub answer_threshold: Option<f64>,
    /// Suggest at or above this confidence instead of the calibration's threshold.
    pub suggest_threshold: Option<f64>,
    /// How many "did you mean" suggestions at most. Default 3.
    pub max_suggestions: usize,
    /// How many quotes one reply holds at most (several speakers asked at once, an overview). Default 3.
    pub max_quotes: usize,
    /// Only this many characters of a question are read. Default 1,000.
    pub max_question_chars: usize,
    /// Function and frame words, synonyms: English plus the knowledge's own.
    pub lexicon: Lexicon,
}

impl Default for MatcherConfig {
    fn default() -> Self {
        MatcherConfig {
            calibration: Calibration::default(),
            answer_threshold: None,
            suggest_threshold: None,
            max_suggestions: 3,
            max_quotes: 3,
            max_question_chars: 1000,
            lexicon: Lexicon::english(),
        }
    }
}

impl MatcherConfig {
    /// The confidence at or above which a question is answered.
    pub fn answer_at(&self) -> f64 {
        self.answer_threshold
            .unwrap_or(self.calibration.answer_threshold)
    }

    /// The confidence at or above which suggestions are offered.
    pub fn suggest_at(&self) -> f64 {
        self.suggest_threshold
            .unwrap_or(self.calibration.suggest_threshold)
            .min(self.answer_at())
    }
}

/// A candidate offered as "did you mean".
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The document.
    pub doc: usize,
    /// Its phrasing closest to the question.
    pub phrasing: usize,
    /// Its score.
    pub score: f64,
}

/// What the matcher found for a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// How sure it is.
    pub outcome: Outcome,
    /// The best score, in [0, 1] (0 when nothing matched at all).
    pub score: f64,
    /// The decision's confidence that the best document answers the question, in [0, 1].
    pub confidence: f64,
    /// The best document, when the outcome is [`Outcome::Answer`].
    pub doc: Option<usize>,
    /// "Did you mean" candidates, when the outcome is [`Outcome::Suggest`].
    pub suggestions: Vec<Suggestion>,
}

/// An index over documents that answers questions.
#[derive(Debug)]
pub struct Matcher {
    index: Index,
    config: MatcherConfig,
}

/// At most this many content terms of a question are scored.
const MAX_TERMS: usize = 32;
/// Candidates below this score are never suggested.
pub const SUGGEST_FLOOR: f64 = 0.3;

/// Everything the matcher worked out for one question: for `verbatim ask --explain` and for calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// The question as read.
    pub query: Query,
    /// The best candidates, best first.
    pub ranked: Vec<Scored>,
    /// What the decision reads of the best candidate.
    pub features: Features,
    /// The decision's confidence.
    pub confidence: f64,
}

impl Matcher {
    /// Indexes `documents`.
    ///
    /// ```
    /// use verbatim::matcher::{Document, Matcher, MatcherConfig, Outcome};
    /// let docs = vec![Document {
    ///     phrasings: vec!["Who chairs Haier Group?".into(), "Who is Zhou Yunjie?".into()],
    ///     context: vec!["Zhou Yunjie, chairman and CEO of Haier Group".into()],
    ///     person: true,
    ///     passage: None,
    ///     speaker: None,
    /// }];
    /// let matcher = Matcher::new(&docs, MatcherConfig::default());
    /// let found = matcher.find("who is zhou yunjei");
    /// assert_eq!((found.outcome, found.doc), (Outcome::Answer, Some(0)));
    /// assert_eq!(matcher.find("How do I bake bread?").outcome, Outcome::None);
    /// ```
    pub fn new(documents: &[Document], config: MatcherConfig) -> Matcher {
        Matcher::build(documents, config)
    }

    /// Indexes documents one at a time, as an iterator gives them (owned or borrowed).
    ///
    /// ```
    /// use verbatim::matcher::{Document, Matcher, MatcherConfig};
    /// let docs = (0..3).map(|i| Document { phrasings: vec![format!("question {i}")], ..Default::default() });
    /// assert_eq!(Matcher::build(docs, MatcherConfig::default()).len(), 3);
    /// ```
    pub fn build<D: DocumentText>(
        documents: impl IntoIterator<Item = D>,
        config: MatcherConfig,
    ) -> Matcher {
        Matcher {
            index: Index::build(documents, &config.lexicon),
            config,
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &MatcherConfig {
        &self.config
    }

    /// Replaces the calibration (how question words weigh and the decision); the index stays.
    pub fn set_calibration(&mut self, calibration: Calibration) {
        self.config.calibration = calibration;
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.index.docs.len()
    }

    /// Number of distinct terms in the index.
    pub fn term_count(&self) -> usize {
        self.index.term_count()
    }

    /// Whether no document is indexed.
    pub fn is_empty(&self) -> bool {
        self.index.docs.is_empty()
    }

    /// Finds the document that answers `question`, or says how unsure it is.
    pub fn find(&self, question: &str) -> Match {
        self.decide(&self.inspect(question))
    }

    /// Reads, ranks and weighs `question` without deciding: see [`Inspection`]. Ranking stops as soon as the
    /// decision is certain to answer with the best candidate, whatever the others score; the decision and the
    /// best candidate are then those of [`Matcher::inspect_exact`], but the margins (and so the confidence) are
    /// lower bounds and `ranked` past its first holds only the candidates scored by then.
    ///
    /// ```
    /// use verbatim::matcher::{Document, Matcher, MatcherConfig};
    /// let docs: Vec<Document> = ["coal mines", "steel mills", "coal prices"]
    ///     .map(|p| Document { phrasings: vec![p.into()], ..Default::default() })
    ///     .into();
    /// let m = Matcher::new(&docs, MatcherConfig::default());
    /// let (fast, exact) = (m.inspect("coal mines"), m.inspect_exact("coal mines"));
    /// assert_eq!(m.decide(&fast), m.decide(&exact));
    /// assert!(fast.features.margin <= exact.features.margin);
    /// ```
    pub fn inspect(&self, question: &str) -> Inspection {
        self.inspection(question, true)
    }

    /// [`Matcher::inspect`] with every feature exact and the best candidates all scored, whatever the decision:
    /// for calibration (which fits the decision on the features) and for `--explain`.
    pub fn inspect_exact(&self, question: &str) -> Inspection {
        self.inspection(question, false)
    }

    fn inspection(&self, question: &str, settle: bool) -> Inspection {
        let want = Want {
            k: self.config.max_suggestions.max(1) + 2,
            floor: SUGGEST_FLOOR,
            decisive: f64::INFINITY,
        };
        let of = |d: usize| (self.index.docs[d].passage, self.index.docs[d].speaker);
        let query = self.read(question, None);
        let model = &self.config.calibration.model;
        // A larger margin never lowers the confidence (else no early stop is safe).
        let margin_helps = model.coefficients[decide::MARGIN] >= 0.0;
        // With several sources, the best candidate is judged on its own source's words: the question read
        // against that source alone (the last one read is kept, as the best rarely changes source).
        let alone: RefCell<Option<(u32, Query)>> = RefCell::new(None);
        // Whether a word of the question is known to the knowledge but not to `source`.
        let foreign = |source: u32| {
            query.terms.iter().any(|t| {
                !t.alternatives.is_empty()
                    && !t
                        .alternatives
                        .iter()
                        .any(|&(a, _)| self.index.in_source(a, source))
            })
        };
        let features = |ranked: &[Scored], outside: Option<f64>| {
            let mut features = Features::of(&query, ranked, of);
            if let (Some(best), Some(outside)) = (ranked.first(), outside) {
                let lead = (best.score - outside).clamp(0.0, 1.0);
                features.margin = features.margin.min(lead);
                features.rival_margin = features.rival_margin.min(lead);
            }
            features
        };
        // The best candidate judged on its own source's words, when a word of the question only other sources
        // hold.
        let judge_alone = |features: &mut Features, ranked: &[Scored]| {
            let Some(best) = ranked.first() else {
                return;
            };
            let source = self.index.docs[best.doc].source;
            if self.index.sources() < 2 || !foreign(source) {
                return;
            }
            let mut alone = alone.borrow_mut();
            if alone.as_ref().is_none_or(|(s, _)| *s != source) {
                *alone = Some((source, self.read(question, Some(source))));
            }
            let (_, scoped) = alone.as_ref().expect("just read");
            let frame = self.config.calibration.weights.frame;
            let rescored = score::score_doc(
                &self.index,
                &scoped.terms,
                scoped.total(),
                best.doc,
                scoped.intent,
                frame,
            );
            features.judge_alone(best, &rescored, scoped);
        };
        // Settled when the decision answers as the best candidate's own source reads the question; checked first
        // as all sources read it (cheaper, and rarely different), so that the question is read again only for
        // a likely answer.
        let settled = |top: &[Scored], outside: f64| {
            let answers =
                |f: &Features| decide::answers(f, model.confidence(f), self.config.answer_at());
            if top.first().is_none_or(|best| best.score <= outside) {
                return false;
            }
            let mut f = features(top, Some(outside));
            if !answers(&f) {
                return false;
            }
            judge_alone(&mut f, top);
            answers(&f)
        };
        let ranking = rank::rank(
            &self.index,
            &query.terms,
            query.intent,
            want,
            self.config.calibration.weights.frame,
            (settle && margin_helps).then_some(&settled as rank::Settled<'_>),
        );
        let mut features = features(&ranking.top, ranking.settled_below);
        judge_alone(&mut features, &ranking.top);
        let confidence = if ranking.top.is_empty() {
            0.0
        } else {
            model.confidence(&features)
        };
        Inspection {
            query,
            ranked: ranking.top,
            features,
            confidence,
        }
    }

    /// The best-scoring documents for `question` with their scores, best first: what [`Matcher::find`]
    /// decides from. For curators tuning phrasings (`verbatim ask --explain`).
    pub fn explain(&self, question: &str, limit: usize) -> Vec<Suggestion> {
        let query = self.read(question, None);
        let frame = self.config.calibration.weights.frame;
        rank::rank(
            &self.index,
            &query.terms,
            query.intent,
            Want::top(limit),
            frame,
            None,
        )
        .top
        .into_iter()
        .map(|s| Suggestion {
            doc: s.doc,
            phrasing: s.phrasing,
            score: s.score,
        })
        .collect()
    }

    /// Whether the knowledge holds `word` (folded; compared by its stem).
    ///
    /// ```
    /// use verbatim::matcher::{Document, Matcher, MatcherConfig};
    /// let docs = [Document { phrasings: vec!["coal mines".into()], ..Default::default() }];
    /// let m = Matcher::new(&docs, MatcherConfig::default());
    /// assert!(m.knows("mine") && !m.knows("gold"));
    /// ```
    pub fn knows(&self, word: &str) -> bool {
        self.index.term(&normalize::stem(word)).is_some()
    }

    /// Whether documents `a` and `b` answer with the same passage.
    pub fn same_passage(&self, a: usize, b: usize) -> bool {
        self.index.docs[a].passage == self.index.docs[b].passage
    }

    /// How `question` is read: its terms and their weights (against one source's words, with `scope`).
    fn read(&self, question: &str, scope: Option<u32>) -> Query {
        let question = truncate(question, self.config.max_question_chars);
        let weights = &self.config.calibration.weights;
        question::read_in(&self.index, &self.config.lexicon, weights, question, scope)
    }

    /// The decision for an inspected question: what [`Matcher::find`] returns.
    pub fn decide(&self, inspection: &Inspection) -> Match {
        self.decide_as(inspection, self.answers(inspection))
    }

    /// Whether the decision answers an inspected question (see [`decide::answers`]).
    pub fn answers(&self, inspection: &Inspection) -> bool {
        !inspection.ranked.is_empty()
            && decide::answers(
                &inspection.features,
                inspection.confidence,
                self.config.answer_at(),
            )
    }

    /// The match for an inspected question when the decision is `answer` (for calibration, which tries both).
    pub fn decide_as(&self, inspection: &Inspection, answer: bool) -> Match {
        let (ranked, confidence) = (&inspection.ranked, inspection.confidence);
        let best = ranked.first().map_or(0.0, |s| s.score);
        if answer && !ranked.is_empty() {
            return Match {
                outcome: Outcome::Answer,
                score: best,
                confidence,
                doc: Some(ranked[0].doc),
                suggestions: Vec::new(),
            };
        }
        let mut suggestions: Vec<Suggestion> = Vec::new();
        if confidence >= self.config.suggest_at() {
            for s in ranked.iter().filter(|s| s.score >= SUGGEST_FLOOR) {
                if suggestions.len() == self.config.max_suggestions {
                    break;
                }
                if !suggestions.iter().any(|x| self.same_passage(x.doc, s.doc)) {
                    suggestions.push(Suggestion {
                        doc: s.doc,
                        phrasing: s.phrasing,
                        score: s.score,
                    });
                }
            }
        }
        let outcome = if suggestions.is_empty() {
            Outcome::None
        } else {
            Outcome::Suggest
        };
        Match {
            outcome,
            score: best,
            confidence,
            doc: None,
            suggestions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let doc = |phrasings: &[&str], context: &[&str], person: bool| Document {
            phrasings: phrasings.iter().map(|s| s.to_string()).collect(),
            context: context.iter().map(|s| s.to_string()).collect(),
            person,
            passage: None,
            speaker: None,
        };
        let docs = vec![
            doc(
                &["Who is Wang Gang?", "Who chairs Jinjing Group?"],
                &["Wang Gang, chairman of Jinjing Group, based in Zibo"],
                true,
            ),
            doc(
                &[
                    "How much did renewable capacity grow?",
                    "renewable energy growth",
                ],
                &["capacity increased by 25.1 percent"],
                false,
            ),
            doc(
                &["When was the report updated?", "publication date"],
                &["Updated : 2023-03-10"],
                false,
            ),
        ];
        Matcher::new(&docs, MatcherConfig::default())
    }

    #[test]
    fn exact_phrasing_scores_one() {
        let found = matcher().find("Who is Wang Gang?");
        assert_eq!((found.outcome, found.doc), (Outcome::Answer, Some(0)));
        assert!((found.score - 1.0).abs() < 1e-9, "score {}", found.score);
    }

    #[test]
    fn tolerates_typos_order_and_case() {
        // The bot's address ("!ask", its name) is stripped before, by the trigger rules (bot::trigger).
        let m = matcher();
        for q in ["who is wnag gang", "GANG WANG who"] {
            let found = m.find(q);
            assert_eq!(
                (found.outcome, found.doc),
                (Outcome::Answer, Some(0)),
                "{q}"
            );
        }
        let found = m.find("what increased by 25.1 percent");
        assert_eq!(found.doc, Some(1));
    }

    #[test]
    fn intent_penalty_lowers_a_when_question_without_a_date() {
        let m = matcher();
        let plain = m.explain("wang gang jinjing", 1)[0].score;
        let when = m.explain("when wang gang jinjing", 1)[0].score;
        assert!(
            (when - plain * score::INTENT_PENALTY).abs() < 1e-9,
            "{when} vs {plain}"
        );
    }

    #[test]
    fn unknown_words_pull_the_score_down() {
        let m = matcher();
        let found = m.find("What is the population of Zibo?");
        assert_ne!(found.outcome, Outcome::Answer, "score {}", found.score);
        assert!(found.confidence < m.config().answer_at());
    }

    #[test]
    fn nothing_to_match_gives_none() {
        let m = matcher();
        let long = "pollution ".repeat(10_000);
        for q in [
            "",
            "   ",
            "?!?!",
            "🎉🎉🎉",
            "\u{0}\u{1}\u{7f}",
            "hi there",
            long.as_str(),
        ] {
            let found = m.find(q);
            assert_eq!(
                found.outcome,
                Outcome::None,
                "{:?}",
                q.chars().take(20).collect::<String>()
            );
            assert!(found.score.abs() < 1e-9);
        }
    }

    #[test]
    fn suggests_when_unsure() {
        let config = MatcherConfig {
            answer_threshold: Some(0.99),
            ..MatcherConfig::default()
        };
        let m = Matcher::new(
            &[Document {
                phrasings: vec!["renewable energy growth".into()],
                ..Default::default()
            }],
            config,
        );
        let found = m.find("renewable growth");
        assert_eq!(found.outcome, Outcome::Suggest);
        assert_eq!(found.suggestions.len(), 1);
        assert!(found.score > 0.35 && found.confidence < 0.99);
    }
}
