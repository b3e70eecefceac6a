//! `verbatim ask --explain`: how a question was read, ranked and decided, for curators.

use std::fmt::Write as _;

use super::Engine;
use crate::matcher::decide::FEATURE_NAMES;
use crate::matcher::question::Role;

impl Engine {
    /// A few lines saying how `question` was read (each word's role), which everyday question it is, the
    /// decision's confidence against the thresholds with the features it read, and the five best entries with
    /// their scores.
    ///
    /// ```
    /// use verbatim::answer::Engine;
    /// use verbatim::matcher::MatcherConfig;
    /// let (engine, _) = Engine::load(&[], MatcherConfig::default()).unwrap();
    /// let text = engine.explanation("What is the report about, exactly?");
    /// assert!(text.contains("exactly: frame word"), "{text}");
    /// assert!(text.contains("no word says what it is about"), "{text}");
    /// ```
    pub fn explanation(&self, question: &str) -> String {
        let prepared = self.prepare_exact(question);
        let inspection = &prepared.inspection;
        let config = self.matcher.config();
        let mut out = String::new();
        let words: Vec<String> = inspection
            .query
            .roles
            .iter()
            .map(|(w, r)| format!("{w}: {}", r.name()))
            .collect();
        let _ = writeln!(out, "  words: {}", words.join(" · "));
        let roles = || inspection.query.roles.iter().map(|(_, r)| *r);
        if inspection.query.content == 0 {
            let note = if roles().all(|r| r == Role::Function) {
                "every word is a function word, which the matcher never reads"
            } else {
                "every word is a function word or a frame word (how a question is asked): no word says what it is about"
            };
            let _ = writeln!(
                out,
                "  note: {note}; add a word of the passage's content, or ask an overview question (what is it about, who is quoted)"
            );
        }
        if let Some((intent, score)) = prepared.intent {
            let _ = writeln!(out, "  everyday question: {intent:?} ({score:.2})");
        }
        let _ = writeln!(
            out,
            "  confidence {:.3} (answer at {:.3}, suggest at {:.3})",
            inspection.confidence,
            config.answer_at(),
            config.suggest_at()
        );
        let features: Vec<String> = FEATURE_NAMES
            .iter()
            .zip(inspection.features.values())
            .map(|(name, value)| format!("{name} {value:.2}"))
            .collect();
        let _ = writeln!(out, "  features: {}", features.join(" · "));
        for (entry, phrasing, score) in self.explain(question, 5) {
            let _ = writeln!(out, "  {score:.3}  {entry}  (\"{phrasing}\")");
        }
        out
    }
}
