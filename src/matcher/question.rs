//! Reading a question into the terms the matcher scores, and into what the decision needs to know of it.
//!
//! A message is first cut into sentences. When it holds a question (a sentence ending in "?") beside other
//! sentences, those others are *chat* ("I have a Haier fridge. Was the Haier man in the article?"): their words
//! the knowledge holds count at [`TermWeights::chat`], and their other words not at all. Each word is then:
//! - a function word: dropped;
//! - a frame word ("exact", "article", "please"): counted at [`TermWeights::frame`] if the knowledge holds it,
//!   else dropped, since it says how the question is asked, not what about;
//! - a word of the knowledge (stemmed), or one of its synonyms, or two question words written apart that the
//!   knowledge writes as one ("yu gang" for "Yugang"), or one question word the knowledge writes as two
//!   ("zhouyunjie"), or, for a word that is not common English, a typo of a knowledge word;
//! - else *unknown*: content the knowledge does not have, weighing [`TermWeights::unknown`] times the weight of
//!   the rarest knowledge word, scaled by how informative the word is in English.

use super::MAX_TERMS;
use super::index::{Index, TermId};
use super::lexicon::{Lexicon, informativeness, is_fact_word, zipf};
use super::normalize::{Intent, fold, intent, stem, words};
use super::score::{self, QueryTerm};
use crate::text::is_abbreviation;

/// How much each kind of question word counts; fitted by `verbatim calibrate`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermWeights {
    /// An unknown word weighs this many times the rarest knowledge word (before its informativeness).
    pub unknown: f64,
    /// A frame word the knowledge holds counts this share of its weight.
    pub frame: f64,
    /// A knowledge word in a chat sentence counts this share of its weight.
    pub chat: f64,
    /// How much an unknown word's weight follows its informativeness: its weight is scaled by
    /// `1 - common + common × informativeness` (0: all unknown words weigh the same).
    pub common: f64,
}

impl Default for TermWeights {
    fn default() -> Self {
        TermWeights {
            unknown: 1.5,
            frame: 0.15,
            chat: 0.5,
            common: 0.5,
        }
    }
}

/// How the matcher read one word of a question (for `verbatim ask --explain` and `verbatim check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A function word: never matched.
    Function,
    /// A frame word the knowledge holds: counts a little.
    Frame,
    /// A frame word the knowledge does not hold: not counted.
    FrameAbsent,
    /// A word of the knowledge (or a synonym, a name written apart or run together, a typo of one).
    Known,
    /// A word the knowledge does not have: missing content.
    Unknown,
    /// A word of a chat sentence that the knowledge does not have: not counted.
    Chat,
}

impl Role {
    /// A short name for listings.
    pub fn name(self) -> &'static str {
        match self {
            Role::Function => "function word",
            Role::Frame => "frame word",
            Role::FrameAbsent => "frame word, not in the knowledge",
            Role::Known => "known",
            Role::Unknown => "unknown",
            Role::Chat => "chat, not counted",
        }
    }
}

/// A question as the matcher reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// The terms to score.
    pub terms: Vec<QueryTerm>,
    /// Each word as read, in order.
    pub roles: Vec<(String, Role)>,
    /// What kind of answer it asks for.
    pub intent: Intent,
    /// Content terms (not frame words), known or unknown, in the question's own sentences.
    pub content: usize,
    /// The most informative unknown word's informativeness (0 when every word is known).
    pub unknown_info: f64,
    /// Whether an unknown word names a fact about someone or something ("revenue", "age").
    pub unknown_fact: bool,
    /// Share of the message's words that are in chat sentences.
    pub chat_share: f64,
}

impl Query {
    /// Total weight of the terms.
    pub fn total(&self) -> f64 {
        self.terms.iter().map(|t| t.weight).sum()
    }

    /// Weight of the unknown terms.
    pub fn unknown(&self) -> f64 {
        self.terms
            .iter()
            .filter(|t| t.alternatives.is_empty())
            .map(|t| t.weight)
            .sum()
    }
}

/// Cuts a message into sentences: at `.`, `!`, `?`, `;` or `:` followed by white space or the end (not after
/// an abbreviation such as "Mr."), and at line breaks. Each comes with whether it ends in `?`.
///
/// ```
/// use verbatim::matcher::question::sentences;
/// let s = sentences("Hello there. Mr. Wang - what did he say? Thanks!");
/// assert_eq!(s, [("Hello there.", false), ("Mr. Wang - what did he say?", true), ("Thanks!", false)]);
/// ```
pub fn sentences(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let boundary = match c {
            '\n' => true,
            '.' | '!' | '?' | ';' | ':' => {
                next.is_none_or(char::is_whitespace) && !(c == '.' && is_abbreviation(&text[..i]))
            }
            _ => false,
        };
        if boundary {
            let end = i + c.len_utf8();
            push_sentence(&mut out, &text[start..end]);
            start = end;
        }
    }
    push_sentence(&mut out, &text[start..]);
    out
}

fn push_sentence<'t>(out: &mut Vec<(&'t str, bool)>, sentence: &'t str) {
    let sentence = sentence.trim();
    if sentence.chars().any(char::is_alphanumeric) {
        out.push((sentence, sentence.ends_with('?')));
    }
}

/// Whether a sentence that does not end in "?" still asks: its first word that is neither a function word nor
/// politeness is a request word ("List them with their affiliations.", "Please quote it exactly.").
fn is_request(lexicon: &Lexicon, sentence: &str) -> bool {
    words(&fold(sentence), 8)
        .iter()
        .find(|w| !lexicon.is_stop(w) && !lexicon.is_polite(w))
        .is_some_and(|w| lexicon.is_request(w))
}

/// The sentences of a message, each with whether it is chat: when the message holds a sentence that asks (ends
/// in "?", or is a request such as "List them.") and says what about, the sentences that do not ask are chat.
/// When the sentences that ask say nothing of their own ("What does the article say about it?"), nothing is
/// chat: the topic is in the sentence before.
///
/// ```
/// use verbatim::matcher::lexicon::Lexicon;
/// use verbatim::matcher::question::chat_split;
/// let split = chat_split(&Lexicon::english(), "I love tea. Who is Hou? List his titles.");
/// assert_eq!(split, [("I love tea.", true), ("Who is Hou?", false), ("List his titles.", false)]);
/// let split = chat_split(&Lexicon::english(), "I read about coal. What does it say about it?");
/// assert!(split.iter().all(|&(_, chat)| !chat));
/// ```
pub fn chat_split<'t>(lexicon: &Lexicon, message: &'t str) -> Vec<(&'t str, bool)> {
    let parts = sentences(message);
    let asking: Vec<bool> = parts
        .iter()
        .map(|&(s, question)| question || is_request(lexicon, s))
        .collect();
    let says_what = parts.iter().zip(&asking).any(|(&(s, _), &asks)| {
        asks && words(&fold(s), MAX_TERMS * 4)
            .iter()
            .any(|w| !lexicon.is_stop(w) && !lexicon.is_frame(w))
    });
    let split = parts.len() > 1 && says_what;
    parts
        .iter()
        .zip(asking)
        .map(|(&(s, _), asks)| (s, split && !asks))
        .collect()
}

/// Words that open a question or a request clause: question words and auxiliaries (English grammar, a closed
/// list), besides the lexicon's request words.
const OPENERS: [&str; 20] = [
    "what", "whats", "who", "whom", "whose", "when", "where", "which", "why", "how", "can",
    "could", "would", "will", "do", "does", "did", "is", "are", "was",
];

/// Splits a sentence that holds a question into clauses; those around the question that say nothing the
/// knowledge knows and do not ask themselves are chat ("in a cab, 2 mins to deadline, sorry - can u tell me what
/// hou says ...", "who took the photo - it was just some letters, I think?"). A clause that names something the
/// knowledge holds stays ("That fellow from the mining company, what did he say?").
fn leading_chat<'t>(index: &Index, lexicon: &Lexicon, sentence: &'t str) -> Vec<(&'t str, bool)> {
    let mut cuts = vec![0];
    for (i, c) in sentence.char_indices() {
        let next = sentence[i + c.len_utf8()..].chars().next();
        let before = sentence[..i].chars().next_back();
        let separator = matches!(c, ',' | ';' | '(' | ')')
            || (matches!(c, '-' | '\u{2013}' | '\u{2014}')
                && before.is_some_and(char::is_whitespace)
                && next.is_some_and(char::is_whitespace));
        if separator {
            cuts.push(i + c.len_utf8());
        }
    }
    cuts.push(sentence.len());
    let clauses: Vec<&str> = cuts.windows(2).map(|w| &sentence[w[0]..w[1]]).collect();
    let opens = |clause: &str| {
        words(&fold(clause), 3)
            .iter()
            .find(|w| {
                !matches!(
                    w.as_str(),
                    "and" | "or" | "but" | "so" | "then" | "also" | "plus"
                )
            })
            .is_some_and(|w| OPENERS.contains(&w.as_str()) || lexicon.is_request(w))
    };
    let knows = |clause: &str| {
        words(&fold(clause), MAX_TERMS)
            .iter()
            .any(|w| !lexicon.is_stop(w) && !lexicon.is_frame(w) && index.term(&stem(w)).is_some())
    };
    let Some(question) = clauses.iter().position(|c| opens(c)) else {
        return vec![(sentence, false)];
    };
    // Before the question, and after it but for clauses that ask again ("... - and what is his salary?").
    clauses
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, i != question && !opens(c) && !knows(c)))
        .collect()
}

/// Reads `question` against `index`.
pub fn read(index: &Index, lexicon: &Lexicon, weights: &TermWeights, question: &str) -> Query {
    read_in(index, lexicon, weights, question, None)
}

/// Reads `question` as [`read`] does, but against one source's words only when `scope` names one: a word that
/// only other sources hold is unknown, as it would be with that source loaded alone.
///
/// ```
/// use verbatim::matcher::index::Index;
/// use verbatim::matcher::question::{read_in, TermWeights};
/// use verbatim::matcher::{DocumentText, Lexicon};
/// struct Doc(Vec<String>, u64);
/// impl DocumentText for Doc {
///     fn phrasings(&self) -> &[String] { &self.0 }
///     fn context(&self) -> impl Iterator<Item = &str> { std::iter::empty() }
///     fn person(&self) -> bool { false }
///     fn source(&self) -> Option<u64> { Some(self.1) }
/// }
/// let lexicon = Lexicon::english();
/// let index = Index::build([Doc(vec!["mining output".into()], 1), Doc(vec!["mining group".into()], 2)], &lexicon);
/// let weights = TermWeights::default();
/// let q = "mining group output";
/// assert_eq!(read_in(&index, &lexicon, &weights, q, None).unknown(), 0.0);
/// assert!(read_in(&index, &lexicon, &weights, q, Some(1)).unknown() > 0.0);
/// ```
pub fn read_in(
    index: &Index,
    lexicon: &Lexicon,
    weights: &TermWeights,
    question: &str,
    scope: Option<u32>,
) -> Query {
    let mut query = Query::default();
    let (mut all_words, mut chat_words) = (0usize, 0usize);
    let mut intent_words: Vec<String> = Vec::new();
    let mut parts: Vec<(&str, bool)> = Vec::new();
    for (sentence, chat) in chat_split(lexicon, question) {
        if chat {
            parts.push((sentence, true));
        } else {
            parts.extend(leading_chat(index, lexicon, sentence));
        }
    }
    for (sentence, chat) in parts {
        let ws = words(&fold(sentence), MAX_TERMS * 4);
        all_words += ws.len();
        if chat {
            chat_words += ws.len();
        } else {
            intent_words.extend(ws.iter().cloned());
        }
        for word in joined(index, lexicon, &ws, &mut query.roles) {
            if query.terms.len() == MAX_TERMS {
                break;
            }
            let role = add_word(index, lexicon, weights, &mut query, &word, chat, scope);
            query.roles.push((word, role));
        }
    }
    // Literal matching (everyday phrasings) has no passages to hold a date or a person.
    query.intent = if lexicon.is_literal() {
        Intent::Any
    } else {
        intent(&intent_words)
    };
    query.chat_share = if all_words == 0 {
        0.0
    } else {
        chat_words as f64 / all_words as f64
    };
    query
}

/// The words of a sentence with function words dropped and split names put back together: two neighbours
/// whose concatenation is a knowledge word are one word ("yu gang" -> "yugang").
fn joined(
    index: &Index,
    lexicon: &Lexicon,
    ws: &[String],
    roles: &mut Vec<(String, Role)>,
) -> Vec<String> {
    let (stop, content): (Vec<&String>, Vec<&String>) = ws.iter().partition(|w| lexicon.is_stop(w));
    roles.extend(stop.into_iter().map(|w| (w.clone(), Role::Function)));
    let mut out = Vec::with_capacity(content.len());
    let mut i = 0;
    while i < content.len() {
        if let Some(next) = content.get(i + 1) {
            let both = format!("{}{}", content[i], next);
            let letters = |w: &str| w.chars().all(char::is_alphabetic);
            if letters(content[i]) && letters(next) && index.term(&stem(&both)).is_some() {
                out.push(both);
                i += 2;
                continue;
            }
        }
        out.push(content[i].clone());
        i += 1;
    }
    out
}

/// Adds one (non-stop) word of the question to `query`, and says how it was read.
fn add_word(
    index: &Index,
    lexicon: &Lexicon,
    weights: &TermWeights,
    query: &mut Query,
    word: &str,
    chat: bool,
    scope: Option<u32>,
) -> Role {
    let held = |t: TermId| scope.is_none_or(|s| index.in_source(t, s));
    let exact = index.term(&stem(word)).filter(|&t| held(t));
    let share = if chat { weights.chat } else { 1.0 };
    let kind = lexicon
        .type_term(word)
        .and_then(|k| index.term(k))
        .filter(|&t| held(t));
    if lexicon.is_frame(word) {
        let mut alternatives: Vec<(TermId, f64)> =
            exact.into_iter().chain(kind).map(|t| (t, 1.0)).collect();
        alternatives.dedup();
        let Some(&(t, _)) = alternatives.first() else {
            return Role::FrameAbsent;
        };
        push(
            query,
            alternatives,
            index.idf[t as usize] * weights.frame * share,
        );
        return Role::Frame;
    }
    let mut alternatives = alternatives(index, lexicon, word, exact, &held);
    if let Some(k) = kind
        && !alternatives.iter().any(|&(t, _)| t == k)
    {
        alternatives.push((k, 1.0));
    }
    if alternatives.is_empty() {
        if chat {
            return Role::Chat;
        }
        let info = informativeness(word);
        query.content += 1;
        query.unknown_info = query.unknown_info.max(info);
        query.unknown_fact |= is_fact_word(word);
        let rarest = (1.0 + index.docs.len() as f64).ln();
        let scale = 1.0 - weights.common + weights.common * info;
        push(query, Vec::new(), weights.unknown * rarest * scale);
        return Role::Unknown;
    }
    if !chat {
        query.content += 1;
    }
    let weight = score::weight(index, &alternatives) * share;
    push(query, alternatives, weight);
    Role::Known
}

/// Adds a term, or for a word seen before (the same alternatives) keeps the larger weight.
fn push(query: &mut Query, alternatives: Vec<(TermId, f64)>, weight: f64) {
    let seen = query
        .terms
        .iter_mut()
        .find(|t| !t.alternatives.is_empty() && t.alternatives == alternatives);
    match seen {
        Some(term) => term.weight = term.weight.max(weight),
        None => query.terms.push(QueryTerm {
            alternatives,
            weight,
        }),
    }
}

/// What a content word may match in the knowledge, with similarities: itself, its synonyms, the two
/// knowledge words it joins, or the closest typo corrections.
fn alternatives(
    index: &Index,
    lexicon: &Lexicon,
    word: &str,
    exact: Option<TermId>,
    held: &dyn Fn(TermId) -> bool,
) -> Vec<(TermId, f64)> {
    let mut found: Vec<(TermId, f64)> = exact.map(|t| (t, 1.0)).into_iter().collect();
    for synonym in lexicon.synonyms(word) {
        if let Some(t) = index.term(&stem(synonym)).filter(|&t| held(t))
            && !found.iter().any(|&(x, _)| x == t)
        {
            found.push((t, score::SYNONYM_SIMILARITY));
        }
    }
    if !found.is_empty() {
        return found;
    }
    if let Some((left, right)) = split_in_two(index, word).filter(|&(l, r)| held(l) && held(r)) {
        return vec![(left, 1.0), (right, 1.0)];
    }
    // Another form of a knowledge word ("delivery", "greener"); a fact word stays what it asks for.
    if !is_fact_word(word)
        && let Some(related) = index.related(word).filter(|&(t, _)| held(t))
    {
        return vec![related];
    }
    // A common English word is what it says, not a typo of a knowledge word ("fridge" is not "bridge").
    if zipf(word) >= COMMON_ZIPF {
        return Vec::new();
    }
    let candidates: Vec<(TermId, usize)> = index
        .typo_candidates(word)
        .into_iter()
        .filter(|&(t, _)| held(t))
        .collect();
    let closest = candidates.first().map_or(0, |c| c.1);
    let chars = word.chars().count() as f64;
    candidates
        .into_iter()
        .take_while(|c| c.1 == closest)
        .take(3)
        .map(|(id, d)| (id, score::typo_similarity(d, chars)))
        .collect()
}

/// A word at least this common in English (Zipf scale) is never read as a typo.
pub const COMMON_ZIPF: f64 = 3.5;

/// Two knowledge words that `word` is written as when run together ("zhouyunjie" -> "zhou", "yunjie").
fn split_in_two(index: &Index, word: &str) -> Option<(TermId, TermId)> {
    if word.len() < 6 || !word.is_ascii() || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    (3..=word.len() - 3).find_map(|i| {
        let left = index.term(&stem(&word[..i]))?;
        let right = index.term(&stem(&word[i..]))?;
        Some((left, right))
    })
}

/// The part of a message that asks: its questions and requests, when it holds other sentences beside them.
///
/// ```
/// use verbatim::matcher::question::asked_part;
/// assert_eq!(asked_part("Good morning! What is this about? Thanks."), "What is this about?");
/// assert_eq!(asked_part("I love coal. Who is Hou?"), "Who is Hou?");
/// assert_eq!(asked_part("headline please"), "headline please");
/// ```
pub fn asked_part(question: &str) -> String {
    let lexicon = Lexicon::english();
    let parts = sentences(question);
    let asking: Vec<&str> = parts
        .iter()
        .filter(|&&(s, q)| q || is_request(&lexicon, s))
        .map(|&(s, _)| s)
        .collect();
    if asking.is_empty() || parts.len() < 2 {
        return question.trim().to_string();
    }
    asking.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Document;

    fn index() -> Index {
        let doc = |p: &str, c: &str| Document {
            phrasings: vec![p.into()],
            context: vec![c.into()],
            person: true,
            passage: None,
            speaker: None,
        };
        Index::build(
            &[
                doc(
                    "Who is Hou Yugang?",
                    "Hou Yugang, chairman of the mining group",
                ),
                doc("Who is Wang Gang?", "Wang Gang, chairman of Jinjing Group"),
                doc("What is this article about?", "headline"),
            ],
            &Lexicon::english(),
        )
    }

    fn read_default(q: &str) -> Query {
        read(&index(), &Lexicon::english(), &TermWeights::default(), q)
    }

    #[test]
    fn split_names_are_joined_and_run_together_names_split() {
        let idx = index();
        let yugang = idx.term("yugang").unwrap();
        let q = read_default("hou yu gang");
        assert!(
            q.terms.iter().any(|t| t.alternatives == [(yugang, 1.0)]),
            "{q:?}"
        );
        assert!(!q.terms.iter().any(|t| t.alternatives.is_empty()), "{q:?}");
        let q = read_default("wanggang");
        assert_eq!(q.terms.len(), 1);
        assert_eq!(q.terms[0].alternatives.len(), 2);
    }

    #[test]
    fn frame_words_are_not_missing_content() {
        let q = read_default("Hou Yugang, exact wording please");
        assert_eq!(q.content, 2, "{q:?}");
        assert!(q.unknown() == 0.0, "{q:?}");
        // A known frame word counts a little.
        let q = read_default("article about");
        assert_eq!((q.content, q.terms.len()), (0, 1));
    }

    #[test]
    fn chat_sentences_lose_their_unknown_words() {
        let q = read_default("I love my old fridge. Who is Hou Yugang?");
        assert_eq!(q.unknown(), 0.0, "{q:?}");
        assert!(q.chat_share > 0.3);
        let q = read_default("I love my old fridge and who is Hou Yugang");
        assert!(q.unknown() > 0.0);
    }

    #[test]
    fn common_words_are_not_typos() {
        // "gang" is one edit from "hang", a common word: that stays unknown.
        let q = read_default("hang");
        assert!(q.terms[0].alternatives.is_empty());
        let q = read_default("yugnag");
        assert!(!q.terms[0].alternatives.is_empty());
    }

    #[test]
    fn sentences_keep_decimals_and_abbreviations() {
        let s = sentences("It rose 25.1 percent. Dr. Li said so; why?");
        assert_eq!(
            s,
            [
                ("It rose 25.1 percent.", false),
                ("Dr. Li said so;", false),
                ("why?", true)
            ]
        );
    }
}
