//! Questions about several speakers at once: "What did Hou Yugang and Wang Gang say about energy?", "what did
//! the deputies propose?". The reply holds one quote per speaker, each a verbatim passage with its own
//! attribution, at most `[matching] max_quotes` of them.

use super::Engine;
use crate::matcher::lexicon::{is_frame_word, is_stop_word};
use crate::matcher::normalize::{fold, stem, words};

impl Engine {
    /// The entries that answer `question` for each speaker it names (two or more), or for each speaker a plural
    /// word of it stands for ("the deputies": every speaker whose capacity says "deputy"), each decided as its own
    /// question would be; `None` when it asks about one speaker or none, or no speaker has an answer.
    pub(super) fn several(&self, question: &str) -> Option<Vec<usize>> {
        let ws = words(&fold(question), 64);
        let named = self.named_speakers(&ws);
        let (speakers, drop): (Vec<usize>, Vec<String>) = if named.len() >= 2 {
            let names = named.iter().flat_map(|&s| self.name_words(s)).collect();
            (named, names)
        } else if named.is_empty() {
            let (group, word) = self.group(&ws)?;
            (group, vec![word])
        } else {
            return None;
        };
        let rest: Vec<&String> = ws.iter().filter(|w| !drop.contains(w)).collect();
        let mut found: Vec<usize> = Vec::new();
        for &s in &speakers {
            // The question asked of this speaker alone, decided as any question is.
            let asked = format!(
                "{} {}",
                self.knowledge.speakers[s].name,
                rest.iter()
                    .map(|w| w.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let inspection = self.matcher.inspect(&asked);
            let best = inspection.ranked.first().map(|b| b.doc);
            if self.matcher.answers(&inspection)
                && let Some(doc) = best
                && self.knowledge.entries[doc].speaker == Some(s)
            {
                found.push(doc);
            }
        }
        found.truncate(self.matcher.config().max_quotes);
        (!found.is_empty()).then_some(found)
    }

    /// Whether `question` names two or more speakers.
    pub(super) fn names_several(&self, question: &str) -> bool {
        self.named_speakers(&words(&fold(question), 64)).len() >= 2
    }

    /// The folded words of speaker `s`'s name.
    fn name_words(&self, s: usize) -> Vec<String> {
        words(&fold(&self.knowledge.speakers[s].name), 8)
    }

    /// The speakers that folded question words name, each once, in question order: by a word of their name
    /// that no other speaker's name has ("Hou", "Yugang"), or by every word of their name.
    fn named_speakers(&self, ws: &[String]) -> Vec<usize> {
        let speakers = &self.knowledge.speakers;
        let mut named: Vec<(usize, usize)> = Vec::new();
        for (s, _) in speakers.iter().enumerate() {
            let name = self.name_words(s);
            if name.len() > 4 {
                continue; // a collective ("national legislators and political advisers")
            }
            let own = |w: &String| {
                w.len() > 1
                    && !is_stop_word(w)
                    && speakers
                        .iter()
                        .enumerate()
                        .all(|(o, _)| o == s || !self.name_words(o).contains(w))
            };
            let at = ws
                .iter()
                .position(|w| name.contains(w) && own(w))
                .or_else(|| {
                    name.iter()
                        .all(|n| ws.contains(n))
                        .then(|| ws.iter().position(|w| w == &name[0]).unwrap_or(0))
                });
            if let Some(at) = at
                && !named.iter().any(|n| n.1 == s)
            {
                named.push((at, s));
            }
        }
        named.sort();
        named.into_iter().map(|(_, s)| s).collect()
    }

    /// A plural word of the question that two or more speakers' capacities hold ("deputies"), and those
    /// speakers.
    fn group(&self, ws: &[String]) -> Option<(Vec<usize>, String)> {
        for w in ws {
            if is_stop_word(w) || is_frame_word(w) || stem(w) == *w || !w.ends_with('s') {
                continue;
            }
            let stemmed = stem(w);
            let members: Vec<usize> = (0..self.knowledge.speakers.len())
                .filter(|&s| {
                    self.knowledge.speakers[s]
                        .capacity
                        .as_ref()
                        .is_some_and(|c| {
                            words(&fold(c), usize::MAX)
                                .iter()
                                .any(|x| stem(x) == stemmed)
                        })
                })
                .collect();
            if members.len() >= 2 {
                return Some((members, w.clone()));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::answer::{Engine, Outcome};
    use crate::matcher::MatcherConfig;

    fn engine() -> Engine {
        Engine::load(&[], MatcherConfig::default()).unwrap().0
    }

    fn speakers(question: &str) -> Vec<String> {
        let reply = engine().ask(question);
        assert_eq!(reply.outcome, Outcome::Answer, "{question}: {reply:?}");
        reply
            .quotes
            .iter()
            .map(|q| q.speaker.clone().unwrap_or_default())
            .collect()
    }

    #[test]
    fn two_named_speakers_get_a_quote_each() {
        assert_eq!(
            speakers("What did Hou Yugang and Wang Gang say about energy?"),
            ["Hou Yugang", "Wang Gang"]
        );
        assert_eq!(
            speakers("zhou and wang: what did they suggest?"),
            ["Zhou Yunjie", "Wang Gang"]
        );
    }

    #[test]
    fn a_plural_that_several_capacities_hold() {
        let said = speakers("what did the deputies propose?");
        assert!(said.len() >= 2, "{said:?}");
        assert!(
            said.contains(&"Wang Gang".to_string()) && said.contains(&"Zhou Yunjie".to_string())
        );
    }

    #[test]
    fn one_speaker_is_one_quote() {
        let reply = engine().ask("What did Wang Gang suggest?");
        assert_eq!(reply.quotes.len(), 1, "{reply:?}");
    }
}
