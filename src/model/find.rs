//! Find as the user types: where a query occurs in one text, searched
//! incrementally. Typing a letter searches only within the last query's
//! occurrences (each checked for the longer query where it starts); erasing
//! one takes the shorter query's occurrences, kept from when it was typed;
//! any other query searches the whole text once (one `memmem` pass).
//!
//! The occurrences reported are those of [`crate::model::Text::find_all`],
//! exact (case and accents count) and non-overlapping, left to right
//! (`"aa"` in `"aaaa"`: 0 and 2); every occurrence, overlapping ones too,
//! is kept underneath, so that a longer query is found where it starts
//! inside an earlier occurrence of the shorter one (`"aab"` in `"aaab"`).
//! Offsets are bytes: a hit is turned into a code point only when the
//! caller needs one ([`crate::model::Text::byte_to_char`]), so a letter
//! found 200,000 times in a long article costs no conversion.
//!
//! Owns: the cached occurrences of the queries typed. Must not touch:
//! anything else (pure; the caller says which text it is for and starts a
//! new cache when the text changes).

use memchr::memmem::Finder;

use super::{ByteIdx, Text};

/// One query typed and every place it starts (overlapping included).
#[derive(Debug, Clone)]
struct Level {
    query: String,
    /// Byte offsets of every occurrence, overlapping ones included, in order.
    all: Vec<usize>,
    /// The non-overlapping ones, left to right, as reported.
    shown: Vec<ByteIdx>,
}

impl Level {
    fn new(query: &str, all: Vec<usize>) -> Self {
        let mut shown = Vec::with_capacity(all.len());
        let mut free = 0;
        for &at in &all {
            if at >= free {
                shown.push(ByteIdx::new(at));
                free = at + query.len();
            }
        }
        Self { query: query.to_owned(), all, shown }
    }
}

/// The occurrences of the queries typed into Find, for one text: each a
/// prefix of the next (erasing letters goes back down without searching).
#[derive(Debug, Clone, Default)]
pub struct IncrementalFind {
    levels: Vec<Level>,
    /// Bytes of text compared by the last [`IncrementalFind::hits`]
    /// (a whole-text search counts the text's length): for tests.
    last_cost: usize,
}

impl IncrementalFind {
    /// A cache for a text none of whose queries has been searched yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Byte offsets where `query` starts in `text`, non-overlapping, left
    /// to right, as [`Text::find_all`] finds them (empty for an empty
    /// query). `text` must be the text of the earlier calls.
    ///
    /// ```
    /// use spanlab::model::find::IncrementalFind;
    /// use spanlab::model::{ByteIdx, Text};
    /// let text = Text::new("Pékin, Paris, Pékin".to_owned());
    /// let mut find = IncrementalFind::new();
    /// assert_eq!(find.hits(&text, "P").len(), 3);
    /// assert_eq!(find.hits(&text, "Pé"), [ByteIdx::new(0), ByteIdx::new(15)]);
    /// ```
    pub fn hits(&mut self, text: &Text, query: &str) -> &[ByteIdx] {
        self.last_cost = 0;
        if query.is_empty() {
            self.levels.clear();
            return &[];
        }
        // Erasing: back to the longest kept query that starts this one.
        while self.levels.last().is_some_and(|l| !query.starts_with(l.query.as_str())) {
            self.levels.pop();
        }
        let level = match self.levels.last() {
            Some(l) if l.query == query => None,
            Some(l) => Some(Level::new(query, Self::narrowed(text.as_str(), &l.all, query, &mut self.last_cost))),
            None => {
                self.last_cost = text.len_bytes();
                Some(Level::new(query, Self::everywhere(text.as_str(), query)))
            }
        };
        if let Some(level) = level {
            self.levels.push(level);
        }
        self.levels.last().map_or(&[], |l| l.shown.as_slice())
    }

    /// Bytes of text compared by the last [`IncrementalFind::hits`]: the
    /// whole text for a first search, a few per occurrence when a letter
    /// was typed, none when one was erased.
    pub fn last_cost(&self) -> usize {
        self.last_cost
    }

    /// Every start of `query` in `text`, overlapping ones included.
    fn everywhere(text: &str, query: &str) -> Vec<usize> {
        let finder = Finder::new(query.as_bytes());
        let hay = text.as_bytes();
        let mut out = Vec::new();
        let mut from = 0;
        while let Some(at) = hay.get(from..).and_then(|h| finder.find(h)) {
            out.push(from + at);
            // The next may start inside this one; on at the next code point
            // (a query starts on one).
            from += at + 1;
        }
        out
    }

    /// The starts among `before` (of a prefix of `query`) where `query` occurs.
    fn narrowed(text: &str, before: &[usize], query: &str, cost: &mut usize) -> Vec<usize> {
        let hay = text.as_bytes();
        let needle = query.as_bytes();
        *cost = before.len() * needle.len();
        before.iter().copied().filter(|&at| hay.get(at..).is_some_and(|h| h.starts_with(needle))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(text: &Text, hits: &[ByteIdx]) -> Vec<usize> {
        hits.iter().filter_map(|&b| text.byte_to_char(b)).map(|c| c.get()).collect()
    }

    #[test]
    fn typing_a_letter_searches_only_the_last_occurrences() {
        let text = Text::new("Lavrov à Pékin ; Lavrov à Paris ; Lavrova ; La Paz".to_owned());
        let mut find = IncrementalFind::new();
        assert_eq!(chars(&text, find.hits(&text, "L")), [0, 17, 34, 44]);
        assert_eq!(find.last_cost(), text.len_bytes(), "the first letter searches the whole text");
        assert_eq!(chars(&text, find.hits(&text, "La")), [0, 17, 34, 44]);
        assert_eq!(find.last_cost(), 4 * 2, "four occurrences checked");
        assert_eq!(chars(&text, find.hits(&text, "Lav")), [0, 17, 34]);
        assert_eq!(chars(&text, find.hits(&text, "Lavrova")), [34]);
        assert_eq!(find.last_cost(), 3 * 7);
    }

    #[test]
    fn erasing_a_letter_takes_the_shorter_query_s_occurrences_without_searching() {
        let text = Text::new("Pékin, Paris, Pékin, Pérou".to_owned());
        let mut find = IncrementalFind::new();
        find.hits(&text, "P");
        find.hits(&text, "Pé");
        assert_eq!(chars(&text, find.hits(&text, "Pék")), [0, 14]);
        assert_eq!(chars(&text, find.hits(&text, "Pé")), [0, 14, 21]);
        assert_eq!(find.last_cost(), 0, "kept from when it was typed");
        assert_eq!(chars(&text, find.hits(&text, "P")), [0, 7, 14, 21]);
        assert_eq!(find.last_cost(), 0);
        // Then another way: only within "P" again.
        assert_eq!(chars(&text, find.hits(&text, "Pa")), [7]);
        assert_eq!(find.last_cost(), 4 * 2);
        assert!(find.hits(&text, "").is_empty());
        assert_eq!(chars(&text, find.hits(&text, "Pérou")), [21], "after an empty query, a whole search");
        assert_eq!(find.last_cost(), text.len_bytes());
    }

    #[test]
    fn a_letter_that_breaks_every_occurrence_finds_none_and_erasing_it_finds_them_again() {
        let text = Text::new("Wang Yi et Wang Yi".to_owned());
        let mut find = IncrementalFind::new();
        assert_eq!(find.hits(&text, "Wang").len(), 2);
        assert!(find.hits(&text, "Wangz").is_empty());
        assert!(find.hits(&text, "Wangzz").is_empty());
        assert_eq!(find.last_cost(), 0, "nothing left to check");
        assert_eq!(chars(&text, find.hits(&text, "Wang")), [0, 11]);
    }

    #[test]
    fn case_and_accents_count_as_find_did_before() {
        let text = Text::new("Pékin, PÉKIN, pekin, Pekin".to_owned());
        let mut find = IncrementalFind::new();
        find.hits(&text, "P");
        assert_eq!(chars(&text, find.hits(&text, "Pé")), [0]);
        assert_eq!(chars(&text, find.hits(&text, "PÉ")), [7]);
        assert_eq!(chars(&text, find.hits(&text, "Pe")), [21]);
        assert!(find.hits(&text, "pé").is_empty());
    }

    #[test]
    fn a_longer_query_is_found_inside_an_earlier_overlapping_occurrence() {
        let text = Text::new("aaab aaaa".to_owned());
        let mut find = IncrementalFind::new();
        find.hits(&text, "a");
        assert_eq!(chars(&text, find.hits(&text, "aa")), [0, 5, 7], "non-overlapping, as before");
        assert_eq!(chars(&text, find.hits(&text, "aab")), [1], "starts inside the first \"aa\"");
    }

    #[test]
    fn a_query_that_is_no_extension_searches_anew() {
        let text = Text::new("Rome et Moscou".to_owned());
        let mut find = IncrementalFind::new();
        find.hits(&text, "Rome");
        assert_eq!(chars(&text, find.hits(&text, "Moscou")), [8]);
        assert_eq!(find.last_cost(), text.len_bytes());
    }

    proptest! {
        /// Typed letter by letter, erased and typed again, the occurrences
        /// are always those of a whole search.
        #[test]
        fn typing_agrees_with_a_whole_search(text in "[abé ]{0,40}", query in "[abé]{1,5}", erase in 0usize..5) {
            let text = Text::new(text.clone());
            let mut find = IncrementalFind::new();
            let prefixes: Vec<&str> = query.char_indices().map(|(i, c)| &query[..i + c.len_utf8()]).collect();
            let back = prefixes.len().saturating_sub(erase + 1);
            let order = prefixes.iter().chain(prefixes[back..].iter().rev()).chain(prefixes[back..].iter());
            for q in order {
                let got = chars(&text, find.hits(&text, q));
                let want: Vec<usize> = text.find_all(q).iter().map(|c| c.get()).collect();
                prop_assert_eq!(got, want, "query {:?}", q);
            }
        }
    }
}
