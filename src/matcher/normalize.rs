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
