//! From a question to a reply, and from a reply to text: the one place that decides what verbatim says, shared
//! by the command line and the Matrix bot.
//!
//! An [`Engine`] holds a validated [`Knowledge`] and its [`Matcher`]. [`Engine::ask`] gives a [`Reply`], which
//! renders as plain text ([`Reply::plain`]), as Matrix HTML ([`Reply::html`]) and as JSON ([`Reply::json`]).
//! Every piece of text that comes from a question or a knowledge file is escaped in HTML, and "@room" is
//! defused everywhere, so a reply can never ping a whole room.

use std::path::PathBuf;

use serde_json::json;

use crate::diagnostic::Diagnostic;
use crate::knowledge::{Knowledge, Voice, builtin, check, load};
use crate::matcher::{Matcher, MatcherConfig, Outcome};

/// Knowledge that failed validation: every problem found.
#[derive(Debug, thiserror::Error)]
#[error("the knowledge has {} error(s); run `verbatim check` for the full list", .0.iter().filter(|d| d.is_error()).count())]
pub struct InvalidKnowledge(pub Vec<Diagnostic>);

/// A rendered message: the plain-text body and its HTML form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Plain text (Matrix `body`).
    pub plain: String,
    /// HTML (Matrix `formatted_body`).
    pub html: String,
}

/// The quote a reply gives, with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Quoted {
    /// The entry's id.
    pub entry: String,
    /// The verbatim quote.
    pub quote: String,
    /// The full attribution line: speaker and capacity, whose words, report title, date.
    pub source: String,
    /// The speaker's name, if the quote has one.
    pub speaker: Option<String>,
    /// Whose words they are.
    pub voice: Voice,
    /// The report's title.
    pub title: String,
    /// The report's date.
    pub date: String,
}

/// What verbatim answers to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The question as asked.
    pub question: String,
    /// Answer, suggest or none.
    pub outcome: Outcome,
    /// The best score, in [0, 1].
    pub score: f64,
    /// The quote, when the outcome is an answer.
    pub quoted: Option<Quoted>,
    /// "Did you mean" phrasings, when the outcome is suggest.
    pub suggestions: Vec<String>,
    /// The command that shows help, mentioned when nothing matched.
    pub help_command: String,
}

/// A validated knowledge base and its matcher.
#[derive(Debug)]
pub struct Engine {
    knowledge: Knowledge,
    matcher: Matcher,
    help_command: String,
}

impl Engine {
    /// Loads and validates knowledge from `paths` (files or directories), or the compiled-in knowledge when
    /// `paths` is empty. Any error refuses the whole knowledge; warnings come back beside the engine.
    ///
    /// ```
    /// use verbatim::answer::Engine;
    /// use verbatim::matcher::{MatcherConfig, Outcome};
    /// let (engine, _warnings) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let reply = engine.ask("Who is Zhou Yunjie?");
    /// assert_eq!(reply.outcome, Outcome::Answer);
    /// assert!(reply.quoted.unwrap().source.contains("Haier Group"));
    /// ```
    pub fn load(
        paths: &[PathBuf],
        config: MatcherConfig,
    ) -> Result<(Engine, Vec<Diagnostic>), InvalidKnowledge> {
        let mut loaded = if paths.is_empty() {
            builtin::load_builtin()
        } else {
            load::load_paths(paths)
        };
        let matcher = loaded.knowledge.matcher(config);
        let diagnostics = check::check_with(&mut loaded, &matcher);
        if diagnostics.iter().any(Diagnostic::is_error) || loaded.knowledge.entries.is_empty() {
            return Err(InvalidKnowledge(diagnostics));
        }
        Ok((
            Engine {
                knowledge: loaded.knowledge,
                matcher,
                help_command: "!help".to_string(),
            },
            diagnostics,
        ))
    }

    /// An engine over already validated knowledge.
    pub fn new(knowledge: Knowledge, config: MatcherConfig) -> Engine {
        let matcher = knowledge.matcher(config);
        Engine {
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

    /// The knowledge in use.
    pub fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }

    /// Answers a question.
    pub fn ask(&self, question: &str) -> Reply {
        let found = self.matcher.find(question);
        let quoted = found.doc.map(|doc| self.quoted(doc));
        let suggestions = found
            .suggestions
            .iter()
            .map(|s| self.knowledge.entries[s.doc].phrasings[s.phrasing].clone())
            .collect();
        Reply {
            question: question.to_string(),
            outcome: found.outcome,
            score: found.score,
            quoted,
            suggestions,
            help_command: self.help_command.clone(),
        }
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

impl Reply {
    /// The reply as plain text, exactly as the bot posts it as `body`.
    pub fn plain(&self) -> String {
        let text = match (&self.outcome, &self.quoted) {
            (Outcome::Answer, Some(q)) => {
                let quote: Vec<String> =
                    q.quote.lines().map(|l| format!("> {}", l.trim())).collect();
                format!("{}\n— {}", quote.join("\n"), q.source)
            }
            (Outcome::Suggest, _) => {
                let list: Vec<String> = self.suggestions.iter().map(|s| format!("- {s}")).collect();
                format!(
                    "I'm not sure I have that. Did you mean:\n{}",
                    list.join("\n")
                )
            }
            _ => self.nothing(),
        };
        defuse(&text)
    }

    /// The reply as Matrix HTML (`formatted_body`): the quote in a `<blockquote>`, then the attribution.
    pub fn html(&self) -> String {
        let html = match (&self.outcome, &self.quoted) {
            (Outcome::Answer, Some(q)) => {
                format!(
                    "<blockquote>{}</blockquote>\n<p>— {}</p>",
                    escape(q.quote.trim()).replace('\n', "<br>"),
                    escape(&q.source)
                )
            }
            (Outcome::Suggest, _) => {
                let list: String = self
                    .suggestions
                    .iter()
                    .map(|s| format!("<li>{}</li>", escape(s)))
                    .collect();
                format!("<p>I'm not sure I have that. Did you mean:</p>\n<ul>{list}</ul>")
            }
            _ => format!("<p>{}</p>", escape(&self.nothing())),
        };
        defuse(&html)
    }

    /// Both renderings.
    pub fn rendered(&self) -> Rendered {
        Rendered {
            plain: self.plain(),
            html: self.html(),
        }
    }

    fn nothing(&self) -> String {
        format!(
            "Sorry, I found nothing about that in my sources. Send {} to see what I can answer.",
            self.help_command
        )
    }

    /// The reply as one JSON object (the format of `verbatim ask --json`).
    pub fn json(&self) -> serde_json::Value {
        let q = self.quoted.as_ref();
        json!({
            "question": self.question,
            "outcome": self.outcome,
            "score": (self.score * 1000.0).round() / 1000.0,
            "entry": q.map(|q| &q.entry),
            "quote": q.map(|q| &q.quote),
            "source": q.map(|q| &q.source),
            "speaker": q.and_then(|q| q.speaker.as_ref()),
            "voice": q.map(|q| q.voice.to_string()),
            "title": q.map(|q| &q.title),
            "date": q.map(|q| &q.date),
            "suggestions": self.suggestions,
        })
    }
}

/// Escapes text for HTML.
///
/// ```
/// assert_eq!(verbatim::answer::escape("<b>\"Tai'an\" & co</b>"),
///            "&lt;b&gt;&quot;Tai&#39;an&quot; &amp; co&lt;/b&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Breaks every "@room" with a word joiner so that no client treats it as a room-wide mention.
///
/// ```
/// assert_eq!(verbatim::answer::defuse("hi @room!"), "hi @\u{2060}room!");
/// ```
pub fn defuse(text: &str) -> String {
    text.replace("@room", "@\u{2060}room")
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
