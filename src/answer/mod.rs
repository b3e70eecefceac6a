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
pub mod overview;
pub mod reply;

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::knowledge::{Knowledge, Voice, builtin, check, load};
use crate::matcher::normalize::{fold, stem, words};
use crate::matcher::question::{Role, asked_part};
use crate::matcher::{Calibration, Inspection, Matcher, MatcherConfig, Outcome as Found};
use overview::{Intent, Intents, Overview};
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
        let matcher = loaded.knowledge.matcher(config);
        let diagnostics = check::check_with(&mut loaded, &matcher);
        if diagnostics.iter().any(Diagnostic::is_error) || loaded.knowledge.entries.is_empty() {
            return Err(InvalidKnowledge(diagnostics));
        }
        Ok((Engine::with_matcher(loaded.knowledge, matcher), diagnostics))
    }

    /// An engine over already validated knowledge, with the calibration in `config`.
    pub fn new(knowledge: Knowledge, config: MatcherConfig) -> Engine {
        let matcher = knowledge.matcher(config);
        Engine::with_matcher(knowledge, matcher)
    }

    fn with_matcher(knowledge: Knowledge, matcher: Matcher) -> Engine {
        Engine {
            overview: Overview::new(&knowledge),
            intents: Intents::new(),
            knowledge,
            matcher,
            help_command: "!help".to_string(),
        }
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
            intent: self.intents.recognize(&asked_part(question)),
        }
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
            .map(|s| (self.knowledge.entries[s.doc].id.clone(), s.score))
            .collect();
        if let Some((kind, score)) = intent
            && kind.is_small_talk()
            && (score >= overview::SURE_SMALL_TALK || found.outcome != Found::Answer)
        {
            reply.outcome = Outcome::SmallTalk;
            reply.small_talk = Some(overview::small_talk(kind, &self.help_command));
            return reply;
        }
        // An overview question made only of frame words ("which individuals are quoted?") is not a question
        // about one passage, however well a phrasing of frame words fits it.
        let overview_first = intent.is_some_and(|(kind, score)| {
            !kind.is_small_talk()
                && score >= overview::SURE_SMALL_TALK
                && inspection.query.content == 0
        });
        if let (Found::Answer, Some(doc), false) = (found.outcome, found.doc, overview_first) {
            reply.outcome = Outcome::Answer;
            reply.quotes.push(self.quoted(doc));
            return reply;
        }
        if let Some((kind, _)) = intent
            && self.overview(&mut reply, kind, prepared)
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
                reply.suggested.push(entry.id.clone());
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

    /// Fills `reply` with the answer to an overview question, for each source; false if there is none.
    fn overview(&self, reply: &mut Reply, kind: Intent, prepared: &Prepared) -> bool {
        let question = &prepared.question;
        // The sources the question is about: those whose title holds every knowledge word it has ("what is
        // the bridge story about?"), all of them when it has none; a question with other knowledge words is
        // about something in a report, not the report.
        let asked = words(&fold(&asked_part(question)), usize::MAX);
        let known: Vec<String> = prepared
            .inspection
            .query
            .roles
            .iter()
            .filter(|(w, role)| *role == Role::Known && asked.contains(w))
            .map(|(w, _)| stem(w))
            .collect();
        let sources: Vec<usize> = (0..self.knowledge.sources.len())
            .filter(|&s| {
                let title: Vec<String> = words(&fold(&self.knowledge.sources[s].title), usize::MAX)
                    .iter()
                    .map(|w| stem(w))
                    .collect();
                known.iter().all(|k| title.contains(k))
            })
            .collect();
        if sources.is_empty() && kind != Intent::Speakers {
            return false;
        }
        let entries =
            |pick: &dyn Fn(&overview::SourceOverview) -> Vec<Option<usize>>| -> Vec<usize> {
                sources
                    .iter()
                    .flat_map(|&s| pick(&self.overview.sources[s]))
                    .flatten()
                    .collect()
            };
        let chosen = match kind {
            Intent::About => entries(&|s| vec![s.headline, s.lead]),
            Intent::Date => entries(&|s| vec![s.date]),
            Intent::Headline => entries(&|s| vec![s.headline]),
            Intent::Speakers => {
                reply.listing = self.speakers(question);
                return reply.listing.is_some();
            }
            Intent::Author => {
                let lines: Vec<String> = sources
                    .iter()
                    .map(|&s| &self.knowledge.sources[s])
                    .filter_map(|s| {
                        s.publisher
                            .as_ref()
                            .map(|p| format!("\"{}\": {p}", s.title))
                    })
                    .collect();
                if lines.is_empty() {
                    return false;
                }
                reply.listing = Some((lines, "as the reports give their publishers".to_string()));
                return true;
            }
            Intent::Sources => {
                let lines = self
                    .knowledge
                    .sources
                    .iter()
                    .map(|s| format!("\"{}\", {}", s.title, s.date))
                    .collect();
                reply.listing = Some((lines, "verbatim's sources".to_string()));
                return true;
            }
            _ => Vec::new(),
        };
        reply.quotes = chosen.into_iter().map(|doc| self.quoted(doc)).collect();
        !reply.quotes.is_empty()
    }

    /// Who is quoted: every speaker with their capacity, or, when the question names something their capacities
    /// hold ("which NPC deputies ..."), those speakers.
    fn speakers(&self, question: &str) -> Option<(Vec<String>, String)> {
        let lexicon = self.matcher.config().lexicon.clone();
        let asked: Vec<Vec<String>> = words(&fold(&asked_part(question)), 64)
            .into_iter()
            .filter(|w| !lexicon.is_stop(w) && !lexicon.is_frame(w))
            .map(|w| {
                let mut forms = vec![stem(&w)];
                forms.extend(lexicon.synonyms(&w).iter().map(|s| stem(s)));
                forms
            })
            .collect();
        let mut all = Vec::new();
        let mut matching = Vec::new();
        let mut titles = Vec::new();
        for (index, source) in self.overview.sources.iter().enumerate() {
            for &s in &source.speakers {
                let speaker = &self.knowledge.speakers[s];
                let line = match &speaker.capacity {
                    Some(capacity) => format!("{}, {capacity}", capitalize(&speaker.name)),
                    None => capitalize(&speaker.name),
                };
                let held: Vec<String> = words(&fold(&line), usize::MAX)
                    .iter()
                    .map(|w| stem(w))
                    .collect();
                if asked
                    .iter()
                    .any(|forms| forms.iter().any(|f| held.contains(f)))
                {
                    matching.push(line.clone());
                }
                all.push(line);
            }
            let s = &self.knowledge.sources[index];
            titles.push(format!("\"{}\", {}", s.title, s.date));
        }
        let lines = if matching.is_empty() { all } else { matching };
        (!lines.is_empty()).then(|| {
            (
                lines,
                format!(
                    "Speakers as the report introduces them — {}",
                    titles.join("; ")
                ),
            )
        })
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

    fn quoted(&self, doc: usize) -> Quoted {
        let entry = &self.knowledge.entries[doc];
        let source = self.knowledge.source_of(entry);
        let speaker = self.knowledge.speaker_of(entry);
        let who = match (speaker, entry.voice) {
            (Some(s), voice) => {
                let mut who = capitalize(&s.name);
                if let Some(capacity) = &s.capacity {
                    who = format!("{who}, {capacity}");
                }
                let whose = match voice {
                    Voice::OwnWords => "own words",
                    Voice::Reported => "as reported",
                    Voice::Narrative => "the report's narrative",
                    Voice::Caption => "photo caption",
                };
                format!("{who} ({whose})")
            }
            (None, Voice::Caption) => "Photo caption".to_string(),
            (None, _) => "The report's own narrative".to_string(),
        };
        let mut line = format!("{who} — \"{}\", {}", source.title, source.date);
        if let Some(publisher) = &source.publisher {
            line.push_str(&format!(", {publisher}"));
        }
        if let Some(url) = &source.url {
            line.push_str(&format!(", {url}"));
        }
        Quoted {
            entry: entry.id.clone(),
            quote: entry.quote.clone(),
            source: line,
            speaker: speaker.map(|s| s.name.clone()),
            voice: entry.voice,
            title: source.title.clone(),
            date: source.date.clone(),
        }
    }

    /// The help message: what verbatim knows and how to ask.
    pub fn help(&self, how_to_ask: &str) -> Rendered {
        let mut plain =
            String::from("I answer questions with verbatim quotes from these reports:\n");
        let mut html = String::from(
            "<p>I answer questions with verbatim quotes from these reports:</p>\n<ul>\n",
        );
        for source in &self.knowledge.sources {
            plain.push_str(&format!("- \"{}\" ({})\n", source.title, source.date));
            html.push_str(&format!(
                "<li><em>{}</em> ({})</li>\n",
                escape(&source.title),
                escape(&source.date)
            ));
        }
        html.push_str("</ul>\n");
        let examples: Vec<&str> = self
            .knowledge
            .entries
            .iter()
            .filter_map(|e| e.phrasings.first())
            .map(String::as_str)
            .take(3)
            .collect();
        plain.push_str(&format!(
            "{how_to_ask}\nFor example: {}",
            examples.join(" / ")
        ));
        html.push_str(&format!(
            "<p>{}<br>For example: {}</p>",
            escape(how_to_ask),
            escape(&examples.join(" / "))
        ));
        Rendered {
            plain: defuse(&plain),
            html: defuse(&html),
        }
    }

    /// The sources message: each source with its title and date.
    pub fn sources(&self) -> Rendered {
        let mut plain = String::from("My sources:");
        let mut html = String::from("<p>My sources:</p>\n<ul>\n");
        for (index, source) in self.knowledge.sources.iter().enumerate() {
            let entries = self
                .knowledge
                .entries
                .iter()
                .filter(|e| e.source == index)
                .count();
            let extra: String = [&source.publisher, &source.url]
                .into_iter()
                .flatten()
                .map(|x| format!(", {x}"))
                .collect();
            plain.push_str(&format!(
                "\n- \"{}\", {}{extra} ({} entries)",
                source.title, source.date, entries
            ));
            html.push_str(&format!(
                "<li><em>{}</em>, {}{} ({} entries)</li>\n",
                escape(&source.title),
                escape(&source.date),
                escape(&extra),
                entries
            ));
        }
        html.push_str("</ul>");
        Rendered {
            plain: defuse(&plain),
            html: defuse(&html),
        }
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
