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
            // Every suggested relation left is one the gold wants (the
            // arcs show them): Shift+A takes them all.
            if self.doc().pending_count() == 0 && self.all_left_are_gold(gold) {
                self.rel_kind = "accept those left (Shift+A)";
                self.press(SHIFT, Key::A);
                continue;
            }
            // None left is one the gold wants (nor its pair, to retype),
            // and more than one: Shift+X rejects them all.
            if self.doc().pending_count() == 0 && self.doc().pending_relation_suggestions().len() > 1 && self.none_left_is_gold(gold) {
                self.rel_kind = "reject those left (Shift+X)";
                self.press(SHIFT, Key::X);
                continue;
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

    /// Whether every pending relation suggestion is a gold relation not
    /// yet in the document, each a different one.
    fn all_left_are_gold(&self, gold: &[Rel]) -> bool {
        let doc = self.doc();
        let place = |e| doc.end_place(e).map(|p| (p.0.get(), p.1.get()));
        let mut wanted: Vec<&Rel> = gold.iter().filter(|g| !self.has_relation(g)).collect();
        doc.pending_relation_suggestions().iter().all(|r| {
            let (h, t) = (place(r.head), place(r.tail));
            match wanted.iter().position(|g| Some(g.head) == h && Some(g.tail) == t && g.label == r.label) {
                Some(i) => {
                    wanted.remove(i);
                    true
                }
                None => false,
            }
        })
    }

    /// Whether no pending relation suggestion joins a pair the gold
    /// relates and the document does not yet.
    fn none_left_is_gold(&self, gold: &[Rel]) -> bool {
        let doc = self.doc();
        let place = |e| doc.end_place(e).map(|p| (p.0.get(), p.1.get()));
        doc.pending_relation_suggestions().iter().all(|r| {
            let (h, t) = (place(r.head), place(r.tail));
            !gold.iter().any(|g| !self.has_relation(g) && Some(g.head) == h && Some(g.tail) == t)
        })
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

    /// The keys to reach `span` from here: none when it is selected, or is
    /// the head of the selected relation (c and r start from there).
    fn reach_or_here(&self, span: SpanId) -> usize {
        let here = match self.selection() {
            Selection::Span(id) => Some(id),
            Selection::Relation(id) => self.doc().relation(id).map(|r| r.head),
            _ => None,
        };
        if here == Some(span) { 0 } else { self.reach_cost(span) }
    }

    /// Makes the gold relation `head → tail` from the likely relations of
    /// whichever end is cheaper to reach (c): steps to it (x or Shift+Tab,
    /// as the inspector lists them), then Enter, or its type's key (its
    /// number when x takes that key there). When the pair is not among
    /// them: Esc, and false (drawn with r instead).
    fn pick_relation(&mut self, r: &Rel, head: SpanId, tail: SpanId) -> bool {
        let from = if self.reach_or_here(tail) < self.reach_or_here(head) { tail } else { head };
        // Shift+C, letters of a name, the arrows, Enter: reach and c in one.
        let by_name = [head, tail].into_iter().filter_map(|s| self.by_name_plan(s)).min_by_key(NamePlan::cost);
        match by_name {
            Some(plan) if plan.cost() < self.reach_or_here(from) + 1 => self.run_name_plan(&plan),
            _ => {
                self.rel_kind = "pick: reach";
                if self.reach_or_here(from) > 0 {
                    self.go_to_item_counted(Selection::Span(from));
                }
                self.rel_kind = "pick: c";
                self.press(NONE, Key::C);
            }
        }
        let Some(pick) = self.app().open.as_ref().and_then(|o| o.pick.clone()) else { return false };
        let symmetric = self.app().project.schema.relation(&r.label).is_some_and(|l| l.symmetric);
        let wanted = |c: &spanlab::app::RelationChoice| {
            c.label == r.label && ((c.head, c.tail) == (head, tail) || (symmetric && (c.head, c.tail) == (tail, head)))
        };
        let at = pick.readings.iter().position(|x| x.choices.iter().take(9).any(wanted));
        let Some(i) = at else {
            self.rel_kind = "pick: not there";
            self.press(NONE, Key::Escape);
            return false;
        };
        if self.trace {
            let doc = self.doc();
            let name = |id| doc.spans().get(id).map(|s| format!("{}:{}", doc.span_text(s), s.label)).unwrap_or_default();
            for (k, x) in pick.readings.iter().enumerate().take(i + 2) {
                let c = &x.choices[0];
                eprintln!("    {}{k} {} {} {} {:.3}", if k == i { "*" } else { " " }, name(c.head), c.label, name(c.tail), c.score);
            }
        }
        self.rel_kind = "pick: next";
        let n = pick.readings.len();
        let forward = i <= n - i;
        for _ in 0..(if forward { i } else { n - i }) {
            if forward {
                self.press(NONE, Key::X);
            } else {
                self.press(SHIFT, Key::Tab);
            }
        }
        // Enter for the relation shown; a type's key for the best of that
        // type; else its number in the list.
        self.rel_kind = "pick: take";
        let choices = &pick.readings[i].choices;
        let k = self.hotkey(&r.label);
        let by_key = choices.iter().find(|c| c.label == r.label).is_some_and(wanted) && k != Key::X && k != Key::Tab;
        if wanted(&choices[0]) {
            self.press(NONE, Key::Enter);
        } else if by_key {
            self.press(NONE, k);
        } else {
            let n = choices.iter().position(wanted).unwrap_or(0);
            self.press(NONE, Key::from_name(&(n + 1).to_string()).expect("a digit"));
        }
        assert!(self.has_relation(r), "the likely relation was made");
        true
    }

    /// The cheapest Shift+C plan to `span`: the first letters of a word
    /// of its name (the prompt selects the first span so named from the
    /// caret on), then ↓ or ↑ to it.
    fn by_name_plan(&self, span: SpanId) -> Option<NamePlan> {
        let doc = self.doc();
        let s = doc.spans().get(span)?;
        let text: Vec<char> = doc.span_text(s).chars().collect();
        let from = match self.selection() {
            Selection::Relation(id) => doc.relation(id).and_then(|r| doc.spans().get(r.head)).map_or(0, |s| s.end.get()),
            Selection::Text { anchor, head } => anchor.max(head).get(),
            _ => self.selected_range().map_or(0, |r| r.1),
        };
        let mut best: Option<NamePlan> = None;
        for start in (0..text.len()).filter(|&i| i == 0 || !text[i - 1].is_alphanumeric()) {
            for end in start + 1..=text.len() {
                let query: String = text[start..end].iter().collect();
                let named = self.app().spans_named(&query);
                let (Some(t), Some(first)) =
                    (named.iter().position(|x| x.1 == span), named.iter().position(|x| x.0.get() >= from).or(Some(0)))
                else {
                    continue;
                };
                let n = named.len();
                let (down, up) = ((t + n - first) % n, (first + n - t) % n);
                let plan = NamePlan { query, steps: if down <= up { down as isize } else { -(up as isize) } };
                if best.as_ref().is_none_or(|b| plan.cost() < b.cost()) {
                    best = Some(plan);
                }
            }
        }
        best
    }

    fn run_name_plan(&mut self, plan: &NamePlan) {
        self.rel_kind = "pick: by name (Shift+C)";
        self.press(SHIFT, Key::C);
        for c in plan.query.chars() {
            self.type_char(c);
        }
        for _ in 0..plan.steps.unsigned_abs() {
            self.press(NONE, if plan.steps > 0 { Key::ArrowDown } else { Key::ArrowUp });
        }
        self.press(NONE, Key::Enter);
    }

    fn draw_relations_counted(&mut self, gold: &[Rel]) {
        // When the last suggested relation is decided the window suggests
        // those the spans as they are now make possible (what Ctrl+R does),
        // and the review goes on; without any to review, Ctrl+R.
        let reviewed = !self.doc().pending_relation_suggestions().is_empty();
        self.review_relations(gold);
        if !reviewed {
            self.rel_kind = "suggest (Ctrl+R)";
            self.press(CMD, Key::R);
            self.review_relations(gold);
        }
        self.fix_relations(gold);
        // The missing ones, nearest first: the one with an end cheapest to
        // reach from here (after one is made its span stays selected).
        for _ in 0..gold.len() {
            let ends = |bot: &Self, r: &Rel| {
                let (Some(head), Some(tail)) = (bot.span_at(r.head.0, r.head.1), bot.span_at(r.tail.0, r.tail.1)) else {
                    panic!("the relation's spans are missing")
                };
                (head, tail)
            };
            let next = gold.iter().filter(|r| !self.has_relation(r)).min_by_key(|r| {
                let (head, tail) = ends(self, r);
                self.reach_or_here(head).min(self.reach_or_here(tail))
            });
            let Some(r) = next.cloned() else { break };
            let r = &r;
            let (head, tail) = ends(self, r);
            if self.pick_relation(r, head, tail) {
                continue;
            }
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

/// Shift+C, the letters, the arrows, Enter.
struct NamePlan {
    query: String,
    /// ↓ (positive) or ↑ (negative) presses.
    steps: isize,
}

impl NamePlan {
    fn cost(&self) -> usize {
        2 + self.query.chars().count() + self.steps.unsigned_abs()
    }
}
