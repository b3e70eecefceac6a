//! From a question to a reply: the one place that decides what verbatim says, shared by the command line and
//! the Matrix bot.
//!
//! An [`Engine`] holds a validated [`Knowledge`], its [`Matcher`] (with the knowledge's calibration, see
//! [`crate::matcher::decide`]), the everyday [`Intents`](overview::Intents) and the knowledge's
//! [`Overview`](overview::Overview). [`Engine::ask`] gives a [`Reply`]:
//! 1. small talk that is unmistakable ("hi", "thanks!") gets a friendly word;
//! 2. else a confident match is answered with its quote;
//! 3. else an overview question ("what is this report about?", "who is quoted?") is answered from the
//!    knowledge as a whole, and other small talk gets its friendly word;
//! 4. else "did you mean" suggestions, or nothing.
//!
//! [`reply`] renders replies as plain text, Matrix HTML and JSON; [`overview`] holds the everyday questions.

pub mod conversation;
mod explain;
pub mod intents;
mod messages;
pub mod overview;
pub mod pictures;
pub mod reply;
mod several;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::knowledge::{Knowledge, builtin, check, load};
use crate::matcher::normalize::{fold, is_stop_word, words};
use crate::matcher::question::asked_part;
use crate::matcher::{Calibration, Inspection, Matcher, MatcherConfig, Outcome as Found};
use intents::{Intent, Intents};
use messages::capitalize;
use overview::Overview;
pub use reply::{Outcome, Quoted, Rendered, Reply, defuse, escape};

/// Knowledge that failed validation: every problem found.
#[derive(Debug, thiserror::Error)]
#[error("the knowledge has {} error(s); run `verbatim check` for the full list", .0.iter().filter(|d| d.is_error()).count())]
pub struct InvalidKnowledge(pub Vec<Diagnostic>);

/// A question read and ranked, before the decision (see [`Engine::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The question as asked.
    pub question: String,
    /// What the matcher worked out.
    pub inspection: Inspection,
    /// The everyday question it is, if any, with its score.
    pub intent: Option<(Intent, f64)>,
}

/// A validated knowledge base and everything needed to answer from it.
#[derive(Debug)]
pub struct Engine {
    knowledge: Knowledge,
    matcher: Matcher,
    intents: Intents,
    overview: Overview,
    help_command: String,
    /// The matcher's configuration before the knowledge's own synonyms were added (for
    /// [`Engine::restricted_to`]).
    base: MatcherConfig,
}

impl Engine {
    /// Loads and validates knowledge from `paths` (files or directories), or the compiled-in knowledge when
    /// `paths` is empty. Any error refuses the whole knowledge; warnings come back beside the engine. The
    /// knowledge's own `calibration.toml` is used, else the shipped one (`config.calibration` is replaced).
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome};
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _warnings) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let reply = engine.ask("Who is Zhou Yunjie?");
    /// assert_eq!(reply.outcome, Outcome::Answer);
    /// assert!(reply.quoted().unwrap().source.contains("Haier Group"));
    /// ```
    pub fn load(
        paths: &[PathBuf],
        mut config: MatcherConfig,
    ) -> Result<(Engine, Vec<Diagnostic>), InvalidKnowledge> {
        let mut loaded = if paths.is_empty() {
            builtin::load_builtin()
        } else {
            load::load_paths(paths)
        };
        config.calibration = loaded.calibration_or_builtin();
        let matcher = loaded.knowledge.matcher(config.clone());
        let diagnostics = check::check_with(&mut loaded, &matcher);
        if diagnostics.iter().any(Diagnostic::is_error) || loaded.knowledge.entries.is_empty() {
            return Err(InvalidKnowledge(diagnostics));
        }
        Ok((
            Engine::with_matcher(loaded.knowledge, matcher, config),
            diagnostics,
        ))
    }

    /// An engine over already validated knowledge, with the calibration in `config`.
    pub fn new(knowledge: Knowledge, config: MatcherConfig) -> Engine {
        let matcher = knowledge.matcher(config.clone());
        Engine::with_matcher(knowledge, matcher, config)
    }

    fn with_matcher(knowledge: Knowledge, matcher: Matcher, base: MatcherConfig) -> Engine {
        Engine {
            overview: Overview::new(&knowledge),
            intents: Intents::new(),
            knowledge,
            matcher,
            help_command: "!help".to_string(),
            base,
        }
    }

    /// An engine over the part of this knowledge that comes from the sources with ids `sources` (see
    /// [`Knowledge::only`]), with the same calibration, thresholds and help command: it answers, lists sources
    /// and gives help only from those. The knowledge was validated as a whole, so it is not checked again.
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome};
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let id = engine.knowledge().sources[0].id.clone();
    /// assert_eq!(engine.restricted_to(&[id]).ask("Who is Zhou Yunjie?").outcome, Outcome::Answer);
    /// let nothing = engine.restricted_to(&["another-report".to_string()]);
    /// assert!(nothing.knowledge().entries.is_empty());
    /// assert_ne!(nothing.ask("Who is Zhou Yunjie?").outcome, Outcome::Answer);
    /// ```
    pub fn restricted_to(&self, sources: &[String]) -> Engine {
        let knowledge = self.knowledge.only(sources);
        let mut config = self.base.clone();
        config.calibration = self.matcher.config().calibration.clone();
        Engine::new(knowledge, config).with_help_command(self.help_command.clone())
    }

    /// Sets the command that replies mention for help (default `!help`).
    pub fn with_help_command(mut self, command: impl Into<String>) -> Engine {
        self.help_command = command.into();
        self
    }

    /// Replaces the calibration (for `verbatim calibrate`, which tries many).
    pub fn set_calibration(&mut self, calibration: Calibration) {
        self.matcher.set_calibration(calibration);
    }

    /// The knowledge in use.
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// The matcher in use.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Answers a question.
    pub fn ask(&self, question: &str) -> Reply {
        let prepared = self.prepare(question);
        let answer = self.matcher.answers(&prepared.inspection);
        self.finish(&prepared, answer)
    }

    /// What [`Engine::ask`] works out before the decision: the matcher's inspection and the everyday intent.
    pub fn prepare(&self, question: &str) -> Prepared {
        Prepared {
            question: question.to_string(),
            inspection: self.matcher.inspect(question),
            intent: self.intent_of(question),
        }
    }

    /// [`Engine::prepare`] with the inspection exact whatever the decision ([`Matcher::inspect_exact`]): for
    /// calibration, which tries both decisions on it, and for `--explain`.
    pub fn prepare_exact(&self, question: &str) -> Prepared {
        Prepared {
            question: question.to_string(),
            inspection: self.matcher.inspect_exact(question),
            intent: self.intent_of(question),
        }
    }

    /// The everyday question `question` asks, read without the words that name something in the knowledge
    /// ("what is the *bridge* story about?" is "what is the story about?", about the report whose title says
    /// bridge).
    /// Small talk is recognized on the whole question, so "what are Shandong's targets?" is not "what are you?".
    pub(crate) fn intent_of(&self, question: &str) -> Option<(Intent, f64)> {
        let asked = asked_part(question);
        let whole = self.intents.recognize(&asked);
        if whole.is_some_and(|(kind, _)| kind.is_small_talk()) {
            return whole;
        }
        let kept: Vec<String> = words(&fold(&asked), 64)
            .into_iter()
            .filter(|w| self.intents.uses(w) || is_stop_word(w) || !self.matcher.knows(w))
            .collect();
        // Then without the words of how it is asked ("give me the headline, please").
        let lexicon = &self.matcher.config().lexicon;
        let unframed: Vec<&str> = kept
            .iter()
            .map(String::as_str)
            .filter(|w| !lexicon.is_frame(w))
            .collect();
        self.intents
            .recognize(&kept.join(" "))
            .filter(|(kind, _)| !kind.is_small_talk())
            .or_else(|| {
                self.intents
                    .recognize(&unframed.join(" "))
                    .filter(|(kind, _)| !kind.is_small_talk())
            })
            .or(whole)
    }

    /// The reply to a prepared question when the decision is `answer` ([`Engine::ask`] takes the matcher's;
    /// calibration tries both).
    pub fn finish(&self, prepared: &Prepared, answer: bool) -> Reply {
        let (question, inspection, intent) =
            (&prepared.question, &prepared.inspection, prepared.intent);
        let mut reply = Reply::empty(question, &self.help_command);
        let found = self.matcher.decide_as(inspection, answer);
        reply.score = found.score;
        reply.confidence = found.confidence;
        reply.ranking = inspection
            .ranked
            .iter()
            .map(|s| (self.knowledge.key(&self.knowledge.entries[s.doc]), s.score))
            .collect();
        if let Some((kind, score)) = intent
            && kind.is_small_talk()
            && (score >= intents::SURE_SMALL_TALK || found.outcome != Found::Answer)
        {
            reply.outcome = Outcome::SmallTalk;
            reply.small_talk = Some(intents::small_talk(kind, &self.help_command));
            return reply;
        }
        // A photo named by its place in the report ("the second picture"): the caption at that place.
        if let Some(docs) = self.photos_at(prepared) {
            reply.outcome = Outcome::Answer;
            reply.quotes = docs.iter().map(|&d| self.quoted(d)).collect();
            return reply;
        }
        // An overview question made only of frame words ("which individuals are quoted?") is not a question
        // about one passage, however well a phrasing of frame words fits it.
        let overview_first = intent.is_some_and(|(kind, score)| {
            !kind.is_small_talk()
                && score >= intents::SURE_SMALL_TALK
                && inspection.query.content == 0
        });
        // Several speakers named at once: a quote for each.
        let named = self.several(question);
        if let Some(docs) = named.as_ref().filter(|_| self.names_several(question)) {
            return self.answer_with(question, docs);
        }
        // With several sources, a question about "the report" that found one source's headline or date line is
        // answered for each source it may be about (a word of a title narrows it), not for whichever fit best.
        if let (Found::Answer, Some(doc), Some((kind, _))) = (found.outcome, found.doc, intent)
            && matches!(kind, Intent::About | Intent::Headline | Intent::Date)
            && self.knowledge.sources.len() > 1
            && self.overview.is_headline_or_date(doc)
            && self.overview(&mut reply, kind, prepared, true)
        {
            reply.outcome = Outcome::Answer;
            return reply;
        }
        if let (Found::Answer, Some(doc), false) = (found.outcome, found.doc, overview_first) {
            reply.outcome = Outcome::Answer;
            reply.quotes.push(self.quoted(doc));
            return reply;
        }
        // A plural that stands for several speakers ("what did the deputies propose?"), when no one passage
        // answers.
        if let Some(docs) = named {
            return self.answer_with(question, &docs);
        }
        if let Some((kind, _)) = intent
            && self.overview(&mut reply, kind, prepared, false)
        {
            reply.outcome = Outcome::Answer;
            return reply;
        }
        if found.outcome == Found::Suggest {
            reply.outcome = Outcome::Suggest;
            for s in &found.suggestions {
                // Shown as a question a person would ask: the closest phrasing if it is one, else the entry's
                // first question ("Zhou Yunjie AI" is a keyword phrasing, not something to offer).
                let entry = &self.knowledge.entries[s.doc];
                let closest = &entry.phrasings[s.phrasing];
                let question = if closest.trim_end().ends_with('?') {
                    closest
                } else {
                    entry
                        .phrasings
                        .iter()
                        .find(|p| p.trim_end().ends_with('?'))
                        .unwrap_or(closest)
                };
                reply.suggestions.push(question.clone());
                reply.suggested.push(self.knowledge.key(entry));
            }
        }
        reply
    }

    /// The answer to `question` with the quotes of entries `docs` (a suggestion accepted, a follow-up).
    pub fn answer_with(&self, question: &str, docs: &[usize]) -> Reply {
        let mut reply = Reply::empty(question, &self.help_command);
        reply.outcome = Outcome::Answer;
        reply.confidence = 1.0;
        reply.quotes = docs.iter().map(|&d| self.quoted(d)).collect();
        reply
    }

    /// The best-scoring entries for a question, best first, as `(entry id, best phrasing, score)`.
    pub fn explain(&self, question: &str, limit: usize) -> Vec<(String, String, f64)> {
        let entries = &self.knowledge.entries;
        let found = self.matcher.explain(question, limit);
        found
            .into_iter()
            .map(|s| {
                (
                    entries[s.doc].id.clone(),
                    entries[s.doc].phrasings[s.phrasing].clone(),
                    s.score,
                )
            })
            .collect()
    }
}
