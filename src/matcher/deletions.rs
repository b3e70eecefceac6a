//! Deletion variants of words, as hashes, for the typo index of [`Index`](super::index::Index).

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

/// FNV-1a over the characters of `chars` except those at `skip` positions, folded to 32 bits.
fn hash_without(chars: &[char], skip: [usize; 2]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &c) in chars.iter().enumerate() {
        if i != skip[0] && i != skip[1] {
            h = (h ^ u64::from(c as u32)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (h ^ (h >> 32)) as u32
}

/// Hashes of the word itself and of every variant made by deleting up to `edits` (at most 2) characters; a
/// word is never shortened below one character. Duplicates may occur.
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
    let none = usize::MAX;
    let mut out = vec![hash_without(chars, [none, none])];
    if edits >= 1 && n > 1 {
        out.extend((0..n).map(|i| hash_without(chars, [i, none])));
    }
    if edits >= 2 && n > 2 {
        for i in 0..n {
            out.extend((i + 1..n).map(|j| hash_without(chars, [i, j])));
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
        let of = |s: &str| hash_without(&s.chars().collect::<Vec<_>>(), [usize::MAX; 2]);
        for variant in [
            "abcd", "bcd", "acd", "abd", "abc", "cd", "bd", "bc", "ad", "ac", "ab",
        ] {
            assert!(hashes.contains(&of(variant)), "{variant}");
        }
    }
}
