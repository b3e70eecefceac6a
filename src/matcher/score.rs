//! Scoring a question's terms against documents.
//!
//! Each query term has a weight (its inverse document frequency; an unknown term weighs more than the rarest
//! known one) and one or more alternatives (the term itself, synonyms or typo corrections, each with a
//! similarity in (0, 1]). Against a document two figures are computed:
//! - **coverage**: the weighted share of the question's terms that the document contains anywhere;
//! - **phrasing fit**: the best F1, over the document's phrasings, of the weighted share of the question found
//!   in the phrasing and of the phrasing found in the question.
//!
//! - **distinctiveness**: the weighted share of the question found in the document's quote or speaker through
//!   terms that at most [`DISTINCTIVE_DOCS`] documents hold ("zibo" asks for the one passage naming Zibo even
//!   though no phrasing says it); it stands in for the phrasing fit, at [`DISTINCTIVE_FIT`], when higher.
//!
//! The score is `COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * fit`, times [`INTENT_PENALTY`] when the
//! question asks "when", "how many" or "who" and the document holds no date, number or person. Which
//! documents get scored at all is decided by [`rank`](super::rank), from [`upper_bound`].

use super::index::{Index, TermId};
use super::normalize::Intent;

/// Similarity credited to a synonym of a knowledge word.
pub const SYNONYM_SIMILARITY: f64 = 0.85;
/// Share of the score that comes from coverage (the rest from phrasing fit).
pub const COVERAGE_WEIGHT: f64 = 0.6;
/// How much more than the rarest known term an unknown question word weighs.
pub const UNKNOWN_WEIGHT: f64 = 1.5;
/// A term found in at most this many documents is distinctive: a question made of distinctive terms that a
/// document's quote or speaker holds is specific even when no phrasing fits it.
pub const DISTINCTIVE_DOCS: u32 = 2;

/// The phrasing fit credited to a question whose terms are all distinctive terms of the document's context.
pub const DISTINCTIVE_FIT: f64 = 0.8;
/// Factor for a document that cannot answer the question's intent (no date for "when", ...).
pub const INTENT_PENALTY: f64 = 0.7;

/// One content term of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryTerm {
    /// What it may match, with similarity in (0, 1]. Empty for a word the knowledge does not know.
    pub alternatives: Vec<(TermId, f64)>,
    /// How much it counts.
    pub weight: f64,
}

/// A document's score for a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The document.
    pub doc: usize,
    /// Its best-fitting phrasing.
    pub phrasing: usize,
    /// The score, in [0, 1].
    pub score: f64,
    /// The weighted share of the question the document holds anywhere.
    pub coverage: f64,
    /// The phrasing fit (or the distinctive fit, when higher).
    pub fit: f64,
    /// Whether the document can answer the question's intent (a date for "when", ...).
    pub intent_met: bool,
}

/// Similarity credited to a typo correction at `distance` edits of a word of `len` characters.
///
/// ```
/// use verbatim::matcher::score::typo_similarity;
/// assert!((typo_similarity(1, 10.0) - 0.9).abs() < 1e-9);
/// assert!((typo_similarity(1, 4.0) - 0.75).abs() < 1e-9);
/// ```
pub fn typo_similarity(distance: usize, len: f64) -> f64 {
    (1.0 - distance as f64 / len).max(0.5)
}

/// The weight of a query term with these alternatives: the idf of its best alternative, or for an unknown
/// word more than any known word weighs.
pub fn weight(index: &Index, alternatives: &[(TermId, f64)]) -> f64 {
    match alternatives.first() {
        Some(&(t, _)) => index.idf[t as usize],
        None => UNKNOWN_WEIGHT * (1.0 + index.docs.len() as f64).ln(),
    }
}

/// The highest score a document can reach when it holds a share `coverage` of the question's weight: the
/// phrasing fit is at most `2c / (1 + c)` (its precision is at most the coverage, its recall at most 1) and
/// the distinctive fit is at most `DISTINCTIVE_FIT * c`, which is lower. The intent penalty only lowers it.
///
/// ```
/// use verbatim::matcher::score::upper_bound;
/// assert!((upper_bound(1.0) - 1.0).abs() < 1e-9);
/// assert!(upper_bound(0.5) < upper_bound(0.6));
/// assert_eq!(upper_bound(0.0), 0.0);
/// ```
pub fn upper_bound(coverage: f64) -> f64 {
    let c = coverage.clamp(0.0, 1.0);
    COVERAGE_WEIGHT * c + (1.0 - COVERAGE_WEIGHT) * (2.0 * c / (1.0 + c))
}

/// How well `terms` (sorted or not) hold query term `q`: the best similarity of its alternatives in them.
fn held(q: &QueryTerm, contains: impl Fn(TermId) -> bool) -> f64 {
    q.alternatives
        .iter()
        .filter(|&&(t, _)| contains(t))
        .map(|&(_, s)| s)
        .fold(0.0, f64::max)
}

/// The score of document `doc` for the question `query` (whose weights sum to `total`); a frame word of a
/// phrasing weighs `frame` times its idf there.
pub fn score_doc(
    index: &Index,
    query: &[QueryTerm],
    total: f64,
    doc: usize,
    intent: Intent,
    frame: f64,
) -> Scored {
    let terms = &index.docs[doc];
    let covered: f64 = query
        .iter()
        .map(|q| q.weight * held(q, |t| index.holds(doc, t)))
        .sum();
    let coverage = covered / total;
    let (mut fit, mut phrasing) = (0.0, 0);
    for (p, phrasing_terms) in index.phrasings(doc).enumerate() {
        let found: f64 = query
            .iter()
            .map(|q| q.weight * held(q, |t| phrasing_terms.contains(&t)))
            .sum();
        let precision = found / total;
        let own: f64 = phrasing_terms
            .iter()
            .map(|&t| index.phrasing_weight(t, frame))
            .sum();
        let recalled: f64 = phrasing_terms
            .iter()
            .map(|&t| {
                let best = query
                    .iter()
                    .map(|q| held(q, |x| x == t))
                    .fold(0.0, f64::max);
                index.phrasing_weight(t, frame) * best
            })
            .sum();
        let recall = if own > 0.0 { recalled / own } else { 0.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if f1 > fit {
            (fit, phrasing) = (f1, p);
        }
    }
    let distinctive: f64 = query
        .iter()
        .map(|q| {
            let held = held(q, |t| {
                index.doc_freq[t as usize] <= DISTINCTIVE_DOCS && index.in_context(doc, t)
            });
            q.weight * held
        })
        .sum::<f64>()
        / total;
    let fit = fit.max(DISTINCTIVE_FIT * distinctive);
    let mut score = COVERAGE_WEIGHT * coverage + (1.0 - COVERAGE_WEIGHT) * fit;
    let satisfied = match intent {
        Intent::Any => true,
        Intent::Time => terms.has_date,
        Intent::Quantity => terms.has_number,
        Intent::Person => terms.person,
    };
    if !satisfied {
        score *= INTENT_PENALTY;
    }
    Scored {
        doc,
        phrasing,
        score: score.clamp(0.0, 1.0),
        coverage,
        fit,
        intent_met: satisfied,
    }
}
