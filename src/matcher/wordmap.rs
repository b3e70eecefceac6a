//! A map from words to `u32` values for building the index, laid out for lookups that touch little memory.
//!
//! Building an index looks up every word of every phrasing and quote (millions at 100,000 entries) among a few
//! tens of thousands of distinct words. A `HashMap<Box<str>, u32>` keeps each key in its own allocation, so every
//! lookup that finds its word follows a pointer to somewhere in the heap, and most of the time goes to those
//! cache misses. Here the words sit back to back in one string, and the table is a flat vector of slots holding
//! a 32-bit tag of the hash, the value and where the word is; a lookup compares text only when the tags agree.

/// Words and their values: see the [module documentation](self).
#[derive(Debug, Default)]
pub struct WordMap {
    /// Every word, back to back.
    text: String,
    /// Number of words.
    len: usize,
    /// Open addressing, linear probing; the length is a power of two, at least twice the number of words.
    slots: Vec<Slot>,
}

/// One word of a [`WordMap`], or an empty slot ([`EMPTY`]).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The high 32 bits of the word's hash.
    tag: u32,
    value: u32,
    /// Where the word is in `text`.
    start: u32,
    end: u32,
}

/// A slot that holds no word.
const EMPTY: Slot = Slot {
    tag: 0,
    value: 0,
    start: u32::MAX,
    end: 0,
};

/// Where a word that is not in the map would go: see [`WordMap::find`].
#[derive(Debug, Clone, Copy)]
pub struct Vacant {
    hash: u64,
}

impl WordMap {
    /// The value of `word`, or where to [`insert`](WordMap::insert) it.
    ///
    /// ```
    /// use verbatim::matcher::wordmap::WordMap;
    /// let mut map = WordMap::default();
    /// let vacant = map.find("coal").unwrap_err();
    /// map.insert(vacant, "coal", 7);
    /// assert_eq!(map.find("coal").ok(), Some(7));
    /// assert!(map.find("coals").is_err() && map.find("coa").is_err());
    /// ```
    pub fn find(&self, word: &str) -> Result<u32, Vacant> {
        let hash = hash(word);
        if self.slots.is_empty() {
            return Err(Vacant { hash });
        }
        let mask = self.slots.len() - 1;
        let tag = (hash >> 32) as u32;
        let mut i = hash as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.start == EMPTY.start {
                return Err(Vacant { hash });
            }
            if slot.tag == tag && &self.text[slot.start as usize..slot.end as usize] == word {
                return Ok(slot.value);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `word`, which [`find`](WordMap::find) did not find (and which was not added since), with `value`.
    pub fn insert(&mut self, vacant: Vacant, word: &str, value: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let start = self.text.len() as u32;
        self.text.push_str(word);
        let slot = Slot {
            tag: (vacant.hash >> 32) as u32,
            value,
            start,
            end: self.text.len() as u32,
        };
        self.place(vacant.hash, slot);
        self.len += 1;
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map holds no word.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Puts a word's slot, of hash `hash`, into the first free slot of its probe sequence.
    fn place(&mut self, hash: u64, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        while self.slots[i].start != EMPTY.start {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// Doubles the table (at least 1,024 slots) and places every word again.
    fn grow(&mut self) {
        let len = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; len]);
        for slot in old.into_iter().filter(|s| s.start != EMPTY.start) {
            let word = &self.text[slot.start as usize..slot.end as usize];
            self.place(hash(word), slot);
        }
    }
}

/// FNV-1a over the bytes, then a final mix so that the low bits (the slot) and the high bits (the tag) both
/// depend on every byte. Build time only: not exposed to untrusted input at question time.
fn hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word.as_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    // The finalizer of MurmurHash3.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_many_words_through_growth() {
        let mut map = WordMap::default();
        for i in 0..5000u32 {
            let word = format!("w{i}");
            let vacant = map.find(&word).unwrap_err();
            map.insert(vacant, &word, i * 3);
        }
        assert_eq!(map.len(), 5000);
        for i in 0..5000u32 {
            assert_eq!(map.find(&format!("w{i}")).ok(), Some(i * 3));
        }
        assert!(map.find("w5000").is_err() && map.find("").is_err());
        let vacant = map.find("").unwrap_err();
        map.insert(vacant, "", 1);
        assert_eq!(map.find("").ok(), Some(1));
    }
}
