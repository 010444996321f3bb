//! The gold JSON written document by document against the dataset made
//! whole: the same bytes, whatever the options; the same refusal.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::sync::Arc;

use super::*;
use crate::model::span::{RecognizerName, Suggestion, SuggestionState};
use crate::model::{CharIdx, Edit, Status};
use crate::store::convert::{export_project, write};
use crate::store::formats::{Format, Offsets, Options, format_tokens};

/// A project of every kind of article, with spans, a relation, a comment,
/// pending and decided suggestions, statuses, emoji (offsets differ by
/// unit) and top-level fields kept from an import.
fn rich() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    fs::create_dir_all(root.join("sub")).unwrap();
    fs::write(root.join("a.txt"), "😀 Lavrov a vu Wang Yi à Pékin.").unwrap();
    fs::write(root.join("sub/b.md"), "# Macron\n\nMacron est à Paris.").unwrap();
    fs::write(root.join("c.html"), "<p>Poutine &eacute;crit.</p>").unwrap();
    fs::write(root.join("d.jsonl"), "{\"id\": \"j1\", \"text\": \"Biden à Kyiv\"}\n{\"text\": \"Zelensky\"}\n").unwrap();
    fs::create_dir_all(root.join("annotations")).unwrap();
    fs::write(root.join("annotations/project.json"), "{\"dataset_extra\": {\"corpus\": \"tests\", \"n\": 1.5}}").unwrap();
    let mut p = Project::open(&root, None).unwrap();
    let schema = p.schema.clone();
    for i in 0..p.entries.len() {
        let mut doc = p.load(i).unwrap().doc;
        let len = doc.text().len_chars();
        let a = doc.add_span_edit(CharIdx::new(2), CharIdx::new(8.min(len)), "PER");
        doc.apply(a, &schema).unwrap();
        if i == 0 {
            let b = doc.add_span_edit(CharIdx::new(14), CharIdx::new(21), "PER");
            doc.apply(b, &schema).unwrap();
            let ids: Vec<_> = doc.spans().iter().map(|s| s.id).collect();
            let r = doc.add_relation_edit(ids[0], ids[1], "MEETS");
            doc.apply(r, &schema).unwrap();
            doc.apply(Edit::SetComment { comment: "à revoir \"vite\"".into() }, &schema).unwrap();
            doc.apply(Edit::SetStatus { status: Status::Done }, &schema).unwrap();
        }
        let suggestions =
            [(24, 29, SuggestionState::Pending, 0.91234), (2, 8, SuggestionState::Pending, 0.5), (9, 11, SuggestionState::Rejected, 0.3)]
                .into_iter()
                .filter(|&(_, e, ..)| e <= len)
                .map(|(s, e, state, score)| Suggestion {
                    id: doc.fresh_suggestion_id(),
                    start: CharIdx::new(s),
                    end: CharIdx::new(e),
                    label: "GPE".into(),
                    recognizer: RecognizerName::Gazetteer,
                    score,
                    state,
                })
                .collect();
        doc.apply(Edit::AddSuggestions { suggestions }, &schema).unwrap();
        p.save(&doc).unwrap();
    }
    (dir, p)
}

/// The bytes of the export made whole, and of the one written as it goes.
fn both(p: &Project, options: ExportOptions, unit: Offsets, out: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    both_including(p, options, &InMemory::new(), unit, out)
}

/// [`both`], the documents of `in_memory` taken as they are there.
fn both_including(p: &Project, options: ExportOptions, in_memory: &InMemory, unit: Offsets, out: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    let convert = Options { offsets: Some(unit), ..Options::default() };
    let (dataset, _) = p.export_including(options, in_memory, |_| {}).unwrap();
    write(&dataset, &p.schema, Format::Spanlab, &convert, &format_tokens, out, false).unwrap();
    let whole = fs::read(out).unwrap();
    fs::remove_file(out).unwrap();
    let (report, notes) = export_project(p, options, in_memory, Format::Spanlab, &convert, &format_tokens, out, true, |_| {}).unwrap();
    assert_eq!((report.documents, report.entities, report.relations), (dataset.documents.len(), notes.entities, notes.relations));
    assert_eq!(notes.documents_left_out, p.entries.len() - dataset.documents.len());
    (whole, fs::read(out).unwrap())
}

/// Documents given in memory (the window's, whose save failed) are
/// exported as they are there, in both exports alike, their status
/// deciding `done_only`; their files are not touched.
#[test]
fn documents_given_in_memory_are_exported_as_they_are_there_not_as_their_files() {
    let (dir, p) = rich();
    let schema = p.schema.clone();
    let files =
        |p: &Project| -> Vec<Vec<u8>> { p.entries.iter().map(|e| fs::read(annotation_path(&p.annotations, &e.id)).unwrap()).collect() };
    let before = files(&p);
    // a: done in its file, set back to in progress and given a span in
    // memory; c: in progress in its file, done in memory.
    let mut a = p.load(p.position(&DocId("a".into())).unwrap()).unwrap().doc;
    a.apply(Edit::SetStatus { status: Status::InProgress }, &schema).unwrap();
    let e = a.add_span_edit(CharIdx::new(24), CharIdx::new(29), "GPE");
    a.apply(e, &schema).unwrap();
    let c_at = p.position(&DocId("c".into())).unwrap();
    let mut c = p.load(c_at).unwrap().doc;
    c.apply(Edit::SetStatus { status: Status::Done }, &schema).unwrap();
    let in_memory: InMemory = [(a.id.clone(), Arc::new(a.clone())), (c.id.clone(), Arc::new(c))].into_iter().collect();
    let out = dir.path().join("out/export.json");
    for done_only in [false, true] {
        let options = ExportOptions { done_only, include_suggestions: false };
        let (whole, streamed) = both_including(&p, options, &in_memory, Offsets::Chars, &out);
        assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&whole), "{options:?}");
        let ds = crate::store::project::parse_dataset_if_any(&String::from_utf8(streamed).unwrap(), &out).unwrap().unwrap();
        let ids: Vec<&str> = ds.documents.iter().map(|d| d.id.as_str()).collect();
        if done_only {
            assert_eq!(ids, ["c"], "c is done in memory, a is not");
        } else {
            let a_out = ds.documents.iter().find(|d| d.id == a.id.0).unwrap();
            assert_eq!(a_out.status, Status::InProgress);
            let labels: Vec<(&str, &str)> = a_out.entities.iter().map(|e| (e.text.as_str(), e.label.as_str())).collect();
            assert_eq!(labels, [("Lavrov", "PER"), ("Wang Yi", "PER"), ("Pékin", "GPE")]);
            assert_eq!(a_out.relations.len(), 1);
        }
    }
    assert_eq!(files(&p), before, "the files are as they were");
}

#[test]
fn the_gold_json_written_as_it_goes_has_the_bytes_of_the_dataset_made_whole() {
    let (dir, p) = rich();
    assert_eq!(p.entries.len(), 5);
    let out = dir.path().join("out/export.json");
    for done_only in [false, true] {
        for include_suggestions in [false, true] {
            for unit in Offsets::ALL {
                let options = ExportOptions { done_only, include_suggestions };
                let (whole, streamed) = both(&p, options, unit, &out);
                assert!(whole.len() > 100, "{options:?} {unit:?}");
                assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&whole), "{options:?} {unit:?}");
            }
        }
    }
    // An annotator's version, and a project with nothing to export.
    let named = Project::open_as(&p.root, None, Some("ann")).unwrap();
    let (whole, streamed) = both(&named, ExportOptions::default(), Offsets::Chars, &out);
    assert_eq!(streamed, whole);
    let (whole, streamed) = both(&named, ExportOptions { done_only: true, include_suggestions: false }, Offsets::Chars, &out);
    assert!(String::from_utf8_lossy(&whole).contains("\"documents\": []"));
    assert_eq!(streamed, whole);
}

#[test]
fn an_invalid_export_is_refused_alike_and_leaves_the_destination_as_it_was() {
    let (dir, mut p) = rich();
    // A schema without PER: every document's spans are invalid.
    p.schema = crate::model::Schema::from_label_names("other", &["GPE"], &[]);
    let whole = p.export(ExportOptions::default(), |_| {}).expect_err("invalid").to_string();
    let out = dir.path().join("export.json");
    fs::write(&out, "before").unwrap();
    let streamed = streamed_error(&p, &out, "invalid");
    assert_eq!(streamed, whole);
    assert!(whole.contains("PER"), "{whole}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "before");
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
}

/// Enough documents for every export thread to run ahead of the writing
/// many times over: written in id order whichever thread made them.
fn many(n: usize) -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("p");
    fs::create_dir_all(&root).unwrap();
    for i in 0..n {
        // Lengths differ, so that threads finish their documents unevenly.
        fs::write(root.join(format!("d{i:04}.txt")), format!("Lavrov {} à Pékin.", "et Wang Yi ".repeat(i % 17))).unwrap();
    }
    let mut p = Project::open(&root, None).unwrap();
    let schema = p.schema.clone();
    for i in 0..p.entries.len() {
        let mut doc = p.load(i).unwrap().doc;
        let e = doc.add_span_edit(CharIdx::new(0), CharIdx::new(6), "PER");
        doc.apply(e, &schema).unwrap();
        if i % 3 == 0 {
            doc.apply(Edit::SetStatus { status: Status::Done }, &schema).unwrap();
        }
        p.save(&doc).unwrap();
    }
    (dir, p)
}

#[test]
fn documents_made_by_several_threads_are_written_in_id_order() {
    let (dir, p) = many(203);
    let out = dir.path().join("export.json");
    for options in [ExportOptions::default(), ExportOptions { done_only: true, include_suggestions: false }] {
        let (whole, streamed) = both(&p, options, Offsets::Utf16, &out);
        assert_eq!(String::from_utf8_lossy(&streamed), String::from_utf8_lossy(&whole), "{options:?}");
    }
    let mut progress = Vec::new();
    let mut sink = Vec::new();
    p.export_json(ExportOptions::default(), &InMemory::new(), Offsets::Chars, &out, &mut sink, |i| progress.push(i)).unwrap();
    assert_eq!(progress, (1..=203).collect::<Vec<_>>());
}

/// The error of the streamed gold JSON export of `p` into `out`, which
/// must fail (`why`: what the test expects to stop it).
fn streamed_error(p: &Project, out: &std::path::Path, why: &str) -> String {
    export_project(p, ExportOptions::default(), &InMemory::new(), Format::Spanlab, &Options::default(), &format_tokens, out, false, |_| {})
        .expect_err(why)
        .to_string()
}

#[test]
fn the_first_document_that_cannot_be_read_stops_the_export_whatever_the_threads_did() {
    let (dir, p) = many(120);
    // Two broken annotation files: the export names the first, in id
    // order, as the export made whole does, and ends (no thread waits).
    for id in ["d0077", "d0101"] {
        fs::write(p.annotations.join("documents").join(format!("{id}.json")), "{ broken").unwrap();
    }
    let whole = p.export(ExportOptions::default(), |_| {}).expect_err("unreadable").to_string();
    assert!(whole.contains("d0077.json"), "{whole}");
    let out = dir.path().join("export.json");
    let streamed = streamed_error(&p, &out, "unreadable");
    assert_eq!(streamed, whole);
    assert!(!out.exists());
}

#[test]
fn a_corrupt_annotation_file_is_named_first_in_id_order_within_a_batch_or_across_threads() {
    let (dir, p) = many(60);
    let out = dir.path().join("export.json");
    let documents = p.annotations.join("documents");
    // The later of two broken files in one batch, then the earlier of two
    // in batches of different threads (d0013 in the second batch, d0017
    // in the third): the first in id order is named, whichever thread
    // read it first. One of them is not even UTF-8.
    for (broken, first) in [(["d0042", "d0041"], "d0041"), (["d0017", "d0013"], "d0013")] {
        let (dir2, p) = many(60);
        let documents = p.annotations.join("documents");
        fs::write(documents.join(format!("{}.json", broken[0])), "{ broken").unwrap();
        fs::write(documents.join(format!("{}.json", broken[1])), b"{\"format\": \"\xff\xfe\"}").unwrap();
        let whole = p.export(ExportOptions::default(), |_| {}).expect_err("unreadable").to_string();
        assert!(whole.contains(&format!("{first}.json")), "{whole}");
        let out = dir2.path().join("export.json");
        let streamed = streamed_error(&p, &out, "unreadable");
        assert_eq!(streamed, whole);
        assert!(!out.exists());
    }
    // Not UTF-8: the JSON error it always had, naming the file.
    fs::write(documents.join("d0005.json"), b"{\"format\": \"\xff\"}").unwrap();
    let streamed = streamed_error(&p, &out, "not UTF-8");
    assert!(streamed.contains("d0005.json") && streamed.contains("unicode"), "{streamed}");
}

/// A document opened with "open documents with suggestions accepted" on
/// remembers it in its annotation file (`accept_arrivals`); the export is
/// byte for byte what it was without it (the dataset format has no such
/// field: an internal one must not reach it).
#[test]
fn the_accepting_mark_stays_in_the_annotation_files_and_out_of_the_export() {
    let (dir, mut p) = rich();
    let out = dir.path().join("out/export.json");
    let options = [false, true].map(|include_suggestions| ExportOptions { done_only: false, include_suggestions });
    let before: Vec<_> = options.iter().map(|&o| both(&p, o, Offsets::Chars, &out)).collect();
    let schema = p.schema.clone();
    for i in 0..p.entries.len() {
        let mut doc = p.load(i).unwrap().doc;
        assert!(!doc.accepts_arrivals());
        doc.apply(Edit::SetAcceptArrivals { on: true }, &schema).unwrap();
        p.save(&doc).unwrap();
        assert!(p.load(i).unwrap().doc.accepts_arrivals(), "kept in its file");
    }
    let files: Vec<String> =
        fs::read_dir(p.annotations.join("documents")).unwrap().map(|e| fs::read_to_string(e.unwrap().path()).unwrap()).collect();
    assert_eq!(files.len(), p.entries.len());
    assert!(files.iter().all(|f| f.contains("\"accept_arrivals\": true")), "{files:?}");
    let after: Vec<_> = options.iter().map(|&o| both(&p, o, Offsets::Chars, &out)).collect();
    assert_eq!(after, before);
    assert!(after.iter().all(|(whole, _)| !String::from_utf8_lossy(whole).contains("accept")));
}
