//! Documents kept unsaved (their save failed: a read-only folder, a full
//! disk) and the corpus-wide actions. The window keeps such a document in
//! memory and shows it again as it was; an everywhere action read its file
//! instead: the preview counted the file's rows, and the action wrote
//! file + action while reopening showed the kept version without the
//! action, its undo step made on another state. The disk fault is real: a
//! read-only bind mount of the annotations folder ([`common::Mount`]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fixture::run_until;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use spanlab::app::{AppOptions, Command, Dialog, Selection, SpanlabApp};
use spanlab::model::everywhere::Fate;
use spanlab::model::{CharIdx, Dataset, DocId, Document, Status};
use spanlab::store::Project;
use spanlab::store::formats::Format;

const A: &str = "Lisbonne accueille Marta Soares ce matin.";
const B: &str = "Marta Soares quitte Porto pour Lisbonne.";
const C: &str = "Porto et Lisbonne votent demain.";

struct Window {
    dir: tempfile::TempDir,
    root: std::path::PathBuf,
    h: Harness<'static, SpanlabApp>,
}

/// The window on a/b/c, its annotations folder made read-only (`None`
/// when mounting is not possible here).
fn window_on_a_read_only_folder() -> Option<(Window, common::Mount)> {
    window_on_a_read_only_folder_after(|_| {})
}

/// [`window_on_a_read_only_folder`], `prepare` run on the project while
/// its folder can still be written (to save what the files should hold).
fn window_on_a_read_only_folder_after(prepare: impl FnOnce(&mut Project)) -> Option<(Window, common::Mount)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, text) in [("a.txt", A), ("b.txt", B), ("c.txt", C)] {
        std::fs::write(root.join(name), text).expect("write");
    }
    // Opened once while writable: the folder and its own files exist.
    prepare(&mut Project::open(&root, None).expect("opens"));
    std::fs::create_dir_all(root.join("annotations/documents")).expect("mkdir");
    let ro = common::Mount::read_only(&root.join("annotations"))?;
    let project = Project::open(&root, None).expect("opens");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .with_max_steps(12)
        .build_eframe(move |cc| SpanlabApp::new(&cc.egui_ctx, project, AppOptions::default()));
    run_until(&mut h, |app| !app.is_suggesting());
    Some((Window { dir, root, h }, ro))
}

fn command(h: &mut Harness<'_, SpanlabApp>, c: Command) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, c);
    h.run_ok();
}

fn open(h: &mut Harness<'_, SpanlabApp>, id: &str) {
    let i = h.state().project.position(&DocId(id.into())).expect("listed");
    command(h, Command::OpenDocument(i));
    run_until(h, |app| app.open.as_ref().is_some_and(|o| o.doc.id.0 == id) && !app.is_suggesting());
}

fn select(h: &mut Harness<'_, SpanlabApp>, needle: &str) {
    let open = h.state_mut().open.as_mut().expect("open");
    let text = open.doc.text().as_str().to_owned();
    let byte = text.find(needle).expect("in the text");
    let s = text[..byte].chars().count();
    open.selection = Selection::Text { anchor: CharIdx::new(s), head: CharIdx::new(s + needle.chars().count()) };
}

/// Labels `needle` in the open document: an edit whose save fails here.
fn label(h: &mut Harness<'_, SpanlabApp>, needle: &str, as_label: &str) {
    select(h, needle);
    command(h, Command::Label(as_label.into()));
    h.state_mut().flush_writes();
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    assert!(open.save_error.is_some(), "the save failed: {:?}", h.state().messages);
}

fn spans(doc: &Document) -> Vec<(String, String)> {
    doc.spans().iter().map(|s| (doc.span_text(s).to_owned(), s.label.clone())).collect()
}

/// What a user sees of a document: its spans, suggestions and status
/// (not its revision counter, which every edit and undo increase).
fn state(doc: &Document) -> String {
    let spans: Vec<_> = doc.spans().iter().map(|s| (s.id, s.start, s.end, s.label.clone())).collect();
    let suggestions: Vec<_> = doc.suggestions().map(|s| (s.id, s.start, s.end, s.label.clone(), s.state)).collect();
    format!("{spans:?} {suggestions:?} {:?}", doc.status())
}

fn open_doc(h: &Harness<'_, SpanlabApp>) -> Document {
    h.state().open.as_ref().map(|o| (*o.doc).clone()).expect("open")
}

/// In `a`, "Label everywhere" on "Lisbonne" as GPE, over the corpus: the
/// dialog with its complete preview.
fn label_lisbonne_gpe_everywhere(h: &mut Harness<'_, SpanlabApp>) {
    open(h, "a");
    select(h, "Lisbonne");
    h.key_press_modifiers(Modifiers::SHIFT, Key::E);
    run_until(h, |app| matches!(&app.dialog, Dialog::Everywhere(f) if f.preview.complete()));
    if let Dialog::Everywhere(f) = &mut h.state_mut().dialog {
        f.label = "GPE".into();
        f.corpus = true;
    }
    run_until(
        h,
        |app| matches!(&app.dialog, Dialog::Everywhere(f) if f.preview.complete() && f.preview.asked.as_ref().is_some_and(|a| a.label == "GPE" && a.corpus)),
    );
}

/// The preview's rows of document `id`, as (text, fate).
fn preview_rows(h: &Harness<'_, SpanlabApp>, id: &str) -> Vec<(String, Fate)> {
    let Dialog::Everywhere(f) = &h.state().dialog else { panic!("the everywhere dialog") };
    f.preview.docs.iter().filter(|d| d.id.0 == id).flat_map(|d| d.rows.iter().map(|(_, o)| (o.text.clone(), o.fate.clone()))).collect()
}

/// b's "Marta Soares" labelled (not saved: kept), then "Lisbonne" labelled
/// GPE everywhere: b shows both, still unsaved with its error; Ctrl+Z there
/// gives back b as it was kept; and once the folder can be written, b's
/// file has both.
#[cfg(target_os = "linux")]
#[test]
fn an_everywhere_action_on_a_document_kept_unsaved_keeps_its_edits() {
    let Some((mut w, ro)) = window_on_a_read_only_folder() else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Marta Soares", "PER");
    let kept = open_doc(h);
    label_lisbonne_gpe_everywhere(h);
    assert_eq!(preview_rows(h, "b"), [("Lisbonne".to_owned(), Fate::Apply)]);
    h.key_press(Key::Enter);
    run_until(h, |app| app.everywhere_job.is_none() && !matches!(app.dialog, Dialog::Everywhere(_)));
    open(h, "b");
    let shown = open_doc(h);
    assert_eq!(
        spans(&shown),
        [("Marta Soares".into(), "PER".into()), ("Lisbonne".into(), "GPE".into())],
        "both the kept edit and the action"
    );
    assert!(h.state().open.as_ref().is_some_and(|o| o.save_error.is_some()), "still not saved, and it says so");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run_ok();
    assert_eq!(state(&open_doc(h)), state(&kept), "undo gives back b as it was before the action");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run_ok();
    assert_eq!(state(&open_doc(h)), state(&shown), "and redo the action");
    drop(ro);
    h.state_mut().flush_writes();
    h.run_ok();
    let p = Project::open(&w.root, None).expect("opens");
    let saved = p.load(p.position(&DocId("b".into())).expect("listed")).expect("loads").doc;
    assert_eq!(state(&saved), state(&shown), "b's file has the kept edit and the action");
    drop(w.dir);
}

/// The file written once the disk is back is the kept version with the
/// action (the writer's retry), though b is never opened again: the action
/// wrote file + action, and the retry then dropped the kept edit.
#[cfg(target_os = "linux")]
#[test]
fn a_kept_document_changed_by_an_action_is_saved_with_its_edits_once_it_can_be() {
    let Some((mut w, ro)) = window_on_a_read_only_folder() else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Marta Soares", "PER");
    label_lisbonne_gpe_everywhere(h);
    h.key_press(Key::Enter);
    run_until(h, |app| app.everywhere_job.is_none() && !matches!(app.dialog, Dialog::Everywhere(_)));
    drop(ro);
    // The writer tries a failed save again every RETRY_EVERY (2 s).
    std::thread::sleep(spanlab::store::writer::RETRY_EVERY + std::time::Duration::from_millis(200));
    h.state_mut().flush_writes();
    h.run_ok();
    let p = Project::open(&w.root, None).expect("opens");
    let saved = p.load(p.position(&DocId("b".into())).expect("listed")).expect("loads").doc;
    assert_eq!(spans(&saved), [("Marta Soares".into(), "PER".into()), ("Lisbonne".into(), "GPE".into())]);
    open(h, "b");
    assert_eq!(spans(&open_doc(h)), spans(&saved), "shown as saved");
}

/// The preview reads a kept document as kept: "Lisbonne" the unsaved
/// edit labelled GPE in b is already done there (the file would say it
/// will change).
#[cfg(target_os = "linux")]
#[test]
fn the_everywhere_preview_reads_a_document_kept_unsaved_as_kept() {
    let Some((mut w, _ro)) = window_on_a_read_only_folder() else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Lisbonne", "GPE");
    label_lisbonne_gpe_everywhere(h);
    let rows = preview_rows(h, "b");
    assert!(rows.iter().all(|(_, f)| *f != Fate::Apply), "b's Lisbonne is labelled in its kept version: {rows:?}");
    assert_eq!(preview_rows(h, "c"), [("Lisbonne".to_owned(), Fate::Apply)]);
}

/// The dashboard reads the files: a document kept unsaved is counted as
/// last saved, and it says so (which documents), rather than leave the
/// user to think the unsaved edits are in. The export has them, and says
/// which.
#[cfg(target_os = "linux")]
#[test]
fn the_dashboard_says_which_unsaved_edits_it_leaves_out_and_the_export_which_it_has() {
    use egui_kittest::kittest::{NodeT, Queryable};
    let Some((mut w, _ro)) = window_on_a_read_only_folder() else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Marta Soares", "PER");
    open(h, "c");
    let mut form = spanlab::app::forms::ExportForm::new(&h.state().project);
    form.path = w.dir.path().join("out.json").display().to_string();
    let report = h.state_mut().export_to(&form).expect("exported");
    // a and c have unsaved suggestions too (this folder takes nothing).
    assert!(names_b(&report, "included: the unsaved edits of "), "{report}");
    assert!(!report.contains("not included"), "{report}");
    command(h, Command::Dashboard);
    run_until(h, |app| app.dashboard.as_ref().is_some_and(|d| !d.reading()));
    let node = h.get_by_label_contains("not counted: the unsaved edits of");
    let said = node.accesskit_node().label().or_else(|| node.accesskit_node().value()).unwrap_or_default();
    assert!(names_b(&said, "not counted: the unsaved edits of "), "{said}");
}

/// Whether the line of `text` starting with `start` lists b in its
/// parentheses: "… of 2 documents (b, c), …".
fn names_b(text: &str, start: &str) -> bool {
    let Some(line) = text.lines().find(|l| l.starts_with(start)) else { return false };
    let Some((_, rest)) = line.split_once('(') else { return false };
    let Some((list, _)) = rest.split_once(')') else { return false };
    list.split(", ").any(|id| id == "b")
}

/// Relates the spans on `head` and `tail` in the open document, as `label`:
/// an edit whose save fails here.
fn relate(h: &mut Harness<'_, SpanlabApp>, head: &str, tail: &str, label: &str) {
    let span = |h: &Harness<'_, SpanlabApp>, name: &str| {
        let doc = &h.state().open.as_ref().expect("open").doc;
        doc.spans().iter().find(|s| doc.span_text(s) == name).map(|s| s.id).expect("a span with that text")
    };
    let (head, tail) = (span(h, head), span(h, tail));
    command(h, Command::SelectSpan(head));
    command(h, Command::StartRelation);
    command(h, Command::RelationTail(tail));
    command(h, Command::RelationType(label.into()));
    h.state_mut().flush_writes();
    h.run_ok();
    assert_eq!(h.state().open.as_ref().expect("open").doc.relation_count(), 1, "{:?}", h.state().messages);
}

/// Sets the open document's status: an edit whose save fails here.
fn set_status(h: &mut Harness<'_, SpanlabApp>, status: Status) {
    command(h, Command::SetStatus(status));
    h.state_mut().flush_writes();
    h.run_ok();
    assert_eq!(h.state().open.as_ref().expect("open").doc.status(), status);
}

/// What an export holds of a document: its entities as (text, label), its
/// relations as (head's text, label, tail's text), both sorted.
type Held = (Vec<(String, String)>, Vec<(String, String, String)>);

fn held_in_memory(doc: &Document) -> Held {
    let text = |id| doc.spans().get(id).map(|s| doc.span_text(s).to_owned()).unwrap_or_default();
    let mut entities = spans(doc);
    entities.sort();
    let mut relations: Vec<_> = doc.relations().map(|r| (text(r.head), r.label.clone(), text(r.tail))).collect();
    relations.sort();
    (entities, relations)
}

fn held_in_export(ds: &Dataset, id: &str) -> Held {
    let d = ds.documents.iter().find(|d| d.id == id).unwrap_or_else(|| panic!("{id} exported"));
    let text = |t: &str| d.entities.iter().find(|e| e.id == t).map(|e| e.text.clone()).unwrap_or_default();
    let mut entities: Vec<_> = d.entities.iter().map(|e| (e.text.clone(), e.label.clone())).collect();
    entities.sort();
    let mut relations: Vec<_> = d.relations.iter().map(|r| (text(&r.head), r.label.clone(), text(&r.tail))).collect();
    relations.sort();
    (entities, relations)
}

/// Every file under `dir`, with its bytes.
fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    let mut found = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("lists") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.insert(path.clone(), std::fs::read(&path).expect("reads"));
        }
    }
    found
}

/// The window's export (from its dialog's form) into `out`, with its report.
fn export(w: &mut Window, out: &str, format: Format, done_only: bool) -> (String, Dataset) {
    let mut form = spanlab::app::forms::ExportForm::new(&w.h.state().project);
    let path = w.dir.path().join(out);
    form.path = path.display().to_string();
    (form.format, form.done_only) = (format, done_only);
    let report = w.h.state_mut().export_to(&form).expect("exported");
    let (ds, _) = spanlab::store::convert::read(&path, Some(format), &Default::default(), None).expect("reads back");
    (report, ds)
}

/// A user whose saves fail exports to get their work out: b, edited then
/// left (kept unsaved), and c, open with an unsaved edit, are exported as
/// the window shows them, in the gold JSON and doccano's JSONL; the report
/// says so; the project's files are as they were.
#[cfg(target_os = "linux")]
#[test]
fn the_export_has_the_unsaved_edits_of_the_documents_whose_save_failed() {
    let Some((mut w, _ro)) = window_on_a_read_only_folder() else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Marta Soares", "PER");
    label(h, "Porto", "GPE");
    relate(h, "Marta Soares", "Porto", "VISITS");
    set_status(h, Status::Done);
    let b = open_doc(h);
    open(h, "c");
    label(h, "Porto", "GPE");
    let c = open_doc(h);
    assert!(h.state().open.as_ref().is_some_and(|o| o.save_error.is_some()), "c's edit is not saved");
    let files = files_under(&w.root);
    for (out, format) in [("out.json", Format::Spanlab), ("out.jsonl", Format::Doccano)] {
        let (report, ds) = export(&mut w, out, format, false);
        assert!(!report.contains("not included"), "{format}: {report}");
        let line = report.lines().find(|l| l.starts_with("included: the unsaved edits of ")).unwrap_or_else(|| panic!("{report}"));
        assert!(line.contains("b, c") && line.ends_with("whose save failed (they are still not in the project's files)"), "{line}");
        assert_eq!(held_in_export(&ds, "b"), held_in_memory(&b), "{format}: b as in the window");
        assert_eq!(held_in_export(&ds, "c"), held_in_memory(&c), "{format}: c as in the window");
        assert_eq!(held_in_memory(&b).1.len(), 1, "b's relation");
        if format == Format::Spanlab {
            let status = |id: &str| ds.documents.iter().find(|d| d.id == id).map(|d| d.status);
            assert_eq!((status("b"), status("c")), (Some(Status::Done), Some(c.status())), "statuses as in the window");
        }
    }
    assert_eq!(files_under(&w.root), files, "the export changed none of the project's files");
}

/// `--done-only` counts a document's status as the window has it: b, done
/// only in its unsaved version, is exported; c, done in its file but set
/// back to in progress in the window (its edit not saved), is not.
#[cfg(target_os = "linux")]
#[test]
fn the_done_only_export_reads_the_unsaved_status() {
    let done_in_its_file = |p: &mut Project| {
        let mut c = p.load(p.position(&DocId("c".into())).expect("listed")).expect("loads").doc;
        c.set_status_unrecorded(Status::Done);
        p.save(&c).expect("saved while the folder can be written");
    };
    let Some((mut w, _ro)) = window_on_a_read_only_folder_after(done_in_its_file) else { return };
    let h = &mut w.h;
    open(h, "b");
    label(h, "Marta Soares", "PER");
    set_status(h, Status::Done);
    let b = open_doc(h);
    open(h, "c");
    set_status(h, Status::InProgress);
    open(h, "a");
    let (report, ds) = export(&mut w, "done.json", Format::Spanlab, true);
    let ids: Vec<&str> = ds.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["b"], "{report}");
    assert_eq!(held_in_export(&ds, "b"), held_in_memory(&b));
    assert!(report.contains("\nincluded: the unsaved edits of 1 document (b), whose save failed"), "only b's are in: {report}");
}
