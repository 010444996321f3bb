//! Our files read by the other tools' own code (tests/peers.py), beyond
//! spaCy (tests/spacy.rs):
//!
//! - doccano's "Auto" encoding: chardet, as doccano 1.8.4 calls it, must
//!   take our doccano JSONL for ASCII or UTF-8, and every text and span
//!   read that way must be ours. It took the same records written as raw
//!   UTF-8 for Windows-1254 and the import failed.
//! - seqeval: the tags of our CoNLL, decoded in strict IOB2 the way the
//!   CoNLL-2003 loaders read a file (`-DOCSTART-` lines start documents),
//!   give every document and exactly the entities spanlab reads back.
//! - label-studio-sdk: `LabelInterface` finds every annotation and
//!   prediction of our tasks valid, Label Studio counts as labelled exactly
//!   the documents that are not `new`, and its converter's CoNLL export of
//!   our tasks reads back in spanlab with their entities.
//! - Hugging Face `datasets` loads our gold dataset JSON and our gold lines
//!   with every document, every entity and offsets that slice its text.
//!
//! Needs a Python with chardet 4 and seqeval: `$SPANLAB_SPACY_PYTHON`
//! (`.ci/run` installs them in its spaCy venv), else that venv, else
//! `python3`; one with label-studio-sdk: `$SPANLAB_LABEL_STUDIO_PYTHON`,
//! else the venv `.ci/run` makes for it; and one with `datasets`:
//! `$SPANLAB_DATASETS_PYTHON`, else its venv. Under `CI=true` their absence
//! fails the tests; elsewhere they say they skipped.

#![allow(clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{awkward_dataset, path_str, shared, spanlab, stderr, stdout};
use serde_json::{Value, json};

/// A Python that imports chardet and seqeval.
fn peers_python() -> Option<PathBuf> {
    python_with("chardet, seqeval.scheme", "SPANLAB_SPACY_PYTHON", "spanlab-ci-spacy")
}

/// A Python that imports `module`: `$VAR`, else `~/.cache/VENV` (what
/// `.ci/run` makes), else `python3`; [`common::require`]d.
fn python_with(module: &str, var: &str, venv: &str) -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(p) = std::env::var_os(var) {
        candidates.push(p.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(Path::new(&home).join(".cache").join(venv).join("bin/python"));
    }
    candidates.push("python3".into());
    let found = candidates
        .into_iter()
        .find(|py| Command::new(py).args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success()));
    common::require(found, &format!("a Python with {module} (set {var}; .ci/run installs it)"))
}

fn label_studio_python() -> Option<PathBuf> {
    python_with("label_studio_sdk.converter", "SPANLAB_LABEL_STUDIO_PYTHON", "spanlab-ci-label-studio")
}

/// Runs spanlab and expects success.
fn run(args: &[&str]) {
    let o = spanlab(args);
    assert!(o.status.success(), "spanlab {args:?}: {}{}", stdout(&o), stderr(&o));
}

/// Runs tests/peers.py; the JSON line it printed.
fn peers(py: &Path, what: &str, file: &Path) -> Value {
    peers_with(py, what, &[path_str(file)])
}

/// Runs tests/peers.py with its arguments; the JSON line it printed.
fn peers_with(py: &Path, what: &str, args: &[&str]) -> Value {
    let file = Path::new(args.first().copied().unwrap_or_default());
    let o = Command::new(py)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers.py"))
        .arg(what)
        .args(args)
        .output()
        .expect("python runs");
    let printed = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "peers.py {what} {}: {printed}{}", file.display(), String::from_utf8_lossy(&o.stderr));
    let line = printed.lines().find(|l| l.starts_with('{')).expect("peers.py prints a JSON line");
    serde_json::from_str(line).expect("json")
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// The datasets the checks run on: the sample corpus with its suggestions,
/// the awkward documents, and the seeds when ../shared is there.
fn datasets(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let sample = dir.join("sample.json");
    run(&["suggest", path_str(&Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus")), "--out", path_str(&sample)]);
    let awkward = dir.join("awkward.json");
    std::fs::write(&awkward, awkward_dataset().to_string()).expect("write");
    let mut all = vec![("sample", sample), ("awkward", awkward)];
    if let Some(shared) = shared() {
        all.push(("seeds", shared.join("eval/seeds.gold.json")));
    }
    all
}

#[test]
fn doccano_auto_encoding_reads_our_jsonl_as_we_wrote_it() {
    let Some(py) = peers_python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, gold) in datasets(dir.path()) {
        for shape in ["ner", "relations"] {
            let out = dir.path().join(format!("{name}-{shape}.jsonl"));
            run(&["convert", path_str(&gold), path_str(&out), "--to", "doccano", "--shape", shape]);
            let found = peers(&py, "doccano", &out);
            let encoding = found["encoding"].as_str().expect("encoding").to_ascii_lowercase();
            assert!(encoding == "ascii" || encoding == "utf-8", "{name} {shape}: chardet {} took it for {encoding}", found["chardet"]);
            let want: Vec<Value> = read_json(&gold)["documents"]
                .as_array()
                .expect("documents")
                .iter()
                .map(|d| {
                    let spans: Vec<Value> =
                        d["entities"].as_array().expect("entities").iter().map(|e| json!([e["text"], e["label"]])).collect();
                    json!([d["text"], spans])
                })
                .collect();
            assert_eq!(found["documents"], Value::Array(want.clone()), "{name} {shape}: what doccano reads");
            eprintln!(
                "{name} ({shape}): chardet {} reads {} documents as {encoding} (the same records as raw UTF-8: {})",
                found["chardet"],
                want.len(),
                found["raw_utf8_encoding"]
            );
        }
    }
}

#[test]
fn seqeval_decodes_every_document_and_entity_of_our_conll() {
    let Some(py) = peers_python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, gold) in datasets(dir.path()) {
        let conll = dir.path().join(format!("{name}.conll"));
        run(&["convert", path_str(&gold), path_str(&conll), "--to", "conll"]);
        let back = dir.path().join(format!("{name}-back.json"));
        run(&["convert", path_str(&conll), path_str(&back), "--from", "conll", "--to", "spanlab"]);
        let found = peers(&py, "seqeval", &conll);
        let documents = read_json(&gold)["documents"].as_array().map_or(0, Vec::len);
        assert_eq!(found["documents"], json!(documents), "{name}: one -DOCSTART- per document");
        // spanlab's reading of the same file, in its order: the entities'
        // text is their tokens joined by spaces.
        let back = read_json(&back);
        let mut ours: Vec<Value> = Vec::new();
        for (i, d) in back["documents"].as_array().expect("documents").iter().enumerate() {
            for e in d["entities"].as_array().expect("entities") {
                let text = e["text"].as_str().expect("text").split_whitespace().collect::<Vec<_>>().join(" ");
                ours.push(json!([i, text, e["label"]]));
            }
        }
        assert!(!ours.is_empty(), "{name}: entities to find");
        assert_eq!(found["entities"], Value::Array(ours), "{name}: seqeval's entities");
        eprintln!(
            "{name}: seqeval {} decodes {documents} documents and {} entities",
            found["seqeval"],
            found["entities"].as_array().map_or(0, Vec::len)
        );
    }
}

/// Our Label Studio tasks through label-studio-sdk: the sample corpus with
/// its documents done, in progress or not started (those carry predictions
/// only), and the seeds. Every annotation and prediction is valid for
/// `LabelInterface`; the tasks Label Studio counts as labelled are the
/// documents that are not `new` (it counted them all before); its
/// converter exports exactly those to CoNLL, and spanlab reads that file
/// back, with the sample's entities label for label.
#[test]
fn label_studio_sdk_validates_our_tasks_and_exports_only_the_labelled_ones() {
    let Some(py) = label_studio_python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = Vec::new();
    for (name, gold) in datasets(dir.path()) {
        if name == "awkward" {
            // Overlapping spans, which Label Studio's CoNLL export cannot hold.
            continue;
        }
        let mut data = read_json(&gold);
        if name == "sample" {
            for (i, d) in data["documents"].as_array_mut().expect("documents").iter_mut().enumerate() {
                let status = ["done", "new", "in_progress"][i % 3];
                d["status"] = json!(status);
                if status != "new" {
                    for e in d["entities"].as_array_mut().expect("entities") {
                        e.as_object_mut().expect("entity").remove("suggestion");
                    }
                }
            }
        }
        let path = dir.path().join(format!("{name}-statuses.json"));
        std::fs::write(&path, data.to_string()).expect("write");
        inputs.push((name, path, data));
    }
    for (name, gold, data) in inputs {
        let tasks = dir.path().join(format!("{name}-tasks.json"));
        run(&["convert", path_str(&gold), path_str(&tasks), "--to", "label-studio"]);
        let out = dir.path().join(format!("{name}-ls"));
        let found = peers_with(&py, "label-studio", &[path_str(&tasks), path_str(&out)]);
        assert_eq!(found["errors"], json!([]), "{name}: LabelInterface's validation");
        let documents = data["documents"].as_array().expect("documents");
        let started: Vec<&Value> = documents.iter().filter(|d| d["status"] != json!("new")).collect();
        assert_eq!(found["tasks"], json!(documents.len()), "{name}: {found}");
        assert_eq!(found["labelled"], json!(started.len()), "{name}: the tasks Label Studio counts as labelled");
        assert_eq!(found["converter_items"], json!(started.len()), "{name}: what its converter exports");
        let back = dir.path().join(format!("{name}-ls-back.json"));
        run(&["convert", path_str(&out.join("result.conll")), path_str(&back), "--from", "conll", "--to", "spanlab"]);
        let labels = |docs: Vec<&Value>| -> Vec<Value> {
            docs.iter().flat_map(|d| d["entities"].as_array().expect("entities").iter().map(|e| e["label"].clone())).collect()
        };
        let want = labels(started.clone());
        assert!(!want.is_empty(), "{name}: entities to export");
        let read_back = read_json(&back);
        let got = labels(read_back["documents"].as_array().expect("documents").iter().collect());
        // Its converter tokenizes with NLTK's Treebank tokenizer, made for
        // English: on the seeds' French it keeps elisions and sentence-final
        // periods inside tokens and joins two names in one token
        // ("Iran-Israël"), so there only the sample's entities are compared.
        if name == "sample" {
            assert_eq!(got, want, "{name}: the entities of its CoNLL");
        }
        eprintln!(
            "{name}: label-studio-sdk {} validates {} tasks, counts {} as labelled, exports {} of their {} entities to CoNLL that spanlab reads back",
            found["label_studio_sdk"],
            documents.len(),
            started.len(),
            got.len(),
            want.len()
        );
    }
}

/// Hugging Face `datasets` loads our gold dataset JSON (`field="documents"`)
/// and our gold lines: one row per document, every entity, and offsets
/// that slice the row's text to the entity's text.
#[test]
fn hf_datasets_loads_our_dataset_and_gold_lines() {
    let Some(py) = python_with("datasets", "SPANLAB_DATASETS_PYTHON", "spanlab-ci-datasets") else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, gold) in datasets(dir.path()) {
        let lines = dir.path().join(format!("{name}.gold.jsonl"));
        run(&["convert", path_str(&gold), path_str(&lines), "--to", "gold-lines"]);
        let o = Command::new(&py)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers.py"))
            .args(["datasets", path_str(&gold), path_str(&lines)])
            .env("HF_HOME", dir.path().join("hf"))
            .env("HF_HUB_OFFLINE", "1")
            .env("HF_DATASETS_OFFLINE", "1")
            .output()
            .expect("python runs");
        let printed = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "{name}: {printed}{}", String::from_utf8_lossy(&o.stderr));
        let found: Value = serde_json::from_str(printed.lines().find(|l| l.starts_with('{')).expect("a JSON line")).expect("json");
        let data = read_json(&gold);
        let documents = data["documents"].as_array().expect("documents");
        let entities: usize = documents.iter().map(|d| d["entities"].as_array().map_or(0, Vec::len)).sum();
        let want = json!({"rows": documents.len(), "entities": entities, "offsets_right": true});
        assert_eq!(found["dataset"], want, "{name}: the dataset JSON");
        assert_eq!(found["lines"], want, "{name}: the gold lines");
        eprintln!("{name}: datasets {} loads {} rows and {entities} entities from both", found["datasets"], documents.len());
    }
}
