//! The annotate bench's relation work: reviewing the suggested relations,
//! fixing the accepted ones the gold does not want, drawing the missing.

use egui::Key;
use spanlab::app::{Mode, Selection};
use spanlab::model::{RelationId, SpanId};

use super::tally::Cat;
use super::{Bot, CMD, NONE, Rel, SHIFT};

impl Bot {
    /// The gold relations already in the document (accepted suggestions).
    fn has_relation(&self, r: &Rel) -> bool {
        let doc = self.doc();
        let place = |id| doc.spans().get(id).map(|s| (s.start.get(), s.end.get()));
        doc.relations().any(|x| place(x.head) == Some(r.head) && place(x.tail) == Some(r.tail) && x.label == r.label)
    }

    /// Reviews the suggested relations in reading order (j): Enter for a
    /// gold one, its type for a gold pair of another type (the type's key,
    /// or its number in the inspector's list when a review key takes that
    /// key), x for the others.
    fn review_relations(&mut self, gold: &[Rel]) {
        for _ in 0..2000 {
            if self.doc().pending_relation_suggestions().is_empty() {
                return;
            }
            let Selection::RelationSuggestion(id) = self.selection() else {
                self.rel_kind = "next (j)";
                self.press(NONE, Key::J);
                continue;
            };
            let Some(r) = self.doc().relation_suggestion(id).cloned() else { return };
            let place = |bot: &Self, e| bot.doc().end_place(e).map(|p| (p.0.get(), p.1.get()));
            let (h, t) = (place(self, r.head), place(self, r.tail));
            let want = gold.iter().find(|g| Some(g.head) == h && Some(g.tail) == t && !self.has_relation(g)).cloned();
            match want {
                Some(g) if g.label == r.label => {
                    self.rel_kind = "accept";
                    self.press(NONE, Key::Enter);
                }
                Some(g) => {
                    self.rel_kind = "retype";
                    let types = self.app().scored_types(r.head, r.tail);
                    let clash = self.app().commands.clashes().iter().any(|c| c.starts_with(&format!("{}'s key", g.label)));
                    match types.iter().position(|(l, _)| *l == g.label) {
                        Some(n) if clash && n < 9 => self.press(NONE, Key::from_name(&(n + 1).to_string()).expect("a digit")),
                        Some(_) if !clash => {
                            let k = self.hotkey(&g.label);
                            self.press(NONE, k);
                        }
                        _ => {
                            self.rel_kind = "reject";
                            self.press(NONE, Key::X);
                        }
                    }
                }
                None => {
                    self.rel_kind = "reject";
                    self.press(NONE, Key::X);
                }
            }
        }
        panic!("the suggested relations never ran out");
    }

    /// Reviews the suggested relations, then draws the gold ones still
    /// missing: head, r, the tail, the type.
    pub(super) fn draw_relations(&mut self, gold: &[Rel]) {
        self.as_cat(Cat::Relation, |bot| bot.draw_relations_counted(gold));
    }

    /// The accepted relations as the arcs show them, in the order period
    /// steps through them: by where the head starts, then the tail.
    fn relation_order(&self) -> Vec<(usize, usize, RelationId)> {
        let doc = self.doc();
        let start = |id| doc.spans().get(id).map_or(0, |s| s.start.get());
        let mut v: Vec<_> = doc.relations().map(|r| (start(r.head), start(r.tail), r.id)).collect();
        v.sort();
        v
    }

    /// Selects an accepted relation: period or comma from here when that is
    /// cheap, else the head span first (Tab or Find), then period.
    fn go_to_relation(&mut self, target: RelationId) {
        let order = self.relation_order();
        let n = order.len();
        let Some(t) = order.iter().position(|x| x.2 == target) else { panic!("no such relation") };
        let (fwd, back) = match self.selection() {
            Selection::Relation(id) => {
                let c = order.iter().position(|x| x.2 == id).unwrap_or(0);
                ((t + n - c) % n, (c + n - t) % n)
            }
            _ => {
                let here = self.selection_start();
                let f = order.iter().position(|x| x.0 >= here).unwrap_or(0);
                let b = order.iter().rposition(|x| x.0 < here).unwrap_or(n - 1);
                ((t + n - f) % n + 1, (b + n - t) % n + 1)
            }
        };
        if fwd.min(back) > 3 {
            let head = self.doc().relation(target).map(|r| r.head).expect("the relation");
            let via_tab = self.tab_distance(Selection::Span(head));
            let first_on_head = order.iter().position(|x| x.0 == order[t].0).unwrap_or(t);
            if via_tab.0.min(via_tab.1) + 1 + (t - first_on_head) < fwd.min(back) {
                self.as_cat(Cat::Relation, |bot| bot.go_to_item_counted(Selection::Span(head)));
            }
        }
        let forward = match self.selection() {
            Selection::Relation(_) => fwd <= back,
            _ => true,
        };
        for _ in 0..=n {
            if self.selection() == Selection::Relation(target) {
                return;
            }
            self.press(NONE, if forward { Key::Period } else { Key::Comma });
        }
        panic!("period never reached the relation");
    }

    /// Fixes the accepted relations the gold does not want (accept all
    /// takes some): reached with period, retyped with the type's key when
    /// the gold wants that pair with another type, else deleted.
    fn fix_relations(&mut self, gold: &[Rel]) {
        self.rel_kind = "fix";
        for _ in 0..500 {
            let doc = self.doc();
            let place = |id| doc.spans().get(id).map(|s| (s.start.get(), s.end.get()));
            // In reading order, as period steps.
            let wrong = self.relation_order().into_iter().filter_map(|(_, _, id)| doc.relation(id)).find_map(|x| {
                let (h, t) = (place(x.head)?, place(x.tail)?);
                let ok = gold.iter().any(|g| g.head == h && g.tail == t && g.label == x.label);
                (!ok).then_some((x.id, h, t))
            });
            let Some((id, h, t)) = wrong else { return };
            self.rel_kind = "fix: reach";
            self.go_to_relation(id);
            self.rel_kind = "fix: retype or delete";
            let retype = gold.iter().find(|g| g.head == h && g.tail == t && !self.has_relation(g)).map(|g| g.label.clone());
            let before = self.relation_order().len();
            if let Some(label) = retype {
                let k = self.hotkey(&label);
                self.press(NONE, k);
                if self.doc().relation(id).is_some_and(|r| r.label == label) {
                    continue;
                }
            }
            self.press(NONE, Key::Delete);
            assert!(self.relation_order().len() < before, "Delete removed the relation");
        }
        panic!("the wrong relations never ran out");
    }

    /// The keys the bot would spend to select a span (Tab either way, or
    /// Find), as [`Bot::go_to_item_counted`] plans it.
    fn reach_cost(&self, span: SpanId) -> usize {
        let (fwd, back) = self.tab_distance(Selection::Span(span));
        let find = self
            .doc()
            .spans()
            .get(span)
            .map(|s| (s.start.get(), s.end.get()))
            .and_then(|(a, b)| [self.find_plan(a, b, true), self.find_plan(a, b, false)].into_iter().flatten().map(|p| p.cost()).min());
        fwd.min(back).min(find.unwrap_or(usize::MAX))
    }

    fn draw_relations_counted(&mut self, gold: &[Rel]) {
        self.review_relations(gold);
        // The entities are fixed: the relations between the spans as they
        // are now, reviewed as the first ones.
        self.rel_kind = "suggest (Ctrl+R)";
        self.press(CMD, Key::R);
        self.review_relations(gold);
        self.fix_relations(gold);
        for r in gold {
            if self.has_relation(r) {
                continue;
            }
            let (Some(head), Some(tail)) = (self.span_at(r.head.0, r.head.1), self.span_at(r.tail.0, r.tail.1)) else {
                panic!("the relation's spans are missing")
            };
            // A symmetric relation (MEETS) may be drawn from either end: it
            // runs from the earlier mention whichever end r starts from.
            let symmetric = self.app().project.schema.relation(&r.label).is_some_and(|l| l.symmetric);
            let (head, tail) = if symmetric && self.reach_cost(tail) < self.reach_cost(head) { (tail, head) } else { (head, tail) };
            self.rel_kind = "draw: reach head";
            self.go_to_item_counted(Selection::Span(head));
            self.rel_kind = "draw: r";
            self.press(NONE, Key::R);
            self.rel_kind = "draw: reach tail";
            let candidates = self.app().open.as_ref().and_then(|o| o.draft.as_ref()).map(|d| d.candidates.clone()).unwrap_or_default();
            let Some(i) = candidates.iter().position(|&c| c == tail) else {
                panic!("{:?} is no candidate tail", self.doc().spans().get(tail).map(|s| self.doc().span_text(s).to_owned()))
            };
            let n = candidates.len();
            let forward = i <= n - i;
            for _ in 0..(if forward { i } else { n - i }) {
                self.press(if forward { NONE } else { SHIFT }, Key::Tab);
            }
            self.press(NONE, Key::Enter);
            assert_eq!(self.app().mode(), Mode::ChoosingType);
            self.rel_kind = "draw: type";
            let types = self.app().open.as_ref().and_then(|o| o.draft.as_ref()).map(|d| d.types.clone()).unwrap_or_default();
            if types.first() == Some(&r.label) {
                self.press(NONE, Key::Enter);
            } else {
                let k = self.hotkey(&r.label);
                self.press(NONE, k);
            }
        }
    }
}
