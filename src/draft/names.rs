//! Reading names and capacities: "Dr. Alan Brooks" -> "Alan Brooks"; ", a deputy to ... Group, which is
//! based in Zibo" -> "a deputy to ... Group".

/// Words that continue a speech with more reported speech by the same speaker ("adding that ..."): what
/// ends a capacity, and what [`speech`](super::speech) reads on as more of the speaker's words.
pub(super) const CONTINUATIONS: &[&str] = &[
    "adding that",
    "saying that",
    "noting that",
    "adding",
    "saying",
    "noting",
];

/// Honorifics dropped from names.
const HONORIFICS: &[&str] = &[
    "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Dr", "Mr", "Mrs", "Ms", "Prof",
];

/// A run of capitalized words at the start of `text` (a person's name): the name without honorifics, and
/// the byte length of the run in `text`.
pub(super) fn name_run(text: &str) -> Option<(String, usize)> {
    let mut name: Vec<&str> = Vec::new();
    let mut end = 0;
    for (at, word) in super::sentences::tokens(text) {
        let bare = word.trim_end_matches([',', '.', ';', ':']);
        let honorific = HONORIFICS.contains(&word) && name.is_empty();
        let capital = bare.chars().next().is_some_and(char::is_uppercase)
            && bare
                .chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '\u{2019}'));
        if !honorific && (!capital || bare.len() == 1) {
            break;
        }
        if !honorific {
            name.push(bare);
        }
        end = at + bare.len();
        if bare.len() != word.len() && !honorific {
            break;
        }
    }
    (!name.is_empty() && name.len() <= 4).then(|| (name.join(" "), end))
}

/// The capacity after a name ("..., a deputy to ... Group, which is based in Zibo." -> "a deputy to ...
/// Group"), and the byte length read.
pub(super) fn capacity_after(rest: &str) -> (Option<String>, usize) {
    let Some(body) = rest.strip_prefix(',') else {
        return (None, 0);
    };
    let trimmed = body.trim_start();
    let lower = trimmed.to_lowercase();
    if CONTINUATIONS.iter().any(|c| lower.starts_with(c)) || !looks_like_capacity(trimmed) {
        return (None, 0);
    }
    let capacity = cut_capacity(trimmed);
    let capacity = capacity.trim_end_matches(['.', ',']).trim_end();
    (
        Some(capacity.to_string()),
        1 + (body.len() - trimmed.len()) + capacity.len(),
    )
}

/// Whether a phrase reads as a capacity: "a deputy to ...", "the mayor of ...", "chairman of ...", or an age
/// ("54, who grows mangoes").
pub(super) fn looks_like_capacity(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or("");
    let age = first
        .strip_suffix(',')
        .is_some_and(|n| (1..=3).contains(&n.len()) && n.chars().all(|c| c.is_ascii_digit()));
    age || first.chars().next().is_some_and(char::is_lowercase)
        || text.contains(" of ")
        || text.contains(" at ")
}

/// A capacity ends before a relative clause, a continuation, or the end of the sentence.
pub(super) fn cut_capacity(text: &str) -> &str {
    let lower = text.to_lowercase();
    let mut end = text.len();
    for stop in [
        ", which", ", who", ", where", ", adding", ", saying", ", noting", ", said", ", told", ";",
    ] {
        if let Some(i) = lower.find(stop) {
            end = end.min(i);
        }
    }
    text[..end].trim_end_matches(['.', ' '])
}
