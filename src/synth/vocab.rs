//! A vocabulary of pronounceable invented words, ranked for a Zipf-like distribution.
//!
//! Words are built from syllables (onset, vowel, optional coda). Every word has its own stem under the
//! matcher's stemmer, is not a stop word and has no synonym-table entry, so that two generated words never
//! meet by accident. Shorter words get the more frequent ranks, as in natural languages.

use std::collections::HashSet;

use super::rng::Rng;
use crate::matcher::Lexicon;
use crate::matcher::normalize::{is_content_word, stem};

const ONSETS: &[&str] = &[
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "tr", "st",
    "pl", "kr", "gl", "sh", "ch", "th", "h", "j", "w", "fl", "gr", "sk",
];
const VOWELS: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou", "ea", "io", "y"];
const CODAS: &[&str] = &[
    "", "", "", "", "n", "r", "l", "s", "m", "k", "t", "nd", "st", "x",
];

/// The words of a synthetic language.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Content words, most frequent first.
    pub words: Vec<String>,
    /// Words that never occur in the knowledge (for out-of-scope questions).
    pub reserved: Vec<String>,
    /// Name words (capitalized), for speakers and organisations.
    pub names: Vec<String>,
}

/// One pronounceable word of `syllables` syllables.
fn word(rng: &mut Rng, syllables: usize) -> String {
    let mut w = String::new();
    for _ in 0..syllables {
        for part in [ONSETS, VOWELS, CODAS] {
            let piece: &&str = rng.pick(part);
            w.push_str(piece);
        }
    }
    w
}

/// Capitalizes the first letter.
///
/// ```
/// assert_eq!(verbatim::synth::vocab::capitalize("zubo"), "Zubo");
/// ```
pub fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Generates `size` content words, `reserved` out-of-scope words and `names` name words, all distinct (and
/// with distinct stems).
///
/// ```
/// use verbatim::synth::{rng::Rng, vocab::vocabulary};
/// let v = vocabulary(&mut Rng::new(1), 500, 50, 20);
/// assert_eq!((v.words.len(), v.reserved.len(), v.names.len()), (500, 50, 20));
/// ```
pub fn vocabulary(rng: &mut Rng, size: usize, reserved: usize, names: usize) -> Vocabulary {
    let mut stems = HashSet::new();
    let mut fresh = |rng: &mut Rng, syllables: usize| loop {
        let w = word(rng, syllables);
        if w.len() < 4 || !is_content_word(&w) || !Lexicon::english().synonyms(&w).is_empty() {
            continue;
        }
        if stems.insert(stem(&w)) {
            return w;
        }
    };
    let mut ranked: Vec<(f64, String)> = (0..size)
        .map(|_| {
            let syllables = *rng.pick(&[2, 2, 3, 3, 3, 4]);
            let w = fresh(rng, syllables);
            (w.len() as f64 + 4.0 * rng.unit(), w)
        })
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let words = ranked.into_iter().map(|(_, w)| w).collect();
    let reserved = (0..reserved).map(|_| fresh(rng, 3)).collect();
    let names = (0..names).map(|_| capitalize(&fresh(rng, 2))).collect();
    Vocabulary {
        words,
        reserved,
        names,
    }
}
