//! Text normalization: folding, tokenizing, stop words, stemming, synonyms and question intent.
//!
//! Everything the matcher compares goes through [`terms`]: Unicode compatibility decomposition with the
//! combining marks dropped (so "Zürich" and "Zurich" meet), lower case, words split at anything that is not a
//! letter or digit (hyphenated words become their parts; "25.1" stays one number; "%" becomes "percent"),
//! possessive "'s" dropped, stop words dropped, and the rest stemmed with the Snowball English stemmer so that
//! plurals and verb forms meet ("increased", "increases" -> "increas").

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

mod split;
pub use split::{fold, fold_into, for_each_word, words};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Words that carry no content in a question. Besides the usual function words, this holds the frame of a
/// question to a quoting bot ("what did X *say about* ...", "*tell me* ..."), which is why it is curated here
/// rather than taken from a general-purpose list. Question words ("who", "when", ...) are dropped as terms but
/// read separately as the question's [`Intent`].
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "accord",
    "according",
    "across",
    "actually",
    "after",
    "again",
    "all",
    "also",
    "always",
    "am",
    "an",
    "and",
    "any",
    "anybody",
    "anyone",
    "anything",
    "are",
    "around",
    "article",
    "articles",
    "as",
    "ask",
    "at",
    "basically",
    "be",
    "been",
    "being",
    "bit",
    "both",
    "but",
    "by",
    "can",
    "could",
    "curious",
    "currently",
    "detail",
    "details",
    "did",
    "do",
    "doc",
    "document",
    "does",
    "doing",
    "done",
    "dont",
    "each",
    "either",
    "else",
    "ever",
    "every",
    "everyone",
    "exactly",
    "explain",
    "find",
    "for",
    "from",
    "get",
    "gets",
    "getting",
    "give",
    "go",
    "got",
    "guess",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hello",
    "help",
    "helped",
    "helping",
    "helps",
    "her",
    "here",
    "hers",
    "hey",
    "hi",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "info",
    "information",
    "interested",
    "into",
    "is",
    "it",
    "its",
    "just",
    "kind",
    "know",
    "let",
    "like",
    "look",
    "lot",
    "lots",
    "may",
    "maybe",
    "me",
    "mention",
    "mentioned",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "need",
    "needed",
    "needs",
    "news",
    "no",
    "of",
    "ok",
    "okay",
    "on",
    "one",
    "or",
    "other",
    "our",
    "out",
    "over",
    "piece",
    "please",
    "pls",
    "plz",
    "quote",
    "really",
    "regarding",
    "report",
    "reports",
    "s",
    "said",
    "say",
    "saying",
    "says",
    "shall",
    "she",
    "should",
    "show",
    "showing",
    "shown",
    "shows",
    "so",
    "some",
    "somebody",
    "someone",
    "something",
    "sort",
    "specifically",
    "stories",
    "story",
    "talk",
    "talked",
    "talking",
    "talks",
    "tell",
    "text",
    "than",
    "thank",
    "thanks",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "thinking",
    "thinks",
    "this",
    "those",
    "thought",
    "thx",
    "to",
    "together",
    "told",
    "too",
    "up",
    "us",
    "very",
    "wanna",
    "want",
    "wants",
    "was",
    "way",
    "ways",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "wonder",
    "wondering",
    "would",
    "yes",
    "you",
    "your",
];

/// Words a person may use for a word of the knowledge, tried only when the question's word is not in the
/// knowledge's vocabulary at all. Each row is `(asked, meant)`; both sides are plain words (stemmed on use).
const SYNONYMS: &[(&str, &[&str])] = &[
    ("boss", &["chairman"]),
    ("yr", &["year"]),
    ("yrs", &["year"]),
    ("burn", &["consuming"]),
    ("burns", &["consuming"]),
    ("burned", &["consuming"]),
    ("burning", &["consuming"]),
    ("use", &["consumption"]),
    ("uses", &["consumption"]),
    ("percent", &["percentage"]),
    ("head", &["chairman"]),
    ("heads", &["chairman"]),
    ("lead", &["chairman"]),
    ("leads", &["chairman"]),
    ("leader", &["chairman"]),
    ("runs", &["chairman"]),
    ("run", &["chairman"]),
    ("chair", &["chairman"]),
    ("chairs", &["chairman"]),
    ("chief", &["chairman", "ceo"]),
    ("president", &["chairman"]),
    ("cut", &["reduce"]),
    ("cutting", &["reduce"]),
    ("lower", &["reduce"]),
    ("lowering", &["reduce"]),
    ("decrease", &["reduce"]),
    ("curb", &["reduce"]),
    ("grow", &["increase"]),
    ("grew", &["increase"]),
    ("growth", &["increase"]),
    ("rise", &["increase"]),
    ("rose", &["increase"]),
    ("jump", &["increase"]),
    ("renewables", &["renewable"]),
    ("firm", &["group"]),
    ("company", &["group"]),
    ("corporation", &["group"]),
    ("enterprise", &["group"]),
    ("picture", &["photo"]),
    ("image", &["photo"]),
    ("pic", &["photo"]),
    ("photograph", &["photo"]),
    ("lawmaker", &["deputy", "legislator"]),
    ("lawmakers", &["deputy", "legislator"]),
    ("delegate", &["deputy"]),
    ("delegates", &["deputy"]),
    ("npc", &["national", "people", "congress"]),
    ("ai", &["artificial", "intelligence"]),
    ("published", &["updated"]),
    ("publish", &["updated"]),
    ("posted", &["updated"]),
    ("released", &["updated"]),
    ("written", &["updated"]),
    ("emissions", &["carbon"]),
    ("co2", &["carbon"]),
    ("percentage", &["percent"]),
    ("pct", &["percent"]),
    ("factory", &["manufacturing"]),
    ("factories", &["manufacturing"]),
    ("pursue", &["advance"]),
    ("pursuing", &["advance"]),
    ("push", &["advance"]),
    ("pushing", &["advance"]),
    ("economic", &["economy"]),
    ("target", &["goal"]),
    ("targets", &["goal"]),
    ("aim", &["goal"]),
    ("aims", &["goal"]),
    ("recommend", &["suggest"]),
    ("recommended", &["suggest"]),
    ("recommendation", &["suggest"]),
    ("recommendations", &["suggest"]),
    ("advise", &["suggest"]),
    ("advised", &["suggest"]),
    ("advice", &["suggest"]),
    ("provincial", &["province"]),
    ("hasten", &["accelerate"]),
];

/// Month names and their abbreviations, folded: what makes "Jan 28" a date (and "Jan." no sentence end).
pub const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Abbreviations after which a full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr",
    "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "co", "inc", "ltd", "gov", "sen", "rep",
    "gen", "lt", "col", "jr", "sr",
];

/// Whether the word just before a full stop (the end of `before`) is an abbreviation or an initial, so that
/// the stop does not end a sentence. Shared by `verbatim check` and `verbatim draft`.
///
/// ```
/// use verbatim::matcher::normalize::is_abbreviation;
/// assert!(is_abbreviation("on Jan") && is_abbreviation("said Dr") && is_abbreviation("by J"));
/// assert!(!is_abbreviation("in 2023") && !is_abbreviation("the province"));
/// ```
pub fn is_abbreviation(before: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(0, |(j, c)| j + c.len_utf8());
    let word = &before[word_start..];
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// What kind of answer a question asks for, as far as its question words tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Intent {
    /// Anything ("what", "who", "why", or no question word).
    #[default]
    Any,
    /// A time or date ("when", "what year", "what date").
    Time,
    /// A quantity ("how much", "how many", "how old", "what percent").
    Quantity,
    /// A person ("who").
    Person,
}

/// Whether a folded word is a stop word.
///
/// ```
/// assert!(verbatim::matcher::normalize::is_stop_word("about"));
/// assert!(!verbatim::matcher::normalize::is_stop_word("pollution"));
/// ```
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// The stem of a folded word (Snowball English).
///
/// ```
/// use verbatim::matcher::normalize::stem;
/// assert_eq!(stem("increased"), stem("increases"));
/// assert_eq!(stem("provinces"), stem("province"));
/// ```
pub fn stem(word: &str) -> String {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    STEMMER.stem(word).into_owned()
}

/// The words a folded question word may stand for, if it has synonyms in the table.
///
/// ```
/// assert_eq!(verbatim::matcher::normalize::synonyms("boss"), ["chairman"]);
/// assert!(verbatim::matcher::normalize::synonyms("pollution").is_empty());
/// ```
pub fn synonyms(word: &str) -> &'static [&'static str] {
    SYNONYMS
        .iter()
        .find(|(asked, _)| *asked == word)
        .map_or(&[], |(_, meant)| meant)
}

/// The intent of a question, from its folded words.
///
/// ```
/// use verbatim::matcher::normalize::{intent, Intent};
/// assert_eq!(intent(&["when".into(), "did".into()]), Intent::Time);
/// assert_eq!(intent(&["how".into(), "many".into(), "cars".into()]), Intent::Quantity);
/// assert_eq!(intent(&["who".into(), "is".into()]), Intent::Person);
/// assert_eq!(intent(&["what".into(), "is".into()]), Intent::Any);
/// ```
pub fn intent(words: &[String]) -> Intent {
    let pairs = words.iter().zip(words.iter().skip(1));
    for (a, b) in pairs {
        match (a.as_str(), b.as_str()) {
            (
                "how",
                "much" | "many" | "old" | "long" | "big" | "large" | "tall" | "far" | "often"
                | "fast",
            )
            | ("what", "percent" | "percentage" | "share" | "number") => {
                return Intent::Quantity;
            }
            ("what" | "which", "year" | "date" | "day" | "time" | "month") => return Intent::Time,
            _ => {}
        }
    }
    let opening = || words.iter().take(3);
    if opening().any(|w| w == "when") {
        Intent::Time
    } else if opening().any(|w| w == "who" || w == "whom") {
        Intent::Person
    } else {
        Intent::Any
    }
}

/// The content terms of a text: folded, split, stop words dropped, stemmed.
///
/// ```
/// let t = verbatim::matcher::normalize::terms("What did Hou say about reducing pollution?");
/// assert_eq!(t, ["hou", "reduc", "pollut"]);
/// ```
pub fn terms(text: &str) -> Vec<String> {
    words(&fold(text), usize::MAX)
        .iter()
        .filter(|w| !is_stop_word(w))
        .map(|w| stem(w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abbreviation_after_a_multibyte_separator() {
        // Found by the knowledge_parser fuzz target: a two-byte non-alphanumeric character before the word.
        assert!(is_abbreviation("by \u{606}J"));
        assert!(is_abbreviation("\u{606}Jan"));
        assert!(!is_abbreviation("\u{2014}province"));
        assert!(!is_abbreviation("\u{606}"));
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(
            STOP_WORDS.windows(2).all(|w| w[0] < w[1]),
            "STOP_WORDS must stay sorted and unique"
        );
    }
}
