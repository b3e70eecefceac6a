//! `verbatim review`: groups similar unanswered questions so a curator can extend the knowledge quickly.
//!
//! Each question becomes its set of normalized terms ([`terms`](crate::matcher::normalize::terms)).
//! Questions are clustered greedily: a question joins the first group holding a question whose term set is
//! at least [`SIMILARITY`] alike (Jaccard), else starts a group; questions without terms group by their
//! folded text. For each group the review shows the count, up to three examples, the nearest entries
//! ([`Engine::explain`]) and a suggested phrasing (the group's most central question, cleaned); groups come
//! largest first.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::answer::Engine;
use crate::matcher::normalize::{fold, terms};

/// Jaccard similarity at which two questions count as the same question.
pub const SIMILARITY: f64 = 0.4;

/// A nearest entry scoring at least this (the matcher's default suggest threshold) is worth extending.
pub const CLOSE: f64 = 0.35;

/// A group of similar unanswered questions.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// How many questions of the log are in it.
    pub count: usize,
    /// Up to three distinct examples, the suggested one first.
    pub examples: Vec<String>,
    /// The nearest entries: (entry id, its closest phrasing, score).
    pub nearest: Vec<(String, String, f64)>,
    /// A phrasing to add: the most central question, cleaned.
    pub suggestion: String,
}

/// Jaccard similarity of two term sets (1 for two empty sets); two terms count as the same when one is a
/// prefix of the other of at least four letters ("produc" and "product").
///
/// ```
/// use std::collections::BTreeSet;
/// use verbatim::curation::review::jaccard;
/// let a: BTreeSet<String> = ["mayor", "exampl"].map(String::from).into();
/// let b: BTreeSet<String> = ["mayor"].map(String::from).into();
/// assert_eq!(jaccard(&a, &b), 0.5);
/// let c: BTreeSet<String> = ["product"].map(String::from).into();
/// let d: BTreeSet<String> = ["produc"].map(String::from).into();
/// assert_eq!(jaccard(&c, &d), 1.0);
/// ```
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let same = |x: &String, y: &String| {
        x == y
            || (x.len().min(y.len()) >= 4
                && (x.starts_with(y.as_str()) || y.starts_with(x.as_str())))
    };
    let shared = a.iter().filter(|x| b.iter().any(|y| same(x, y))).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// The terms a question is grouped by: its normalized terms, without words of quantity ("many", "much").
fn term_set(question: &str) -> BTreeSet<String> {
    terms(question)
        .into_iter()
        .filter(|t| !matches!(t.as_str(), "mani" | "much"))
        .collect()
}

/// Clusters questions greedily; returns groups of indexes into `questions`, largest first (ties: first
/// asked first).
///
/// ```
/// use verbatim::curation::review::cluster;
/// let q = ["Who is the mayor?", "who is the mayor of Example", "bread recipe", "Who's the mayor"];
/// assert_eq!(cluster(&q), vec![vec![0, 1, 3], vec![2]]);
/// ```
pub fn cluster<S: AsRef<str>>(questions: &[S]) -> Vec<Vec<usize>> {
    let sets: Vec<BTreeSet<String>> = questions.iter().map(|q| term_set(q.as_ref())).collect();
    let keys: Vec<String> = questions
        .iter()
        .map(|q| {
            fold(q.as_ref())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for i in 0..questions.len() {
        let joins = |g: &Vec<usize>| {
            g.iter()
                .any(|&j| match (sets[i].is_empty(), sets[j].is_empty()) {
                    (true, true) => keys[i] == keys[j],
                    (false, false) => jaccard(&sets[i], &sets[j]) >= SIMILARITY,
                    _ => false,
                })
        };
        match groups.iter_mut().find(|g| joins(g)) {
            Some(group) => group.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    groups
}

/// Groups the questions and describes each group; `engine` (the knowledge in use) gives the nearest entries.
pub fn review<S: AsRef<str>>(questions: &[S], engine: Option<&Engine>) -> Vec<Group> {
    let sets: Vec<BTreeSet<String>> = questions.iter().map(|q| term_set(q.as_ref())).collect();
    cluster(questions)
        .into_iter()
        .map(|members| {
            // The most central member: highest mean similarity to the others; ties: the shorter question.
            let centrality = |i: usize| {
                members
                    .iter()
                    .map(|&j| jaccard(&sets[i], &sets[j]))
                    .sum::<f64>()
            };
            let central = *members
                .iter()
                .max_by(|&&a, &&b| {
                    centrality(a)
                        .total_cmp(&centrality(b))
                        .then(
                            questions[b]
                                .as_ref()
                                .len()
                                .cmp(&questions[a].as_ref().len()),
                        )
                        .then(b.cmp(&a))
                })
                .unwrap_or(&members[0]);
            let mut examples = vec![questions[central].as_ref().trim().to_string()];
            for &i in &members {
                let q = questions[i].as_ref().trim().to_string();
                if examples.len() < 3 && !examples.iter().any(|e| e.eq_ignore_ascii_case(&q)) {
                    examples.push(q);
                }
            }
            let suggestion = clean(questions[central].as_ref());
            let nearest = engine
                .map(|e| e.explain(&suggestion, 3))
                .unwrap_or_default();
            Group {
                count: members.len(),
                examples,
                nearest,
                suggestion,
            }
        })
        .collect()
}

/// A question cleaned into a phrasing: white space collapsed, a leading `!command` dropped, the first letter
/// capitalized, a question mark after a question word.
///
/// ```
/// assert_eq!(verbatim::curation::review::clean("  !ask who is   the mayor "), "Who is the mayor?");
/// assert_eq!(verbatim::curation::review::clean("library opening hours"), "library opening hours");
/// ```
pub fn clean(question: &str) -> String {
    let mut words: Vec<&str> = question.split_whitespace().collect();
    if words
        .first()
        .is_some_and(|w| w.starts_with('!') && w.len() > 1)
    {
        words.remove(0);
    }
    let mut text = words.join(" ");
    let first = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
    const QUESTION_WORDS: &[&str] = &[
        "who", "what", "when", "where", "why", "how", "which", "is", "are", "does", "do", "did",
        "can",
    ];
    if QUESTION_WORDS.contains(&first.trim_end_matches(|c: char| !c.is_alphanumeric())) {
        text = text.trim_end_matches(['?', '.', '!']).to_string() + "?";
        let mut chars = text.chars();
        text = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
    }
    text
}

/// The review as text, one block per group.
///
/// ```
/// use verbatim::curation::review::{render, review};
/// let text = render(&review(&["bread recipe", "Bread recipe?"], None), 2);
/// assert!(text.starts_with("2 of 2 question(s): \"bread recipe\""));
/// ```
pub fn render(groups: &[Group], total: usize) -> String {
    let mut out = String::new();
    if groups.is_empty() {
        out.push_str("No unanswered questions logged.\n");
    }
    for group in groups {
        let _ = writeln!(
            out,
            "{} of {total} question(s): \"{}\"",
            group.count, group.suggestion
        );
        let examples: Vec<String> = group.examples.iter().map(|e| format!("\"{e}\"")).collect();
        let _ = writeln!(out, "  examples: {}", examples.join(", "));
        if group.nearest.is_empty() {
            out.push_str(
                "  nearest: no entry shares a word with it; the knowledge may not cover this\n",
            );
        } else {
            let near: Vec<String> = group
                .nearest
                .iter()
                .map(|(id, p, s)| format!("{id} ({s:.2}, \"{p}\")"))
                .collect();
            let _ = writeln!(out, "  nearest: {}", near.join(", "));
        }
        match group
            .nearest
            .first()
            .filter(|(_, _, score)| *score >= CLOSE)
        {
            Some((id, _, _)) => {
                let _ = writeln!(
                    out,
                    "  suggest: add \"{}\" to the phrasings of `{id}` if its quote answers it, else add an entry",
                    group.suggestion
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  suggest: no entry is close; if a report answers it, add an entry with the phrasing \"{}\"",
                    group.suggestion
                );
            }
        }
        out.push('\n');
    }
    out
}
