//! The naive baseline the matcher is compared with: the question's normalized Levenshtein similarity (strsim)
//! against every phrasing of the knowledge, the best one wins, and it answers when that similarity reaches
//! [`BASELINE_THRESHOLD`].

/// The similarity at or above which the baseline answers.
pub const BASELINE_THRESHOLD: f64 = 0.6;

/// Every phrasing, lower-cased, with its entry.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    phrasings: Vec<(String, usize)>,
}

impl Baseline {
    /// A baseline over `(phrasing, entry)` pairs.
    ///
    /// ```
    /// use verbatim::bench::baseline::Baseline;
    /// let b = Baseline::new([("Who is Wang Gang?", 0), ("What grew by 25%?", 1)]);
    /// assert_eq!(b.answer("who is wang gnag?"), Some(0));
    /// assert_eq!(b.answer("How do I bake bread?"), None);
    /// ```
    pub fn new<'a>(phrasings: impl IntoIterator<Item = (&'a str, usize)>) -> Baseline {
        Baseline {
            phrasings: phrasings
                .into_iter()
                .map(|(p, e)| (p.to_lowercase(), e))
                .collect(),
        }
    }

    /// The entry of the most similar phrasing, if similar enough.
    pub fn answer(&self, question: &str) -> Option<usize> {
        let question = question.to_lowercase();
        let mut best = (f64::NEG_INFINITY, None);
        for (phrasing, entry) in &self.phrasings {
            let similarity = strsim::normalized_levenshtein(&question, phrasing);
            if similarity > best.0 {
                best = (similarity, Some(*entry));
            }
        }
        best.1.filter(|_| best.0 >= BASELINE_THRESHOLD)
    }
}
