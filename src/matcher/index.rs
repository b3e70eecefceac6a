//! The index a [`Matcher`](super::Matcher) searches: interned terms with their precomputed idf, an inverted
//! index from terms to documents, each document's terms in one flat arena, and a deletion index over the
//! vocabulary for typo tolerance.
//!
//! Typos are found SymSpell-style: every vocabulary word is stored under the variants made by deleting up to
//! [`max_edits`] characters, so a misspelt question word is looked up by its own deletion variants and the few
//! candidates are verified with the optimal-string-alignment distance. Nothing scans the whole vocabulary.
//! Variants are not stored as strings: each is a 32-bit hash packed with the word's id into one `u64` of a
//! sorted vector (a hash collision only adds a candidate that the distance check then rejects).
//!
//! Memory: a document costs one [`DocTerms`] (20 bytes) plus four bytes per distinct term and per phrasing
//! term in the shared arena, and four bytes per posting.

use std::collections::HashMap;

use super::DocumentText;
pub use super::deletions::max_edits;
use super::deletions::{deletion_hashes, sort_keys};
use super::lexicon::{Lexicon, TYPE_TERMS};
use super::normalize::{fold_into, for_each_word, stem};
use super::wordmap::WordMap;

/// An interned term (a stem).
pub type TermId = u32;

/// Set on a term of [`Index::all`] that also occurs in the document's context (quote, speaker).
const CONTEXT_BIT: u32 = 1 << 31;

/// Where one document's terms are in the index's arena.
#[derive(Debug, Clone, Copy, Default)]
pub struct DocTerms {
    /// Start of the document's sorted, deduplicated terms (phrasings and context).
    all_start: u32,
    /// Number of those terms.
    all_len: u32,
    /// Number of phrasings.
    phrasing_count: u32,
    /// Start of the phrasings' terms; phrasing `p` runs from `bounds[p]` to `bounds[p + 1]` of
    /// `phrasing_bounds[phrasing_start..]`.
    phrasing_start: u32,
    /// Whether the context holds a number.
    pub has_number: bool,
    /// Whether the context holds a date or year.
    pub has_date: bool,
    /// Whether the document names a person.
    pub person: bool,
    /// Which passage it answers with: documents with the same passage give the same answer.
    pub passage: u32,
    /// Whose words it quotes ([`NO_SPEAKER`] for no one's).
    pub speaker: u32,
    /// Which source it comes from (0 for documents that name none).
    pub source: u32,
}

/// Interned vocabulary, postings and typo index.
#[derive(Debug, Default)]
pub struct Index {
    term_ids: HashMap<Box<str>, TermId>,
    /// Document frequency of each term.
    pub doc_freq: Vec<u32>,
    /// Inverse document frequency of each term, `ln(1 + n / df)`.
    pub idf: Vec<f64>,
    /// Whether each term is a frame word (see [`lexicon`](super::lexicon)).
    pub frame: Vec<bool>,
    /// The documents holding each term, in ascending order: term `t`'s run is
    /// `posting_docs[posting_starts[t]..posting_starts[t + 1]]` (see [`Index::postings`]).
    posting_docs: Vec<u32>,
    posting_starts: Vec<u32>,
    /// Surface words (folded, unstemmed) and the term each stems to.
    surfaces: Vec<(Box<str>, TermId)>,
    /// Indices into `surfaces`, in the order of the words (for words that begin alike).
    sorted_surfaces: Vec<u32>,
    /// `(variant hash << 32) | surface id`, sorted.
    deletions: Vec<u64>,
    /// Per-document places in the arena.
    pub docs: Vec<DocTerms>,
    /// Every document's terms, then every phrasing's terms.
    arena: Vec<TermId>,
    /// Phrasing boundaries into `arena` (each document's run ends with its last phrasing's end).
    phrasing_bounds: Vec<u32>,
    /// Each source's documents, `first..end`, when every source's documents are consecutive (as knowledge
    /// files give them); else empty, and [`Index::in_source`] reads the documents' sources.
    source_ranges: Vec<(u32, u32)>,
    /// Number of sources.
    sources: usize,
}

/// The speaker of a document that quotes no one.
pub const NO_SPEAKER: u32 = u32::MAX;

/// The surface id that marks a stop word in [`Builder::surface_ids`].
const STOP: u32 = u32::MAX;

/// State used only while building.
#[derive(Default)]
struct Builder {
    /// Surface word -> its id in `Index::surfaces`, or [`STOP`].
    surface_ids: WordMap,
    deletions: Vec<u64>,
    /// Passage keys seen so far -> passage id.
    passages: HashMap<u64, u32>,
    /// Speaker keys seen so far -> speaker id.
    speakers: HashMap<u64, u32>,
    /// Source keys seen so far -> source id.
    sources: HashMap<u64, u32>,
}

impl Index {
    /// Builds the index of `documents`.
    ///
    /// ```
    /// use verbatim::matcher::{Document, index::Index};
    /// let doc = Document { phrasings: vec!["coal mines".into()], context: vec!["Jan 2023".into()], ..Default::default() };
    /// let index = Index::build(&[doc], &Default::default());
    /// let coal = index.term("coal").unwrap();
    /// assert_eq!(index.postings(coal), [0]);
    /// assert_eq!(index.phrasings(0).next().unwrap(), [coal, index.term("mine").unwrap()]);
    /// ```
    pub fn build<D: DocumentText>(
        documents: impl IntoIterator<Item = D>,
        lexicon: &Lexicon,
    ) -> Index {
        let mut index = Index::default();
        let mut builder = Builder::default();
        let mut scratch: Vec<TermId> = Vec::new();
        let mut folded = String::new();
        for doc in documents {
            let next = builder.passages.len() as u32;
            let passage = match doc.passage() {
                Some(key) => *builder.passages.entry(key).or_insert(next),
                None => {
                    // A document of its own: a key no other document can have.
                    builder.passages.insert(u64::MAX - u64::from(next), next);
                    next
                }
            };
            let next_speaker = builder.speakers.len() as u32;
            let speaker = doc.speaker().map_or(NO_SPEAKER, |key| {
                *builder.speakers.entry(key).or_insert(next_speaker)
            });
            let next_source = builder.sources.len() as u32;
            let source = doc
                .source()
                .map_or(0, |key| *builder.sources.entry(key).or_insert(next_source));
            let mut terms = DocTerms {
                person: doc.person(),
                passage,
                speaker,
                source,
                ..DocTerms::default()
            };
            // Context terms first, flagged, then the phrasings' terms; sorted and deduplicated below.
            scratch.clear();
            for context in doc.context() {
                fold_into(&mut folded, context);
                terms.has_number |= context.bytes().any(|c| c.is_ascii_digit());
                let mut kinds = Kinds::default();
                for_each_word(&folded, usize::MAX, |w| {
                    kinds.word(w);
                    scratch.extend(
                        index
                            .add_word(&mut builder, lexicon, w)
                            .map(|t| t | CONTEXT_BIT),
                    );
                });
                terms.has_number |= kinds.number;
                terms.has_date |= kinds.date;
            }
            // The kinds of thing the document holds, as terms a type word of a question can match.
            for (kind, holds) in
                TYPE_TERMS
                    .iter()
                    .zip([terms.has_date, terms.has_number, terms.person])
            {
                if holds {
                    scratch.push(index.intern(kind.to_string()) | CONTEXT_BIT);
                }
            }
            let phrasings_at = index.arena.len();
            terms.phrasing_start = index.phrasing_bounds.len() as u32;
            for phrasing in doc.phrasings() {
                index.phrasing_bounds.push(index.arena.len() as u32);
                let start = index.arena.len();
                fold_into(&mut folded, phrasing);
                for_each_word(&folded, usize::MAX, |w| {
                    if let Some(id) = index.add_word(&mut builder, lexicon, w)
                        && !index.arena[start..].contains(&id)
                    {
                        index.arena.push(id);
                    }
                });
            }
            index.phrasing_bounds.push(index.arena.len() as u32);
            terms.phrasing_count = doc.phrasings().len() as u32;
            scratch.extend_from_slice(&index.arena[phrasings_at..]);
            // Sort by term, context-flagged copies first (one `u32` key: the term, then 0 for the flagged copy),
            // and keep one copy of each.
            scratch.sort_unstable_by_key(|&t| {
                ((t & !CONTEXT_BIT) << 1) | u32::from(t & CONTEXT_BIT == 0)
            });
            scratch.dedup_by_key(|t| *t & !CONTEXT_BIT);
            terms.all_start = index.arena.len() as u32;
            terms.all_len = scratch.len() as u32;
            index
                .arena
                .extend_from_slice(&scratch[..terms.all_len as usize]);
            for &t in &scratch {
                index.doc_freq[(t & !CONTEXT_BIT) as usize] += 1;
            }
            index.docs.push(terms);
        }
        index.fill_postings();
        index.sources = builder.sources.len().max(1);
        index.source_ranges = source_ranges(&index.docs, index.sources);
        let n = index.docs.len() as f64;
        index.idf = index
            .doc_freq
            .iter()
            .map(|&df| (1.0 + n / df.max(1) as f64).ln())
            .collect();
        sort_keys(&mut builder.deletions);
        builder.deletions.dedup();
        index.deletions = builder.deletions;
        let mut sorted: Vec<u32> = (0..index.surfaces.len() as u32).collect();
        sorted.sort_unstable_by(|&a, &b| {
            index.surfaces[a as usize]
                .0
                .cmp(&index.surfaces[b as usize].0)
        });
        index.sorted_surfaces = sorted;
        index.arena.shrink_to_fit();
        index
    }

    /// Lays out the postings of every term from the documents' terms in the arena, in one vector (a counting
    /// sort by term: term `t`'s run has `doc_freq[t]` places, filled in document order).
    fn fill_postings(&mut self) {
        let mut starts = Vec::with_capacity(self.doc_freq.len() + 1);
        let mut total = 0u32;
        starts.push(0);
        for &df in &self.doc_freq {
            total += df;
            starts.push(total);
        }
        let mut next = starts.clone();
        let mut docs = vec![0u32; total as usize];
        for d in 0..self.docs.len() {
            for &t in self.all(d) {
                let slot = &mut next[(t & !CONTEXT_BIT) as usize];
                docs[*slot as usize] = d as u32;
                *slot += 1;
            }
        }
        self.posting_docs = docs;
        self.posting_starts = starts;
    }

    /// Number of sources the documents come from (1 when none names one).
    pub fn sources(&self) -> usize {
        self.sources
    }

    /// Whether a document of source `source` holds term `t`.
    ///
    /// ```
    /// use verbatim::matcher::index::Index;
    /// use verbatim::matcher::{Document, DocumentText};
    /// struct Doc(Vec<String>, u64);
    /// impl DocumentText for Doc {
    ///     fn phrasings(&self) -> &[String] { &self.0 }
    ///     fn context(&self) -> impl Iterator<Item = &str> { std::iter::empty() }
    ///     fn person(&self) -> bool { false }
    ///     fn source(&self) -> Option<u64> { Some(self.1) }
    /// }
    /// let index = Index::build([Doc(vec!["coal output".into()], 7), Doc(vec!["coal mines".into()], 9)], &Default::default());
    /// let (coal, output) = (index.term("coal").unwrap(), index.term("output").unwrap());
    /// assert_eq!(index.sources(), 2);
    /// assert!(index.in_source(coal, 0) && index.in_source(coal, 1));
    /// assert!(index.in_source(output, 0) && !index.in_source(output, 1));
    /// ```
    pub fn in_source(&self, t: TermId, source: u32) -> bool {
        let postings = self.postings(t);
        match self.source_ranges.get(source as usize) {
            Some(&(first, end)) => {
                let at = postings.partition_point(|&d| d < first);
                postings.get(at).is_some_and(|&d| d < end)
            }
            None => postings
                .iter()
                .any(|&d| self.docs[d as usize].source == source),
        }
    }

    /// The documents holding term `t`, in ascending order.
    pub fn postings(&self, t: TermId) -> &[u32] {
        let t = t as usize;
        &self.posting_docs[self.posting_starts[t] as usize..self.posting_starts[t + 1] as usize]
    }

    /// The term of a folded word, interning it if new; `None` for a stop word.
    fn add_word(&mut self, builder: &mut Builder, lexicon: &Lexicon, word: &str) -> Option<TermId> {
        let vacant = match builder.surface_ids.find(word) {
            Ok(s) => return (s != STOP).then(|| self.surfaces[s as usize].1),
            Err(vacant) => vacant,
        };
        if lexicon.is_stop(word) {
            builder.surface_ids.insert(vacant, word, STOP);
            return None;
        }
        let term = self.intern(stem(word));
        if lexicon.is_frame(word) {
            self.frame[term as usize] = true;
        }
        let surface_id = self.surfaces.len() as u32;
        let chars: Vec<char> = word.chars().collect();
        for hash in deletion_hashes(&chars, max_edits(chars.len())) {
            builder
                .deletions
                .push((u64::from(hash) << 32) | u64::from(surface_id));
        }
        builder.surface_ids.insert(vacant, word, surface_id);
        self.surfaces.push((word.into(), term));
        Some(term)
    }

    fn intern(&mut self, term: String) -> TermId {
        if let Some(&id) = self.term_ids.get(term.as_str()) {
            return id;
        }
        let id = self.doc_freq.len() as TermId;
        self.term_ids.insert(term.into(), id);
        self.doc_freq.push(0);
        self.frame.push(false);
        id
    }

    /// The id of a stemmed term, if the vocabulary has it.
    pub fn term(&self, stemmed: &str) -> Option<TermId> {
        self.term_ids.get(stemmed).copied()
    }

    /// The weight of term `t` in a phrasing: its idf, times `frame` for a frame word.
    pub fn phrasing_weight(&self, t: TermId, frame: f64) -> f64 {
        let idf = self.idf[t as usize];
        if self.frame[t as usize] {
            idf * frame
        } else {
            idf
        }
    }

    /// Number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.doc_freq.len()
    }

    /// Whether document `doc` holds term `t` anywhere.
    pub fn holds(&self, doc: usize, t: TermId) -> bool {
        self.all(doc)
            .binary_search_by_key(&t, |&x| x & !CONTEXT_BIT)
            .is_ok()
    }

    /// Whether term `t` occurs in document `doc`'s context (quote, speaker).
    pub fn in_context(&self, doc: usize, t: TermId) -> bool {
        let all = self.all(doc);
        all.binary_search_by_key(&t, |&x| x & !CONTEXT_BIT)
            .is_ok_and(|i| all[i] & CONTEXT_BIT != 0)
    }

    fn all(&self, doc: usize) -> &[TermId] {
        let d = &self.docs[doc];
        &self.arena[d.all_start as usize..d.all_start as usize + d.all_len as usize]
    }

    /// The terms of each phrasing of document `doc`, deduplicated, in order.
    pub fn phrasings(&self, doc: usize) -> impl Iterator<Item = &[TermId]> {
        let d = &self.docs[doc];
        let bounds = &self.phrasing_bounds
            [d.phrasing_start as usize..=d.phrasing_start as usize + d.phrasing_count as usize];
        bounds
            .windows(2)
            .map(|w| &self.arena[w[0] as usize..w[1] as usize])
    }

    /// A vocabulary word that the folded word `word` is another form of ("delivery" of "delivered", "greener"
    /// of "green"): the one sharing the longest beginning, of at least 5 letters, when neither word goes on for
    /// more than 3 letters after it; the similarity is the shared share of the longer word.
    ///
    /// ```
    /// use verbatim::matcher::{Document, index::Index};
    /// let doc = Document { phrasings: vec!["delivered green boats".into()], ..Default::default() };
    /// let index = Index::build(&[doc], &Default::default());
    /// assert_eq!(index.related("delivery").map(|r| r.0), index.term("deliv"));
    /// assert_eq!(index.related("greener").map(|r| r.0), index.term("green"));
    /// assert_eq!(index.related("boat"), None); // too short to tell
    /// ```
    pub fn related(&self, word: &str) -> Option<(TermId, f64)> {
        let len = word.chars().count();
        if len < 5 {
            return None;
        }
        let at = self
            .sorted_surfaces
            .partition_point(|&s| &*self.surfaces[s as usize].0 < word);
        let lo = at.saturating_sub(8);
        let hi = (at + 8).min(self.sorted_surfaces.len());
        let mut best: Option<(usize, TermId, f64)> = None;
        for &s in &self.sorted_surfaces[lo..hi] {
            let (surface, term) = &self.surfaces[s as usize];
            let common = word
                .chars()
                .zip(surface.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let other = surface.chars().count();
            // Endings of at most three letters ("-ed", "-er", "-ies"), not another word ("produce", "production").
            let close = len - common <= 3 && other - common <= 3;
            if common >= 5 && close && best.is_none_or(|b| common > b.0) {
                best = Some((common, *term, common as f64 / len.max(other) as f64));
            }
        }
        best.map(|(_, term, similarity)| (term, similarity))
    }

    /// Vocabulary terms that the folded word `word` may be a typo of, with the edit distance, closest first
    /// (ties: the more frequent term first). Exact spellings are not returned.
    pub fn typo_candidates(&self, word: &str) -> Vec<(TermId, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let limit = max_edits(chars.len());
        if limit == 0 {
            return Vec::new();
        }
        let mut hashes = deletion_hashes(&chars, limit);
        hashes.sort_unstable();
        hashes.dedup();
        let mut found: Vec<(TermId, usize)> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        for hash in hashes {
            let key = u64::from(hash) << 32;
            let start = self.deletions.partition_point(|&d| d < key);
            for &entry in self.deletions[start..]
                .iter()
                .take_while(|&&d| d >> 32 == u64::from(hash))
            {
                let s = entry as u32;
                if seen.contains(&s) {
                    continue;
                }
                seen.push(s);
                let (surface, term) = &self.surfaces[s as usize];
                let allowed = limit.min(max_edits(surface.chars().count()));
                let distance = strsim::osa_distance(word, surface);
                if distance > 0
                    && distance <= allowed
                    && !found.iter().any(|&(t, d)| t == *term && d <= distance)
                {
                    found.retain(|&(t, _)| t != *term);
                    found.push((*term, distance));
                }
            }
        }
        found.sort_by_key(|&(t, d)| (d, std::cmp::Reverse(self.doc_freq[t as usize]), t));
        found
    }
}

/// What kinds of thing a text holds, read a word at a time: a number (a numeral, or a number word such as
/// "twelve"), a date (a year from 1900 to 2099, a month name next to a number, a weekday, or a time relative
/// to the report: "last year", "next summer", "yesterday").
#[derive(Debug, Default)]
struct Kinds {
    number: bool,
    date: bool,
    after_month: bool,
    after_numeral: bool,
    after_relative: bool,
}

impl Kinds {
    fn word(&mut self, w: &str) {
        let numeral = !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
        let month = crate::text::MONTHS.contains(&w);
        let number_word = matches!(
            w,
            "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "eleven"
                | "twelve"
                | "fifteen"
                | "twenty"
                | "thirty"
                | "forty"
                | "fifty"
                | "hundred"
                | "thousand"
                | "million"
                | "billion"
                | "trillion"
                | "dozen"
        );
        let period = matches!(
            w,
            "year" | "month" | "week" | "summer" | "winter" | "spring" | "autumn" | "quarter"
        );
        let day = matches!(
            w,
            "monday"
                | "tuesday"
                | "wednesday"
                | "thursday"
                | "friday"
                | "saturday"
                | "sunday"
                | "yesterday"
                | "today"
                | "tomorrow"
        );
        let year = numeral && w.len() == 4 && (w.starts_with("19") || w.starts_with("20"));
        self.number |= numeral || number_word;
        self.date |= year
            || day
            || (month && self.after_numeral)
            || (numeral && self.after_month)
            || (period && self.after_relative);
        self.after_month = month;
        self.after_numeral = numeral;
        self.after_relative = matches!(w, "last" | "next" | "this" | "past" | "early" | "late");
    }
}

/// Each source's documents as `first..end`, when every source's documents are consecutive; else none.
fn source_ranges(docs: &[DocTerms], sources: usize) -> Vec<(u32, u32)> {
    let mut ranges: Vec<Option<(u32, u32)>> = vec![None; sources];
    for (d, doc) in docs.iter().enumerate() {
        let d = d as u32;
        match &mut ranges[doc.source as usize] {
            Some((_, end)) if *end == d => *end = d + 1,
            Some(_) => return Vec::new(),
            slot @ None => *slot = Some((d, d + 1)),
        }
    }
    ranges.into_iter().map(|r| r.unwrap_or((0, 0))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matcher::Document;

    fn doc(phrasings: &[&str], context: &[&str]) -> Document {
        Document {
            phrasings: phrasings.iter().map(|s| s.to_string()).collect(),
            context: context.iter().map(|s| s.to_string()).collect(),
            person: false,
            passage: None,
            speaker: None,
        }
    }

    #[test]
    fn typos_find_their_word() {
        let index = Index::build(
            &[doc(&["development of Wang pollution"], &[])],
            &Lexicon::english(),
        );
        for (typo, word) in [
            ("developmnet", "develop"),
            ("wnag", "wang"),
            ("polution", "pollut"),
        ] {
            let found = index.typo_candidates(typo);
            assert_eq!(found.first().map(|c| c.0), index.term(word), "{typo}");
        }
        assert!(index.typo_candidates("xyz").is_empty());
        assert!(
            index.typo_candidates("development").is_empty(),
            "an exact spelling is not a typo"
        );
    }

    #[test]
    fn kinds_find_numbers_and_dates() {
        let kinds = |text: &str| {
            let mut k = Kinds::default();
            for_each_word(text, usize::MAX, |w| k.word(w));
            (k.number, k.date)
        };
        assert_eq!(kinds("jan 28, 2023"), (true, true));
        assert_eq!(kinds("twelve minutes at each end"), (true, false));
        assert_eq!(kinds("delivered next summer"), (false, true));
        assert_eq!(kinds("increased by 25.1 percent last year"), (false, true));
        assert_eq!(kinds("opened on thursday"), (false, true));
        assert_eq!(kinds("the green energy industry chain"), (false, false));
    }

    #[test]
    fn postings_and_dates() {
        let index = Index::build(
            &[
                doc(&["coal"], &["Jan 28, 2023"]),
                doc(&["coal mine"], &["no number"]),
            ],
            &Lexicon::english(),
        );
        let coal = index.term("coal").unwrap();
        assert_eq!(index.postings(coal), [0, 1]);
        assert!(index.docs[0].has_date && index.docs[0].has_number);
        assert!(!index.docs[1].has_date && !index.docs[1].has_number);
    }

    #[test]
    fn arena_keeps_phrasings_all_terms_and_context_flags() {
        let index = Index::build(
            &[
                doc(&["coal mine", "mine safety mine"], &["the coal price"]),
                doc(&["solar"], &["solar farms"]),
            ],
            &Lexicon::english(),
        );
        let t = |w: &str| index.term(w).unwrap();
        let phrasings: Vec<&[TermId]> = index.phrasings(0).collect();
        assert_eq!(
            phrasings,
            [&[t("coal"), t("mine")][..], &[t("mine"), t("safeti")][..]]
        );
        assert_eq!(index.phrasings(1).collect::<Vec<_>>(), [&[t("solar")][..]]);
        for w in ["coal", "mine", "safeti", "price"] {
            assert!(index.holds(0, t(w)), "{w}");
        }
        assert!(!index.holds(0, t("solar")) && index.holds(1, t("farm")));
        assert!(index.in_context(0, t("coal")) && index.in_context(0, t("price")));
        assert!(!index.in_context(0, t("mine")) && !index.in_context(0, t("safeti")));
        assert_eq!(index.doc_freq[t("coal") as usize], 1);
        assert!((index.idf[t("coal") as usize] - 3f64.ln()).abs() < 1e-12);
    }
}
