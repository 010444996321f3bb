//! What other tools' files and pipelines meet, through the command line:
//! versions made in other tools compared by `agree`, brat corpora with
//! their own schema imported, and the streaming contract of `suggest - --out
//! -` and `convert - -` (order, ids, a bad line in the middle, memory that
//! does not grow with the number of lines).

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
