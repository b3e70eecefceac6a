//! `verbatim bench`: speed, memory and accuracy of the matcher on synthetic knowledge ([`crate::synth`]) of
//! several sizes, against a naive baseline ([`baseline`]) measured in the same run.
//!
//! Each size is measured by [`measure`] in a fresh child process (so that peak memory, read from `VmHWM` in
//! `/proc/self/status`, belongs to that size alone) and comes back as a JSON [`SizeReport`]; [`report`] turns
//! the reports into markdown tables.

pub mod baseline;
pub mod report;
pub mod run;

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::knowledge::{check, load};
use crate::matcher::{MatcherConfig, Outcome};
use crate::synth::Kind;
use baseline::Baseline;

/// Right and total answers of one question kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Questions answered right.
    pub right: u32,
    /// Questions asked.
    pub total: u32,
}

impl Tally {
    /// Accuracy in percent.
    ///
    /// ```
    /// assert_eq!(verbatim::bench::Tally { right: 1, total: 4 }.percent(), 25.0);
    /// ```
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * f64::from(self.right) / f64::from(self.total)
        }
    }

    fn add(&mut self, right: bool) {
        self.right += u32::from(right);
        self.total += 1;
    }
}

/// What one size measured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SizeReport {
    /// Entries loaded.
    pub entries: usize,
    /// Phrasings loaded.
    pub phrasings: usize,
    /// Knowledge files.
    pub files: usize,
    /// Distinct index terms.
    pub terms: usize,
    /// Reading and parsing the knowledge files on one thread, in milliseconds.
    pub load_ms: f64,
    /// The same on [`load_threads`](SizeReport::load_threads) threads (the default), in milliseconds.
    pub load_parallel_ms: f64,
    /// Threads of the parallel load.
    pub load_threads: usize,
    /// Building the matcher, in milliseconds.
    pub index_ms: f64,
    /// Questions timed.
    pub questions: usize,
    /// Questions per second on one thread.
    pub qps: f64,
    /// Mean, median, 99th percentile and maximum latency per question, in microseconds.
    pub mean_us: f64,
    /// Median latency.
    pub p50_us: f64,
    /// 99th percentile latency.
    pub p99_us: f64,
    /// Slowest question.
    pub max_us: f64,
    /// Peak resident memory after loading, indexing and answering, in MiB.
    pub rss_mib: f64,
    /// Accuracy per kind (by [`Kind::name`]).
    pub accuracy: HashMap<String, Tally>,
    /// `verbatim check` on the same knowledge (every phrasing run through the matcher), in milliseconds.
    pub check_ms: f64,
    /// Errors `verbatim check` found.
    pub check_errors: usize,
    /// Peak resident memory after the check too, in MiB.
    pub rss_check_mib: f64,
    /// Baseline questions per kind (a sample: the first ones of each kind).
    pub baseline_per_kind: usize,
    /// Baseline mean latency per question, in microseconds.
    pub baseline_mean_us: f64,
    /// Baseline accuracy per kind, on the sample.
    pub baseline_accuracy: HashMap<String, Tally>,
    /// The matcher's accuracy per kind on the same sample.
    pub sample_accuracy: HashMap<String, Tally>,
}

/// Peak resident set size of this process in MiB (`VmHWM`), or 0 where `/proc` is not available.
///
/// ```
/// assert!(verbatim::bench::peak_rss_mib() >= 0.0);
/// ```
pub fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// The value at quantile `q` (0 to 1) of sorted durations, in microseconds.
///
/// ```
/// use std::time::Duration;
/// let d: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
/// assert_eq!(verbatim::bench::quantile_us(&d, 0.5), 50.0);
/// assert_eq!(verbatim::bench::quantile_us(&d, 0.99), 99.0);
/// ```
pub fn quantile_us(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let at = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1e6
}

/// A question read from `questions.jsonl`.
struct Asked {
    text: String,
    kind: Kind,
    entry: Option<usize>,
}

fn read_questions(path: &Path, ids: &HashMap<&str, usize>) -> anyhow::Result<Vec<Asked>> {
    let text = std::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let kind = Kind::parse(v["kind"].as_str().unwrap_or(""))
            .ok_or_else(|| anyhow::anyhow!("bad kind in {line}"))?;
        let entry = v["entry"].as_str().map(|id| {
            ids.get(id)
                .copied()
                .ok_or_else(|| anyhow::anyhow!("unknown entry {id}"))
        });
        out.push(Asked {
            text: v["q"].as_str().unwrap_or("").to_string(),
            kind,
            entry: entry.transpose()?,
        });
    }
    Ok(out)
}

/// Measures the knowledge and questions that [`Synthetic::write`](crate::synth::Synthetic::write) put in
/// `dir`, with the baseline on the first `baseline_per_kind` questions of each kind.
pub fn measure(dir: &Path, baseline_per_kind: usize) -> anyhow::Result<SizeReport> {
    let config = MatcherConfig::default();
    let started = Instant::now();
    let mut loaded = load::load_paths_on(&[dir.join("knowledge")], 1);
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    eprintln!(
        "bench: loaded in {load_ms:.0} ms, peak RSS {:.0} MiB",
        peak_rss_mib()
    );
    let started = Instant::now();
    let matcher = loaded.knowledge.matcher(config.clone());
    let index_ms = started.elapsed().as_secs_f64() * 1e3;
    let knowledge = &loaded.knowledge;
    let ids: HashMap<&str, usize> = knowledge
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let questions = read_questions(&dir.join("questions.jsonl"), &ids)?;
    let right = |found: &crate::matcher::Match, q: &Asked| match q.entry {
        Some(e) => found.outcome == Outcome::Answer && found.doc == Some(e),
        None => found.outcome != Outcome::Answer,
    };
    for q in questions.iter().take(200) {
        std::hint::black_box(matcher.find(&q.text));
    }
    let mut times = Vec::with_capacity(questions.len());
    let mut report = SizeReport {
        load_ms,
        index_ms,
        questions: questions.len(),
        ..SizeReport::default()
    };
    let mut correct = Vec::with_capacity(questions.len());
    let all = Instant::now();
    for q in &questions {
        let started = Instant::now();
        let found = matcher.find(&q.text);
        times.push(started.elapsed());
        correct.push(right(&found, q));
    }
    let elapsed = all.elapsed().as_secs_f64();
    report.rss_mib = peak_rss_mib();
    for (q, &ok) in questions.iter().zip(&correct) {
        report
            .accuracy
            .entry(q.kind.name().to_string())
            .or_default()
            .add(ok);
    }
    report.mean_us =
        times.iter().map(Duration::as_secs_f64).sum::<f64>() / times.len().max(1) as f64 * 1e6;
    let mut slowest: Vec<(Duration, &Asked)> = times.iter().copied().zip(&questions).collect();
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (time, q) in slowest.iter().take(5) {
        eprintln!(
            "bench: slow: {:>8.1} µs  {:<12} {:?}",
            time.as_secs_f64() * 1e6,
            q.kind.name(),
            q.text
        );
    }
    for kind in [Kind::Exact, Kind::Paraphrase, Kind::Typo, Kind::OutOfScope] {
        let mut of_kind: Vec<Duration> = slowest
            .iter()
            .filter(|(_, q)| q.kind == kind)
            .map(|(t, _)| *t)
            .collect();
        of_kind.sort_unstable();
        eprintln!(
            "bench: {:<12} p50 {:>7.1} µs  p99 {:>7.1} µs",
            kind.name(),
            quantile_us(&of_kind, 0.5),
            quantile_us(&of_kind, 0.99)
        );
    }
    times.sort_unstable();
    report.qps = questions.len() as f64 / elapsed;
    (report.p50_us, report.p99_us, report.max_us) = (
        quantile_us(&times, 0.5),
        quantile_us(&times, 0.99),
        quantile_us(&times, 1.0),
    );
    report.entries = knowledge.entries.len();
    report.phrasings = knowledge.entries.iter().map(|e| e.phrasings.len()).sum();
    report.files = knowledge.sources.len();
    report.terms = matcher.term_count();
    drop(matcher);

    let started = Instant::now();
    let diagnostics = check::check(&mut loaded, &config);
    report.check_ms = started.elapsed().as_secs_f64() * 1e3;
    report.check_errors = diagnostics.iter().filter(|d| d.is_error()).count();
    report.rss_check_mib = peak_rss_mib();

    let knowledge = &loaded.knowledge;
    let baseline = Baseline::new(
        knowledge
            .entries
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.phrasings.iter().map(move |p| (p.as_str(), i))),
    );
    report.baseline_per_kind = baseline_per_kind;
    let (mut spent, mut asked) = (0.0, 0);
    for kind in Kind::ALL {
        let sample = questions
            .iter()
            .zip(&correct)
            .filter(|(q, _)| q.kind == kind)
            .take(baseline_per_kind);
        for (q, &ok) in sample {
            let started = Instant::now();
            let answer = baseline.answer(&q.text);
            spent += started.elapsed().as_secs_f64();
            asked += 1;
            let baseline_right = answer == q.entry;
            report
                .baseline_accuracy
                .entry(kind.name().to_string())
                .or_default()
                .add(baseline_right);
            report
                .sample_accuracy
                .entry(kind.name().to_string())
                .or_default()
                .add(ok);
        }
    }
    report.baseline_mean_us = spent / f64::from(asked.max(1)) * 1e6;
    drop(baseline);
    drop(loaded);
    // Last, so that its memory does not count in the peaks above.
    report.load_threads = load::default_threads();
    let started = Instant::now();
    let parallel = load::load_paths_on(&[dir.join("knowledge")], report.load_threads);
    report.load_parallel_ms = started.elapsed().as_secs_f64() * 1e3;
    drop(parallel);
    Ok(report)
}
