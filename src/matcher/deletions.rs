//! Deletion variants of words, as hashes, for the typo index of [`Index`](super::index::Index).

use crate::text::mix64;

/// The most characters a question word of this length may differ by and still count as a typo of a
/// vocabulary word.
///
/// ```
/// use verbatim::matcher::deletions::max_edits;
/// assert_eq!((max_edits(3), max_edits(4), max_edits(8)), (0, 1, 2));
/// ```
pub fn max_edits(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The base of the polynomial hash (odd, so that multiplying by it loses nothing modulo 2^64).
const BASE: u64 = 0x9e37_79b9_7f4a_7c15;

/// One step of the polynomial hash of a run of characters, `Σ (c_k + 1) · BASE^(len-1-k)` modulo 2^64 (before
/// mixing): the hash of the run `h` was the hash of, followed by `c`.
fn push(h: u64, c: char) -> u64 {
    h.wrapping_mul(BASE).wrapping_add(u64::from(c) + 1)
}

/// The 32-bit hash of a word from its polynomial hash: mixed so that every bit depends on every character,
/// then folded.
fn finish(h: u64) -> u32 {
    let h = mix64(h);
    (h ^ (h >> 32)) as u32
}

/// Sorts `keys` in ascending order: a radix sort, 16 bits per pass, skipping the digits all keys share. For the
/// millions of `(hash << 32) | id` keys of the typo index it is many times faster than a comparison sort.
///
/// ```
/// let mut keys: Vec<u64> = vec![5 << 32 | 2, 1, 5 << 32 | 1, u64::MAX, 0, 1 << 40];
/// verbatim::matcher::deletions::sort_keys(&mut keys);
/// assert_eq!(keys, [0, 1, 5 << 32 | 1, 5 << 32 | 2, 1 << 40, u64::MAX]);
/// ```
pub fn sort_keys(keys: &mut Vec<u64>) {
    let mut buffer = vec![0u64; keys.len()];
    for shift in [0, 16, 32, 48] {
        let digit = |k: u64| ((k >> shift) & 0xffff) as usize;
        let mut counts = vec![0usize; 1 << 16];
        for &k in keys.iter() {
            counts[digit(k)] += 1;
        }
        if counts.contains(&keys.len()) {
            continue;
        }
        let mut next = 0;
        for c in counts.iter_mut() {
            (*c, next) = (next, next + *c);
        }
        for &k in keys.iter() {
            let slot = &mut counts[digit(k)];
            buffer[*slot] = k;
            *slot += 1;
        }
        std::mem::swap(keys, &mut buffer);
    }
}

/// The hash of a word: what [`deletion_hashes`] gives for the word itself and for each of its variants.
///
/// ```
/// use verbatim::matcher::deletions::{deletion_hashes, word_hash};
/// let wang: Vec<char> = "wang".chars().collect();
/// assert!(deletion_hashes(&wang, 1).contains(&word_hash(&['w', 'n', 'g'])));
/// ```
pub fn word_hash(chars: &[char]) -> u32 {
    finish(chars.iter().fold(0, |h, &c| push(h, c)))
}

/// Hashes of the word itself and of every variant made by deleting up to `edits` (at most 2) characters; a
/// word is never shortened below one character. Duplicates may occur.
///
/// The hash is polynomial, so a variant's hash comes from the hashes of the word's prefixes and suffixes in a
/// few multiplications, not by hashing the variant again: a 12-letter word has 79 variants.
///
/// ```
/// use verbatim::matcher::deletions::deletion_hashes;
/// let word: Vec<char> = "wang".chars().collect();
/// let typo: Vec<char> = "wnag".chars().collect();
/// // "wng" is a deletion variant of both.
/// let shared = deletion_hashes(&word, 1).into_iter().filter(|h| deletion_hashes(&typo, 1).contains(h)).count();
/// assert!(shared >= 1);
/// assert_eq!(deletion_hashes(&word, 0).len(), 1);
/// ```
pub fn deletion_hashes(chars: &[char], edits: usize) -> Vec<u32> {
    let n = chars.len();
    // prefix[k]: hash of chars[..k]; suffix[k]: hash of chars[k..] (its last character weighs BASE^0);
    // power[k]: BASE^k.
    let mut prefix = Vec::with_capacity(n + 1);
    let mut power = Vec::with_capacity(n + 1);
    let (mut h, mut p) = (0u64, 1u64);
    for &c in chars {
        prefix.push(h);
        power.push(p);
        h = push(h, c);
        p = p.wrapping_mul(BASE);
    }
    prefix.push(h);
    power.push(p);
    let suffix = |k: usize| prefix[n].wrapping_sub(prefix[k].wrapping_mul(power[n - k]));
    let mut out = vec![finish(prefix[n])];
    if edits >= 1 && n > 1 {
        // Without character i: the prefix shifted past the suffix after i.
        out.extend((0..n).map(|i| {
            finish(
                prefix[i]
                    .wrapping_mul(power[n - 1 - i])
                    .wrapping_add(suffix(i + 1)),
            )
        }));
    }
    if edits >= 2 && n > 2 {
        for i in 0..n {
            for j in i + 1..n {
                // Without characters i and j: prefix, then the middle run, then the suffix after j.
                let middle = prefix[j].wrapping_sub(prefix[i + 1].wrapping_mul(power[j - i - 1]));
                let h = prefix[i]
                    .wrapping_mul(power[n - 2 - i])
                    .wrapping_add(middle.wrapping_mul(power[n - 1 - j]))
                    .wrapping_add(suffix(j + 1));
                out.push(finish(h));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_match_the_string_definition() {
        let chars: Vec<char> = "abcd".chars().collect();
        let hashes = deletion_hashes(&chars, 2);
        assert_eq!(hashes.len(), 1 + 4 + 6);
        let of = |s: &str| word_hash(&s.chars().collect::<Vec<_>>());
        let variants = [
            "abcd", "bcd", "acd", "abd", "abc", "cd", "bd", "bc", "ad", "ac", "ab",
        ];
        assert_eq!(hashes, variants.map(of));
        assert_ne!(of("ab"), of("ba"));
    }

    /// Every variant's hash is the hash of the variant spelt out, for words of every length up to 14 and
    /// characters of every width.
    #[test]
    fn variant_hashes_are_the_hashes_of_the_variants() {
        let word: Vec<char> = "ab\u{e9}c\u{4e2d}d\u{1f600}efghijk".chars().collect();
        for n in 1..=word.len() {
            let w = &word[..n];
            let mut expected = vec![word_hash(w)];
            if n > 1 {
                for i in 0..n {
                    let v: Vec<char> = w
                        .iter()
                        .enumerate()
                        .filter(|&(k, _)| k != i)
                        .map(|(_, &c)| c)
                        .collect();
                    expected.push(word_hash(&v));
                }
            }
            if n > 2 {
                for i in 0..n {
                    for j in i + 1..n {
                        let v: Vec<char> = w
                            .iter()
                            .enumerate()
                            .filter(|&(k, _)| k != i && k != j)
                            .map(|(_, &c)| c)
                            .collect();
                        expected.push(word_hash(&v));
                    }
                }
            }
            assert_eq!(deletion_hashes(w, 2), expected, "{n}");
        }
    }

    #[test]
    fn sort_keys_sorts_like_the_standard_sort() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut keys: Vec<u64> = (0..50_000)
            .map(|i| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                if i % 3 == 0 {
                    (state >> 40) << 32 | (i % 7)
                } else {
                    state
                }
            })
            .collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        sort_keys(&mut keys);
        assert_eq!(keys, expected);
    }
}
