//! Plain text rules shared by every layer above: where a sentence ends (one splitter for `verbatim check` and
//! `verbatim draft`), abbreviations and month names, cutting a text to a number of characters, and a 64-bit
//! hash finalizer. It depends on nothing else of verbatim.

/// Month names and their abbreviations, folded: what makes "Jan 28" a date (and "Jan." no sentence end).
pub const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Abbreviations after which a full stop does not end a sentence (lower case, without the stop).
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mr",
    "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "co", "inc", "ltd", "gov", "sen", "rep",
    "gen", "lt", "col", "jr", "sr",
];

/// Whether the word just before a full stop (the end of `before`) is an abbreviation or an initial, so that
/// the stop does not end a sentence.
///
/// ```
/// use verbatim::text::is_abbreviation;
/// assert!(is_abbreviation("on Jan") && is_abbreviation("said Dr") && is_abbreviation("by J"));
/// assert!(!is_abbreviation("in 2023") && !is_abbreviation("the province"));
/// ```
pub fn is_abbreviation(before: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !c.is_alphanumeric())
        .map_or(0, |(j, c)| j + c.len_utf8());
    let word = &before[word_start..];
    let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    initial || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// The sentences of a text, each with the byte offset where it starts, trimmed. A sentence ends at a line
/// break, or at `.`, `?`, `!` or `]` (with the closing quotes and brackets after it) when the next word starts a
/// sentence (a capital, a digit, an opening quote or bracket); not after an abbreviation or an initial, and not
/// inside a direct quote ("Go on. Now," said Li.).
///
/// ```
/// use verbatim::text::sentences;
/// let s: Vec<&str> = sentences("A worker in Weifang, Jan 28, 2023. \u{201c}Go on. Now,\u{201d} said Mr. Li. Done.")
///     .into_iter().map(|(_, s)| s).collect();
/// assert_eq!(s, ["A worker in Weifang, Jan 28, 2023.", "\u{201c}Go on. Now,\u{201d} said Mr. Li.", "Done."]);
/// assert_eq!(sentences("One.\n  Two")[1], (7, "Two"));
/// ```
pub fn sentences(text: &str) -> Vec<(usize, &str)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut start = 0;
    let mut open = false;
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        match c {
            '\n' => {
                push(&mut found, text, start, at);
                start = at;
                open = false;
            }
            '"' => open = !open,
            '\u{201c}' => open = true,
            '\u{201d}' => open = false,
            '.' | '?' | '!' | ']' => {
                let mut j = i + 1;
                let mut still_open = open;
                while let Some(&(_, n)) = chars.get(j) {
                    match n {
                        '"' => still_open = !still_open,
                        '\u{201d}' => still_open = false,
                        '\u{2019}' | '\'' | ')' | ']' => {}
                        _ => break,
                    }
                    j += 1;
                }
                let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
                let next = chars.get(j..).and_then(|rest| {
                    let mut rest = rest.iter().map(|&(_, c)| c);
                    rest.next().filter(|c| *c == ' ' || *c == '\t')?;
                    rest.find(|c| !c.is_whitespace())
                });
                let starts_next = next.is_some_and(|n| {
                    n.is_uppercase()
                        || n.is_ascii_digit()
                        || matches!(n, '"' | '\u{201c}' | '[' | '(')
                });
                if !still_open && starts_next && !(c == '.' && is_abbreviation(&text[..at])) {
                    push(&mut found, text, start, end);
                    start = end;
                }
                open = still_open;
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    push(&mut found, text, start, text.len());
    found
}

fn push<'t>(found: &mut Vec<(usize, &'t str)>, text: &'t str, start: usize, end: usize) {
    let piece = &text[start..end];
    let trimmed = piece.trim_start();
    let offset = start + piece.len() - trimmed.len();
    let trimmed = trimmed.trim_end();
    if trimmed.chars().any(char::is_alphanumeric) {
        found.push((offset, trimmed));
    }
}

/// The first `max` characters of `text`.
///
/// ```
/// assert_eq!(verbatim::text::truncate("héllo", 2), "hé");
/// assert_eq!(verbatim::text::truncate("hi", 10), "hi");
/// ```
pub fn truncate(text: &str, max: usize) -> &str {
    text.char_indices()
        .nth(max)
        .map_or(text, |(i, _)| &text[..i])
}

/// MurmurHash3's 64-bit finalizer: mixes `h` so that every output bit depends on every input bit (for the
/// typo index's word hashes and the knowledge loader's phrasing keys).
///
/// ```
/// use verbatim::text::mix64;
/// assert_ne!(mix64(1), mix64(2));
/// assert_eq!(mix64(0), 0);
/// ```
pub fn mix64(h: u64) -> u64 {
    let mut h = h ^ (h >> 33);
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abbreviation_after_a_multibyte_separator() {
        // Found by the knowledge_parser fuzz target: a two-byte non-alphanumeric character before the word.
        assert!(is_abbreviation("by \u{606}J"));
        assert!(is_abbreviation("\u{606}Jan"));
        assert!(!is_abbreviation("\u{2014}province"));
        assert!(!is_abbreviation("\u{606}"));
    }

    #[test]
    fn initials_numbers_and_captions() {
        fn only(t: &str) -> Vec<&str> {
            sentences(t).into_iter().map(|(_, s)| s).collect()
        }
        assert_eq!(
            only("J. R. Smith came. 2024 was good."),
            ["J. R. Smith came.", "2024 was good."]
        );
        assert_eq!(
            only("It rose 25.1 percent. Next."),
            ["It rose 25.1 percent.", "Next."]
        );
        assert_eq!(
            only("Workers at a plant. [Photo by Chen] The next one."),
            ["Workers at a plant.", "[Photo by Chen]", "The next one."]
        );
    }
}
