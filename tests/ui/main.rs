//! The window, driven through egui_kittest: real widgets, real key and mouse
//! events, assertions on the model and on the files written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;
mod fields;
mod keys;
mod models;
mod relation_follow;
mod relation_keys;
mod relation_pick;
mod relations;
mod sections;
mod small_window;
mod steer;
mod window;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanlab::app::{AppOptions, Selection, SpanlabApp};
use spanlab::model::edit::Edit;
use spanlab::model::{CharIdx, Origin, Status, Suggestion, SuggestionState};
use spanlab::store::Project;

struct Fixture {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
}

fn fixture(files: &[(&str, &str)]) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, text) in files {
        std::fs::write(root.join(name), text).expect("write");
    }
    Fixture { _dir: dir, root }
}

fn harness(root: &std::path::Path) -> Harness<'static, SpanlabApp> {
    harness_with(Project::open(root, None).expect("project opens"), AppOptions::default())
}

/// The window (1400 × 900) on `project` with `options`, its first
/// suggestions arrived.
fn harness_with(project: Project, options: AppOptions) -> Harness<'static, SpanlabApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, options));
    h.run_ok();
    settle(&mut h);
    h
}

/// Waits for the background suggestions of the open document.
fn settle(h: &mut Harness<'_, SpanlabApp>) {
    for _ in 0..500 {
        if !h.state().is_suggesting() {
            h.run_ok();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_ok();
    }
    panic!("suggestions never arrived");
}

fn key(h: &mut Harness<'_, SpanlabApp>, k: Key) {
    h.key_press(k);
    h.run_ok();
}

fn key_mod(h: &mut Harness<'_, SpanlabApp>, m: Modifiers, k: Key) {
    h.key_press_modifiers(m, k);
    h.run_ok();
}

fn type_text(h: &mut Harness<'_, SpanlabApp>, text: &str) {
    h.event(egui::Event::Text(text.to_owned()));
    h.run_ok();
}

/// The help (F1) lists the command `name` once, and the palette finds it
/// by `query`; the help stays open for further checks until the Escape.
fn help_lists_once_and_palette_finds(
    h: &mut Harness<'_, SpanlabApp>,
    name: &str,
    query: &str,
    also: impl FnOnce(&Harness<'_, SpanlabApp>),
) {
    h.key_press(Key::F1);
    h.run_ok();
    assert_eq!(h.query_all_by_label_contains(name).count(), 1, "{name:?} in the help");
    also(h);
    key(h, Key::Escape);
    key_mod(h, Modifiers::COMMAND, Key::P);
    type_text(h, query);
    assert!(h.query_by_label_contains(name).is_some(), "the palette finds {name:?} by {query:?}");
}

fn spans(h: &Harness<'_, SpanlabApp>) -> Vec<(String, String)> {
    let open = h.state().open.as_ref().expect("a document is open");
    open.doc.spans().iter().map(|s| (open.doc.span_text(s).to_owned(), s.label.clone())).collect()
}

/// Removes the engine's suggestions so a test controls them.
fn clear_suggestions(h: &mut Harness<'_, SpanlabApp>) {
    let schema = h.state().project.schema.clone();
    let open = h.state_mut().open.as_mut().expect("open");
    let ids: Vec<_> = open.doc.suggestions().map(|s| s.id).collect();
    if !ids.is_empty() {
        open.doc_mut().apply(Edit::RemoveSuggestions { ids }, &schema).expect("remove");
    }
    open.selection = Selection::None;
}

const TEXT: &str = "Le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin le 3 mars 2025.\nLa Chine et la Russie sont membres de l'OCS.";

#[test]
fn drag_over_words_then_press_a_label_key() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.run_ok();
    // Drag from inside "ministre" to inside "Sergueï", wherever the layout put them.
    let at = |h: &Harness<'_, SpanlabApp>, c: usize| h.state().article_view().screen_pos(CharIdx::new(c)).expect("laid out");
    let (from, to) = (at(&h, 6), at(&h, 15));
    h.hover_at(from);
    h.run_ok();
    h.drag_at(from);
    h.run_ok();
    // egui starts a drag once the pointer has moved a little: still in "ministre".
    h.hover_at(at(&h, 8));
    h.run_ok();
    h.hover_at(to);
    h.run_ok();
    h.drop_at(to);
    h.run_ok();
    let sel = h.state().open.as_ref().map(|o| o.selection);
    let Some(Selection::Text { anchor, head }) = sel else { panic!("a text selection, got {sel:?}") };
    let (a, b) = (anchor.min(head), anchor.max(head));
    let open = h.state().open.as_ref().expect("open");
    let selected = open.doc.text().slice(a, b).expect("in text").to_owned();
    assert!(!selected.is_empty());
    let snapped = spanlab::model::words::snap_to_words(open.doc.text(), a, b);
    assert_eq!(snapped, (a, b), "the drag snapped to whole words: {selected:?}");
    assert!(TEXT.split([' ', '\n']).any(|w| selected.starts_with(w)), "starts at a word: {selected:?}");
    assert_eq!(selected, "ministre Sergueï", "the words under the drag");
    key(&mut h, Key::P);
    assert_eq!(spans(&h), vec![(selected, "PER".to_owned())]);
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.status()), Some(Status::InProgress));
}

#[test]
fn keyboard_selection_labels_undo_and_redo() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    // Caret to the start of "Sergueï" (two words right), extend two words: "Sergueï Lavrov".
    key(&mut h, Key::ArrowRight);
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::P);
    assert_eq!(spans(&h), vec![("Sergueï Lavrov".to_owned(), "PER".to_owned())]);
    // Relabel the selected span, then move its start one word right.
    key(&mut h, Key::O);
    assert_eq!(spans(&h), vec![("Sergueï Lavrov".to_owned(), "ORG".to_owned())]);
    key_mod(&mut h, Modifiers::ALT, Key::ArrowRight);
    assert_eq!(spans(&h), vec![("Lavrov".to_owned(), "ORG".to_owned())]);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h), vec![("Sergueï Lavrov".to_owned(), "ORG".to_owned())]);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert!(spans(&h).is_empty(), "{:?}", spans(&h));
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(spans(&h), vec![("Sergueï Lavrov".to_owned(), "PER".to_owned())]);
    key_mod(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(spans(&h), vec![("Sergueï Lavrov".to_owned(), "ORG".to_owned())]);
    // Every change is in the journal at once: a crash now (the file not yet
    // written) loses nothing; recovery on a copy of the folder shows it.
    h.state_mut().flush_journal();
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.journaled, open.sent);
    let copy = f.root.parent().expect("parent").join("crashed-copy");
    copy_dir(&f.root, &copy);
    let mut crashed = Project::open(&copy, None).expect("opens");
    crashed.recover_journal().expect("recovers");
    let recovered = crashed.load(0).expect("loads");
    assert_eq!(recovered.doc.spans().iter().map(|s| s.label.as_str()).collect::<Vec<_>>(), ["ORG"]);
    // And the file itself follows.
    h.state_mut().flush_writes();
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.saved, open.sent);
    let reopened = Project::open(&f.root, None).expect("opens").load(0).expect("loads");
    assert_eq!(reopened.doc.spans().len(), 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A window on one article of `text`, each of `names` (its first
/// occurrence, with its label) a pending suggestion, nothing else
/// suggested (no relation by itself either: threshold 1.0). The fixture
/// holds the project's folder: keep it as long as the window.
fn suggested_window(text: &str, names: &[(&str, &str)]) -> (Fixture, Harness<'static, SpanlabApp>) {
    let f = fixture(&[("a.txt", text)]);
    let mut h = harness(&f.root);
    h.state_mut().settings.relation_min_score = 1.0;
    clear_suggestions(&mut h);
    let at = |n: &str| text[..text.find(n).expect("in the text")].chars().count();
    let list: Vec<(usize, usize, &str)> = names.iter().map(|&(n, l)| (at(n), at(n) + n.chars().count(), l)).collect();
    add_suggestions(&mut h, &list);
    h.run_ok();
    (f, h)
}

/// [`suggested_window`] with every suggestion accepted (Shift+A), nothing
/// selected.
fn spans_window(text: &str, names: &[(&str, &str)]) -> (Fixture, Harness<'static, SpanlabApp>) {
    let (f, mut h) = suggested_window(text, names);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    h.run_ok();
    (f, h)
}

fn add_suggestions(h: &mut Harness<'_, SpanlabApp>, list: &[(usize, usize, &str)]) {
    let schema = h.state().project.schema.clone();
    let open = h.state_mut().open.as_mut().expect("open");
    let suggestions = list
        .iter()
        .map(|&(s, e, l)| Suggestion {
            id: open.doc_mut().fresh_suggestion_id(),
            start: CharIdx::new(s),
            end: CharIdx::new(e),
            label: l.to_owned(),
            recognizer: "test".into(),
            score: 0.8,
            state: SuggestionState::Pending,
        })
        .collect();
    open.doc_mut().apply(Edit::AddSuggestions { suggestions }, &schema).expect("valid");
}

#[test]
fn accept_reject_and_relabel_suggestions_with_single_keys() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    // Lavrov (PER), Wang Yi (PER), Pékin (ORG, wrong), 3 mars 2025 (DATE).
    add_suggestions(&mut h, &[(20, 26, "PER"), (39, 46, "PER"), (49, 54, "ORG"), (58, 69, "DATE")]);
    key(&mut h, Key::J);
    key(&mut h, Key::Enter); // accept Lavrov, moves to Wang Yi
    key(&mut h, Key::X); // reject Wang Yi
    key(&mut h, Key::G); // accept Pékin as GPE
    key(&mut h, Key::K); // back to... the only one left is the date
    key(&mut h, Key::Enter);
    assert_eq!(spans(&h), vec![("Lavrov".into(), "PER".into()), ("Pékin".into(), "GPE".into()), ("3 mars 2025".into(), "DATE".into())]);
    let open = h.state().open.as_ref().expect("open");
    let o = open.doc.suggestion_outcomes();
    assert_eq!((o.accepted, o.edited, o.rejected, o.pending), (2, 1, 1, 0));
    assert!(open.doc.spans().iter().all(|s| matches!(&s.origin, Origin::Suggested { recognizer, .. } if recognizer.as_str() == "test")));
}

#[test]
fn accept_all_and_reject_all() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(20, 26, "PER"), (39, 46, "PER")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    assert_eq!(spans(&h).len(), 2);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(spans(&h).len(), 0);
    key_mod(&mut h, Modifiers::SHIFT, Key::X);
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.doc.suggestion_outcomes().rejected, 2);
}

#[test]
fn a_relation_in_three_keystrokes_then_relabel_and_delete() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(20, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    // Select Lavrov with Tab.
    key(&mut h, Key::Tab);
    let lavrov = h.state().open.as_ref().and_then(|o| o.doc.spans().iter().next().map(|s| s.id)).expect("span");
    assert_eq!(h.state().open.as_ref().map(|o| o.selection), Some(Selection::Span(lavrov)));
    // r, Enter (nearest tail: Wang Yi), Enter (likeliest type for PER → PER: MEETS).
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::Enter);
    let rels = |h: &Harness<'_, SpanlabApp>| -> Vec<(String, String, String)> {
        let o = h.state().open.as_ref().expect("open");
        let t = |id| o.doc.spans().get(id).map(|s| o.doc.span_text(s).to_owned()).unwrap_or_default();
        o.doc.relations().map(|r| (t(r.head), r.label.clone(), t(r.tail))).collect()
    };
    assert_eq!(rels(&h), vec![("Lavrov".into(), "MEETS".into(), "Wang Yi".into())]);
    // A second relation: Lavrov → Pékin, VISITS by its key; Wang Yi, related
    // already, comes after Pékin among the tails.
    key(&mut h, Key::Tab);
    key(&mut h, Key::Escape);
    h.state_mut().open.as_mut().expect("open").selection = Selection::Span(lavrov);
    key(&mut h, Key::R);
    key(&mut h, Key::Enter);
    key(&mut h, Key::V);
    assert!(rels(&h).contains(&("Lavrov".into(), "VISITS".into(), "Pékin".into())), "{:?}", rels(&h));
    // The relation is selected: Delete removes it; undo restores it.
    key(&mut h, Key::Delete);
    assert_eq!(rels(&h).len(), 1);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(rels(&h).len(), 2);
    // Deleting a span deletes its relations, and undo brings both back.
    h.state_mut().open.as_mut().expect("open").selection = Selection::Span(lavrov);
    key(&mut h, Key::Delete);
    assert!(rels(&h).is_empty());
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(rels(&h).len(), 2);
}

#[test]
fn done_opens_the_next_unfinished_document() {
    let f = fixture(&[("a.txt", "Un texte."), ("b.txt", "Un autre."), ("c.txt", "Encore.")]);
    let mut h = harness(&f.root);
    assert_eq!(h.state().open.as_ref().map(|o| o.index), Some(0));
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    assert_eq!(h.state().project.entries[0].summary.status, Status::Done);
    assert_eq!(h.state().open.as_ref().map(|o| o.index), Some(1));
    // Clicking a document in the corpus list opens it.
    h.get_by_label("○ c").click();
    h.run_ok();
    assert_eq!(h.state().open.as_ref().map(|o| o.index), Some(2));
}

#[test]
fn export_from_the_window_and_read_the_file_back() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(20, 26, "PER")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key_mod(&mut h, Modifiers::COMMAND, Key::E);
    let out = f.root.parent().expect("parent").join("gold.json");
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File");
    field.focus();
    h.run_ok();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File").type_text(out.to_str().expect("utf-8"));
    h.run_ok();
    h.get_by_label("Export").click();
    h.run_ok();
    let json = std::fs::read_to_string(&out).expect("the file was written");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["documents"][0]["entities"][0]["text"], "Lavrov");
    assert_eq!(v["documents"][0]["entities"][0]["suggestion"]["recognizer"], "test");
    // A bad destination shows an error in the window, and the app keeps running.
    let field = h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File");
    field.focus();
    h.run_ok();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, "File").type_text("/proc/no/such/dir/x.json");
    h.run_ok();
    h.get_by_label("Export").click();
    h.run_ok();
    assert!(h.query_by_label_contains("/proc/no/such/dir").is_some());
}

/// Replaces the text of a labelled path field.
fn set_field(h: &mut Harness<'_, SpanlabApp>, label: &str, value: &str) {
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label).focus();
    h.run_ok();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::TextInput, label).type_text(value);
    h.run_ok();
}

#[test]
fn export_as_conll_then_import_doccano_from_the_dialogs() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(12, 26, "PER"), (49, 54, "GPE")]);
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    key_mod(&mut h, Modifiers::COMMAND, Key::E);
    // Choosing the format renames the file to its extension.
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Format").click();
    h.run_ok();
    h.get_by_label("CoNLL IOB2").click();
    h.run_ok();
    let path = h.state().dialog_export_path().expect("the export dialog is open");
    assert!(path.ends_with("export.conll"), "{path}");
    let out = f.root.parent().expect("parent").join("gold.conll");
    set_field(&mut h, "File", out.to_str().expect("utf-8"));
    h.get_by_label("Export").click();
    h.run_ok();
    let conll = std::fs::read_to_string(&out).expect("the file was written");
    assert!(conll.starts_with("-DOCSTART-"), "{conll}");
    assert!(conll.contains("Sergueï B-PER\nLavrov I-PER\n"), "{conll}");
    assert!(conll.contains("Pékin B-GPE\n"), "{conll}");
    // The report says what CoNLL could not carry.
    assert!(h.query_by_label_contains("wrote 1 documents, 2 entities").is_some(), "the report shows");
    assert!(h.query_by_label_contains("× document ids").is_some(), "the loss of ids is reported");
    h.key_press(Key::Escape);
    h.run_ok();

    // Import a doccano file into a new folder: the window opens it.
    let doccano = f.root.parent().expect("parent").join("in.jsonl");
    std::fs::write(&doccano, "{\"id\": 3, \"text\": \"Zoé 😀 voit Paul\", \"label\": [[0, 3, \"PER\"], [11, 15, \"PER\"]]}\n")
        .expect("write");
    let into = f.root.parent().expect("parent").join("imported");
    key_mod(&mut h, Modifiers::COMMAND, Key::I);
    set_field(&mut h, "Dataset", doccano.to_str().expect("utf-8"));
    set_field(&mut h, "Into folder", into.to_str().expect("utf-8"));
    h.get_by_label("Import").click();
    h.run_ok();
    assert_eq!(h.state().project.entries.len(), 1);
    let open = h.state().open.as_ref().expect("the imported document is open");
    let spans: Vec<&str> = open.doc.spans().iter().map(|s| open.doc.text().slice(s.start, s.end).unwrap_or("")).collect();
    assert_eq!(spans, vec!["Zoé", "Paul"]);
}

#[test]
fn palette_and_help_list_the_commands() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    key_mod(&mut h, Modifiers::COMMAND, Key::P);
    type_text(&mut h, "theme");
    assert!(h.query_by_label_contains("Toggle light/dark theme").is_some());
    let dark = h.state().settings.dark;
    key(&mut h, Key::Enter);
    assert_ne!(h.state().settings.dark, dark, "Enter ran the command");
    h.key_press(Key::Questionmark);
    h.run_ok();
    assert_eq!(h.state().dialog, spanlab::app::Dialog::Shortcuts);
    assert!(h.query_by_label_contains("Accept suggestion").is_some());
}

/// Annotates a seed article entirely through UI events (find, label keys,
/// relation keys, done) and checks the result is that document's gold.
#[test]
fn a_seed_article_annotated_through_the_ui_equals_its_gold() {
    // Reads ../shared/seeds and ../shared/eval/seeds.gold.json.
    let Some(shared) = common::shared() else {
        return;
    };
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("eval/seeds.gold.json")).expect("gold")).expect("json");
    let doc_gold = &gold["documents"][0];
    let id = doc_gold["id"].as_str().expect("id");
    let text = std::fs::read_to_string(shared.join("seeds").join(format!("{id}.txt"))).expect("seed");
    let f = fixture(&[(&format!("{id}.txt"), &text)]);
    let mut h = harness(&f.root);
    let schema = h.state().project.schema.clone();
    // Start from a clean slate: reject whatever the engine suggested.
    key_mod(&mut h, Modifiers::SHIFT, Key::X);
    key(&mut h, Key::Escape);

    let select_by_find = |h: &mut Harness<'_, SpanlabApp>, needle: &str, start: usize, end: usize, want_span: bool| {
        key_mod(h, Modifiers::COMMAND, Key::F);
        type_text(h, needle);
        for _ in 0..50 {
            key(h, Key::Enter);
            let o = h.state().open.as_ref().expect("open");
            let at = match o.selection {
                Selection::Text { anchor, head } => Some((anchor.min(head).get(), anchor.max(head).get())),
                Selection::Span(sid) => o.doc.spans().get(sid).map(|s| (s.start.get(), s.end.get())),
                _ => None,
            };
            let is_span = matches!(o.selection, Selection::Span(_));
            if at == Some((start, end)) && is_span == want_span {
                key(h, Key::Escape);
                return;
            }
        }
        panic!("could not reach {needle:?} at {start}..{end} with Find");
    };

    let entities = doc_gold["entities"].as_array().expect("entities");
    for e in entities {
        let (s, t) = (e["start"].as_u64().expect("start") as usize, e["end"].as_u64().expect("end") as usize);
        let label = e["label"].as_str().expect("label");
        select_by_find(&mut h, e["text"].as_str().expect("text"), s, t, false);
        let hotkey = schema.entity(label).and_then(|l| l.hotkey.clone()).expect("hotkey");
        key(&mut h, Key::from_name(&hotkey.to_ascii_uppercase()).expect("key"));
    }
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.spans().len()), Some(entities.len()));

    let by_id = |tid: &str| entities.iter().find(|e| e["id"] == tid).expect("entity");
    for r in doc_gold["relations"].as_array().expect("relations") {
        let (head, tail) = (by_id(r["head"].as_str().expect("head")), by_id(r["tail"].as_str().expect("tail")));
        let span_at = |h: &Harness<'_, SpanlabApp>, e: &serde_json::Value| {
            let o = h.state().open.as_ref().expect("open");
            o.doc
                .spans()
                .iter()
                .find(|s| s.start.get() as u64 == e["start"].as_u64().unwrap_or(0) && s.end.get() as u64 == e["end"].as_u64().unwrap_or(0))
                .map(|s| s.id)
                .expect("span")
        };
        let (hs, he) = (head["start"].as_u64().expect("s") as usize, head["end"].as_u64().expect("e") as usize);
        select_by_find(&mut h, head["text"].as_str().expect("text"), hs, he, true);
        key(&mut h, Key::R);
        let want = span_at(&h, tail);
        for _ in 0..entities.len() + 1 {
            let current = h.state().open.as_ref().and_then(|o| o.draft.as_ref()).and_then(|d| d.candidates.get(d.index).copied());
            if current == Some(want) {
                break;
            }
            key(&mut h, Key::Tab);
        }
        key(&mut h, Key::Enter);
        let label = r["label"].as_str().expect("label");
        let hotkey = schema.relation(label).and_then(|l| l.hotkey.clone()).expect("hotkey");
        key(&mut h, Key::from_name(&hotkey.to_ascii_uppercase()).expect("key"));
    }
    key_mod(&mut h, Modifiers::COMMAND, Key::Enter);
    h.state_mut().flush_writes();

    let project = Project::open(&f.root, None).expect("opens");
    let (dataset, _) = project.export(spanlab::model::ExportOptions::default(), |_| {}).expect("valid");
    let ours = serde_json::to_value(&dataset.documents[0]).expect("json");
    assert_eq!(ours, *doc_gold);
}

/// While the recommender is known to be blocked (it answers only once a
/// flag file exists), frames return and keys act on the model.
#[test]
fn a_slow_recommender_never_freezes_the_window() {
    let f = fixture(&[("a.txt", TEXT)]);
    let flag = f.root.with_file_name("go");
    let mut h = harness(&f.root);
    use_recommender(&mut h, blocked_recommender(&flag));
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::G);
    assert!(h.state().is_suggesting());
    // The window keeps working while the recommender is asked.
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::O);
    assert_eq!(spans(&h), vec![("ministre".to_owned(), "ORG".to_owned())]);
    assert!(!flag.exists() && h.state().is_suggesting(), "the recommender was still blocked");
    // Released, it answers (nothing) and the built-in suggestions arrive.
    std::fs::write(&flag, "").expect("flag");
    settle(&mut h);
    assert!(h.state().open.as_ref().is_some_and(|o| o.doc.pending_suggestions().len() >= 2));
}

#[test]
fn suggestions_for_the_whole_corpus_run_in_the_background_with_progress() {
    let f = fixture(&[
        ("a.txt", TEXT),
        ("b.txt", "Le président Emmanuel Macron est à Berlin le 3 mars 2025."),
        ("c.txt", "La Chine et la Russie."),
    ]);
    let mut h = harness(&f.root);
    // Through the command palette, as a user would.
    key_mod(&mut h, Modifiers::COMMAND, Key::P);
    type_text(&mut h, "every new document");
    key(&mut h, Key::Enter);
    assert!(h.state().corpus_progress.is_some() || !h.state().is_suggesting(), "a progress bar while it runs");
    settle(&mut h);
    assert_eq!(h.state().corpus_progress, None);
    // Every document is saved through the window's writer.
    h.state_mut().flush_writes();
    let summaries: Vec<_> = h.state().project.entries.iter().map(|e| (e.summary.annotated, e.summary.pending > 0)).collect();
    assert_eq!(summaries, [(true, true), (true, true), (true, true)]);
    assert!(f.root.join("annotations/documents/c.json").exists());
}

/// The pending suggestions of the open document as (text, label).
fn pending(h: &Harness<'_, SpanlabApp>) -> Vec<(String, String)> {
    let open = h.state().open.as_ref().expect("open");
    open.doc
        .pending_suggestions()
        .iter()
        .map(|s| (open.doc.text().slice(s.start, s.end).unwrap_or("").to_owned(), s.label.clone()))
        .collect()
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten_and_can_be_merged() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    h.state_mut().flush_writes();
    // Someone else (a git pull, another spanlab) labels Pékin in the file.
    let mut other = Project::open(&f.root, None).expect("opens");
    let mut theirs = other.load(0).expect("loads").doc;
    let e = theirs.add_span_edit(CharIdx::new(49), CharIdx::new(54), "GPE");
    theirs.apply(e, &other.schema).expect("valid");
    other.save(&theirs).expect("saved");
    let on_disk = std::fs::read(f.root.join("annotations/documents/a.json")).expect("file");
    // Here, Lavrov is labelled; saving finds the file changed.
    let e = h.state_mut().open.as_mut().expect("open").doc_mut().add_span_edit(CharIdx::new(20), CharIdx::new(26), "PER");
    assert!(h.state_mut().edit(e, "label"));
    h.state_mut().flush_writes();
    h.run_ok();
    assert_eq!(h.state().dialog, spanlab::app::Dialog::Conflict);
    assert_eq!(std::fs::read(f.root.join("annotations/documents/a.json")).expect("file"), on_disk, "not overwritten");
    h.get_by_label("Merge").click();
    h.run_ok();
    h.state_mut().flush_writes();
    let both = |doc: &spanlab::model::Document| {
        let mut v: Vec<String> =
            doc.spans().iter().map(|s| format!("{} {}", doc.text().slice(s.start, s.end).unwrap_or(""), s.label)).collect();
        v.sort();
        v
    };
    assert_eq!(both(&h.state().open.as_ref().expect("open").doc), ["Lavrov PER", "Pékin GPE"]);
    let reopened = Project::open(&f.root, None).expect("opens").load(0).expect("loads").doc;
    assert_eq!(both(&reopened), ["Lavrov PER", "Pékin GPE"], "the merge is saved");
}

/// Tab and Shift+Tab step through spans and pending suggestions in text
/// order (spans first where both start at the same place), j and k through
/// the suggestions alone, wrapping at both ends; the order is the one a
/// full sort of every item gives, found by binary search instead.
#[test]
fn tab_and_j_k_step_through_spans_and_suggestions_in_text_order() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    let schema = h.state().project.schema.clone();
    {
        let open = h.state_mut().open.as_mut().expect("open");
        for (s, e, l) in [(12, 26, "PER"), (0, 2, "PER"), (39, 45, "PER"), (49, 54, "GPE"), (99, 104, "ORG")] {
            let edit = open.doc_mut().add_span_edit(CharIdx::new(s), CharIdx::new(e), l);
            open.doc_mut().apply(edit, &schema).expect("valid");
        }
    }
    add_suggestions(&mut h, &[(3, 11, "PER"), (39, 45, "ORG"), (49, 54, "LOC"), (55, 69, "DATE"), (72, 81, "GPE"), (20, 26, "PER")]);
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    h.run_ok();
    // What the order must be: every item sorted by start, spans first.
    let expected: Vec<Selection> = {
        let doc = &h.state().open.as_ref().expect("open").doc;
        let mut v: Vec<(usize, Selection)> = doc.spans().iter().map(|s| (s.start.get(), Selection::Span(s.id))).collect();
        v.extend(doc.pending_suggestions().iter().map(|s| (s.start.get(), Selection::Suggestion(s.id))));
        v.sort_by_key(|x| x.0);
        v.into_iter().map(|x| x.1).collect()
    };
    assert_eq!(expected.len(), 11);
    let selection = |h: &Harness<'_, SpanlabApp>| h.state().open.as_ref().expect("open").selection;
    let mut seen = Vec::new();
    for _ in 0..=expected.len() {
        key(&mut h, Key::Tab);
        seen.push(selection(&h));
    }
    assert_eq!(seen[..expected.len()], expected[..], "Tab goes in text order");
    assert_eq!(seen[expected.len()], expected[0], "and wraps");
    let mut back = Vec::new();
    for _ in 0..expected.len() {
        key_mod(&mut h, Modifiers::SHIFT, Key::Tab);
        back.push(selection(&h));
    }
    let reversed: Vec<Selection> = expected.iter().rev().copied().collect();
    assert_eq!(back, reversed, "Shift+Tab goes back and wraps");
    // j and k: suggestions only, from a span in the middle.
    h.state_mut().open.as_mut().expect("open").selection = expected[4];
    let suggestions: Vec<Selection> = expected.iter().copied().filter(|s| matches!(s, Selection::Suggestion(_))).collect();
    key(&mut h, Key::J);
    let after = expected[5..].iter().copied().find(|s| matches!(s, Selection::Suggestion(_)));
    assert_eq!(Some(selection(&h)), after);
    let mut seen = vec![selection(&h)];
    for _ in 0..suggestions.len() {
        key(&mut h, Key::J);
        seen.push(selection(&h));
    }
    let start = suggestions.iter().position(|s| Some(*s) == after).expect("a suggestion");
    let cycle: Vec<Selection> = (0..=suggestions.len()).map(|k| suggestions[(start + k) % suggestions.len()]).collect();
    assert_eq!(seen, cycle, "j cycles through the suggestions");
    key(&mut h, Key::K);
    assert_eq!(selection(&h), cycle[cycle.len() - 2], "k goes back");
}

/// An annotator's edits go to their own files (annotations/annotators/NAME/),
/// beside everyone else's; opening another folder moves the writer there
/// (it used to keep writing into the first project).
#[test]
fn an_annotator_edits_their_own_files_and_another_folder_gets_its_own_writer() {
    let f = fixture(&[("a.txt", TEXT)]);
    let project = Project::open(&f.root, None).expect("project opens");
    let options = AppOptions { annotator: Some("ann".into()), ..AppOptions::default() };
    let mut h = harness_with(project, options);
    clear_suggestions(&mut h);
    assert_eq!(h.state().project.annotator.as_deref(), Some("ann"));
    key(&mut h, Key::ArrowRight);
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::P);
    h.state_mut().flush_writes();
    let mine = f.root.join("annotations/annotators/ann/documents/a.json");
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&mine).expect("ann's file")).expect("json");
    assert_eq!(saved["annotator"], "ann");
    assert_eq!(saved["spans"][0]["text"], "Sergueï");
    assert!(!f.root.join("annotations/documents/a.json").exists(), "the project's own version is untouched");
    assert!(Project::open_as(&f.root, None, Some("bob")).expect("opens").load(0).expect("loads").doc.spans().is_empty());
    // Another folder: the edits land there.
    let other = fixture(&[("b.txt", TEXT)]);
    h.state_mut().open_project(&other.root);
    h.run_ok();
    settle(&mut h);
    clear_suggestions(&mut h);
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::O);
    h.state_mut().flush_writes();
    let there = other.root.join("annotations/annotators/ann/documents/b.json");
    assert!(there.exists(), "written into the folder now open");
    assert!(!f.root.join("annotations/annotators/ann/documents/b.json").exists(), "not into the first one");
}

/// Adjudication: two annotators' versions side by side, the curated version
/// built with the keyboard (and a click), then exported like any other.
#[test]
fn adjudicate_two_annotators_into_a_curated_version_with_the_keyboard() {
    let f = fixture(&[("a.txt", TEXT)]);
    let schema = spanlab::model::Schema::news();
    for (who, second) in [("ann", "PER"), ("bob", "ORG")] {
        let mut p = Project::open_as(&f.root, None, Some(who)).expect("opens");
        let mut doc = p.load(0).expect("loads").doc;
        let mut ids = Vec::new();
        for (s, e, l) in [(12, 26, "PER"), (39, 46, second), (49, 54, "GPE")] {
            let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), l);
            doc.apply(edit, &schema).expect("span");
            ids.push(doc.spans().iter().find(|x| x.start.get() == s).expect("added").id);
        }
        if who == "ann" {
            let edit = doc.add_relation_edit(ids[0], ids[1], "MEETS");
            doc.apply(edit, &schema).expect("relation");
        }
        p.save(&doc).expect("saved");
    }
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::D);
    let adj = h.state().adjudication.as_ref().expect("adjudicating");
    assert_eq!(adj.annotators, ["ann", "bob"]);
    assert_eq!(adj.candidates.len(), 5, "PER Lavrov, MEETS, ORG Wang Yi, PER Wang Yi, GPE Pékin");
    h.get_by_label("5 candidates: 2 agreed, 3 disputed; 0 in the curated version");
    let curated = |h: &Harness<'_, SpanlabApp>| {
        let open = h.state().open.as_ref().expect("open");
        let mut v: Vec<String> = open.doc.spans().iter().map(|s| format!("{} {}", s.label, open.doc.span_text(s))).collect();
        v.extend(open.doc.relations().map(|r| r.label.clone()));
        v
    };
    // Everything both agree on, in one step.
    key_mod(&mut h, Modifiers::SHIFT, Key::A);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "GPE Pékin"]);
    // j to ann's relation, Enter: it brings its tail span.
    key(&mut h, Key::J);
    key(&mut h, Key::Enter);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "PER Wang Yi", "GPE Pékin", "MEETS"]);
    // The cursor moved on to bob's ORG: taking it replaces ann's PER there
    // (and so the relation that needed it).
    key(&mut h, Key::Enter);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "ORG Wang Yi", "GPE Pékin"]);
    // Changed our mind: click ann's PER row, take it; x on the ORG row does nothing now.
    h.get_by_label_contains("PER  “Wang Yi”").click();
    h.run_ok();
    key(&mut h, Key::Enter);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "PER Wang Yi", "GPE Pékin"]);
    key(&mut h, Key::K);
    key(&mut h, Key::K);
    key(&mut h, Key::X);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "PER Wang Yi", "GPE Pékin"], "ORG is not in the curated version");
    // Drop GPE with x (cursor on the last row), undo brings it back.
    key(&mut h, Key::ArrowDown);
    key(&mut h, Key::ArrowDown);
    key(&mut h, Key::X);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "PER Wang Yi"]);
    key_mod(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(curated(&h), ["PER Sergueï Lavrov", "PER Wang Yi", "GPE Pékin"]);
    h.get_by_label("5 candidates: 2 agreed, 3 disputed; 3 in the curated version");
    key(&mut h, Key::Escape);
    assert!(h.state().adjudication.is_none());
    // The curated version is the project's own files and exports as usual.
    h.state_mut().flush_writes();
    let (ds, _) = Project::open(&f.root, None).expect("opens").export(Default::default(), |_| {}).expect("exports");
    let ents: Vec<(String, String)> = ds.documents[0].entities.iter().map(|e| (e.text.clone(), e.label.clone())).collect();
    assert_eq!(ents, [("Sergueï Lavrov".into(), "PER".into()), ("Wang Yi".into(), "PER".into()), ("Pékin".into(), "GPE".into())]);
    assert_eq!(ds.documents[0].entities[0].extra.get("annotators"), Some(&serde_json::json!(["ann", "bob"])));
    assert_eq!(ds.documents[0].entities[1].extra.get("annotators"), Some(&serde_json::json!(["ann"])));
}

/// The dashboard opens from its shortcut, reads the figures in the
/// background (the window keeps drawing), and plots them.
#[test]
fn the_dashboard_reads_its_figures_in_the_background_and_plots_them() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Wang Yi est à Pékin.")]);
    let schema = spanlab::model::Schema::news();
    for (who, label) in [("ann", "PER"), ("bob", "ORG")] {
        let mut p = Project::open_as(&f.root, None, Some(who)).expect("opens");
        let mut doc = p.load(0).expect("loads").doc;
        let edit = doc.add_span_edit(CharIdx::new(12), CharIdx::new(26), label);
        doc.apply(edit, &schema).expect("span");
        p.save(&doc).expect("saved");
    }
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    for _ in 0..500 {
        if h.state().dashboard.as_ref().is_some_and(|d| !d.reading()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_ok();
    }
    h.run_ok();
    let figures = h.state().dashboard.as_ref().and_then(|d| d.figures.clone()).expect("figures arrived");
    assert_eq!(figures.documents, 2);
    assert_eq!(figures.annotators, ["ann", "bob"]);
    assert_eq!(figures.agreement.iter().find(|a| a.label == "PER").and_then(|a| a.exact_f1), Some(0.0));
    h.get_by_label("2 documents, 0 done");
    h.get_by_label("Progress by status");
    h.get_by_label("Agreement per label (exact and partial span F1)");
    h.get_by_label("Suggestions by source: what became of them");
    shot(&mut h, "dashboard");
    key_mod(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::B);
    assert!(h.state().dashboard.is_none(), "the shortcut closes it");
}

/// Naming yourself in the settings switches to your own files; a name that
/// cannot name a folder is refused with a message, and the files stay.
#[test]
fn the_annotator_named_in_the_settings_gets_their_own_files() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    assert_eq!(h.state().project.annotator, None);
    key_mod(&mut h, Modifiers::COMMAND, Key::Comma);
    set_field(&mut h, "Annotator", "cy");
    h.get_by_label("Save").click();
    h.run_ok();
    settle(&mut h);
    assert_eq!(h.state().project.annotator.as_deref(), Some("cy"));
    h.get_by_label("annotating as cy");
    clear_suggestions(&mut h);
    key(&mut h, Key::ArrowRight);
    key_mod(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    key(&mut h, Key::O);
    h.state_mut().flush_writes();
    assert!(f.root.join("annotations/annotators/cy/documents/a.json").exists());
    // A name with a slash: refused, still cy.
    key_mod(&mut h, Modifiers::COMMAND, Key::Comma);
    set_field(&mut h, "Annotator", "a/b");
    h.get_by_label("Save").click();
    h.run_ok();
    assert_eq!(h.state().project.annotator.as_deref(), Some("cy"));
    let last = h.state().messages.last().map(|m| m.text.clone()).unwrap_or_default();
    assert!(last.contains("annotator name \"a/b\""), "{last}");
}

/// Three Tab presses that arrive within one frame move three items, not one.
#[test]
fn keys_pressed_several_times_in_one_frame_all_count() {
    let f = fixture(&[("a.txt", TEXT)]);
    let mut h = harness(&f.root);
    clear_suggestions(&mut h);
    add_suggestions(&mut h, &[(12, 26, "PER"), (39, 46, "PER"), (49, 54, "GPE"), (58, 69, "DATE")]);
    h.state_mut().open.as_mut().expect("open").selection = Selection::None;
    h.run_ok();
    let tab = |pressed| egui::Event::Key { key: Key::Tab, physical_key: None, pressed, repeat: false, modifiers: Modifiers::NONE };
    h.input_mut().events.extend([tab(true), tab(false), tab(true), tab(false), tab(true), tab(false)]);
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    let Selection::Suggestion(id) = open.selection else { panic!("a suggestion, got {:?}", open.selection) };
    assert_eq!(open.doc.suggestion(id).map(|s| s.start.get()), Some(49), "the third suggestion");
}

/// An external recommender (a shell loop) that answers nothing until `flag`
/// exists: while it is absent the suggestion worker is known to be blocked.
fn blocked_recommender(flag: &std::path::Path) -> String {
    format!("sh -c 'while read l; do while [ ! -e {} ]; do sleep 0.02; done; echo \"{{\\\"spans\\\":[]}}\"; done'", flag.display())
}

/// Points the app at a recommender, as the settings dialog does.
fn use_recommender(h: &mut Harness<'_, SpanlabApp>, recommender: String) {
    let form =
        spanlab::app::forms::SettingsForm { min_score: 0.3, font_size: 17.0, recommender, timeout_ms: 600_000, ..Default::default() };
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::ApplySettings(Box::new(form)));
    h.run_ok();
}

/// Runs frames until `done` holds (or panics after a while).
fn run_until(h: &mut Harness<'_, SpanlabApp>, what: &str, done: impl Fn(&SpanlabApp) -> bool) {
    for _ in 0..1000 {
        if done(h.state()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run_ok();
    }
    panic!("{what} never happened");
}

/// The corpus job suggests for a document the user opened and labelled
/// meanwhile: its suggestions must not be written behind the window's back
/// (that raised a false "changed on disk" conflict and dropped work).
#[test]
fn the_corpus_job_never_writes_over_a_document_being_annotated() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Le président Emmanuel Macron est à Berlin."), ("c.txt", "La Chine et la Russie.")]);
    let flag = f.root.with_file_name("go");
    let mut h = harness(&f.root);
    use_recommender(&mut h, blocked_recommender(&flag));
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::SuggestCorpus);
    assert!(h.state().corpus_progress.is_some());
    // The worker waits on b's recommender; meanwhile b is opened and "président" labelled.
    h.state_mut().apply(&ctx, spanlab::app::Command::OpenDocument(1));
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.as_str()), Some("b"));
    h.state_mut().apply(&ctx, spanlab::app::Command::SelectText(CharIdx::new(3), CharIdx::new(12)));
    h.state_mut().apply(&ctx, spanlab::app::Command::Label("ORG".into()));
    h.state_mut().flush_journal();
    std::fs::write(&flag, "").expect("flag");
    run_until(&mut h, "the corpus job's end", |a| a.corpus_progress.is_none() && !a.is_suggesting());
    h.state_mut().flush_writes();
    h.run_ok();
    assert_ne!(h.state().dialog, spanlab::app::Dialog::Conflict, "no false conflict");
    assert_eq!(h.state().open.as_ref().and_then(|o| o.save_error.clone()), None);
    let b = Project::open(&f.root, None).expect("opens").load(1).expect("loads").doc;
    let labelled: Vec<&str> = b.spans().iter().map(|s| b.span_text(s)).collect();
    assert_eq!(labelled, ["président"], "the user's work is what b's file holds");
    assert!(f.root.join("annotations/documents/c.json").exists(), "c got its suggestions");
}

/// Searching the corpus reads the articles in the background, and only
/// regular files: an article that became a named pipe after the project
/// was opened (nobody writes to it) is passed over at once, never waited
/// on, in the frame or in the index; the others are found.
#[test]
fn the_corpus_search_passes_over_an_article_that_became_a_pipe() {
    let f = fixture(&[("a.txt", TEXT), ("b.txt", "Le président Emmanuel Macron est à Berlin."), ("c.txt", "Le Brésil et l'Argentine.")]);
    let mut h = harness(&f.root);
    let pipe = f.root.join("c.txt");
    std::fs::remove_file(&pipe).expect("rm");
    if !std::process::Command::new("mkfifo").arg(&pipe).status().is_ok_and(|s| s.success()) {
        eprintln!("skipped: no mkfifo");
        return;
    }
    h.state_mut().filter.query = "macron".into();
    h.run_ok();
    run_until(&mut h, "the index", |a| a.search.as_ref().is_some_and(|s| !s.indexing()));
    assert_eq!(h.state().corpus_rows(), [1], "b by its text; c's pipe is not read");
    h.state_mut().filter.query = "argentine".into();
    h.run_ok();
    assert!(h.state().corpus_rows().is_empty());
}

/// Saves a rendering of the window as `name`.png in the folder that
/// SPANLAB_TEST_SHOTS names, if set (to look at).
fn shot(h: &mut Harness<'_, SpanlabApp>, name: &str) {
    if let Some(dir) = std::env::var_os("SPANLAB_TEST_SHOTS") {
        h.render().expect("renders").save(std::path::PathBuf::from(dir).join(format!("{name}.png"))).expect("png");
    }
}
