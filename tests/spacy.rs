//! The real reader: spaCy loads our `spacy-jsonl` and `.spacy` exports and
//! finds every span with `Doc.char_span(start, end, alignment_mode="strict")`
//! (tests/spacy_read.py), on the seeds, the WiNER-fr development set, the
//! sample corpus and a few awkward documents (emoji, CRLF, no-break spaces,
//! combining marks, Arabic, overlapping entities, an empty text). And the
//! other way: spaCy writes a DocBin of its own (tests/spacy_write.py) and
//! spanlab reads its texts and `doc.ents` exactly.
//!
//! And spaCy's own converter: `spacy convert FILE --converter ner` on our
//! CoNLL (tests/spacy_convert.py) finds every document and the entities
//! spanlab reads back from the same file.
//!
//! Needs a Python with spaCy: `$SPANLAB_SPACY_PYTHON`, else the peer venv
//! that shared/tools/setup-peer.sh makes, else `python3` if it imports
//! spacy. `.ci/run` installs one, and under `CI=true` its absence fails the
//! tests; elsewhere they say they skipped.

#![allow(clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{path_str, shared, spanlab, stderr, stdout};
use serde_json::{Value, json};

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

/// A Python with spaCy, [`common::require`]d.
fn spacy_python() -> Option<PathBuf> {
    common::require(python_with_spacy(), "a Python with spaCy (set SPANLAB_SPACY_PYTHON, or run shared/tools/setup-peer.sh)")
}

/// Runs spanlab; its standard output.
fn run(args: &[&str]) -> String {
    let o = spanlab(args);
    assert!(o.status.success(), "spanlab {args:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// Runs one of the Python scripts beside this file; what it printed.
fn python(py: &Path, script: &str, args: &[&str]) -> String {
    let o =
        Command::new(py).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(script)).args(args).output().expect("python runs");
    let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    eprintln!("{text}");
    assert!(o.status.success(), "{script} {args:?} failed: {text}");
    text
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
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
    let text = python(py, "spacy_read.py", &[path_str(&json), "--jsonl", path_str(&jsonl), "--docbin", path_str(&spacy)]);
    assert!(text.contains("spans found with char_span(strict)"), "{name}: {text}");
}

#[test]
fn spacy_reads_our_jsonl_and_docbin_and_finds_every_span() {
    let Some(py) = spacy_python() else { return };
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

/// Documents that are hard on a tokenizer and on `doc.ents`, as a gold
/// dataset: `(id, text, [(entity text, label)])`, each entity the first
/// occurrence of its text; in d5 "Paris" is inside an ORG and "Paris et
/// Lyon" straddles its end, with a relation between the nested two.
fn awkward_dataset() -> Value {
    /// Entities as `(text to find, label)`.
    type Needles<'a> = &'a [(&'a str, &'a str)];
    let docs: [(&str, &str, Needles); 8] = [
        (
            "d1",
            "Emmanuel Macron 😀 a reçu\r\nSergueï Lavrov à l'Élysée.",
            &[("Emmanuel Macron", "PER"), ("😀", "EMOJI"), ("Sergueï Lavrov", "PER"), ("Élysée", "LOC")],
        ),
        ("d2", "Le 3\u{a0}mai, l'ONU\u{a0}a voté  deux fois.", &[("3\u{a0}mai", "DATE"), ("ONU", "ORG"), ("  deux", "CARDINAL")]),
        ("d3", "Zoe\u{301} et Rene\u{301}e à Sète", &[("Zoe\u{301}", "PER"), ("Rene", "PER"), ("Sète", "GPE")]),
        ("d4", "التقى محمد بن سلمان بالرئيس في الرياض", &[("محمد بن سلمان", "PER"), ("الرياض", "GPE")]),
        ("d5", "Université de Paris et Lyon", &[("Université de Paris", "ORG"), ("Paris", "GPE"), ("Paris et Lyon", "LOC")]),
        ("d6", "", &[]),
        ("d7", "ORG PER _ TAG 🇫🇷\r\n\r\n", &[("ORG", "ORG"), ("🇫🇷", "PERSON")]),
        ("d8", "  Lyon\t", &[(" ", "GAP"), ("Lyon", "GPE")]),
    ];
    let mut labels: Vec<&str> = Vec::new();
    let mut documents = Vec::new();
    for (id, text, needles) in docs {
        let mut entities: Vec<(usize, usize, &str, &str)> = needles
            .iter()
            .map(|&(needle, label)| {
                let start = text[..text.find(needle).expect("the needle is in the text")].chars().count();
                (start, start + needle.chars().count(), label, needle)
            })
            .collect();
        entities.sort();
        for e in &entities {
            if !labels.contains(&e.2) {
                labels.push(e.2);
            }
        }
        let id_of = |needle: &str| entities.iter().position(|e| e.3 == needle).map(|i| format!("T{}", i + 1));
        let relations = match (id_of("Paris"), id_of("Université de Paris")) {
            (Some(head), Some(tail)) => vec![json!({"id": "R1", "head": head, "tail": tail, "label": "LOCATED_IN"})],
            _ => Vec::new(),
        };
        let entities: Vec<Value> = entities
            .iter()
            .enumerate()
            .map(|(i, (s, e, label, t))| json!({"id": format!("T{}", i + 1), "start": s, "end": e, "label": label, "text": t}))
            .collect();
        documents.push(json!({"id": id, "text": text, "status": "done", "entities": entities, "relations": relations}));
    }
    json!({
        "format": "spanlab-dataset",
        "version": 1,
        "schema": {"name": "awkward", "entity_labels": labels, "relation_labels": ["LOCATED_IN"]},
        "documents": documents,
    })
}

#[test]
fn spacy_reads_awkward_docbins_and_spanlab_reads_the_ones_spacy_writes() {
    let Some(py) = spacy_python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name);
    let gold = path("awkward.json");
    std::fs::write(&gold, awkward_dataset().to_string()).expect("write");

    // spanlab → spaCy: every span found, the texts exact, the overlapping
    // ones out of doc.ents ...
    let ours = path("ours.spacy");
    run(&["convert", path_str(&gold), path_str(&ours), "--to", "docbin"]);
    let text = python(&py, "spacy_read.py", &[path_str(&gold), "--docbin", path_str(&ours)]);
    assert!(text.contains("8 documents, 19 spans found with char_span(strict), 17 in doc.ents"), "{text}");
    // ... and back in spanlab, all of it, relation and statuses included.
    let back = path("back.json");
    run(&["convert", path_str(&ours), path_str(&back), "--from", "docbin", "--to", "spanlab"]);
    let mut want = read_json(&gold);
    let got = read_json(&back);
    let docs = want["documents"].as_array_mut().expect("documents");
    for (w, g) in docs.iter_mut().zip(got["documents"].as_array().expect("documents")) {
        // What spanlab adds to a record: its source (none) and checksum.
        w["source"] = g["source"].clone();
        w["sha256"] = g["sha256"].clone();
    }
    assert_eq!(got["documents"], want["documents"]);

    // spaCy → spanlab: spaCy's own tokens, attributes, categories, span
    // groups and user data.
    let (made, expected) = (path("made.spacy"), path("expected.json"));
    python(&py, "spacy_write.py", &[path_str(&gold), path_str(&made), path_str(&expected)]);
    let read = path("made.json");
    let report = run(&["convert", path_str(&made), path_str(&read), "--from", "docbin", "--to", "spanlab"]);
    let expected = read_json(&expected);
    let got = read_json(&read);
    let got_docs = got["documents"].as_array().expect("documents");
    let want_docs = expected["documents"].as_array().expect("documents");
    assert_eq!(got_docs.len(), want_docs.len());
    for (g, w) in got_docs.iter().zip(want_docs) {
        assert_eq!(g["text"], w["text"], "{}", g["id"]);
        let entities: Vec<Value> =
            g["entities"].as_array().expect("entities").iter().map(|e| json!([e["start"], e["end"], e["label"]])).collect();
        assert_eq!(Value::Array(entities), w["entities"], "{}", g["id"]);
    }
    for what in expected["report"].as_array().expect("report") {
        let what = what.as_str().expect("a string");
        assert!(report.contains(&format!("not carried: 1 × {what}")), "the report names {what}: {report}");
    }
}

/// `spacy convert --converter ner` on our CoNLL, for a dataset file: spaCy
/// must find one document per non-empty document of the dataset (it merged
/// them, `-DOCSTART-` lines included as tokens, while we wrote another
/// delimiter than the one it splits on), and exactly the entities spanlab
/// reads back from the file.
fn check_spacy_convert(py: &Path, gold: &Path, dir: &Path, name: &str) {
    let conll = dir.join(format!("{name}.conll"));
    run(&["convert", path_str(gold), path_str(&conll), "--to", "conll"]);
    let back = dir.join(format!("{name}-back.json"));
    run(&["convert", path_str(&conll), path_str(&back), "--from", "conll", "--to", "spanlab"]);
    let out = dir.join(format!("{name}-spacy"));
    let printed = python(py, "spacy_convert.py", &[path_str(&conll), path_str(&out)]);
    let line = printed.lines().find(|l| l.starts_with('{')).expect("spacy_convert.py prints a JSON line");
    let found: Value = serde_json::from_str(line).expect("json");
    let gold = read_json(gold);
    let non_empty = gold["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["text"].as_str().is_some_and(|t| !t.trim().is_empty()))
        .count();
    assert_eq!(found["documents"], json!(non_empty), "{name}: spaCy's documents");
    let ours: Vec<Value> = read_json(&back)["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .filter(|d| d["text"].as_str().is_some_and(|t| !t.trim().is_empty()))
        .enumerate()
        .flat_map(|(i, d)| {
            d["entities"].as_array().expect("entities").iter().map(move |e| json!([i, e["text"], e["label"]])).collect::<Vec<_>>()
        })
        .collect();
    assert!(!ours.is_empty(), "{name}: entities to find");
    assert_eq!(found["entities"], Value::Array(ours), "{name}: spaCy's entities");
    eprintln!("{name}: spacy convert found {non_empty} documents and {} entities", found["entities"].as_array().map_or(0, Vec::len));
}

#[test]
fn spacy_convert_finds_every_document_and_entity_of_our_conll() {
    let Some(py) = spacy_python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let sample = dir.path().join("sample-suggested.json");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus");
    run(&["suggest", path_str(&corpus), "--out", path_str(&sample)]);
    check_spacy_convert(&py, &sample, dir.path(), "sample");
    let awkward = dir.path().join("awkward.json");
    std::fs::write(&awkward, awkward_dataset().to_string()).expect("write");
    check_spacy_convert(&py, &awkward, dir.path(), "awkward");
    if let Some(shared) = shared() {
        check_spacy_convert(&py, &shared.join("eval/seeds.gold.json"), dir.path(), "seeds");
    }
}
