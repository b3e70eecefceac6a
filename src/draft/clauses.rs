//! Questions from sentence shapes: "X is a Y" -> "What is X?", "X will advance Y" -> "How will X advance
//! Y?" and "What will X do?", "Y increased by 25.1 percent" -> "How much did Y increase?".

/// "What is X?" from a clause "X is a Y" with a short subject.
pub(super) fn definition(clause: &str, out: &mut Vec<String>) {
    for copula in [" is a ", " is an ", " is the ", " are "] {
        if let Some(i) = clause.find(copula) {
            let subject = clause[..i].trim();
            let n = subject.split_whitespace().count();
            if (1..=5).contains(&n) && !subject.contains(',') {
                let verb = if copula == " are " { "are" } else { "is" };
                let subject = lower_first(subject);
                out.push(format!("What {verb} {subject}?"));
            }
            return;
        }
    }
}

const MODALS: &[&str] = &["will", "should", "must", "can", "could", "would"];

/// "How will X advance Y?" and "What will X do?" from "X will (unswervingly) advance Y"; "it" stands for
/// the report's main subject.
pub(super) fn modal_questions(clause: &str, main_subject: Option<&str>, out: &mut Vec<String>) {
    let words: Vec<&str> = clause.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        let modal = w.to_lowercase();
        if !MODALS.contains(&modal.as_str()) || i + 1 >= words.len() {
            continue;
        }
        // "can it lead" (inverted) or "Shandong will advance".
        let (subject, mut rest) = match words[i + 1].to_lowercase().as_str() {
            "it" | "they" | "we" if i > 0 => (pronoun_subject(words[i + 1], main_subject), i + 2),
            _ => {
                let start = words[..i]
                    .iter()
                    .rposition(|w| !is_capitalized(w))
                    .map_or(0, |k| k + 1);
                let determined = i >= 2
                    && matches!(
                        words[i - 2].to_lowercase().as_str(),
                        "the" | "this" | "our" | "its"
                    )
                    && words[i - 1].chars().all(char::is_alphabetic);
                let subject = if start < i {
                    Some(words[start..i].join(" "))
                } else if determined {
                    Some(format!("{} {}", words[i - 2].to_lowercase(), words[i - 1]))
                } else {
                    None
                };
                let subject = subject.or_else(|| {
                    (i > 0 && matches!(words[i - 1].to_lowercase().as_str(), "we" | "it" | "they"))
                        .then(|| pronoun_subject(words[i - 1], main_subject))
                        .flatten()
                });
                (subject, i + 1)
            }
        };
        let Some(subject) = subject else { continue };
        let adverb = |w: &str| {
            super::topics::is_adverb(w) || matches!(w, "also" | "still" | "soon" | "now" | "then")
        };
        while rest < words.len() && adverb(&words[rest].to_lowercase()) {
            rest += 1;
        }
        let predicate = predicate(&words[rest..]);
        if predicate.is_empty() {
            continue;
        }
        out.push(format!("How {modal} {subject} {predicate}?"));
        out.push(format!("What {modal} {subject} do?"));
    }
}

/// The predicate of a clause, at most 12 words: a list ("green, low-carbon, and ...") stays whole, but a
/// comma before "as well as", "while", "which", ... or a closing quote ends it.
fn predicate(words: &[&str]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for (i, word) in words.iter().enumerate().take(12) {
        let next = words
            .get(i + 1)
            .map(|w| w.to_lowercase())
            .unwrap_or_default();
        let breaks = word.ends_with(',')
            && matches!(
                next.as_str(),
                "as" | "while" | "which" | "who" | "but" | "so" | "adding" | "saying" | "said"
            );
        kept.push(word);
        if breaks || word.ends_with([';', '"', '\u{201d}', '.']) {
            break;
        }
    }
    kept.join(" ")
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

fn pronoun_subject(pronoun: &str, main_subject: Option<&str>) -> Option<String> {
    match pronoun.to_lowercase().as_str() {
        "we" => Some("we".to_string()),
        _ => main_subject.map(str::to_string),
    }
}

fn is_capitalized(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '\'')
}

/// "How much did X increase?" from "X increased by 25.1 percent".
pub(super) fn quantity(clause: &str, out: &mut Vec<String>) {
    const VERBS: &[(&str, &str)] = &[
        ("increased", "increase"),
        ("rose", "rise"),
        ("grew", "grow"),
        ("fell", "fall"),
        ("dropped", "drop"),
        ("declined", "decline"),
        ("decreased", "decrease"),
        ("jumped", "jump"),
        ("reached", "reach"),
        ("climbed", "climb"),
        ("doubled", "double"),
    ];
    for (past, base) in VERBS {
        let Some(i) = clause.find(&format!(" {past} ")) else {
            continue;
        };
        let after = &clause[i + past.len() + 2..];
        if !after
            .split_whitespace()
            .take(3)
            .any(|w| w.chars().any(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let before = &clause[..i];
        let subject = before.rsplit(',').next().unwrap_or(before).trim();
        let subject = subject
            .strip_prefix("the ")
            .or_else(|| subject.strip_prefix("The "))
            .unwrap_or(subject);
        if !subject.is_empty() && subject.split_whitespace().count() <= 12 {
            out.push(format!("How much did the {subject} {base}?"));
        }
        return;
    }
}

/// The base form of a speech verb.
pub(super) fn base_verb(verb: &str) -> &str {
    match verb {
        "suggested" => "suggest",
        "proposed" => "propose",
        "recommended" => "recommend",
        "urged" => "urge",
        other => other,
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_lowercase().collect::<String>())
        .unwrap_or_default();
    let keep = text
        .split_whitespace()
        .next()
        .is_some_and(|w| w.chars().skip(1).any(char::is_uppercase));
    if keep {
        text.to_string()
    } else {
        first + chars.as_str()
    }
}
