//! The answers to questions about the knowledge as a whole: [`Overview`] finds, in each source, what answers
//! them (the headline, the lead passage, the date line, the last passage, the speakers, the entries in the
//! report's order), all from the knowledge's own entries and speakers, so every quote is still a verbatim
//! passage; the engine's overview answers narrow them to the sources a question names.

use super::intents::Intent;
use super::{Engine, Prepared, Reply, capitalize};
use crate::knowledge::check::fold_for_quote;
use crate::knowledge::{Knowledge, Voice};
use crate::matcher::normalize::{fold, stem, words};
use crate::matcher::question::{Role, asked_part};

/// What answers the overview questions in one source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceOverview {
    /// The entry quoting the headline.
    pub headline: Option<usize>,
    /// The entry quoting the first passage of the report's own text after the headline and date.
    pub lead: Option<usize>,
    /// The entry quoting the date line.
    pub date: Option<usize>,
    /// The source's speakers, in the order the report introduces them.
    pub speakers: Vec<usize>,
    /// The source's entries in the order of the report's text.
    pub order: Vec<usize>,
    /// The entry quoting the last passage of the text that is not a photo caption.
    pub last: Option<usize>,
    /// The photo captions, in the order of the report's text.
    pub captions: Vec<usize>,
}

/// The overview of every source of a knowledge base.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    /// One per source, in the knowledge's order.
    pub sources: Vec<SourceOverview>,
}

impl Overview {
    /// Finds the headline, lead, date and speakers of each source among its entries.
    pub fn new(knowledge: &Knowledge) -> Overview {
        let sources = knowledge
            .sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                let text = fold_for_quote(&source.text);
                let title = fold_for_quote(&source.title);
                // Entries of this source with where their quote starts in the text, in text order.
                let mut entries: Vec<(usize, usize)> = knowledge
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.source == index)
                    .map(|(i, e)| {
                        (
                            text.find(&fold_for_quote(&e.quote)).unwrap_or(usize::MAX),
                            i,
                        )
                    })
                    .collect();
                entries.sort();
                let quote = |i: usize| fold_for_quote(&knowledge.entries[i].quote);
                let headline = entries.iter().map(|&(_, i)| i).find(|&i| quote(i) == title);
                let date = entries.iter().map(|&(_, i)| i).find(|&i| {
                    let e = &knowledge.entries[i];
                    e.voice == Voice::Narrative
                        && e.quote.contains(source.date.trim())
                        && e.quote.len() < 3 * source.date.len() + 40
                });
                let lead = entries.iter().map(|&(_, i)| i).find(|&i| {
                    let e = &knowledge.entries[i];
                    Some(i) != headline
                        && Some(i) != date
                        && matches!(e.voice, Voice::Narrative | Voice::Reported)
                        && e.quote.split_whitespace().count() >= 12
                });
                let mut speakers: Vec<usize> = Vec::new();
                for &(_, i) in &entries {
                    if let Some(s) = knowledge.entries[i].speaker
                        && !speakers.contains(&s)
                    {
                        speakers.push(s);
                    }
                }
                let order: Vec<usize> = entries.iter().map(|&(_, i)| i).collect();
                let caption = |&i: &usize| knowledge.entries[i].voice == Voice::Caption;
                SourceOverview {
                    headline,
                    lead,
                    date,
                    speakers,
                    last: order.iter().rev().find(|i| !caption(i)).copied(),
                    captions: order.iter().filter(|i| caption(i)).copied().collect(),
                    order,
                }
            })
            .collect();
        Overview { sources }
    }
}

impl Overview {
    /// Whether entry `doc` quotes the headline or the date line of its source.
    pub fn is_headline_or_date(&self, doc: usize) -> bool {
        self.sources
            .iter()
            .any(|s| s.headline == Some(doc) || s.date == Some(doc))
    }
}

impl Engine {
    /// Fills `reply` with the answer to an overview question, for each source; false if there is none. With
    /// `found_one` (the question found one source's headline or date line), the sources are those whose title
    /// holds a knowledge word of the question, else all: words of how it is asked ("word for word") do not
    /// make it a question about a passage.
    pub(super) fn overview(
        &self,
        reply: &mut Reply,
        kind: Intent,
        prepared: &Prepared,
        found_one: bool,
    ) -> bool {
        let question = &prepared.question;
        // The sources the question is about: those whose title holds every knowledge word it has ("what is
        // the bridge story about?"), all of them when it has none; a question with other knowledge words is
        // about something in a report, not the report.
        let asked = words(&fold(&asked_part(question)), usize::MAX);
        let known: Vec<String> = prepared
            .inspection
            .query
            .roles
            .iter()
            .filter(|(w, role)| *role == Role::Known && asked.contains(w) && !self.intents.uses(w))
            .map(|(w, _)| stem(w))
            .collect();
        let titles: Vec<Vec<String>> = self
            .knowledge
            .sources
            .iter()
            .map(|source| {
                words(&fold(&source.title), usize::MAX)
                    .iter()
                    .map(|w| stem(w))
                    .collect()
            })
            .collect();
        let named = |s: usize| {
            let in_title = |k: &String| titles[s].contains(k);
            if found_one {
                known.iter().any(in_title)
            } else {
                known.iter().all(in_title)
            }
        };
        let all = 0..self.knowledge.sources.len();
        let mut sources: Vec<usize> = all.clone().filter(|&s| named(s)).collect();
        if found_one && sources.is_empty() {
            sources = all.collect();
        }
        if sources.is_empty() && kind != Intent::Speakers {
            return false;
        }
        let entries = |pick: &dyn Fn(&SourceOverview) -> Vec<Option<usize>>| -> Vec<usize> {
            sources
                .iter()
                .flat_map(|&s| pick(&self.overview.sources[s]))
                .flatten()
                .collect()
        };
        let chosen = match kind {
            // With one source its headline and lead; with several, each one's headline.
            Intent::About if sources.len() == 1 => entries(&|s| vec![s.headline, s.lead]),
            Intent::About => entries(&|s| vec![s.headline]),
            Intent::Date => entries(&|s| vec![s.date]),
            Intent::Headline => entries(&|s| vec![s.headline]),
            Intent::Lead => entries(&|s| vec![s.lead]),
            Intent::Ending => entries(&|s| vec![s.last]),
            Intent::Speakers => {
                reply.listing = self.speakers(question);
                return reply.listing.is_some();
            }
            Intent::Author => {
                let lines: Vec<String> = sources
                    .iter()
                    .map(|&s| &self.knowledge.sources[s])
                    .filter_map(|s| {
                        s.publisher
                            .as_ref()
                            .map(|p| format!("\"{}\": {p}", s.title))
                    })
                    .collect();
                if lines.is_empty() {
                    return false;
                }
                reply.listing = Some((lines, "as the reports give their publishers".to_string()));
                return true;
            }
            Intent::Sources => {
                let lines = self
                    .knowledge
                    .sources
                    .iter()
                    .map(|s| format!("\"{}\", {}", s.title, s.date))
                    .collect();
                reply.listing = Some((lines, "verbatim's sources".to_string()));
                return true;
            }
            _ => Vec::new(),
        };
        // At most `max_quotes` quotes; the sources left out are named.
        let max = self.matcher.config().max_quotes.max(1);
        let shown: Vec<usize> = chosen.iter().take(max).copied().collect();
        let left: Vec<String> = sources
            .iter()
            .filter(|&&s| !shown.iter().any(|&d| self.knowledge.entries[d].source == s))
            .map(|&s| {
                format!(
                    "\"{}\", {}",
                    self.knowledge.sources[s].title, self.knowledge.sources[s].date
                )
            })
            .collect();
        if chosen.len() > max && !left.is_empty() {
            reply.listing = Some((
                left,
                "and these sources too: name a word of a title to ask about one".to_string(),
            ));
        }
        reply.quotes = shown.into_iter().map(|doc| self.quoted(doc)).collect();
        !reply.quotes.is_empty()
    }

    /// Who is quoted: every speaker with their capacity, or, when the question names something their capacities
    /// hold ("which NPC deputies ..."), those speakers.
    fn speakers(&self, question: &str) -> Option<(Vec<String>, String)> {
        let lexicon = self.matcher.config().lexicon.clone();
        let asked: Vec<Vec<String>> = words(&fold(&asked_part(question)), 64)
            .into_iter()
            .filter(|w| !lexicon.is_stop(w) && !lexicon.is_frame(w))
            .map(|w| {
                let mut forms = vec![stem(&w)];
                forms.extend(lexicon.synonyms(&w).iter().map(|s| stem(s)));
                forms
            })
            .collect();
        let mut all = Vec::new();
        let mut matching = Vec::new();
        let mut titles = Vec::new();
        for (index, source) in self.overview.sources.iter().enumerate() {
            for &s in &source.speakers {
                let speaker = &self.knowledge.speakers[s];
                let line = match &speaker.capacity {
                    Some(capacity) => format!("{}, {capacity}", capitalize(&speaker.name)),
                    None => capitalize(&speaker.name),
                };
                let held: Vec<String> = words(&fold(&line), usize::MAX)
                    .iter()
                    .map(|w| stem(w))
                    .collect();
                if asked
                    .iter()
                    .any(|forms| forms.iter().any(|f| held.contains(f)))
                {
                    matching.push(line.clone());
                }
                all.push(line);
            }
            let s = &self.knowledge.sources[index];
            titles.push(format!("\"{}\", {}", s.title, s.date));
        }
        let lines = if matching.is_empty() { all } else { matching };
        (!lines.is_empty()).then(|| {
            (
                lines,
                format!(
                    "Speakers as the report introduces them — {}",
                    titles.join("; ")
                ),
            )
        })
    }
}
