//! The summary cache seen from a project: what opening one reads, and what
//! saving one records (see `store::summaries`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fs;
use std::path::Path;
use std::sync::Arc;

use super::*;
use crate::model::CharIdx;
use crate::model::Status;
use crate::store::summaries::{SUMMARIES_FILE, SummaryCache};
use crate::store::writer::{Ack, Job, Writer};

/// A project of three articles, the first two annotated (two spans and
/// one span; the first done), saved through `Project::save`.
fn annotated() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("a", "Lavrov a vu Wang Yi à Pékin."), ("b", "Macron est à Paris."), ("c", "Rien ici.")] {
        fs::write(dir.path().join(format!("{name}.txt")), text).unwrap();
    }
    let mut p = Project::open(dir.path(), None).unwrap();
    let schema = Schema::news();
    for (i, spans) in [(0, &[(0, 6), (12, 19)][..]), (1, &[(0, 6)][..])] {
        let mut doc = p.load(i).unwrap().doc;
        for &(s, e) in spans {
            let edit = doc.add_span_edit(CharIdx::new(s), CharIdx::new(e), "PER");
            doc.apply(edit, &schema).unwrap();
        }
        if i == 0 {
            doc.apply(crate::model::Edit::SetStatus { status: Status::Done }, &schema).unwrap();
        }
        p.save(&doc).unwrap();
    }
    (dir, p)
}

fn summaries(p: &Project) -> Vec<(String, Status, usize)> {
    p.entries.iter().map(|e| (e.id.0.clone(), e.summary.status, e.summary.spans)).collect()
}

fn expected() -> Vec<(String, Status, usize)> {
    vec![("a".into(), Status::Done, 2), ("b".into(), Status::New, 1), ("c".into(), Status::New, 0)]
}

fn cache_of(p: &Project, id: &str) -> Option<Known> {
    let path = annotation_path(&p.annotations, &DocId(id.into()));
    let stamp = Stamp::of_path(&path)?;
    SummaryCache::read(&p.annotations).take(path.file_name()?.to_str()?, stamp)
}

#[test]
fn saving_records_each_file_in_the_cache_and_opening_takes_it() {
    let (dir, p) = annotated();
    assert_eq!(summaries(&p), expected());
    let a = cache_of(&p, "a").expect("a is recorded as saved");
    assert_eq!((a.id.as_str(), a.source.as_str(), a.summary.spans, a.summary.status), ("a", "a.txt", 2, Status::Done));
    assert!(cache_of(&p, "b").is_some_and(|b| b.summary.spans == 1));
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(summaries(&again), expected());
}

#[test]
fn an_entry_whose_stamp_holds_answers_for_its_file() {
    // What the cache says is what the list shows (the file is not read):
    // a line recorded for b's file as it is, with other counts.
    let (dir, p) = annotated();
    let path = annotation_path(&p.annotations, &DocId("b".into()));
    let mut known = cache_of(&p, "b").unwrap();
    known.summary.spans = 7;
    summaries::append(&p.annotations, &[("b.json".into(), Stamp::of_path(&path).unwrap(), known)]).unwrap();
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(again.entries[1].summary.spans, 7);
}

#[test]
fn a_file_edited_outside_spanlab_is_read_again_even_with_its_size_and_time_kept() {
    let (dir, p) = annotated();
    let path = annotation_path(&p.annotations, &DocId("a".into()));
    let before = fs::metadata(&path).unwrap();
    let json = fs::read_to_string(&path).unwrap();
    // Same size: "done" becomes "new" with one more space.
    let edited = json.replacen("\"status\": \"done\"", "\"status\":  \"new\"", 1);
    assert_ne!(edited, json);
    assert_eq!(edited.len(), json.len());
    let f = fs::OpenOptions::new().write(true).open(&path).unwrap();
    use std::io::Write as _;
    (&f).write_all(edited.as_bytes()).unwrap();
    f.set_modified(before.modified().unwrap()).unwrap();
    drop(f);
    assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before.modified().unwrap());
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(again.entries[0].summary.status, Status::New, "the edited file is read, not the cache");
    // And the cache now holds what the file says.
    assert_eq!(cache_of(&again, "a").map(|k| k.summary.status), Some(Status::New));
    // A file added by hand (a checkout) is read, and recorded.
    let b = annotation_path(&p.annotations, &DocId("b".into()));
    fs::remove_file(&b).unwrap();
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(again.entries[1].summary, Summary::default(), "b's annotations are gone");
}

#[test]
fn a_corrupt_or_lying_cache_is_not_trusted_and_is_rebuilt() {
    let (dir, p) = annotated();
    let cache = p.annotations.join(SUMMARIES_FILE);
    fs::write(&cache, b"{\"format\":\"spanlab-summaries\",\"version\":1}\n{\"file\": \"a.js\x00\xff").unwrap();
    assert_eq!(summaries(&Project::open(dir.path(), None).unwrap()), expected());
    fs::write(&cache, b"not json at all").unwrap();
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(summaries(&again), expected());
    assert!(cache_of(&again, "a").is_some() && cache_of(&again, "b").is_some(), "rebuilt whole");
    // A line with a's stamp but b's id: the file's name is not that id's,
    // so the file is read.
    let a = annotation_path(&p.annotations, &DocId("a".into()));
    let mut liar = cache_of(&again, "b").unwrap();
    liar.summary.spans = 9;
    summaries::append(&p.annotations, &[("a.json".into(), Stamp::of_path(&a).unwrap(), liar)]).unwrap();
    assert_eq!(summaries(&Project::open(dir.path(), None).unwrap()), expected());
    // A cache that is a folder is passed over; the project opens.
    fs::remove_file(&cache).unwrap();
    fs::create_dir(&cache).unwrap();
    assert_eq!(summaries(&Project::open(dir.path(), None).unwrap()), expected());
}

#[test]
fn a_document_saved_by_the_writer_updates_the_cache() {
    let (dir, p) = annotated();
    let mut doc = p.load(2).unwrap().doc;
    let w = Writer::start(p.clone()).unwrap();
    w.send(Job::Opened { doc: doc.id.clone() });
    let edit = doc.add_span_edit(CharIdx::new(0), CharIdx::new(4), "PER");
    doc.apply(edit.clone(), &p.schema).unwrap();
    w.send(Job::Edits { doc: doc.id.clone(), edits: vec![edit] });
    w.send(Job::Save { doc: Arc::new(doc.clone()), force: false });
    let acks = w.flush();
    assert!(acks.iter().any(|a| matches!(a, Ack::Saved { doc, .. } if doc.0 == "c")), "{acks:?}");
    drop(w);
    assert_eq!(cache_of(&p, "c").map(|k| k.summary.spans), Some(1), "recorded as written");
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(again.entries[2].summary.spans, 1);
}

#[test]
fn opening_a_project_without_annotations_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Texte").unwrap();
    let _ = Project::open(dir.path(), None).unwrap();
    assert!(!dir.path().join("annotations").exists());
}

#[test]
fn a_cache_mostly_out_of_date_is_written_whole_again() {
    let (dir, mut p) = annotated();
    let doc = p.load(1).unwrap().doc;
    for _ in 0..100 {
        p.save(&doc).unwrap();
    }
    let lines = |p: &Path| fs::read_to_string(p).unwrap().lines().count();
    let cache = p.annotations.join(SUMMARIES_FILE);
    assert!(lines(&cache) > 100);
    let again = Project::open(dir.path(), None).unwrap();
    assert_eq!(summaries(&again), expected());
    assert_eq!(lines(&cache), 3, "a header and one line per annotated document");
}
