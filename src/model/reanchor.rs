//! Re-anchoring spans on a text that changed since they were made.
//!
//! Each saved span records its text and, since files record it, the
//! [`CONTEXT`] code points just before and after it (an [`Anchor`]). On a
//! changed text, a span's text is looked for within [`WINDOW`] code points
//! of where it was (shifted by the drift of the spans placed before it),
//! and each place it occurs is judged by its surroundings, as a diff would
//! judge it: a side *agrees* when its nearest [`SIDE`] code points (or all
//! of them, for a span near the start or end) are as recorded. A span goes
//! to the one place whose surroundings agree best, and only when no other
//! place agrees as well (a place where neither side agrees will do only if
//! it is the one occurrence and half a side still agrees); otherwise it
//! becomes an [`Orphan`] for the
//! annotator to review, with the relations that named it. So a mention
//! that was edited ("KCNA" → "KCNX") is kept for review, never moved onto
//! another "(KCNA)"; after a sentence is deleted, the spans that follow find
//! their own mentions by what surrounds them. Nothing is dropped silently.
//!
//! Files written before context was recorded have no surroundings to
//! compare: a span stays where the drift puts it when its text is there,
//! or goes to a place where a neighbouring span's text is found at the same
//! distance as before; otherwise it is kept for review.
//!
//! Owns: [`reanchor`] and its rules. Must not touch: files (the store reads
//! the old annotations and the new text), the document's history.

use std::collections::BTreeSet;

use super::document::Orphan;
use super::span::{Relation, Span, SpanId, Suggestion};
use super::text::{CharIdx, Text};

/// How far (in code points) from its expected place a span's text is looked for.
pub const WINDOW: usize = 2_000;

/// How many code points before and after a span are recorded.
pub const CONTEXT: usize = 16;

/// How many of the nearest recorded code points on a side must be found
/// again for that side to agree.
pub const SIDE: usize = 8;

/// What a saved span (or suggestion) records to find its place again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Anchor {
    /// Its text.
    pub text: String,
    /// Up to [`CONTEXT`] code points just before it (`None`: not recorded).
    pub before: Option<String>,
    /// Up to [`CONTEXT`] code points just after it (`None`: not recorded).
    pub after: Option<String>,
}

impl Anchor {
    /// An anchor with only a text (as files without context have).
    pub fn text_only(text: impl Into<String>) -> Self {
        Self { text: text.into(), before: None, after: None }
    }

    /// The anchor of `[start, end)` in `text`, with its surroundings.
    ///
    /// In `"Lavrov a vu [Wang Yi] hier"`, the anchor of `Wang Yi` has
    /// before `"Lavrov a vu "` and after `" hier"`.
    pub fn of(text: &Text, start: CharIdx, end: CharIdx) -> Self {
        let s = text.char_to_byte(start).map_or(0, |b| b.get());
        let e = text.char_to_byte(end).map_or(s, |b| b.get());
        let all = text.as_str();
        let before: String = {
            let head = all.get(..s).unwrap_or("");
            let from = head.char_indices().rev().nth(CONTEXT - 1).map_or(0, |(i, _)| i);
            head.get(from..).unwrap_or("").to_owned()
        };
        let after: String = all.get(e..).unwrap_or("").chars().take(CONTEXT).collect();
        Self { text: all.get(s..e.max(s)).unwrap_or("").to_owned(), before: Some(before), after: Some(after) }
    }
}

/// The outcome of re-anchoring one document's annotations.
#[derive(Debug, Default)]
pub struct Reanchored {
    pub spans: Vec<Span>,
    pub relations: Vec<Relation>,
    pub suggestions: Vec<Suggestion>,
    pub orphans: Vec<Orphan>,
    /// Spans that moved to a new place.
    pub moved: usize,
    /// Suggestions whose place was not found (suggestions can be made again).
    pub suggestions_lost: usize,
}

/// Places `(span, anchor)` pairs on `text` (see the module documentation).
pub fn reanchor(text: &Text, spans: Vec<(Span, Anchor)>, relations: Vec<Relation>, suggestions: Vec<(Suggestion, Anchor)>) -> Reanchored {
    let mut out = Reanchored::default();
    let mut orphaned: Vec<(Span, String, String)> = Vec::new();
    let mut spans = spans;
    spans.sort_by_key(|(s, _)| (s.start, s.end));
    let neighbours: Vec<(CharIdx, String)> = spans.iter().map(|(s, a)| (s.start, a.text.clone())).collect();
    let mut drift: i64 = 0;
    let mut taken: BTreeSet<(CharIdx, CharIdx, String)> = BTreeSet::new();
    for (i, (mut span, anchor)) in spans.into_iter().enumerate() {
        let near = [i.checked_sub(1).and_then(|j| neighbours.get(j)), neighbours.get(i + 1)];
        match place(text, span.start, &anchor, drift, &near) {
            Ok((start, end)) if !taken.contains(&(start, end, span.label.clone())) => {
                if start != span.start {
                    out.moved += 1;
                }
                drift = signed(start).saturating_sub(signed(span.start));
                span.start = start;
                span.end = end;
                taken.insert((start, end, span.label.clone()));
                out.spans.push(span);
            }
            Ok(_) => orphaned.push((span, anchor.text, "another span with its label took the same place".to_owned())),
            Err(reason) => orphaned.push((span, anchor.text, reason)),
        }
    }
    let placed: BTreeSet<SpanId> = out.spans.iter().map(|s| s.id).collect();
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
    for (mut s, anchor) in suggestions {
        match place(text, s.start, &anchor, drift, &[]) {
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

/// How well a place's surroundings agree with the recorded ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Fit {
    /// Sides that agree (0 to 2).
    sides: u8,
    /// Recorded code points found again, both sides together.
    matched: usize,
}

/// Where `anchor` goes on `text`, or why it is kept for review.
fn place(
    text: &Text,
    start: CharIdx,
    anchor: &Anchor,
    drift: i64,
    neighbours: &[Option<&(CharIdx, String)>],
) -> Result<(CharIdx, CharIdx), String> {
    let recorded = anchor.text.as_str();
    if recorded.is_empty() {
        return Err("no recorded text to look for".to_owned());
    }
    let len = recorded.chars().count();
    let expected = usize::try_from(signed(start).saturating_add(drift).max(0)).unwrap_or(usize::MAX);
    let at = |c: usize| (CharIdx::new(c), CharIdx::new(c + len));
    let here = |c: usize| text.slice(CharIdx::new(c), CharIdx::new(c.saturating_add(len))) == Some(recorded);
    if anchor.before.is_none() && anchor.after.is_none() {
        return place_without_context(text, start, recorded, expected, neighbours);
    }
    // Where nothing changed around it: there, at once.
    if here(expected) && fit(text, expected, len, anchor).sides == 2 {
        return Ok(at(expected));
    }
    let mut fits: Vec<(Fit, usize)> =
        occurrences(text, recorded, expected, len).into_iter().map(|c| (fit(text, c, len, anchor), c)).collect();
    if fits.is_empty() {
        return Err(format!("{recorded:?} is no longer within {WINDOW} characters of offset {start}"));
    }
    // Best first; among equals, the nearest to where it was expected.
    fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.abs_diff(expected).cmp(&b.1.abs_diff(expected))));
    let Some(&(best, c)) = fits.first() else {
        return Err(format!("{recorded:?} is no longer within {WINDOW} characters of offset {start}"));
    };
    if best.sides == 0 && (fits.len() > 1 || best.matched < SIDE / 2) {
        return Err(format!("the text around {recorded:?} changed; its place is not certain"));
    }
    if let Some(&(second, c2)) = fits.get(1) {
        let tied = second == best && c2.abs_diff(expected) == c.abs_diff(expected);
        let rival =
            second.sides == best.sides && (second.matched == best.matched || best.sides == 1 && second.matched + SIDE > best.matched);
        if tied || (rival && c != expected) {
            return Err(format!("{recorded:?} occurs at several places with the same surroundings near offset {start}"));
        }
    }
    Ok(at(c))
}

/// The rule for files without recorded surroundings (see the module documentation).
fn place_without_context(
    text: &Text,
    start: CharIdx,
    recorded: &str,
    expected: usize,
    neighbours: &[Option<&(CharIdx, String)>],
) -> Result<(CharIdx, CharIdx), String> {
    let len = recorded.chars().count();
    let at = |c: usize| (CharIdx::new(c), CharIdx::new(c + len));
    if text.slice(CharIdx::new(expected), CharIdx::new(expected.saturating_add(len))) == Some(recorded) {
        return Ok(at(expected));
    }
    // A place is confirmed when a neighbouring span's text is found at the
    // same distance from it as before.
    let confirmed: Vec<usize> = occurrences(text, recorded, expected, len)
        .into_iter()
        .filter(|&c| {
            neighbours.iter().flatten().any(|(n_start, n_text)| {
                let offset = signed(*n_start).saturating_sub(signed(start));
                let Some(n_at) = i64::try_from(c).ok().and_then(|c| c.checked_add(offset)).and_then(|n| usize::try_from(n).ok()) else {
                    return false;
                };
                text.slice(CharIdx::new(n_at), CharIdx::new(n_at.saturating_add(n_text.chars().count()))) == Some(n_text.as_str())
            })
        })
        .collect();
    match confirmed.as_slice() {
        [one] => Ok(at(*one)),
        [] => Err(format!("{recorded:?} is not where it was (offset {start}) and nothing confirms another place")),
        _ => Err(format!("{recorded:?} occurs at several places near offset {start}")),
    }
}

/// Where `needle` starts within [`WINDOW`] code points of `expected`.
fn occurrences(text: &Text, needle: &str, expected: usize, len: usize) -> Vec<usize> {
    let lo = CharIdx::new(expected.saturating_sub(WINDOW).min(text.len_chars()));
    let hi = CharIdx::new(expected.saturating_add(len).saturating_add(WINDOW).min(text.len_chars()));
    let (Some(lo_b), Some(hi_b)) = (text.char_to_byte(lo), text.char_to_byte(hi)) else { return Vec::new() };
    let Some(window) = text.as_str().get(lo_b.get()..hi_b.get()) else { return Vec::new() };
    window
        .match_indices(needle)
        .filter_map(|(b, _)| text.byte_to_char(crate::model::ByteIdx::new(lo_b.get() + b)))
        .map(CharIdx::get)
        .collect()
}

/// How a place's surroundings agree with the anchor's.
fn fit(text: &Text, c: usize, len: usize, anchor: &Anchor) -> Fit {
    let all = text.as_str();
    let s = text.char_to_byte(CharIdx::new(c)).map_or(0, |b| b.get());
    let e = text.char_to_byte(CharIdx::new(c + len)).map_or(all.len(), |b| b.get());
    let mut out = Fit { sides: 0, matched: 0 };
    let mut side = |recorded: &Option<String>, found: &mut dyn Iterator<Item = char>, reversed: bool| {
        let Some(recorded) = recorded else { return };
        let want: Vec<char> = if reversed { recorded.chars().rev().collect() } else { recorded.chars().collect() };
        let n = want.iter().zip(found).take_while(|(a, b)| *a == b).count();
        out.matched += n;
        // A span recorded at the very start (or end) agrees with a place there.
        let agrees = if want.is_empty() { n == 0 && found_is_empty(reversed, s, e, all.len()) } else { n >= want.len().min(SIDE) };
        out.sides += u8::from(agrees);
    };
    side(&anchor.before, &mut all.get(..s).unwrap_or("").chars().rev(), true);
    side(&anchor.after, &mut all.get(e..).unwrap_or("").chars(), false);
    out
}

/// Whether nothing comes before (`reversed`) or after a place.
fn found_is_empty(reversed: bool, s: usize, e: usize, len: usize) -> bool {
    if reversed { s == 0 } else { e == len }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::span::RelationId;

    fn span(id: u64, s: usize, e: usize) -> Span {
        Span::manual(SpanId(id), CharIdx::new(s), CharIdx::new(e), "PER")
    }

    /// Spans over `needles` (the n-th occurrence each) in `old`, with their anchors.
    fn anchored(old: &str, needles: &[(&str, usize)]) -> Vec<(Span, Anchor)> {
        let t = Text::from(old);
        needles
            .iter()
            .enumerate()
            .map(|(i, (n, k))| {
                let s = *t.find_all(n).get(*k).expect("in the text");
                let e = s + n.chars().count();
                (span(i as u64 + 1, s.get(), e.get()), Anchor::of(&t, s, e))
            })
            .collect()
    }

    fn placed(r: &Reanchored, new: &str) -> Vec<(u64, String, usize)> {
        let t = Text::from(new);
        r.spans.iter().map(|s| (s.id.0, t.slice(s.start, s.end).unwrap().to_owned(), s.start.get())).collect()
    }

    #[test]
    fn shifted_spans_follow_their_text_and_ambiguous_ones_are_kept_for_review() {
        // Old text: "Lavrov et Wang Yi. Lavrov." New: a sentence inserted first.
        let new = Text::from("Préambule 😀. Lavrov et Wang Yi. Lavrov.");
        let spans = vec![
            (span(1, 0, 6), Anchor::text_only("Lavrov")),
            (span(2, 10, 17), Anchor::text_only("Wang Yi")),
            (span(3, 30, 36), Anchor::text_only("Peskov")),
        ];
        let rel = Relation { id: RelationId(9), head: SpanId(1), tail: SpanId(3), label: "MEETS".into(), extra: Default::default() };
        let r = reanchor(&new, spans, vec![rel], Vec::new());
        let placed: Vec<_> = r.spans.iter().map(|s| (s.id.0, s.start.get())).collect();
        assert_eq!(placed, [(1, 13), (2, 23)], "confirmed by each other's distance");
        assert_eq!(r.moved, 2);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(r.orphans[0].relations.len(), 1, "the relation travels with its orphan");
        assert!(r.relations.is_empty());
    }

    #[test]
    fn unchanged_text_keeps_everything() {
        let t = Text::from("Lavrov et Lavrov");
        let r = reanchor(&t, vec![(span(1, 10, 16), Anchor::of(&t, CharIdx::new(10), CharIdx::new(16)))], vec![], vec![]);
        assert_eq!(r.spans[0].start.get(), 10);
        assert_eq!(r.moved, 0);
    }

    #[test]
    fn absurd_recorded_offsets_are_kept_for_review_not_an_overflow() {
        let t = Text::from("Hier, Lavrov et Wang Yi.");
        let spans = vec![(span(1, 0, 6), Anchor::text_only("Lavrov")), (span(2, usize::MAX - 9, usize::MAX), Anchor::text_only("Wang Yi"))];
        let r = reanchor(&t, spans, vec![], vec![]);
        assert_eq!(r.spans.len() + r.orphans.len(), 2);
        assert!(r.orphans.iter().any(|o| o.span.id == SpanId(2)));
    }

    #[test]
    fn equally_near_copies_are_ambiguous() {
        let t = Text::from("Paris Paris");
        // Recorded at 3..8 (a place that now holds "is Pa"): copies at 0 and 6 are both 3 away.
        let r = reanchor(&t, vec![(span(1, 3, 8), Anchor::text_only("Paris"))], vec![], vec![]);
        assert_eq!(r.orphans.len(), 1);
    }

    /// D6: an edited mention is kept for review; it never moves onto
    /// another mention of its old text.
    #[test]
    fn d6_an_edited_mention_is_kept_for_review_not_moved_onto_another() {
        let old = "L'agence KCNA a confirmé la visite. Selon l'agence nord-coréenne (KCNA), le dirigeant a parlé.";
        let new = old.replacen("KCNA", "KCNX", 1);
        let r = reanchor(&Text::from(new.as_str()), anchored(old, &[("KCNA", 0), ("KCNA", 1)]), vec![], vec![]);
        let second = old[..old.find("(KCNA)").unwrap()].chars().count() + 1;
        assert_eq!(placed(&r, &new), [(2, "KCNA".to_owned(), second)]);
        assert_eq!(r.orphans.len(), 1);
        assert_eq!(r.orphans[0].span.id, SpanId(1));
    }

    /// D6: after a sentence is deleted, the spans that follow find their own
    /// mentions by their surroundings, not the mention nearest their old offset.
    #[test]
    fn d6_deleting_a_sentence_keeps_the_following_spans_on_their_mentions() {
        let old = "Kim a reçu Xi. Xi a salué Kim. Puis Kim a raccompagné Xi. Enfin Xi a quitté Kim.";
        let needles = [("Kim", 0), ("Xi", 0), ("Xi", 1), ("Kim", 1), ("Kim", 2), ("Xi", 2), ("Xi", 3), ("Kim", 3)];
        let new = old.replace("Xi a salué Kim. ", "");
        let r = reanchor(&Text::from(new.as_str()), anchored(old, &needles), vec![], vec![]);
        let got: Vec<(u64, usize)> = r.spans.iter().map(|s| (s.id.0, s.start.get())).collect();
        let want = |n: &str, k: usize| new[..new.match_indices(n).nth(k).unwrap().0].chars().count();
        assert_eq!(
            got,
            [(1, want("Kim", 0)), (2, want("Xi", 0)), (5, want("Kim", 1)), (6, want("Xi", 1)), (7, want("Xi", 2)), (8, want("Kim", 2))]
        );
        let mut gone: Vec<u64> = r.orphans.iter().map(|o| o.span.id.0).collect();
        gone.sort();
        assert_eq!(gone, [3, 4], "the deleted sentence's spans wait for review");
    }

    #[test]
    fn a_span_at_the_start_or_end_agrees_with_a_place_there() {
        let old = "Kim. Kim et Xi. Kim";
        let new = format!("{old} ajouté");
        let r = reanchor(&Text::from(new.as_str()), anchored(old, &[("Kim", 0), ("Kim", 2)]), vec![], vec![]);
        assert_eq!(r.spans.iter().map(|s| s.start.get()).collect::<Vec<_>>(), [0, 16]);
    }

    #[test]
    fn anchors_record_their_surroundings() {
        let t = Text::from("Lavrov a vu 😀 Wang Yi hier");
        let a = Anchor::of(&t, CharIdx::new(14), CharIdx::new(21));
        assert_eq!(a.text, "Wang Yi");
        assert_eq!(a.before.as_deref(), Some("Lavrov a vu 😀 "));
        assert_eq!(a.after.as_deref(), Some(" hier"));
        let long = Text::new(format!("{}X{}", "a".repeat(40), "b".repeat(40)));
        let a = Anchor::of(&long, CharIdx::new(40), CharIdx::new(41));
        assert_eq!((a.before.unwrap().len(), a.after.unwrap().len()), (CONTEXT, CONTEXT));
    }
}
