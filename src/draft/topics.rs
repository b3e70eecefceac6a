//! Key terms of a passage: runs of content words ("tractor assembly workshop", "pollution") ranked by how
//! rare their words are in the report, so that a phrasing names what sets a passage apart.

use std::collections::{HashMap, HashSet};

use crate::matcher::normalize::{fold, is_stop_word, stem, words};

/// Function words that the matcher's stop list keeps but that never make a topic.
const WEAK: &[&str] = &[
    "well", "only", "not", "which", "while", "because", "however", "such", "last", "greater",
    "make", "makes", "making", "made", "take", "taking", "way", "continue", "new", "next", "long",
    "per", "cent", "year", "years",
];

/// Whether a folded word carries no topic: a stop word, a weak word, or an adverb in "-ly".
fn is_weak(word: &str) -> bool {
    is_stop_word(word) || WEAK.contains(&word) || is_adverb(word)
}

/// An adverb in "-ly" ("rapidly", "unswervingly"), but not "assembly", "supply" or "family".
pub(crate) fn is_adverb(word: &str) -> bool {
    let Some(stem) = word.strip_suffix("ly") else {
        return false;
    };
    stem.len() >= 4
        && !stem.ends_with(['b', 'p'])
        && !matches!(word, "family" | "reply" | "rally" | "italy" | "july")
}

/// How often each term occurs across the units of a report, for ranking.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    df: HashMap<String, usize>,
    n: usize,
}

impl Vocabulary {
    /// Counts the terms of each text once.
    ///
    /// ```
    /// use verbatim::draft::topics::Vocabulary;
    /// let v = Vocabulary::new(["coal and steel", "coal mines", "tea"]);
    /// assert!(v.idf("tea") > v.idf("coal"));
    /// ```
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for text in texts {
            vocabulary.n += 1;
            let terms: HashSet<String> = content_words(text).iter().map(|w| stem(w)).collect();
            for term in terms {
                *vocabulary.df.entry(term).or_default() += 1;
            }
        }
        vocabulary
    }

    /// Inverse document frequency of a folded word (its stem), 0 for a word in every text.
    pub fn idf(&self, word: &str) -> f64 {
        let df = self.df.get(&stem(&fold(word))).copied().unwrap_or(0).max(1);
        ((self.n.max(1) as f64 + 1.0) / df as f64).ln()
    }
}

/// The folded words of `text` that are neither stop words nor weak words.
fn content_words(text: &str) -> Vec<String> {
    words(&fold(text), usize::MAX)
        .into_iter()
        .filter(|w| !is_weak(w))
        .collect()
}

/// Runs of content words in `text`, as written, broken at punctuation, stop words and `exclude` words
/// (a speaker's name), each at most `max_len` words, best first (ranked by the summed rarity of their words).
///
/// ```
/// use verbatim::draft::topics::{topics, Vocabulary};
/// let v = Vocabulary::new(["workers at a tractor assembly workshop", "Shandong coal", "Shandong steel"]);
/// let found = topics("Workers at a tractor assembly workshop in Shandong.", &v, &[], 3);
/// assert_eq!(found[0], "tractor assembly workshop");
/// ```
pub fn topics(
    text: &str,
    vocabulary: &Vocabulary,
    exclude: &[String],
    max_len: usize,
) -> Vec<String> {
    let mut runs: Vec<Vec<&str>> = vec![Vec::new()];
    let mut after_to = false;
    for raw in text.split_whitespace() {
        let bare = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let folded = fold(bare);
        let ws = words(&folded, usize::MAX);
        let content = !bare.is_empty()
            && ws.iter().any(|w| !is_weak(w))
            && !exclude.iter().any(|e| e.eq_ignore_ascii_case(bare));
        // A verb after "to" ("to reduce pollution") starts no topic.
        let verb_after_to = after_to && runs.last().is_some_and(Vec::is_empty);
        after_to = folded == "to" || folded == "can" || folded == "should" || folded == "will";
        if content && !verb_after_to {
            runs.last_mut().unwrap().push(bare);
        } else if !runs.last().unwrap().is_empty() {
            runs.push(Vec::new());
        }
        let ends = raw.ends_with(|c: char| !c.is_alphanumeric())
            || raw.starts_with(|c: char| !c.is_alphanumeric());
        if ends && !runs.last().unwrap().is_empty() {
            runs.push(Vec::new());
        }
    }
    let score = |run: &[&str]| run.iter().map(|w| vocabulary.idf(w)).sum::<f64>();
    let mut best: Vec<(f64, String)> = Vec::new();
    for run in runs.iter_mut() {
        // A trailing past form ends a clause, not a noun phrase ("capacity increased").
        if run.len() > 1 && run.last().is_some_and(|w| w.ends_with("ed")) {
            run.pop();
        }
    }
    for run in runs.iter().filter(|r| !r.is_empty()) {
        let len = run.len().min(max_len);
        // The head of an English noun phrase comes last: keep the run's last words.
        let window = &run[run.len() - len..];
        let text = window.join(" ");
        if !best.iter().any(|(_, t)| t.eq_ignore_ascii_case(&text)) {
            best.push((score(window), text));
        }
    }
    best.sort_by(|a, b| b.0.total_cmp(&a.0));
    best.into_iter().map(|(_, t)| t).collect()
}

/// The `n` rarest content words of `text`, in text order, lower case: a keyword phrasing.
///
/// ```
/// use verbatim::draft::topics::{keywords, Vocabulary};
/// let v = Vocabulary::new(["coal and steel", "coal mines", "tea"]);
/// assert_eq!(keywords("coal mines and tea", &v, &[], 2), "mines tea");
/// ```
pub fn keywords(text: &str, vocabulary: &Vocabulary, exclude: &[String], n: usize) -> String {
    let mut seen = HashSet::new();
    let all: Vec<String> = content_words(text)
        .into_iter()
        .filter(|w| !exclude.iter().any(|e| e.eq_ignore_ascii_case(w)) && seen.insert(stem(w)))
        .collect();
    let mut ranked: Vec<(usize, &String)> = all.iter().enumerate().collect();
    ranked.sort_by(|a, b| {
        vocabulary
            .idf(b.1)
            .total_cmp(&vocabulary.idf(a.1))
            .then(a.0.cmp(&b.0))
    });
    let mut chosen: Vec<(usize, &String)> = ranked.into_iter().take(n).collect();
    chosen.sort_by_key(|c| c.0);
    chosen
        .into_iter()
        .map(|(_, w)| w.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
