//! The real reader: spaCy loads our `spacy-jsonl` and `.spacy` exports and
//! finds every span with `Doc.char_span(start, end, alignment_mode="strict")`
//! (tests/spacy_read.py), on the seeds, the WiNER-fr development set and
//! the sample corpus (emoji, CRLF, no-break spaces, Arabic, CJK).
//!
//! Needs a Python with spaCy: `$SPANLAB_SPACY_PYTHON`, else the peer venv
//! that shared/tools/setup-peer.sh makes, else `python3` if it imports
//! spacy. `.ci/run` installs one, and under `CI=true` its absence fails the
//! test; elsewhere the test says it skipped.

#![allow(clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{path_str, shared, spanlab, stderr, stdout};

fn python_with_spacy() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os("SPANLAB_SPACY_PYTHON") {
        candidates.push(p.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cache/spanlab-peer-venv/bin/python"));
        candidates.push(Path::new(&home).join(".cache/spanlab-ci-spacy/bin/python"));
    }
    candidates.push("python3".into());
    candidates.into_iter().find(|py| Command::new(py).args(["-c", "import spacy"]).output().is_ok_and(|o| o.status.success()))
}

fn run(args: &[&str]) {
    let o = spanlab(args);
    assert!(o.status.success(), "spanlab {args:?}: {}{}", stdout(&o), stderr(&o));
}

/// Exports `gold` (a dataset file) through a project as spacy-jsonl and
/// docbin, then has spaCy check both against the gold export.
fn check(py: &Path, gold: &Path, dir: &Path, name: &str, include_suggestions: bool) {
    let project = dir.join(name);
    run(&["import", path_str(gold), "--into", path_str(&project)]);
    let mut base = vec!["export", path_str(&project)];
    if include_suggestions {
        base.push("--include-suggestions");
    }
    let out = |ext: &str| dir.join(format!("{name}.{ext}"));
    let (json, jsonl, spacy) = (out("json"), out("jsonl"), out("spacy"));
    for (format, path) in [("spanlab", &json), ("spacy-jsonl", &jsonl), ("docbin", &spacy)] {
        let mut args = base.clone();
        args.extend(["--format", format, "--out", path_str(path)]);
        run(&args);
    }
    let o = Command::new(py)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spacy_read.py"))
        .args([path_str(&json), "--jsonl", path_str(&jsonl), "--docbin", path_str(&spacy)])
        .output()
        .expect("python runs");
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    eprintln!("{text}");
    assert!(o.status.success(), "spaCy could not read {name}: {text}");
    assert!(text.contains("spans found with char_span(strict)"), "{text}");
}

#[test]
fn spacy_reads_our_jsonl_and_docbin_and_finds_every_span() {
    let Some(py) =
        common::require(python_with_spacy(), "a Python with spaCy (set SPANLAB_SPACY_PYTHON, or run shared/tools/setup-peer.sh)")
    else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    // The sample corpus, with its suggestions as entities.
    let sample = dir.path().join("sample-suggested.json");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus");
    run(&["suggest", path_str(&corpus), "--out", path_str(&sample)]);
    check(&py, &sample, dir.path(), "sample", true);
    if let Some(shared) = shared() {
        check(&py, &shared.join("eval/seeds.gold.json"), dir.path(), "seeds", false);
        check(&py, &shared.join("eval/winer-fr/winer-fr.dev.json"), dir.path(), "winer-dev", false);
    }
}
