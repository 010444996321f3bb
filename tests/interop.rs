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
