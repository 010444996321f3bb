//! Which ranges of a document are free for a new span, as f and n ask
//! about the names they offer: no span or pending suggestion shares a
//! code point with the range, and it is not exactly a suggestion already
//! decided on ([`is_free`]).
//!
//! Owns: [`is_free`], [`FreeCheck`]. Must not touch: anything but the document's
//! position indexes (nothing here edits it).

use super::{CharIdx, Document};

/// Whether `[a, b)` is free: no span or pending suggestion shares a code
/// point with it (or, for an empty range, holds its place inside) and it
/// is not exactly a suggestion already decided on (rejected, or accepted
/// and since deleted or moved: it was turned down here, n passes over
/// it). Three look-ups in the document's position indexes, each
/// logarithmic in its spans or suggestions: a press of f or n reads those
/// near the names it asks about, not all of a long article's (it sorted
/// them all on every press before).
pub fn is_free(doc: &Document, a: CharIdx, b: CharIdx) -> bool {
    doc.spans().overlapping(a, b).next().is_none()
        && doc.pending_overlapping(a, b).next().is_none()
        && doc.decided_at(a, b).next().is_none()
}

/// Half the width of a [`FreeCheck`]'s first window, in code points; each
/// next window twice as wide, up to [`LAST_REACH`].
const FIRST_REACH: usize = 1_024;
/// Half the width of a [`FreeCheck`]'s widest window.
const LAST_REACH: usize = 1 << 16;

/// [`is_free`] for many ranges near one another, such as the names one
/// press of n asks about (up to some 75,000 on a 200 MB article, in text
/// order, or the reverse for Shift+N): it copies the ranges of the spans
/// and suggestions around the first range asked into a window, then
/// answers from it with a binary search, and reads a new window, twice as
/// wide (up to 65,536 code points either side), only for a range outside it.
/// The answers are [`is_free`]'s, in whatever order ranges are asked:
/// `[1, 3)` of `[Wang Yi]{PER}` at `(0, 7)` is taken, `(8, 10)` free.
#[derive(Debug)]
pub struct FreeCheck<'d> {
    doc: &'d Document,
    /// The window `[from, to]`: every span and pending suggestion
    /// overlapping it, or holding a place inside it, is in `spans` or
    /// `pending`; every decided suggestion starting in `[from, to)` is in
    /// `decided` (one starting at `to` is exactly no range inside: none
    /// is empty).
    window: Option<(CharIdx, CharIdx)>,
    /// Half the next window's width.
    reach: usize,
    /// The spans' starts, in order, each with the furthest end of those
    /// up to it.
    spans: Vec<(CharIdx, CharIdx)>,
    /// The pending suggestions' starts, the same way.
    pending: Vec<(CharIdx, CharIdx)>,
    /// The decided suggestions' ranges, in order.
    decided: Vec<(CharIdx, CharIdx)>,
}

impl<'d> FreeCheck<'d> {
    /// A check of `doc`'s ranges that has read nothing yet.
    pub fn new(doc: &'d Document) -> Self {
        Self { doc, window: None, reach: FIRST_REACH, spans: Vec::new(), pending: Vec::new(), decided: Vec::new() }
    }

    /// Whether `[a, b)` is free, as [`is_free`] says.
    pub fn is_free(&mut self, a: CharIdx, b: CharIdx) -> bool {
        let (a, b) = (a.min(b), a.max(b));
        if !self.window.is_some_and(|(from, to)| from <= a && b <= to) {
            self.read_window(a, b);
        }
        !touches(&self.spans, a, b) && !touches(&self.pending, a, b) && self.decided.binary_search(&(a, b)).is_err()
    }

    /// Reads the window `[a − reach, b + reach]`: the spans and
    /// suggestions overlapping `[a − reach, b + reach)` (never empty),
    /// every one that can touch a range inside, an empty one at its end
    /// included. Both indexes give them in order of their starts.
    fn read_window(&mut self, a: CharIdx, b: CharIdx) {
        let (from, to) = (a.saturating_sub(self.reach), b + self.reach);
        self.reach = (self.reach * 2).min(LAST_REACH);
        self.window = Some((from, to));
        let doc = self.doc;
        starts_and_furthest(doc.spans().overlapping(from, to).map(|s| (s.start, s.end)), &mut self.spans);
        starts_and_furthest(doc.pending_ranges_overlapping(from, to), &mut self.pending);
        self.decided.clear();
        self.decided.extend(doc.decided_ranges_starting_in(from, to));
    }
}

/// Fills `out` with the starts of `ranges` (given in order of their
/// starts), each with the furthest end up to it: `(2, 9), (4, 6)` →
/// `(2, 9), (4, 9)`.
fn starts_and_furthest(ranges: impl Iterator<Item = (CharIdx, CharIdx)>, out: &mut Vec<(CharIdx, CharIdx)>) {
    out.clear();
    let mut furthest = CharIdx::ZERO;
    out.extend(ranges.map(|(start, end)| {
        furthest = furthest.max(end);
        (start, furthest)
    }));
}

/// Whether one of the ranges of `starts` ([`starts_and_furthest`]) shares
/// a code point with `[a, b)` (or holds its place inside, when empty): one
/// starting before `b` ends past `a`.
fn touches(starts: &[(CharIdx, CharIdx)], a: CharIdx, b: CharIdx) -> bool {
    let before = starts.partition_point(|r| r.0 < b);
    before.checked_sub(1).and_then(|k| starts.get(k)).is_some_and(|&(_, furthest)| furthest > a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, Edit, Schema, Span, SpanId, Suggestion, SuggestionState};

    /// What n and f asked before, as it was: every span and suggestion of
    /// the document sorted, then each range a binary search.
    fn free_by_sorting_everything(doc: &Document, a: CharIdx, b: CharIdx) -> bool {
        let mut taken: Vec<(CharIdx, CharIdx)> = Vec::new();
        taken.extend(doc.spans().iter().map(|s| (s.start, s.end)));
        taken.extend(doc.pending_suggestions().iter().map(|s| (s.start, s.end)));
        let mut decided: Vec<(CharIdx, CharIdx)> = doc.suggestions().filter(|s| !s.is_pending()).map(|s| (s.start, s.end)).collect();
        taken.sort_unstable();
        decided.sort_unstable();
        let furthest: Vec<CharIdx> = taken
            .iter()
            .scan(CharIdx::ZERO, |m, r| {
                *m = (*m).max(r.1);
                Some(*m)
            })
            .collect();
        let before = taken.partition_point(|r| r.0 < b);
        let untouched = before == 0 || furthest.get(before - 1).is_none_or(|&e| e <= a);
        untouched && decided.binary_search(&(a, b)).is_err()
    }

    /// The look-ups near each range answer as the whole-document scan did,
    /// after any mix of span and suggestion edits, on ranges of every kind:
    /// long spans starting far before the range, ranges exactly a
    /// suggestion's, empty ranges, ranges past everything.
    #[test]
    fn is_free_answers_as_the_whole_document_scan() {
        const LEN: usize = 2_000;
        // Overlapping spans allowed: long spans over short ones.
        let schema = Schema { allow_overlap: true, ..Schema::news() };
        let mut rand = crate::testing::seeded(11);
        let (mut free, mut taken) = (0, 0);
        for run in 0..6 {
            let mut doc = Document::new(DocId("d".into()), "d.txt".into(), "x".repeat(LEN));
            for round in 0..150 {
                // Mostly short spans and suggestions, now and then a long one.
                let range = |rand: &mut dyn FnMut(usize) -> usize| {
                    let len = if rand(10) == 0 { 1 + rand(LEN / 2) } else { 1 + rand(12) };
                    let start = rand(LEN - len + 1);
                    (CharIdx::new(start), CharIdx::new(start + len))
                };
                let spans: Vec<SpanId> = doc.spans().iter().map(|s| s.id).collect();
                let suggestions: Vec<Suggestion> = doc.suggestions().cloned().collect();
                let edit = match rand(8) {
                    0 | 1 => {
                        let (start, end) = range(&mut rand);
                        Edit::AddSpan { span: Span::manual(doc.fresh_span_id(), start, end, "PER") }
                    }
                    2 if !spans.is_empty() => Edit::RemoveSpan { id: spans[rand(spans.len())] },
                    3 if !spans.is_empty() => {
                        let (start, end) = range(&mut rand);
                        Edit::SetSpan { span: Span::manual(spans[rand(spans.len())], start, end, "LOC") }
                    }
                    4 | 5 => {
                        let (start, end) = range(&mut rand);
                        let id = doc.fresh_suggestion_id();
                        let state = SuggestionState::Pending;
                        let s = Suggestion { id, start, end, label: "ORG".into(), recognizer: "r".into(), score: 0.5, state };
                        Edit::AddSuggestions { suggestions: vec![s] }
                    }
                    6 if !suggestions.is_empty() => {
                        let s = &suggestions[rand(suggestions.len())];
                        let state = match (rand(3), spans.first()) {
                            (0, _) => SuggestionState::Pending,
                            (1, Some(&span)) => SuggestionState::Accepted { span },
                            _ => SuggestionState::Rejected,
                        };
                        Edit::SetSuggestionState { id: s.id, state }
                    }
                    7 if !suggestions.is_empty() => Edit::RemoveSuggestions { ids: vec![suggestions[rand(suggestions.len())].id] },
                    _ => continue,
                };
                doc.apply(edit, &schema).expect("a valid edit");
                let suggestions: Vec<Suggestion> = doc.suggestions().cloned().collect();
                for probe in 0..20 {
                    let (a, b) = match rand(4) {
                        0 if !suggestions.is_empty() => {
                            let s = &suggestions[rand(suggestions.len())];
                            (s.start, s.end)
                        }
                        1 => {
                            let a = CharIdx::new(rand(LEN + 10));
                            (a, a)
                        }
                        _ => {
                            let a = rand(LEN + 10);
                            (CharIdx::new(a), CharIdx::new(a + 1 + rand(20)))
                        }
                    };
                    let want = free_by_sorting_everything(&doc, a, b);
                    assert_eq!(is_free(&doc, a, b), want, "run {run}, round {round}, probe {probe}: {a:?}..{b:?}");
                    if want {
                        free += 1;
                    } else {
                        taken += 1;
                    }
                }
            }
        }
        // Both answers were asked often enough to mean something.
        assert!(free > 1_000 && taken > 1_000, "{free} free, {taken} taken");
    }

    /// A [`FreeCheck`] answers as [`is_free`] for ranges asked in any
    /// order: runs of names forward (n) and backward (Shift+N) across
    /// many of its windows, jumps, empty ranges, ranges exactly a
    /// suggestion's, spans far longer than a window.
    #[test]
    fn free_check_answers_as_is_free_in_any_order() {
        const LEN: usize = 300_000;
        let schema = Schema { allow_overlap: true, ..Schema::news() };
        let mut rand = crate::testing::seeded(5);
        let (mut free, mut taken, mut asked) = (0, 0, 0);
        let mut doc = Document::new(DocId("d".into()), "d.txt".into(), "x".repeat(LEN));
        for round in 0..12 {
            // A batch of spans and suggestions, dense in places, a few
            // spanning tens of thousands of code points.
            let mut spans = Vec::new();
            let mut suggestions = Vec::new();
            let dense = rand(LEN);
            for _ in 0..400 {
                let len = if rand(40) == 0 { 1 + rand(LEN / 4) } else { 1 + rand(15) };
                let start = if rand(2) == 0 { (dense + rand(5_000)).min(LEN - len) } else { rand(LEN - len + 1) };
                let (start, end) = (CharIdx::new(start), CharIdx::new(start + len));
                if rand(3) == 0 {
                    spans.push(Edit::AddSpan { span: Span::manual(doc.fresh_span_id(), start, end, "PER") });
                } else {
                    let state = match rand(3) {
                        0 => SuggestionState::Rejected,
                        _ => SuggestionState::Pending,
                    };
                    let id = doc.fresh_suggestion_id();
                    suggestions.push(Suggestion { id, start, end, label: "ORG".into(), recognizer: "r".into(), score: 0.5, state });
                }
            }
            for e in spans {
                doc.apply(e, &schema).expect("a valid span");
            }
            let decided: Vec<(CharIdx, CharIdx)> = suggestions.iter().filter(|s| !s.is_pending()).map(|s| (s.start, s.end)).collect();
            doc.apply(Edit::AddSuggestions { suggestions }, &schema).expect("valid suggestions");
            let mut check = FreeCheck::new(&doc);
            let mut at = rand(LEN);
            for probe in 0..3_000 {
                let (a, b) = match rand(50) {
                    // A jump anywhere.
                    0 => {
                        at = rand(LEN + 10);
                        (at, at + 1 + rand(20))
                    }
                    1 => (at, at),
                    2 if !decided.is_empty() => {
                        let (a, b) = decided[rand(decided.len())];
                        at = a.get();
                        (a.get(), b.get())
                    }
                    // Names one after the other, forward or backward as
                    // the round goes.
                    _ => {
                        let gap = 1 + rand(200);
                        at = if round % 2 == 0 { at + gap } else { at.saturating_sub(gap) } % (LEN + 10);
                        (at, at + 1 + rand(20))
                    }
                };
                let (a, b) = (CharIdx::new(a), CharIdx::new(b));
                let want = is_free(&doc, a, b);
                assert_eq!(check.is_free(a, b), want, "round {round}, probe {probe}: {a:?}..{b:?}");
                asked += 1;
                if want {
                    free += 1;
                } else {
                    taken += 1;
                }
            }
        }
        assert!(free > 3_000 && taken > 3_000 && asked == 36_000, "{free} free, {taken} taken");
    }
}
