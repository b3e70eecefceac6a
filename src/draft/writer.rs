//! Writing a [`Draft`] as a knowledge file (TOML), with a `# review:` comment above every generated field
//! that a curator should check, the phrasings that were dropped, and the sentences that no entry quotes.

use std::fmt::Write as _;

use super::{Draft, DraftEntry};

/// A TOML basic string: `"..."` with `\` and `"` escaped and control characters as `\uXXXX`.
///
/// ```
/// use verbatim::draft::writer::toml_string;
/// assert_eq!(toml_string("say \"hi\"\\"), "\"say \\\"hi\\\"\\\\\"");
/// ```
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The draft as a knowledge file.
///
/// ```
/// use verbatim::draft::{draft, DraftOptions, writer::to_toml};
/// let d = draft("A title\n\nUpdated : 2024-01-05\n\nThe library holds 12,000 books.\n",
///               &DraftOptions { source_path: "sources/r.txt".into(), ..Default::default() });
/// let text = to_toml(&d);
/// assert!(text.contains("text = \"sources/r.txt\""));
/// assert!(text.contains("# review:"));
/// ```
pub fn to_toml(draft: &Draft) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Knowledge file drafted by `verbatim draft` from {}.",
        draft.source_path
    );
    out.push_str("# Every `# review:` comment marks a generated field: check it against the report, reword the phrasings\n");
    out.push_str("# as readers would ask, delete the comments you have dealt with, then run `verbatim check` on this file.\n\n");
    out.push_str("[source]\n");
    out.push_str("# review: id made from the title and year; keep it stable once deployed\n");
    let _ = writeln!(out, "id = {}", toml_string(&draft.id));
    let _ = writeln!(out, "title = {}", toml_string(&draft.title));
    if draft.date.is_empty() {
        out.push_str("# review: no date found in the report; write the publication date here\n");
    }
    let _ = writeln!(
        out,
        "date = {}",
        toml_string(if draft.date.is_empty() {
            "unknown"
        } else {
            &draft.date
        })
    );
    out.push_str("# The full report; copy it to this path, relative to this file.\n");
    let _ = writeln!(out, "text = {}", toml_string(&draft.source_path));
    if !draft.skip.is_empty() {
        out.push_str("# review: page furniture that no entry quotes\n");
        let items: Vec<String> = draft.skip.iter().map(|s| toml_string(s)).collect();
        let _ = writeln!(out, "skip = [{}]", items.join(", "));
    }
    if !draft.uncovered.is_empty() {
        out.push_str(
            "# review: sentences no entry quotes; add entries for them or list them under skip:\n",
        );
        for sentence in &draft.uncovered {
            let _ = writeln!(out, "#   {}", one_line(sentence));
        }
    }
    for speaker in &draft.speakers {
        out.push_str("\n[[speakers]]\n");
        if speaker.collective {
            out.push_str("# review: a collective source, named as the report names it\n");
        } else if speaker.capacity.is_some() {
            out.push_str("# review: name and capacity from the first full mention\n");
        } else {
            out.push_str(
                "# review: no capacity found in the report; add one if it gives it elsewhere\n",
            );
        }
        let _ = writeln!(out, "id = {}", toml_string(&speaker.id));
        let _ = writeln!(out, "name = {}", toml_string(&speaker.name));
        if let Some(capacity) = &speaker.capacity {
            let _ = writeln!(out, "capacity = {}", toml_string(capacity));
        }
    }
    for entry in &draft.entries {
        out.push('\n');
        entry_toml(&mut out, draft, entry);
    }
    out
}

fn entry_toml(out: &mut String, draft: &Draft, entry: &DraftEntry) {
    out.push_str("[[entries]]\n");
    let _ = writeln!(out, "id = {}", toml_string(&entry.id));
    for note in &entry.notes {
        let _ = writeln!(out, "# review: {note}");
    }
    let _ = writeln!(out, "voice = \"{}\"", entry.voice);
    if let Some(i) = entry.speaker {
        let _ = writeln!(out, "speaker = {}", toml_string(&draft.speakers[i].id));
    }
    out.push_str(
        "# review: phrasings drafted from the passage's key terms; each resolves to this entry\n",
    );
    out.push_str("phrasings = [\n");
    for phrasing in &entry.phrasings {
        let _ = writeln!(out, "  {},", toml_string(phrasing));
    }
    out.push_str("]\n");
    for (phrasing, why) in entry.dropped.iter().take(6) {
        let _ = writeln!(out, "# dropped: {} ({why})", one_line(phrasing));
    }
    let _ = writeln!(out, "quote = {}", toml_string(&entry.quote));
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
