//! The command line, end to end: import → export round trips, validation
//! messages, suggest → score.py, eval against score.py, stats.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{path_str, shared, spanlab, stderr, stdout};
use serde_json::{Value, json};

fn read_json(p: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("json")
}

#[test]
fn seeds_import_then_export_gives_the_same_dataset() {
    // Reads ../shared/eval/seeds.gold.json.
    let Some(shared) = shared() else { return };
    let gold = shared.join("eval/seeds.gold.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("P");
    let out = dir.path().join("X.json");
    let o = spanlab(&["import", path_str(&gold), "--into", path_str(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = spanlab(&["export", path_str(&project), "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out), read_json(&gold));
    // And exporting again gives the same bytes.
    let out2 = dir.path().join("Y.json");
    spanlab(&["export", path_str(&project), "--out", path_str(&out2)]);
    assert_eq!(std::fs::read(&out).expect("x"), std::fs::read(&out2).expect("y"));
}

#[test]
fn winer_dev_round_trips_with_its_extra_fields_and_labels() {
    // Reads ../shared/eval/winer-fr/winer-fr.dev.json (MISC label, provenance block, source_label fields).
    let Some(shared) = shared() else { return };
    let gold = shared.join("eval/winer-fr/winer-fr.dev.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("W");
    let out = dir.path().join("W.json");
    assert!(spanlab(&["import", path_str(&gold), "--into", path_str(&project)]).status.success());
    let o = spanlab(&["export", path_str(&project), "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out), read_json(&gold));
}

fn bad_dataset() -> Value {
    let text = "Lavrov a rencontré Wang Yi à Pékin.";
    json!({
        "format": "spanlab-dataset", "version": 1,
        "schema": {"name": "news", "entity_labels": ["PER","ORG","GPE","LOC","DATE","EVENT"],
                   "relation_labels": ["MEETS","ROLE_IN","VISITS","MEMBER_OF","LOCATED_IN","SUPPORTS","OPPOSES","PARTICIPATES_IN","DATE_OF"]},
        "documents": [{
            "id": "doc-1", "source": "doc-1.txt", "text": text, "status": "done",
            "entities": [
                {"id": "T1", "start": 0, "end": 6, "label": "PER", "text": "Lavrov"},
                {"id": "T2", "start": 19, "end": 26, "label": "PER", "text": "Wang Yi"},
                {"id": "T3", "start": 29, "end": 99, "label": "GPE", "text": "Pékin"},
                {"id": "T4", "start": 29, "end": 34, "label": "GPE", "text": "Pekin"},
                {"id": "T5", "start": 2, "end": 8, "label": "CITY", "text": "vrov a"},
                {"id": "T6", "start": 19, "end": 23, "label": "ORG", "text": "Wang"}
            ],
            "relations": [
                {"id": "R1", "head": "T1", "tail": "T9", "label": "MEETS"},
                {"id": "R2", "head": "T1", "tail": "T6", "label": "VISITS"}
            ]
        }]
    })
}

#[test]
fn validate_names_every_problem_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, bad_dataset().to_string()).expect("write");
    let o = spanlab(&["validate", path_str(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    for needle in [
        "document doc-1: entity T3: offsets [29, 99) out of range for a text of 35 code points",
        "document doc-1: entity T4: text[29:34] is \"Pékin\" but the entity's text is \"Pekin\"",
        "document doc-1: entity T5: unknown label \"CITY\"",
        "document doc-1: entity T2: PER [19, 26) overlaps entity T6 (ORG); the schema forbids overlapping spans",
        "document doc-1: relation R1: tail \"T9\" names no entity of this document (dangling relation)",
        "document doc-1: relation R2: VISITS is not allowed from PER to ORG",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
        assert!(out.lines().any(|l| l.starts_with(path_str(&bad)) && l.contains(needle)), "the line names the file");
    }
}

#[test]
fn validate_reports_broken_json_with_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("truncated.json");
    std::fs::write(&bad, "{\n \"format\": \"spanlab-dataset\",\n \"version\": 1,\n \"documents\": [").expect("write");
    let o = spanlab(&["validate", path_str(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("truncated.json:4:"), "{}", stdout(&o));
}

#[test]
fn an_invalid_dataset_is_not_imported_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, bad_dataset().to_string()).expect("write");
    let project = dir.path().join("P");
    let o = spanlab(&["import", path_str(&bad), "--into", path_str(&project)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("dangling relation"), "{}", stderr(&o));
    assert!(!project.exists(), "nothing written");
}

#[test]
fn import_refuses_to_overwrite_an_article_with_another_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut good = bad_dataset();
    good["documents"][0]["entities"] = json!([{"id": "T1", "start": 0, "end": 6, "label": "PER", "text": "Lavrov"}]);
    good["documents"][0]["relations"] = json!([]);
    let file = dir.path().join("good.json");
    std::fs::write(&file, good.to_string()).expect("write");
    let project = dir.path().join("P");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("doc-1.txt"), "another text").expect("write");
    let o = spanlab(&["import", path_str(&file), "--into", path_str(&project)]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("holds another text"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(project.join("doc-1.txt")).expect("read"), "another text");
}

#[test]
fn export_done_only_and_with_suggestions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = dir.path().join("P");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("a.txt"), "Le président français Emmanuel Macron est arrivé à Berlin le 3 mars 2025.").expect("write");
    let s = dir.path().join("S.json");
    let o = spanlab(&["suggest", path_str(&project), "--out", path_str(&s)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&s);
    assert_eq!(v["documents"][0]["status"], "new");
    let all = dir.path().join("all.json");
    assert!(spanlab(&["export", path_str(&project), "--out", path_str(&all)]).status.success());
    assert_eq!(read_json(&all)["documents"].as_array().map(Vec::len), Some(1));
    let done = dir.path().join("done.json");
    assert!(spanlab(&["export", path_str(&project), "--out", path_str(&done), "--done-only"]).status.success());
    assert_eq!(read_json(&done)["documents"].as_array().map(Vec::len), Some(0));
}

#[test]
fn suggest_on_the_seeds_writes_what_score_py_accepts_and_eval_agrees_with_it() {
    // Reads ../shared/seeds and runs ../shared/tools/score.py with python3.
    let Some(shared) = shared() else { return };
    let Some(python3) = common::python3() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let s = dir.path().join("S.json");
    let o = spanlab(&["suggest", path_str(&shared.join("seeds")), "--out", path_str(&s)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let gold = shared.join("eval/seeds.gold.json");
    for extra in [vec!["--map", "GPE=LOC", "--labels", "PER,ORG,LOC"], vec![]] {
        let mut args = vec![
            path_str(&shared.join("tools/score.py")).to_owned(),
            path_str(&gold).to_owned(),
            path_str(&s).to_owned(),
            "--json".to_owned(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let py = std::process::Command::new(python3).args(&args).output().expect("python3 runs");
        assert!(py.status.success(), "score.py rejected our file: {}", String::from_utf8_lossy(&py.stderr));
        let py_json: Value = serde_json::from_str(String::from_utf8_lossy(&py.stdout).lines().last().expect("json line")).expect("json");
        let mut ours_args = vec!["eval", "--gold", path_str(&gold), "--pred", path_str(&s), "--json"];
        ours_args.extend(extra.iter().copied());
        let ours = spanlab(&ours_args);
        assert!(ours.status.success(), "{}", stderr(&ours));
        let ours_json: Value = serde_json::from_str(stdout(&ours).lines().last().expect("json line")).expect("json");
        assert_eq!(ours_json["micro"]["f1"], py_json["entities"]["micro"]["f1"], "micro f1");
        assert_eq!(ours_json["micro"]["tp"], py_json["entities"]["micro"]["tp"]);
        assert_eq!(ours_json["lenient_micro"]["f1"], py_json["entities"]["lenient_micro"]["f1"], "lenient f1");
        assert_eq!(ours_json["effort"]["actions"], py_json["effort"]["actions"], "effort");
        assert_eq!(ours_json["effort"]["ratio"], py_json["effort"]["ratio"]);
        assert_eq!(ours_json["macro_f1"], py_json["entities"]["macro"]["f1"]);
        for (label, v) in py_json["entities"]["per_label"].as_object().expect("labels") {
            assert_eq!(ours_json["per_label"][label]["f1"], v["f1"], "{label}");
            assert_eq!(ours_json["per_label"][label]["lenient"]["f1"], v["lenient"]["f1"], "{label} lenient");
        }
    }
}

#[test]
fn stats_counts_the_sample_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/corpus");
    let dir = tempfile::tempdir().expect("tempdir");
    let o = spanlab(&["stats", path_str(&root), "--annotations", path_str(dir.path()), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["documents"], 9, "8 files, one of them a JSONL with 2 documents");
    assert!(v["encodings"].as_object().expect("encodings").keys().any(|k| k.starts_with("windows-1252")), "{v}");
}

#[test]
fn help_is_there_for_every_command() {
    for cmd in ["suggest", "import", "export", "validate", "stats", "eval", "agree"] {
        let o = spanlab(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd}");
        assert!(stdout(&o).contains("Usage"), "{cmd}");
    }
}

/// docs/formats.md shows each format as the tool writes it today (from
/// docs/example.json; regenerate with `python3 docs/make-formats.py`).
#[test]
fn the_format_examples_in_the_docs_are_what_the_tool_writes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/formats.md")).expect("docs/formats.md");
    let example = root.join("docs/example.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[&str], &str); 9] = [
        ("spanlab", &[], "a.json"),
        ("spanlab", &["--offsets", "utf16"], "b.json"),
        ("doccano", &[], "c.jsonl"),
        ("doccano", &["--shape", "ner"], "d.jsonl"),
        ("spacy-jsonl", &[], "e.jsonl"),
        ("label-studio", &[], "f.json"),
        ("brat", &[], "g"),
        ("conll", &[], "h.conll"),
        ("docbin", &[], "i.spacy"),
    ];
    for (format, extra, name) in cases {
        let out = dir.path().join(name);
        let mut args = vec!["convert", path_str(&example), path_str(&out), "--to", format];
        args.extend_from_slice(extra);
        let o = spanlab(&args);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        let block = |content: &str| format!("```\n{}\n```\n", content.trim_end_matches('\n'));
        if format == "brat" {
            for entry in std::fs::read_dir(&out).expect("brat folder") {
                let path = entry.expect("entry").path();
                let content = std::fs::read_to_string(&path).expect("utf-8");
                assert!(docs.contains(&block(&content)), "docs/formats.md is out of date for brat {}", path.display());
            }
        } else if format != "docbin" {
            let content = std::fs::read_to_string(&out).expect("utf-8");
            assert!(docs.contains(&block(&content)), "docs/formats.md is out of date for {format} {extra:?}");
        }
        let printed = stdout(&o);
        let report = printed.split_once(&format!("wrote {}\n", out.display())).map(|(_, r)| r).expect("a report after the wrote line");
        assert!(docs.contains(&block(report)), "docs/formats.md has another report for {format} {extra:?}:\n{report}");
    }
}

/// `--strict` turns a loss into an error that names it, and writes nothing;
/// a lossless conversion passes.
#[test]
fn strict_refuses_lossy_conversions_and_writes_nothing() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("docs/example.json");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.conll");
    let o = spanlab(&["convert", path_str(&example), path_str(&out), "--to", "conll", "--strict"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("--strict") && err.contains("relations (CoNLL has no place for relations)"), "{err}");
    assert!(!out.exists(), "nothing written");
    let ok = dir.path().join("x.jsonl");
    let o = spanlab(&["convert", path_str(&example), path_str(&ok), "--to", "spacy-jsonl", "--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Importing with --strict: a CoNLL file without its texts loses the
    // spacing, so nothing is imported.
    let conll = dir.path().join("y.conll");
    assert!(spanlab(&["convert", path_str(&example), path_str(&conll), "--to", "conll"]).status.success());
    let project = dir.path().join("p");
    let o = spanlab(&["import", path_str(&conll), "--into", path_str(&project), "--strict"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("text rebuilt from tokens"), "{}", stderr(&o));
    assert!(!project.exists(), "no project folder made");
    // With the texts, it is exact.
    let o = spanlab(&["import", path_str(&conll), "--into", path_str(&project), "--texts", path_str(&example), "--strict"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("nothing lost"), "{}", stdout(&o));
}

/// Two annotators of the same ten-word document, figures worked out by hand
/// (the same case as `model::agree`'s unit test), through the command line:
/// tables, `--json`, a project folder as a version, and the errors.
#[test]
fn agree_compares_datasets_and_project_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "a b c d e f g h i j";
    let ent = |id: &str, s: usize, e: usize, l: &str| json!({"id": id, "start": s, "end": e, "label": l, "text": &text[s..e]});
    let dataset = |ents: Vec<Value>| {
        json!({"format": "spanlab-dataset", "version": 1, "schema": {"name": "news", "entity_labels": ["PER", "ORG", "GPE", "LOC"]},
               "documents": [{"id": "d", "text": text, "status": "done", "entities": ents, "relations": []}]})
    };
    let ann = dir.path().join("ann.json");
    let bob = dir.path().join("bob.json");
    std::fs::write(&ann, dataset(vec![ent("T1", 0, 3, "PER"), ent("T2", 6, 7, "ORG"), ent("T3", 10, 11, "LOC")]).to_string()).expect("w");
    std::fs::write(
        &bob,
        dataset(vec![ent("T1", 0, 1, "PER"), ent("T2", 6, 7, "ORG"), ent("T3", 10, 11, "GPE"), ent("T4", 16, 17, "PER")]).to_string(),
    )
    .expect("w");
    let o = spanlab(&["agree", path_str(&ann), path_str(&bob)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("2 annotators (ann, bob), 1 documents in common, 10 token units"), "{out}");
    // Exact 2/7, partial 4/7, kappa .29/.59.
    assert!(out.contains("ann – bob     0.286       0.571"), "{out}");
    assert!(out.contains("0.492"), "{out}");
    let o = spanlab(&["agree", path_str(&ann), path_str(&bob), "--names", "A,B", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["annotators"], json!(["A", "B"]));
    assert_eq!(v["pairs"][0]["all"]["exact"], json!({"first": 3, "second": 4, "matched_first": 1, "matched_second": 1}));
    assert!((v["chance"]["kappa"].as_f64().expect("kappa") - 0.29 / 0.59).abs() < 1e-9);
    // A project folder is a version too (its annotations, exported).
    let project = dir.path().join("bobs-project");
    let o = spanlab(&["import", path_str(&bob), "--into", path_str(&project)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = spanlab(&["agree", path_str(&ann), path_str(&project), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let w: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(w["pairs"][0]["all"], v["pairs"][0]["all"]);
    // Several annotators in one project, side by side: one file per
    // document and annotator; `agree DIR` compares them all.
    let team = dir.path().join("team");
    for (who, file) in [("ann", &ann), ("bob", &bob)] {
        let o = spanlab(&["import", path_str(file), "--into", path_str(&team), "--annotator", who]);
        assert!(o.status.success(), "{}", stderr(&o));
        let saved = read_json(&team.join(format!("annotations/annotators/{who}/documents/d.json")));
        assert_eq!(saved["annotator"], json!(who), "the file says whose it is");
    }
    let o = spanlab(&["agree", path_str(&team), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(t["annotators"], json!(["ann", "bob"]));
    assert_eq!(t["pairs"][0]["all"], v["pairs"][0]["all"]);
    let out = dir.path().join("bob-export.json");
    let o = spanlab(&["export", path_str(&team), "--annotator", "bob", "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let exported = read_json(&out);
    assert_eq!(exported["documents"][0]["annotator"], json!("bob"));
    assert_eq!(exported["documents"][0]["entities"].as_array().map(Vec::len), Some(4));
    let o = spanlab(&["import", path_str(&bob), "--into", path_str(&team), "--annotator", "../evil"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("annotator name \"../evil\""), "{}", stderr(&o));
    assert!(!dir.path().join("evil").exists());
    // Errors name what is wrong.
    let o = spanlab(&["agree", path_str(&ann)]);
    assert_eq!(o.status.code(), Some(2));
    let o = spanlab(&["agree", path_str(&project)]);
    assert!(stderr(&o).contains("0 annotator(s)"), "{}", stderr(&o));
    let other = dir.path().join("other.json");
    let mut changed = dataset(vec![]);
    changed["documents"][0]["text"] = json!("a b c d e f g h i J");
    std::fs::write(&other, changed.to_string()).expect("w");
    let o = spanlab(&["agree", path_str(&ann), path_str(&other)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("document \"d\": the text of ann and of other differ (first difference at code point 18)"),
        "{}",
        stderr(&o)
    );
    let o = spanlab(&["agree", path_str(&ann), path_str(&ann)]);
    assert!(stderr(&o).contains("both called \"ann\""), "{}", stderr(&o));
}

/// `spanlab suggest` writes relation suggestions between its entity
/// suggestions, marked like them, and `eval --relations` scores them.
#[test]
fn suggest_writes_relation_suggestions_and_eval_scores_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("a.txt");
    std::fs::write(&article, "Le ministre Sergueï Lavrov a rencontré lundi à Pékin son homologue Wang Yi.\n").expect("write");
    let out = dir.path().join("S.json");
    let o = spanlab(&["suggest", path_str(&article), "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("suggested relations"), "{}", stdout(&o));
    let ds = read_json(&out);
    let doc = &ds["documents"][0];
    let name = |id: &Value| doc["entities"].as_array().unwrap().iter().find(|e| &e["id"] == id).unwrap()["text"].clone();
    let rels: Vec<(Value, Value, Value)> =
        doc["relations"].as_array().unwrap().iter().map(|r| (name(&r["head"]), name(&r["tail"]), r["label"].clone())).collect();
    assert!(rels.contains(&(json!("Sergueï Lavrov"), json!("Wang Yi"), json!("MEETS"))), "{rels:?}");
    for r in doc["relations"].as_array().unwrap() {
        assert_eq!(r["suggestion"]["recognizer"], "relations");
        assert_eq!(r["suggestion"]["state"], "pending");
        assert!(r["suggestion"]["score"].as_f64().unwrap() >= 0.3);
    }
    // Scored against itself: every relation right, effort 0.
    let o = spanlab(&["eval", "--gold", path_str(&out), "--pred", path_str(&out), "--relations"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("= 0.000 (1.0 = no help"), "{}", stdout(&o));
    // --no-relations writes none.
    let o = spanlab(&["suggest", path_str(&article), "--out", path_str(&out), "--no-relations"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["documents"][0]["relations"], json!([]));
}

/// A version 2 recommender (`examples/relation_recommender.py`) adds
/// relations between the spans spanlab told it of.
#[test]
fn a_version_2_recommender_adds_relations() {
    let Some(python3) = common::python3() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let article = dir.path().join("a.txt");
    // No built-in pattern reads "parcourt"; the recommender's rule does.
    std::fs::write(&article, "Sergueï Lavrov parcourt la Chine depuis lundi.\n").expect("write");
    let out = dir.path().join("S.json");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/relation_recommender.py");
    let recommender = format!("{python3} {} --rule VISITS:PER:GPE:parcourt", path_str(&script));
    let o = spanlab(&["suggest", path_str(&article), "--out", path_str(&out), "--recommender", &recommender]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = &read_json(&out)["documents"][0];
    let rels = doc["relations"].as_array().unwrap();
    assert_eq!(rels.len(), 1, "{doc}");
    assert_eq!(rels[0]["label"], "VISITS");
    assert_eq!(rels[0]["suggestion"]["recognizer"], "external:relation_recommender.py");
    assert_eq!(rels[0]["suggestion"]["score"], 0.7);
    // Without it, nothing.
    let o = spanlab(&["suggest", path_str(&article), "--out", path_str(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read_json(&out)["documents"][0]["relations"], json!([]));
}

/// A dataset of short English news items (written for this test).
fn english_dataset(labels: &[&str], extra: Option<(&str, &str)>) -> Value {
    let items = [
        ("e1", "Mara Kessing joined Ostrava Rowing Club in Vienna on Monday.", vec![(0, 12, "PER"), (20, 39, "ORG"), (43, 49, "GPE")]),
        ("e2", "The Lakeland Savings Bank fined Tomas Wendt in Oslo.", vec![(4, 25, "ORG"), (32, 43, "PER"), (47, 51, "GPE")]),
        (
            "e3",
            "Officials in Lisbon said Ines Barrow would lead Harbour Freight Union.",
            vec![(13, 19, "GPE"), (25, 36, "PER"), (48, 69, "ORG")],
        ),
    ];
    let documents: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(k, (id, text, spans))| {
            let mut entities: Vec<Value> = spans
                .iter()
                .enumerate()
                .map(|(i, (a, b, l))| {
                    let t: String = text.chars().skip(*a).take(b - a).collect();
                    json!({"id": format!("T{}", i + 1), "start": a, "end": b, "label": l, "text": t})
                })
                .collect();
            if let (0, Some((word, label))) = (k, extra) {
                let a = text.find(word).expect("the word is in the first text");
                let a = text[..a].chars().count();
                entities.push(json!({"id": "T9", "start": a, "end": a + word.chars().count(), "label": label, "text": word}));
            }
            json!({"id": id, "source": format!("{id}.txt"), "text": text, "status": "done", "entities": entities, "relations": []})
        })
        .collect();
    json!({"format": "spanlab-dataset", "version": 1, "schema": {"name": "test", "entity_labels": labels, "relation_labels": []}, "documents": documents})
}

#[test]
fn models_are_trained_used_and_refused_with_the_file_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds = dir.path().join("ds.json");
    std::fs::write(&ds, english_dataset(&["PER", "ORG", "GPE"], None).to_string()).expect("write");
    let model = dir.path().join("m.bin");
    let again = dir.path().join("m2.bin");
    for out in [&model, &again] {
        let o = spanlab(&["train", path_str(&ds), "--out", path_str(out), "--base", "builtin", "--epochs", "2"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let bytes = std::fs::read(&model).expect("model");
    assert_eq!(bytes, std::fs::read(&again).expect("model"), "byte-reproducible");
    let header = String::from_utf8_lossy(&bytes[..bytes.len().min(4000)]).into_owned();
    // Format 3: the documents taught where names end.
    for field in
        ["\"version\": 3", "\"name_ends\"", "\"languages\"", "\"en\": 3", "\"corpus_sha256\"", "\"characters\"", "\"name\": \"builtin\""]
    {
        assert!(header.contains(field), "{field} in {header}");
    }
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "Talks in Vienna: Mara Kessing met the Ostrava Rowing Club.").expect("write");
    let s = dir.path().join("s.json");
    let o = spanlab(&["suggest", path_str(&input), "--model", path_str(&model), "--out", path_str(&s)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts: Vec<String> =
        read_json(&s)["documents"][0]["entities"].as_array().expect("entities").iter().map(|e| e["text"].to_string()).collect();
    assert!(texts.iter().any(|t| t.contains("Mara Kessing")), "{texts:?}");
    // Provenance: the tagger's suggestions name the model file, never the shipped model.
    let recognizers: Vec<String> = read_json(&s)["documents"][0]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["suggestion"]["recognizer"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(recognizers.iter().all(|r| r != "tagger" && (!r.starts_with("tagger") || r == "tagger:m.bin")), "{recognizers:?}");

    // Corrupt, truncated, of another version: refused, naming the file.
    let mut corrupt = bytes.clone();
    let mid = corrupt.len() - 40;
    corrupt[mid] ^= 0x55;
    let mut version = bytes.clone();
    version[12] = 9;
    for (name, data, says) in
        [("corrupt.bin", corrupt, "corrupt"), ("cut.bin", bytes[..bytes.len() / 2].to_vec(), "truncated"), ("v9.bin", version, "version 9")]
    {
        let p = dir.path().join(name);
        std::fs::write(&p, data).expect("write");
        let o = spanlab(&["suggest", path_str(&input), "--model", path_str(&p), "--out", path_str(&s)]);
        assert!(!o.status.success(), "{name} was accepted");
        let err = stderr(&o);
        assert!(err.contains(name) && err.contains(says), "{name}: {err}");
        let o = spanlab(&["train", path_str(&ds), "--out", path_str(&dir.path().join("x.bin")), "--base", path_str(&p)]);
        assert!(!o.status.success() && stderr(&o).contains(name), "--base {name}: {}", stderr(&o));
    }

    // A model with a label the news schema does not have.
    let product = dir.path().join("product.json");
    std::fs::write(&product, english_dataset(&["PER", "ORG", "GPE", "PRODUCT"], Some(("Monday", "PRODUCT"))).to_string()).expect("write");
    let pmodel = dir.path().join("product.bin");
    let o = spanlab(&["train", path_str(&product), "--out", path_str(&pmodel), "--epochs", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = spanlab(&["suggest", path_str(&input), "--model", path_str(&pmodel), "--out", path_str(&s)]);
    assert!(!o.status.success(), "a model with PRODUCT was accepted for the news schema");
    let err = stderr(&o);
    assert!(err.contains("product.bin") && err.contains("PRODUCT"), "{err}");
}

/// `spanlab DIR --doc ID` with an id the folder does not hold said nothing
/// and opened the first document not done (`--doc en-water` for
/// `en-water-summit-multiscript`): now it stops before any window opens,
/// naming the id and the folder, and the ids that hold what was typed.
#[test]
fn an_unknown_doc_to_open_first_is_an_error_naming_the_near_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for (name, text) in [("en-water-summit.txt", "Ada Quill est là."), ("fr-water.txt", "Boris Venn aussi."), ("b.txt", "Rien.")] {
        std::fs::write(corpus.join(name), text).expect("write");
    }
    let out = dir.path().join("shot.png");
    for args in [vec![path_str(&corpus), "--doc", "water"], vec!["--screenshot", path_str(&out), path_str(&corpus), "--doc", "water"]] {
        // Without a display: were the window to open, it would fail, not wait.
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"))
            .args(&args)
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .expect("spanlab runs");
        let err = stderr(&o);
        assert!(!o.status.success(), "{err}");
        assert!(err.contains("no document with id \"water\"") && err.contains(path_str(&corpus)), "{err}");
        assert!(err.contains("en-water-summit, fr-water"), "the near ids: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // Nothing holds it: the ids there are.
    let err = stderr(&spanlab(&["--screenshot", path_str(&out), path_str(&corpus), "--doc", "zzz"]));
    assert!(err.contains("no document with id \"zzz\" (its 3 documents: b, en-water-summit, fr-water)"), "{err}");
    assert!(!out.exists(), "no picture");
    assert!(!corpus.join("annotations").exists(), "nothing written");
}
