//! Resolving speaker mentions to people: the first full mention gives the name and capacity; later mentions
//! by one part of the name ("said Hou", "Wang also suggested") or by pronoun ("he added") resolve to the same
//! person; collective sources ("national legislators and political advisers") are kept as they are.

use super::speech::Mention;

/// A speaker of the drafted knowledge file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSpeaker {
    /// Id for the knowledge file ("hou-yugang").
    pub id: String,
    /// The name as the report gives it.
    pub name: String,
    /// The capacity of the first full mention, if any.
    pub capacity: Option<String>,
    /// Whether this is a group named by a common noun phrase.
    pub collective: bool,
}

/// The speakers found so far, in order of first mention.
#[derive(Debug, Clone, Default)]
pub struct Speakers {
    /// Every speaker.
    pub all: Vec<DraftSpeaker>,
    last_person: Option<usize>,
    last_any: Option<usize>,
}

impl Speakers {
    /// Resolves a mention to a speaker index, adding a speaker when the mention names someone new. The
    /// second value is whether this mention introduced the speaker (their first named mention).
    ///
    /// ```
    /// use verbatim::draft::speakers::Speakers;
    /// use verbatim::draft::speech::Mention;
    /// let mut s = Speakers::default();
    /// let full = Mention::Named { name: "Hou Yugang".into(), capacity: Some("a deputy".into()) };
    /// assert_eq!(s.resolve(&full), Some((0, true)));
    /// assert_eq!(s.resolve(&Mention::Named { name: "Hou".into(), capacity: None }), Some((0, false)));
    /// assert_eq!(s.resolve(&Mention::Pronoun("he".into())), Some((0, false)));
    /// assert_eq!(s.all[0].capacity.as_deref(), Some("a deputy"));
    /// ```
    pub fn resolve(&mut self, mention: &Mention) -> Option<(usize, bool)> {
        let found = match mention {
            Mention::Named { name, capacity } => self.named(name, capacity.as_deref()),
            Mention::Pronoun(p) if p == "they" => self.last_any.map(|i| (i, false)),
            Mention::Pronoun(_) => self.last_person.map(|i| (i, false)),
            Mention::Collective(phrase) => Some(self.collective(phrase)),
        };
        if let Some((i, _)) = found {
            self.last_any = Some(i);
            if !self.all[i].collective {
                self.last_person = Some(i);
            }
        }
        found
    }

    fn named(&mut self, name: &str, capacity: Option<&str>) -> Option<(usize, bool)> {
        let words: Vec<&str> = name.split_whitespace().collect();
        let same = |s: &DraftSpeaker| {
            !s.collective
                && (s.name == name
                    || (words.len() == 1 && s.name.split_whitespace().any(|w| w == words[0])))
        };
        if let Some(i) = self.all.iter().position(same) {
            let speaker = &mut self.all[i];
            if speaker.capacity.is_none() && capacity.is_some() {
                speaker.capacity = capacity.map(str::to_string);
            }
            return Some((i, false));
        }
        // A full name whose surname was seen alone first: the full mention wins.
        if let Some(i) = self
            .all
            .iter()
            .position(|s| !s.collective && words.contains(&s.name.as_str()))
        {
            let speaker = &mut self.all[i];
            speaker.name = name.to_string();
            speaker.capacity = speaker.capacity.take().or(capacity.map(str::to_string));
            return Some((i, true));
        }
        Some(self.add(name, capacity, false))
    }

    fn collective(&mut self, phrase: &str) -> (usize, bool) {
        match self
            .all
            .iter()
            .position(|s| s.collective && s.name.eq_ignore_ascii_case(phrase))
        {
            Some(i) => (i, false),
            None => self.add(phrase, None, true),
        }
    }

    fn add(&mut self, name: &str, capacity: Option<&str>, collective: bool) -> (usize, bool) {
        let bare = name
            .strip_prefix("the ")
            .or_else(|| name.strip_prefix("The "))
            .unwrap_or(name);
        let mut id = slug(bare, 6);
        if self.all.iter().any(|s| s.id == id) {
            id = format!("{id}-{}", self.all.len() + 1);
        }
        let capacity = capacity.map(str::to_string);
        self.all.push(DraftSpeaker {
            id,
            name: name.to_string(),
            capacity,
            collective,
        });
        (self.all.len() - 1, true)
    }
}

/// A lower-case, hyphenated id from the first `max_words` words of `text`.
///
/// ```
/// assert_eq!(verbatim::draft::speakers::slug("Hou Yugang's view, 2023!", 6), "hou-yugang-view-2023");
/// ```
pub fn slug(text: &str, max_words: usize) -> String {
    let words = crate::matcher::normalize::words(&crate::matcher::normalize::fold(text), max_words);
    let slug = words.join("-");
    if slug.is_empty() {
        "item".to_string()
    } else {
        slug
    }
}
