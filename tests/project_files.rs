//! What a project folder may hold at the edges (issue 14: D7, D9, D12,
//! D14, D15, D17 and the minor ones): same-name articles, an annotation
//! file whose id was changed, named pipes, names that are not UTF-8 or
//! nearly 255 bytes long, UTF-32, what is passed over and why.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;

use common::{path_str, spanlab, stderr, stdout};
use serde_json::{Value, json};
use spanlab::model::DocId;
use spanlab::store::Project;

use common::fixture::*;

/// D7: adding `a.html` beside an annotated `a.txt` gave the HTML the id
/// `a` (and `a`'s spans "to review"); `a.txt` became `a~2` with nothing.
#[test]
fn d7_a_same_name_file_never_takes_over_an_annotated_document() {
    let mut s = Saved::new();
    s.add("a.html", "<p>Une autre page : Lavrov.</p>");
    let p = Project::open(&s.project, None).expect("opens");
    let a = p.position(&DocId("a".into())).expect("a listed");
    assert_eq!(p.entries[a].source, "a.txt");
    let l = p.load(a).expect("loads");
    assert_eq!((l.doc.spans().len(), l.doc.orphans.len(), l.report.text_changed), (3, 0, false));
    let html = p.entries.iter().find(|e| e.source == "a.html").expect("the page is listed");
    assert_eq!(html.id.0, "a~2");
    assert_eq!(p.load(p.position(&html.id).expect("listed")).expect("loads").doc.spans().len(), 0);
    s.assert_unchanged();
}

/// D9: a changed `id` in an annotation file hid the whole file, and
/// validate said valid.
#[test]
fn d9_an_annotation_file_whose_id_was_changed_is_reported_not_hidden() {
    let mut s = Saved::new();
    let mut v = saved_a();
    v["id"] = json!("zzz");
    s.add("annotations/documents/a.json", v.to_string());
    let o = spanlab(&["validate", path_str(&s.project)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let msg = refused(&o, &["a.json", "\"zzz\""]);
    assert_eq!(msg.matches("a.json: its \"id\" is \"zzz\"").count(), 1, "said once: {msg}");
    let err = s.load("a").map(|_| ()).expect_err("not loaded as if unannotated").to_string();
    assert!(err.contains("a.json") && err.contains("zzz"), "{err}");
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&s.path("x.json"))]), &["a.json"]);
    s.assert_unchanged();
}

/// D12: a named pipe in the folder hung `stats`, `validate`, `export` and
/// the window. Only regular files are read; the pipe is named.
#[cfg(unix)]
#[test]
fn d12_a_named_pipe_in_the_folder_is_passed_over_not_waited_on() {
    let s = Saved::new();
    for fifo in ["pipe.txt", "annotations/documents/c.json", "feed.jsonl"] {
        let made = std::process::Command::new("mkfifo").arg(s.project.join(fifo)).status().expect("mkfifo runs");
        assert!(made.success());
    }
    let out = s.path("x.json");
    for args in [
        vec!["stats", path_str(&s.project)],
        vec!["validate", path_str(&s.project)],
        vec!["export", path_str(&s.project), "--out", path_str(&out)],
    ] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"));
        cmd.args(&args);
        let o = common::run_for(cmd, 60).unwrap_or_else(|| panic!("{} hangs", args[0]));
        let msg = format!("{}{}", stdout(&o), stderr(&o));
        assert!(msg.contains("pipe.txt") && msg.contains("named pipe"), "{}: {msg}", args[0]);
    }
    let p = Project::open(&s.project, None).expect("opens");
    assert_eq!(p.entries.iter().map(|e| e.id.0.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    let mut h = harness(&s.project);
    settle(&mut h);
    assert!(messages(&h).contains("pipe.txt"));
}

/// D14: a file name that is not UTF-8 failed the whole export.
#[cfg(target_os = "linux")]
#[test]
fn d14_a_file_name_that_is_not_utf8_is_read_and_exported() {
    use std::os::unix::ffi::OsStrExt;
    let s = Saved::new();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    fs::write(s.project.join(name), "Lavrov au caf\u{e9}.").expect("write");
    let p = Project::open(&s.project, None).expect("opens");
    assert_eq!(p.entries.len(), 3);
    assert!(p.warnings.iter().any(|w| w.contains("not UTF-8")), "{:?}", p.warnings);
    let i = p.entries.iter().position(|e| e.source.starts_with("caf")).expect("listed");
    assert_eq!(p.load(i).expect("loads").doc.text().as_str(), "Lavrov au café.");
    let out = s.path("x.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]));
    let id = p.entries[i].id.0.clone();
    let mut p = p;
    annotate(&mut p, &id, "Lavrov", "PER").expect("saves");
    assert_eq!(Project::open(&s.project, None).expect("opens").load(i).expect("loads").doc.spans().len(), 1);
}

/// D15: articles whose names are 235 to 255 bytes long could never be saved.
#[test]
fn d15_articles_with_names_of_235_to_255_bytes_are_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("P");
    fs::create_dir_all(&root).expect("mkdir");
    let names = [format!("{}.txt", "n".repeat(231)), format!("{}.txt", "n".repeat(251)), format!("{}.txt", "é".repeat(125))];
    for name in &names {
        fs::write(root.join(name), TEXT_A).expect("write");
    }
    let mut p = Project::open(&root, None).expect("opens");
    for e in p.entries.clone() {
        annotate(&mut p, &e.id.0, "Wang Yi", "PER").unwrap_or_else(|err| panic!("{} bytes: {err}", e.source.len()));
    }
    let p = Project::open(&root, None).expect("opens");
    assert_eq!(p.entries.len(), 3);
    for i in 0..3 {
        assert_eq!(p.load(i).expect("loads").doc.spans().len(), 1, "{}", p.entries[i].source);
    }
    ok(&spanlab(&["validate", path_str(&root)]));
}

/// D17: UTF-32 with a BOM was read as UTF-16 with NULs between the letters.
#[test]
fn d17_an_article_in_utf32_with_a_bom_is_read() {
    let mut s = Saved::new();
    let mut bytes = vec![0xFF, 0xFE, 0, 0];
    bytes.extend(TEXT_B.chars().flat_map(|c| (c as u32).to_le_bytes()));
    s.add("utf32.txt", bytes);
    assert_eq!(s.load("utf32").expect("loads").doc.text().as_str(), TEXT_B);
    assert!(ok(&spanlab(&["stats", path_str(&s.project)])).contains("UTF-32LE"));
}

/// Minor: validate printed each JSON error twice.
#[test]
fn validate_says_each_problem_once() {
    let mut s = Saved::new();
    s.add("annotations/documents/a.json", "{ broken");
    let o = spanlab(&["validate", path_str(&s.project)]);
    let out = stdout(&o);
    assert_eq!(out.matches("a.json:1:").count(), 1, "{out}");
    assert!(out.contains("invalid: 1 problem"), "{out}");
}

/// Minor: stats left broken documents out of its counts.
#[test]
fn stats_counts_broken_documents() {
    let mut s = Saved::new();
    s.add("annotations/documents/a.json", "{ broken");
    let o = ok(&spanlab(&["stats", path_str(&s.project), "--json"]));
    let v: Value = serde_json::from_str(&o).expect("json");
    let by_status: i64 = v["by_status"].as_object().expect("map").values().map(|n| n.as_i64().expect("count")).sum();
    assert_eq!(by_status, v["documents"].as_i64().expect("documents"), "{o}");
    assert_eq!(v["by_status"]["unreadable"], json!(1));
}

/// Minor: folders and files passed over by rule were passed over silently.
#[test]
fn what_is_passed_over_is_said() {
    let mut s = Saved::new();
    for rel in ["README.md", "target/t.txt", "node_modules/n.txt", "sub/annotations/x.txt"] {
        s.add(rel, "Texte.");
    }
    let o = ok(&spanlab(&["validate", path_str(&s.project)]));
    let err = stderr(&spanlab(&["validate", path_str(&s.project)]));
    for name in ["README.md", "target", "node_modules", "sub/annotations"] {
        assert!(err.contains(name), "{name}: {err}");
    }
    assert!(o.contains("valid: 2 documents"), "{o}");
}

/// Minor: `&#0;` in an HTML article became a NUL.
#[test]
fn a_nul_reference_in_html_is_no_nul() {
    let mut s = Saved::new();
    s.add("page.html", "<p>Lavrov&#0;Wang</p>");
    assert_eq!(s.load("page").expect("loads").doc.text().as_str(), "Lavrov\u{FFFD}Wang");
}
