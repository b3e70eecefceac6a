//! Drafting the question phrasings of an entry from its passage: its key terms, its speaker, and a few
//! sentence shapes that turn into questions ("X will advance Y" -> "How will X advance Y?", "X is a Y" ->
//! "What is X?", "Y increased by 25.1 percent" -> "How much did Y increase?"). Phrasings come best first;
//! [`settle`](super::settle) keeps those that the matcher resolves to their own entry.

use super::clauses::{base_verb, definition, modal_questions, quantity};
use super::sentences::{Kind, credit, find_date};
use super::speakers::DraftSpeaker;
use super::speech::Speech;
use super::topics::{Vocabulary, keywords, topics};

/// Everything the phrasings of one entry are drafted from.
#[derive(Debug, Clone, Copy)]
pub struct Passage<'a> {
    /// What the unit is.
    pub kind: Kind,
    /// The unit's text.
    pub text: &'a str,
    /// Its speech, if any.
    pub speech: &'a Speech,
    /// Its speaker, if any.
    pub speaker: Option<&'a DraftSpeaker>,
    /// Whether this passage introduces the speaker (gives the "Who is X?" phrasing).
    pub introduces: bool,
    /// The proper noun the report names most often, standing in for "it" ("can it lead" -> "can Shandong
    /// lead").
    pub main_subject: Option<&'a str>,
    /// Every speaker of the report (a role that several hold asks for none of them).
    pub speakers: &'a [DraftSpeaker],
    /// The name the report uses for the speaker after introducing them ("Zhang"), if any.
    pub short_name: Option<&'a str>,
}

/// Candidate phrasings for a passage, best first, without duplicates.
///
/// ```
/// use verbatim::draft::phrasings::{candidates, Passage};
/// use verbatim::draft::sentences::Kind;
/// use verbatim::draft::speech::analyze;
/// use verbatim::draft::topics::Vocabulary;
/// let text = "In 2023, the number of visitors rose by 5 percent.";
/// let speech = analyze(text);
/// let passage = Passage { kind: Kind::Sentence, text, speech: &speech, speaker: None, introduces: false,
///     main_subject: None, speakers: &[], short_name: None };
/// let found = candidates(&passage, &Vocabulary::new([text, "other"]));
/// assert!(found.contains(&"How much did the number of visitors rise?".to_string()), "{found:?}");
/// ```
pub fn candidates(p: &Passage, v: &Vocabulary) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    match p.kind {
        Kind::Title => title(p.text, v, &mut out),
        Kind::Date => date(p.text, &mut out),
        Kind::Caption => caption(p.text, v, &mut out),
        Kind::Sentence => sentence(p, v, &mut out),
        Kind::Furniture => {}
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|q| {
        let key = crate::matcher::normalize::words(&crate::matcher::normalize::fold(q), usize::MAX)
            .join(" ");
        !key.is_empty() && seen.insert(key)
    });
    out
}

fn title(text: &str, v: &Vocabulary, out: &mut Vec<String>) {
    out.push("What is the headline of this report?".into());
    out.push("What is the title of the report?".into());
    out.push("headline".into());
    out.push(format!("headline {}", keywords(text, v, &[], 4)));
}

fn date(text: &str, out: &mut Vec<String>) {
    let word = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphabetic())
        .to_lowercase();
    let verb = if word.ends_with("ed") {
        word.as_str()
    } else {
        "published"
    };
    out.push(format!("When was this report {verb}?"));
    out.push("What is the publication date?".into());
    out.push(format!("{verb} date"));
    out.push("date of the report".into());
}

fn caption(text: &str, v: &Vocabulary, out: &mut Vec<String>) {
    let credit_text = credit(text).unwrap_or("");
    let body = text
        .strip_suffix(&format!("[{credit_text}]"))
        .unwrap_or(text);
    let subjects = topics(body, v, &[], 3);
    let Some(subject) = subjects.first() else {
        return;
    };
    out.push(format!("Where was the photo of {subject} taken?"));
    out.push(format!("What does the photo of {subject} show?"));
    if let Some(by) = credit_text.split_once(" by ").map(|(_, by)| by.trim()) {
        out.push(format!("Who took the photo of {subject}?"));
        out.push(format!("photo credit {by}"));
    }
    if find_date(body).is_some() {
        out.push(format!("When was the photo of {subject} taken?"));
    }
    let place = subjects
        .iter()
        .skip(1)
        .find(|t| t.chars().next().is_some_and(char::is_uppercase) && !t.contains("Photo"));
    if let Some(place) = place {
        out.push(format!("photo of {subject} in {place}"));
    }
    out.push(format!("photo {}", keywords(body, v, &[], 4)));
}

fn sentence(p: &Passage, v: &Vocabulary, out: &mut Vec<String>) {
    let exclude: Vec<String> = p
        .speaker
        .map(|s| s.name.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let content: Vec<&str> = if p.speech.quotes.is_empty() && p.speech.reported.is_empty() {
        vec![p.text]
    } else {
        p.speech
            .quotes
            .iter()
            .chain(&p.speech.reported)
            .map(String::as_str)
            .collect()
    };
    let joined = content.join(" ");
    let found = topics(&joined, v, &exclude, 3);
    let who = p.speaker.map(|s| s.name.as_str());
    if p.introduces {
        if let Some(s) = p.speaker.filter(|s| !s.collective) {
            out.push(format!("Who is {}?", s.name));
            roles(s, p.speakers, out);
        }
        based_in(p.text, out);
    }
    let verb = p.speech.verb.as_deref().map(base_verb);
    if let (Some(who), Some(verb)) = (
        who,
        verb.filter(|v| matches!(*v, "suggest" | "propose" | "recommend" | "urge")),
    ) {
        out.push(format!("What did {who} {verb}?"));
    }
    for topic in found.iter().take(2) {
        match who {
            Some(who) => out.push(format!("What did {who} say about {topic}?")),
            None => out.push(format!("What does the report say about {topic}?")),
        }
    }
    // How strangers refer to the speaker: the short name the report uses, and a role from the capacity that no
    // other speaker shares ("the Tianfu Cloud-Compute general manager").
    if let Some(speaker) = p.speaker.filter(|s| !s.collective) {
        let role = speaker
            .capacity
            .as_deref()
            .map(super::refer::roles)
            .and_then(|roles| {
                roles.into_iter().find(|r| {
                    r.contains(' ')
                        && !p.speakers.iter().any(|o| {
                            o.id != speaker.id
                                && o.capacity
                                    .as_deref()
                                    .is_some_and(|c| c.contains(r.as_str()))
                        })
                })
            });
        for topic in found.iter().take(2) {
            if let Some(short) = p.short_name {
                out.push(format!("What did {short} say about {topic}?"));
            }
            if let Some(role) = &role {
                out.push(format!("What did the {role} say about {topic}?"));
            }
        }
        if p.introduces {
            if let Some(short) = p.short_name {
                out.push(format!("What is {short}'s job?"));
            }
            if let Some(role) = &role {
                out.push(format!("Who is the {role}?"));
            }
        }
    }
    for clause in &content {
        definition(clause, out);
        modal_questions(clause, p.main_subject, out);
        quantity(clause, out);
    }
    let base = keywords(&joined, v, &exclude, 4);
    match who {
        Some(who) => out.push(format!("{who} {base}")),
        None => out.push(base),
    }
    for topic in found
        .iter()
        .skip(2)
        .filter(|t| t.split_whitespace().count() > 1)
        .take(2)
    {
        out.push(topic.to_lowercase());
    }
    out.push(keywords(&joined, v, &exclude, 6));
}

/// "Who is the chairman of X?" for each role of a capacity that names an organization.
fn roles(speaker: &DraftSpeaker, all: &[DraftSpeaker], out: &mut Vec<String>) {
    let Some(capacity) = &speaker.capacity else {
        return;
    };
    let mut parts: Vec<String> = Vec::new();
    let mut pending = String::new();
    for part in capacity.split(" and ") {
        pending = if pending.is_empty() {
            part.to_string()
        } else {
            format!("{pending} and {part}")
        };
        if pending.contains(" of ") || pending.contains(" to ") || pending.contains(" at ") {
            parts.push(std::mem::take(&mut pending));
        }
    }
    for role in parts {
        let role = role
            .trim_start_matches("a ")
            .trim_start_matches("an ")
            .trim_start_matches("the ");
        let shared = all
            .iter()
            .any(|o| o.id != speaker.id && o.capacity.as_ref().is_some_and(|c| c.contains(role)));
        if shared {
            continue;
        }
        out.push(format!("Who is the {role}?"));
    }
    let possessive = if speaker.name.ends_with('s') {
        "'"
    } else {
        "'s"
    };
    out.push(format!("What is {}{possessive} position?", speaker.name));
}

/// "Where is X based?" from "X, which is based in Y".
fn based_in(text: &str, out: &mut Vec<String>) {
    for marker in [
        ", which is based in",
        ", based in",
        ", headquartered in",
        ", which is headquartered in",
    ] {
        if let Some(i) = text.find(marker) {
            let org = trailing_proper_noun(&text[..i]);
            if !org.is_empty() {
                out.push(format!("Where is {org} based?"));
                return;
            }
        }
    }
}

/// The run of capitalized words that ends `text` ("... chairman of Jinjing Group" -> "Jinjing Group").
fn trailing_proper_noun(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let start = words
        .iter()
        .rposition(|w| !w.chars().next().is_some_and(char::is_uppercase))
        .map_or(0, |i| i + 1);
    words[start..].join(" ")
}
