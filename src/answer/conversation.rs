//! A conversation: questions answered in the light of the ones before (follow-ups, accepting a suggestion).
//!
//! A [`Conversation`] remembers, by entry id (so it survives a knowledge reload), what was answered last, who
//! said it, what was already shown and the last "did you mean" suggestions. [`Engine::ask_in`] answers a
//! question in it and updates it:
//! - a reply "1", "2", "3" (or "yes" to a single suggestion) accepts a suggestion;
//! - "tell me more", "what else did he say?", "more" answer the best passage of the same speaker (or, without
//!   one, on the same topic) not yet shown;
//! - "who is he?" answers with the speaker's introduction;
//! - a question that refers to the last speaker by pronoun ("what did she say about the trees?") is asked about
//!   that speaker; a short elliptic one ("and Wang Gang?", "what about the tractors?", "when?") is asked with the
//!   last question's subject.
//!
//! Everything here is pure: the bot keeps one conversation per room or thread and decides when it expires.

use super::intents::Intent;
use super::{Engine, Outcome, Reply};
use crate::matcher::normalize::{fold, words};

/// What a conversation remembers. Plain data, by entry key ([`Knowledge::key`](crate::knowledge::Knowledge::key)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conversation {
    /// The entries of the last answer.
    pub last_entries: Vec<String>,
    /// The speaker of the last answer (their name), if it had one.
    pub last_speaker: Option<String>,
    /// The last question that was answered (for elliptic follow-ups).
    pub last_question: Option<String>,
    /// Every entry shown so far, oldest first.
    pub shown: Vec<String>,
    /// The entries of the last "did you mean", in the order offered.
    pub suggestions: Vec<String>,
}

/// The source of an entry key (`source-id/entry-id`).
fn source_of(key: &str) -> &str {
    key.split('/').next().unwrap_or_default()
}

/// With several sources loaded, an answer drawn from several of them ("when was it published?" gets each
/// report's date) keeps only the conversation's current source, when it is one of them.
fn narrow_to_current_source(conversation: &Conversation, reply: &mut Reply) {
    let Some(current) = conversation.last_entries.first().map(|k| source_of(k)) else {
        return;
    };
    let mut sources: Vec<&str> = reply.quotes.iter().map(|q| source_of(&q.key)).collect();
    sources.dedup();
    if sources.len() > 1 && sources.contains(&current) {
        let current = current.to_string();
        reply.quotes.retain(|q| source_of(&q.key) == current);
        reply.listing = None;
    }
}

/// Pronouns that refer back to a person.
const PERSON_PRONOUNS: [&str; 8] = ["he", "him", "his", "she", "her", "hers", "they", "them"];

impl Conversation {
    /// Takes in a reply given in this conversation.
    pub fn record(&mut self, question: &str, reply: &Reply) {
        match reply.outcome {
            Outcome::Answer if !reply.quotes.is_empty() => {
                self.last_entries = reply.quotes.iter().map(|q| q.key.clone()).collect();
                self.last_speaker = reply.quotes.iter().find_map(|q| q.speaker.clone());
                self.last_question = Some(question.to_string());
                for id in &self.last_entries {
                    if !self.shown.contains(id) {
                        self.shown.push(id.clone());
                    }
                }
                self.suggestions.clear();
            }
            Outcome::Suggest => self.suggestions = reply.suggested.clone(),
            _ => {}
        }
    }
}

/// The suggestion a message accepts, 1-based: "1", "#2", "3.", "number 2", or "yes" when there is one.
///
/// ```
/// use verbatim::answer::conversation::accepted_choice;
/// assert_eq!(accepted_choice("2", 3), Some(2));
/// assert_eq!(accepted_choice(" #1 ", 3), Some(1));
/// assert_eq!(accepted_choice("yes", 1), Some(1));
/// assert_eq!(accepted_choice("yes", 2), None);
/// assert_eq!(accepted_choice("4", 3), None);
/// assert_eq!(accepted_choice("2 cars", 3), None);
/// ```
pub fn accepted_choice(message: &str, offered: usize) -> Option<usize> {
    let ws = words(&fold(message), 4);
    let choice = match ws.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["yes" | "yeah" | "yep" | "y" | "ok" | "sure"] if offered == 1 => 1,
        [n] | ["number" | "option" | "no", n] => n.parse().ok().or_else(|| ordinal(n))?,
        ["the", n] | ["the", n, "one"] => ordinal(n)?,
        _ => return None,
    };
    (1..=offered).contains(&choice).then_some(choice)
}

fn ordinal(word: &str) -> Option<usize> {
    match word {
        "first" | "1st" => Some(1),
        "second" | "2nd" => Some(2),
        "third" | "3rd" => Some(3),
        _ => None,
    }
}

impl Engine {
    /// Answers `question` in `conversation` (see the [module documentation](self)) and updates it.
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome, conversation::Conversation};
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let mut talk = Conversation::default();
    /// let first = engine.ask_in(&mut talk, "What did Zhou Yunjie say about the industrial internet?");
    /// let more = engine.ask_in(&mut talk, "what else did he say?");
    /// assert_eq!(more.outcome, Outcome::Answer);
    /// assert_eq!(more.quoted().unwrap().speaker.as_deref(), Some("Zhou Yunjie"));
    /// assert_ne!(more.quoted().unwrap().entry, first.quoted().unwrap().entry);
    /// ```
    pub fn ask_in(&self, conversation: &mut Conversation, question: &str) -> Reply {
        let accepted = accepted_choice(question, conversation.suggestions.len()).is_some();
        let reply = self.follow_up(conversation, question);
        self.record(conversation, question, &reply, accepted);
        reply
    }

    /// Takes `reply` into `conversation`; an accepted suggestion ("2") stands for its entry's first phrasing,
    /// so that an elliptic follow-up ("when?") has a subject.
    pub fn record(
        &self,
        conversation: &mut Conversation,
        question: &str,
        reply: &Reply,
        accepted: bool,
    ) {
        conversation.record(question, reply);
        if accepted && reply.outcome == Outcome::Answer {
            let keys: Vec<String> = reply.quotes.iter().map(|q| q.key.clone()).collect();
            self.resume(conversation, &keys);
        }
    }

    /// Picks `conversation` up from an earlier answer that quoted `entries` (keys): when someone replies to an
    /// older answer, or after a restart, "what else did he say?" follows that answer.
    ///
    /// ```
    /// use verbatim::answer::{Engine, Outcome, conversation::Conversation};
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let first = engine.ask("Who is Zhou Yunjie?");
    /// let mut talk = Conversation::default();
    /// engine.resume(&mut talk, &[first.quoted().unwrap().key.clone()]);
    /// assert_eq!(talk.last_speaker.as_deref(), Some("Zhou Yunjie"));
    /// assert_eq!(engine.ask_in(&mut talk, "what else did he say?").outcome, Outcome::Answer);
    /// ```
    pub fn resume(&self, conversation: &mut Conversation, entries: &[String]) {
        let docs: Vec<usize> = entries
            .iter()
            .filter_map(|key| self.knowledge.find(key))
            .collect();
        if docs.is_empty() {
            return;
        }
        conversation.last_entries = docs
            .iter()
            .map(|&d| self.knowledge.key(&self.knowledge.entries[d]))
            .collect();
        conversation.last_speaker = docs
            .iter()
            .find_map(|&d| self.speaker_name(d).map(str::to_string));
        conversation.last_question = self.knowledge.entries[docs[0]].phrasings.first().cloned();
        for key in &conversation.last_entries {
            if !conversation.shown.contains(key) {
                conversation.shown.push(key.clone());
            }
        }
        conversation.suggestions.clear();
    }

    /// The reply that accepts suggestion `choice` (1-based) of `offered` (entry ids), if it is one.
    pub fn accept(&self, question: &str, offered: &[String], choice: usize) -> Option<Reply> {
        let doc = self.knowledge.find(offered.get(choice.checked_sub(1)?)?)?;
        Some(self.answer_with(question, &[doc]))
    }

    fn follow_up(&self, conversation: &Conversation, question: &str) -> Reply {
        if let Some(choice) = accepted_choice(question, conversation.suggestions.len())
            && let Some(reply) = self.accept(question, &conversation.suggestions, choice)
        {
            return reply;
        }
        let intent = self.intent_of(question).map(|(kind, _)| kind);
        let speaker = conversation.last_speaker.as_deref();
        let ws = words(&fold(question), 64);
        // "Who is Hou Yugang?" names someone: it is no "who is he?".
        let names_someone = self.names_a_speaker(&ws);
        match intent {
            Some(Intent::More) if !conversation.last_entries.is_empty() => {
                return self.more(conversation, question);
            }
            Some(Intent::WhoIsHe) if !names_someone => {
                if let Some(name) = speaker
                    && let Some(doc) = self.introduction(name)
                {
                    return self.answer_with(question, &[doc]);
                }
            }
            _ => {}
        }
        if let Some(name) = speaker
            && !names_someone
            && ws.iter().any(|w| PERSON_PRONOUNS.contains(&w.as_str()))
        {
            // "What did she say about the trees?": about the last speaker.
            return self.ask(&format!("{question} ({name})"));
        }
        let mut plain = self.ask(question);
        if plain.outcome == Outcome::Answer {
            narrow_to_current_source(conversation, &mut plain);
            return plain;
        }
        if plain.outcome == Outcome::SmallTalk {
            return plain;
        }
        // "and Wang Gang?", "what about the tractors?", "when?": the last question's subject, asked again.
        if let Some(last) = &conversation.last_question
            && ws.len() <= 6
        {
            let last = match (speaker, names_someone) {
                (Some(name), true) => last.replace(name, ""),
                _ => last.clone(),
            };
            let merged = self.ask(&format!("{question} ({last})"));
            // Only something new: the last answer again is no follow-up ("Shandong" after the headline).
            let repeats = merged
                .quotes
                .iter()
                .all(|q| conversation.last_entries.contains(&q.key));
            if merged.outcome == Outcome::Answer && !repeats {
                return Reply {
                    question: question.to_string(),
                    ..merged
                };
            }
        }
        plain
    }

    /// "Tell me more": the best entry of the last speaker (or, without one, of the last question) not shown yet.
    fn more(&self, conversation: &Conversation, question: &str) -> Reply {
        let shown = |doc: usize| {
            let key = self.knowledge.key(&self.knowledge.entries[doc]);
            conversation.shown.contains(&key)
        };
        let last_docs: Vec<usize> = conversation
            .last_entries
            .iter()
            .filter_map(|key| self.knowledge.find(key))
            .collect();
        let quote_of = |doc: usize| &self.knowledge.entries[doc].quote;
        let candidates: Vec<usize> = match &conversation.last_speaker {
            Some(name) => (0..self.knowledge.entries.len())
                .filter(|&d| self.speaker_name(d) == Some(name.as_str()))
                .collect(),
            None => {
                let topic = conversation.last_question.clone().unwrap_or_default();
                self.matcher
                    .explain(&topic, 10)
                    .into_iter()
                    .map(|s| s.doc)
                    .collect()
            }
        };
        let next = candidates
            .into_iter()
            .find(|&d| !shown(d) && !last_docs.iter().any(|&l| quote_of(l) == quote_of(d)));
        match next {
            Some(doc) => self.answer_with(question, &[doc]),
            None => {
                let mut reply = Reply::empty(question, &self.help_command);
                reply.outcome = Outcome::None;
                reply
            }
        }
    }

    /// Whether folded words name a speaker of the knowledge (a full name or a surname).
    fn names_a_speaker(&self, ws: &[String]) -> bool {
        self.knowledge.speakers.iter().any(|s| {
            let name = words(&fold(&s.name), 8);
            name.len() <= 4 && name.iter().any(|n| n.len() > 1 && ws.contains(n))
        })
    }

    fn speaker_name(&self, doc: usize) -> Option<&str> {
        let entry = &self.knowledge.entries[doc];
        self.knowledge.speaker_of(entry).map(|s| s.name.as_str())
    }

    /// The entry that introduces the speaker called `name`: their first passage in the report.
    fn introduction(&self, name: &str) -> Option<usize> {
        self.overview.sources.iter().find_map(|s| {
            s.order
                .iter()
                .copied()
                .find(|&d| self.speaker_name(d) == Some(name))
        })
    }
}
