//! What the matcher knows of English before it reads any knowledge: function words, frame words, everyday
//! synonyms and word frequencies. All of it is data, in the files beside this module (compiled in):
//!
//! - `stop-words.txt`: function words, never matched (the Snowball English list);
//! - `frame-words.txt`: how people ask a quoting bot ("exact wording", "the article", "please", "summary"),
//!   which is not what they ask about: such a word the knowledge lacks is not missing content, and one it holds
//!   counts only a little;
//! - `synonyms.txt`: everyday words for the words reports use ("boss" for chairman), tried only for a question
//!   word the knowledge lacks;
//! - `fact-words.txt`: words that name a fact about someone or something ("revenue", "age", "founded"): one
//!   the knowledge lacks is a sign the question asks for a fact it does not hold;
//! - `type-words.txt`: words that ask for a kind of answer ("date", "figure", "photographer"): each also matches
//!   any passage holding a date, a number or a person ([`TYPE_TERMS`]);
//! - `english-frequency.txt`: how common each English word is (Zipf scale, from wordfreq), so that a missing
//!   word can be weighed by how much it says.
//!
//! A [`Lexicon`] is that English base plus the synonyms a knowledge base brings for its own words
//! (`[[synonyms]]` in a knowledge file): the matcher holds no word of one report.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// The English base, read once from the data files.
struct English {
    stop: HashSet<&'static str>,
    frame: HashSet<&'static str>,
    polite: HashSet<&'static str>,
    request: HashSet<&'static str>,
    synonyms: HashMap<&'static str, Vec<&'static str>>,
    facts: HashSet<&'static str>,
    types: HashMap<&'static str, &'static str>,
    zipf: HashMap<&'static str, f64>,
}

/// Lines of a data file without comments and blank lines.
fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

static ENGLISH: LazyLock<English> = LazyLock::new(|| {
    let words = |text: &'static str| -> HashSet<&'static str> {
        data_lines(text).flat_map(str::split_whitespace).collect()
    };
    let synonyms = data_lines(include_str!("lexicon/synonyms.txt"))
        .filter_map(|line| line.split_once(':'))
        .map(|(asked, meant)| (asked.trim(), meant.split_whitespace().collect()))
        .collect();
    let mut zipf = HashMap::new();
    for line in data_lines(include_str!("lexicon/english-frequency.txt")) {
        let mut fields = line.split_whitespace();
        let value: f64 = fields.next().and_then(|z| z.parse().ok()).unwrap_or(0.0);
        for word in fields {
            zipf.entry(word).or_insert(value);
        }
    }
    // frame-words.txt: "[request]", "[politeness]" and "[frame]" lines switch between the kinds of frame word.
    let (mut frame, mut polite, mut request) = (HashSet::new(), HashSet::new(), HashSet::new());
    let mut section = "[frame]";
    for line in data_lines(include_str!("lexicon/frame-words.txt")) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        for w in line.split_whitespace() {
            frame.insert(w);
            match section {
                "[politeness]" => polite.insert(w),
                "[request]" => request.insert(w),
                _ => false,
            };
        }
    }
    English {
        stop: words(include_str!("lexicon/stop-words.txt")),
        frame,
        polite,
        request,
        facts: words(include_str!("lexicon/fact-words.txt")),
        types: data_lines(include_str!("lexicon/type-words.txt"))
            .filter_map(|line| line.split_once(':'))
            .flat_map(|(kind, ws)| ws.split_whitespace().map(move |w| (w, kind.trim())))
            .collect(),
        synonyms,
        zipf,
    }
});

/// The English base plus a knowledge base's own synonyms. Cheap to clone when it has none.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// Synonyms the knowledge brings: a folded word people type -> the folded words it stands for.
    own: HashMap<String, Vec<String>>,
    /// Match words literally: no frame words, no synonyms, and only these stop words (for small sets of
    /// everyday phrasings, such as greetings, where the function words are the content).
    literal: Option<Vec<String>>,
}

impl Lexicon {
    /// The English base alone.
    pub fn english() -> Lexicon {
        Lexicon::default()
    }

    /// Every word is content but `ignored`: no frame words, no synonyms.
    ///
    /// ```
    /// use verbatim::matcher::lexicon::Lexicon;
    /// let literal = Lexicon::literal(["please"]);
    /// assert!(Lexicon::english().is_stop("what") && !literal.is_stop("what") && literal.is_stop("please"));
    /// ```
    pub fn literal<S: Into<String>>(ignored: impl IntoIterator<Item = S>) -> Lexicon {
        Lexicon {
            literal: Some(ignored.into_iter().map(Into::into).collect()),
            ..Lexicon::default()
        }
    }

    /// Adds a knowledge base's synonym: `asked` (a word people type) stands for each of `meant`.
    ///
    /// ```
    /// use verbatim::matcher::lexicon::Lexicon;
    /// let mut lexicon = Lexicon::english();
    /// lexicon.add_synonym("npc", ["national", "people", "congress"]);
    /// assert_eq!(lexicon.synonyms("npc"), ["national", "people", "congress"]);
    /// assert_eq!(lexicon.synonyms("boss")[0], "chairman");
    /// ```
    pub fn add_synonym<S: Into<String>>(
        &mut self,
        asked: &str,
        meant: impl IntoIterator<Item = S>,
    ) {
        let list = self.own.entry(asked.to_string()).or_default();
        for m in meant {
            let m = m.into();
            if !list.contains(&m) {
                list.push(m);
            }
        }
    }

    /// Whether words are matched literally (see [`Lexicon::literal`]).
    pub fn is_literal(&self) -> bool {
        self.literal.is_some()
    }

    /// Whether a folded word is a function word (never matched).
    pub fn is_stop(&self, word: &str) -> bool {
        match &self.literal {
            Some(ignored) => ignored.iter().any(|w| w == word),
            None => is_stop_word(word),
        }
    }

    /// Whether a folded word is a frame word (see the [module documentation](self)).
    pub fn is_frame(&self, word: &str) -> bool {
        self.literal.is_none() && is_frame_word(word)
    }

    /// Whether a folded word only greets, thanks or fills ("thanks", "hi", "please"): a frame word that does not
    /// make a sentence a request.
    pub fn is_polite(&self, word: &str) -> bool {
        self.literal.is_none() && ENGLISH.polite.contains(word)
    }

    /// Whether a folded word makes a sentence that starts with it a request ("list", "quote", "tell").
    pub fn is_request(&self, word: &str) -> bool {
        self.literal.is_none() && ENGLISH.request.contains(word)
    }

    /// The words a folded question word may stand for: the knowledge's own synonyms, then the English ones.
    pub fn synonyms(&self, word: &str) -> Vec<&str> {
        if self.literal.is_some() {
            return Vec::new();
        }
        let own = self.own.get(word).into_iter().flatten().map(String::as_str);
        let english = ENGLISH.synonyms.get(word).into_iter().flatten().copied();
        let mut all: Vec<&str> = Vec::new();
        for w in own.chain(english) {
            if !all.contains(&w) {
                all.push(w);
            }
        }
        all
    }

    /// The kind of answer a folded word asks for, as the index term of that kind (see [`TYPE_TERMS`]).
    ///
    /// ```
    /// use verbatim::matcher::lexicon::Lexicon;
    /// assert_eq!(Lexicon::english().type_term("date"), Some("\u{1}date"));
    /// assert_eq!(Lexicon::english().type_term("coal"), None);
    /// ```
    pub fn type_term(&self, word: &str) -> Option<&'static str> {
        if self.literal.is_some() {
            return None;
        }
        let kind = *ENGLISH.types.get(word)?;
        TYPE_TERMS.iter().find(|t| &t[1..] == kind).copied()
    }

    /// The knowledge's own synonyms, as added.
    pub fn own_synonyms(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.own.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// The index terms that stand for a kind of thing a passage holds: a date, a number, a person. They start with
/// a control character, so no word of a text can be one.
pub const TYPE_TERMS: [&str; 3] = ["\u{1}date", "\u{1}number", "\u{1}person"];

/// Whether a folded word is a function word of English (see `stop-words.txt`).
///
/// ```
/// assert!(verbatim::matcher::lexicon::is_stop_word("about"));
/// assert!(!verbatim::matcher::lexicon::is_stop_word("pollution"));
/// ```
pub fn is_stop_word(word: &str) -> bool {
    ENGLISH.stop.contains(word)
}

/// Whether a folded word is a frame word (see `frame-words.txt`).
///
/// ```
/// use verbatim::matcher::lexicon::is_frame_word;
/// assert!(is_frame_word("verbatim") && is_frame_word("article") && !is_frame_word("revenue"));
/// ```
pub fn is_frame_word(word: &str) -> bool {
    ENGLISH.frame.contains(word) && !ENGLISH.stop.contains(word)
}

/// Every function word (see `stop-words.txt`).
pub fn stop_words() -> impl Iterator<Item = &'static str> {
    ENGLISH.stop.iter().copied()
}

/// Every frame word (see `frame-words.txt`).
pub fn frame_words() -> impl Iterator<Item = &'static str> {
    ENGLISH.frame.iter().copied()
}

/// Whether a folded word names a fact about someone or something (see `fact-words.txt`).
///
/// ```
/// use verbatim::matcher::lexicon::is_fact_word;
/// assert!(is_fact_word("revenue") && is_fact_word("founded") && !is_fact_word("pollution"));
/// ```
pub fn is_fact_word(word: &str) -> bool {
    ENGLISH.facts.contains(word)
}

/// Whether a folded word carries content: neither a function word nor a frame word.
pub fn is_content_word(word: &str) -> bool {
    !ENGLISH.stop.contains(word) && !ENGLISH.frame.contains(word)
}

/// How common a folded word is in English, on the Zipf scale (log10 per billion words: "the" 7.7, "revenue"
/// 4.6, "verbatim" 3.1); 0 for a word rarer than 3.0 or not a dictionary word (names, typos).
///
/// ```
/// use verbatim::matcher::lexicon::zipf;
/// assert!(zipf("the") > 7.0 && zipf("revenue") > 4.0 && zipf("revenue") < 5.0);
/// assert_eq!(zipf("zibo"), 0.0);
/// ```
pub fn zipf(word: &str) -> f64 {
    ENGLISH.zipf.get(word).copied().unwrap_or(0.0)
}

/// How much a word says, from 0 (as common as "the") to 1 (rare, or not in the dictionary): `(7 - zipf) / 4`,
/// clamped.
///
/// ```
/// use verbatim::matcher::lexicon::informativeness;
/// assert_eq!(informativeness("zibo"), 1.0);
/// assert!(informativeness("revenue") > informativeness("please"));
/// ```
pub fn informativeness(word: &str) -> f64 {
    let z = zipf(word);
    if z == 0.0 {
        1.0
    } else {
        ((7.0 - z) / 4.0).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_read_and_agree() {
        assert!(ENGLISH.stop.len() > 150, "{}", ENGLISH.stop.len());
        assert!(ENGLISH.frame.len() > 200, "{}", ENGLISH.frame.len());
        assert!(ENGLISH.zipf.len() > 20_000, "{}", ENGLISH.zipf.len());
        assert!(ENGLISH.synonyms.len() > 50);
        assert!(ENGLISH.facts.len() > 100);
        for kind in ENGLISH.types.values() {
            assert!(TYPE_TERMS.iter().any(|t| &t[1..] == *kind), "{kind}");
        }
        for word in &ENGLISH.facts {
            assert!(
                is_content_word(word),
                "fact word {word} is a stop or frame word"
            );
        }
        // A synonym is only tried for a word the knowledge lacks; one for a function word would never be.
        for asked in ENGLISH.synonyms.keys() {
            assert!(!is_stop_word(asked), "{asked} is a stop word");
        }
        for word in ENGLISH
            .stop
            .iter()
            .chain(&ENGLISH.frame)
            .chain(&ENGLISH.facts)
        {
            assert_eq!(*word, word.to_lowercase(), "data words are folded");
            assert!(word.chars().all(|c| c.is_ascii_alphanumeric()), "{word}");
        }
    }

    #[test]
    fn frequencies_order_words() {
        assert!(zipf("the") > zipf("coal") && zipf("coal") > zipf("verbatim"));
        assert!((informativeness("the") - 0.0).abs() < 1e-9);
    }

    #[test]
    fn own_synonyms_come_first_and_literal_has_none() {
        let mut lexicon = Lexicon::english();
        lexicon.add_synonym("boss", ["owner"]);
        assert_eq!(lexicon.synonyms("boss")[0], "owner");
        assert!(lexicon.synonyms("boss").contains(&"chairman"));
        let literal = Lexicon::literal(Vec::<String>::new());
        assert!(literal.synonyms("boss").is_empty());
        assert!(!literal.is_frame("article"));
    }
}
