//! The annotate bench's entity work: moving a span's boundaries,
//! selecting a missed name (Find, the arrows, n and Alt+N), turning the
//! spans into the gold, reviewing suggestions one by one or with
//! everywhere actions.

use std::collections::BTreeSet;

use egui::{Key, Modifiers};
use spanlab::app::{Dialog, Hint, Selection};
use spanlab::model::everywhere::{Fate, MatchOptions, find};
use spanlab::model::names::names;
use spanlab::model::words::{
    next_capitalised_word, next_word_end, next_word_part_end, next_word_start, phrase_end, previous_word_end, previous_word_start,
};
use spanlab::model::{CharIdx, SpanId, Text};

use super::tally::Cat;
use super::{ALT, Article, Bot, CMD, Ent, FindPlan, NONE, SHIFT};

impl Bot {
    /// Moves the selected span's boundaries to `[a, b)`, by words where a
    /// word lands inside, else by characters.
    fn move_boundaries(&mut self, a: usize, b: usize) {
        self.as_cat(Cat::Boundary, |bot| bot.move_boundaries_counted(a, b));
    }

    fn move_boundaries_counted(&mut self, a: usize, b: usize) {
        for _ in 0..200 {
            let Some((s, e)) = self.selected_range() else { return };
            if (s, e) == (a, b) {
                return;
            }
            let text = self.doc().text().clone();
            // Grow before shrinking, so the span never empties.
            if e < b || (s == a && e > b) || (a >= e) {
                if e < b {
                    let w = next_word_end(&text, CharIdx::new(e)).get();
                    self.press(if w <= b { ALT | SHIFT } else { ALT | SHIFT | CMD }, Key::ArrowRight);
                } else {
                    let w = previous_word_end(&text, CharIdx::new(e)).get();
                    self.press(if w >= b && w > s { ALT | SHIFT } else { ALT | SHIFT | CMD }, Key::ArrowLeft);
                }
            } else if s > a {
                let w = previous_word_start(&text, CharIdx::new(s)).get();
                self.press(if w >= a { ALT } else { ALT | CMD }, Key::ArrowLeft);
            } else if s < a
                && next_word_start(&text, CharIdx::new(s)).get() < a
                && next_capitalised_word(&text, CharIdx::new(s), CharIdx::new(e)).is_some_and(|c| c.get() == a)
            {
                // Alt+C: the start to the next capitalised word, past the words before.
                self.press(ALT, Key::C);
            } else if s < a {
                let w = next_word_start(&text, CharIdx::new(s)).get();
                self.press(if w <= a && w < e { ALT } else { ALT | CMD }, Key::ArrowRight);
            } else {
                let w = previous_word_end(&text, CharIdx::new(e)).get();
                self.press(if w >= b && w > s { ALT | SHIFT } else { ALT | SHIFT | CMD }, Key::ArrowLeft);
            }
        }
        panic!("could not move the span to {a}..{b}");
    }

    /// Selects a span as [`Bot::go_to_item`] does, or by Find on any few
    /// letters inside it when that is cheaper (Esc on the find bar selects
    /// the span the found letters lie in, wherever they are in it).
    fn reach_span(&mut self, id: SpanId) {
        let target = Selection::Span(id);
        if self.selection() == target {
            return;
        }
        let Some((a, b)) = self.doc().spans().get(id).map(|s| (s.start.get(), s.end.get())) else { return };
        let (fwd, back) = self.tab_distance(target);
        let usual = [self.find_plan(a, b, true), self.find_plan(a, b, false)].into_iter().flatten().map(|p| p.cost()).min();
        let usual = usual.map_or(fwd.min(back), |c| c.min(fwd).min(back));
        let inside = self.inside_plan(a, b).map_or(usual, |p| p.cost().min(usual));
        if self.jump_if_cheaper(target, inside) {
            return;
        }
        if let Some(plan) = self.inside_plan(a, b)
            && plan.cost() < usual
        {
            if self.trace {
                eprintln!("  reach span {a}..{b} by finding {:?} inside it ({} keys, else {usual})", plan.query, plan.cost());
            }
            self.as_cat(Cat::Navigate, |bot| bot.run_find(&plan));
            if self.selection() == target {
                return;
            }
        }
        self.go_to_item(target);
    }

    /// The cheapest Find of a few letters lying inside `[a, b)` (not only
    /// its first letters): typed, then Enter until the occurrence inside.
    fn inside_plan(&self, a: usize, b: usize) -> Option<FindPlan> {
        let text: Vec<char> = self.text_of(a, b).chars().collect();
        let from = match self.selection() {
            Selection::Text { anchor, head } => anchor.max(head).get(),
            Selection::Span(_) | Selection::Suggestion(_) => self.selected_range().map_or(0, |r| r.1),
            _ => 0,
        };
        let mut best: Option<FindPlan> = None;
        for i in 0..text.len() {
            for k in 1..=(text.len() - i).min(8) {
                let query: String = text[i..i + k].iter().collect();
                if query.trim() != query {
                    continue;
                }
                if let Some(plan) = self.plan_at(query, a + i, from)
                    && best.as_ref().is_none_or(|b| plan.cost() < b.cost())
                {
                    best = Some(plan);
                }
            }
        }
        best
    }

    /// What is selected, for the trace: `span 238..252 "Sergueï Lavrov"`.
    pub(super) fn selection_text(&self) -> String {
        if self.app().open.is_none() {
            return "no document".to_owned();
        }
        let kind = match self.selection() {
            Selection::Span(_) => "span",
            Selection::Suggestion(_) => "suggestion",
            Selection::Text { .. } => "text",
            Selection::Relation(_) => return "a relation".to_owned(),
            _ => return "nothing".to_owned(),
        };
        match self.selected_range() {
            Some((a, b)) => format!("{kind} {a}..{b} {:?}", self.text_of(a, b)),
            None => kind.to_owned(),
        }
    }

    /// Selects the text `[a, b)`: Find a prefix, then extend by words and
    /// characters; or the arrows from where the selection is.
    fn select_text(&mut self, a: usize, b: usize) {
        let text = self.doc().text().clone();
        // The arrows: caret by words to `a`, then extend.
        let arrow_plan = {
            let mut at = match self.selection() {
                Selection::Text { head, .. } => head.get(),
                _ => self.selected_range().map_or(0, |r| r.1),
            };
            let mut presses = 0;
            while at < a && presses < 60 {
                let n = next_word_start(&text, CharIdx::new(at)).get();
                if n > a {
                    break;
                }
                at = n;
                presses += 1;
            }
            while at > a && presses < 60 {
                at = previous_word_start(&text, CharIdx::new(at)).get();
                presses += 1;
            }
            (at == a).then_some(presses + extend_cost(&text, a, a, b))
        };
        let find = self.find_plan(a, b, false).map(|p| {
            let len = p.query.chars().count();
            let cost = p.cost() + extend_cost(&text, a, a + len, b);
            (cost, p)
        });
        let names = self.name_plan(a, b);
        let best_other = match (&arrow_plan, &find) {
            (Some(x), Some((y, _))) => Some(*x.min(y)),
            (x, y) => x.or(y.as_ref().map(|f| f.0)),
        };
        let cheapest = names.map(|n| n.0).into_iter().chain(best_other).min();
        if self.jump_if_cheaper_to_name(a, b, cheapest) {
            self.extend_to(b);
            return;
        }
        if let Some((cost, forward)) = names
            && best_other.is_none_or(|o| cost <= o)
        {
            let before = std::mem::replace(&mut self.cat, Cat::Navigate);
            for _ in 0..80 {
                if matches!(self.selection(), Selection::Text { anchor, head } if anchor.min(head).get() == a) {
                    break;
                }
                self.press(if forward { NONE } else { SHIFT }, Key::N);
            }
            self.cat = before;
            self.extend_to(b);
            return;
        }
        let use_arrows = match (&arrow_plan, &find) {
            (Some(arrows), Some((cost, _))) => arrows <= cost,
            (Some(_), None) => true,
            _ => false,
        };
        let before = std::mem::replace(&mut self.cat, Cat::Navigate);
        match (use_arrows, find) {
            (true, _) => {
                for _ in 0..80 {
                    let at = match self.selection() {
                        Selection::Text { head, .. } => head.get(),
                        _ => self.selected_range().map_or(0, |r| r.1),
                    };
                    if at == a && matches!(self.selection(), Selection::Text { .. }) {
                        break;
                    }
                    self.press(NONE, if at < a { Key::ArrowRight } else { Key::ArrowLeft });
                }
            }
            (false, Some((_, plan))) => self.run_find(&plan),
            (false, None) => panic!("no way to reach {a}"),
        }
        self.cat = before;
        self.extend_to(b);
    }

    /// The jump hint (f) the window shows now on `target`, if any: the
    /// bot reads the letters off the screen, as a person does.
    fn hint_on(&self, target: Selection) -> Option<String> {
        self.app().jump_hints().into_iter().find(|h| h.target == target).map(|h| h.letters)
    }

    /// f, then the hint's letters.
    fn run_jump(&mut self, letters: &str) {
        self.press(NONE, Key::F);
        for c in letters.chars() {
            let k = Key::from_name(&c.to_ascii_uppercase().to_string()).expect("a hint is letters");
            self.press(NONE, k);
        }
    }

    /// Selects `target` by its jump hint when that costs fewer keys than
    /// `other`; whether it did.
    fn jump_if_cheaper(&mut self, target: Selection, other: usize) -> bool {
        let Some(letters) = self.hint_on(target) else {
            let at = self.selected_range().map_or(0, |r| r.0);
            let start = match target {
                Selection::Span(id) => self.doc().spans().get(id).map(|s| s.start.get()),
                _ => None,
            };
            return start.is_some_and(|s| s > at) && self.jump_scrolled(|h| h.target == target, start.unwrap_or(0), other, 0);
        };
        if 1 + letters.len() >= other {
            return false;
        }
        if self.trace {
            eprintln!("  jump to {target:?} by f {letters} ({} keys, else {other})", 1 + letters.len());
        }
        self.as_cat(Cat::Navigate, |bot| bot.run_jump(&letters));
        self.selection() == target
    }

    /// Selects the name without a span that starts at `a` by its jump hint
    /// when that, and then moving the head to `b`, costs fewer keys than
    /// `other`; whether it did (the head is left where the name ends).
    fn jump_if_cheaper_to_name(&mut self, a: usize, b: usize, other: Option<usize>) -> bool {
        let text = self.doc().text().clone();
        let hints = self.app().jump_hints();
        // The name's hint, or its part's ("Iran" in "Iran-Israël"), the
        // cheaper with the head moved to `b`.
        let extend_from = |end: usize| if end <= b { extend_cost(&text, a, end, b) } else { end - b };
        let Some(h) = hints
            .iter()
            .filter(|h| matches!(h.target, Selection::Text { .. }) && h.range.0.get() == a)
            .min_by_key(|h| h.letters.len() + extend_from(h.range.1.get()))
        else {
            // Below the view: f, Space (a view on), the hint.
            // A name no span or pending suggestion touches, and not exactly
            // one decided on: what the window hints.
            let doc = self.doc();
            let taken = |x: usize, y: usize| {
                doc.spans().iter().any(|s| s.start.get() < y && x < s.end.get())
                    || doc.pending_suggestions().iter().any(|s| s.start.get() < y && x < s.end.get())
                    || doc.suggestions().any(|s| !s.is_pending() && (s.start.get(), s.end.get()) == (x, y))
            };
            let free_end = names(&text).into_iter().map(|(x, y)| (x.get(), y.get())).find(|&(x, y)| x == a && !taken(x, y)).map(|n| n.1);
            let at = self.selected_range().map_or(0, |r| r.0);
            let Some(end) = free_end.filter(|_| a > at) else { return false };
            let extend = if end <= b { extend_cost(&text, a, end, b) } else { end - b };
            let wanted = move |h: &Hint| matches!(h.target, Selection::Text { .. }) && h.range.0.get() == a;
            return self.jump_scrolled(wanted, a, other.unwrap_or(usize::MAX), extend);
        };
        let end = h.range.1.get();
        let extend = if end <= b { extend_cost(&text, a, end, b) } else { end - b };
        let cost = 1 + h.letters.len() + extend;
        if other.is_some_and(|o| cost >= o) {
            return false;
        }
        if self.trace {
            eprintln!("  jump to the name at {a} by f {} ({cost} keys, else {other:?})", h.letters);
        }
        let (letters, target) = (h.letters.clone(), h.target);
        self.as_cat(Cat::Navigate, |bot| bot.run_jump(&letters));
        self.selection() == target
    }

    /// What lies below the view, at `at`: f, Space (the article scrolls
    /// a view on, the hints follow), then the letters of the hint
    /// `wanted` picks when the window shows one, else Esc (those keys
    /// lost). Tried when three keys, and `extend` after, cost fewer than
    /// `other`; whether it selected the hint's target.
    fn jump_scrolled(&mut self, wanted: impl Fn(&Hint) -> bool, at: usize, other: usize, extend: usize) -> bool {
        if self.app().article_view().shows(CharIdx::new(at)) == Some(true) || 3 + extend >= other {
            return false;
        }
        // Only within the next view: as much text further as the view
        // shows now (read off the first and last hint in view).
        let shown: Vec<usize> = self.app().jump_hints().iter().map(|h| h.range.0.get()).collect();
        let (Some(&first), Some(&last)) = (shown.iter().min(), shown.iter().max()) else { return false };
        if at < last || at - last > last - first {
            return false;
        }
        if self.trace {
            eprintln!("  jump below the view to {at} by f, Space and a hint (else {other})");
        }
        self.as_cat(Cat::Navigate, |bot| {
            bot.press(NONE, Key::F);
            bot.press(NONE, Key::Space);
            let hint = match &bot.app().dialog {
                Dialog::Jump { hints, .. } => hints.iter().find(|h| wanted(h)).map(|h| (h.letters.clone(), h.target)),
                _ => None,
            };
            match hint {
                Some((letters, target)) => {
                    for c in letters.chars() {
                        let k = Key::from_name(&c.to_ascii_uppercase().to_string()).expect("a hint is letters");
                        bot.press(NONE, k);
                    }
                    bot.selection() == target
                }
                None => {
                    bot.press(NONE, Key::Escape);
                    false
                }
            }
        })
    }

    /// The cost of selecting `[a, b)` with n (or Shift+N), the names the
    /// window shows without a span or suggestion, then extending to `b`:
    /// (keys, forward). The bot knows what n does, as a user who has used it.
    fn name_plan(&self, a: usize, b: usize) -> Option<(usize, bool)> {
        let doc = self.doc();
        let taken: Vec<(usize, usize)> = doc
            .spans()
            .iter()
            .map(|s| (s.start.get(), s.end.get()))
            .chain(doc.pending_suggestions().iter().map(|s| (s.start.get(), s.end.get())))
            .collect();
        // n passes over a name exactly as a suggestion already decided on.
        let decided: Vec<(usize, usize)> = doc.suggestions().filter(|s| !s.is_pending()).map(|s| (s.start.get(), s.end.get())).collect();
        let free: Vec<(usize, usize)> = names(doc.text())
            .into_iter()
            .map(|(x, y)| (x.get(), y.get()))
            .filter(|&(x, y)| !taken.iter().any(|t| t.0 < y && x < t.1) && !decided.contains(&(x, y)))
            .collect();
        let t = free.iter().position(|n| n.0 == a)?;
        let end = free[t].1;
        let (lo, hi) = self.selected_range().unwrap_or((0, 0));
        let n = free.len();
        let first_fwd = free.iter().position(|f| f.0 >= hi).unwrap_or(0);
        let first_back = free.iter().rposition(|f| f.1 <= lo).unwrap_or(n - 1);
        let fwd = (t + n - first_fwd) % n + 1;
        let back = (first_back + n - t) % n + 1;
        let text = doc.text();
        let extend = if end <= b { extend_cost(text, a, end, b) } else { end - b };
        Some((fwd.min(back) + extend, fwd <= back))
    }

    /// Extends the text selection's head to `b`.
    fn extend_to(&mut self, b: usize) {
        let text = self.doc().text().clone();
        for _ in 0..100 {
            let Selection::Text { head, .. } = self.selection() else { panic!("a text selection, got {:?}", self.selection()) };
            let h = head.get();
            if h == b {
                return;
            }
            if h < b {
                // Shift+→ goes by the parts of a hyphenated compound.
                let w = next_word_part_end(&text, head).get();
                let n = next_name_end(&text, h).filter(|&n| n <= b && n > w);
                // Shift+End: to the end of the phrase, when that goes furthest.
                let p = phrase_end(&text, head).get();
                if p <= b && p > w && n.is_none_or(|n| p > n) {
                    self.press(SHIFT, Key::End);
                    continue;
                }
                // Alt+N: through the next name, when that goes further.
                if n.is_some() {
                    self.press(ALT, Key::N);
                    continue;
                }
                self.press(if w <= b { SHIFT } else { SHIFT | CMD }, Key::ArrowRight);
            } else {
                self.press(SHIFT | CMD, Key::ArrowLeft);
            }
        }
        panic!("could not extend the selection to {b}");
    }

    /// Prints every span before the fixes, with where it came from and its
    /// score, marked `ok` when the gold wants it as it is, and the gold
    /// entities no span has (`missed`).
    fn trace_spans(&self, gold: &[Ent]) {
        let doc = self.doc();
        for s in doc.spans().iter() {
            let ok = gold.iter().any(|g| (g.start, g.end, g.label.as_str()) == (s.start.get(), s.end.get(), s.label.as_str()));
            let origin = match &s.origin {
                spanlab::model::Origin::Suggested { recognizer, score, .. } => format!("{recognizer} {score:.2}"),
                other => format!("{other:?}"),
            };
            eprintln!(
                "  span {} {:?} {} [{origin}] {}",
                s.start.get(),
                self.text_of(s.start.get(), s.end.get()),
                s.label,
                if ok { "ok" } else { "WRONG" }
            );
        }
        for g in gold {
            if !doc.spans().iter().any(|s| s.start.get() < g.end && g.start < s.end.get()) {
                eprintln!("  missed {} {:?} {}", g.start, self.text_of(g.start, g.end), g.label);
            }
        }
    }

    /// Turns the document's spans into the gold entities.
    pub(super) fn fix_entities(&mut self, gold: &[Ent], corpus: Option<(&[Article], usize)>) {
        if self.trace {
            self.trace_spans(gold);
        }
        for _round in 0..400 {
            let doc = self.doc();
            let have: Vec<(usize, usize, String, SpanId)> =
                doc.spans().iter().map(|s| (s.start.get(), s.end.get(), s.label.clone(), s.id)).collect();
            let wanted: BTreeSet<&Ent> = gold.iter().collect();
            let right: BTreeSet<(usize, usize, &str)> = have
                .iter()
                .filter(|s| wanted.contains(&Ent { start: s.0, end: s.1, label: s.2.clone() }))
                .map(|s| (s.0, s.1, s.2.as_str()))
                .collect();
            let missing: Vec<&Ent> = gold.iter().filter(|g| !right.contains(&(g.start, g.end, g.label.as_str()))).collect();
            let wrong: Vec<&(usize, usize, String, SpanId)> = have.iter().filter(|s| !right.contains(&(s.0, s.1, s.2.as_str()))).collect();
            // The first thing to do in text order.
            let first_wrong = wrong.first().copied().cloned();
            let first_missing = missing.first().map(|g| (*g).clone());
            match (first_wrong, first_missing) {
                (None, None) => return,
                (Some(w), m) if m.as_ref().is_none_or(|m| w.0 < m.end) => {
                    // A wrong span: fix it into a missing gold entity it overlaps, else delete it.
                    let target = missing
                        .iter()
                        .find(|g| g.start < w.1 && w.0 < g.end && !have.iter().any(|h| h.3 != w.3 && h.0 < g.end && g.start < h.1))
                        .map(|g| (*g).clone());
                    if self.trace {
                        eprintln!("  fix {:?} {} into {target:?}", self.text_of(w.0, w.1), w.2);
                    }
                    self.reach_span(w.3);
                    match target {
                        Some(g) => {
                            if g.label != w.2 {
                                let k = self.hotkey(&g.label);
                                self.as_cat(Cat::Relabel, |bot| bot.press(NONE, k));
                            }
                            self.move_boundaries(g.start, g.end);
                            // The same name again here, each mention wanted
                            // with this label (a shorter span inside it
                            // giving way): label everywhere (Shift+E, Alt+T
                            // for the conflicts, Enter).
                            if let Some((corpus, at)) = corpus {
                                let name = self.text_of(g.start, g.end);
                                let right: Vec<(usize, usize)> = self
                                    .doc()
                                    .spans()
                                    .iter()
                                    .filter(|s| s.label == g.label)
                                    .map(|s| (s.start.get(), s.end.get()))
                                    .collect();
                                let others_here = find(&corpus[at].1, &name, MatchOptions::default())
                                    .into_iter()
                                    .map(|(x, y)| (x.get(), y.get()))
                                    .filter(|&m| m != (g.start, g.end) && !right.contains(&m))
                                    .count();
                                if others_here > 0 && everywhere_pays(corpus, at, (g.start, g.end), &name, &g.label, true) {
                                    self.everywhere(corpus, SHIFT, Key::E, true);
                                }
                            }
                        }
                        None => {
                            // The same wrong name more than once here, and
                            // nowhere wanted: delete everywhere (Shift+Delete, Enter).
                            let name = self.text_of(w.0, w.1);
                            let again = have.iter().filter(|h| h.3 != w.3 && self.text_of(h.0, h.1) == name && h.2 == w.2).count();
                            let everywhere =
                                corpus.is_some_and(|(corpus, at)| again > 0 && everywhere_pays(corpus, at, (w.0, w.1), &name, &w.2, false));
                            if !(everywhere && corpus.is_some_and(|(corpus, _)| self.everywhere(corpus, SHIFT, Key::Delete, false))) {
                                self.as_cat(Cat::Delete, |bot| bot.press(NONE, Key::Delete));
                            }
                        }
                    }
                }
                (_, Some(g)) => {
                    self.as_cat(Cat::Missed, |bot| {
                        bot.select_text(g.start, g.end);
                        let k = bot.hotkey(&g.label);
                        bot.press(NONE, k);
                    });
                    // Other mentions here the gold wants too, and nowhere
                    // one it does not: label everywhere (Shift+E, Enter).
                    if let Some((corpus, at)) = corpus {
                        let name = self.text_of(g.start, g.end);
                        let spans: Vec<(usize, usize)> = self.doc().spans().iter().map(|s| (s.start.get(), s.end.get())).collect();
                        let others_here = find(&corpus[at].1, &name, MatchOptions::default())
                            .into_iter()
                            .map(|(x, y)| (x.get(), y.get()))
                            .filter(|&(x, y)| (x, y) != (g.start, g.end) && !spans.iter().any(|s| s.0 < y && x < s.1))
                            .count();
                        if others_here > 0 && everywhere_pays(corpus, at, (g.start, g.end), &name, &g.label, true) {
                            self.everywhere(corpus, SHIFT, Key::E, true);
                        }
                    }
                }
                (Some(_), None) => unreachable!(),
            }
        }
        panic!("the entities never matched the gold");
    }

    /// The flow the help teaches: each suggestion in turn, Enter to accept,
    /// x to reject, a label key to accept as another label; a suggestion
    /// whose boundaries are wrong is accepted, selected again and moved.
    pub(super) fn review_suggestions(&mut self, gold: &[Ent]) {
        self.each_pending(|bot, s| bot.review_one(gold, &s));
    }

    /// Goes through the pending suggestions as the window offers them: the
    /// selected one to `one`, j when none pending is selected; until none
    /// is left.
    fn each_pending(&mut self, mut one: impl FnMut(&mut Self, spanlab::model::Suggestion)) {
        for _ in 0..2000 {
            if self.doc().pending_count() == 0 {
                return;
            }
            let Selection::Suggestion(id) = self.selection() else {
                self.as_cat(Cat::Navigate, |bot| bot.press(NONE, Key::J));
                continue;
            };
            let Some(s) = self.doc().suggestion(id).cloned() else { return };
            if !s.is_pending() {
                self.as_cat(Cat::Navigate, |bot| bot.press(NONE, Key::J));
                continue;
            }
            one(self, s);
        }
        panic!("the suggestions never ran out");
    }

    /// One suggestion of the review: accept, relabel, fix its boundaries or reject.
    fn review_one(&mut self, gold: &[Ent], s: &spanlab::model::Suggestion) {
        let (a, b) = (s.start.get(), s.end.get());
        let taken = |bot: &Self, g: &Ent| bot.doc().spans().iter().any(|x| x.start.get() < g.end && g.start < x.end.get());
        let exact = gold.iter().find(|g| g.start == a && g.end == b && !taken(self, g)).cloned();
        let overlapping = gold.iter().find(|g| g.start < b && a < g.end && !taken(self, g)).cloned();
        match (exact, overlapping) {
            (Some(g), _) if g.label == s.label => self.as_cat(Cat::Accept, |bot| bot.press(NONE, Key::Enter)),
            (Some(g), _) => {
                let k = self.hotkey(&g.label);
                self.as_cat(Cat::Relabel, |bot| bot.press(NONE, k));
            }
            (None, Some(g)) => {
                // The boundary keys on the suggestion accept it moved (one
                // key per move), then a label key if the label differs.
                self.move_boundaries(g.start, g.end);
                if g.label != s.label {
                    let k = self.hotkey(&g.label);
                    self.as_cat(Cat::Relabel, |bot| bot.press(NONE, k));
                }
                if self.doc().pending_count() > 0 {
                    self.as_cat(Cat::Navigate, |bot| bot.press(NONE, Key::J));
                }
            }
            (None, None) => self.as_cat(Cat::Reject, |bot| bot.press(NONE, Key::X)),
        }
    }

    /// The corpus flow: as the review, but a suggestion the gold wants at
    /// every mention of its text (and some later) is accepted everywhere,
    /// and one it wants nowhere (and that occurs later) rejected everywhere;
    /// the preview is checked against the gold before Enter (Esc otherwise).
    pub(super) fn corpus_review(&mut self, corpus: &[(String, Text, Vec<Ent>)], at: usize) {
        self.each_pending(|bot, s| {
            let (a, b) = (s.start.get(), s.end.get());
            let gold = &corpus[at].2;
            let name = bot.text_of(a, b);
            let free = !bot.doc().spans().iter().any(|x| x.start.get() < b && a < x.end.get());
            let wanted_here = gold.iter().any(|g| (g.start, g.end, g.label.as_str()) == (a, b, s.label.as_str()));
            let nothing_here = !gold.iter().any(|g| g.start < b && a < g.end);
            if free
                && wanted_here
                && everywhere_pays(corpus, at, (a, b), &name, &s.label, true)
                && bot.everywhere(corpus, SHIFT, Key::Enter, true)
            {
                return;
            }
            if nothing_here
                && everywhere_pays(corpus, at, (a, b), &name, &s.label, false)
                && bot.everywhere(corpus, CMD.plus(SHIFT), Key::X, false)
            {
                return;
            }
            bot.review_one(gold, &s);
        });
    }

    /// Opens the everywhere preview with this key, checks every ticked row
    /// against the gold (`accept`: each is wanted; else: none is), then
    /// presses Enter, or Esc when the preview holds something the gold does
    /// not want. Returns whether it applied.
    fn everywhere(&mut self, corpus: &[(String, Text, Vec<Ent>)], m: Modifiers, k: Key, accept: bool) -> bool {
        self.as_cat(Cat::Everywhere, |bot| bot.everywhere_counted(corpus, m, k, accept))
    }

    fn everywhere_counted(&mut self, corpus: &[(String, Text, Vec<Ent>)], m: Modifiers, k: Key, accept: bool) -> bool {
        self.press(m, k);
        if !matches!(self.app().dialog, Dialog::Everywhere(_)) {
            // The key brought the suggestion into view first.
            self.press(m, k);
        }
        for _ in 0..4000 {
            if matches!(&self.app().dialog, Dialog::Everywhere(f) if f.preview.complete()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
            self.h.run_ok();
        }
        self.h.run_ok();
        let Dialog::Everywhere(form) = &self.app().dialog else { return false };
        // Conflicts (a span of another label in the way) the gold wants
        // taken, every one of them: Alt+T ticks them.
        let label = form.label.clone();
        let wanted = |id: &str, o: &spanlab::model::everywhere::Occurrence| {
            corpus
                .iter()
                .find(|c| c.0 == id)
                .is_some_and(|c| c.2.iter().any(|e| (e.start, e.end, e.label.as_str()) == (o.start.get(), o.end.get(), label.as_str())))
        };
        let conflicts: Vec<bool> = form
            .preview
            .docs
            .iter()
            .flat_map(|d| d.rows.iter().map(move |(_, o)| (d.id.0.clone(), o)))
            .filter(|(_, o)| matches!(o.fate, Fate::Conflict { .. }) && !o.ticked)
            .map(|(id, o)| wanted(&id, o))
            .collect();
        if accept && !conflicts.is_empty() && conflicts.iter().all(|&w| w) {
            self.press(ALT, Key::T);
        }
        let Dialog::Everywhere(form) = &self.app().dialog else { return false };
        let good = form.preview.complete()
            && form.preview.docs.iter().all(|d| {
                let gold = corpus.iter().find(|c| c.0 == d.id.0).map(|c| &c.2);
                d.rows.iter().filter(|(_, o)| o.ticked).all(|(_, o)| {
                    let wanted = gold.is_some_and(|g| {
                        g.iter().any(|e| (e.start, e.end, e.label.as_str()) == (o.start.get(), o.end.get(), label.as_str()))
                    });
                    wanted == accept
                })
            });
        if !good {
            self.press(NONE, Key::Escape);
            return false;
        }
        self.press(NONE, Key::Enter);
        for _ in 0..4000 {
            if self.app().everywhere_job.is_none() && !matches!(self.app().dialog, Dialog::Everywhere(_)) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(2));
            self.h.run_ok();
        }
        true
    }
}

/// Whether an everywhere action on `name` would help: every mention of it
/// in the corpus is (`accept`) or is not (reject) the gold entity of that
/// label, and some mention lies in a document still to annotate.
fn everywhere_pays(corpus: &[(String, Text, Vec<Ent>)], at: usize, here: (usize, usize), name: &str, label: &str, accept: bool) -> bool {
    let mut gain = 0;
    for (i, (_, text, gold)) in corpus.iter().enumerate() {
        for (a, b) in find(text, name, MatchOptions::default()) {
            let (a, b) = (a.get(), b.get());
            if i == at && (a, b) == here {
                continue;
            }
            let wanted = gold.iter().any(|g| (g.start, g.end, g.label.as_str()) == (a, b, label));
            if wanted != accept {
                return false;
            }
            if i > at || (i == at && accept) {
                gain += 1;
            }
        }
    }
    gain > 0
}

/// Keys to extend a selection whose head is at `h` (anchor `a`) to `b`.
fn extend_cost(text: &spanlab::model::Text, _a: usize, mut h: usize, b: usize) -> usize {
    let mut n = 0;
    while h < b && n < 60 {
        let w = next_word_part_end(text, CharIdx::new(h)).get();
        let p = phrase_end(text, CharIdx::new(h)).get();
        h = match next_name_end(text, h) {
            _ if p <= b && p > w && next_name_end(text, h).is_none_or(|e| e > b || p > e) => p,
            Some(e) if e <= b && e > w => e,
            _ if w <= b => w,
            _ => h + 1,
        };
        n += 1;
    }
    n + h.saturating_sub(b)
}

/// Where Alt+N takes a selection whose head is at `h`: the end of the
/// next name starting at or after it.
fn next_name_end(text: &spanlab::model::Text, h: usize) -> Option<usize> {
    names(text).into_iter().find(|n| n.0.get() >= h).map(|n| n.1.get())
}
