//! Markdown tables of [`SizeReport`]s, and of the whole-process timing of `verbatim ask`.

use std::fmt::Write as _;

use super::{SizeReport, Tally};
use crate::synth::Kind;

/// A duration in microseconds, in the most readable unit.
///
/// ```
/// use verbatim::bench::report::duration;
/// assert_eq!(duration(12.34), "12.3 µs");
/// assert_eq!(duration(4_500.0), "4.50 ms");
/// assert_eq!(duration(2_500_000.0), "2.50 s");
/// ```
pub fn duration(us: f64) -> String {
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// A count with thousands separators.
///
/// ```
/// assert_eq!(verbatim::bench::report::count(1234567.0), "1,234,567");
/// ```
pub fn count(n: f64) -> String {
    let digits = format!("{:.0}", n.round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn tally(t: Option<&Tally>) -> String {
    t.map_or("–".to_string(), |t| {
        format!("{:.1}% ({}/{})", t.percent(), t.right, t.total)
    })
}

/// Whether a target is met, as a mark.
fn mark(met: bool) -> &'static str {
    if met { "✅" } else { "❌ (missed)" }
}

/// The summary table over all sizes, then one detail table per size.
pub fn markdown(reports: &[SizeReport]) -> String {
    let mut out = String::new();
    out.push_str("| entries | load + index (1 thread) | questions/s (1 thread) | p50 | p99 | peak RSS | baseline questions/s | speed ratio |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in reports {
        let ratio = r.baseline_mean_us / r.mean_us.max(1e-9);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.0} MiB | {:.2} | {}× |",
            count(r.entries as f64),
            duration((r.load_ms + r.index_ms) * 1e3),
            count(r.qps),
            duration(r.p50_us),
            duration(r.p99_us),
            r.rss_mib,
            1e6 / r.baseline_mean_us.max(1e-9),
            count(ratio)
        );
    }
    for r in reports {
        let _ = writeln!(
            out,
            "\n#### {} entries ({} phrasings, {} files, {} index terms)\n",
            count(r.entries as f64),
            count(r.phrasings as f64),
            count(r.files as f64),
            count(r.terms as f64)
        );
        out.push_str("| measure | verbatim | naive baseline |\n|---|---|---|\n");
        let _ = writeln!(
            out,
            "| load + index, one thread | {} (load {}, index {}) | – |",
            duration((r.load_ms + r.index_ms) * 1e3),
            duration(r.load_ms * 1e3),
            duration(r.index_ms * 1e3)
        );
        let _ = writeln!(
            out,
            "| load + index, load on {} threads (the default) | {} (load {}) | – |",
            r.load_threads,
            duration((r.load_parallel_ms + r.index_ms) * 1e3),
            duration(r.load_parallel_ms * 1e3)
        );
        let _ = writeln!(
            out,
            "| questions/s, one thread | {} ({} questions) | {:.2} ({} questions) |",
            count(r.qps),
            count(r.questions as f64),
            1e6 / r.baseline_mean_us.max(1e-9),
            r.baseline_per_kind * 4
        );
        let _ = writeln!(
            out,
            "| mean / p50 / p99 / max per question | {} / {} / {} / {} | {} mean |",
            duration(r.mean_us),
            duration(r.p50_us),
            duration(r.p99_us),
            duration(r.max_us),
            duration(r.baseline_mean_us)
        );
        let _ = writeln!(
            out,
            "| speed ratio (mean latency) | {}× faster | 1× |",
            count(r.baseline_mean_us / r.mean_us.max(1e-9))
        );
        let _ = writeln!(
            out,
            "| peak RSS (load, index, questions) | {:.0} MiB | – |",
            r.rss_mib
        );
        for kind in Kind::ALL {
            let k = kind.name();
            let _ = writeln!(
                out,
                "| accuracy: {k} | {} all; {} on the baseline's sample | {} |",
                tally(r.accuracy.get(k)),
                tally(r.sample_accuracy.get(k)),
                tally(r.baseline_accuracy.get(k))
            );
        }
        let _ = writeln!(
            out,
            "| `verbatim check` (every phrasing through the matcher) | {}, {} errors, peak RSS {:.0} MiB | – |",
            duration(r.check_ms * 1e3),
            r.check_errors,
            r.rss_check_mib
        );
    }
    out
}

/// Targets of issue 4 for the largest size, each with whether it is met.
pub fn targets(r: &SizeReport, ask_mean_ms: Option<f64>) -> String {
    let typo = |m: &std::collections::HashMap<String, Tally>| {
        m.get(Kind::Typo.name()).map_or(0.0, Tally::percent)
    };
    let ratio = r.baseline_mean_us / r.mean_us.max(1e-9);
    let mut out = format!("\nTargets at {} entries:\n\n", count(r.entries as f64));
    let _ = writeln!(
        out,
        "- p99 ≤ 1 ms per question: {} {}",
        duration(r.p99_us),
        mark(r.p99_us <= 1_000.0)
    );
    let _ = writeln!(
        out,
        "- load + index ≤ 2 s on one thread: {} {} (load on {} threads: {})",
        duration((r.load_ms + r.index_ms) * 1e3),
        mark(r.load_ms + r.index_ms <= 2_000.0),
        r.load_threads,
        duration((r.load_parallel_ms + r.index_ms) * 1e3),
    );
    let _ = writeln!(
        out,
        "- peak RSS ≤ 300 MB: {:.0} MiB {}",
        r.rss_mib,
        mark(r.rss_mib * 1.048_576 <= 300.0)
    );
    let _ = writeln!(
        out,
        "- ≥ 1,000× faster than the baseline: {}× {}",
        count(ratio),
        mark(ratio >= 1_000.0)
    );
    let (ours, theirs) = (typo(&r.sample_accuracy), typo(&r.baseline_accuracy));
    let _ = writeln!(
        out,
        "- typo accuracy ≥ baseline (same sample): {ours:.1}% vs {theirs:.1}% {}",
        mark(ours >= theirs)
    );
    if let Some(ms) = ask_mean_ms {
        let _ = writeln!(
            out,
            "- `verbatim ask` whole process < 20 ms: {ms:.1} ms mean {}",
            mark(ms < 20.0)
        );
    }
    out
}
