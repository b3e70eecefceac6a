//! Splitting a plain-text report into the units a knowledge file quotes: the title, the date line, page
//! furniture (such as "Print Print"), photo captions, and sentences.
//!
//! A report is read line by line; every non-empty line is a paragraph. The first paragraph is the title; the
//! first short paragraph holding a date is the date line; short paragraphs without sentence punctuation are
//! furniture; a paragraph ending in a bracketed photo credit ("[Photo by ...]", "[Photo/CFP]") is one caption.
//! Other paragraphs are split into sentences: a sentence ends at `.`, `?` or `!` (and any closing quote or
//! bracket) followed by a capital letter, a quote or a bracket, except after an abbreviation ("Jan.", "Dr.",
//! an initial) and except inside a direct quote, so a quote spanning sentences stays whole.

use crate::text::MONTHS;

/// What a unit of the report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The headline.
    Title,
    /// The publication or update date line ("Updated : 2023-03-10").
    Date,
    /// Page furniture that no entry should quote ("Print Print", "(|").
    Furniture,
    /// A photo caption with its credit.
    Caption,
    /// A sentence (or several, when a direct quote spans them).
    Sentence,
}

/// One unit of a report: verbatim text and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The text, exactly as in the report (trimmed).
    pub text: String,
    /// What it is.
    pub kind: Kind,
}

/// Words that introduce a date line.
const DATE_WORDS: &[&str] = &[
    "updated",
    "published",
    "posted",
    "date",
    "released",
    "modified",
];

/// Splits a report into units, in reading order.
///
/// ```
/// use verbatim::draft::sentences::{split, Kind};
/// let report = "Town opens library\n\nUpdated : 2024-01-05\n\nPrint\n\nDr. Lee spoke on Jan. 5. \"It opens. Come,\" she said.\n";
/// let units = split(report);
/// let kinds: Vec<Kind> = units.iter().map(|u| u.kind).collect();
/// assert_eq!(kinds, [Kind::Title, Kind::Date, Kind::Furniture, Kind::Sentence, Kind::Sentence]);
/// assert_eq!(units[3].text, "Dr. Lee spoke on Jan. 5.");
/// assert_eq!(units[4].text, "\"It opens. Come,\" she said.");
/// ```
pub fn split(report: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut seen_title = false;
    let mut seen_date = false;
    for line in report.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let unit = |text: &str, kind| Unit {
            text: text.to_string(),
            kind,
        };
        if !seen_title {
            seen_title = true;
            units.push(unit(line, Kind::Title));
            continue;
        }
        if !seen_date
            && line.split_whitespace().count() <= 10
            && let Some(start) = date_line_start(line)
        {
            seen_date = true;
            let before = line[..start].trim();
            if before.chars().any(|c| !c.is_whitespace()) {
                units.push(unit(before, Kind::Furniture));
            }
            units.push(unit(line[start..].trim(), Kind::Date));
            continue;
        }
        if is_furniture(line) {
            units.push(unit(line, Kind::Furniture));
        } else if is_caption(line) {
            units.push(unit(line, Kind::Caption));
        } else {
            units.extend(sentences(line).into_iter().map(|s| unit(s, Kind::Sentence)));
        }
    }
    units
}

/// The date given in a date line: "2023-03-10" from "Updated : 2023-03-10", or "March 10, 2023".
///
/// ```
/// use verbatim::draft::sentences::find_date;
/// assert_eq!(find_date("(| Updated : 2023-03-10").as_deref(), Some("2023-03-10"));
/// assert_eq!(find_date("Published: May 2, 2024 09:30").as_deref(), Some("May 2, 2024"));
/// assert_eq!(find_date("no date here"), None);
/// ```
pub fn find_date(text: &str) -> Option<String> {
    let tokens: Vec<(usize, &str)> = tokens(text);
    for (i, &(at, token)) in tokens.iter().enumerate() {
        let t = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '/');
        if is_numeric_date(t) {
            let start = at + token.find(t).unwrap_or(0);
            return Some(text[start..start + t.len()].to_string());
        }
        let word = t.trim_end_matches('.').to_lowercase();
        if MONTHS.contains(&word.as_str()) {
            // "March 10, 2023" or "10 March 2023"
            let next = |k: usize| {
                tokens
                    .get(i + k)
                    .map(|&(_, s)| s.trim_end_matches([',', '.']))
            };
            let is_day =
                |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
            let is_year = |s: &str| s.len() == 4 && s.chars().all(|c| c.is_ascii_digit());
            if let (Some(d), Some(y)) = (next(1), next(2))
                && is_day(d)
                && is_year(y)
            {
                let end = tokens[i + 2].0 + y.len();
                return Some(text[at..end].to_string());
            }
            if let (Some(y), Some(&(day_at, d))) =
                (next(1), i.checked_sub(1).and_then(|k| tokens.get(k)))
                && is_day(d)
                && is_year(y)
            {
                let end = tokens[i + 1].0 + y.len();
                return Some(text[day_at..end].to_string());
            }
        }
    }
    None
}

/// Whitespace-separated tokens with their byte offsets.
pub(crate) fn tokens(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// "2023-03-10" or "2023/03/10".
fn is_numeric_date(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && parts[1].len() <= 2
        && parts[2].len() <= 2
}

/// Where the date line's own text starts (its date word, or the date itself), if the line gives a date.
fn date_line_start(line: &str) -> Option<usize> {
    let date = find_date(line)?;
    let date_at = line.find(&date)?;
    let lower = line.to_lowercase();
    let word_at = DATE_WORDS
        .iter()
        .filter_map(|w| lower.find(w))
        .filter(|&at| at < date_at)
        .min();
    Some(word_at.unwrap_or(date_at))
}

/// A short line with no sentence punctuation that is not a caption: "Print Print", "(|", "Share".
fn is_furniture(line: &str) -> bool {
    let ends_sentence = line.ends_with(['.', '?', '!', '"', '\u{201d}', ']', ')']);
    !ends_sentence && line.split_whitespace().count() <= 5
        || !line.chars().any(char::is_alphanumeric)
}

/// A paragraph ending in a bracketed photo credit.
fn is_caption(line: &str) -> bool {
    credit(line).is_some()
}

/// The bracketed photo credit that ends a caption, without its brackets: "Photo by Chen Yang for",
/// "Photo/CFP".
///
/// ```
/// use verbatim::draft::sentences::credit;
/// assert_eq!(credit("Workers assemble tractors. [Photo by Chen Yang for]"), Some("Photo by Chen Yang for"));
/// assert_eq!(credit("Rain fell. (Photo: Ann Bell)"), Some("Photo: Ann Bell"));
/// assert_eq!(credit("He said [sic] so."), None);
/// ```
pub fn credit(line: &str) -> Option<&str> {
    let line = line.trim_end();
    let (open, close) = if line.ends_with(']') {
        ('[', ']')
    } else {
        ('(', ')')
    };
    if !line.ends_with(close) {
        return None;
    }
    let start = line.rfind(open)?;
    let inner = &line[start + 1..line.len() - 1];
    let lower = inner.to_lowercase();
    ["photo", "image", "picture", "credit"]
        .iter()
        .any(|w| lower.contains(w))
        .then_some(inner)
}

/// Splits one paragraph into sentences, keeping abbreviations and direct quotes whole: the rules of
/// [`crate::text::sentences`], which `verbatim check` uses too.
///
/// ```
/// use verbatim::draft::sentences::sentences;
/// let s = sentences("A worker in Weifang, Jan 28, 2023. \u{201c}Go on. Now,\u{201d} said Mr. Li. Done.");
/// assert_eq!(s, ["A worker in Weifang, Jan 28, 2023.", "\u{201c}Go on. Now,\u{201d} said Mr. Li.", "Done."]);
/// ```
pub fn sentences(paragraph: &str) -> Vec<&str> {
    crate::text::sentences(paragraph)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_is_one_unit_and_date_line_keeps_its_word() {
        let units = split(
            "Title here\n(| Updated : 2023-03-10\nPrint Print\nA worker, Jan 28, 2023. [Photo/CFP]\n",
        );
        assert_eq!(
            units[1],
            Unit {
                text: "(|".into(),
                kind: Kind::Furniture
            }
        );
        assert_eq!(
            units[2],
            Unit {
                text: "Updated : 2023-03-10".into(),
                kind: Kind::Date
            }
        );
        assert_eq!(units[3].kind, Kind::Furniture);
        assert_eq!(
            units[4],
            Unit {
                text: "A worker, Jan 28, 2023. [Photo/CFP]".into(),
                kind: Kind::Caption
            }
        );
    }
}
