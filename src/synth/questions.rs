//! Generated questions of four kinds, each with the entry it should find (none for out-of-scope).
//!
//! - [`Kind::Exact`]: one of the entry's phrasings, as written;
//! - [`Kind::Paraphrase`]: the content words of a phrasing, reordered, with the speaker and extra words each
//!   dropped at random (at least one when there is one to drop; the two topic words are kept), in another frame;
//! - [`Kind::Typo`]: a phrasing with one or two typos (a deleted, inserted, replaced or swapped letter) in
//!   different content words of five letters or more;
//! - [`Kind::OutOfScope`]: two or three words the knowledge never uses, sometimes beside a common word or a
//!   speaker's name; the right reply is no answer.

use super::rng::Rng;
use super::{FRAMES, Synthetic};

/// The kind of a generated question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A phrasing as written.
    Exact,
    /// Dropped and reordered words.
    Paraphrase,
    /// One or two typos.
    Typo,
    /// About nothing in the knowledge.
    OutOfScope,
}

impl Kind {
    /// All kinds, in table order.
    pub const ALL: [Kind; 4] = [Kind::Exact, Kind::Paraphrase, Kind::Typo, Kind::OutOfScope];

    /// The name used in `questions.jsonl` and tables.
    ///
    /// ```
    /// use verbatim::synth::Kind;
    /// assert_eq!(Kind::parse(Kind::OutOfScope.name()), Some(Kind::OutOfScope));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Paraphrase => "paraphrase",
            Kind::Typo => "typo",
            Kind::OutOfScope => "out-of-scope",
        }
    }

    /// The kind with this name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A generated question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// The question text.
    pub text: String,
    /// Its kind.
    pub kind: Kind,
    /// The index of the entry that answers it, or `None` when nothing should.
    pub entry: Option<usize>,
}

impl Question {
    /// The question as a `questions.jsonl` line: `{"q": ..., "kind": ..., "entry": id or null}`.
    pub fn json(&self, synthetic: &Synthetic) -> serde_json::Value {
        let entry = self.entry.map(|e| synthetic.entries[e].id.clone());
        serde_json::json!({ "q": self.text, "kind": self.kind.name(), "entry": entry })
    }
}

/// `per_kind` questions of each kind, interleaved (exact, paraphrase, typo, out-of-scope, exact, ...).
pub fn questions(rng: &mut Rng, synthetic: &Synthetic, per_kind: usize) -> Vec<Question> {
    let mut out = Vec::with_capacity(per_kind * 4);
    for _ in 0..per_kind {
        for kind in Kind::ALL {
            let entry = rng.range(0, synthetic.entries.len() - 1);
            let e = &synthetic.entries[entry];
            let p = rng.range(0, e.phrasings.len() - 1);
            let text = match kind {
                Kind::Exact => e.phrasings[p].clone(),
                Kind::Paraphrase => paraphrase(rng, &e.content[p]),
                Kind::Typo => typos(rng, &e.phrasings[p], &e.content[p]),
                Kind::OutOfScope => out_of_scope(rng, synthetic),
            };
            out.push(Question {
                text,
                kind,
                entry: (kind != Kind::OutOfScope).then_some(entry),
            });
        }
    }
    out
}

fn paraphrase(rng: &mut Rng, content: &[String]) -> String {
    let (topic, rest) = content.split_at(2);
    let mut kept: Vec<String> = rest.iter().filter(|_| rng.chance(0.5)).cloned().collect();
    if !rest.is_empty() && kept.len() == rest.len() {
        kept.remove(rng.range(0, kept.len() - 1));
    }
    kept.extend(topic.iter().cloned());
    rng.shuffle(&mut kept);
    rng.pick(FRAMES).replace("{}", &kept.join(" "))
}

fn typos(rng: &mut Rng, phrasing: &str, content: &[String]) -> String {
    let mut words: Vec<&str> = content
        .iter()
        .flat_map(|c| c.split(' '))
        .filter(|w| w.chars().count() >= 5)
        .collect();
    words.sort_unstable();
    words.dedup();
    rng.shuffle(&mut words);
    let mut text = phrasing.to_string();
    for word in words.into_iter().take(rng.range(1, 2)) {
        let typo = typo(rng, word);
        text = text.replacen(word, &typo, 1);
    }
    text
}

/// One typo: a letter deleted, inserted, replaced, or two neighbours swapped.
///
/// ```
/// use verbatim::synth::{questions::typo, rng::Rng};
/// let mut rng = Rng::new(5);
/// for _ in 0..50 {
///     let t = typo(&mut rng, "plouster");
///     assert_ne!(t, "plouster");
///     assert_eq!(strsim::osa_distance(&t, "plouster"), 1);
/// }
/// ```
pub fn typo(rng: &mut Rng, word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    loop {
        let mut c = chars.clone();
        let at = rng.range(1, c.len() - 1);
        let letter = (b'a' + rng.range(0, 25) as u8) as char;
        match rng.range(0, 3) {
            0 => {
                c.remove(at);
            }
            1 => c.insert(at, letter),
            2 => c[at] = letter,
            _ => c.swap(at - 1, at),
        }
        let typo: String = c.into_iter().collect();
        if typo.to_lowercase() != word.to_lowercase() {
            return typo;
        }
    }
}

fn out_of_scope(rng: &mut Rng, synthetic: &Synthetic) -> String {
    let vocab = &synthetic.vocab;
    let mut words: Vec<String> = (0..rng.range(2, 3))
        .map(|_| rng.pick(&vocab.reserved).clone())
        .collect();
    if rng.chance(0.3) {
        words.push(vocab.words[rng.range(0, 199)].clone());
    } else if rng.chance(0.3) {
        words.push(rng.pick(&synthetic.speakers).name.clone());
    }
    rng.shuffle(&mut words);
    rng.pick(FRAMES).replace("{}", &words.join(" "))
}
