//! The parent side of `verbatim bench`: generate each size, measure it in a child process, time
//! `verbatim ask` as a whole process, and print the tables.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::{SizeReport, quantile_us, report};
use crate::synth::{SynthConfig, generate};

/// What to benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Knowledge sizes (entries).
    pub sizes: Vec<usize>,
    /// Generator seed.
    pub seed: u64,
    /// Where the generated knowledge goes (one subdirectory per size).
    pub dir: PathBuf,
    /// Questions of each kind.
    pub per_kind: usize,
    /// Baseline questions of each kind; by default `250,000 / entries`, between 8 and 100.
    pub baseline_per_kind: Option<usize>,
    /// Runs of `verbatim ask` timed as whole processes (0: none).
    pub ask_runs: usize,
}

/// The baseline sample per kind for a size.
///
/// ```
/// use verbatim::bench::run::default_baseline_per_kind;
/// assert_eq!((default_baseline_per_kind(1_000), default_baseline_per_kind(100_000)), (100, 8));
/// ```
pub fn default_baseline_per_kind(entries: usize) -> usize {
    (250_000 / entries.max(1)).clamp(8, 100)
}

/// Generates knowledge of `entries` entries and its questions into `dir`.
pub fn generate_into(dir: &Path, entries: usize, seed: u64, per_kind: usize) -> anyhow::Result<()> {
    let synthetic = generate(&SynthConfig {
        entries,
        seed,
        questions_per_kind: per_kind,
    });
    synthetic
        .write(dir)
        .with_context(|| format!("writing {}", dir.display()))
}

/// Times `exe ask <question>` (the compiled-in knowledge) as whole processes: mean, p50 and p99 in ms.
pub fn time_ask(exe: &Path, runs: usize) -> anyhow::Result<(f64, f64, f64)> {
    let mut times: Vec<Duration> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(exe)
            .args(["ask", "Who is Hou Yugang?"])
            .output()
            .context("running verbatim ask")?;
        times.push(started.elapsed());
        if !out.status.success() {
            bail!(
                "verbatim ask failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let mean = times.iter().map(Duration::as_secs_f64).sum::<f64>() / runs.max(1) as f64 * 1e3;
    times.sort_unstable();
    Ok((
        mean,
        quantile_us(&times, 0.5) / 1e3,
        quantile_us(&times, 0.99) / 1e3,
    ))
}

/// Runs the whole benchmark with `exe` (this binary) as the child, printing progress to standard error, and
/// returns the markdown.
pub fn run(exe: &Path, options: &Options) -> anyhow::Result<String> {
    let mut reports: Vec<SizeReport> = Vec::new();
    for &size in &options.sizes {
        let dir = options.dir.join(size.to_string());
        let started = Instant::now();
        generate_into(&dir, size, options.seed, options.per_kind)?;
        eprintln!(
            "bench: generated {size} entries in {:.1} s; measuring",
            started.elapsed().as_secs_f64()
        );
        let sample = options
            .baseline_per_kind
            .unwrap_or_else(|| default_baseline_per_kind(size));
        let out = Command::new(exe)
            .args([
                "bench",
                "--child",
                "--baseline-per-kind",
                &sample.to_string(),
                "--dir",
            ])
            .arg(&dir)
            .output()
            .context("running the bench child")?;
        if !out.status.success() {
            bail!(
                "bench child for {size} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let report: SizeReport =
            serde_json::from_slice(&out.stdout).context("reading the child's report")?;
        eprintln!(
            "bench: {size}: p99 {:.1} µs, {:.0} MiB",
            report.p99_us, report.rss_mib
        );
        reports.push(report);
    }
    let machine = machine();
    let mut out = format!(
        "Machine: {machine}; release build, one thread; seed {}.\n\n",
        options.seed
    );
    out.push_str(&report::markdown(&reports));
    let mut ask_mean = None;
    if options.ask_runs > 0 {
        let (mean, p50, p99) = time_ask(exe, options.ask_runs)?;
        ask_mean = Some(mean);
        out.push_str(&format!(
            "\n`verbatim ask \"Who is Hou Yugang?\"` (built-in knowledge), whole process, {} runs: mean {mean:.1} ms, p50 {p50:.1} ms, p99 {p99:.1} ms.\n",
            options.ask_runs
        ));
    }
    if let Some(largest) = reports.iter().max_by_key(|r| r.entries) {
        out.push_str(&report::targets(largest, ask_mean));
    }
    Ok(out)
}

/// The CPU model and core count, from `/proc/cpuinfo`.
fn machine() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "{}, {cores} cores",
        model.unwrap_or_else(|| "unknown CPU".to_string())
    )
}
