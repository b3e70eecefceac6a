//! How knowledge becomes text the front ends show: a quote's attribution line, the help message and the list
//! of sources.

use super::{Engine, Quoted, Rendered, defuse, escape};
use crate::knowledge::Voice;

impl Engine {
    pub(super) fn quoted(&self, doc: usize) -> Quoted {
        let entry = &self.knowledge.entries[doc];
        let source = self.knowledge.source_of(entry);
        let speaker = self.knowledge.speaker_of(entry);
        let who = match (speaker, entry.voice) {
            (Some(s), voice) => {
                let mut who = capitalize(&s.name);
                if let Some(capacity) = &s.capacity {
                    who = format!("{who}, {capacity}");
                }
                let whose = match voice {
                    Voice::OwnWords => "own words",
                    Voice::Reported => "as reported",
                    Voice::Narrative => "the report's narrative",
                    Voice::Caption => "photo caption",
                };
                format!("{who} ({whose})")
            }
            (None, Voice::Caption) => "Photo caption".to_string(),
            (None, _) => "The report's own narrative".to_string(),
        };
        let mut line = format!("{who} — \"{}\", {}", source.title, source.date);
        if let Some(publisher) = &source.publisher {
            line.push_str(&format!(", {publisher}"));
        }
        if let Some(url) = &source.url {
            line.push_str(&format!(", {url}"));
        }
        Quoted {
            entry: entry.id.clone(),
            key: self.knowledge.key(entry),
            quote: entry.quote.clone(),
            source: line,
            speaker: speaker.map(|s| s.name.clone()),
            voice: entry.voice,
            title: source.title.clone(),
            date: source.date.clone(),
        }
    }

    /// The help message: what verbatim knows and how to ask.
    pub fn help(&self, how_to_ask: &str) -> Rendered {
        let mut plain =
            String::from("I answer questions with verbatim quotes from these reports:\n");
        let mut html = String::from(
            "<p>I answer questions with verbatim quotes from these reports:</p>\n<ul>\n",
        );
        for source in &self.knowledge.sources {
            plain.push_str(&format!("- \"{}\" ({})\n", source.title, source.date));
            html.push_str(&format!(
                "<li><em>{}</em> ({})</li>\n",
                escape(&source.title),
                escape(&source.date)
            ));
        }
        html.push_str("</ul>\n");
        let examples: Vec<&str> = self
            .knowledge
            .entries
            .iter()
            .filter_map(|e| e.phrasings.first())
            .map(String::as_str)
            .take(3)
            .collect();
        plain.push_str(&format!(
            "{how_to_ask}\nFor example: {}",
            examples.join(" / ")
        ));
        html.push_str(&format!(
            "<p>{}<br>For example: {}</p>",
            escape(how_to_ask),
            escape(&examples.join(" / "))
        ));
        Rendered {
            plain: defuse(&plain),
            html: defuse(&html),
        }
    }

    /// The sources message: each source with its title and date.
    pub fn sources(&self) -> Rendered {
        let mut plain = String::from("My sources:");
        let mut html = String::from("<p>My sources:</p>\n<ul>\n");
        for (index, source) in self.knowledge.sources.iter().enumerate() {
            let entries = self
                .knowledge
                .entries
                .iter()
                .filter(|e| e.source == index)
                .count();
            let extra: String = [&source.publisher, &source.url]
                .into_iter()
                .flatten()
                .map(|x| format!(", {x}"))
                .collect();
            plain.push_str(&format!(
                "\n- \"{}\", {}{extra} ({} entries)",
                source.title, source.date, entries
            ));
            html.push_str(&format!(
                "<li><em>{}</em>, {}{} ({} entries)</li>\n",
                escape(&source.title),
                escape(&source.date),
                escape(&extra),
                entries
            ));
        }
        html.push_str("</ul>");
        if self.knowledge.sources.len() > 1 {
            let how = "To ask about one of them, name a word of its title (\"what is the bridge story about?\"); \
                       questions about \"the report\" are answered for each.";
            plain.push_str(&format!("\n{how}"));
            html.push_str(&format!("\n<p>{}</p>", escape(how)));
        }
        Rendered {
            plain: defuse(&plain),
            html: defuse(&html),
        }
    }
}

pub(super) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
