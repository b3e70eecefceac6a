//! Direct quotes and reported speech in one sentence, and the mention of who speaks.
//!
//! Direct quotes are the text inside straight (`"`) or typographic (`“ ”`) quotation marks. Speech verbs
//! ("said", "suggested", "according to", ...) are looked for outside the quotes; the speaker is read either
//! after the verb ("..., said Hou, adding that ...", "..., said national legislators and political advisers")
//! or before it ("Hou Yugang, a deputy to ..., said that ...", "Wang also suggested ...", "she said"). The
//! mention is raw here ([`names`](super::names) reads names and capacities); [`speakers`](super::speakers)
//! resolves it to a person.

use super::names::{CONTINUATIONS, capacity_after, cut_capacity, looks_like_capacity, name_run};

/// Verbs (and phrases) that introduce speech.
const SPEECH_VERBS: &[&str] = &[
    "according to",
    "said",
    "says",
    "told",
    "added",
    "suggested",
    "noted",
    "stressed",
    "explained",
    "argued",
    "warned",
    "urged",
    "proposed",
    "stated",
    "recalled",
    "insisted",
    "emphasized",
    "emphasised",
    "believes",
    "pointed out",
    "recommended",
    "announced",
    "called for",
];

/// Adverbs that may stand between a subject and its speech verb ("Wang also suggested").
const ADVERBS: &[&str] = &[
    "also",
    "further",
    "then",
    "later",
    "once",
    "previously",
    "earlier",
    "additionally",
];

/// Who a sentence says is speaking, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mention {
    /// A name, with the capacity given beside it ("Hou Yugang", "a deputy to ...").
    Named {
        /// The name as written (without honorifics such as "Dr.").
        name: String,
        /// The capacity, when the sentence gives one.
        capacity: Option<String>,
    },
    /// A pronoun ("he", "she", "they").
    Pronoun(String),
    /// A group named by a common noun phrase ("national legislators and political advisers").
    Collective(String),
}

/// What one sentence holds of speech.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Speech {
    /// The text of each direct quote, without its marks.
    pub quotes: Vec<String>,
    /// The speech verb found, in lower case ("said", "suggested").
    pub verb: Option<String>,
    /// Who speaks, as written.
    pub mention: Option<Mention>,
    /// The reported content outside direct quotes ("Shandong has long been ...", the "adding that" clause).
    pub reported: Vec<String>,
}

impl Speech {
    /// Whether the sentence gives someone's words at all.
    pub fn is_speech(&self) -> bool {
        self.mention.is_some() || !self.quotes.is_empty()
    }
}

/// Finds the quotes, speech verb, speaker mention and reported content of a sentence.
///
/// ```
/// use verbatim::draft::speech::{analyze, Mention};
/// let s = analyze("\"Only so,\" said Hou, adding that the group will grow.");
/// assert_eq!(s.quotes, ["Only so,"]);
/// assert_eq!(s.mention, Some(Mention::Named { name: "Hou".into(), capacity: None }));
/// assert_eq!(s.reported, ["the group will grow."]);
/// let s = analyze("Ana Lopez, the mayor of Example, said that books matter.");
/// assert_eq!(s.mention, Some(Mention::Named { name: "Ana Lopez".into(), capacity: Some("the mayor of Example".into()) }));
/// assert_eq!(s.reported, ["books matter."]);
/// let s = analyze("Samuel Musyoka, 54, who grows mangoes, said he had sold tomatoes.");
/// assert_eq!(s.mention, Some(Mention::Named { name: "Samuel Musyoka".into(), capacity: Some("54".into()) }));
/// ```
pub fn analyze(sentence: &str) -> Speech {
    let (quotes, masked) = quotes(sentence);
    let mut speech = Speech {
        quotes,
        ..Speech::default()
    };
    let lower = masked.to_lowercase();
    let Some((at, verb)) = first_verb(&lower) else {
        return speech;
    };
    speech.verb = Some(verb.to_string());
    let before = masked[..at].trim_end();
    let after_at = at + verb.len();
    let after = &masked[after_at..];
    // "Hou Yugang, a deputy to ..., said" or "Its managing director, Peter Otieno, noted": a comma before the
    // verb that closes a capacity or a name in apposition, not a clause.
    let appositive = role_then_name(before);
    let introduced = before.ends_with(',')
        && (appositive.is_some()
            || matches!(
                subject_mention(before),
                Some(Mention::Named {
                    capacity: Some(_),
                    ..
                })
            ));
    let inverted =
        !introduced && (before.is_empty() || before.ends_with([',', '"', '\u{201d}', '\u{2019}']));
    let (mention, rest_at) = if inverted || verb == "according to" {
        after_mention(after)
    } else {
        (appositive.or_else(|| before_mention(before)), 0)
    };
    speech.mention = mention;
    // The reported content: the clause before an inverted verb, or what follows the verb ("that ...").
    if inverted
        && !before
            .trim_matches(|c: char| !c.is_alphanumeric())
            .is_empty()
        && speech.quotes.is_empty()
    {
        speech.reported.push(
            sentence[..at]
                .trim_end()
                .trim_end_matches(',')
                .trim()
                .to_string(),
        );
    } else if !inverted {
        let content = after.trim_start();
        let content = content.strip_prefix("that ").unwrap_or(content);
        if content.chars().any(char::is_alphanumeric) && speech.quotes.is_empty() {
            let start = sentence.len() - content.len();
            speech.reported.push(sentence[start..].trim().to_string());
        }
    }
    let tail = &lower[after_at + rest_at..];
    for continuation in CONTINUATIONS {
        if let Some(i) = tail.find(&format!(", {continuation} ")) {
            let start = after_at + rest_at + i + continuation.len() + 3;
            speech.reported.push(sentence[start..].trim().to_string());
            break;
        }
    }
    speech
}

/// The direct quotes of a sentence, and the sentence with their contents masked by spaces (byte offsets
/// kept), so that words inside quotes are not read as attribution.
fn quotes(sentence: &str) -> (Vec<String>, String) {
    let mut found = Vec::new();
    let mut masked = String::with_capacity(sentence.len());
    let mut open: Option<usize> = None;
    for (i, c) in sentence.char_indices() {
        let opening = c == '\u{201c}' || (c == '"' && open.is_none());
        let closing = c == '\u{201d}' || (c == '"' && open.is_some());
        if opening && open.is_none() {
            open = Some(i + c.len_utf8());
            masked.push(c);
        } else if closing && open.is_some() {
            let start = open.take().unwrap_or(i);
            found.push(sentence[start..i].trim().to_string());
            masked.push(c);
        } else if open.is_some() {
            masked.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            masked.push(c);
        }
    }
    if let Some(start) = open {
        // An unclosed quote runs to the end (it continues in the next paragraph).
        found.push(sentence[start..].trim().to_string());
    }
    (found, masked)
}

/// The first speech verb outside quotes, as a whole word: its byte offset and the verb.
fn first_verb(lower: &str) -> Option<(usize, &'static str)> {
    SPEECH_VERBS
        .iter()
        .filter_map(|v| {
            lower
                .match_indices(v)
                .find(|&(i, _)| is_word_at(lower, i, v.len()))
                .map(|(i, _)| (i, *v))
        })
        .min_by_key(|&(i, _)| i)
}

fn is_word_at(text: &str, at: usize, len: usize) -> bool {
    let before_ok = text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric());
    let after_ok = text[at + len..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

/// A mention after the verb: "said Hou Yugang, a deputy to ...", "said she", "said national legislators".
/// Returns the mention and how far into `after` it reaches.
fn after_mention(after: &str) -> (Option<Mention>, usize) {
    let trimmed = after.trim_start();
    let offset = after.len() - trimmed.len();
    let first = trimmed.split_whitespace().next().unwrap_or("");
    let bare = first.trim_end_matches([',', '.', ';']).to_lowercase();
    if matches!(bare.as_str(), "he" | "she" | "they") {
        return (Some(Mention::Pronoun(bare)), offset + first.len());
    }
    if let Some((name, len)) = name_run(trimmed) {
        let rest = &trimmed[len..];
        let (capacity, capacity_len) = capacity_after(rest);
        return (
            Some(Mention::Named { name, capacity }),
            offset + len + capacity_len,
        );
    }
    // A group named in lower case, to the end of the clause.
    let end = [",", ";", "."]
        .iter()
        .filter_map(|p| trimmed.find(p))
        .min()
        .unwrap_or(trimmed.len());
    let phrase = trimmed[..end].trim();
    let lowercase = phrase.chars().next().is_some_and(char::is_lowercase);
    if lowercase && phrase.split_whitespace().count() <= 8 && !phrase.starts_with("that ") {
        return (Some(Mention::Collective(phrase.to_string())), offset + end);
    }
    (None, 0)
}

/// A role, then the name in apposition, right before the verb: "Its managing director, Peter Otieno," gives
/// Peter Otieno with the capacity "managing director" (a possessive that points back to the sentence before
/// is dropped).
///
/// ```
/// use verbatim::draft::speech::{analyze, Mention};
/// let s = analyze("Its managing director, Peter Otieno, noted that prices had fallen.");
/// assert_eq!(s.mention, Some(Mention::Named { name: "Peter Otieno".into(), capacity: Some("managing director".into()) }));
/// assert_eq!(s.reported, ["prices had fallen."]);
/// ```
fn role_then_name(before: &str) -> Option<Mention> {
    let clause = before.trim_end().strip_suffix(',')?.trim_end();
    let (role, name) = clause.rsplit_once(',')?;
    let name = name.trim();
    let (run, len) = name_run(name)?;
    if len != name.len() || !run.contains(' ') {
        return None;
    }
    let role = role
        .rsplit_once([',', '"', '\u{201d}'])
        .map_or(role, |(_, r)| r)
        .trim();
    let mut words: Vec<&str> = role.split_whitespace().collect();
    let first = words.first()?.to_lowercase();
    if matches!(first.as_str(), "its" | "his" | "her" | "their" | "our") {
        words.remove(0);
    } else if !matches!(first.as_str(), "the" | "a" | "an") {
        return None;
    }
    // A role names a common noun ("managing director"), not only a place or an organisation.
    let lowercase = words
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_lowercase));
    (lowercase && (1..=8).contains(&words.len())).then(|| Mention::Named {
        name: run,
        capacity: Some(words.join(" ")),
    })
}

/// A mention before the verb: "Hou Yugang, a deputy to ..., said", "Wang also suggested", "she said", or
/// failing that the clause after the last comma (", the mayor said").
fn before_mention(before: &str) -> Option<Mention> {
    subject_mention(before).or_else(|| {
        let (_, last) = before.trim_end().trim_end_matches(',').rsplit_once(',')?;
        subject_mention(last)
    })
}

fn subject_mention(before: &str) -> Option<Mention> {
    let mut subject = before.trim_end().trim_end_matches(',').trim_end();
    // Only the clause right before the verb: after a closing quote or the last sentence-internal comma pair.
    if let Some(i) = subject.rfind(['"', '\u{201d}']) {
        subject = subject[i + 1..].trim_start_matches([',', ' ']);
    }
    let mut words: Vec<&str> = subject.split_whitespace().collect();
    while words
        .last()
        .is_some_and(|w| ADVERBS.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    let subject = words.join(" ");
    let last = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
    if words.len() == 1 && matches!(last.as_str(), "he" | "she" | "they") {
        return Some(Mention::Pronoun(last));
    }
    if let Some((name, len)) = name_run(&subject) {
        let rest = subject[len..].trim();
        if rest.is_empty() {
            return Some(Mention::Named {
                name,
                capacity: None,
            });
        }
        if let Some(capacity) = rest
            .strip_prefix(',')
            .map(str::trim)
            .filter(|c| looks_like_capacity(c))
        {
            let capacity = capacity.trim_end_matches(',').trim();
            return Some(Mention::Named {
                name,
                capacity: Some(cut_capacity(capacity).to_string()),
            });
        }
        return None;
    }
    let lower_start = subject.chars().next().is_some_and(char::is_lowercase);
    let determiner = ["the ", "some ", "many ", "local ", "other "]
        .iter()
        .any(|d| subject.to_lowercase().starts_with(d));
    if (lower_start || determiner) && (1..=8).contains(&words.len()) && !subject.contains(',') {
        return Some(Mention::Collective(subject));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, capacity: Option<&str>) -> Option<Mention> {
        Some(Mention::Named {
            name: name.into(),
            capacity: capacity.map(Into::into),
        })
    }

    #[test]
    fn inverted_attribution_with_capacity_and_relative_clause() {
        let s = analyze(
            "\u{201c}We can.\u{201d} said Wang Gang, a deputy to the NPC and chairman of Jinjing Group, which is based in Zibo.",
        );
        assert_eq!(
            s.mention,
            named(
                "Wang Gang",
                Some("a deputy to the NPC and chairman of Jinjing Group")
            )
        );
        assert_eq!(s.quotes, ["We can."]);
    }

    #[test]
    fn collective_surname_and_pronoun() {
        let s = analyze(
            "Shandong shoulders the responsibility, said national legislators and political advisers.",
        );
        assert_eq!(
            s.mention,
            Some(Mention::Collective(
                "national legislators and political advisers".into()
            ))
        );
        assert_eq!(s.reported, ["Shandong shoulders the responsibility"]);
        assert_eq!(
            analyze("Wang also suggested that X should go.").mention,
            named("Wang", None)
        );
        assert_eq!(
            analyze("\"Fine,\" she said.").mention,
            Some(Mention::Pronoun("she".into()))
        );
        assert_eq!(
            analyze("He added that it works.").mention,
            Some(Mention::Pronoun("he".into()))
        );
        assert_eq!(
            analyze("\"Fine,\" said Dr. Maria Lopez.").mention,
            named("Maria Lopez", None)
        );
    }

    #[test]
    fn narrative_has_no_speech() {
        let s = analyze("In Shandong, the installed capacity increased by 25.1 percent last year.");
        assert!(!s.is_speech());
    }
}
