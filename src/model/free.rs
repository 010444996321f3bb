//! Which ranges of a document are free for a new span, as f and n ask
//! about the names they offer: no span or pending suggestion shares a
//! code point with the range, and it is not exactly a suggestion already
//! decided on ([`is_free`]).
//!
//! Owns: [`is_free`]. Must not touch: anything but the document's
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
        let mut seed = 11u64;
        let mut rand = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n.max(1)
        };
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
}
