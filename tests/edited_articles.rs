//! Articles edited under their annotations (issue 14, D6): spans follow
//! their own mention through the edit (a diff of old and new text), and a
//! mention that was changed or deleted waits for review; none is moved
//! onto another mention of the same name.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{path_str, spanlab, stderr};
use serde_json::{Value, json};
use spanlab::store::Project;

use common::fixture::*;

/// A dataset of one document `id` with a PER span on each needle (the
/// n-th occurrence of its text), imported into a new project.
fn project_with(dir: &Path, id: &str, text: &str, needles: &[(&str, usize)]) -> PathBuf {
    let entities: Vec<Value> = needles
        .iter()
        .enumerate()
        .map(|(k, (n, nth))| {
            let byte = text.match_indices(n).nth(*nth).expect("in the text").0;
            let s = text[..byte].chars().count();
            json!({"id": format!("T{}", k + 1), "start": s, "end": s + n.chars().count(), "label": "ORG", "text": n})
        })
        .collect();
    let input = dir.join(format!("{id}.json"));
    fs::write(&input, dataset(json!([{"id": id, "source": format!("{id}.txt"), "text": text, "entities": entities}])).to_string())
        .expect("write");
    let root = dir.join("P");
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&root)]));
    root
}

/// The entities of an export: (text, start) by id.
fn exported(o: &Path) -> Vec<(String, String, i64)> {
    let v: Value = serde_json::from_slice(&fs::read(o).expect("read")).expect("json");
    v["documents"][0]["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| {
            (e["id"].as_str().expect("id").to_owned(), e["text"].as_str().expect("text").to_owned(), e["start"].as_i64().expect("start"))
        })
        .collect()
}

/// D6: changing the first "KCNA" to "KCNX" moved its span onto another
/// "(KCNA)", reported valid. It is kept for review instead.
#[test]
fn d6_an_edited_mention_is_kept_for_review_not_moved_onto_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "L'agence KCNA a confirmé la visite. Selon l'agence nord-coréenne (KCNA), le dirigeant a parlé.";
    let root = project_with(dir.path(), "k", text, &[("KCNA", 0), ("KCNA", 1)]);
    fs::write(root.join("k.txt"), text.replacen("KCNA", "KCNX", 1)).expect("write");
    let p = Project::open(&root, None).expect("opens");
    let l = p.load(0).expect("loads");
    let placed: Vec<(String, usize)> = l.doc.spans().iter().map(|s| (l.doc.span_text(s).to_owned(), s.start.get())).collect();
    let second = text[..text.find("(KCNA)").expect("there")].chars().count() + 1;
    assert_eq!(placed, [("KCNA".to_owned(), second)], "only the untouched mention keeps a span");
    assert_eq!(l.doc.orphans.len(), 1, "the edited one waits for review");
    let o = spanlab(&["validate", path_str(&root)]);
    assert!(stderr(&o).contains("waits for review"), "{}", stderr(&o));
    let out = dir.path().join("x.json");
    ok(&spanlab(&["export", path_str(&root), "--out", path_str(&out)]));
    assert_eq!(exported(&out).iter().map(|e| e.2).collect::<Vec<_>>(), [second as i64]);
}

/// D6: deleting one sentence moved the following spans onto other mentions,
/// and the export was then refused. They stay on their own mentions.
#[test]
fn d6_deleting_a_sentence_keeps_the_following_spans_on_their_mentions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "KCNA cite Kim. Kim salue Xi. Xi remercie Kim. Puis Kim raccompagne Xi. Enfin Xi quitte Kim et KCNA conclut.";
    let needles =
        [("KCNA", 0), ("Kim", 0), ("Kim", 1), ("Xi", 0), ("Xi", 1), ("Kim", 2), ("Kim", 3), ("Xi", 2), ("Xi", 3), ("Kim", 4), ("KCNA", 1)];
    let root = project_with(dir.path(), "k", text, &needles);
    let new = text.replace("Xi remercie Kim. ", "");
    fs::write(root.join("k.txt"), &new).expect("write");
    let out = dir.path().join("x.json");
    ok(&spanlab(&["export", path_str(&root), "--out", path_str(&out)]));
    let at = |n: &str, k: usize| new[..new.match_indices(n).nth(k).expect("there").0].chars().count() as i64;
    let got: Vec<(String, i64)> = exported(&out).into_iter().map(|(_, t, s)| (t, s)).collect();
    let want: Vec<(String, i64)> =
        [("KCNA", 0), ("Kim", 0), ("Kim", 1), ("Xi", 0), ("Kim", 2), ("Xi", 1), ("Xi", 2), ("Kim", 3), ("KCNA", 1)]
            .iter()
            .map(|(n, k)| ((*n).to_owned(), at(n, *k)))
            .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort_by_key(|w| w.1);
    assert_eq!(got, want_sorted, "every span on its own mention; the deleted sentence's two wait for review");
    let l = Project::open(&root, None).expect("opens").load(0).expect("loads");
    assert_eq!(l.doc.orphans.len(), 2);
}
