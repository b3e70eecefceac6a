//! `verbatim calibrate`: fitting the decision of a knowledge base on labeled questions.
//!
//! For each question the engine is prepared once (read, ranked, intent recognized), and both possible decisions
//! are judged as `score.py` judges them: right if answered, right if not. What is fitted then only has to say
//! *answer or not*:
//! - how question words weigh ([`TermWeights`]) and the penalty of the model are chosen from a small grid;
//! - for each, a logistic model ([`logistic`]) over the best candidate's [`Features`], labeled "answering
//!   would be right", and an answer threshold on its confidence that answers as many in-scope questions as
//!   it can while declining out-of-scope questions and near misses ([`Accuracy::objective`]);
//! - every grid point is measured by k-fold cross-validation (model and threshold fitted on the other folds),
//!   and the best is refitted on all questions.
//!
//! The suggest threshold is a quarter of the answer threshold: low enough that a close question gets "did
//! you mean", high enough that an unrelated one gets nothing.

pub mod logistic;
pub mod questions;

use crate::answer::Engine;
use crate::knowledge::calibration::rounded;
use crate::matcher::decide::{Features, Model, answers};
use crate::matcher::{Calibration, TermWeights};
use questions::{Accuracy, Kind, Labeled, judge};

/// How the fit is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Folds of the cross-validation (at least 2).
    pub folds: usize,
    /// Seed of the assignment of questions to folds.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { folds: 5, seed: 1 }
    }
}

/// What calibration found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Accuracy with the calibration the engine had.
    pub current: Accuracy,
    /// Accuracy of the chosen settings, cross-validated.
    pub cross_validated: Accuracy,
    /// Accuracy of the final calibration on all the questions it was fitted on.
    pub fitted_on_all: Accuracy,
    /// The final calibration, fitted on all the questions.
    pub calibration: Calibration,
    /// The penalty chosen.
    pub lambda: f64,
    /// Number of questions.
    pub questions: usize,
}

/// One question prepared under one weighting: its features and whether each decision would be right.
struct Sample {
    kind: Kind,
    features: Features,
    /// Whether answering would be right.
    answer_right: bool,
    /// Whether not answering would be right.
    silent_right: bool,
    fold: usize,
}

/// The grid of term weights tried.
fn grid() -> Vec<TermWeights> {
    let mut out = Vec::new();
    for unknown in [1.0, 1.5, 2.5] {
        for frame in [0.1, 0.25] {
            for chat in [0.3, 0.6] {
                for common in [0.5, 0.9] {
                    out.push(TermWeights {
                        unknown,
                        frame,
                        chat,
                        common,
                    });
                }
            }
        }
    }
    out
}

/// Penalties tried for the model.
const LAMBDAS: [f64; 3] = [0.001, 0.01, 0.05];

/// Fits the decision of `engine`'s knowledge on `set` (the engine's calibration is changed while fitting and
/// restored after).
pub fn calibrate(engine: &mut Engine, set: &[Labeled], options: Options) -> Report {
    calibrate_parts(&mut [Part { engine, set }], options)
}

/// A knowledge base and questions labeled for it: calibration can fit one decision on several, so that it
/// carries over to knowledge it has not seen (a curated file and drafts of other reports).
pub struct Part<'a> {
    /// The knowledge base.
    pub engine: &'a mut Engine,
    /// Its labeled questions.
    pub set: &'a [Labeled],
}

/// Fits one decision on every part together (see [`calibrate`]); the accuracies count every question of every
/// part. Each engine's calibration is changed while fitting and restored after.
pub fn calibrate_parts(parts: &mut [Part<'_>], options: Options) -> Report {
    let originals: Vec<Calibration> = parts
        .iter()
        .map(|p| p.engine.matcher().config().calibration.clone())
        .collect();
    let current = evaluate_parts(parts);
    let all_questions: Vec<&Labeled> = parts.iter().flat_map(|p| p.set.iter()).collect();
    let folds = assign_folds(&all_questions, options);
    let set_weights = |parts: &mut [Part<'_>], weights: TermWeights| {
        for (p, original) in parts.iter_mut().zip(&originals) {
            p.engine.set_calibration(Calibration {
                weights,
                ..original.clone()
            });
        }
    };
    let mut best: Option<(f64, TermWeights, f64, Accuracy)> = None;
    for weights in grid() {
        set_weights(parts, weights);
        let samples = samples(parts, &folds);
        for lambda in LAMBDAS {
            let accuracy = cross_validate(&samples, options.folds, lambda);
            let objective = accuracy.objective();
            if best.as_ref().is_none_or(|b| objective > b.0 + 1e-9) {
                best = Some((objective, weights, lambda, accuracy));
            }
        }
    }
    let (_, weights, lambda, cross_validated) = best.expect("the grid is not empty");
    set_weights(parts, weights);
    let all = samples(parts, &folds);
    let (model, threshold) = fit(&all.iter().collect::<Vec<_>>(), lambda);
    // As the calibration file writes it, so that the figures below are those of the file.
    let calibration = rounded(&Calibration {
        weights,
        model,
        answer_threshold: threshold,
        suggest_threshold: threshold / 4.0,
    });
    for p in parts.iter_mut() {
        p.engine.set_calibration(calibration.clone());
    }
    let fitted_on_all = evaluate_parts(parts);
    for (p, original) in parts.iter_mut().zip(originals) {
        p.engine.set_calibration(original);
    }
    Report {
        current,
        cross_validated,
        fitted_on_all,
        calibration,
        lambda,
        questions: all_questions.len(),
    }
}

fn evaluate_parts(parts: &[Part<'_>]) -> Accuracy {
    let mut accuracy = Accuracy::default();
    for p in parts {
        for item in p.set {
            accuracy.add(item.kind, judge(item, &p.engine.ask(&item.q)));
        }
    }
    accuracy
}

/// Accuracy of `engine` as it is on `set`.
pub fn evaluate(engine: &Engine, set: &[Labeled]) -> Accuracy {
    let mut accuracy = Accuracy::default();
    for item in set {
        accuracy.add(item.kind, judge(item, &engine.ask(&item.q)));
    }
    accuracy
}

/// Each question's fold: questions of each kind dealt out in turn after a seeded shuffle.
fn assign_folds(set: &[&Labeled], options: Options) -> Vec<usize> {
    let mut order: Vec<usize> = (0..set.len()).collect();
    let mut state = options.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for i in (1..order.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order.sort_by_key(|&i| set[i].kind);
    let mut folds = vec![0; set.len()];
    for (n, &i) in order.iter().enumerate() {
        folds[i] = n % options.folds.max(2);
    }
    folds
}

/// Every question of every part, prepared once under the parts' current weights; `folds` in the same order.
fn samples(parts: &[Part<'_>], folds: &[usize]) -> Vec<Sample> {
    parts
        .iter()
        .flat_map(|p| p.set.iter().map(move |item| (&*p.engine, item)))
        .zip(folds)
        .map(|((engine, item), &fold)| {
            let prepared = engine.prepare_exact(&item.q);
            let features: Features = prepared.inspection.features;
            Sample {
                kind: item.kind,
                features,
                answer_right: judge(item, &engine.finish(&prepared, true)),
                silent_right: judge(item, &engine.finish(&prepared, false)),
                fold,
            }
        })
        .collect()
}

/// Accuracy on each fold of a model fitted on the others.
fn cross_validate(samples: &[Sample], folds: usize, lambda: f64) -> Accuracy {
    let mut accuracy = Accuracy::default();
    for fold in 0..folds.max(2) {
        let train: Vec<&Sample> = samples.iter().filter(|s| s.fold != fold).collect();
        let (model, threshold) = fit(&train, lambda);
        for s in samples.iter().filter(|s| s.fold == fold) {
            accuracy.add(s.kind, right(s, &model, threshold));
        }
    }
    accuracy
}

fn confidence(model: &Model, s: &Sample) -> f64 {
    let z = model.intercept
        + model
            .coefficients
            .iter()
            .zip(s.features.values())
            .map(|(c, x)| c * x)
            .sum::<f64>();
    logistic::sigmoid(z)
}

fn right(s: &Sample, model: &Model, threshold: f64) -> bool {
    if answers(&s.features, confidence(model, s), threshold) {
        s.answer_right
    } else {
        s.silent_right
    }
}

/// A model fitted on `train` and the answer threshold that maximizes its objective there.
fn fit(train: &[&Sample], lambda: f64) -> (Model, f64) {
    let xs: Vec<Vec<f64>> = train.iter().map(|s| s.features.values().to_vec()).collect();
    let ys: Vec<bool> = train
        .iter()
        .map(|s| s.answer_right && !s.silent_right)
        .collect();
    let (intercept, w) = logistic::fit(&xs, &ys, lambda);
    let mut coefficients = [0.0; 10];
    coefficients.copy_from_slice(&w);
    let model = Model {
        intercept,
        coefficients,
    };
    let mut ps: Vec<f64> = train.iter().map(|s| confidence(&model, s)).collect();
    ps.sort_by(f64::total_cmp);
    ps.dedup();
    // Candidate thresholds: midway between neighbouring confidences (and beyond both ends).
    let mut candidates: Vec<f64> = ps.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    candidates.push(1.0);
    let scored: Vec<(f64, f64)> = candidates
        .into_iter()
        .map(|t| {
            let mut accuracy = Accuracy::default();
            for s in train {
                accuracy.add(s.kind, right(s, &model, t));
            }
            (t, accuracy.objective())
        })
        .collect();
    let top = scored.iter().map(|s| s.1).fold(f64::NEG_INFINITY, f64::max);
    // The middle of the thresholds that do best, so that a question near the edge is not decided by chance.
    let best: Vec<f64> = scored
        .iter()
        .filter(|s| s.1 >= top - 1e-9)
        .map(|s| s.0)
        .collect();
    let threshold = (best[0] + best[best.len() - 1]) / 2.0;
    (model, threshold.clamp(0.01, 0.99))
}
