//! The annotator's keystrokes: `cargo bench --bench annotate` drives the
//! real window (egui_kittest, key events only) from the engine's
//! suggestions to the gold of each seed article (`../shared/seeds`,
//! `../shared/eval/seeds.gold.json`), entities then relations (the
//! suggested relations reviewed, the missing ones drawn), and prints
//! per article and in total `keys per gold entity: X` and `keys per gold
//! relation: Y`.
//!
//! The simulated annotator may only use what the window shows (the text,
//! the selection, the spans and pending suggestions, the relation being
//! drawn) and the gold as "what the person wants"; it never edits the model.
//! Every key press counts one, a chord (Shift+A, Ctrl+F) one, and every
//! typed character one. The bot uses no mouse: a click or a drag would
//! count one action each, like a key, but the figures here are keyboard
//! only (a click on any span would make navigation nearly free, and the
//! keys are what the issues ask to make cheap). Before a key it plans the
//! cheapest way it knows to get somewhere (Tab, the arrows, Find, n for the
//! next name without a span), then presses and looks: if the window did
//! something else, it goes on from what it sees.
//!
//! Each key is tallied by what it was for, printed per article and per
//! flow: accept (Enter, Shift+A), reject (x, Shift+X), relabel (a label key
//! on a suggestion or span), boundary (Alt+arrows), delete, missed
//! (extending a selection over a name no suggestion had, and its label
//! key), navigate (Tab, j, the arrows or n to a place, Find), everywhere
//! (Shift+Enter, Ctrl+Shift+X, Shift+E, Shift+Delete and the preview's
//! Enter or Esc), document (suggesting for the corpus, marking done) and
//! relation.
//!
//! Relation keys are tallied again by what they were for: review (j,
//! Enter, x or a type on a suggested relation), fix (period or comma to
//! an accepted relation the gold does not want, or Tab or Find to its head
//! first, then a type key or Delete) and draw (head, r, tail, type).
//!
//! `SPANLAB_BENCH_TRACE=1` prints every key; `SPANLAB_BENCH_FLOW=N` runs
//! only the N-th flow.
//!
//! The articles are annotated in order in one window, each marked done
//! (Ctrl+Enter), so the engine learns from the earlier ones as it would
//! for a person. At the end the project is exported and compared with the
//! gold; remaining differences are printed.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::print_stdout)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use spanlab::app::{AppOptions, Dialog, Mode, Selection, SpanlabApp};
use spanlab::model::Text;
use spanlab::model::everywhere::{MatchOptions, find};
use spanlab::model::names::names;
use spanlab::model::words::{next_word_end, next_word_start, previous_word_end, previous_word_start};
use spanlab::model::{CharIdx, Document, RelationId, SpanId};
use spanlab::store::Project;

#[path = "annotate/tally.rs"]
mod tally;
use tally::{Cat, Tally};

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;
const CMD: Modifiers = Modifiers::COMMAND;
const ALT: Modifiers = Modifiers::ALT;

/// A gold entity: `[start, end)` in code points, and its label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Ent {
    start: usize,
    end: usize,
    label: String,
}

/// An article as the person reads it: its id, its text, the gold they want.
type Article = (String, Text, Vec<Ent>);

/// A gold relation between two gold entities.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Rel {
    head: (usize, usize),
    tail: (usize, usize),
    label: String,
}

struct GoldDoc {
    id: String,
    entities: Vec<Ent>,
    relations: Vec<Rel>,
}

fn read_gold(shared: &Path) -> Vec<GoldDoc> {
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("eval/seeds.gold.json")).expect("the seeds' gold")).expect("json");
    let mut docs = Vec::new();
    for d in gold["documents"].as_array().expect("documents") {
        let ents = d["entities"].as_array().expect("entities");
        let at = |id: &serde_json::Value| {
            let e = ents.iter().find(|e| &e["id"] == id).expect("entity");
            (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize)
        };
        let mut entities: Vec<Ent> = ents
            .iter()
            .map(|e| Ent {
                start: e["start"].as_u64().unwrap() as usize,
                end: e["end"].as_u64().unwrap() as usize,
                label: e["label"].as_str().unwrap().to_owned(),
            })
            .collect();
        entities.sort();
        let mut relations: Vec<Rel> = d["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .map(|r| Rel { head: at(&r["head"]), tail: at(&r["tail"]), label: r["label"].as_str().unwrap().to_owned() })
            .collect();
        relations.sort();
        docs.push(GoldDoc { id: d["id"].as_str().unwrap().to_owned(), entities, relations });
    }
    docs
}

/// The window and the keys pressed in it.
struct Bot {
    h: Harness<'static, SpanlabApp>,
    keys: usize,
    trace: bool,
    /// What the next keys are for.
    cat: Cat,
    /// Keys per category since the last reset.
    tally: Tally,
    /// What the relation keys are for (review, fix, draw), counted per
    /// flow in `rel_tally`.
    rel_kind: &'static str,
    rel_tally: std::collections::BTreeMap<&'static str, usize>,
}

impl Bot {
    fn app(&self) -> &SpanlabApp {
        self.h.state()
    }

    fn doc(&self) -> &Document {
        &self.app().open.as_ref().expect("a document is open").doc
    }

    fn selection(&self) -> Selection {
        self.app().open.as_ref().map_or(Selection::None, |o| o.selection)
    }

    fn press(&mut self, m: Modifiers, k: Key) {
        if self.trace {
            eprintln!("  key {m:?} {k:?} ({})", self.cat.name());
        }
        self.h.key_press_modifiers(m, k);
        self.h.run_ok();
        self.count();
    }

    fn type_char(&mut self, c: char) {
        if self.trace {
            eprintln!("  type {c:?} ({})", self.cat.name());
        }
        self.h.event(egui::Event::Text(c.to_string()));
        self.h.run_ok();
        self.count();
    }

    fn count(&mut self) {
        self.keys += 1;
        *self.tally.0.entry(self.cat).or_default() += 1;
        if self.cat == Cat::Relation {
            *self.rel_tally.entry(self.rel_kind).or_default() += 1;
        }
    }

    /// Runs `f` with the keys it presses counted as `cat`.
    fn as_cat<T>(&mut self, cat: Cat, f: impl FnOnce(&mut Self) -> T) -> T {
        let before = std::mem::replace(&mut self.cat, cat);
        let out = f(self);
        self.cat = before;
        out
    }

    /// Waits (without keys) for the open document's suggestions.
    fn settle(&mut self) {
        for _ in 0..2000 {
            if !self.app().is_suggesting() && !self.app().open.as_ref().is_some_and(|o| o.suggesting) {
                self.h.run_ok();
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            self.h.run_ok();
        }
        panic!("suggestions never arrived");
    }

    fn text_of(&self, a: usize, b: usize) -> String {
        self.doc().text().slice(CharIdx::new(a), CharIdx::new(b)).unwrap_or("").to_owned()
    }

    fn span_at(&self, a: usize, b: usize) -> Option<SpanId> {
        self.doc().spans().iter().find(|s| s.start.get() == a && s.end.get() == b).map(|s| s.id)
    }

    /// The range a selection covers.
    fn selected_range(&self) -> Option<(usize, usize)> {
        let doc = self.doc();
        match self.selection() {
            Selection::Span(id) => doc.spans().get(id).map(|s| (s.start.get(), s.end.get())),
            Selection::Suggestion(id) => doc.suggestion(id).map(|s| (s.start.get(), s.end.get())),
            Selection::Text { anchor, head } => Some((anchor.min(head).get(), anchor.max(head).get())),
            _ => None,
        }
    }

    /// The items Tab visits (spans and pending suggestions), in text order.
    fn items(&self) -> Vec<(usize, Selection)> {
        let doc = self.doc();
        let mut v: Vec<(usize, u8, Selection)> = doc.spans().iter().map(|s| (s.start.get(), 0, Selection::Span(s.id))).collect();
        v.extend(doc.pending_suggestions().iter().map(|s| (s.start.get(), 1, Selection::Suggestion(s.id))));
        v.sort_by_key(|x| (x.0, x.1));
        v.into_iter().map(|x| (x.0, x.2)).collect()
    }

    /// Where Tab starts from: the selected item's place, or the caret's.
    fn tab_distance(&self, target: Selection) -> (usize, usize) {
        let items = self.items();
        let n = items.len();
        let Some(t) = items.iter().position(|x| x.1 == target) else { return (usize::MAX, usize::MAX) };
        let here = self.selection();
        match items.iter().position(|x| x.1 == here) {
            Some(c) => ((t + n - c) % n, (c + n - t) % n),
            None => {
                let at = self.selection_start();
                let first_after = items.iter().position(|x| x.0 >= at).unwrap_or(0);
                ((t + n - first_after) % n + 1, (first_after + 2 * n - 1 - t) % n + 1)
            }
        }
    }

    fn selection_start(&self) -> usize {
        let doc = self.doc();
        match self.selection() {
            Selection::Relation(id) => doc.relation(id).and_then(|r| doc.spans().get(r.head)).map_or(0, |s| s.start.get()),
            // Tab goes on from where a text selection starts.
            Selection::Text { anchor, head } => anchor.min(head).get(),
            _ => self.selected_range().map_or(0, |r| r.0),
        }
    }

    /// Selects a span or suggestion by Tab, Shift+Tab or Find (the cheapest
    /// by the bot's reckoning), looking after each key.
    fn go_to_item(&mut self, target: Selection) {
        self.as_cat(Cat::Navigate, |bot| bot.go_to_item_counted(target));
    }

    fn go_to_item_counted(&mut self, target: Selection) {
        if self.selection() == target {
            return;
        }
        let (fwd, back) = self.tab_distance(target);
        // Find: a few of its first letters, Esc selects the span (or
        // suggestion) they lie in.
        let range = match target {
            Selection::Span(id) => self.doc().spans().get(id).map(|s| (s.start.get(), s.end.get())),
            Selection::Suggestion(id) => self.doc().suggestion(id).map(|s| (s.start.get(), s.end.get())),
            _ => None,
        };
        let whole = range.and_then(|(a, b)| self.find_plan(a, b, true)).filter(|_| matches!(target, Selection::Span(_)));
        let prefix = range.and_then(|(a, b)| self.find_plan(a, b, false));
        let plans = [whole.map(|p| (p.cost(), p)), prefix.map(|p| (p.cost(), p))];
        if let Some((cost, plan)) = plans.into_iter().flatten().min_by_key(|p| p.0)
            && cost < fwd.min(back)
        {
            self.run_find(&plan);
            if self.selection() == target {
                return;
            }
        }
        let (fwd, back) = self.tab_distance(target);
        let forward = fwd <= back;
        if self.trace {
            eprintln!("  go to {target:?} from {:?}: forward {fwd}, back {back}", self.selection());
        }
        for _ in 0..400 {
            if self.selection() == target {
                return;
            }
            self.press(if forward { NONE } else { SHIFT }, Key::Tab);
        }
        panic!("Tab never reached {target:?}");
    }

    /// The cheapest Find for the text `[a, b)`: a prefix of it (the whole
    /// of it when `whole`), typed, then Enter until the occurrence at `a`.
    fn find_plan(&self, a: usize, b: usize, whole: bool) -> Option<FindPlan> {
        let text = self.text_of(a, b);
        let from = match self.selection() {
            Selection::Text { anchor, head } => anchor.max(head).get(),
            Selection::Span(_) | Selection::Suggestion(_) => self.selected_range().map_or(0, |r| r.1),
            _ => 0,
        };
        let lens: Vec<usize> = if whole { vec![text.chars().count()] } else { (1..=text.chars().count()).collect() };
        let mut best: Option<FindPlan> = None;
        for k in lens {
            let query: String = text.chars().take(k).collect();
            let hits: Vec<usize> = self.doc().text().find_all(&query).into_iter().map(CharIdx::get).collect();
            let Some(target) = hits.iter().position(|&h| h == a) else { continue };
            let first = hits.iter().position(|&h| h >= from).unwrap_or(0);
            // Typing selects the first occurrence after the caret; each
            // Enter the next one.
            let enters = (target + hits.len() - first) % hits.len();
            let plan = FindPlan { query, enters };
            if best.as_ref().is_none_or(|b| plan.cost() < b.cost()) {
                best = Some(plan);
            }
        }
        best
    }

    fn run_find(&mut self, plan: &FindPlan) {
        self.press(CMD, Key::F);
        for c in plan.query.chars() {
            self.type_char(c);
        }
        for _ in 0..plan.enters {
            self.press(NONE, Key::Enter);
        }
        self.press(NONE, Key::Escape);
    }

    fn hotkey(&self, label: &str) -> Key {
        let schema = &self.app().project.schema;
        let h = schema.entity(label).and_then(|l| l.hotkey.clone()).or_else(|| schema.relation(label).and_then(|l| l.hotkey.clone()));
        Key::from_name(&h.expect("a hotkey").to_ascii_uppercase()).expect("a key")
    }

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
        let free: Vec<(usize, usize)> = names(doc.text())
            .into_iter()
            .map(|(x, y)| (x.get(), y.get()))
            .filter(|&(x, y)| !taken.iter().any(|t| t.0 < y && x < t.1))
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
                let w = next_word_end(&text, head).get();
                // Alt+N: through the next name, when that goes further.
                if next_name_end(&text, h).is_some_and(|n| n <= b && n > w) {
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

    /// Turns the document's spans into the gold entities.
    fn fix_entities(&mut self, gold: &[Ent], corpus: Option<(&[Article], usize)>) {
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
                (Some(w), m) if m.as_ref().is_none_or(|m| w.0 <= m.start || w.1 > m.start) => {
                    // A wrong span: fix it into a missing gold entity it overlaps, else delete it.
                    let target = missing
                        .iter()
                        .find(|g| g.start < w.1 && w.0 < g.end && !have.iter().any(|h| h.3 != w.3 && h.0 < g.end && g.start < h.1))
                        .map(|g| (*g).clone());
                    if self.trace {
                        eprintln!("  fix {:?} {} into {target:?}", self.text_of(w.0, w.1), w.2);
                    }
                    self.go_to_item(Selection::Span(w.3));
                    match target {
                        Some(g) => {
                            if g.label != w.2 {
                                let k = self.hotkey(&g.label);
                                self.as_cat(Cat::Relabel, |bot| bot.press(NONE, k));
                            }
                            self.move_boundaries(g.start, g.end);
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
    fn review_suggestions(&mut self, gold: &[Ent]) {
        for _ in 0..2000 {
            if self.doc().pending_count() == 0 {
                return;
            }
            let Selection::Suggestion(id) = self.selection() else {
                self.as_cat(Cat::Navigate, |bot| bot.press(NONE, Key::J));
                continue;
            };
            let Some(s) = self.doc().suggestion(id).cloned() else { return };
            self.review_one(gold, &s);
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
    fn corpus_review(&mut self, corpus: &[(String, Text, Vec<Ent>)], at: usize) {
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
            let (a, b) = (s.start.get(), s.end.get());
            let gold = &corpus[at].2;
            let name = self.text_of(a, b);
            let free = !self.doc().spans().iter().any(|x| x.start.get() < b && a < x.end.get());
            let wanted_here = gold.iter().any(|g| (g.start, g.end, g.label.as_str()) == (a, b, s.label.as_str()));
            let nothing_here = !gold.iter().any(|g| g.start < b && a < g.end);
            if free
                && wanted_here
                && everywhere_pays(corpus, at, (a, b), &name, &s.label, true)
                && self.everywhere(corpus, SHIFT, Key::Enter, true)
            {
                continue;
            }
            if nothing_here
                && everywhere_pays(corpus, at, (a, b), &name, &s.label, false)
                && self.everywhere(corpus, CMD.plus(SHIFT), Key::X, false)
            {
                continue;
            }
            self.review_one(gold, &s);
        }
        panic!("the suggestions never ran out");
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
        let label = form.label.clone();
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
                self.press(NONE, Key::J);
                continue;
            };
            let Some(r) = self.doc().relation_suggestion(id).cloned() else { return };
            let place = |bot: &Self, e| bot.doc().end_place(e).map(|p| (p.0.get(), p.1.get()));
            let (h, t) = (place(self, r.head), place(self, r.tail));
            let want = gold.iter().find(|g| Some(g.head) == h && Some(g.tail) == t && !self.has_relation(g)).cloned();
            match want {
                Some(g) if g.label == r.label => self.press(NONE, Key::Enter),
                Some(g) => {
                    let types = self.app().scored_types(r.head, r.tail);
                    let clash = self.app().commands.clashes().iter().any(|c| c.starts_with(&format!("{}'s key", g.label)));
                    match types.iter().position(|(l, _)| *l == g.label) {
                        Some(n) if clash && n < 9 => self.press(NONE, Key::from_name(&(n + 1).to_string()).expect("a digit")),
                        Some(_) if !clash => {
                            let k = self.hotkey(&g.label);
                            self.press(NONE, k);
                        }
                        _ => self.press(NONE, Key::X),
                    }
                }
                None => self.press(NONE, Key::X),
            }
        }
        panic!("the suggested relations never ran out");
    }

    /// Reviews the suggested relations, then draws the gold ones still
    /// missing: head, r, the tail, the type.
    fn draw_relations(&mut self, gold: &[Rel]) {
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
            let wrong = doc.relations().find_map(|x| {
                let (h, t) = (place(x.head)?, place(x.tail)?);
                let ok = gold.iter().any(|g| g.head == h && g.tail == t && g.label == x.label);
                (!ok).then_some((x.id, h, t))
            });
            let Some((id, h, t)) = wrong else { return };
            self.go_to_relation(id);
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

    fn draw_relations_counted(&mut self, gold: &[Rel]) {
        self.rel_kind = "review";
        self.review_relations(gold);
        self.fix_relations(gold);
        self.rel_kind = "draw";
        for r in gold {
            if self.has_relation(r) {
                continue;
            }
            let (Some(head), Some(tail)) = (self.span_at(r.head.0, r.head.1), self.span_at(r.tail.0, r.tail.1)) else {
                panic!("the relation's spans are missing")
            };
            self.go_to_item_counted(Selection::Span(head));
            self.press(NONE, Key::R);
            let candidates = self.app().open.as_ref().and_then(|o| o.draft.as_ref()).map(|d| d.candidates.clone()).unwrap_or_default();
            let Some(i) = candidates.iter().position(|&c| c == tail) else {
                panic!("{} is no candidate tail", self.text_of(r.tail.0, r.tail.1))
            };
            let n = candidates.len();
            let forward = i <= n - i;
            for _ in 0..(if forward { i } else { n - i }) {
                self.press(if forward { NONE } else { SHIFT }, Key::Tab);
            }
            self.press(NONE, Key::Enter);
            assert_eq!(self.app().mode(), Mode::ChoosingType);
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
        let w = next_word_end(text, CharIdx::new(h)).get();
        h = match next_name_end(text, h) {
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

#[derive(Clone, Debug)]
struct FindPlan {
    query: String,
    enters: usize,
}

impl FindPlan {
    /// Ctrl+F, the query, the Enters, Esc.
    fn cost(&self) -> usize {
        2 + self.query.chars().count() + self.enters
    }
}

fn copy_seeds(shared: &Path, docs: &[GoldDoc], into: &Path) {
    std::fs::create_dir_all(into).unwrap();
    for d in docs {
        let name = format!("{}.txt", d.id);
        std::fs::copy(shared.join("seeds").join(&name), into.join(&name)).expect("a seed article");
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Each suggestion in turn (what the help teaches).
    Review,
    /// Accept all, then fix.
    AcceptAllThenFix,
    /// Suggest for the whole corpus first, then review with everywhere
    /// actions where the gold wants the same decision for every mention.
    CorpusReview,
    /// Suggest for the whole corpus first, then in each document accept
    /// all and fix, labelling a missed name everywhere when the gold wants
    /// every mention of it, deleting a wrong one everywhere when it wants
    /// none (what a document done teaches reaches the next ones).
    Corpus,
}

impl Flow {
    fn title(self) -> &'static str {
        match self {
            Flow::Review => "review each suggestion (Enter, x, a label key), then fix",
            Flow::AcceptAllThenFix => "accept all (Shift+A), reject what overlaps (Shift+X), then fix",
            Flow::CorpusReview => {
                "corpus: suggest for all (palette), review with accept/reject everywhere (Shift+Enter, Ctrl+Shift+X, then Enter), then fix"
            }
            Flow::Corpus => {
                "corpus: in each article accept all (Shift+A), then fix; a missed name the gold wants at every mention labelled everywhere (Shift+E, Enter), a wrong one deleted everywhere (Shift+Delete, Enter)"
            }
        }
    }
}

/// Annotates every seed in one window with `flow`; returns the keys for
/// entities and for relations.
fn run(shared: &Path, gold: &[GoldDoc], flow: Flow, trace: bool) -> (usize, usize) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("seeds");
    copy_seeds(shared, gold, &root);
    let project = Project::open(&root, None).unwrap();
    let h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    let mut bot = Bot { h, keys: 0, trace, cat: Cat::Navigate, tally: Tally::default(), rel_kind: "review", rel_tally: Default::default() };
    let mut tally = Tally::default();
    bot.h.run_ok();
    println!(
        "flow: {}; relations: review the suggested ones (j, Enter, x, a type), fix the wrong accepted ones (period to reach, a type or Delete), then draw the missing (head, r, tail, type)",
        flow.title()
    );
    let (mut total_e, mut total_r, mut keys_e, mut keys_r) = (0, 0, 0, 0);
    // What the person can read: each article's text, with the gold they want.
    let project = Project::open(&root, None).unwrap();
    let corpus: Vec<(String, Text, Vec<Ent>)> = gold
        .iter()
        .map(|g| {
            let i = project.position(&spanlab::model::DocId(g.id.clone())).expect("a seed");
            (g.id.clone(), project.load(i).expect("loads").doc.text().clone(), g.entities.clone())
        })
        .collect();
    if flow == Flow::CorpusReview {
        // Ctrl+P, "every new", Enter: suggestions for every article.
        bot.cat = Cat::Document;
        bot.press(CMD, Key::P);
        for c in "every new".chars() {
            bot.type_char(c);
        }
        bot.press(NONE, Key::Enter);
        bot.cat = Cat::Navigate;
        for _ in 0..20_000 {
            if bot.app().corpus_progress.is_none() && !bot.app().is_suggesting() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            bot.h.run_ok();
        }
        keys_e += bot.keys;
        bot.keys = 0;
        println!("  before the first article: {} keys ({})", keys_e, bot.tally.line());
        tally.add(&bot.tally);
    }
    for (at, g) in gold.iter().enumerate() {
        bot.settle();
        assert_eq!(bot.doc().id.0, g.id, "the window opened the next seed");
        bot.keys = 0;
        bot.tally = Tally::default();
        match flow {
            Flow::Review => bot.review_suggestions(&g.entities),
            Flow::CorpusReview => bot.corpus_review(&corpus, at),
            Flow::AcceptAllThenFix | Flow::Corpus => {
                bot.as_cat(Cat::Accept, |bot| bot.press(SHIFT, Key::A));
                if bot.doc().pending_count() > 0 {
                    bot.as_cat(Cat::Reject, |bot| bot.press(SHIFT, Key::X));
                }
            }
        }
        bot.fix_entities(&g.entities, (flow == Flow::Corpus).then_some((corpus.as_slice(), at)));
        let e = bot.keys;
        bot.keys = 0;
        bot.draw_relations(&g.relations);
        let r = bot.keys;
        bot.keys = 0;
        bot.as_cat(Cat::Document, |bot| bot.press(CMD, Key::Enter));
        let e = e + bot.keys;
        println!(
            "  {}: {} entities, {} relations, {e} + {r} keys: keys per gold entity: {:.2}, keys per gold relation: {:.2}",
            g.id,
            g.entities.len(),
            g.relations.len(),
            e as f64 / g.entities.len() as f64,
            r as f64 / g.relations.len().max(1) as f64
        );
        println!("    keys by kind: {}", bot.tally.line());
        tally.add(&bot.tally);
        total_e += g.entities.len();
        total_r += g.relations.len();
        keys_e += e;
        keys_r += r;
    }
    println!("  total: {total_e} entities, {total_r} relations, {keys_e} + {keys_r} keys");
    println!("  keys per gold entity: {:.2}", keys_e as f64 / total_e as f64);
    println!("  keys per gold relation: {:.2}", keys_r as f64 / total_r as f64);
    println!("  keys by kind: {}", tally.line());
    println!(
        "  relation keys by kind per gold relation: {}",
        bot.rel_tally.iter().map(|(k, v)| format!("{k} {:.2}", *v as f64 / total_r as f64)).collect::<Vec<_>>().join(", ")
    );
    let per = |c: Cat| tally.0.get(&c).copied().unwrap_or(0) as f64 / total_e as f64;
    println!(
        "  keys by kind per gold entity: {}",
        Cat::ALL.iter().filter(|&&c| c != Cat::Relation).map(|&c| format!("{} {:.2}", c.name(), per(c))).collect::<Vec<_>>().join(", ")
    );
    // What the files say, against the gold.
    bot.h.state_mut().flush_writes();
    let project = Project::open(&root, None).unwrap();
    let (dataset, _) = project.export(Default::default(), |_| {}).expect("the annotations export");
    let mut differences = 0;
    for g in gold {
        let Some(d) = dataset.documents.iter().find(|d| d.id == g.id) else {
            println!("  {}: missing from the export", g.id);
            differences += 1;
            continue;
        };
        let ents: BTreeSet<Ent> =
            d.entities.iter().map(|e| Ent { start: e.start as usize, end: e.end as usize, label: e.label.clone() }).collect();
        let want: BTreeSet<Ent> = g.entities.iter().cloned().collect();
        let at = |id: &str| d.entities.iter().find(|e| e.id == id).map_or((0, 0), |e| (e.start as usize, e.end as usize));
        let rels: BTreeSet<Rel> =
            d.relations.iter().map(|r| Rel { head: at(&r.head), tail: at(&r.tail), label: r.label.clone() }).collect();
        let want_r: BTreeSet<Rel> = g.relations.iter().cloned().collect();
        for e in want.symmetric_difference(&ents) {
            println!("  {}: entity {} {e:?}", g.id, if want.contains(e) { "missing" } else { "extra" });
            differences += 1;
        }
        for r in want_r.symmetric_difference(&rels) {
            println!("  {}: relation {} {r:?}", g.id, if want_r.contains(r) { "missing" } else { "extra" });
            differences += 1;
        }
    }
    println!("  differences from the gold: {differences}");
    (keys_e, keys_r)
}

fn main() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("shared");
    if !shared.join("eval/seeds.gold.json").is_file() {
        println!("skipped: ../shared (the seeds and their gold) is absent");
        return;
    }
    let trace = std::env::var_os("SPANLAB_BENCH_TRACE").is_some();
    let gold = read_gold(&shared);
    // SPANLAB_BENCH_FLOW=N runs only the N-th flow (from 1), to trace it.
    let only: Option<usize> = std::env::var("SPANLAB_BENCH_FLOW").ok().and_then(|v| v.parse().ok());
    let flows = [Flow::Review, Flow::AcceptAllThenFix, Flow::CorpusReview, Flow::Corpus];
    for (i, flow) in flows.into_iter().enumerate() {
        if only.is_some_and(|n| n != i + 1) {
            continue;
        }
        let (keys_e, _) = run(&shared, &gold, flow, trace);
        if matches!(flow, Flow::Corpus | Flow::CorpusReview) {
            let total: usize = gold.iter().map(|g| g.entities.len()).sum();
            let which = if flow == Flow::Corpus { "" } else { " (reviewing each suggestion)" };
            println!("corpus keys per gold entity{which}: {:.2}", keys_e as f64 / total as f64);
        }
    }
}
