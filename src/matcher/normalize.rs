//! Text normalization: folding, tokenizing, stemming and question intent.
//!
//! Everything the matcher compares is folded and split the same way: Unicode compatibility decomposition with
//! the combining marks dropped (so "Zürich" and "Zurich" meet), lower case, words split at anything that is not
//! a letter or digit (hyphenated words become their parts; "25.1" stays one number; "%" becomes "percent"),
//! possessive "'s" dropped; function words are dropped (the word lists are data, in [`lexicon`](super::lexicon))
//! and the rest stemmed with the Snowball English stemmer so that plurals and verb forms meet ("increased",
//! "increases" -> "increas").

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

mod split;
pub use super::lexicon::{is_content_word, is_frame_word, is_stop_word};
pub use split::{fold, fold_into, for_each_word, words};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

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

/// The content terms of a text: folded, split, function and frame words dropped, stemmed.
///
/// ```
/// let t = verbatim::matcher::normalize::terms("What did Hou say about reducing pollution, exactly?");
/// assert_eq!(t, ["hou", "reduc", "pollut"]);
/// ```
pub fn terms(text: &str) -> Vec<String> {
    words(&fold(text), usize::MAX)
        .iter()
        .filter(|w| is_content_word(w))
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
}
