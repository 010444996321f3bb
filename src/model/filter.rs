//! Filtered bulk actions on suggestions: a filter over the pending
//! suggestions of a document (label, recognizer, score range, text, a range
//! such as what is on screen), a preview of what accepting, rejecting or
//! relabelling all that match would do, and the one edit that does it.
//!
//! Owns: [`SuggestionFilter`], [`Bulk`], [`bulk_preview`], [`bulk_edit`].
//! Must not touch: files, the corpus (the caller runs it per document), the
//! UI. The preview reuses [`Occurrence`] so that the window shows both kinds
//! of decision the same way.

use super::document::Document;
use super::edit::Edit;
use super::everywhere::{Fate, Occurrence};
use super::schema::Schema;
use super::span::{Origin, RecognizerName, Suggestion, SuggestionId};
use super::text::CharIdx;

/// Which pending suggestions a bulk action takes. Empty fields take all.
#[derive(Clone, Debug, PartialEq)]
pub struct SuggestionFilter {
    pub label: Option<String>,
    pub recognizer: Option<RecognizerName>,
    /// Inclusive score range.
    pub min_score: f32,
    pub max_score: f32,
    /// The suggestion's text contains this, case-insensitively.
    pub contains: String,
    /// Only suggestions inside this range (the part of the article on
    /// screen).
    pub within: Option<(CharIdx, CharIdx)>,
}

impl Default for SuggestionFilter {
    fn default() -> Self {
        Self { label: None, recognizer: None, min_score: 0.0, max_score: 1.0, contains: String::new(), within: None }
    }
}

impl SuggestionFilter {
    /// Whether `s`, a suggestion of `doc`, passes.
    pub fn matches(&self, doc: &Document, s: &Suggestion) -> bool {
        s.is_pending()
            && self.label.as_ref().is_none_or(|l| &s.label == l)
            && self.recognizer.as_ref().is_none_or(|r| &s.recognizer == r)
            && s.score >= self.min_score
            && s.score <= self.max_score
            && self.within.is_none_or(|(a, b)| a <= s.start && s.end <= b)
            && (self.contains.is_empty() || {
                let text = doc.text().slice(s.start, s.end).unwrap_or_default().to_lowercase();
                text.contains(&self.contains.to_lowercase())
            })
    }

    /// The pending suggestions of `doc` that pass, in reading order.
    pub fn select<'a>(&self, doc: &'a Document) -> Vec<&'a Suggestion> {
        let (from, to) = self.within.unwrap_or((CharIdx::ZERO, CharIdx::new(usize::MAX)));
        doc.pending_overlapping(from, to).filter(|s| self.matches(doc, s)).collect()
    }
}

/// What a bulk action does with each suggestion it takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Bulk {
    Accept,
    Reject,
    /// Accept as a span of this label (marked edited).
    Relabel(String),
}

/// One row per suggestion the filter takes: [`Fate::Apply`], or a
/// [`Fate::Conflict`] for an acceptance that would overlap a gold span or an
/// earlier suggestion of the list where the schema forbids overlaps (listed
/// apart, skipped unless ticked; ticked, it replaces what it overlaps).
pub fn bulk_preview(doc: &Document, schema: &Schema, filter: &SuggestionFilter, action: &Bulk) -> Vec<(SuggestionId, Occurrence)> {
    let mut taken: Vec<(CharIdx, CharIdx)> = Vec::new();
    filter
        .select(doc)
        .into_iter()
        .map(|s| {
            let label = match action {
                Bulk::Relabel(l) => Some(l.as_str()),
                Bulk::Accept => Some(s.label.as_str()),
                Bulk::Reject => None,
            };
            let fate = match label {
                None => Fate::Apply,
                Some(l) if schema.entity(l).is_none() => Fate::Forbidden { why: format!("the schema has no label {l}") },
                Some(_) => {
                    let gold: Vec<String> =
                        doc.spans().overlapping(s.start, s.end).map(|g| format!("{} «{}»", g.label, doc.span_text(g))).collect();
                    let earlier = taken.iter().any(|&(a, b)| a < s.end && s.start < b);
                    if schema.allow_overlap || (gold.is_empty() && !earlier) {
                        taken.push((s.start, s.end));
                        Fate::Apply
                    } else if gold.is_empty() {
                        Fate::Conflict { with: "another suggestion of this list".into() }
                    } else {
                        Fate::Conflict { with: gold.join(", ") }
                    }
                }
            };
            (s.id, Occurrence::at(doc.text(), s.start, s.end, fate))
        })
        .collect()
}

/// The one edit that does `action` on the ticked rows of a preview, or
/// `None` when there is nothing to do. A ticked conflict removes the gold
/// spans it overlaps (where the schema forbids overlaps); between two
/// ticked suggestions that overlap, the first in reading order wins.
pub fn bulk_edit(doc: &mut Document, schema: &Schema, action: &Bulk, rows: &[(SuggestionId, Occurrence)]) -> Option<Edit> {
    let mut edits = Vec::new();
    let mut rejected = Vec::new();
    let mut taken: Vec<(CharIdx, CharIdx)> = Vec::new();
    for (id, o) in rows.iter().filter(|(_, o)| o.ticked && o.can_tick()) {
        if !doc.suggestion(*id).is_some_and(Suggestion::is_pending) {
            continue;
        }
        match action {
            Bulk::Reject => rejected.push(*id),
            Bulk::Accept | Bulk::Relabel(_) => {
                if !schema.allow_overlap {
                    if taken.iter().any(|&(a, b)| a < o.end && o.start < b) {
                        continue;
                    }
                    edits.extend(doc.spans().overlapping(o.start, o.end).map(|g| Edit::RemoveSpan { id: g.id }).collect::<Vec<_>>());
                }
                taken.push((o.start, o.end));
                let Some(Edit::Batch { edits: accept }) = doc.accept_suggestion_edit(*id) else { continue };
                for e in accept {
                    edits.push(match (e, action) {
                        (Edit::AddSpan { mut span }, Bulk::Relabel(label)) => {
                            if let Origin::Suggested { edited, .. } = &mut span.origin {
                                *edited = span.label != *label;
                            }
                            span.label = label.clone();
                            Edit::AddSpan { span }
                        }
                        (e, _) => e,
                    });
                }
            }
        }
    }
    edits.extend(doc.reject_suggestions_edits(&rejected));
    (!edits.is_empty()).then_some(Edit::Batch { edits })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::DocId;
    use crate::model::span::SuggestionState;

    fn doc_with(text: &str, suggestions: &[(usize, usize, &str, RecognizerName, f32)]) -> Document {
        let mut d = Document::new(DocId("d".into()), "d.txt".into(), text.into());
        let mut list = Vec::new();
        for (a, b, label, recognizer, score) in suggestions {
            let id = d.fresh_suggestion_id();
            list.push(Suggestion {
                id,
                start: CharIdx::new(*a),
                end: CharIdx::new(*b),
                label: (*label).into(),
                recognizer: recognizer.clone(),
                score: *score,
                state: SuggestionState::Pending,
            });
        }
        d.apply(Edit::AddSuggestions { suggestions: list }, &Schema::news()).expect("adds");
        d
    }

    fn sample() -> Document {
        //        0         1         2         3
        //        0123456789012345678901234567890123456
        doc_with(
            "Ana Lopes vit à Oslo depuis Noël 2020.",
            &[
                (0, 9, "PER", RecognizerName::Tagger, 0.9),
                (16, 20, "GPE", RecognizerName::Gazetteer, 0.8),
                (28, 32, "PER", RecognizerName::Capitals, 0.3),
                (28, 37, "DATE", RecognizerName::Dates, 0.7),
            ],
        )
    }

    fn texts(doc: &Document, f: &SuggestionFilter) -> Vec<String> {
        f.select(doc).into_iter().map(|s| doc.text().slice(s.start, s.end).unwrap_or_default().to_owned()).collect()
    }

    #[test]
    fn each_filter_field_narrows_the_selection() {
        let d = sample();
        assert_eq!(texts(&d, &SuggestionFilter::default()).len(), 4);
        assert_eq!(texts(&d, &SuggestionFilter { label: Some("PER".into()), ..Default::default() }), ["Ana Lopes", "Noël"]);
        assert_eq!(texts(&d, &SuggestionFilter { recognizer: Some(RecognizerName::Capitals), ..Default::default() }), ["Noël"]);
        assert_eq!(texts(&d, &SuggestionFilter { min_score: 0.75, ..Default::default() }), ["Ana Lopes", "Oslo"]);
        assert_eq!(texts(&d, &SuggestionFilter { max_score: 0.5, ..Default::default() }), ["Noël"]);
        assert_eq!(texts(&d, &SuggestionFilter { contains: "NOËL".into(), ..Default::default() }), ["Noël", "Noël 2020"]);
        let on_screen = Some((CharIdx::new(10), CharIdx::new(33)));
        assert_eq!(texts(&d, &SuggestionFilter { within: on_screen, ..Default::default() }), ["Oslo", "Noël"]);
    }

    #[test]
    fn accept_all_that_match_lists_clashes_apart_and_is_one_edit() {
        let schema = Schema::news();
        let mut d = sample();
        let f = SuggestionFilter { min_score: 0.25, ..Default::default() };
        let rows = bulk_preview(&d, &schema, &f, &Bulk::Accept);
        let fates: Vec<bool> = rows.iter().map(|(_, o)| o.fate == Fate::Apply).collect();
        assert_eq!(fates, [true, true, true, false], "Noël 2020 overlaps the earlier Noël");
        let edit = bulk_edit(&mut d, &schema, &Bulk::Accept, &rows).expect("edit");
        let inverse = d.apply(edit, &schema).expect("one edit");
        assert_eq!(d.spans().len(), 3);
        assert_eq!(d.pending_count(), 1);
        d.apply(inverse, &schema).expect("undone as one");
        assert_eq!((d.spans().len(), d.pending_count()), (0, 4));
    }

    #[test]
    fn relabel_accepts_with_the_new_label_marked_edited() {
        let schema = Schema::news();
        let mut d = sample();
        let f = SuggestionFilter { recognizer: Some(RecognizerName::Capitals), ..Default::default() };
        let rows = bulk_preview(&d, &schema, &f, &Bulk::Relabel("EVENT".into()));
        let edit = bulk_edit(&mut d, &schema, &Bulk::Relabel("EVENT".into()), &rows).expect("edit");
        d.apply(edit, &schema).expect("applies");
        let span = d.spans().iter().next().cloned().expect("a span");
        assert_eq!(span.label, "EVENT");
        assert!(matches!(span.origin, Origin::Suggested { edited: true, .. }));
    }

    #[test]
    fn reject_all_that_match_leaves_the_others_pending() {
        let schema = Schema::news();
        let mut d = sample();
        let f = SuggestionFilter { max_score: 0.5, ..Default::default() };
        let rows = bulk_preview(&d, &schema, &f, &Bulk::Reject);
        let edit = bulk_edit(&mut d, &schema, &Bulk::Reject, &rows).expect("edit");
        d.apply(edit, &schema).expect("applies");
        assert_eq!(d.pending_count(), 3);
        assert_eq!(d.suggestion_outcomes().rejected, 1);
    }

    #[test]
    fn unticked_rows_are_left_alone() {
        let schema = Schema::news();
        let mut d = sample();
        let mut rows = bulk_preview(&d, &schema, &SuggestionFilter::default(), &Bulk::Reject);
        for (_, o) in &mut rows {
            o.ticked = false;
        }
        assert!(bulk_edit(&mut d, &schema, &Bulk::Reject, &rows).is_none());
    }
}
