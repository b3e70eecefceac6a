//! Folding text and splitting it into words: the first steps of [normalization](super), shared by the
//! index, the questions, the loader and the drafter.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds `text` for comparison: compatibility decomposition, combining marks dropped, lower case, and
/// typographic quotes and dashes made plain.
///
/// ```
/// assert_eq!(verbatim::matcher::normalize::fold("Zürich’s ﬁrst"), "zurich's first");
/// ```
pub fn fold(text: &str) -> String {
    let mut folded = String::new();
    fold_into(&mut folded, text);
    folded
}

/// [`fold`] into `folded` (emptied first), to reuse its allocation.
///
/// ```
/// let mut folded = String::from("old");
/// verbatim::matcher::normalize::fold_into(&mut folded, "Coal MINES");
/// assert_eq!(folded, "coal mines");
/// ```
pub fn fold_into(folded: &mut String, text: &str) {
    folded.clear();
    if text.is_ascii() {
        // Nothing to decompose or replace: the common case, and many times faster.
        folded.push_str(text);
        folded.make_ascii_lowercase();
        return;
    }
    let chars = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2010}'..='\u{2015}' => '-',
            _ => c,
        })
        .flat_map(char::to_lowercase);
    folded.extend(chars);
}

/// Splits folded text into words: letters and digits, with "25.1" kept whole, "%" as "percent" and a
/// possessive "'s" dropped. At most `limit` words are returned.
///
/// ```
/// use verbatim::matcher::normalize::{fold, words};
/// assert_eq!(words(&fold("Wang Gang's 25.1% low-carbon"), 10),
///            ["wang", "gang", "25.1", "percent", "low", "carbon"]);
/// ```
pub fn words(folded: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(folded, limit, |w| out.push(w.to_string()));
    out
}

/// Calls `f` with each word of folded text, as [`words`] splits it, without allocating per word.
///
/// ```
/// let mut seen = Vec::new();
/// verbatim::matcher::normalize::for_each_word("it's 25.1%", 10, |w| seen.push(w.len()));
/// assert_eq!(seen, [2, 4, 7]);
/// ```
pub fn for_each_word(folded: &str, limit: usize, mut f: impl FnMut(&str)) {
    if folded.is_ascii() {
        for_each_ascii_word(folded, limit, &mut f);
    } else {
        for_each_char_word(folded, limit, &mut f);
    }
}

/// [`for_each_word`] for any text, a character at a time.
fn for_each_char_word(folded: &str, limit: usize, f: &mut impl FnMut(&str)) {
    let mut count = 0;
    let mut word = String::new();
    let mut rest = folded.chars();
    while count < limit {
        let Some(c) = rest.next() else { break };
        // Up to two characters of look-ahead, without collecting the text into a `Vec<char>`.
        let mut ahead = rest.clone();
        let next = ahead.next();
        let decimal_point = c == '.'
            && word.ends_with(|w: char| w.is_ascii_digit())
            && next.is_some_and(|n| n.is_ascii_digit());
        if c.is_alphanumeric() || decimal_point {
            word.push(c);
        } else if c == '\'' && !word.is_empty() && next.is_some_and(char::is_alphanumeric) {
            let after = ahead.next();
            if next == Some('s') && !after.is_some_and(char::is_alphanumeric) {
                rest.next(); // possessive or "what's": drop the s
            }
        } else {
            if !word.is_empty() {
                f(&word);
                word.clear();
                count += 1;
            }
            if c == '%' && count < limit {
                f("percent");
                count += 1;
            }
        }
    }
    if !word.is_empty() && count < limit {
        f(&word);
    }
}

/// [`for_each_word`] for ASCII text (the common case): words are handed out as slices of the text, copied
/// only when an apostrophe joins two runs ("tai'an" is "taian").
fn for_each_ascii_word(text: &str, limit: usize, f: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let alphanumeric = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
    let mut count = 0;
    // The current word is `joined` followed by `text[start..i]`.
    let mut joined = String::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() && count < limit {
        let c = bytes[i];
        // Most bytes are inside a word: decide those with one test.
        if c.is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let in_word = start < i || !joined.is_empty();
        if c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let ends_in_digit = if start < i {
                bytes[i - 1].is_ascii_digit()
            } else {
                joined.ends_with(|w: char| w.is_ascii_digit())
            };
            if ends_in_digit {
                i += 1;
                continue;
            }
        }
        if c == b'\'' && in_word && alphanumeric(i + 1) {
            joined.push_str(&text[start..i]);
            // A possessive or "what's": drop the s too.
            let drop_s = bytes[i + 1] == b's' && !alphanumeric(i + 2);
            i += if drop_s { 2 } else { 1 };
            start = i;
            continue;
        }
        if in_word {
            emit(&mut joined, &text[start..i], f);
            count += 1;
        }
        if c == b'%' && count < limit {
            f("percent");
            count += 1;
        }
        i += 1;
        start = i;
    }
    if (start < i || !joined.is_empty()) && count < limit {
        emit(&mut joined, &text[start..i], f);
    }
}

/// Hands out the word made of `joined` and `run`, and empties `joined`.
fn emit(joined: &mut String, run: &str, f: &mut impl FnMut(&str)) {
    if joined.is_empty() {
        f(run);
    } else {
        joined.push_str(run);
        f(joined);
        joined.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apostrophes_join_or_drop_possessive() {
        assert_eq!(words("tai'an what's it's", 10), ["taian", "what", "it"]);
    }

    #[test]
    fn control_and_emoji_give_no_words() {
        assert!(words(&fold("\u{1}\u{7}🎉🎉 ?!"), 10).is_empty());
    }

    #[test]
    fn ascii_words_match_the_general_splitting() {
        // Every string of up to 5 characters over an alphabet that exercises each rule.
        let alphabet = ['a', 's', '1', '.', '\'', '%', ' '];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
            texts.dedup();
        }
        for text in &texts {
            for limit in [0, 1, 2, usize::MAX] {
                let (mut ascii, mut chars) = (Vec::new(), Vec::new());
                for_each_ascii_word(text, limit, &mut |w| ascii.push(w.to_string()));
                for_each_char_word(text, limit, &mut |w| chars.push(w.to_string()));
                assert_eq!(ascii, chars, "{text:?} limit {limit}");
            }
        }
    }

    #[test]
    fn words_respects_limit() {
        assert_eq!(words("a b c d", 2).len(), 2);
    }
}
