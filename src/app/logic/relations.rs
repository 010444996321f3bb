//! Relations: drawing one from the keyboard (`r`, Tab through candidate
//! tails likeliest first, Enter, then the type: likeliest first), or the
//! mouse; re-targeting and relabelling; the likely types, from what this
//! session and this document already joined.
//!
//! Every change is an [`Edit`] applied through [`SpanlabApp::edit`].

use super::super::SpanlabApp;
use super::super::state::{RelationDraft, Selection};
use crate::model::edit::Edit;
use crate::model::{CharIdx, RelationId, SpanId};

impl SpanlabApp {
    /// Relation types allowed between two spans, likeliest first: by the
    /// relation engine's score of the pair (its patterns and what it
    /// learned), then by how often this session and this document joined
    /// the two labels with each.
    pub(crate) fn likely_types(&self, head: SpanId, tail: SpanId) -> Vec<String> {
        let scores = self.scored_types(crate::model::RelationEnd::Span(head), crate::model::RelationEnd::Span(tail));
        let score = |name: &str| scores.iter().find(|(l, _)| l == name).map_or(0.0, |x| x.1);
        let Some(open) = &self.open else {
            return Vec::new();
        };
        let (Some(h), Some(t)) = (open.doc.spans().get(head), open.doc.spans().get(tail)) else {
            return Vec::new();
        };
        let mut allowed: Vec<(f32, usize, usize, String)> = self
            .project
            .schema
            .relations_allowed(&h.label, &t.label)
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let session = self.relation_counts.get(&(h.label.clone(), t.label.clone(), r.name.clone())).copied().unwrap_or(0);
                let here = open
                    .doc
                    .relations()
                    .filter(|x| x.label == r.name)
                    .filter(|x| {
                        open.doc.spans().get(x.head).is_some_and(|s| s.label == h.label)
                            && open.doc.spans().get(x.tail).is_some_and(|s| s.label == t.label)
                    })
                    .count();
                let n = session + here;
                (score(&r.name), usize::MAX - n, i, r.name.clone())
            })
            .collect();
        allowed.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        allowed.into_iter().map(|x| x.3).collect()
    }

    /// Starts drawing a relation from the selected span (or re-targeting
    /// one): the candidate tails likeliest first by the relation engine,
    /// nearest first among equals, a span already related to the head last.
    pub(super) fn start_relation(&mut self, retarget: Option<crate::model::RelationId>) {
        let Some(open) = self.open.as_ref() else {
            return;
        };
        let Selection::Span(head) = open.selection else {
            self.info("select the head span first (Tab), then press r");
            return;
        };
        let Some(h) = open.doc.spans().get(head) else {
            return;
        };
        let schema = &self.project.schema;
        let mut candidates: Vec<(usize, SpanId)> = open
            .doc
            .spans()
            .iter()
            .filter(|t| t.id != head && !schema.relations_allowed(&h.label, &t.label).is_empty())
            .map(|t| (tail_distance(open.doc.text(), h, t), t.id))
            .collect();
        candidates.sort();
        if candidates.is_empty() {
            self.info(format!("no span in this document can be the tail of a relation from a {} span", h.label));
            return;
        }
        // Likeliest first by the relation engine (its best type's score;
        // no pattern, the distance decides), nearest first among equals;
        // a span already related to the head last.
        let related = |t: SpanId| open.doc.relations().any(|r| (r.head, r.tail) == (head, t) || (r.head, r.tail) == (t, head));
        let best = |t: SpanId| {
            let end = crate::model::RelationEnd::Span;
            self.scored_types(end(head), end(t)).into_iter().map(|x| x.1).fold(0.0_f32, f32::max)
        };
        let mut scored: Vec<(f32, usize, SpanId)> =
            candidates.iter().map(|c| (if related(c.1) { -1.0 } else { best(c.1) }, c.0, c.1)).collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let candidates: Vec<(usize, SpanId)> = scored.into_iter().map(|x| (x.1, x.2)).collect();
        let draft = RelationDraft {
            head,
            candidates: candidates.into_iter().map(|c| c.1).collect(),
            index: 0,
            tail: None,
            types: Vec::new(),
            retarget,
        };
        if let Some(open) = self.open.as_mut() {
            open.scroll_to = draft.candidates.first().and_then(|&c| open.doc.spans().get(c)).map(|s| s.start.into());
            open.draft = Some(draft);
        }
    }

    /// Re-targets a relation: its head is selected and a new tail is drawn.
    pub(super) fn retarget_relation(&mut self, id: RelationId) {
        let head = self.open.as_ref().and_then(|o| o.doc.relation(id)).map(|r| r.head);
        if let Some(h) = head {
            self.select(Selection::Span(h));
            self.start_relation(Some(id));
        }
    }

    /// Moves the tail cursor of the relation being drawn (wrapping), and
    /// shows the candidate.
    pub(super) fn step_tail(&mut self, forward: bool) {
        let Some(open) = self.open.as_mut() else { return };
        let Some(draft) = open.draft.as_mut().filter(|d| d.tail.is_none()) else { return };
        let n = draft.candidates.len().max(1);
        draft.index = if forward { (draft.index + 1) % n } else { (draft.index + n - 1) % n };
        let target = draft.candidates.get(draft.index).and_then(|t| open.doc.spans().get(*t)).map(|s| s.start);
        open.scroll_to = target.map(Into::into);
    }

    /// Takes the candidate tail under the cursor.
    pub(super) fn confirm_tail(&mut self) {
        let tail =
            self.open.as_ref().and_then(|o| o.draft.as_ref()).filter(|d| d.tail.is_none()).and_then(|d| d.candidates.get(d.index).copied());
        if let Some(t) = tail {
            self.choose_tail(t);
        }
    }

    /// Gives the relation being drawn the type at place `n` (from 0) of its list.
    pub(super) fn finish_relation_at(&mut self, n: usize) {
        let label = self.open.as_ref().and_then(|o| o.draft.as_ref()).filter(|d| d.tail.is_some()).and_then(|d| d.types.get(n).cloned());
        if let Some(label) = label {
            self.finish_relation(&label);
        }
    }

    /// Deletes a relation.
    pub(super) fn delete_relation(&mut self, id: RelationId) {
        self.edit(Edit::RemoveRelation { id }, "delete relation");
    }

    /// Takes a tail for the relation being drawn: its type list shows (a
    /// re-targeted relation keeps its type when still allowed).
    pub(super) fn choose_tail(&mut self, tail: SpanId) {
        let Some(head) = self.open.as_ref().and_then(|o| o.draft.as_ref()).map(|d| d.head) else {
            return;
        };
        let types = self.likely_types(head, tail);
        let Some(likeliest) = types.first().cloned() else {
            self.info("no relation type joins these two labels");
            return;
        };
        let retarget = self.open.as_ref().and_then(|o| o.draft.as_ref()).and_then(|d| d.retarget);
        if let Some(id) = retarget {
            // Re-targeting keeps the type when it is still allowed.
            let old = self.open.as_ref().and_then(|o| o.doc.relation(id)).cloned();
            if let Some(mut r) = old {
                let keep = types.contains(&r.label);
                r.tail = tail;
                if !keep {
                    r.label = likeliest;
                }
                if self.edit(Edit::SetRelation { relation: r }, "re-target relation")
                    && let Some(open) = self.open.as_mut()
                {
                    open.draft = None;
                    open.selection = Selection::Relation(id);
                }
            }
            return;
        }
        if let Some(d) = self.open.as_mut().and_then(|o| o.draft.as_mut()) {
            d.tail = Some(tail);
            d.types = types;
        }
    }

    /// Gives the relation being drawn its type (creating it), or relabels
    /// the selected relation. A type the drawn relation's list does not
    /// offer is ignored.
    pub(super) fn finish_relation(&mut self, label: &str) {
        let Some(open) = self.open.as_mut() else {
            return;
        };
        // Relabel a selected relation, with a type its ends allow.
        if open.draft.is_none() {
            if let Selection::Relation(id) = open.selection
                && let Some(mut r) = open.doc.relation(id).cloned()
                && r.label != label
            {
                let labels = (open.doc.spans().get(r.head).map(|s| s.label.clone()), open.doc.spans().get(r.tail).map(|s| s.label.clone()));
                let allowed = match &labels {
                    (Some(h), Some(t)) => self.project.schema.relations_allowed(h, t).iter().any(|x| x.name == label),
                    _ => false,
                };
                if !allowed {
                    let (h, t) = (labels.0.unwrap_or_default(), labels.1.unwrap_or_default());
                    self.info(format!("{label} does not join {h} → {t}"));
                    return;
                }
                r.label = label.to_owned();
                self.edit(Edit::SetRelation { relation: r }, "relabel relation");
            }
            return;
        }
        let Some(draft) = open.draft.clone() else {
            return;
        };
        let Some(tail) = draft.tail else { return };
        if !draft.types.iter().any(|t| t == label) {
            return;
        }
        let (mut head, mut tail) = (draft.head, tail);
        // A symmetric relation runs from the earlier mention to the later one.
        if self.project.schema.relation(label).is_some_and(|r| r.symmetric) {
            let pos = |id| open.doc.spans().get(id).map_or(CharIdx::ZERO, |s| s.start);
            if pos(tail) < pos(head) {
                std::mem::swap(&mut head, &mut tail);
            }
        }
        let edit = open.doc_mut().add_relation_edit(head, tail, label);
        let Edit::AddRelation { relation } = &edit else {
            return;
        };
        let id = relation.id;
        let labels = (
            open.doc.spans().get(head).map(|s| s.label.clone()).unwrap_or_default(),
            open.doc.spans().get(tail).map(|s| s.label.clone()).unwrap_or_default(),
        );
        self.teach_drawn(head, tail, label);
        if self.edit(edit, &format!("new {label} relation")) {
            *self.relation_counts.entry((labels.0, labels.1, label.to_owned())).or_default() += 1;
            if let Some(open) = self.open.as_mut() {
                open.draft = None;
                open.selection = Selection::Relation(id);
            }
        }
    }
}

/// How far a candidate tail is from a head, for ordering: spans after the
/// head come before spans before it, and anything in another paragraph
/// comes after everything in the same one (relations join mentions of one
/// paragraph).
pub(super) fn tail_distance(text: &crate::model::Text, head: &crate::model::Span, tail: &crate::model::Span) -> usize {
    let (gap, between) = if tail.start >= head.end {
        (tail.start - head.end, text.slice(head.end, tail.start))
    } else {
        (2 * head.start.distance_from(tail.end) + 1, text.slice(tail.end, head.start))
    };
    let other_paragraph = between.is_some_and(|b| b.contains('\n'));
    gap + if other_paragraph { 1_000_000 } else { 0 }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::super::testing::app_with;
    use crate::app::{Command, Mode};

    const TWO: &str = "[Sergueï Lavrov]{PER} a vu [Wang Yi]{PER} puis [Emmanuel Macron]{PER} à [Pékin]{GPE}.\n[Olaf Scholz]{PER} aussi.";

    #[test]
    fn r_enter_enter_joins_the_nearest_tail_with_the_likeliest_type() {
        let mut f = app_with(&[("a", TWO)]);
        f.run(Command::SelectSpan(f.span("Sergueï Lavrov")));
        f.run(Command::StartRelation);
        assert_eq!(f.app.mode(), Mode::ChoosingTail);
        let draft = f.open().draft.clone().expect("drawing");
        let tails: Vec<_> =
            draft.candidates.iter().map(|&id| f.open().doc.spans().get(id).map(|s| f.open().doc.span_text(s).to_owned())).collect();
        let tails: Vec<String> = tails.into_iter().flatten().collect();
        assert_eq!(tails, ["Wang Yi", "Emmanuel Macron", "Pékin", "Olaf Scholz"], "nearest first, the next paragraph last");
        f.run(Command::ConfirmTail);
        assert_eq!(f.app.mode(), Mode::ChoosingType);
        assert_eq!(f.open().draft.as_ref().map(|d| d.types.clone()), Some(vec!["MEETS".into(), "SUPPORTS".into(), "OPPOSES".into()]));
        f.run(Command::RelationTypeAt(0));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov MEETS Wang Yi"]);
        assert_eq!(f.selected(), "MEETS", "the new relation is selected");
        assert_eq!(f.app.mode(), Mode::RelationSelected, "a type key now changes its type");
    }

    #[test]
    fn tab_picks_another_tail_and_a_type_key_another_type() {
        let mut f = app_with(&[("a", TWO)]);
        f.run(Command::SelectSpan(f.span("Sergueï Lavrov")));
        f.run(Command::StartRelation);
        f.run(Command::NextTail);
        f.run(Command::NextTail);
        f.run(Command::PreviousTail);
        f.run(Command::ConfirmTail);
        // A type the list does not offer for PER → PER is ignored.
        f.run(Command::RelationType("VISITS".into()));
        assert!(f.relation_lines().is_empty());
        f.run(Command::RelationType("OPPOSES".into()));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov OPPOSES Emmanuel Macron"]);
    }

    #[test]
    fn the_type_used_this_session_comes_first_next_time() {
        let mut f = app_with(&[("a", TWO)]);
        let (lavrov, wang, macron) = (f.span("Sergueï Lavrov"), f.span("Wang Yi"), f.span("Emmanuel Macron"));
        assert_eq!(f.app.likely_types(lavrov, wang).first().map(String::as_str), Some("MEETS"));
        f.run(Command::SelectSpan(lavrov));
        f.run(Command::StartRelation);
        f.run(Command::ConfirmTail);
        f.run(Command::RelationTypeAt(2));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov OPPOSES Wang Yi"]);
        assert_eq!(f.app.likely_types(wang, macron).first().map(String::as_str), Some("OPPOSES"));
    }

    #[test]
    fn a_symmetric_relation_runs_from_the_earlier_mention() {
        let mut f = app_with(&[("a", TWO)]);
        f.run(Command::SelectSpan(f.span("Wang Yi")));
        f.run(Command::StartRelation);
        f.run(Command::RelationTail(f.span("Sergueï Lavrov")));
        f.run(Command::RelationType("MEETS".into()));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov MEETS Wang Yi"]);
    }

    #[test]
    fn retargeting_keeps_the_type_when_it_is_still_allowed() {
        let mut f = app_with(&[("a", TWO)]);
        f.run(Command::SelectSpan(f.span("Sergueï Lavrov")));
        f.run(Command::StartRelation);
        f.run(Command::ConfirmTail);
        f.run(Command::RelationType("SUPPORTS".into()));
        let id = f.open().doc.relations().next().map(|r| r.id).expect("made");
        f.run(Command::RetargetRelation(id));
        f.run(Command::RelationTail(f.span("Pékin")));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov SUPPORTS Pékin"]);
        f.run(Command::RetargetRelation(id));
        f.run(Command::RelationTail(f.span("Olaf Scholz")));
        assert_eq!(f.relation_lines(), ["Sergueï Lavrov SUPPORTS Olaf Scholz"]);
    }

    #[test]
    fn a_relation_needs_a_span_with_a_possible_tail() {
        let mut f = app_with(&[("a", "[3 mars]{DATE} et [Pékin]{GPE}.")]);
        f.run(Command::StartRelation);
        assert!(f.last_message().contains("select the head span first"), "{}", f.last_message());
        f.run(Command::SelectSpan(f.span("3 mars")));
        f.run(Command::StartRelation);
        assert!(f.open().draft.is_none());
        assert!(f.last_message().contains("no span in this document can be the tail"), "{}", f.last_message());
    }
}
