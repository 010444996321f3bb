//! What other tools' files and pipelines meet, through the command line:
//! versions made in other tools compared by `agree`, brat corpora with
//! their own schema imported, and the streaming contract of `suggest - --out
//! -` and `convert - -` (order, ids, a bad line in the middle, 100,000
//! lines answered as they are read; the memory they take is printed by
//! `cargo bench --bench stream`, not asserted here).

#![allow(clippy::expect_used)]

mod common;

use common::{path_str, spanlab, stderr, stdout};
use serde_json::{Value, json};

fn write_json(path: &std::path::Path, v: &Value) {
    std::fs::write(path, v.to_string()).expect("write");
}

/// Two versions of one document; in `bob`'s, another tool relabelled the
/// head of a ROLE_IN relation (PER → ORG), which the news schema forbids,
/// and added an overlapping span. `agree` refused bob's version; it
/// compares them and lists the schema problems as warnings.
#[test]
fn agree_compares_versions_that_break_the_schema_and_warns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "Lavrov dirige la diplomatie russe";
    let version = |head_label: &str, extra: Option<Value>| {
        let mut entities = vec![
            json!({"id": "T1", "start": 0, "end": 6, "label": head_label, "text": "Lavrov"}),
            json!({"id": "T2", "start": 17, "end": 33, "label": "ORG", "text": "diplomatie russe"}),
        ];
        entities.extend(extra);
        json!({"format": "spanlab-dataset", "version": 1,
               "schema": {"name": "news", "entity_labels": ["PER", "ORG", "GPE", "LOC", "DATE", "EVENT"],
                          "relation_labels": ["MEETS", "ROLE_IN", "VISITS", "MEMBER_OF", "LOCATED_IN", "SUPPORTS", "OPPOSES", "PARTICIPATES_IN", "DATE_OF"]},
               "documents": [{"id": "d1", "text": text, "status": "done", "entities": entities,
                              "relations": [{"id": "R1", "head": "T1", "tail": "T2", "label": "ROLE_IN"}]}]})
    };
    let (ann, bob) = (dir.path().join("ann.json"), dir.path().join("bob.json"));
    write_json(&ann, &version("PER", None));
    write_json(&bob, &version("ORG", Some(json!({"id": "T3", "start": 28, "end": 33, "label": "GPE", "text": "russe"}))));
    let o = spanlab(&["agree", path_str(&ann), path_str(&bob), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["pairs"][0]["all"]["exact"], json!({"first": 2, "second": 3, "matched_first": 1, "matched_second": 1}));
    let warnings: Vec<&str> = v["warnings"].as_array().expect("warnings").iter().filter_map(Value::as_str).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("bob.json") && w.contains("ROLE_IN is not allowed from ORG to ORG")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.contains("overlaps entity T2")), "{warnings:?}");
    assert!(stderr(&o).contains("warning: ") && stderr(&o).contains("bob.json"), "{}", stderr(&o));
    let o = spanlab(&["agree", path_str(&ann), path_str(&bob)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("2 schema problem(s)"), "{}", stdout(&o));
}

/// A brat corpus in the style of brat's BioNLP examples: nested spans,
/// allowed by `ENTITY-NESTING` in its `annotation.conf`. `import --into
/// NEW` failed with "the schema forbids overlapping spans"; it takes the
/// corpus' schema (labels, relation constraints, overlap policy) and says
/// so. Into an existing project whose schema forbids overlaps, the error
/// says what to change.
#[test]
fn brat_corpora_import_with_their_own_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    let text = "The ligand-binding domain of human receptor alpha binds retinoic acid.\n";
    let files = [
        (
            "annotation.conf",
            "[entities]\nProtein\nEntity\nChemical\n\n[relations]\nProtein-Component\tArg1:Protein, Arg2:Entity\nENTITY-NESTING\tArg1:Protein, Arg2:Entity\n\n[events]\n\n[attributes]\n",
        ),
        ("doc-1.txt", text),
        (
            "doc-1.ann",
            "T1\tEntity 4 49\tligand-binding domain of human receptor alpha\nT2\tProtein 29 49\thuman receptor alpha\nT3\tChemical 56 69\tretinoic acid\nR1\tProtein-Component Arg1:T2 Arg2:T1\n",
        ),
    ];
    for (name, content) in files {
        std::fs::write(corpus.join(name), content).expect("write");
    }
    let project = dir.path().join("new");
    let o = spanlab(&["import", path_str(&corpus), "--into", path_str(&project), "--format", "brat"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("the new project takes the source"), "{}", stdout(&o));
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("annotations/schema.json")).expect("schema.json")).expect("json");
    assert_eq!(schema["allow_overlap"], json!(true));
    assert_eq!(
        schema["entity_labels"].as_array().map(|l| l.iter().map(|x| x["name"].clone()).collect::<Vec<_>>()),
        Some(vec![json!("Protein"), json!("Entity"), json!("Chemical")])
    );
    assert_eq!(schema["relation_labels"][0]["head"], json!(["Protein"]));
    let exported = dir.path().join("back.json");
    let o = spanlab(&["export", path_str(&project), "--out", path_str(&exported)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&exported).expect("read")).expect("json");
    assert_eq!(back["documents"][0]["entities"].as_array().map(Vec::len), Some(3));
    assert_eq!(back["documents"][0]["relations"].as_array().map(Vec::len), Some(1));

    // A folder spanlab wrote, with <OVERLAP> in its annotation.conf.
    let ours = dir.path().join("ours");
    let o = spanlab(&["convert", path_str(&exported), path_str(&ours), "--to", "brat"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(ours.join("annotation.conf")).expect("conf").contains("<OVERLAP>"));
    let o = spanlab(&["import", path_str(&ours), "--into", path_str(&dir.path().join("new2")), "--format", "brat"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));

    // An existing project with the news schema, which forbids overlaps.
    let existing = dir.path().join("existing");
    std::fs::create_dir_all(existing.join("annotations")).expect("mkdir");
    std::fs::write(existing.join("annotations/schema.json"), spanlab_news_schema()).expect("write");
    let o = spanlab(&["import", path_str(&corpus), "--into", path_str(&existing), "--format", "brat"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("does not fit the project's schema"), "{e}");
    assert!(e.contains("set \"allow_overlap\": true"), "{e}");
    assert!(e.contains("add {\"name\": \"Protein\"} to \"entity_labels\""), "{e}");
    assert!(e.contains("or import into a new folder"), "{e}");
    assert!(e.contains("schema.json"), "{e}");
}

/// The shipped news schema, as a project's schema file.
fn spanlab_news_schema() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/schema/news.json")).expect("news.json")
}

/// `n` JSONL documents for a stream: ids `d000000…`, news sentences with
/// names, places and dates, and a field of their own.
fn stream_input(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let line = json!({
            "id": format!("d{i:06}"),
            "text": format!("Emmanuel Macron a reçu Sergueï Lavrov à Paris le {} mai {}, avant la réunion de l'ONU à Genève 😀.", i % 28 + 1, 1990 + i % 30),
            "n": i,
        });
        s.push_str(&line.to_string());
        s.push('\n');
    }
    s
}

/// Runs `spanlab ARGS` with `input` on standard input; (stdout, stderr,
/// exit code).
fn pipe(args: &[&str], input: String) -> (String, String, Option<i32>) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_spanlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spanlab runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let o = child.wait_with_output().expect("output");
    writer.join().expect("writer").expect("written");
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned(), o.status.code())
}

/// The streaming contract: one line out per good line in, in input order,
/// ids and fields kept; a bad line in the middle named on standard error
/// with its line number and left out, the others written; exit status 1.
#[test]
fn suggest_streams_in_order_and_names_bad_lines() {
    let mut lines: Vec<String> = stream_input(1000).lines().map(str::to_owned).collect();
    lines[499] = "{\"id\": \"broken\", \"text\": ".to_owned();
    lines[700] = "{\"id\": \"no-text\"}".to_owned();
    lines.insert(300, String::new());
    let (out, err, code) = pipe(&["suggest", "-", "--out", "-"], lines.join("\n") + "\n");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("<stdin>:501: column"), "the broken line, counted with the blank one: {err}");
    assert!(err.contains("<stdin>:702: \"text\": missing"), "{err}");
    assert!(err.contains("2 line(s) failed"), "{err}");
    let docs: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(docs.len(), 998);
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().expect("id")).collect();
    let want: Vec<String> = (0..1000).filter(|&i| i != 499 && i != 700).map(|i| format!("d{i:06}")).collect();
    assert_eq!(ids, want, "input order, ids kept");
    for d in &docs {
        let labels: Vec<&str> = d["entities"].as_array().expect("entities").iter().filter_map(|e| e["label"].as_str()).collect();
        assert!(labels.contains(&"PER") && labels.contains(&"GPE"), "{d}");
        assert!(d["n"].is_number(), "other fields kept: {d}");
        assert_eq!(d["entities"][0]["suggestion"]["state"], json!("pending"));
    }
}

/// The contract at scale: 100,000 lines through `suggest - --out -`, as
/// a batch engine feeds them. The first 1,000 are answered while the input
/// is still open (it streams, it does not wait for the end); all the others
/// come back in input order with their ids and fields, but for one bad
/// line in the middle, named on standard error; exit status 1. Its memory
/// is measured, not asserted: `cargo bench --bench stream` prints the peak
/// resident memory for 1,000, 10,000 and 100,000 lines.
#[test]
fn suggest_streams_100000_lines_in_order_answering_as_it_reads() {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};
    const N: usize = 100_000;
    const BAD: usize = 50_000;
    let mut child = Command::new(env!("CARGO_BIN_EXE_spanlab"))
        .args(["suggest", "-", "--out", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spanlab runs");
    // A stream that waits for the end of its input would never answer:
    // after ten minutes it is stopped, and the counts below fail.
    let pid = child.id();
    let finished = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = std::sync::Arc::clone(&finished);
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(600));
        if !done.load(std::sync::atomic::Ordering::SeqCst) {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
    });
    let mut lines: Vec<String> = stream_input(N).lines().map(str::to_owned).collect();
    if let Some(bad) = lines.get_mut(BAD) {
        *bad = "{\"id\": \"broken\", \"text\": [1, 2]}".to_owned();
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    // The writer sends the first 1,000 lines, waits until they are
    // answered, then sends the rest and closes the input.
    let (go_on, wait) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        stdin.write_all((lines[..1000].join("\n") + "\n").as_bytes())?;
        stdin.flush()?;
        if wait.recv().is_ok() {
            stdin.write_all((lines[1000..].join("\n") + "\n").as_bytes())?;
        }
        Ok(())
    });
    let mut seen: Vec<(String, u64)> = Vec::with_capacity(N);
    let mut read = |k: usize, seen: &mut Vec<(String, u64)>| {
        for line in out.by_ref().take(k) {
            let v: Value = serde_json::from_str(&line.expect("a line")).expect("each line is JSON");
            seen.push((v["id"].as_str().expect("id").to_owned(), v["n"].as_u64().expect("n kept")));
        }
    };
    read(1000, &mut seen);
    assert_eq!(seen.len(), 1000, "the first lines are answered before the input ends");
    go_on.send(()).expect("the writer waits");
    read(usize::MAX, &mut seen);
    writer.join().expect("writer").expect("written");
    let o = child.wait_with_output().expect("exits");
    finished.store(true, std::sync::atomic::Ordering::SeqCst);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("<stdin>:{}: \"text\": expected a string", BAD + 1)), "{err}");
    assert!(err.contains("1 line(s) failed"), "{err}");
    assert_eq!(seen.len(), N - 1);
    for (k, (id, n)) in seen.iter().enumerate() {
        let i = if k < BAD { k } else { k + 1 };
        assert_eq!((id.as_str(), *n), (format!("d{i:06}").as_str(), i as u64), "line {k} of the output");
    }
}

/// `convert - -` between line formats: doccano lines to gold lines to spaCy
/// JSONL and back, in order, a bad line named.
#[test]
fn convert_streams_between_line_formats() {
    let input = concat!(
        "{\"id\": \"a\", \"text\": \"Zoé 😀 voit Paul\", \"label\": [[0, 3, \"PER\"], [11, 15, \"PER\"]]}\n",
        "{\"id\": \"b\", \"text\": \"x\", \"label\": [[0, 9, \"PER\"]]}\n",
        "{\"label\": []}\n",
        "{\"id\": \"c\", \"text\": \"Rome\", \"label\": [[0, 4, \"GPE\"]]}\n",
    );
    let (gold, err, code) = pipe(&["convert", "-", "-", "--from", "doccano", "--to", "gold-lines"], input.to_owned());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("<stdin>:2: label 1: offset 9 is outside the text"), "{err}");
    assert!(err.contains("lines without \"text\" (skipped, as doccano does)") && err.contains("e.g. line 3"), "{err}");
    let (spacy, err, code) = pipe(&["convert", "-", "-", "--from", "gold-lines", "--to", "spacy-jsonl"], gold.clone());
    assert_eq!(code, Some(0), "{err}");
    let (doccano, err, code) = pipe(&["convert", "-", "-", "--from", "spacy-jsonl", "--to", "doccano"], spacy);
    assert_eq!(code, Some(0), "{err}");
    assert!(doccano.is_ascii());
    let (back, _, _) = pipe(&["convert", "-", "-", "--from", "doccano", "--to", "gold-lines"], doccano);
    assert_eq!(back, gold, "the round trip gives the same gold lines");
    let ids: Vec<String> = back.lines().map(|l| serde_json::from_str::<Value>(l).expect("json")["id"].to_string()).collect();
    assert_eq!(ids, ["\"a\"", "\"c\""]);
}

/// A doccano file with a line that has no `text` (doccano's own import
/// skips such a record and names its line): `convert` and `import` skip it
/// and name it in the report instead of refusing the file; `--strict` still
/// refuses, naming it, and writes nothing.
#[test]
fn a_doccano_line_without_text_is_skipped_and_named_and_strict_refuses() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\": 1, \"text\": \"Zoé voit Paul\", \"label\": [[0, 3, \"PER\"]]}\n{\"id\": 2, \"label\": [[0, 3, \"PER\"]]}\n{\"id\": 3, \"text\": \"Rome\", \"label\": []}\n",
    )
    .expect("write");
    let out = dir.path().join("out.json");
    let o = spanlab(&["convert", path_str(&input), path_str(&out), "--from", "doccano", "--to", "spanlab"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let said = stdout(&o);
    assert!(said.contains("1 × lines without \"text\" (skipped, as doccano does)\n    e.g. line 2"), "{said}");
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(back["documents"].as_array().map(Vec::len), Some(2));
    let project = dir.path().join("p");
    let o = spanlab(&["import", path_str(&input), "--into", path_str(&project), "--format", "doccano"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("e.g. line 2"), "{}", stdout(&o));

    let strict = dir.path().join("strict.json");
    let o = spanlab(&["convert", path_str(&input), path_str(&strict), "--from", "doccano", "--to", "spanlab", "--strict"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("in.jsonl") && stderr(&o).contains("line 2"), "{}", stderr(&o));
    assert!(!strict.exists(), "nothing written");
    let o = spanlab(&["import", path_str(&input), "--into", path_str(&dir.path().join("q")), "--format", "doccano", "--strict"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(!dir.path().join("q").exists(), "no project made");
}
