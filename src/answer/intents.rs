//! Everyday questions verbatim recognizes for any knowledge base, from the phrasings in `intents.toml` (beside
//! this file): what a report is about, who is quoted, when it was published, its headline, its lead and its last
//! passage, who wrote it, which
//! sources there are, small talk (greetings, thanks, "how are you", questions about the bot, requests that are
//! not questions about the reports), and in a conversation "tell me more" and "who is he?". They are matched
//! word for word, function words included (see [`Intents::new`]).

use std::collections::HashSet;

use serde::Deserialize;

use crate::matcher::lexicon::{frame_words, stop_words};
use crate::matcher::normalize::{fold, words};
use crate::matcher::{Document, Lexicon, Matcher, MatcherConfig};

/// An everyday question verbatim recognizes without the knowledge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Intent {
    /// What a report is about: its headline and lead passage.
    About,
    /// Who is quoted, with their capacities.
    Speakers,
    /// When it was published.
    Date,
    /// Its headline.
    Headline,
    /// Its lead ("lede"): the first passage of its own text.
    Lead,
    /// How it ends: its last passage (not a caption).
    Ending,
    /// Who wrote or published it: answered only when the knowledge names a publisher.
    Author,
    /// Which sources there are.
    Sources,
    /// Hello.
    Greeting,
    /// Thank you.
    Thanks,
    /// Goodbye.
    Farewell,
    /// How are you?
    Wellbeing,
    /// Who or what is the bot?
    Identity,
    /// A request that is not a question about the reports (a joke, the weather, code).
    Task,
    /// How to use the bot.
    Help,
    /// "Tell me more", "what else did he say?": in a conversation, the next passage.
    More,
    /// "Who is he?": in a conversation, the last speaker's introduction.
    WhoIsHe,
}

impl Intent {
    /// Whether the intent is small talk (answered with a friendly word, never a quote).
    pub fn is_small_talk(self) -> bool {
        matches!(
            self,
            Intent::Greeting
                | Intent::Thanks
                | Intent::Farewell
                | Intent::Wellbeing
                | Intent::Identity
                | Intent::Task
                | Intent::Help
        )
    }
}

#[derive(Deserialize)]
struct IntentsFile {
    keep: Vec<String>,
    ignore: Vec<String>,
    intents: Vec<IntentPhrasings>,
}

#[derive(Deserialize)]
struct IntentPhrasings {
    kind: Intent,
    phrasings: Vec<String>,
}

/// The everyday questions, indexed for matching word for word.
#[derive(Debug)]
pub struct Intents {
    kinds: Vec<Intent>,
    matcher: Matcher,
    /// Every word of the phrasings (folded).
    vocabulary: HashSet<String>,
}

/// A question is read as an intent when its best intent phrasing scores at least this.
pub const INTENT_SCORE: f64 = 0.72;
/// Small talk at or above this score is answered as small talk even when the knowledge has an answer.
pub const SURE_SMALL_TALK: f64 = 0.9;

impl Intents {
    /// The intents of `intents.toml`. Left out when matching: the file's `ignore` words, English function words
    /// but for the file's `keep`, and English frame words that no intent phrasing uses ("could you *provide* a
    /// *brief* summary").
    pub fn new() -> Intents {
        let file: IntentsFile =
            toml::from_str(include_str!("intents.toml")).expect("intents.toml is valid");
        let kinds = file.intents.iter().map(|i| i.kind).collect();
        let used: HashSet<String> = file
            .intents
            .iter()
            .flat_map(|i| &i.phrasings)
            .flat_map(|p| words(&fold(p), usize::MAX))
            .collect();
        let mut ignore = file.ignore;
        ignore.extend(
            frame_words()
                .filter(|w| !used.contains(*w))
                .chain(stop_words().filter(|w| !file.keep.iter().any(|k| k == w)))
                .map(str::to_string),
        );
        let docs: Vec<Document> = file
            .intents
            .into_iter()
            .map(|i| Document {
                phrasings: i.phrasings,
                ..Document::default()
            })
            .collect();
        let config = MatcherConfig {
            lexicon: Lexicon::literal(ignore),
            ..MatcherConfig::default()
        };
        Intents {
            kinds,
            matcher: Matcher::new(&docs, config),
            vocabulary: used,
        }
    }

    /// The intent `question` asks, with its score, if any phrasing is close enough.
    ///
    /// ```
    /// use verbatim::answer::intents::{Intent, Intents};
    /// let intents = Intents::new();
    /// assert_eq!(intents.recognize("What is this article about?").map(|i| i.0), Some(Intent::About));
    /// assert_eq!(intents.recognize("how are you today?").map(|i| i.0), Some(Intent::Wellbeing));
    /// assert_eq!(intents.recognize("What did Hou say about pollution?"), None);
    /// ```
    pub fn recognize(&self, question: &str) -> Option<(Intent, f64)> {
        let best = self.matcher.explain(question, 1).into_iter().next()?;
        (best.score >= INTENT_SCORE).then(|| (self.kinds[best.doc], best.score))
    }
}

impl Intents {
    /// Whether a folded word is one of the words everyday questions are made of ("headline", "published").
    pub fn uses(&self, word: &str) -> bool {
        self.vocabulary.contains(word)
    }

    /// The best intents for `question` with their scores and how its words were read (for `--explain`).
    pub fn debug(&self, question: &str) -> (Vec<(Intent, f64)>, Vec<String>) {
        let found = self
            .matcher
            .explain(question, 3)
            .into_iter()
            .map(|s| (self.kinds[s.doc], s.score))
            .collect();
        let roles = self
            .matcher
            .inspect(question)
            .query
            .roles
            .iter()
            .map(|(w, r)| format!("{w}:{}", r.name()))
            .collect();
        (found, roles)
    }
}

impl Default for Intents {
    fn default() -> Self {
        Intents::new()
    }
}

/// The reply to small talk: short, friendly, and pointing to the help command.
///
/// ```
/// use verbatim::answer::intents::{small_talk, Intent};
/// assert!(small_talk(Intent::Thanks, "!help").contains("!help"));
/// ```
pub fn small_talk(intent: Intent, help: &str) -> String {
    let first = match intent {
        Intent::Greeting => "Hello!",
        Intent::Thanks => "You're welcome!",
        Intent::Farewell => "Goodbye!",
        Intent::Wellbeing => "I'm well, thank you.",
        Intent::Identity => {
            "I'm verbatim, a bot that answers with exact quotes from the reports I hold."
        }
        Intent::Task => {
            "I can't do that: I only answer questions about my reports, with exact quotes."
        }
        _ => "I answer questions about my reports with exact quotes and their sources.",
    };
    format!("{first} Ask me about my reports, or send {help} to see what I can answer.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_talk_is_recognized_and_questions_are_not() {
        let intents = Intents::new();
        for (q, want) in [
            ("hi", Intent::Greeting),
            ("Hello there!", Intent::Greeting),
            ("thanks!", Intent::Thanks),
            ("How are you today?", Intent::Wellbeing),
            ("are you a bot?", Intent::Identity),
            ("who is quoted in the report", Intent::Speakers),
            ("when was it published?", Intent::Date),
            ("when did this article come out?", Intent::Date),
            ("lede sentence pls", Intent::Lead),
            ("How does the article end?", Intent::Ending),
        ] {
            assert_eq!(intents.recognize(q).map(|i| i.0), Some(want), "{q}");
        }
        for q in [
            "Who is the mayor of Riverton?",
            "How much did the bridge cost?",
            "coal",
        ] {
            assert_eq!(intents.recognize(q), None, "{q}");
        }
    }
}
