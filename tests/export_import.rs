//! Exports and imports that are interrupted or aimed at the wrong place
//! (issue 14: D8, D10, D11, D16 and the killed export's temporary file):
//! never into the project, a brat folder swapped in whole, an import that
//! finishes when run again, every warning said.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{path_str, spanlab, stderr, stdout};
use serde_json::{Value, json};
use spanlab::store::Project;

use common::fixture::*;

/// D8: `export DIR --out DIR/gold.json` wrote the export into the project,
/// where it was read as articles: every document twice, later exports failed.
#[test]
fn d8_an_export_into_the_project_is_refused_and_an_earlier_one_not_read_as_articles() {
    let s = Saved::new();
    for (name, format) in [("gold.json", "spanlab"), ("doccano.jsonl", "doccano"), ("brat", "brat"), ("sub/x.json", "spanlab")] {
        let out = s.project.join(name);
        refused(
            &spanlab(&["export", path_str(&s.project), "--out", path_str(&out), "--format", format]),
            &[name, "inside the project folder"],
        );
        assert!(!out.exists(), "{name}");
    }
    s.assert_unchanged();
    // Into its annotations folder is fine (the window's default).
    let inside = s.project.join("annotations/export.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&inside)]));
    fs::remove_file(&inside).expect("rm");
    // An export written there by an earlier version is not read as articles.
    fs::write(s.project.join("gold.json"), &s.export_before).expect("write");
    let p = Project::open(&s.project, None).expect("opens");
    assert_eq!(p.entries.iter().map(|e| e.id.0.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert!(p.warnings.iter().any(|w| w.contains("gold.json") && w.contains("not read as articles")), "{:?}", p.warnings);
    let out = s.path("again.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]));
    assert_eq!(fs::read(&out).expect("read"), s.export_before);
}

/// Every file under `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(dir).into_iter().filter(|(k, _)| !k.ends_with('/')).collect()
}

/// D10: a brat export killed midway left a mix of old and new `.ann` files.
/// It is written aside and swapped in: the old folder or the new, whole.
#[cfg(unix)]
#[test]
fn d10_a_killed_brat_export_leaves_the_old_folder_or_the_new_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs: Vec<Value> = (0..300)
        .map(|k| {
            let text = format!("Dépêche {k} : Sergueï Lavrov a rencontré Wang Yi.");
            json!({"id": format!("d{k:03}"), "source": format!("d{k:03}.txt"), "text": text, "entities": [entity(&text, "T1", "Sergueï Lavrov", "PER")]})
        })
        .collect();
    let input = dir.path().join("in.json");
    fs::write(&input, dataset(Value::Array(docs)).to_string()).expect("write");
    let root = dir.path().join("P");
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&root), "--format", "spanlab"]));
    let out = dir.path().join("brat");
    ok(&spanlab(&["export", path_str(&root), "--out", path_str(&out), "--format", "brat"]));
    let old = tree(&out);
    let mut p = Project::open(&root, None).expect("opens");
    for i in 0..p.entries.len() {
        let id = p.entries[i].id.0.clone();
        annotate(&mut p, &id, "Wang Yi", "PER").expect("saves");
    }
    let new_dir = dir.path().join("brat-new");
    ok(&spanlab(&["export", path_str(&root), "--out", path_str(&new_dir), "--format", "brat"]));
    let new = tree(&new_dir);
    assert_ne!(old, new);
    let mut rng = 7u64;
    let mut mid = 0;
    for round in 0..15 {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"))
            .args(["export", path_str(&root), "--out", path_str(&out), "--format", "brat"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("runs");
        std::thread::sleep(std::time::Duration::from_millis(50 + (rng >> 33) % 600));
        let _ = child.kill();
        let status = child.wait().expect("wait");
        mid += usize::from(status.code().is_none());
        let mut now = tree(&out);
        if !out.exists() {
            // Killed between its two renames: the old folder is aside, whole
            // (the next export puts it back).
            let aside = fs::read_dir(dir.path())
                .expect("list")
                .flatten()
                .find(|e| e.file_name().to_string_lossy().starts_with(".brat.tmp-") && e.file_name().to_string_lossy().ends_with('1'))
                .expect("the old folder aside");
            now = tree(&aside.path());
            fs::rename(aside.path(), &out).expect("put back");
        }
        assert!(now == old || now == new, "round {round}: a mix of {} files", now.len());
        // Back to the old export for the next round.
        if now == new {
            fs::remove_dir_all(&out).expect("rm");
            fs::create_dir_all(&out).expect("mkdir");
            for (k, v) in &old {
                fs::write(out.join(k), v).expect("write");
            }
        }
    }
    assert!(mid > 0, "some exports were killed midway");
    // A finished export cleans up what the killed ones left.
    ok(&spanlab(&["export", path_str(&root), "--out", path_str(&out), "--format", "brat"]));
    assert_eq!(tree(&out), new);
    let hidden: Vec<_> =
        fs::read_dir(dir.path()).expect("list").flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

/// D11: an import killed midway could not be finished (re-running it
/// refused: "already has annotations"), and validate called the half
/// project valid.
#[cfg(unix)]
#[test]
fn d11_an_interrupted_import_is_reported_and_finished_by_running_it_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let n = 1500;
    let docs: Vec<Value> = (0..n)
        .map(|k| {
            let text = format!("Dépêche {k} : Sergueï Lavrov a rencontré Wang Yi.");
            json!({"id": format!("d{k:04}"), "source": format!("d{k:04}.txt"), "text": text, "entities": [entity(&text, "T1", "Wang Yi", "PER")]})
        })
        .collect();
    let input = dir.path().join("in.json");
    fs::write(&input, dataset(Value::Array(docs)).to_string()).expect("write");
    let mut found_half = None;
    for attempt in 0..30u64 {
        let root = dir.path().join(format!("P{attempt}"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"))
            .args(["import", path_str(&input), "--into", path_str(&root), "--format", "spanlab"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("runs");
        std::thread::sleep(std::time::Duration::from_millis(150 + attempt * 70));
        let _ = child.kill();
        let _ = child.wait();
        let written = fs::read_dir(root.join("annotations/documents")).map(|l| l.count()).unwrap_or(0);
        if written > 0 && written < n {
            found_half = Some(root);
            break;
        }
    }
    let root = found_half.expect("an import killed midway");
    let o = spanlab(&["validate", path_str(&root)]);
    assert_eq!(o.status.code(), Some(1), "the half project is not valid: {}", stdout(&o));
    refused(&o, &["interrupted", "run it again"]);
    let msg = ok(&spanlab(&["import", path_str(&input), "--into", path_str(&root), "--format", "spanlab"]));
    assert!(msg.contains(&format!("imported {n} documents")) && msg.contains("already imported"), "{msg}");
    assert!(ok(&spanlab(&["validate", path_str(&root)])).contains(&format!("valid: {n} documents")));
    // Idempotent: once more changes nothing.
    let before = snapshot(&root);
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&root), "--format", "spanlab"]));
    assert_eq!(snapshot(&root), before);
    assert!(root.join("annotations/.gitignore").is_file());
}

/// D16: export printed none of the project's warnings (a JSONL file with a
/// bad line, an unreadable folder) and said "nothing lost".
#[cfg(unix)]
#[test]
fn d16_export_says_what_the_project_could_not_give_it() {
    let mut s = Saved::new();
    s.add("wire.jsonl", "{\"text\": \"Lavrov.\"}\n{\"text\": \"cut");
    let out = s.path("x.json");
    let o = spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let msg = format!("{}{}", stdout(&o), stderr(&o));
    assert!(msg.contains("wire.jsonl:2:") && msg.contains("incomplete"), "{msg}");
    assert!(out.exists(), "what could be read is written");
}

/// Minor: a killed export left its hidden temporary file behind; the next
/// export removes it.
#[test]
fn a_killed_exports_temporary_file_is_removed_by_the_next_export() {
    let s = Saved::new();
    let stale = s.path(".export.json.tmp-4000000000-0");
    fs::write(&stale, "half").expect("write");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&s.export)]));
    assert!(!stale.exists());
    s.assert_unchanged();
}
