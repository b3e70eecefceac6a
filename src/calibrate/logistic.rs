//! Logistic regression with an L2 penalty, fitted by Newton's method: small enough to read, exact enough for a
//! dozen features and a few thousand questions.

/// Fits `P(y = 1 | x) = 1 / (1 + exp(-(b + w·x)))` to `xs` and `ys` with penalty `lambda` on `w` (features are
/// standardized for the fit; the result is in the original units). Returns `(b, w)`.
///
/// ```
/// use verbatim::calibrate::logistic::fit;
/// // y is 1 exactly when x > 0.5: the fitted boundary is near 0.5.
/// let xs: Vec<Vec<f64>> = (0..100).map(|i| vec![i as f64 / 100.0]).collect();
/// let ys: Vec<bool> = xs.iter().map(|x| x[0] > 0.5).collect();
/// let (b, w) = fit(&xs, &ys, 0.01);
/// assert!((-b / w[0] - 0.5).abs() < 0.02, "boundary {}", -b / w[0]);
/// ```
pub fn fit(xs: &[Vec<f64>], ys: &[bool], lambda: f64) -> (f64, Vec<f64>) {
    let n = xs.len();
    let d = xs.first().map_or(0, Vec::len);
    if n == 0 {
        return (0.0, vec![0.0; d]);
    }
    // Standardize each feature (a constant one keeps scale 1).
    let mean: Vec<f64> = (0..d)
        .map(|j| xs.iter().map(|x| x[j]).sum::<f64>() / n as f64)
        .collect();
    let scale: Vec<f64> = (0..d)
        .map(|j| {
            let var = xs.iter().map(|x| (x[j] - mean[j]).powi(2)).sum::<f64>() / n as f64;
            if var > 1e-12 { var.sqrt() } else { 1.0 }
        })
        .collect();
    let z: Vec<Vec<f64>> = xs
        .iter()
        .map(|x| {
            std::iter::once(1.0)
                .chain((0..d).map(|j| (x[j] - mean[j]) / scale[j]))
                .collect()
        })
        .collect();
    let mut beta = vec![0.0; d + 1];
    for _ in 0..50 {
        let mut gradient = vec![0.0; d + 1];
        let mut hessian = vec![vec![0.0; d + 1]; d + 1];
        for (row, &y) in z.iter().zip(ys) {
            let p = sigmoid(dot(row, &beta));
            let weight = (p * (1.0 - p)).max(1e-9);
            for a in 0..=d {
                gradient[a] += (p - f64::from(u8::from(y))) * row[a];
                for b in 0..=d {
                    hessian[a][b] += weight * row[a] * row[b];
                }
            }
        }
        for a in 1..=d {
            gradient[a] += lambda * n as f64 * beta[a];
            hessian[a][a] += lambda * n as f64;
        }
        let Some(step) = solve(hessian, gradient) else {
            break;
        };
        let mut largest: f64 = 0.0;
        for (b, s) in beta.iter_mut().zip(&step) {
            *b -= s;
            largest = largest.max(s.abs());
        }
        if largest < 1e-9 {
            break;
        }
    }
    let w: Vec<f64> = (0..d).map(|j| beta[j + 1] / scale[j]).collect();
    let b = beta[0] - (0..d).map(|j| w[j] * mean[j]).sum::<f64>();
    (b, w)
}

/// `1 / (1 + e^-z)`.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Solves `m x = v` by Gaussian elimination with partial pivoting; `None` if `m` is singular.
fn solve(mut m: Vec<Vec<f64>>, mut v: Vec<f64>) -> Option<Vec<f64>> {
    let n = v.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        v.swap(col, pivot);
        let pivot_row = m[col].clone();
        for row in col + 1..n {
            let factor = m[row][col] / pivot_row[col];
            for (a, b) in m[row][col..n].iter_mut().zip(&pivot_row[col..n]) {
                *a -= factor * b;
            }
            v[row] -= factor * v[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let rest: f64 = (row + 1..n).map(|k| m[row][k] * x[k]).sum();
        x[row] = (v[row] - rest) / m[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_known_coefficients() {
        // Deterministic data from a known model: y = 1 when 2 x0 - 3 x1 + 0.5 > noise.
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for _ in 0..4000 {
            let x = vec![next() * 2.0 - 1.0, next() * 2.0 - 1.0];
            let p = sigmoid(0.5 + 2.0 * x[0] - 3.0 * x[1]);
            ys.push(next() < p);
            xs.push(x);
        }
        let (b, w) = fit(&xs, &ys, 1e-6);
        assert!((b - 0.5).abs() < 0.25, "b {b}");
        assert!((w[0] - 2.0).abs() < 0.35, "w0 {}", w[0]);
        assert!((w[1] + 3.0).abs() < 0.35, "w1 {}", w[1]);
    }

    #[test]
    fn a_constant_feature_and_one_class_do_not_break_it() {
        let xs = vec![vec![1.0, 0.2], vec![1.0, 0.4], vec![1.0, 0.9]];
        let (b, w) = fit(&xs, &[false, false, false], 0.1);
        assert!(b.is_finite() && w.iter().all(|x| x.is_finite()));
        assert!(sigmoid(b + w[0] + w[1] * 0.5) < 0.5);
    }
}
