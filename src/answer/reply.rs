//! A reply and its renderings: plain text (Matrix `body`), HTML (`formatted_body`) and JSON (`ask --json`).
//!
//! Every piece of text that comes from a question or a knowledge file is escaped in HTML, and "@room" is
//! defused everywhere, so a reply can never ping a whole room.

use serde_json::json;

use crate::knowledge::Voice;

/// A rendered message: the plain-text body and its HTML form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Plain text (Matrix `body`).
    pub plain: String,
    /// HTML (Matrix `formatted_body`).
    pub html: String,
}

/// One quote a reply gives, with its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Quoted {
    /// The entry's id.
    pub entry: String,
    /// The entry's key, unique across sources (`source-id/entry-id`).
    pub key: String,
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

/// How a reply came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Confident: quotes that answer the question (or, for "who is quoted?", the speakers).
    Answer,
    /// Close but unsure: "did you mean" suggestions.
    Suggest,
    /// Nothing in the knowledge answers.
    None,
    /// Small talk or a request that is not a question about the reports: a friendly word.
    SmallTalk,
}

impl Outcome {
    /// Every outcome, in this order.
    pub const ALL: [Outcome; 4] = [
        Outcome::Answer,
        Outcome::Suggest,
        Outcome::None,
        Outcome::SmallTalk,
    ];

    /// Its name in JSON, logs and metrics.
    ///
    /// ```
    /// use verbatim::answer::Outcome;
    /// assert_eq!(Outcome::SmallTalk.as_str(), "small_talk");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answer => "answer",
            Outcome::Suggest => "suggest",
            Outcome::None => "none",
            Outcome::SmallTalk => "small_talk",
        }
    }
}

/// What verbatim answers to one question.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The question as asked.
    pub question: String,
    /// How the reply came about.
    pub outcome: Outcome,
    /// The best matching score, in [0, 1].
    pub score: f64,
    /// The decision's confidence that the best match answers, in [0, 1].
    pub confidence: f64,
    /// The quotes, when the outcome is an answer (one, or several for an overview).
    pub quotes: Vec<Quoted>,
    /// Lines that list people ("Name, capacity"), for "who is quoted?", with the source line after them.
    pub listing: Option<(Vec<String>, String)>,
    /// "Did you mean" phrasings, when the outcome is suggest.
    pub suggestions: Vec<String>,
    /// The entries those suggestions ask for (keys), in the same order.
    pub suggested: Vec<String>,
    /// The friendly word, when the outcome is small talk.
    pub small_talk: Option<String>,
    /// The entries the matcher ranked best for the question (key, score), best first, whatever the outcome.
    pub ranking: Vec<(String, f64)>,
    /// The command that shows help, mentioned when nothing matched.
    pub help_command: String,
}

impl Reply {
    /// A reply with nothing in it yet.
    pub(super) fn empty(question: &str, help_command: &str) -> Reply {
        Reply {
            question: question.to_string(),
            outcome: Outcome::None,
            score: 0.0,
            confidence: 0.0,
            quotes: Vec::new(),
            listing: None,
            suggestions: Vec::new(),
            suggested: Vec::new(),
            small_talk: None,
            ranking: Vec::new(),
            help_command: help_command.to_string(),
        }
    }

    /// The first quote, if the reply has one.
    pub fn quoted(&self) -> Option<&Quoted> {
        self.quotes.first()
    }

    /// The reply as plain text, exactly as the bot posts it as `body`.
    pub fn plain(&self) -> String {
        let text = match self.outcome {
            Outcome::Answer => {
                let mut parts: Vec<String> = self
                    .quotes
                    .iter()
                    .map(|q| {
                        let quote: Vec<String> =
                            q.quote.lines().map(|l| format!("> {}", l.trim())).collect();
                        format!("{}\n— {}", quote.join("\n"), q.source)
                    })
                    .collect();
                if let Some((lines, source)) = &self.listing {
                    let list: Vec<String> = lines.iter().map(|l| format!("- {l}")).collect();
                    parts.push(format!("{}\n— {source}", list.join("\n")));
                }
                parts.join("\n\n")
            }
            Outcome::Suggest => {
                let list: Vec<String> = self
                    .suggestions
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("{}. {s}", i + 1))
                    .collect();
                format!(
                    "I'm not sure I have that. Did you mean:\n{}\n{}",
                    list.join("\n"),
                    self.choose_line()
                )
            }
            Outcome::SmallTalk => self.small_talk.clone().unwrap_or_default(),
            Outcome::None => self.nothing(),
        };
        defuse(&text)
    }

    /// The reply as Matrix HTML (`formatted_body`): each quote in a `<blockquote>`, then its attribution.
    pub fn html(&self) -> String {
        let html = match self.outcome {
            Outcome::Answer => {
                let mut parts: Vec<String> = self
                    .quotes
                    .iter()
                    .map(|q| {
                        format!(
                            "<blockquote>{}</blockquote>\n<p>— {}</p>",
                            escape(q.quote.trim()).replace('\n', "<br>"),
                            escape(&q.source)
                        )
                    })
                    .collect();
                if let Some((lines, source)) = &self.listing {
                    let list: String = lines
                        .iter()
                        .map(|l| format!("<li>{}</li>", escape(l)))
                        .collect();
                    parts.push(format!("<ul>{list}</ul>\n<p>— {}</p>", escape(source)));
                }
                parts.join("\n")
            }
            Outcome::Suggest => {
                let list: String = self
                    .suggestions
                    .iter()
                    .map(|s| format!("<li>{}</li>", escape(s)))
                    .collect();
                format!(
                    "<p>I'm not sure I have that. Did you mean:</p>\n<ol>{list}</ol>\n<p>{}</p>",
                    escape(self.choose_line())
                )
            }
            Outcome::SmallTalk => format!(
                "<p>{}</p>",
                escape(self.small_talk.as_deref().unwrap_or(""))
            ),
            Outcome::None => format!("<p>{}</p>", escape(&self.nothing())),
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

    /// The line under "did you mean" that says how to choose.
    fn choose_line(&self) -> &'static str {
        if self.suggestions.len() == 1 {
            "Reply \"yes\" (or 1) to get it."
        } else {
            "Reply with a number to get that one."
        }
    }

    fn nothing(&self) -> String {
        format!(
            "Sorry, I found nothing about that in my sources. Send {} to see what I can answer.",
            self.help_command
        )
    }

    /// The reply as one JSON object (the format of `verbatim ask --json`). `entry`, `key`, `quote` and
    /// `source` are the first quote's; a reply with several quotes also lists them all in `entries` (each with
    /// its `entry`, `key`, `quote`, `source` and `speaker`), and a listing of people is in `quote` as its
    /// lines. `suggested` holds the keys of the entries `suggestions` ask for, in the same order.
    pub fn json(&self) -> serde_json::Value {
        let first = self.quoted();
        let (quote, source) = match (&self.listing, first) {
            (Some((lines, source)), None) => (Some(lines.join("\n")), Some(source.clone())),
            _ => (
                first.map(|q| q.quote.clone()),
                first.map(|q| q.source.clone()),
            ),
        };
        let mut value = json!({
            "question": self.question,
            "outcome": self.outcome,
            "score": (self.score * 1000.0).round() / 1000.0,
            "confidence": (self.confidence * 1000.0).round() / 1000.0,
            "entry": first.map(|q| &q.entry),
            "key": first.map(|q| &q.key),
            "quote": quote,
            "source": source,
            "speaker": first.and_then(|q| q.speaker.as_ref()),
            "voice": first.map(|q| q.voice.to_string()),
            "title": first.map(|q| &q.title),
            "date": first.map(|q| &q.date),
            "suggestions": self.suggestions,
            "suggested": self.suggested,
            "ranking": self
                .ranking
                .iter()
                .map(|(id, score)| json!([id, (score * 1000.0).round() / 1000.0]))
                .collect::<Vec<_>>(),
        });
        if self.quotes.len() > 1 {
            value["entries"] = self
                .quotes
                .iter()
                .map(|q| {
                    json!({
                        "entry": q.entry,
                        "key": q.key,
                        "quote": q.quote,
                        "source": q.source,
                        "speaker": q.speaker,
                    })
                })
                .collect();
            // Every quote counts as the reply's quote text.
            value["quote"] = json!(
                self.quotes
                    .iter()
                    .map(|q| q.quote.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
            value["source"] = json!(
                self.quotes
                    .iter()
                    .map(|q| q.source.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
        if let Some(text) = &self.small_talk {
            value["text"] = json!(text);
        }
        value
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
