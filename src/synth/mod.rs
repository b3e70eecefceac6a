//! Synthetic knowledge for benchmarks: a deterministic, seeded generator of knowledge files, source texts and
//! question sets of any size.
//!
//! The text is an invented language ([`vocab`]) of 30,000 pronounceable words drawn with a Zipf-Mandelbrot
//! distribution, so that a few words are in a third of all entries and most are rare, as in real reports.
//! Each entry has a quote of 15 to 60 words (copied verbatim into its source text), two to five phrasings made
//! of its topic words, some other words of its quote and often its speaker's name, inside question frames of
//! stop words ("What did ... say about ...?"). Speakers are reused across entries (a Zipf draw from a pool of
//! one speaker per 40 entries). Every phrasing's set of content words is unique, so the knowledge passes
//! `verbatim check`. Questions come in four [`Kind`]s ([`questions`]).
//!
//! ```
//! use verbatim::synth::{generate, SynthConfig};
//! let a = generate(&SynthConfig { entries: 60, seed: 9, questions_per_kind: 5 });
//! let b = generate(&SynthConfig { entries: 60, seed: 9, questions_per_kind: 5 });
//! assert_eq!(a.files(), b.files());
//! assert_eq!(a.questions.len(), 20);
//! ```

pub mod questions;
pub mod rng;
pub mod vocab;

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

pub use questions::{Kind, Question};
use rng::{Rng, Zipf};
use vocab::{Vocabulary, capitalize};

/// Entries per knowledge file (each file has its own source text), like one report.
pub const ENTRIES_PER_SOURCE: usize = 25;
/// Content words in the vocabulary.
pub const VOCABULARY: usize = 30_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of entries.
    pub entries: usize,
    /// The seed: the same seed gives the same knowledge and questions.
    pub seed: u64,
    /// Questions of each kind.
    pub questions_per_kind: usize,
}

/// A generated speaker.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthSpeaker {
    /// Full name ("Bralo Tesku").
    pub name: String,
    /// Capacity ("director of the Zumai Institute").
    pub capacity: String,
}

/// A generated entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthEntry {
    /// Entry id (`e000042`).
    pub id: String,
    /// Index into [`Synthetic::speakers`].
    pub speaker: Option<usize>,
    /// The quote.
    pub quote: String,
    /// The phrasings.
    pub phrasings: Vec<String>,
    /// Per phrasing, its content tokens (a speaker's full name is one token); the topic words come first.
    pub content: Vec<Vec<String>>,
}

/// Generated knowledge and questions.
#[derive(Debug, Clone)]
pub struct Synthetic {
    /// The vocabulary.
    pub vocab: Vocabulary,
    /// The speaker pool.
    pub speakers: Vec<SynthSpeaker>,
    /// The entries, in file order.
    pub entries: Vec<SynthEntry>,
    /// The questions.
    pub questions: Vec<Question>,
}

const ROLES: &[&str] = &[
    "director",
    "spokesperson",
    "researcher",
    "professor",
    "minister",
    "engineer",
    "analyst",
    "manager",
];
const ORGS: &[&str] = &[
    "Institute",
    "Council",
    "Agency",
    "University",
    "Foundation",
    "Bureau",
];
/// Question frames made of stop words only: `{}` is the content, `{s}` the speaker.
const FRAMES: &[&str] = &[
    "What about {}?",
    "Tell me about {}",
    "{}?",
    "Anything on {}?",
    "What is there on {}?",
    "What does the report say about {}?",
];
const SPEAKER_FRAMES: &[&str] = &[
    "What did {s} say about {}?",
    "{s} on {}",
    "What does {s} think about {}?",
];

/// Generates knowledge and questions.
pub fn generate(config: &SynthConfig) -> Synthetic {
    let mut rng = Rng::new(config.seed);
    let speakers_n = (config.entries / 40).max(10);
    let vocab = vocab::vocabulary(&mut rng, VOCABULARY, 2_000, speakers_n * 2 + 200);
    let zipf = Zipf::new(vocab.words.len(), 1.0, 10.0);
    let speakers: Vec<SynthSpeaker> = (0..speakers_n)
        .map(|i| SynthSpeaker {
            name: format!("{} {}", vocab.names[2 * i], vocab.names[2 * i + 1]),
            capacity: format!(
                "{} of the {} {}",
                rng.pick(ROLES),
                vocab.names[speakers_n * 2 + rng.range(0, 199)],
                rng.pick(ORGS)
            ),
        })
        .collect();
    let speaker_zipf = Zipf::new(speakers_n, 1.0, 5.0);
    let mut topics = HashSet::new();
    let mut sets = HashSet::new();
    let mut entries = Vec::with_capacity(config.entries);
    for i in 0..config.entries {
        let speaker = rng.chance(0.8).then(|| speaker_zipf.sample(&mut rng));
        let topic = loop {
            let pair = (
                rng.range(500, vocab.words.len() - 1),
                rng.range(500, vocab.words.len() - 1),
            );
            if pair.0 != pair.1 && topics.insert((pair.0.min(pair.1), pair.0.max(pair.1))) {
                break [pair.0, pair.1];
            }
        };
        let (quote, body) = quote(&mut rng, &vocab, &zipf, topic);
        let name = speaker.map(|s| speakers[s].name.as_str());
        let (phrasings, content) = phrasings(&mut rng, &vocab, topic, &body, name, &mut sets);
        entries.push(SynthEntry {
            id: format!("e{i:06}"),
            speaker,
            quote,
            phrasings,
            content,
        });
    }
    let mut synthetic = Synthetic {
        vocab,
        speakers,
        entries,
        questions: Vec::new(),
    };
    synthetic.questions = questions::questions(&mut rng, &synthetic, config.questions_per_kind);
    synthetic
}

/// A quote holding both topic words; also returns its non-topic words of rank 50 and beyond (for phrasings).
fn quote(
    rng: &mut Rng,
    vocab: &Vocabulary,
    zipf: &Zipf,
    topic: [usize; 2],
) -> (String, Vec<usize>) {
    let len = rng.range(15, 60);
    let mut ranks: Vec<usize> = (0..len).map(|_| zipf.sample(rng)).collect();
    let (a, b) = (rng.range(0, len - 1), rng.range(0, len - 1));
    ranks[a] = topic[0];
    ranks[if b == a { (a + 1) % len } else { b }] = topic[1];
    let sentences = if len > 30 { rng.range(1, 3) } else { 1 };
    let mut text = String::new();
    for (i, &r) in ranks.iter().enumerate() {
        let starts = i == 0 || (sentences > 1 && i % (len / sentences) == 0 && i + 3 < len);
        if i > 0 {
            text.push_str(if starts {
                ". "
            } else if rng.chance(0.06) {
                ", "
            } else {
                " "
            });
        }
        text.push_str(&if starts {
            capitalize(&vocab.words[r])
        } else {
            vocab.words[r].clone()
        });
    }
    text.push('.');
    let rare: Vec<usize> = ranks
        .iter()
        .copied()
        .filter(|&r| r >= 50 && !topic.contains(&r))
        .collect();
    let body = if rare.len() >= 3 {
        rare
    } else {
        ranks.into_iter().filter(|r| !topic.contains(r)).collect()
    };
    (text, body)
}

/// Two to five phrasings, each with a content-word set not used by any phrasing so far.
fn phrasings(
    rng: &mut Rng,
    vocab: &Vocabulary,
    topic: [usize; 2],
    body: &[usize],
    speaker: Option<&str>,
    sets: &mut HashSet<u64>,
) -> (Vec<String>, Vec<Vec<String>>) {
    let wanted = rng.range(2, 5);
    let (mut texts, mut contents) = (Vec::new(), Vec::new());
    for attempt in 0..1000 {
        if texts.len() == wanted || (attempt >= wanted * 8 && texts.len() >= 2) {
            break;
        }
        let mut content = vec![vocab.words[topic[0]].clone(), vocab.words[topic[1]].clone()];
        if attempt % 2 == 1 {
            content.swap(0, 1);
        }
        for _ in 0..rng.range(0, 2).min(body.len()) {
            content.push(vocab.words[*rng.pick(body)].clone());
        }
        let with_speaker = speaker.filter(|_| rng.chance(0.5));
        let mut key: Vec<&str> = content
            .iter()
            .map(String::as_str)
            .chain(with_speaker)
            .collect();
        key.sort_unstable();
        key.dedup();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        if key.len() < content.len() + with_speaker.is_some() as usize
            || !sets.insert(hasher.finish())
        {
            continue;
        }
        let joined = content.join(" ");
        let text = match with_speaker {
            Some(name) => rng
                .pick(SPEAKER_FRAMES)
                .replace("{s}", name)
                .replace("{}", &joined),
            None => rng.pick(FRAMES).replace("{}", &joined),
        };
        content.extend(with_speaker.map(str::to_string));
        texts.push(text);
        contents.push(content);
    }
    (texts, contents)
}

/// Quotes a string for TOML.
fn toml_str(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

impl Synthetic {
    /// The knowledge files and source texts, as (path relative to the output directory, contents): one
    /// `knowledge/kNNNNN.toml` and one `knowledge/sources/kNNNNN.txt` per [`ENTRIES_PER_SOURCE`] entries.
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        let mut files = Vec::new();
        for (n, chunk) in self.entries.chunks(ENTRIES_PER_SOURCE).enumerate() {
            let name = format!("k{n:05}");
            let mut toml = format!(
                "[source]\nid = \"src{n:05}\"\ntitle = \"Synthetic report {n}\"\ndate = \"2024-01-01\"\ntext = \"sources/{name}.txt\"\n"
            );
            let mut used: Vec<usize> = chunk.iter().filter_map(|e| e.speaker).collect();
            used.sort_unstable();
            used.dedup();
            for s in used {
                let sp = &self.speakers[s];
                toml.push_str(&format!(
                    "\n[[speakers]]\nid = \"s{s}\"\nname = {}\ncapacity = {}\n",
                    toml_str(&sp.name),
                    toml_str(&sp.capacity)
                ));
            }
            for e in chunk {
                let voice = if e.speaker.is_some() {
                    "own-words"
                } else {
                    "narrative"
                };
                toml.push_str(&format!(
                    "\n[[entries]]\nid = \"{}\"\nvoice = \"{voice}\"\n",
                    e.id
                ));
                if let Some(s) = e.speaker {
                    toml.push_str(&format!("speaker = \"s{s}\"\n"));
                }
                let phrasings: Vec<String> = e.phrasings.iter().map(|p| toml_str(p)).collect();
                toml.push_str(&format!(
                    "phrasings = [{}]\nquote = {}\n",
                    phrasings.join(", "),
                    toml_str(&e.quote)
                ));
            }
            let source: Vec<&str> = chunk.iter().map(|e| e.quote.as_str()).collect();
            files.push((PathBuf::from(format!("knowledge/{name}.toml")), toml));
            files.push((
                PathBuf::from(format!("knowledge/sources/{name}.txt")),
                source.join("\n\n") + "\n",
            ));
        }
        files
    }

    /// Writes [`Synthetic::files`] and `questions.jsonl` under `dir` (replacing an earlier `knowledge/`).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let knowledge = dir.join("knowledge");
        if knowledge.exists() {
            std::fs::remove_dir_all(&knowledge)?;
        }
        std::fs::create_dir_all(knowledge.join("sources"))?;
        for (path, text) in self.files() {
            std::fs::write(dir.join(path), text)?;
        }
        let lines: Vec<String> = self
            .questions
            .iter()
            .map(|q| q.json(self).to_string())
            .collect();
        std::fs::write(dir.join("questions.jsonl"), lines.join("\n") + "\n")
    }
}

#[cfg(test)]
mod tests;
