//! Finding the best documents for a question without scoring every document that shares a word with it.
//!
//! A document's score is bounded by its *coverage* (the weighted share of the question it holds; see
//! [`upper_bound`]), and coverage is a sum over query terms that the postings give cheaply. So, MaxScore-style:
//! 1. query terms are taken rarest first; their postings add each document's partial coverage into a dense
//!    per-thread scratch (no allocation per question), while the postings read stay within [`POSTINGS_BUDGET`]
//!    (the first term is always read);
//! 2. touched documents are scored fully in order of partial coverage, in batches, until the bound of the
//!    next one (its partial coverage plus the weight of every term not yet read) cannot change the result;
//! 3. the common terms not yet read are read only if a document holding nothing but them could still change
//!    the result; usually the best score found is already out of their reach.
//!
//! What "change the result" means is a [`Want`]: the exact best document, and the exact top `k` of those at
//! or above a floor. Below the floor (a question that nothing answers), after [`EXACT_BELOW_FLOOR`] documents
//! have been scored, the best score is the best among those, the most covering ones; and at most
//! [`MAX_SCORED`] documents are scored per question. Neither limit is reached with fewer documents than that.
//!
//! A caller that needs the exact top `k` only in some cases passes a [`Settled`] test as well: before each
//! document is scored, it is told the best documents so far and the highest score any document not among them
//! could still reach, and when it says the result is settled (the matcher's: "the best is final and the decision
//! would answer with it, whatever the others score") ranking stops there, and [`Ranking::settled_below`] keeps
//! that bound.

use std::cell::RefCell;

use super::index::Index;
use super::normalize::Intent;
use super::score::{QueryTerm, Scored, score_doc, upper_bound};

/// Postings read before the first documents are scored (beyond the first term's).
pub const POSTINGS_BUDGET: usize = 4_096;
/// Documents scored per batch, the most covering first.
const BATCH: usize = 32;
/// Below the floor, scoring stops after this many documents.
pub const EXACT_BELOW_FLOOR: usize = 64;
/// At most this many documents are scored for one question.
pub const MAX_SCORED: usize = 1_024;
/// Added to bounds against rounding.
const EPSILON: f64 = 1e-9;

/// Which results must be exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Want {
    /// How many of the best results to return.
    pub k: usize,
    /// Results below this score matter only as the best score (see the module documentation).
    pub floor: f64,
    /// When the best score reaches this, only the best document matters.
    pub decisive: f64,
}

impl Want {
    /// The `k` best, all exact.
    pub fn top(k: usize) -> Want {
        Want {
            k,
            floor: f64::NEG_INFINITY,
            decisive: f64::INFINITY,
        }
    }
}

/// Whether the best documents so far (best first) settle the result, given that no document outside them scores
/// as high as the second argument.
pub type Settled<'a> = &'a dyn Fn(&[Scored], f64) -> bool;

/// The best documents for a question, and how far they are exact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranking {
    /// The best documents, best first (ties by document order).
    pub top: Vec<Scored>,
    /// When a [`Settled`] test stopped the ranking: no document outside `top` scores as high as this, and
    /// `top` past its first is only what had been scored by then.
    pub settled_below: Option<f64>,
}

/// Per-thread scratch, as large as the largest index searched on the thread.
#[derive(Default)]
struct Scratch {
    /// Partial coverage (weight held) per document.
    acc: Vec<f64>,
    /// The question stamp of the last question that touched the document.
    touched_at: Vec<u32>,
    /// The term stamp of the last query term credited to the document.
    term_at: Vec<u32>,
    /// The question stamp of the last question that scored the document.
    scored_at: Vec<u32>,
    touched: Vec<u32>,
    question: u32,
    term: u32,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Scratch {
    fn begin(&mut self, docs: usize) {
        if self.acc.len() < docs || self.question == u32::MAX || self.term > u32::MAX - 64 {
            *self = Scratch {
                acc: vec![0.0; docs.max(self.acc.len())],
                ..Scratch::default()
            };
            self.touched_at = vec![0; self.acc.len()];
            self.term_at = vec![0; self.acc.len()];
            self.scored_at = vec![0; self.acc.len()];
        }
        self.question += 1;
        self.touched.clear();
    }

    /// Credits every document holding query term `q` with its weight times the best similarity it holds.
    fn absorb(&mut self, index: &Index, q: &QueryTerm) -> usize {
        self.term += 1;
        let mut alternatives = q.alternatives.clone();
        alternatives.sort_by(|a, b| b.1.total_cmp(&a.1));
        let mut read = 0;
        for (t, similarity) in alternatives {
            let postings = index.postings(t);
            read += postings.len();
            for &d in postings {
                let d = d as usize;
                if self.term_at[d] == self.term {
                    continue;
                }
                self.term_at[d] = self.term;
                if self.touched_at[d] != self.question {
                    self.touched_at[d] = self.question;
                    self.acc[d] = 0.0;
                    self.touched.push(d as u32);
                }
                self.acc[d] += q.weight * similarity;
            }
        }
        read
    }
}

/// The score a document must be able to reach to change the result `top` (sorted best first).
fn threshold(top: &[Scored], want: Want, scored: usize) -> f64 {
    let Some(best) = top.first().map(|s| s.score) else {
        return f64::NEG_INFINITY;
    };
    if best >= want.decisive {
        return best;
    }
    let kth = if top.len() >= want.k {
        top[want.k - 1].score
    } else {
        f64::NEG_INFINITY
    };
    let exact = best.min(want.floor.max(kth));
    if scored >= EXACT_BELOW_FLOOR {
        exact.max(want.floor)
    } else {
        exact
    }
}

/// Inserts `s` into `top` (best first, ties by document), keeping at most `k`.
fn insert(top: &mut Vec<Scored>, s: Scored, k: usize) {
    let at = top.partition_point(|t| t.score > s.score || (t.score == s.score && t.doc < s.doc));
    if at < k {
        top.insert(at, s);
        top.truncate(k);
    }
}

/// The best documents for the question `query`, best first (ties by document order), as `want` asks, or fewer
/// once `settled` says so; `frame` is the weight of frame words in phrasings (see [`score_doc`]).
pub fn rank(
    index: &Index,
    query: &[QueryTerm],
    intent: Intent,
    want: Want,
    frame: f64,
    settled: Option<Settled<'_>>,
) -> Ranking {
    let total: f64 = query.iter().map(|q| q.weight).sum();
    if total <= 0.0 || want.k == 0 || query.iter().all(|q| q.alternatives.is_empty()) {
        return Ranking::default();
    }
    let cost = |q: &QueryTerm| {
        q.alternatives
            .iter()
            .map(|&(t, _)| index.postings(t).len())
            .sum::<usize>()
    };
    let mut order: Vec<(&QueryTerm, usize)> = query
        .iter()
        .filter(|q| !q.alternatives.is_empty())
        .map(|q| (q, cost(q)))
        .collect();
    order.sort_by(|a, b| b.0.weight.total_cmp(&a.0.weight).then(a.1.cmp(&b.1)));
    let mut rest = vec![0.0; order.len() + 1];
    for i in (0..order.len()).rev() {
        rest[i] = rest[i + 1] + order[i].0.weight;
    }
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.begin(index.docs.len());
        let (mut top, mut scored, mut next, mut read) = (Vec::new(), 0, 0, 0);
        let mut candidates: Vec<(f64, u32)> = Vec::new();
        let mut settled_below = None;
        loop {
            read += scratch.absorb(index, order[next].0);
            next += 1;
            while next < order.len() && read + order[next].1 <= POSTINGS_BUDGET {
                read += scratch.absorb(index, order[next].0);
                next += 1;
            }
            let unread = rest[next];
            let bound = |acc: f64| upper_bound((acc + unread) / total) + EPSILON;
            let floor = threshold(&top, want, scored);
            candidates.clear();
            // The most any unscored document that is not a candidate holds (none touched: 0).
            let mut pruned: f64 = 0.0;
            candidates.extend(
                scratch
                    .touched
                    .iter()
                    .filter(|&&d| scratch.scored_at[d as usize] != scratch.question)
                    .map(|&d| (scratch.acc[d as usize], d))
                    .filter(|&(acc, _)| {
                        let keep = bound(acc) >= floor;
                        if !keep {
                            pruned = pruned.max(acc);
                        }
                        keep
                    }),
            );
            let by_coverage =
                |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            let mut capped = false;
            'batches: while !candidates.is_empty() {
                let m = BATCH.min(candidates.len());
                if m < candidates.len() {
                    candidates.select_nth_unstable_by(m - 1, by_coverage);
                }
                candidates[..m].sort_unstable_by(by_coverage);
                for &(acc, d) in &candidates[..m] {
                    if bound(acc) < threshold(&top, want, scored) {
                        break 'batches;
                    }
                    if scored == MAX_SCORED {
                        capped = true;
                        break 'batches;
                    }
                    if let Some(settled) = settled {
                        // Candidates come most covering first: none left scores above this, nor does a
                        // document dropped from a full `top`.
                        let mut outside = bound(acc.max(pruned));
                        if top.len() == want.k {
                            outside = outside.max(top[want.k - 1].score);
                        }
                        if settled(&top, outside) {
                            settled_below = Some(outside);
                            break 'batches;
                        }
                    }
                    scratch.scored_at[d as usize] = scratch.question;
                    scored += 1;
                    insert(
                        &mut top,
                        score_doc(index, query, total, d as usize, intent, frame),
                        want.k,
                    );
                }
                candidates.drain(..m);
            }
            let unseen = upper_bound(unread / total) + EPSILON;
            if capped
                || settled_below.is_some()
                || next == order.len()
                || unseen < threshold(&top, want, scored)
            {
                break;
            }
        }
        Ranking { top, settled_below }
    })
}
