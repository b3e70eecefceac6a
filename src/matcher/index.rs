//! The index a [`Matcher`](super::Matcher) searches: interned terms, an inverted index from terms to documents,
//! and a deletion index over the vocabulary for typo tolerance.
//!
//! Typos are found SymSpell-style: every vocabulary word is stored under the variants made by deleting up to
//! [`max_edits`] characters, so a misspelt question word is looked up by its own deletion variants and the few
//! candidates are verified with the optimal-string-alignment distance. Nothing scans the whole vocabulary.

use std::collections::HashMap;

use super::normalize::{fold, is_stop_word, stem, words};
use super::Document;

/// An interned term (a stem).
pub type TermId = u32;

/// The most characters a question word of this length may differ by and still count as a typo of a
/// vocabulary word.
///
/// ```
/// use verbatim::matcher::index::max_edits;
/// assert_eq!((max_edits(3), max_edits(4), max_edits(8)), (0, 1, 2));
/// ```
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The indexed terms of one document.
#[derive(Debug, Clone, Default)]
pub struct DocTerms {
    /// The terms of each phrasing, deduplicated, in order.
    pub phrasings: Vec<Vec<TermId>>,
    /// Every term of the document (phrasings and context), sorted and deduplicated.
    pub all: Vec<TermId>,
    /// Whether the context holds a number.
    pub has_number: bool,
    /// Whether the context holds a date or year.
    pub has_date: bool,
    /// Whether the document names a person.
    pub person: bool,
    /// The terms of the context (not the phrasings), sorted and deduplicated.
    pub context: Vec<TermId>,
}

/// Interned vocabulary, postings and typo index.
#[derive(Debug, Default)]
pub struct Index {
    term_ids: HashMap<String, TermId>,
    /// Document frequency of each term.
    pub doc_freq: Vec<u32>,
    /// The documents holding each term, in ascending order.
    pub postings: Vec<Vec<u32>>,
    /// Surface words (folded, unstemmed) and the term each stems to.
    surfaces: Vec<(String, TermId)>,
    surface_ids: HashMap<String, u32>,
    /// Deletion variant -> surface word ids.
    deletions: HashMap<String, Vec<u32>>,
    /// Per-document terms.
    pub docs: Vec<DocTerms>,
}

impl Index {
    /// Builds the index of `documents`.
    pub fn build(documents: &[Document]) -> Index {
        let mut index = Index::default();
        for (doc_id, doc) in documents.iter().enumerate() {
            let mut terms = DocTerms::default();
            for phrasing in &doc.phrasings {
                let mut ids = Vec::new();
                for id in index.add_text(phrasing) {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                terms.all.extend(&ids);
                terms.phrasings.push(ids);
            }
            terms.person = doc.person;
            for context in &doc.context {
                let ids = index.add_text(context);
                terms.context.extend(&ids);
                terms.all.extend(ids);
                terms.has_number |= context.chars().any(|c| c.is_ascii_digit());
                terms.has_date |= has_date(context);
            }
            terms.all.sort_unstable();
            terms.all.dedup();
            terms.context.sort_unstable();
            terms.context.dedup();
            for &t in &terms.all {
                index.doc_freq[t as usize] += 1;
                index.postings[t as usize].push(doc_id as u32);
            }
            index.docs.push(terms);
        }
        index
    }

    fn add_text(&mut self, text: &str) -> Vec<TermId> {
        words(&fold(text), usize::MAX).into_iter().filter(|w| !is_stop_word(w)).map(|w| self.add_word(w)).collect()
    }

    fn add_word(&mut self, word: String) -> TermId {
        if let Some(&s) = self.surface_ids.get(&word) {
            return self.surfaces[s as usize].1;
        }
        let term = self.intern(stem(&word));
        let surface_id = self.surfaces.len() as u32;
        for variant in deletion_variants(&word, max_edits(word.chars().count())) {
            self.deletions.entry(variant).or_default().push(surface_id);
        }
        self.surface_ids.insert(word.clone(), surface_id);
        self.surfaces.push((word, term));
        term
    }

    fn intern(&mut self, term: String) -> TermId {
        if let Some(&id) = self.term_ids.get(&term) {
            return id;
        }
        let id = self.doc_freq.len() as TermId;
        self.term_ids.insert(term, id);
        self.doc_freq.push(0);
        self.postings.push(Vec::new());
        id
    }

    /// The id of a stemmed term, if the vocabulary has it.
    pub fn term(&self, stemmed: &str) -> Option<TermId> {
        self.term_ids.get(stemmed).copied()
    }

    /// Number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.doc_freq.len()
    }

    /// Vocabulary terms that the folded word `word` may be a typo of, with the edit distance, closest first
    /// (ties: the more frequent term first). Exact spellings are not returned.
    pub fn typo_candidates(&self, word: &str) -> Vec<(TermId, usize)> {
        let len = word.chars().count();
        let limit = max_edits(len);
        if limit == 0 {
            return Vec::new();
        }
        let mut found: Vec<(TermId, usize)> = Vec::new();
        for variant in deletion_variants(word, limit) {
            for &s in self.deletions.get(&variant).into_iter().flatten() {
                let (surface, term) = &self.surfaces[s as usize];
                let allowed = limit.min(max_edits(surface.chars().count()));
                let distance = strsim::osa_distance(word, surface);
                if distance > 0 && distance <= allowed && !found.iter().any(|&(t, d)| t == *term && d <= distance) {
                    found.retain(|&(t, _)| t != *term);
                    found.push((*term, distance));
                }
            }
        }
        found.sort_by_key(|&(t, d)| (d, std::cmp::Reverse(self.doc_freq[t as usize]), t));
        found
    }
}

/// The word itself and every variant made by deleting up to `edits` characters.
fn deletion_variants(word: &str, edits: usize) -> Vec<String> {
    let mut all = vec![word.to_string()];
    let mut frontier = vec![word.to_string()];
    for _ in 0..edits {
        let mut next = Vec::new();
        for w in &frontier {
            let chars: Vec<char> = w.chars().collect();
            if chars.len() <= 1 {
                continue;
            }
            for i in 0..chars.len() {
                let v: String = chars.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, c)| c).collect();
                if !all.contains(&v) {
                    all.push(v.clone());
                    next.push(v);
                }
            }
        }
        frontier = next;
    }
    all
}

/// Whether a text holds a date: a four-digit year from 1900 to 2099, or a month name next to a number.
fn has_date(text: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
        "february", "march", "april", "june", "july", "august", "september", "october", "november", "december",
    ];
    let ws = words(&fold(text), usize::MAX);
    let numeric = |w: &String| w.chars().all(|c| c.is_ascii_digit());
    ws.iter().any(|w| w.len() == 4 && numeric(w) && (w.starts_with("19") || w.starts_with("20")))
        || ws.windows(2).any(|p| {
            (MONTHS.contains(&p[0].as_str()) && numeric(&p[1])) || (numeric(&p[0]) && MONTHS.contains(&p[1].as_str()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(phrasings: &[&str], context: &[&str]) -> Document {
        Document {
            phrasings: phrasings.iter().map(|s| s.to_string()).collect(),
            context: context.iter().map(|s| s.to_string()).collect(),
            person: false,
        }
    }

    #[test]
    fn typos_find_their_word() {
        let index = Index::build(&[doc(&["development of Wang pollution"], &[])]);
        for (typo, word) in [("developmnet", "develop"), ("wnag", "wang"), ("polution", "pollut")] {
            let found = index.typo_candidates(typo);
            assert_eq!(found.first().map(|c| c.0), index.term(word), "{typo}");
        }
        assert!(index.typo_candidates("xyz").is_empty());
    }

    #[test]
    fn postings_and_dates() {
        let index = Index::build(&[doc(&["coal"], &["Jan 28, 2023"]), doc(&["coal mine"], &["no number"])]);
        let coal = index.term("coal").unwrap();
        assert_eq!(index.postings[coal as usize], [0, 1]);
        assert!(index.docs[0].has_date && index.docs[0].has_number);
        assert!(!index.docs[1].has_date && !index.docs[1].has_number);
    }
}
