//! Re-anchoring spans on a text that changed since they were made.
//!
//! A span whose recorded text is still at its offsets stays. Otherwise its
//! text is looked for within a window around where it was (shifted by the
//! drift of the spans before it); a single nearest occurrence re-anchors it,
//! anything else makes it an [`Orphan`] for the annotator to review, with the
//! relations that named it. Nothing is dropped silently.
//!
//! Owns: [`reanchor`] and its window. Must not touch: files (the store
//! reads the old annotations and the new text), the document's history.

use super::document::Orphan;
use super::span::{Relation, Span, SpanId, Suggestion};
use super::text::{CharIdx, Text};

/// How far (in code points) from its expected place a span's text is looked for.
pub const WINDOW: usize = 2_000;

/// The outcome of re-anchoring one document's annotations.
#[derive(Debug, Default)]
pub struct Reanchored {
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub suggestions: Vec<Suggestion>,
    pub orphans: Vec<Orphan>,
    /// Spans that moved to a new place.
    pub moved: usize,
    /// Suggestions whose text was not found (suggestions can be made again).
    pub suggestions_lost: usize,
}

/// Places `(span, recorded text)` pairs on `text`.
pub fn reanchor(text: &Text, spans: Vec<(Span, String)>, relations: Vec<Relation>, suggestions: Vec<(Suggestion, String)>) -> Reanchored {
    let mut out = Reanchored::default();
    let mut drift: i64 = 0;
    let mut orphaned: Vec<(Span, String, String)> = Vec::new();
    for (mut span, recorded) in spans {
        match place(text, span.start, span.end, &recorded, drift) {
            Ok((start, end)) => {
                if start != span.start {
                    out.moved += 1;
                }
                drift = signed(start).saturating_sub(signed(span.start));
                span.start = start;
                span.end = end;
                out.spans.push(span);
            }
            Err(reason) => orphaned.push((span, recorded, reason)),
        }
    }
    let placed: std::collections::BTreeSet<SpanId> = out.spans.iter().map(|s| s.id).collect();
    let mut orphans: Vec<Orphan> =
        orphaned.into_iter().map(|(span, text, reason)| Orphan { span, text, relations: Vec::new(), reason }).collect();
    for r in relations {
        if placed.contains(&r.head) && placed.contains(&r.tail) {
            out.relations.push(r);
        } else if let Some(o) = orphans.iter_mut().find(|o| o.span.id == r.head || o.span.id == r.tail) {
            o.relations.push(r);
        }
    }
    out.orphans = orphans;
    let mut drift = 0;
    for (mut s, recorded) in suggestions {
        match place(text, s.start, s.end, &recorded, drift) {
            Ok((start, end)) => {
                drift = signed(start).saturating_sub(signed(s.start));
                s.start = start;
                s.end = end;
                out.suggestions.push(s);
            }
            Err(_) => out.suggestions_lost += 1,
        }
    }
    out
}

/// An offset as a signed number for drift arithmetic; offsets past
/// `i64::MAX` (only in a damaged file) count as `i64::MAX`.
fn signed(at: CharIdx) -> i64 {
    i64::try_from(at.get()).unwrap_or(i64::MAX)
}

fn place(text: &Text, start: CharIdx, end: CharIdx, recorded: &str, drift: i64) -> Result<(CharIdx, CharIdx), String> {
    if recorded.is_empty() {
        return Err("no recorded text to look for".to_owned());
    }
    if text.slice(start, end) == Some(recorded) {
        return Ok((start, end));
    }
    let len = recorded.chars().count();
    let expected = usize::try_from(signed(start).saturating_add(drift).max(0)).unwrap_or(usize::MAX);
    let lo = expected.saturating_sub(WINDOW);
    let hi = expected.saturating_add(len).saturating_add(WINDOW);
    let mut hits: Vec<usize> = text.find_all(recorded).into_iter().map(|c| c.get()).filter(|&c| c >= lo && c + len <= hi).collect();
    hits.sort_by_key(|&c| c.abs_diff(expected));
    match hits.as_slice() {
        [] => Err(format!("{recorded:?} is no longer within {WINDOW} characters of offset {start}")),
        [one] => Ok((CharIdx::new(*one), CharIdx::new(one + len))),
        [a, b, ..] if a.abs_diff(expected) < b.abs_diff(expected) => Ok((CharIdx::new(*a), CharIdx::new(a + len))),
        _ => Err(format!("{recorded:?} occurs at several places equally near offset {start}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::span::RelationId;

    fn span(id: u64, s: usize, e: usize) -> Span {
        Span::manual(SpanId(id), CharIdx::new(s), CharIdx::new(e), "PER")
    }

    #[test]
    fn shifted_spans_follow_their_text_and_ambiguous_ones_are_kept_for_review() {
        // Old text: "Lavrov et Wang Yi. Lavrov." New: a sentence inserted first.
        let new = Text::from("Préambule 😀. Lavrov et Wang Yi. Lavrov.");
        let spans =
            vec![(span(1, 0, 6), "Lavrov".to_owned()), (span(2, 10, 17), "Wang Yi".to_owned()), (span(3, 30, 36), "Peskov".to_owned())];
        let rel = Relation { id: RelationId(9), head: SpanId(1), tail: SpanId(3), label: "MEETS".into(), extra: Default::default() };
        let r = reanchor(&new, spans, vec![rel], Vec::new());
        let placed: Vec<_> = r.spans.iter().map(|s| (s.id.0, s.start.get())).collect();
        assert_eq!(placed, [(1, 13), (2, 23)]);
        assert_eq!(r.moved, 2);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(r.orphans[0].relations.len(), 1, "the relation travels with its orphan");
        assert!(r.relations.is_empty());
    }

    #[test]
    fn unchanged_text_keeps_everything() {
        let t = Text::from("Lavrov et Lavrov");
        let r = reanchor(&t, vec![(span(1, 10, 16), "Lavrov".into())], vec![], vec![]);
        assert_eq!(r.spans[0].start.get(), 10);
        assert_eq!(r.moved, 0);
    }

    #[test]
    fn absurd_recorded_offsets_are_kept_for_review_not_an_overflow() {
        let t = Text::from("Hier, Lavrov et Wang Yi.");
        let spans = vec![(span(1, 0, 6), "Lavrov".to_owned()), (span(2, usize::MAX - 9, usize::MAX), "Wang Yi".to_owned())];
        let r = reanchor(&t, spans, vec![], vec![]);
        assert_eq!(r.spans.len(), 1);
        assert_eq!(r.orphans.len(), 1);
    }

    #[test]
    fn equally_near_copies_are_ambiguous() {
        let t = Text::from("Paris Paris");
        // Recorded at 3..8 (a place that now holds "is Pa"): copies at 0 and 6 are both 3 away.
        let r = reanchor(&t, vec![(span(1, 3, 8), "Paris".into())], vec![], vec![]);
        assert_eq!(r.orphans.len(), 1);
    }
}
