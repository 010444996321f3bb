//! The everywhere dialog through egui_kittest: one decision for every
//! mention of a name across the corpus (preview, conflicts apart, one undo
//! step in each document), and filtered bulk actions on suggestions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture::run_until;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use spanlab::app::{AppOptions, Selection, SpanlabApp};
use spanlab::model::edit::Edit;
use spanlab::model::{CharIdx, DocId, RecognizerName, Suggestion, SuggestionState};
use spanlab::store::Project;

/// Three articles where "Oslo" repeats; in c it sits inside "Oslo Fjord".
const A: &str = "Oslo attend la neige. À Oslo, les trams roulent.";
const B: &str = "Le maire d'Oslo parle demain.";
const C: &str = "Le bateau longe Oslo Fjord, puis Oslo.";

struct Window {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    h: Harness<'static, SpanlabApp>,
}

fn window() -> Window {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, text) in [("a.txt", A), ("b.txt", B), ("c.txt", C)] {
        std::fs::write(root.join(name), text).expect("write");
    }
    let project = Project::open(&root, None).expect("opens");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    run_until(&mut h, |app| !app.is_suggesting());
    Window { _dir: dir, root, h }
}

/// The open document gets exactly these pending suggestions.
fn suggest(h: &mut Harness<'_, SpanlabApp>, list: &[(usize, usize, &str, RecognizerName, f32)]) {
    let schema = h.state().project.schema.clone();
    let open = h.state_mut().open.as_mut().expect("open");
    let doc = open.doc_mut();
    let old: Vec<_> = doc.suggestions().map(|s| s.id).collect();
    if !old.is_empty() {
        doc.apply(Edit::RemoveSuggestions { ids: old }, &schema).expect("remove");
    }
    let mut suggestions = Vec::new();
    for (a, b, label, recognizer, score) in list {
        let id = doc.fresh_suggestion_id();
        suggestions.push(Suggestion {
            id,
            start: CharIdx::new(*a),
            end: CharIdx::new(*b),
            label: (*label).into(),
            recognizer: recognizer.clone(),
            score: *score,
            state: SuggestionState::Pending,
        });
    }
    let first = suggestions.first().map(|s| s.id);
    doc.apply(Edit::AddSuggestions { suggestions }, &schema).expect("add");
    open.selection = first.map_or(Selection::None, Selection::Suggestion);
    h.run_ok();
}

fn spans_of(app: &SpanlabApp) -> Vec<(String, String)> {
    let open = app.open.as_ref().expect("open");
    open.doc.spans().iter().map(|s| (open.doc.span_text(s).to_owned(), s.label.clone())).collect()
}

/// The spans of a document as saved.
fn saved_spans(root: &std::path::Path, id: &str) -> Vec<(String, String)> {
    let p = Project::open(root, None).expect("opens");
    let doc = p.load(p.position(&DocId(id.into())).expect("listed")).expect("loads").doc;
    doc.spans().iter().map(|s| (doc.span_text(s).to_owned(), s.label.clone())).collect()
}

fn gpe(text: &str) -> (String, String) {
    (text.to_owned(), "GPE".to_owned())
}

#[test]
fn accept_everywhere_previews_the_corpus_then_labels_every_mention_with_one_undo_step_per_document() {
    let mut w = window();
    let h = &mut w.h;
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.id.0.clone()), Some("a".into()));
    suggest(h, &[(0, 4, "GPE", RecognizerName::Tagger, 0.8)]);
    h.key_press_modifiers(Modifiers::SHIFT, Key::Enter);
    run_until(h, |app| matches!(&app.dialog, spanlab::app::Dialog::Everywhere(f) if f.preview.complete()));
    // The preview: a (2), b (1), c (2: one conflicts with nothing yet, as c
    // has no spans; both tick).
    h.get_by_label_contains("5 found in 3 documents");
    h.get_by_label_contains("5 will change");
    assert!(spans_of(h.state()).is_empty(), "nothing changes before Apply");
    h.key_press(Key::Enter);
    run_until(h, |app| app.everywhere_job.is_none() && !matches!(app.dialog, spanlab::app::Dialog::Everywhere(_)));
    assert_eq!(spans_of(h.state()), [gpe("Oslo"), gpe("Oslo")]);
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.doc.pending_count(), 0, "the suggestion was accepted, not doubled");
    h.state_mut().flush_writes();
    assert_eq!(saved_spans(&w.root, "b"), [gpe("Oslo")]);
    assert_eq!(saved_spans(&w.root, "c"), [gpe("Oslo"), gpe("Oslo")]);
    // One undo step in this document.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_ok();
    assert!(spans_of(h.state()).is_empty());
    // And one in b, once it is opened.
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    run_until(h, |app| app.open.as_ref().is_some_and(|o| o.doc.id.0 == "b") && !app.is_suggesting());
    assert_eq!(spans_of(h.state()), [gpe("Oslo")]);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_ok();
    assert!(spans_of(h.state()).iter().all(|s| s.0 != "Oslo" || s.1 != "GPE"), "{:?}", spans_of(h.state()));
    let decisions = std::fs::read_to_string(w.root.join("annotations/decisions.json")).expect("kept");
    assert!(decisions.contains("\"Oslo\"") && decisions.contains("\"GPE\""), "{decisions}");
}

/// Opens document c, gives "Oslo Fjord" a LOC span, then asks to label
/// the later, lone "Oslo" GPE everywhere in this document: the preview is
/// shown, complete, with one conflict (the LOC span over it).
fn label_lone_oslo_gpe_in_document(h: &mut Harness<'_, SpanlabApp>) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::OpenDocument(2));
    h.run_ok();
    run_until(h, |app| !app.is_suggesting());
    suggest(h, &[(16, 26, "LOC", RecognizerName::Tagger, 0.9)]);
    h.key_press(Key::Enter);
    h.run_ok();
    assert_eq!(spans_of(h.state()), [("Oslo Fjord".into(), "LOC".into())]);
    h.state_mut().open.as_mut().expect("open").selection = Selection::Text { anchor: CharIdx::new(33), head: CharIdx::new(37) };
    h.key_press_modifiers(Modifiers::SHIFT, Key::E);
    run_until(h, |app| matches!(&app.dialog, spanlab::app::Dialog::Everywhere(f) if f.preview.complete()));
    // The label starts as the schema's first (PER): choose GPE in the form.
    if let spanlab::app::Dialog::Everywhere(f) = &mut h.state_mut().dialog {
        f.label = "GPE".into();
        f.corpus = false;
    }
    run_until(
        h,
        |app| matches!(&app.dialog, spanlab::app::Dialog::Everywhere(f) if f.preview.complete() && f.preview.asked.as_ref().is_some_and(|a| a.label == "GPE")),
    );
}

#[test]
fn a_conflict_is_listed_apart_unticked_and_left_alone() {
    let mut w = window();
    let h = &mut w.h;
    label_lone_oslo_gpe_in_document(h);
    h.get_by_label_contains("overlaps LOC «Oslo Fjord»");
    h.get_by_label_contains("1 will change · 1 conflict");
    h.get_by_label("Apply to 1").click();
    run_until(h, |app| app.everywhere_job.is_none() && !matches!(app.dialog, spanlab::app::Dialog::Everywhere(_)));
    assert_eq!(spans_of(h.state()), [("Oslo Fjord".into(), "LOC".into()), gpe("Oslo")]);
}

/// The conflicts could be ticked with the mouse only: Alt+T in the preview
/// ticks them all (again: unticks them), so a keyboard user can take a
/// name over the shorter span inside it ("sommet de Tianjin" over its
/// "Tianjin") in one key.
#[test]
fn alt_t_ticks_the_conflicts_in_the_preview() {
    let mut w = window();
    let h = &mut w.h;
    label_lone_oslo_gpe_in_document(h);
    h.get_by_label_contains("1 will change · 1 conflict");
    h.key_press_modifiers(Modifiers::ALT, Key::T);
    h.run_ok();
    h.get_by_label_contains("2 will change · 1 conflict");
    h.key_press_modifiers(Modifiers::ALT, Key::T);
    h.run_ok();
    h.get_by_label_contains("1 will change · 1 conflict");
    h.key_press_modifiers(Modifiers::ALT, Key::T);
    h.run_ok();
    h.key_press(Key::Enter);
    run_until(h, |app| app.everywhere_job.is_none() && !matches!(app.dialog, spanlab::app::Dialog::Everywhere(_)));
    assert_eq!(spans_of(h.state()), [gpe("Oslo"), gpe("Oslo")], "the LOC span gave way");
}

#[test]
fn filtered_bulk_reject_takes_only_what_the_filter_shows() {
    let mut w = window();
    let h = &mut w.h;
    suggest(
        h,
        &[
            (0, 4, "GPE", RecognizerName::Gazetteer, 0.9),
            (6, 12, "PER", RecognizerName::Capitals, 0.3),
            (24, 28, "GPE", RecognizerName::Gazetteer, 0.9),
        ],
    );
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    run_until(h, |app| matches!(&app.dialog, spanlab::app::Dialog::Everywhere(f) if f.preview.complete()));
    h.get_by_label_contains("3 found in 1 document");
    // Only the capitalisation heuristic's suggestions, then reject all.
    if let spanlab::app::Dialog::Everywhere(f) = &mut h.state_mut().dialog {
        f.filter.recognizer = Some(RecognizerName::Capitals);
    }
    h.run_ok();
    h.get_by_role_and_label(egui::accesskit::Role::RadioButton, "Reject all").click();
    run_until(
        h,
        |app| matches!(&app.dialog, spanlab::app::Dialog::Everywhere(f) if f.preview.asked.as_ref().is_some_and(|a| a.filter.recognizer.is_some() && a.bulk == spanlab::model::filter::Bulk::Reject)),
    );
    h.get_by_label_contains("1 found in 1 document");
    h.get_by_label("Apply to 1").click();
    run_until(h, |app| !matches!(app.dialog, spanlab::app::Dialog::Everywhere(_)) && app.everywhere_job.is_none());
    let open = h.state().open.as_ref().expect("open");
    assert_eq!(open.doc.pending_count(), 2);
    assert_eq!(open.doc.suggestion_outcomes().rejected, 1);
    // Undo puts it back as one step.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_ok();
    assert_eq!(h.state().open.as_ref().map(|o| o.doc.pending_count()), Some(3));
}

#[test]
fn everywhere_commands_are_in_the_help_with_their_keys() {
    let mut w = window();
    let h = &mut w.h;
    h.key_press(Key::F1);
    h.run_ok();
    for name in ["Accept everywhere", "Reject everywhere", "Label everywhere", "Delete everywhere", "Filter suggestions"] {
        h.get_by_label_contains(name);
    }
}
