//! A small seeded pseudo-random generator (SplitMix64) and a Zipf-like sampler over ranks.
//!
//! The generator is our own so that a seed gives the same knowledge on every platform and with every version
//! of the `rand` crate: benchmark numbers stay comparable across runs and machines.

/// SplitMix64: tiny, fast, and good enough for synthetic text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    ///
    /// ```
    /// use verbatim::synth::rng::Rng;
    /// let (mut a, mut b) = (Rng::new(7), Rng::new(7));
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_cafe_f00d_d00d)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `lo..=hi`.
    ///
    /// ```
    /// let mut rng = verbatim::synth::rng::Rng::new(1);
    /// assert!((0..100).all(|_| (3..=5).contains(&rng.range(3, 5))));
    /// ```
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// Whether an event of probability `p` happens.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A uniformly chosen element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    /// Shuffles `items` in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.range(0, i));
        }
    }
}

/// Samples ranks `0..n` with probability proportional to `1 / (rank + 1 + q)^s` (Zipf-Mandelbrot).
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    /// A sampler over `n` ranks with exponent `s` and offset `q`.
    ///
    /// ```
    /// use verbatim::synth::rng::{Rng, Zipf};
    /// let zipf = Zipf::new(1000, 1.0, 0.0);
    /// let mut rng = Rng::new(3);
    /// let low = (0..10_000).filter(|_| zipf.sample(&mut rng) < 10).count();
    /// assert!(low > 3000, "the first ranks dominate: {low}");
    /// ```
    pub fn new(n: usize, s: f64, q: f64) -> Zipf {
        let mut total = 0.0;
        let cumulative = (0..n)
            .map(|r| {
                total += 1.0 / (r as f64 + 1.0 + q).powf(s);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    /// A rank in `0..n`.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let target = rng.unit() * self.cumulative.last().copied().unwrap_or(0.0);
        self.cumulative
            .partition_point(|&c| c <= target)
            .min(self.cumulative.len() - 1)
    }
}
