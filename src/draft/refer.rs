//! How strangers refer to a speaker: by the short name the report uses for them ("Zhang", "Lind"), and by a role
//! drawn from their capacity ("the Tianfu Cloud-Compute general manager", "the mayor"). Used for the phrasings
//! of every entry of that speaker.

use super::speakers::DraftSpeaker;

/// The name the report uses for `speaker` after introducing them: the part of the full name that stands alone
/// most often in the report ("Zhang" for Zhang Wenhua, "Lind" for Maria Lind); `None` for a one-word name or
/// a collective speaker.
///
/// ```
/// use verbatim::draft::refer::short_name;
/// use verbatim::draft::speakers::DraftSpeaker;
/// let s = |name: &str| DraftSpeaker { id: "x".into(), name: name.into(), capacity: None, collective: false };
/// let report = "Zhang Wenhua spoke. Zhang said more. Maria Lind agreed, Lind added.";
/// assert_eq!(short_name(&s("Zhang Wenhua"), report).as_deref(), Some("Zhang"));
/// assert_eq!(short_name(&s("Maria Lind"), report).as_deref(), Some("Lind"));
/// ```
pub fn short_name(speaker: &DraftSpeaker, report: &str) -> Option<String> {
    if speaker.collective {
        return None;
    }
    let parts: Vec<&str> = speaker.name.split_whitespace().collect();
    if parts.len() < 2 {
        return None;
    }
    let alone = |part: &str| {
        report
            .match_indices(part)
            .filter(|&(i, _)| {
                let before = report[..i].chars().next_back();
                let after = report[i + part.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
                    && !report[..i].trim_end().ends_with(parts[0])
                    && !report[i + part.len()..]
                        .trim_start()
                        .starts_with(parts[parts.len() - 1])
            })
            .count()
    };
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    Some(
        if alone(first) > alone(last) {
            first
        } else {
            last
        }
        .to_string(),
    )
}

/// Roles from a capacity, each with the organisation's short name when it has one: "an NPC deputy and general
/// manager of Chengdu-based Tianfu Cloud-Compute Technology Co" -> ["general manager of Tianfu Cloud-Compute",
/// "Tianfu Cloud-Compute general manager", "NPC deputy"].
///
/// ```
/// use verbatim::draft::refer::roles;
/// let r = roles("the mayor of Riverton");
/// assert!(r.contains(&"Riverton mayor".to_string()) && r.contains(&"mayor".to_string()));
/// let r = roles("an NPC deputy and general manager of Chengdu-based Tianfu Cloud-Compute Technology Co");
/// assert!(r.contains(&"Tianfu Cloud-Compute general manager".to_string()), "{r:?}");
/// ```
pub fn roles(capacity: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in capacity.split(" and ") {
        let part = part
            .trim()
            .trim_start_matches("a ")
            .trim_start_matches("an ")
            .trim_start_matches("the ");
        let (role, org) = match part.split_once(" of ").or_else(|| part.split_once(" at ")) {
            Some((role, org)) => (role.trim(), Some(org.trim())),
            None => (part, None),
        };
        if role.is_empty() || role.split_whitespace().count() > 4 {
            continue;
        }
        if let Some(org) = org.and_then(short_org) {
            out.push(format!("{org} {role}"));
        }
        out.push(role.to_string());
    }
    out.dedup();
    out
}

/// An organisation's short name: its capitalized words, without a leading "X-based" and trailing company
/// words ("Group", "Co", "Ltd", "Inc", "Technology"), at most three ("Tianfu Cloud-Compute").
fn short_org(org: &str) -> Option<String> {
    const TRAILING: [&str; 9] = [
        "Group",
        "Co",
        "Co.",
        "Ltd",
        "Inc",
        "Corp",
        "Company",
        "Technology",
        "Corporation",
    ];
    let words: Vec<&str> = org
        .split_whitespace()
        .filter(|w| !w.ends_with("-based"))
        .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
        .collect();
    let mut words = words;
    while words.last().is_some_and(|w| TRAILING.contains(w)) && words.len() > 1 {
        words.pop();
    }
    (!words.is_empty()).then(|| words.iter().take(3).copied().collect::<Vec<_>>().join(" "))
}
