//! Questions that point at a photo by its place in the report ("what does the second photo show?", "who took
//! the last picture?", "caption of image 2"): people who read the page count its pictures, and no word of a
//! caption tells two photos apart. The answer is the caption at that place among the source's captions, in
//! the order of the report's text (`SourceOverview::captions`); a place the report does not have
//! is left to the matcher.

use super::{Engine, Prepared};
use crate::matcher::normalize::{fold, words};
use crate::matcher::question::asked_part;

/// Which of a report's photos a question points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The n-th from the start (0 for the first).
    Nth(usize),
    /// The last one.
    Last,
}

/// Words for a photo and its caption.
const PICTURE_WORDS: &[&str] = &[
    "photo",
    "photos",
    "photograph",
    "photographs",
    "picture",
    "pictures",
    "pic",
    "pics",
    "image",
    "images",
    "caption",
    "captions",
];

/// Ordinals before a picture word ("the second photo"), with the place they give.
const ORDINALS: &[(&str, Place)] = &[
    ("first", Place::Nth(0)),
    ("1st", Place::Nth(0)),
    ("second", Place::Nth(1)),
    ("2nd", Place::Nth(1)),
    ("third", Place::Nth(2)),
    ("3rd", Place::Nth(2)),
    ("fourth", Place::Nth(3)),
    ("4th", Place::Nth(3)),
    ("fifth", Place::Nth(4)),
    ("5th", Place::Nth(4)),
    ("last", Place::Last),
    ("final", Place::Last),
];

/// Numbers after a picture word ("photo 2", "image two").
const NUMBERS: &[(&str, usize)] = &[
    ("1", 0),
    ("one", 0),
    ("2", 1),
    ("two", 1),
    ("3", 2),
    ("three", 2),
    ("4", 3),
    ("four", 3),
    ("5", 4),
    ("five", 4),
];

/// The place of the photo `question` points at, if it names one: an ordinal at most two words before a
/// picture word, or a number right after one. Only the part of the message that asks is read.
///
/// ```
/// use verbatim::answer::pictures::{photo_place, Place};
/// assert_eq!(photo_place("What does the second photo show?"), Some(Place::Nth(1)));
/// assert_eq!(photo_place("the 2nd pic who took it"), Some(Place::Nth(1)));
/// assert_eq!(photo_place("Caption of image 3, please"), Some(Place::Nth(2)));
/// assert_eq!(photo_place("who took the last picture"), Some(Place::Last));
/// assert_eq!(photo_place("What does the photo show?"), None);
/// assert_eq!(photo_place("Who was the first deputy to speak?"), None);
/// ```
pub fn photo_place(question: &str) -> Option<Place> {
    let words = words(&fold(&asked_part(question)), 64);
    let ordinal = |w: &str| ORDINALS.iter().find(|(o, _)| *o == w).map(|&(_, p)| p);
    let number = |w: &str| NUMBERS.iter().find(|(n, _)| *n == w).map(|&(_, n)| n);
    words.iter().enumerate().find_map(|(i, w)| {
        if !PICTURE_WORDS.contains(&w.as_str()) {
            return None;
        }
        let before = words[i.saturating_sub(2)..i].iter().rev();
        before
            .filter_map(|b| ordinal(b))
            .next()
            .or_else(|| words.get(i + 1).and_then(|n| number(n)).map(Place::Nth))
    })
}

impl Engine {
    /// The captions a question that points at a photo by its place asks for: in the source of the best
    /// candidate, or else in each source, the caption at that place. `None` when the question names no place or
    /// no source has a caption there.
    pub(super) fn photos_at(&self, prepared: &Prepared) -> Option<Vec<usize>> {
        let place = photo_place(&prepared.question)?;
        let best_source = prepared
            .inspection
            .ranked
            .first()
            .map(|s| self.knowledge.entries[s.doc].source);
        let found: Vec<usize> = self
            .overview
            .sources
            .iter()
            .enumerate()
            .filter(|&(index, _)| best_source.is_none_or(|b| b == index))
            .filter_map(|(_, source)| match place {
                Place::Nth(n) => source.captions.get(n).copied(),
                Place::Last => source.captions.last().copied(),
            })
            .collect();
        (!found.is_empty()).then_some(found)
    }
}
