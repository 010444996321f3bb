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
//! on a suggestion or span), boundary (Alt+arrows, Alt+C), delete, missed
//! (extending a selection over a name no suggestion had, and its label
//! key), navigate (Tab, j, the arrows or n to a place, Find), everywhere
//! (Shift+Enter, Ctrl+Shift+X, Shift+E, Shift+Delete and the preview's
//! Enter or Esc), document (suggesting for the corpus, marking done) and
//! relation.
//!
//! Relation keys are tallied again by what they were for: next (j),
//! accept (Enter), reject (x) or retype (a type's key) a suggested
//! relation; accept those left (Shift+A, when every suggested relation
//! left is one the gold wants); suggest (Ctrl+R, the relations between the
//! spans once the entities are fixed, when there was no suggested relation
//! to review: otherwise the window suggests them when the last is
//! decided); fix: reach (period or comma to an accepted relation the gold
//! does not want, or Tab or Find to its head first) and retype or delete;
//! pick: reach (Tab or Find to whichever end is cheaper; nothing when it
//! is selected), c, or pick: by name (Shift+C, letters of a word of an
//! end's name, ↓ or ↑, Enter: reach and c in one, when that is cheaper),
//! next (x or Shift+Tab through the pairs the inspector
//! lists) and take (Enter, a type's key or its number); draw, when c does
//! not list the pair: reach head, r, reach tail (Tab through the
//! candidates, Enter) and type (Enter or a type's key). The missing
//! relations are made nearest first (an end cheapest to reach). The
//! modules: `annotate/entities.rs` (the entity work), `annotate/relations.rs`
//! (the relation work), `annotate/tally.rs` (the kinds).
//!
//! `SPANLAB_BENCH_TRACE=1` prints every key and what it selected, and
//! before each article's entity fixes its spans (recognizer, score, ok or
//! WRONG) and the gold entities no span has; `SPANLAB_BENCH_FLOW=N` runs
//! only the N-th flow; `SPANLAB_BENCH_SHIFT_A=1` starts the accept-all
//! flows with Shift+A (the suggested relations accepted too, the wrong ones
//! then reached with period and deleted) instead of Alt+A. The corpus flow
//! presses Alt+A in the first article, then A, which the window offers
//! right after it ("the same on every document you open": the setting
//! "open documents with suggestions accepted"), when two articles or more
//! are left; the later ones open with their suggestions accepted, no
//! Alt+A. `SPANLAB_BENCH_ACCEPT_ON_OPEN=1` runs it with the setting on
//! before the window opens (in the settings file it reads, as a person
//! would have set it once), its keys not counted.
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
use spanlab::app::{AppOptions, Selection, SpanlabApp};
use spanlab::model::{CharIdx, Document, SpanId, Text};
use spanlab::store::Project;

#[path = "annotate/entities.rs"]
mod entities;
#[path = "annotate/relations.rs"]
mod relations;
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
    /// What the relation keys are for (accept, reject, draw: reach head,
    /// …), counted per flow in `rel_tally`.
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
            let what = if self.cat == Cat::Relation { self.rel_kind } else { self.cat.name() };
            eprintln!("  key {m:?} {k:?} ({what})");
        }
        self.h.key_press_modifiers(m, k);
        self.h.run_ok();
        self.count();
        if self.trace {
            eprintln!("    -> {}", self.selection_text());
        }
    }

    fn type_char(&mut self, c: char) {
        if self.trace {
            let what = if self.cat == Cat::Relation { self.rel_kind } else { self.cat.name() };
            eprintln!("  type {c:?} ({what})");
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
            // A suggested relation: from its later end.
            Selection::RelationSuggestion(id) => doc.relation_suggestion_at(id).map_or(0, |c| c.get()),
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
            // A relation: from its head's end.
            Selection::Relation(id) => self.doc().relation(id).and_then(|r| self.doc().spans().get(r.head)).map_or(0, |s| s.end.get()),
            _ => 0,
        };
        let lens: Vec<usize> = if whole { vec![text.chars().count()] } else { (1..=text.chars().count()).collect() };
        let mut best: Option<FindPlan> = None;
        for k in lens {
            let query: String = text.chars().take(k).collect();
            if let Some(plan) = self.plan_at(query, a, from)
                && best.as_ref().is_none_or(|b| plan.cost() < b.cost())
            {
                best = Some(plan);
            }
        }
        best
    }

    /// Typing `query` with the caret at `from`, then Enter until the
    /// occurrence starting at `at` (none when it is not one).
    fn plan_at(&self, query: String, at: usize, from: usize) -> Option<FindPlan> {
        let hits: Vec<usize> = self.doc().text().find_all(&query).into_iter().map(CharIdx::get).collect();
        let target = hits.iter().position(|&h| h == at)?;
        let first = hits.iter().position(|&h| h >= from).unwrap_or(0);
        // Typing selects the first occurrence after the caret; each Enter
        // the next one.
        let enters = (target + hits.len() - first) % hits.len();
        Some(FindPlan { query, enters })
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
            Flow::AcceptAllThenFix => {
                "accept all entity suggestions (Alt+A; SPANLAB_BENCH_SHIFT_A=1: Shift+A, relations too), reject what overlaps (Shift+X), then fix"
            }
            Flow::CorpusReview => {
                "corpus: suggest for all (palette), review with accept/reject everywhere (Shift+Enter, Ctrl+Shift+X, then Enter), then fix"
            }
            Flow::Corpus => {
                "corpus: in each article accept all entity suggestions (Alt+A), then fix; a missed name the gold wants at every mention labelled everywhere (Shift+E, Enter), a wrong one deleted everywhere (Shift+Delete, Enter)"
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
    // The corpus flow: documents open with their suggestions accepted.
    let accept_on_open = flow == Flow::Corpus && std::env::var_os("SPANLAB_BENCH_ACCEPT_ON_OPEN").is_some();
    let settings_path = dir.path().join("settings.json");
    let settings = spanlab::app::Settings { accept_on_open, ..Default::default() };
    settings.save(&settings_path).unwrap();
    let options = AppOptions { settings_path: Some(settings_path), ..Default::default() };
    let h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, options));
    let mut bot = Bot { h, keys: 0, trace, cat: Cat::Navigate, tally: Tally::default(), rel_kind: "review", rel_tally: Default::default() };
    let mut tally = Tally::default();
    bot.h.run_ok();
    println!(
        "flow: {}; relations: review the suggested ones (j, Enter, x, a type; Shift+A when all those left are right, Shift+X when none is; the window then suggests those the fixed spans make possible, or Ctrl+R without any to review), fix the wrong accepted ones (period to reach, a type or Delete), then make the missing ones from the end cheapest to reach (c, x to the pair, Enter or a type; else r, the tail, the type)",
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
                // Alt+A: the entities; the suggested relations wait for review.
                if bot.app().settings.accept_on_open {
                    // Accepted as the document opened: no key.
                } else if std::env::var_os("SPANLAB_BENCH_SHIFT_A").is_some() {
                    bot.as_cat(Cat::Accept, |bot| bot.press(SHIFT, Key::A));
                } else {
                    bot.as_cat(Cat::Accept, |bot| bot.press(ALT, Key::A));
                    // The corpus flow: the window offers the same on every
                    // document opened from now on (A, one key); taken when
                    // two articles or more are left (one Alt+A saved each).
                    let offered = bot.app().messages.iter().any(|m| m.text.contains("A: the same on every document you open"));
                    if flow == Flow::Corpus && offered && gold.len() - at > 2 {
                        bot.as_cat(Cat::Accept, |bot| bot.press(NONE, Key::A));
                        assert!(bot.app().settings.accept_on_open, "A right after Alt+A turns the setting on");
                    }
                }
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
