//! The checks of `verbatim check` beyond the schema: every quote is a verbatim passage of its source, every
//! phrasing finds its own entry, and every sentence of a source is quoted somewhere (a warning).

use crate::diagnostic::{Diagnostic, Severity};
use crate::matcher::normalize::{fold, is_stop_word, words};
use crate::matcher::{Matcher, MatcherConfig, Outcome};
use crate::text::sentences;

use super::Knowledge;
use super::load::{Loaded, Position};

/// Runs every check on what [`load`](super::load) read, appending to its diagnostics, and returns the
/// diagnostics sorted by file and line (errors and warnings mixed, in reading order).
pub fn check(loaded: &mut Loaded, config: &MatcherConfig) -> Vec<Diagnostic> {
    let matcher = loaded.knowledge.matcher(config.clone());
    check_with(loaded, &matcher)
}

/// Like [`check`], with a matcher already built over `loaded.knowledge.documents()` (so that a caller that
/// keeps the matcher, such as [`Engine::load`](crate::answer::Engine::load), indexes only once).
pub fn check_with(loaded: &mut Loaded, matcher: &Matcher) -> Vec<Diagnostic> {
    let mut found = std::mem::take(&mut loaded.diagnostics);
    found.extend(verbatim_quotes(loaded));
    found.extend(collisions(loaded, matcher));
    found.extend(synonyms(loaded, matcher));
    found.extend(uncovered_sentences(&loaded.knowledge));
    found.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    found
}

/// Folds text for the verbatim comparison: runs of white space become one space, typographic quote marks
/// become plain ones. Nothing else changes (case and punctuation count).
///
/// ```
/// use verbatim::knowledge::check::fold_for_quote;
/// assert_eq!(fold_for_quote("“Only  by\n making”"), "\"Only by making\"");
/// ```
pub fn fold_for_quote(text: &str) -> String {
    fold_keeping_lines(text).replace('\n', " ")
}

/// Like [`fold_for_quote`], but a run of white space that holds a line break becomes `\n`, so that line
/// breaks can still end sentences. Byte offsets are the same as in [`fold_for_quote`]'s result.
fn fold_keeping_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<char> = None;
    for c in text.chars() {
        let c = match c {
            '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' => '"',
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' => '\'',
            c => c,
        };
        if c.is_whitespace() {
            if c == '\n' || pending.is_none() {
                pending = Some(if c == '\n' { '\n' } else { ' ' });
            }
        } else {
            if let Some(space) = pending.take()
                && !out.is_empty()
            {
                out.push(space);
            }
            out.push(c);
        }
    }
    out
}

/// Whether `quote` is a verbatim passage of `source` (after [`fold_for_quote`]).
///
/// ```
/// use verbatim::knowledge::check::is_verbatim;
/// assert!(is_verbatim("A b.\nC  d.", "b. C d"));
/// assert!(!is_verbatim("A b. C d.", "b. C e"));
/// ```
pub fn is_verbatim(source: &str, quote: &str) -> bool {
    let quote = fold_for_quote(quote);
    !quote.is_empty() && fold_for_quote(source).contains(&quote)
}

/// Errors for quotes that are not verbatim passages of their source, naming the closest passage.
pub fn verbatim_quotes(loaded: &Loaded) -> Vec<Diagnostic> {
    let knowledge = &loaded.knowledge;
    let mut found = Vec::new();
    let mut folded: Vec<Option<String>> = vec![None; knowledge.sources.len()];
    for (entry, at) in knowledge.entries.iter().zip(&loaded.locations.entries) {
        let source = knowledge.source_of(entry);
        let text = folded[entry.source].get_or_insert_with(|| fold_for_quote(&source.text));
        let quote = fold_for_quote(&entry.quote);
        if !quote.is_empty() && text.contains(&quote) {
            continue;
        }
        let closest = closest_passage(&source.text, &entry.quote);
        let message = format!(
            "entry `{}`: the quote is not a verbatim passage of {}",
            entry.id,
            source.text_path.display()
        );
        let hint = format!(
            "the closest passage of the source is: \"{closest}\" (copy it exactly; only white space and curly quotes may differ)"
        );
        found.push(
            at.quote
                .diagnostic(Severity::Error, message)
                .with_hint(hint),
        );
    }
    found
}

/// The run of source sentences, as long as the quote's, most like the quote.
fn closest_passage(source: &str, quote: &str) -> String {
    let folded = fold_keeping_lines(source);
    let all = sentences(&folded);
    let quote = fold_for_quote(quote);
    let n = sentences(&quote).len().max(1);
    let mut best = (f64::MIN, String::new());
    for window in all.windows(n.min(all.len()).max(1)) {
        let candidate = window
            .iter()
            .map(|(_, s)| *s)
            .collect::<Vec<_>>()
            .join(" ")
            .replace('\n', " ");
        let similarity = strsim::normalized_levenshtein(&candidate, &quote);
        if similarity > best.0 {
            best = (similarity, candidate);
        }
    }
    best.1
}

/// Errors for phrasings that `matcher` (built over the knowledge's documents) resolves to another entry, or
/// below the answer threshold.
pub fn collisions(loaded: &Loaded, matcher: &Matcher) -> Vec<Diagnostic> {
    let knowledge = &loaded.knowledge;
    let config = matcher.config();
    // Phrasings (by their content terms) that entries of several sources share: generic questions such as "What
    // is the headline?", which each source may have; they are answered for each source, not checked as
    // collisions.
    let key = |phrasing: &str| {
        let mut terms = crate::matcher::normalize::terms(phrasing);
        terms.sort();
        terms.join(" ")
    };
    let mut sources_of: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for entry in &knowledge.entries {
        for phrasing in &entry.phrasings {
            let owners = sources_of.entry(key(phrasing)).or_default();
            if !owners.contains(&entry.source) {
                owners.push(entry.source);
            }
        }
    }
    let shared = |phrasing: &str| {
        sources_of
            .get(&key(phrasing))
            .is_some_and(|owners| owners.len() > 1)
    };
    let mut found = Vec::new();
    for (i, (entry, at)) in knowledge
        .entries
        .iter()
        .zip(&loaded.locations.entries)
        .enumerate()
    {
        for (phrasing, position) in entry.phrasings.iter().zip(&at.phrasings) {
            if knowledge.sources.len() > 1 && shared(phrasing) {
                continue;
            }
            let inspection = matcher.inspect(phrasing);
            let result = matcher.decide(&inspection);
            let read = &inspection.query;
            let (message, hint) = match (result.outcome, result.doc) {
                (Outcome::Answer, Some(doc)) if doc == i => continue,
                (Outcome::Answer, Some(doc)) if matcher.same_passage(doc, i) => continue,
                _ if read.terms.is_empty() => (
                    format!(
                        "entry `{}`: phrasing \"{phrasing}\" has no word the matcher reads: every word is a function word or a frame word the knowledge does not hold",
                        entry.id
                    ),
                    "add a word that says what the passage is about (a name, a thing, an action)",
                ),
                (Outcome::Answer, Some(doc)) => (
                    format!(
                        "entry `{}`: phrasing \"{phrasing}\" is answered by entry `{}` instead (score {:.2})",
                        entry.id, knowledge.entries[doc].id, result.score
                    ),
                    "make the phrasing more specific to this entry's quote, or move it to the entry that wins",
                ),
                _ if read.content == 0 => (
                    format!(
                        "entry `{}`: phrasing \"{phrasing}\" is made only of frame words (how a question is asked, not what about): it scores {:.2}, but the decision's confidence {:.2} is below the answer threshold {:.2}",
                        entry.id,
                        result.score,
                        result.confidence,
                        config.answer_at()
                    ),
                    "add a word of the passage's content; questions about the report as a whole (\"what is this report about?\", \"who is quoted?\") are answered by verbatim's overview answers without a phrasing",
                ),
                _ => (
                    format!(
                        "entry `{}`: phrasing \"{phrasing}\" scores {:.2}, and the decision's confidence {:.2} is below the answer threshold {:.2}",
                        entry.id,
                        result.score,
                        result.confidence,
                        config.answer_at()
                    ),
                    "make the phrasing more specific to this entry's quote (see `verbatim ask --explain` for how each word is read)",
                ),
            };
            found.push(
                position
                    .diagnostic(Severity::Error, message)
                    .with_hint(hint),
            );
        }
    }
    found
}

/// Errors for `[[synonyms]]` whose `means` names nothing the knowledge holds (they could never match).
pub fn synonyms(loaded: &Loaded, matcher: &Matcher) -> Vec<Diagnostic> {
    let knowledge = &loaded.knowledge;
    knowledge
        .synonyms
        .iter()
        .zip(&loaded.locations.synonyms)
        .filter(|(s, _)| {
            !words(&fold(&s.means), usize::MAX)
                .iter()
                .any(|w| !is_stop_word(w) && matcher.knows(w))
        })
        .map(|(s, at)| {
            at.diagnostic(
                Severity::Error,
                format!(
                    "synonyms: no word of `means` (\"{}\") is in this knowledge's entries, so \"{}\" would match nothing",
                    s.means,
                    s.words.join("\", \"")
                ),
            )
            .with_hint("write `means` as the entries' quotes or phrasings write it")
        })
        .collect()
}

/// Warnings for sentences of each source that no entry quotes (and no `skip` passage names).
pub fn uncovered_sentences(knowledge: &Knowledge) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, source) in knowledge.sources.iter().enumerate() {
        let lines = fold_keeping_lines(&source.text);
        let folded = lines.replace('\n', " ");
        let mut covered = vec![false; folded.len()];
        let quotes = knowledge
            .entries
            .iter()
            .filter(|e| e.source == index)
            .map(|e| e.quote.as_str());
        for passage in quotes.chain(source.skip.iter().map(String::as_str)) {
            let passage = fold_for_quote(passage);
            if passage.is_empty() {
                continue;
            }
            for (at, _) in folded.match_indices(&passage) {
                covered[at..at + passage.len()]
                    .iter_mut()
                    .for_each(|c| *c = true);
            }
        }
        for (offset, sentence) in sentences(&lines) {
            let uncovered = sentence
                .char_indices()
                .any(|(i, c)| c.is_alphanumeric() && !covered[offset + i]);
            if uncovered {
                let at = original_offset(&source.text, &folded, offset);
                let position = Position {
                    path: source.text_path.as_path().into(),
                    ..position_in(&source.text, at)
                };
                let message = format!("no entry quotes this sentence: \"{sentence}\"");
                let hint = format!(
                    "add an entry that quotes it to {}, or list it under [source] skip",
                    source.file.display()
                );
                found.push(
                    position
                        .diagnostic(Severity::Warning, message)
                        .with_hint(hint),
                );
            }
        }
    }
    found
}

fn position_in(text: &str, offset: usize) -> Position {
    let (line, col) = crate::diagnostic::line_col(text, offset);
    Position {
        line,
        col,
        ..Position::default()
    }
}

/// Maps a byte offset in `fold_for_quote(original)` back to the original text, by counting the characters
/// that are not folded away.
fn original_offset(original: &str, folded: &str, folded_offset: usize) -> usize {
    let target = folded[..folded_offset]
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    let mut seen = 0;
    for (i, c) in original.char_indices() {
        if !c.is_whitespace() {
            if seen == target {
                return i;
            }
            seen += 1;
        }
    }
    original.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_keep_abbreviations_and_captions() {
        let text =
            "A worker in Weifang, Jan 28, 2023. [Photo/CFP] \"Only so,\" said Hou. Next one.";
        let found: Vec<&str> = sentences(text).into_iter().map(|(_, s)| s).collect();
        assert_eq!(
            found,
            [
                "A worker in Weifang, Jan 28, 2023.",
                "[Photo/CFP]",
                "\"Only so,\" said Hou.",
                "Next one."
            ]
        );
        let found: Vec<&str> = sentences("\"Go.\" He went.\nNew line")
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(found, ["\"Go.\"", "He went.", "New line"]);
    }

    #[test]
    fn original_offset_skips_folded_space() {
        let original = "a  b\n\nc";
        let folded = fold_for_quote(original);
        assert_eq!(
            original_offset(original, &folded, folded.find('c').unwrap()),
            6
        );
    }
}
