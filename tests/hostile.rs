//! Hostile inputs ("never lose an annotation, never choke"). Every case
//! checks three things: a bad input gives an error naming the file and the
//! place in it (or, when the input is legitimately readable, it is read
//! correctly); nothing saved before changes (annotation files, articles and
//! earlier exports stay byte-identical); and the window, opened on a folder
//! of such files, keeps running, lists what it can and shows the problems.
//!
//! Big inputs (a 100 MB article, a million lines, a 10 MB line) are
//! generated here, in temporary folders, never committed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{path_str, spanlab, stderr, stdout};
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};
use spanlab::app::Selection;
use spanlab::model::{CharIdx, DocId};
use spanlab::store::Project;

use common::fixture::*;

// ---------------------------------------------------------------------------
// Articles in a project folder: encodings, empty, binary
// ---------------------------------------------------------------------------

#[test]
fn an_empty_article_is_an_empty_document() {
    let mut s = Saved::new();
    s.add("empty.txt", b"");
    assert_eq!(texts(&s.project)["empty"], Ok(String::new()));
    ok(&spanlab(&["stats", path_str(&s.project)]));
    let out = s.path("with-empty.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]));
    let v: Value = serde_json::from_slice(&fs::read(&out).expect("read")).expect("json");
    assert!(v["documents"].as_array().expect("docs").iter().any(|d| d["id"] == "empty" && d["text"] == ""));
    s.assert_unchanged();
}

#[test]
fn an_article_of_only_whitespace_is_read_as_it_is() {
    let mut s = Saved::new();
    s.add("blank.txt", " \r\n\t\u{a0}\n\n ");
    assert_eq!(texts(&s.project)["blank"], Ok(" \r\n\t\u{a0}\n\n ".to_owned()));
    ok(&spanlab(&["validate", path_str(&s.project)]));
    s.assert_unchanged();
}

#[test]
fn an_article_with_invalid_utf8_is_refused_naming_the_byte() {
    let mut s = Saved::new();
    // UTF-8 with one broken byte: not a legacy encoding, whose decoding would
    // turn every "é" into "Ã©".
    let mut bytes = "Le président est à Pékin. Été, hiver.\n".as_bytes().to_vec();
    let at = bytes.len();
    bytes.extend_from_slice(b"\xff\xfe broken\n");
    s.add("broken.txt", &bytes);
    let err = texts(&s.project)["broken"].clone().expect_err("refused");
    assert!(err.contains("broken.txt") && err.contains(&format!("invalid UTF-8 at byte {at}")), "{err}");
    // validate and stats name it; the other documents still load.
    let msg = refused(&spanlab(&["validate", path_str(&s.project)]), &["broken.txt", "invalid UTF-8 at byte"]);
    assert!(!msg.contains("a.json"), "{msg}");
    let stats = ok(&spanlab(&["stats", path_str(&s.project)]));
    assert!(stats.contains("broken.txt: cannot decode"), "{stats}");
    // The export refuses, naming it, and writes nothing.
    let out = s.path("x.json");
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]), &["broken.txt", "invalid UTF-8"]);
    assert!(!out.exists());
    s.assert_unchanged();
}

#[test]
fn utf16_with_a_bom_is_read_both_ways() {
    let mut s = Saved::new();
    let text = "Zoë à Pékin 😀\r\nLavrov.";
    s.add("le.txt", utf16le(text, true));
    s.add("be.txt", utf16be(text, true));
    let t = texts(&s.project);
    assert_eq!((&t["le"], &t["be"]), (&Ok(text.to_owned()), &Ok(text.to_owned())));
    let stats = ok(&spanlab(&["stats", path_str(&s.project), "--json"]));
    assert!(stats.contains("UTF-16LE (BOM)") && stats.contains("UTF-16BE (BOM)"), "{stats}");
    s.assert_unchanged();
}

#[test]
fn utf16_without_a_bom_is_recognised() {
    let mut s = Saved::new();
    let text = "Le président Macron est arrivé à Berlin.\r\nLavrov aussi.";
    s.add("le.txt", utf16le(text, false));
    s.add("be.txt", utf16be(text, false));
    let t = texts(&s.project);
    assert_eq!((&t["le"], &t["be"]), (&Ok(text.to_owned()), &Ok(text.to_owned())));
    // Annotating it writes the annotation file, never the article.
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "le", "Macron", "PER").expect("saves");
    assert_eq!(fs::read(s.project.join("le.txt")).expect("read"), utf16le(text, false));
    assert_eq!(s.load("le").expect("loads").doc.spans().len(), 1);
}

#[test]
fn utf16_with_a_bom_and_a_torn_last_unit_names_the_byte() {
    let mut s = Saved::new();
    let mut bytes = utf16le("Lavrov", true);
    bytes.push(b'x');
    s.add("torn.txt", &bytes);
    let err = texts(&s.project)["torn"].clone().expect_err("refused");
    assert!(err.contains("torn.txt") && err.contains("invalid UTF-16LE at byte"), "{err}");
    s.assert_unchanged();
}

#[test]
fn latin1_and_windows_1252_articles_are_read() {
    let mut s = Saved::new();
    s.add("cp1252.txt", b"Le pr\xe9sident a d\xe9clar\xe9 : \xab 5 \x80 \xbb, l'\x9cuvre d'\xe9t\xe9.");
    s.add("latin1.txt", b"Fran\xe7ois Hollande \xe0 Bruxelles, \xe9t\xe9 2015.");
    let t = texts(&s.project);
    assert_eq!(t["cp1252"], Ok("Le président a déclaré : « 5 € », l'œuvre d'été.".to_owned()));
    assert_eq!(t["latin1"], Ok("François Hollande à Bruxelles, été 2015.".to_owned()));
    let stats = ok(&spanlab(&["stats", path_str(&s.project), "--json"]));
    assert!(stats.contains("windows-1252 (detected)"), "{stats}");
    // A span on it survives a reopen; the article is never rewritten.
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "latin1", "François Hollande", "PER").expect("saves");
    let l = s.load("latin1").expect("loads");
    assert_eq!(l.doc.span_text(&l.doc.spans().iter().next().expect("a span").clone()), "François Hollande");
    assert_eq!(fs::read(s.project.join("latin1.txt")).expect("read"), b"Fran\xe7ois Hollande \xe0 Bruxelles, \xe9t\xe9 2015.");
}

#[test]
fn nul_bytes_in_an_article_are_refused_naming_the_byte() {
    let mut s = Saved::new();
    s.add("nul.txt", b"Lavrov a dit\0 non.");
    let err = texts(&s.project)["nul"].clone().expect_err("refused");
    assert!(err.contains("nul.txt") && err.contains("NUL byte at byte 12"), "{err}");
    let msg = refused(&spanlab(&["validate", path_str(&s.project)]), &["nul.txt", "NUL byte at byte 12"]);
    assert!(msg.contains("invalid: 1 problem"), "{msg}");
    s.assert_unchanged();
}

#[test]
fn binary_files_with_article_names_are_refused_and_the_rest_is_listed() {
    let mut s = Saved::new();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let noise: Vec<u8> = (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    s.add("image.txt", &png);
    s.add("noise.md", &noise);
    s.add("noise.html", &noise);
    s.add("noise.jsonl", &noise);
    s.add("noise.json", &noise);
    let p = Project::open(&s.project, None).expect("the project opens");
    let ids: Vec<&str> = p.entries.iter().map(|e| e.id.0.as_str()).collect();
    assert!(ids.contains(&"a") && ids.contains(&"b"), "{ids:?}");
    for name in ["noise.jsonl", "noise.json"] {
        assert!(p.warnings.iter().any(|w| w.contains(name) && w.contains("cannot decode")), "{name}: {:?}", p.warnings);
    }
    let t = texts(&s.project);
    for id in ["image", "noise"] {
        let err = t[id].clone().expect_err("refused");
        assert!(err.contains("binary") && err.contains("NUL byte at byte"), "{err}");
    }
    assert_eq!(t["a"], Ok(TEXT_A.to_owned()));
    s.assert_unchanged();
}

#[test]
fn html_full_of_ampersands_and_unclosed_tags_is_read_in_linear_time() {
    // Each "&" used to search the rest of the text for a ";": with 5 million
    // of them on one line that never finished.
    let mut s = Saved::new();
    let mut html = String::from("<html><body><p>Lavrov &amp; Wang Yi ");
    html.push_str(&"& ".repeat(5_000_000));
    html.push_str("&eacute;t&eacute; <b unclosed");
    s.add("amp.html", &html);
    let t = texts(&s.project);
    let text = t["amp"].as_ref().expect("read");
    assert!(text.starts_with("Lavrov & Wang Yi & & "), "{}", &text[..40]);
    assert!(text.ends_with("& été <b unclosed"), "{}", &text[text.len() - 40..]);
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// Big inputs
// ---------------------------------------------------------------------------

#[test]
fn a_100_mb_article_opens_is_annotated_and_reopens() {
    let s = Saved::new();
    let line = "Le ministre Sergueï Lavrov a rencontré Wang Yi à Pékin le 3 mars 2025, puis il est reparti.\n";
    let mut text = line.repeat(100_000_000 / line.len() + 1);
    text.push_str("Fin : Emmanuel Macron.");
    assert!(text.len() > 100_000_000);
    fs::write(s.project.join("big.txt"), &text).expect("write");
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "big", "Emmanuel Macron", "PER").expect("saves");
    let l = s.load("big").expect("loads");
    let span = l.doc.spans().iter().next().expect("a span").clone();
    assert_eq!(l.doc.span_text(&span), "Emmanuel Macron");
    assert_eq!(span.start.get(), text.chars().count() - "Emmanuel Macron.".chars().count());
    assert!(!l.report.text_changed);
    // The article was never rewritten, the other annotations untouched.
    assert_eq!(fs::metadata(s.project.join("big.txt")).expect("meta").len(), text.len() as u64);
    for f in ["annotations/documents/a.json", "annotations/documents/b.json", "a.txt", "b.txt"] {
        assert_eq!(fs::read(s.project.join(f)).ok().as_ref(), s.project_before.get(f), "{f}");
    }
}

/// A link to `/dev/zero` or a named pipe given on the command line was read
/// until memory ran out (or forever): only regular files are read, and the
/// message names the file and what it is.
#[cfg(unix)]
#[test]
fn a_link_to_dev_zero_or_a_pipe_named_on_the_command_line_is_refused_naming_it() {
    let s = Saved::new();
    let zero = s.path("zero.txt");
    std::os::unix::fs::symlink("/dev/zero", &zero).expect("symlink");
    let pipe = s.path("pipe.txt");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo runs").success());
    for (input, what) in [(&zero, "a device"), (&pipe, "a named pipe")] {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_spanlab"));
        cmd.args(["suggest", path_str(input), "--out", path_str(&s.path("out.json"))]);
        let o = common::run_for(cmd, 60).unwrap_or_else(|| panic!("{} is read forever", input.display()));
        assert!(!o.status.success());
        let msg = stderr(&o);
        assert!(msg.contains(path_str(input)) && msg.contains(what) && msg.contains("not a regular file"), "{msg}");
    }
    assert!(!s.path("out.json").exists());
}

/// Articles over the size limit (a setting, `max_article_mb` in
/// `annotations/project.json`, 256 MB by default) are refused before they
/// are read, naming the file, its size and the limit.
#[test]
fn an_article_over_the_size_limit_is_refused_naming_the_file_and_the_limit() {
    let mut s = Saved::new();
    // A sparse file of 300 MB: over the default limit, and nothing to write.
    let huge = s.path("huge.txt");
    fs::File::create(&huge).expect("create").set_len(300 * 1024 * 1024).expect("set_len");
    let o = spanlab(&["suggest", path_str(&huge), "--out", path_str(&s.path("out.json"))]);
    refused(&o, &["huge.txt", "314.6 MB", "over the limit of 256 MB"]);
    // In a project the limit is its setting.
    fs::write(s.project.join("annotations/project.json"), r#"{"max_article_mb": 1}"#).expect("write");
    s.add("big.txt", "Lavrov à Pékin. ".repeat(100_000));
    let p = Project::open(&s.project, None).expect("opens");
    let i = p.entries.iter().position(|e| e.id.0 == "big").expect("listed");
    let e = p.load(i).expect_err("refused").to_string();
    assert!(e.contains("big.txt") && e.contains("1.8 MB") && e.contains("over the limit of 1 MB") && e.contains("max_article_mb"), "{e}");
    assert!(p.load(p.entries.iter().position(|e| e.id.0 == "a").expect("a")).is_ok());
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&s.path("x.json"))]), &["big.txt", "over the limit of 1 MB"]);
}

#[test]
fn an_article_of_a_million_lines_is_annotated_at_its_last_line() {
    let s = Saved::new();
    let mut text = String::with_capacity(30_000_000);
    for i in 0..1_000_000 {
        text.push_str(&format!("Ligne {i} : Lavrov à Pékin.\r\n"));
    }
    text.push_str("Dernière ligne : Wang Yi.");
    fs::write(s.project.join("lines.txt"), &text).expect("write");
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "lines", "Wang Yi", "PER").expect("saves");
    let l = s.load("lines").expect("loads");
    assert_eq!(l.doc.text().as_str().lines().count(), 1_000_001);
    assert_eq!(l.doc.spans().len(), 1);
    ok(&spanlab(&["validate", path_str(&s.project)]));
}

#[test]
fn one_line_of_10_mb_is_read_and_imported() {
    let s = Saved::new();
    let mut line = "Lavrov ".repeat(10_000_000 / 7);
    line.push_str("Pékin");
    fs::write(s.project.join("long.txt"), &line).expect("write");
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "long", "Pékin", "GPE").expect("saves");
    assert_eq!(s.load("long").expect("loads").doc.spans().len(), 1);
    // The same line as a doccano document, imported into another folder.
    let (start, end) = find(&line, "Pékin");
    let doccano = json!({"text": line, "label": [[start, end, "GPE"]]}).to_string() + "\n";
    let input = s.input("long.jsonl", doccano);
    let into = s.path("Q");
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&into), "--format", "doccano"]));
    let q = Project::open(&into, None).expect("opens");
    let l = q.load(0).expect("loads");
    assert_eq!(l.doc.spans().iter().map(|x| l.doc.span_text(x).to_owned()).collect::<Vec<_>>(), ["Pékin"]);
}

#[test]
fn a_jsonl_file_of_a_million_lines_lists_every_document() {
    let mut s = Saved::new();
    let mut jsonl = String::with_capacity(40_000_000);
    for i in 0..1_000_000 {
        jsonl.push_str(&format!("{{\"id\": \"n{i:07}\", \"text\": \"Dépêche {i} : Lavrov.\"}}\n"));
    }
    fs::write(s.project.join("wire.jsonl"), &jsonl).expect("write");
    let p = Project::open(&s.project, None).expect("opens");
    assert_eq!(p.entries.len(), 1_000_002);
    let last = p.position(&DocId("n0999999".into())).expect("listed");
    assert_eq!(p.load(last).expect("loads").doc.text().as_str(), "Dépêche 999999 : Lavrov.");
    drop(p);
    s.project_before = snapshot(&s.project);
    s.assert_unchanged();
}

#[test]
fn exporting_a_jsonl_of_many_documents_is_not_quadratic() {
    // Each document used to re-read and re-parse the whole JSONL file.
    let s = Saved::new();
    let mut jsonl = String::new();
    for i in 0..30_000 {
        jsonl.push_str(&format!("{{\"id\": \"n{i:05}\", \"text\": \"Dépêche {i} : Lavrov est à Pékin.\", \"lang\": \"fr\"}}\n"));
    }
    fs::write(s.project.join("wire.jsonl"), &jsonl).expect("write");
    let out = s.path("wire.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]));
    let v: Value = serde_json::from_slice(&fs::read(&out).expect("read")).expect("json");
    assert_eq!(v["documents"].as_array().map(Vec::len), Some(30_002));
    ok(&spanlab(&["stats", path_str(&s.project)]));
    ok(&spanlab(&["validate", path_str(&s.project)]));
}

// ---------------------------------------------------------------------------
// Dataset JSON (the gold format): import, validate and convert refuse it,
// naming the file and the place; nothing is written
// ---------------------------------------------------------------------------

/// A hostile gold-format input and what its refusal must name.
struct JsonCase {
    name: &'static str,
    content: String,
    needles: Vec<String>,
}

fn json_case(name: &'static str, content: impl Into<String>, needles: &[&str]) -> JsonCase {
    JsonCase { name, content: content.into(), needles: needles.iter().map(|n| (*n).to_owned()).collect() }
}

/// Refused by `import` (the project unchanged), `validate` (exit 1) and
/// `convert` (nothing written), each naming the file and the place.
fn refuse_everywhere(s: &Saved, case: &JsonCase) {
    let input = s.input(case.name, &case.content);
    let mut needles: Vec<&str> = case.needles.iter().map(String::as_str).collect();
    needles.push(case.name);
    s.import_refused(&input, "spanlab", &[], &needles);
    let o = spanlab(&["validate", path_str(&input)]);
    assert_eq!(o.status.code(), Some(1), "{}: {}{}", case.name, stdout(&o), stderr(&o));
    refused(&o, &needles);
    let out = s.path(&format!("{}.out.jsonl", case.name));
    refused(&spanlab(&["convert", path_str(&input), path_str(&out), "--from", "spanlab", "--to", "doccano"]), &needles);
    assert!(!out.exists(), "{}: convert wrote {}", case.name, out.display());
    s.assert_unchanged();
}

#[test]
fn an_empty_or_blank_dataset_file_is_refused_with_its_place() {
    let s = Saved::new();
    refuse_everywhere(&s, &json_case("empty.json", "", &["EOF while parsing", "line 1"]));
    refuse_everywhere(&s, &json_case("blank.json", "  \n\t\r\n ", &["EOF while parsing", "line 3"]));
}

#[test]
fn a_truncated_dataset_is_refused_with_line_and_column() {
    let s = Saved::new();
    let full = serde_json::to_string_pretty(&gold()).expect("json");
    let cut = cut(&full, full.len() * 2 / 3);
    let line = cut.lines().count();
    refuse_everywhere(&s, &json_case("truncated.json", cut, &["EOF while parsing", &format!("line {line}")]));
}

#[test]
fn invalid_json_is_refused_with_line_and_column() {
    let s = Saved::new();
    let bad = "{\n \"format\": \"spanlab-dataset\",\n \"version\": 1,,\n \"documents\": []\n}";
    refuse_everywhere(&s, &json_case("invalid.json", bad, &["line 3 column 15"]));
    let single = "{'format': 'spanlab-dataset'}";
    refuse_everywhere(&s, &json_case("quotes.json", single, &["line 1 column 2"]));
}

#[test]
fn wrong_types_are_refused_with_line_and_column() {
    let s = Saved::new();
    let mut v = gold();
    v["documents"][0]["entities"][0]["start"] = json!("0");
    let text = serde_json::to_string_pretty(&v).expect("json");
    let line = text.lines().position(|l| l.contains("\"start\": \"0\"")).expect("line") + 1;
    refuse_everywhere(&s, &json_case("types.json", text, &["invalid type: string \"0\", expected i64", &format!("line {line}")]));
    let mut v = gold();
    v["documents"] = json!({"a": 1});
    refuse_everywhere(&s, &json_case("docs-object.json", v.to_string(), &["invalid type: map, expected a sequence", "line 1"]));
    let mut v = gold();
    v["documents"][1]["text"] = json!(null);
    refuse_everywhere(&s, &json_case("null-text.json", v.to_string(), &["invalid type: null, expected a string", "line 1"]));
}

#[test]
fn huge_numbers_are_refused_with_their_place() {
    let s = Saved::new();
    for (name, number, needle) in [
        ("huge-int.json", "123456789012345678901234567890", "expected i64"),
        ("huge-float.json", "1e400", "number out of range"),
        ("u64.json", "18446744073709551615", "expected i64"),
    ] {
        let text = gold().to_string().replacen("\"start\":0", &format!("\"start\":{number}"), 1);
        assert!(text.contains(number), "{text}");
        refuse_everywhere(&s, &json_case(name, text, &[needle, "at line 1 column"]));
    }
    // Fits an i64 but not any text: refused by validation, naming the entity.
    let big = one_doc(json!([{"id": "T1", "start": 0, "end": i64::MAX, "label": "PER", "text": "Sergueï Lavrov"}]), json!([]));
    refuse_everywhere(
        &s,
        &json_case("i64max.json", big.to_string(), &["document h: entity T1: offsets [0, 9223372036854775807) out of range"]),
    );
}

#[test]
fn negative_offsets_are_refused_naming_the_entity() {
    let s = Saved::new();
    let v = one_doc(json!([{"id": "T1", "start": -5, "end": 6, "label": "PER", "text": "Sergueï"}]), json!([]));
    refuse_everywhere(&s, &json_case("negative.json", v.to_string(), &["document h: entity T1: offsets [-5, 6) out of range"]));
}

#[test]
fn start_after_end_is_refused_naming_the_entity() {
    let s = Saved::new();
    let v = one_doc(json!([{"id": "T7", "start": 14, "end": 8, "label": "PER", "text": ""}]), json!([]));
    refuse_everywhere(
        &s,
        &json_case("reversed.json", v.to_string(), &["document h: entity T7: offsets [14, 8) out of range", "need 0 <= start < end"]),
    );
}

#[test]
fn offsets_past_the_end_are_refused_naming_the_entity() {
    let s = Saved::new();
    let len = TEXT_A.chars().count();
    let v = one_doc(json!([{"id": "T1", "start": len - 2, "end": len + 40, "label": "DATE", "text": "5."}]), json!([]));
    refuse_everywhere(
        &s,
        &json_case(
            "past.json",
            v.to_string(),
            &[&format!("document h: entity T1: offsets [{}, {}) out of range for a text of {len} code points", len - 2, len + 40)],
        ),
    );
}

#[test]
fn entity_text_that_does_not_match_is_refused_naming_the_entity() {
    let s = Saved::new();
    // Offsets counted in bytes (é is two): the text there differs.
    let v = one_doc(json!([{"id": "T2", "start": 35, "end": 42, "label": "PER", "text": "Wang Yi"}]), json!([]));
    refuse_everywhere(
        &s,
        &json_case("mismatch.json", v.to_string(), &["document h: entity T2: text[35:42] is", "but the entity's text is \"Wang Yi\""]),
    );
}

#[test]
fn duplicate_ids_are_refused_naming_them() {
    let s = Saved::new();
    let mut v = gold();
    v["documents"][1]["id"] = json!("a");
    refuse_everywhere(&s, &json_case("dup-docs.json", v.to_string(), &["document a: duplicate document id (also documents[0])"]));
    let v = one_doc(json!([entity(TEXT_A, "T1", "Sergueï Lavrov", "PER"), entity(TEXT_A, "T1", "Wang Yi", "PER")]), json!([]));
    refuse_everywhere(&s, &json_case("dup-entities.json", v.to_string(), &["document h: entity T1: duplicate entity id"]));
    let v = one_doc(
        json!([entity(TEXT_A, "T1", "Sergueï Lavrov", "PER"), entity(TEXT_A, "T2", "Wang Yi", "PER")]),
        json!([{"id": "R1", "head": "T1", "tail": "T2", "label": "MEETS"}, {"id": "R1", "head": "T2", "tail": "T1", "label": "MEETS"}]),
    );
    refuse_everywhere(&s, &json_case("dup-relations.json", v.to_string(), &["document h: relation R1: duplicate relation id"]));
}

#[test]
fn dangling_relations_are_refused_naming_the_relation() {
    let s = Saved::new();
    let v = one_doc(
        json!([entity(TEXT_A, "T1", "Sergueï Lavrov", "PER")]),
        json!([{"id": "R4", "head": "T1", "tail": "T99", "label": "MEETS"}]),
    );
    refuse_everywhere(
        &s,
        &json_case(
            "dangling.json",
            v.to_string(),
            &["document h: relation R4: tail \"T99\" names no entity of this document (dangling relation)"],
        ),
    );
}

#[test]
fn unknown_labels_are_refused_naming_the_entity_or_relation() {
    let s = Saved::new();
    let v = one_doc(json!([entity(TEXT_A, "T1", "Sergueï Lavrov", "MINISTER")]), json!([]));
    refuse_everywhere(&s, &json_case("label.json", v.to_string(), &["document h: entity T1: unknown label \"MINISTER\""]));
    let v = one_doc(
        json!([entity(TEXT_A, "T1", "Sergueï Lavrov", "PER"), entity(TEXT_A, "T2", "Wang Yi", "PER")]),
        json!([{"id": "R1", "head": "T1", "tail": "T2", "label": "HUGS"}]),
    );
    refuse_everywhere(&s, &json_case("relation-label.json", v.to_string(), &["document h: relation R1: unknown relation label \"HUGS\""]));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let s = Saved::new();
    let deep = nested(100_000);
    // Anywhere in a dataset: at the top (where a dataset object is expected,
    // so the reader may stop at once), in a document field.
    refuse_everywhere(&s, &json_case("deep-top.json", deep.clone(), &["at line 1 column"]));
    let text = format!(
        "{{\"format\": \"spanlab-dataset\", \"version\": 1, \"schema\": {}, \"documents\": [{{\"id\": \"x\", \"text\": \"t\", \"extra\": {deep}}}]}}",
        news_schema()
    );
    refuse_everywhere(&s, &json_case("deep-field.json", text, &["recursion limit exceeded", "at line 1 column"]));
    // In the other JSON formats.
    for (format, content) in [
        ("doccano", format!("{{\"text\": \"a\", \"label\": {deep}}}\n")),
        ("spacy-jsonl", format!("{{\"text\": \"a\", \"spans\": {deep}}}\n")),
        ("label-studio", deep.clone()),
    ] {
        let input = s.input(&format!("deep.{format}"), &content);
        s.import_refused(&input, format, &[], &["recursion limit exceeded", "line 1, column", &format!("deep.{format}")]);
    }
    // As an article (JSONL, dataset) and as an annotation file in a project.
    let mut s = s;
    s.add("deep.jsonl", format!("{{\"text\": \"ok\"}}\n{{\"text\": \"a\", \"x\": {deep}}}\n"));
    s.add("deep.json", format!("{{\"format\": \"spanlab-dataset\", \"x\": {deep}}}"));
    s.add("annotations/documents/zz.json", &deep);
    let p = Project::open(&s.project, None).expect("opens");
    for name in ["deep.jsonl:2:", "deep.json:1:", "zz.json:1:"] {
        assert!(p.warnings.iter().any(|w| w.contains(name)), "{name}: {:#?}", p.warnings);
    }
    for name in ["deep.jsonl:2:", "deep.json:1:"] {
        assert!(p.warnings.iter().any(|w| w.contains(name) && w.contains("recursion limit")), "{name}: {:#?}", p.warnings);
    }
    refused(&spanlab(&["validate", path_str(&s.project)]), &["deep.jsonl:2:", "deep.json:1:", "zz.json:1:"]);
    s.assert_unchanged();
}

#[test]
fn the_format_of_an_unreadable_input_cannot_be_guessed_and_the_message_says_so() {
    let s = Saved::new();
    for (name, bytes) in [("empty.dat", &b""[..]), ("noise.dat", &b"\x00\x9f\x92\x96 binary"[..]), ("prose.txt", &b"Lavrov a dit non."[..])]
    {
        let input = s.input(name, bytes);
        let o = spanlab(&["import", path_str(&input), "--into", path_str(&s.project)]);
        refused(&o, &[name, "cannot tell its format; say which with --format"]);
    }
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// Annotation files: a damaged one is reported, never overwritten
// ---------------------------------------------------------------------------

/// Replaces document `a`'s annotation file by `content` (hash and all, the
/// rest kept) and checks: the project opens (warning or not), loading `a`
/// fails naming the file and `needles`, the other document loads, `validate`
/// names it, `export` refuses naming it, and no file changed.
fn damaged_annotation_file(content: &str, needles: &[&str]) {
    let mut s = Saved::new();
    s.add("annotations/documents/a.json", content);
    let p = Project::open(&s.project, None).expect("the project opens");
    assert!(p.position(&DocId("b".into())).is_some_and(|i| p.load(i).is_ok()), "the other document loads");
    let err = match p.position(&DocId("a".into())) {
        Some(i) => p.load(i).map(|_| ()).expect_err("refused").to_string(),
        None => p.warnings.join("\n"),
    };
    assert!(err.contains("a.json"), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in {err}");
    }
    let o = spanlab(&["validate", path_str(&s.project)]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    refused(&o, &["a.json"]);
    let out = s.path("x.json");
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]), &["a.json"]);
    assert!(!out.exists());
    ok(&spanlab(&["stats", path_str(&s.project)]));
    s.assert_unchanged();
}

#[test]
fn a_truncated_annotation_file_is_reported_with_line_and_column() {
    let full = serde_json::to_string_pretty(&saved_a()).expect("json");
    let cut = cut(&full, full.len() / 2);
    damaged_annotation_file(cut, &[&format!("a.json:{}:", cut.lines().count()), "EOF while parsing"]);
}

#[test]
fn an_annotation_file_with_wrong_types_is_reported_with_line_and_column() {
    let mut v = saved_a();
    v["spans"][0]["start"] = json!("zero");
    damaged_annotation_file(&v.to_string(), &["a.json:1:", "invalid type: string \"zero\", expected usize"]);
    let mut v = saved_a();
    v["spans"][0]["start"] = json!(-3);
    damaged_annotation_file(&v.to_string(), &["a.json:1:", "invalid value: integer `-3`, expected usize"]);
}

#[test]
fn an_annotation_span_with_start_after_end_is_refused_naming_the_span() {
    let mut v = saved_a();
    v["spans"][0]["start"] = json!(9);
    v["spans"][0]["end"] = json!(3);
    let id = v["spans"][0]["id"].clone();
    damaged_annotation_file(&v.to_string(), &[&format!("span {id} [9, 3)"), "outside the text"]);
}

#[test]
fn an_annotation_span_past_the_end_is_refused_naming_the_span() {
    let mut v = saved_a();
    v["spans"][0]["end"] = json!(4_000_000_000u64);
    let id = v["spans"][0]["id"].clone();
    damaged_annotation_file(&v.to_string(), &[&format!("span {id} [0, 4000000000)")]);
}

#[test]
fn an_annotation_file_with_huge_ids_is_refused_not_a_panic() {
    for field in ["span", "relation", "next_id"] {
        let mut v = saved_a();
        match field {
            "span" => {
                v["spans"][1]["id"] = json!(u64::MAX);
                v["relations"][0]["tail"] = json!(u64::MAX);
            }
            "relation" => v["relations"][0]["id"] = json!(u64::MAX),
            _ => v["next_id"] = json!(u64::MAX),
        }
        damaged_annotation_file(&v.to_string(), &["18446744073709551615", "too large"]);
    }
}

#[test]
fn an_annotation_file_with_duplicate_or_dangling_ids_is_refused() {
    let mut v = saved_a();
    v["spans"][1]["id"] = v["spans"][0]["id"].clone();
    damaged_annotation_file(&v.to_string(), &["appears twice"]);
    let mut v = saved_a();
    v["relations"][0]["tail"] = json!(777);
    damaged_annotation_file(&v.to_string(), &["777"]);
}

#[test]
fn an_annotation_file_of_another_format_or_version_is_refused() {
    let mut v = saved_a();
    v["version"] = json!(99);
    damaged_annotation_file(&v.to_string(), &["version 99 is not supported"]);
    let mut v = saved_a();
    v["format"] = json!("brat");
    damaged_annotation_file(&v.to_string(), &["format is \"brat\""]);
}

#[test]
fn an_annotation_with_an_unknown_label_loads_but_is_never_exported() {
    let mut s = Saved::new();
    let mut v = saved_a();
    v["spans"][0]["label"] = json!("MINISTER");
    s.add("annotations/documents/a.json", v.to_string());
    assert_eq!(s.load("a").expect("loads: the label can be fixed in the window").doc.spans().len(), 3);
    refused(&spanlab(&["validate", path_str(&s.project)]), &["a.json", "document a: entity T1: unknown label \"MINISTER\""]);
    let out = s.path("x.json");
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]), &["document a: entity T1: unknown label \"MINISTER\""]);
    assert!(!out.exists());
    s.assert_unchanged();
}

#[test]
fn a_changed_article_with_huge_recorded_offsets_is_reanchored_not_a_panic() {
    // The article changed (its hash differs), so spans are looked for again;
    // a span recorded at an absurd offset is kept for review.
    let mut s = Saved::new();
    let mut v = saved_a();
    v["spans"][2]["start"] = json!(i64::MAX as u64 - 2);
    v["spans"][2]["end"] = json!(i64::MAX as u64);
    s.add("annotations/documents/a.json", v.to_string());
    s.add("a.txt", format!("Hier, {TEXT_A}"));
    let l = s.load("a").expect("loads");
    assert!(l.report.text_changed);
    assert_eq!(l.doc.spans().len() + l.doc.orphans.len(), 3, "every span kept, placed or for review");
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// Document ids that look like paths
// ---------------------------------------------------------------------------

#[test]
fn document_ids_and_sources_that_look_like_paths_never_write_outside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let into = dir.path().join("deep").join("er").join("P");
    let ids =
        ["../../evil", "..", ".", "a/../../b", "/etc/spanlab-evil", "a\\..\\..\\c", ".hidden", "sub/ok", "C:\\x", "%2E%2E", "~", "con"];
    let sources = [
        "../../evil.txt",
        "/tmp/spanlab-abs.txt",
        "sub/../../x.txt",
        "..\\y.txt",
        "",
        "ok.txt",
        ".env.txt",
        "C:/z.txt",
        "a/b/c.txt",
        "ok.txt",
        "~/h.txt",
        "nul.txt",
    ];
    let docs: Vec<Value> = ids
        .iter()
        .zip(sources)
        .enumerate()
        .map(|(k, (id, source))| {
            let text = format!("Texte {k} : Lavrov.");
            json!({"id": id, "source": source, "text": text, "entities": [entity(&text, "T1", "Lavrov", "PER")]})
        })
        .collect();
    let input = dir.path().join("paths.json");
    fs::write(&input, dataset(Value::Array(docs)).to_string()).expect("write");
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&into)]));
    let outside_ok = |k: &String| k == "paths.json" || k == "deep/" || k == "deep/er/" || k.starts_with("deep/er/P/");
    let all = snapshot(dir.path());
    assert!(all.keys().all(outside_ok), "{:#?}", all.keys().filter(|k| !outside_ok(k)).collect::<Vec<_>>());
    assert!(!Path::new("/etc/spanlab-evil.json").exists() && !Path::new("/tmp/spanlab-abs.txt").exists());
    // Every document comes back with its id, and saving each stays inside.
    let mut p = Project::open(&into, None).expect("opens");
    for id in ids {
        let i = p.position(&DocId(id.into())).unwrap_or_else(|| panic!("{id} listed: {:?}", p.entries));
        let doc = p.load(i).expect("loads").doc;
        assert_eq!(doc.spans().len(), 1, "{id}");
        p.save(&doc).expect("saves");
    }
    // Exports to a folder format keep inside their folder too.
    let brat = dir.path().join("brat");
    ok(&spanlab(&["export", path_str(&into), "--out", path_str(&brat), "--format", "brat"]));
    let all = snapshot(dir.path());
    let inside = |k: &String| outside_ok(k) || k == "brat/" || k.starts_with("brat/");
    assert!(all.keys().all(inside), "{:#?}", all.keys().filter(|k| !inside(k)).collect::<Vec<_>>());
    // And they come back.
    let back = dir.path().join("back.json");
    ok(&spanlab(&["convert", path_str(&brat), path_str(&back), "--to", "spanlab"]));
    let v: Value = serde_json::from_slice(&fs::read(&back).expect("read")).expect("json");
    let mut got: Vec<String> = v["documents"].as_array().expect("docs").iter().map(|d| d["id"].as_str().expect("id").to_owned()).collect();
    got.sort();
    let mut want: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn jsonl_article_ids_that_climb_out_are_saved_inside() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("P");
    fs::create_dir_all(&root).expect("mkdir");
    fs::write(root.join("wire.jsonl"), "{\"id\": \"../../../escape\", \"text\": \"Lavrov.\"}\n{\"id\": \"/abs\", \"text\": \"Lavrov.\"}\n{\"id\": \"..\\\\..\\\\win\", \"text\": \"Lavrov.\"}\n").expect("write");
    let mut p = Project::open(&root, None).expect("opens");
    for id in ["../../../escape", "/abs", "..\\..\\win"] {
        annotate(&mut p, id, "Lavrov", "PER").expect("saves");
    }
    let all = snapshot(dir.path());
    assert!(all.keys().all(|k| k.starts_with("P/")), "{:#?}", all.keys());
    assert_eq!(fs::read_dir(root.join("annotations/documents")).expect("list").count(), 3);
}

// ---------------------------------------------------------------------------
// Symbolic links
// ---------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlinks_to_files_outside_are_read_and_never_written_through() {
    use std::os::unix::fs::symlink;
    let s = Saved::new();
    let outside = s.input("outside/article.txt", "Texte du dehors : Lavrov à Moscou.");
    symlink(&outside, s.project.join("linked.txt")).expect("symlink");
    // An annotation file that is a link to a copy outside.
    let outside_ann = s.input("outside/b.json", &s.project_before["annotations/documents/b.json"]);
    fs::remove_file(s.project.join("annotations/documents/b.json")).expect("rm");
    symlink(&outside_ann, s.project.join("annotations/documents/b.json")).expect("symlink");
    let outside_before = snapshot(&s.path("outside"));
    let mut p = Project::open(&s.project, None).expect("opens");
    annotate(&mut p, "linked", "Lavrov", "PER").expect("saves");
    annotate(&mut p, "b", "siège", "LOC").expect("saves");
    assert_eq!(snapshot(&s.path("outside")), outside_before, "nothing written outside");
    let b = fs::symlink_metadata(s.project.join("annotations/documents/b.json")).expect("meta");
    assert!(b.is_file(), "the link was replaced by the saved file, not written through");
    assert_eq!(s.load("b").expect("loads").doc.spans().len(), 3);
    assert_eq!(s.load("linked").expect("loads").doc.spans().len(), 1);
    // Importing over the linked article: the same text is not rewritten,
    // another text is refused.
    let other = dataset(json!([{"id": "linked", "source": "linked.txt", "text": "Un autre texte."}]));
    let input = s.input("other.json", other.to_string());
    refused(&spanlab(&["import", path_str(&input), "--into", path_str(&s.project)]), &["linked.txt", "holds another text"]);
    assert_eq!(snapshot(&s.path("outside")), outside_before);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_dangling_links_are_passed_over_naming_them() {
    use std::os::unix::fs::symlink;
    let mut s = Saved::new();
    symlink("loop2.txt", s.project.join("loop1.txt")).expect("symlink");
    symlink("loop1.txt", s.project.join("loop2.txt")).expect("symlink");
    symlink("self.txt", s.project.join("self.txt")).expect("symlink");
    symlink("nowhere.txt", s.project.join("dangling.txt")).expect("symlink");
    fs::create_dir_all(s.project.join("sub")).expect("mkdir");
    symlink("..", s.project.join("sub/up")).expect("symlink");
    symlink("annotations", s.project.join("ann-link")).expect("symlink");
    symlink("../documents", s.project.join("annotations/documents/loop")).expect("symlink");
    s.project_before = snapshot(&s.project);
    let p = Project::open(&s.project, None).expect("opens");
    let ids: Vec<&str> = p.entries.iter().map(|e| e.id.0.as_str()).collect();
    assert_eq!(ids, ["a", "b"], "{:#?}", p.warnings);
    for name in ["loop1.txt", "loop2.txt", "self.txt", "dangling.txt", "up", "ann-link"] {
        assert!(p.warnings.iter().any(|w| w.contains(name)), "{name}: {:#?}", p.warnings);
    }
    // Every command works on what is left.
    ok(&spanlab(&["validate", path_str(&s.project)]));
    ok(&spanlab(&["stats", path_str(&s.project)]));
    let out = s.path("x.json");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]));
    assert_eq!(fs::read(&out).expect("read"), s.export_before, "the same export as before the links");
    // A brat folder with a loop in it imports what it can read.
    let brat = s.path("brat");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&brat), "--format", "brat"]));
    symlink("x.ann", brat.join("x.ann")).expect("symlink");
    symlink(".", brat.join("dot")).expect("symlink");
    let back = s.path("back.json");
    ok(&spanlab(&["convert", path_str(&brat), path_str(&back), "--to", "spanlab"]));
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// Folders that cannot be written, full disks
// ---------------------------------------------------------------------------

/// Makes a folder unwritable for the life of the guard: by its permissions,
/// or, when they are not enforced (root), with `chattr +i` where available.
#[cfg(unix)]
struct Unwritable {
    path: PathBuf,
    immutable: bool,
}

#[cfg(unix)]
impl Unwritable {
    fn new(path: &Path) -> Option<Self> {
        chmod(path, 0o555);
        if permissions_enforced(path) {
            return Some(Self { path: path.to_path_buf(), immutable: false });
        }
        chmod(path, 0o755);
        let _ = fs::remove_file(path.join(".probe"));
        let chattr = std::process::Command::new("chattr").arg("+i").arg(path).output();
        if chattr.is_ok_and(|o| o.status.success()) && permissions_enforced(path) {
            return Some(Self { path: path.to_path_buf(), immutable: true });
        }
        let _ = std::process::Command::new("chattr").arg("-i").arg(path).output();
        let _ = fs::remove_file(path.join(".probe"));
        common::require(None, "a way to make a folder unwritable (root ignores permissions, and chattr +i did not work)")
    }
}

#[cfg(unix)]
impl Drop for Unwritable {
    fn drop(&mut self) {
        if self.immutable {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.path).output();
        } else {
            chmod(&self.path, 0o755);
        }
    }
}

#[cfg(unix)]
#[test]
fn an_unwritable_annotations_folder_fails_saving_clearly_and_loses_nothing() {
    let s = Saved::new();
    let docs = s.project.join("annotations/documents");
    let Some(guard) = Unwritable::new(&docs) else { return };
    let mut p = Project::open(&s.project, None).expect("opens");
    let err = annotate(&mut p, "b", "siège", "LOC").expect_err("cannot save").to_string();
    assert!(err.contains("documents/b.json") && (err.contains("Permission denied") || err.contains("not permitted")), "{err}");
    // An import that cannot write its annotations leaves no half-import.
    let new_docs = dataset(json!([
        {"id": "c", "source": "c.txt", "text": TEXT_A, "entities": [entity(TEXT_A, "T1", "Wang Yi", "PER")]},
        {"id": "d", "source": "d.txt", "text": TEXT_B}
    ]));
    let input = s.input("new.json", new_docs.to_string());
    refused(&spanlab(&["import", path_str(&input), "--into", path_str(&s.project)]), &["documents/c.json"]);
    assert!(!s.project.join("c.txt").exists(), "the article written before the failure is removed again");
    drop(guard);
    s.assert_unchanged();
}

#[test]
fn when_the_documents_folder_is_a_file_saving_fails_clearly() {
    // Works whoever runs the tests (root included).
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("P");
    fs::create_dir_all(root.join("annotations")).expect("mkdir");
    fs::write(root.join("a.txt"), TEXT_A).expect("write");
    fs::write(root.join("annotations/documents"), "not a folder").expect("write");
    let mut p = Project::open(&root, None).expect("opens");
    assert!(p.warnings.iter().any(|w| w.contains("documents") && w.contains("not a folder")), "{:?}", p.warnings);
    let err = annotate(&mut p, "a", "Wang Yi", "PER").expect_err("cannot save").to_string();
    assert!(err.contains("documents"), "{err}");
    assert_eq!(fs::read_to_string(root.join("annotations/documents")).expect("read"), "not a folder");
}

#[cfg(target_os = "linux")]
#[test]
fn exporting_to_a_full_disk_fails_clearly_and_keeps_earlier_exports() {
    use std::os::unix::fs::FileTypeExt;
    let s = Saved::new();
    for format in ["spanlab", "doccano", "spacy-jsonl", "docbin", "conll", "label-studio"] {
        let o = spanlab(&["export", path_str(&s.project), "--out", "/dev/full", "--format", format]);
        let msg = refused(&o, &["/dev/full", "No space left on device"]);
        assert_eq!(msg.matches("No space left on device").count(), 1, "said once: {msg}");
    }
    let o = spanlab(&["convert", path_str(&s.export), "/dev/full", "--to", "doccano"]);
    refused(&o, &["/dev/full", "No space left on device"]);
    // A link to the full device where an export is expected.
    #[cfg(unix)]
    {
        let link = s.path("full.json");
        std::os::unix::fs::symlink("/dev/full", &link).expect("symlink");
        refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&link)]), &["full.json", "No space left on device"]);
        assert!(fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "the link is left alone");
    }
    assert!(fs::metadata("/dev/full").expect("meta").file_type().is_char_device(), "/dev/full is still the device");
    let leftovers: Vec<_> =
        fs::read_dir("/dev").expect("list").flatten().filter(|e| e.file_name().to_string_lossy().contains(".tmp-")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    s.assert_unchanged();
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_cut_short_like_on_a_full_disk_keeps_the_old_export_and_no_temporary() {
    // The file size limit (ulimit -f) makes a write fail part-way with EFBIG,
    // as a full disk would, on any file system and for root too.
    let mut s = Saved::new();
    s.add("long.txt", "Lavrov à Pékin. ".repeat(10_000));
    let script = "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"";
    for format in ["spanlab", "doccano"] {
        let o = std::process::Command::new("sh")
            .args([
                "-c",
                script,
                env!("CARGO_BIN_EXE_spanlab"),
                "export",
                path_str(&s.project),
                "--out",
                path_str(&s.export),
                "--format",
                format,
            ])
            .output()
            .expect("sh runs");
        refused(&o, &["export.json", "File too large"]);
    }
    s.assert_unchanged();
    let leftovers: Vec<_> = fs::read_dir(s.dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn exporting_over_a_folder_fails_and_leaves_no_temporary() {
    let s = Saved::new();
    let folder = s.input("out.json/keep.txt", "keep");
    let out = s.path("out.json");
    refused(&spanlab(&["export", path_str(&s.project), "--out", path_str(&out)]), &["out.json"]);
    assert_eq!(fs::read_to_string(&folder).expect("read"), "keep");
    let leftovers: Vec<_> = fs::read_dir(s.dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// Other tools' formats through `spanlab import --format`
// ---------------------------------------------------------------------------

/// A text with an emoji (a surrogate pair in UTF-16) before a name:
/// "😀" is 1 code point, 2 UTF-16 units.
const EMOJI: &str = "😀 Lavrov à Pékin.";

#[test]
fn doccano_hostile_lines_are_refused_naming_line_and_field() {
    let s = Saved::new();
    let good = json!({"text": TEXT_A, "label": [[0, 14, "PER"]]}).to_string();
    let cases: Vec<(&str, String, &[&str], &[&str])> = vec![
        ("truncated", format!("{good}\n{}", cut(&good, good.len() / 2)), &["line 2, column", "EOF while parsing"], &[]),
        ("not-object", format!("{good}\n[1, 2]\n"), &["line 2", "expected a JSON object"], &[]),
        ("text-number", "{\"text\": 12}\n".to_owned(), &["line 1, \"text\""], &[]),
        ("start-string", json!({"text": TEXT_A, "entities": [{"id": 1, "start_offset": "0", "end_offset": 6, "label": "PER"}]}).to_string(), &["line 1, entity 1, start_offset", "expected an integer offset"], &[]),
        ("reversed", json!({"text": TEXT_A, "entities": [{"id": 1, "start_offset": 9, "end_offset": 3, "label": "PER"}]}).to_string(), &["line 1, entity 1", "start 9 is not before end 3"], &[]),
        ("past-end", json!({"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 99, "label": "PER"}]}).to_string(), &["line 1, entity 1, end_offset", "offset 99 is outside the text (3 code points)"], &[]),
        ("negative", json!({"text": "abc", "entities": [{"id": 1, "start_offset": -1, "end_offset": 2, "label": "PER"}]}).to_string(), &["line 1, entity 1, start_offset", "offset -1 is outside the text"], &[]),
        ("huge", "{\"text\": \"abc\", \"label\": [[0, 99999999999999999999999, \"PER\"]]}".to_owned(), &["line 1"], &[]),
        ("surrogate", json!({"text": EMOJI, "entities": [{"id": 1, "start_offset": 1, "end_offset": 9, "label": "PER"}]}).to_string(), &["line 1, entity 1, start_offset", "offset 1 falls inside a character (utf16 offsets)"], &["--offsets", "utf16"]),
        ("dup-entity", json!({"text": TEXT_A, "entities": [{"id": 1, "start_offset": 0, "end_offset": 7, "label": "PER"}, {"id": 1, "start_offset": 8, "end_offset": 14, "label": "PER"}]}).to_string(), &["line 1, entity 2", "duplicate entity id 1"], &[]),
        ("dangling", json!({"text": TEXT_A, "entities": [{"id": 1, "start_offset": 0, "end_offset": 14, "label": "PER"}], "relations": [{"id": 1, "from_id": 1, "to_id": 42, "type": "MEETS"}]}).to_string(), &["line 1, relation 1", "42"], &[]),
        ("dup-doc", format!("{}\n{}\n", json!({"id": "x", "text": "a"}), json!({"id": "x", "text": "b"})), &["line 2, id", "duplicate document id \"x\""], &[]),
        ("bad-status", json!({"text": "a", "status": "finished"}).to_string(), &["line 1, \"status\""], &[]),
        ("offsets-unit", json!({"text": "a", "offsets": "miles"}).to_string(), &["line 1, \"offsets\"", "unknown unit \"miles\""], &[]),
        ("invalid-utf8", "{\"text\": \"caf\u{e9}\"}\n{\"text\": \"\u{e9}".to_owned() + "\"}", &[], &[]),
        ("unknown-label", json!({"text": TEXT_A, "label": [[0, 14, "MINISTER"], [27, 34, "PER"]]}).to_string(), &["document doc-0001: entity T1: unknown label \"MINISTER\""], &[]),
    ];
    for (name, content, needles, extra) in cases {
        let file = format!("{name}.jsonl");
        let mut bytes = content.into_bytes();
        if name == "invalid-utf8" {
            bytes = b"{\"text\": \"ok\"}\n{\"text\": \"caf\xe9\"}\n".to_vec();
        }
        let input = s.input(&file, &bytes);
        let mut all = needles.to_vec();
        all.push(&file);
        if name == "invalid-utf8" {
            all.extend(["line 2", "invalid UTF-8 at byte 28"]);
        }
        s.import_refused(&input, "doccano", extra, &all);
    }
}

#[test]
fn doccano_utf16_offsets_around_an_emoji_are_read_correctly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (s16, e16) = (3, 9); // "Lavrov" after "😀 " (2 + 1 UTF-16 units)
    let input = dir.path().join("emoji.jsonl");
    fs::write(&input, json!({"text": EMOJI, "label": [[s16, e16, "PER"]]}).to_string()).expect("write");
    let into = dir.path().join("P");
    ok(&spanlab(&["import", path_str(&input), "--into", path_str(&into), "--format", "doccano", "--offsets", "utf16"]));
    let p = Project::open(&into, None).expect("opens");
    let l = p.load(0).expect("loads");
    let span = l.doc.spans().iter().next().expect("a span").clone();
    assert_eq!((span.start.get(), span.end.get(), l.doc.span_text(&span)), (2, 8, "Lavrov"));
}

#[test]
fn spacy_jsonl_hostile_lines_are_refused_naming_line_and_field() {
    let s = Saved::new();
    let good = json!({"text": "Paul Biya", "tokens": [{"text": "Paul", "start": 0, "end": 4, "id": 0, "ws": true}, {"text": "Biya", "start": 5, "end": 9, "id": 1, "ws": false}], "spans": [{"token_start": 0, "token_end": 1, "label": "PER"}]}).to_string();
    let cases: Vec<(&str, String, &[&str], &[&str])> = vec![
        ("truncated", format!("{good}\n{}", cut(&good, good.len() - 20)), &["line 2, column", "EOF while parsing"], &[]),
        (
            "no-token",
            json!({"text": "ab", "spans": [{"token_start": 0, "token_end": 5, "label": "X"}]}).to_string(),
            &["line 1, span 1", "names no token"],
            &[],
        ),
        ("spans-object", json!({"text": "ab", "spans": {"a": 1}}).to_string(), &["line 1, \"spans\""], &[]),
        (
            "token-string",
            json!({"text": "ab", "tokens": [{"start": "0", "end": 2}]}).to_string(),
            &["line 1, token 0, start", "expected an integer offset"],
            &[],
        ),
        ("reversed", json!({"text": "abcdef", "spans": [{"start": 4, "end": 2, "label": "X"}]}).to_string(), &["line 1, span 1"], &[]),
        (
            "past-end",
            json!({"text": "ab", "spans": [{"start": 0, "end": 30, "label": "X"}]}).to_string(),
            &["line 1, span 1, end", "outside the text"],
            &[],
        ),
        (
            "surrogate",
            json!({"text": EMOJI, "spans": [{"start": 1, "end": 9, "label": "PER"}]}).to_string(),
            &["line 1, span 1, start", "falls inside a character"],
            &["--offsets", "utf16"],
        ),
        ("meta-string", json!({"text": "ab", "meta": "x"}).to_string(), &["line 1, \"meta\"", "expected an object"], &[]),
        (
            "dup-doc",
            format!("{}\n{}\n", json!({"text": "a", "meta": {"id": "x"}}), json!({"text": "b", "meta": {"id": "x"}})),
            &["line 2, meta.id", "duplicate document id \"x\""],
            &[],
        ),
    ];
    for (name, content, needles, extra) in cases {
        let file = format!("{name}.spacy.jsonl");
        let input = s.input(&file, &content);
        let mut all = needles.to_vec();
        all.push(&file);
        s.import_refused(&input, "spacy-jsonl", extra, &all);
    }
}

#[test]
fn docbin_hostile_files_are_refused_naming_the_place() {
    let s = Saved::new();
    let good = s.path("good.spacy");
    ok(&spanlab(&["export", path_str(&s.project), "--out", path_str(&good), "--format", "docbin"]));
    let bytes = fs::read(&good).expect("read");
    let noise: Vec<u8> = (0u32..10_000).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let mut deflated_garbage = Vec::new();
    {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(&mut deflated_garbage, flate2::Compression::default());
        z.write_all(&[0xdc, 0xff, 0xff]).expect("deflate");
        z.finish().expect("deflate");
    }
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("empty", Vec::new(), &[]),
        ("noise", noise, &[]),
        ("truncated", bytes[..bytes.len() / 2].to_vec(), &[]),
        ("text", b"Lavrov a dit non.".to_vec(), &[]),
        ("garbage-msgpack", deflated_garbage, &["msgpack at byte"]),
    ];
    for (name, content, needles) in cases {
        let file = format!("{name}.spacy");
        let input = s.input(&file, &content);
        let mut all = needles.to_vec();
        all.push(&file);
        s.import_refused(&input, "docbin", &[], &all);
    }
}

#[test]
fn brat_hostile_folders_are_refused_naming_file_and_line() {
    let s = Saved::new();
    let text = "Lavrov à Pékin.";
    /// A folder's files (name, bytes).
    type Files = Vec<(&'static str, Vec<u8>)>;
    let cases: Vec<(&str, Files, &[&str], &[&str])> = vec![
        ("orphan-ann", vec![("doc.ann", b"T1\tPER 0 6\tLavrov\n".to_vec())], &["doc.ann", "no doc.txt beside it"], &[]),
        (
            "past-end",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 600\tLavrov\n".to_vec())],
            &["doc.ann line 1", "entity T1: offset 600 is outside the text"],
            &[],
        ),
        (
            "reversed",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 6 0\tLavrov\n".to_vec())],
            &["doc.ann line 1", "starts after it ends"],
            &[],
        ),
        (
            "not-a-number",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 six\tLavrov\n".to_vec())],
            &["doc.ann line 1", "offset \"six\" is not a number"],
            &[],
        ),
        (
            "no-tab",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 6\tLavrov\ngarbage line\n".to_vec())],
            &["doc.ann line 2", "expected an id, a tab"],
            &[],
        ),
        (
            "mismatch",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 6\tLavrof\n".to_vec())],
            &["doc.ann line 1", "\"Lavrov\" but the line says \"Lavrof\""],
            &[],
        ),
        (
            "dangling",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 6\tLavrov\nR1\tLOCATED_IN Arg1:T1 Arg2:T9\n".to_vec())],
            &["doc.ann line 2", "T9"],
            &[],
        ),
        (
            "invalid-utf8",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 6\tLavrov\nT2\tGPE 9 14\tP\xe9kin\n".to_vec())],
            &["doc.ann line 2", "invalid UTF-8 at byte"],
            &[],
        ),
        (
            "txt-invalid-utf8",
            vec![("doc.txt", b"P\xe9kin".to_vec()), ("doc.ann", Vec::new())],
            &["doc.txt line 1", "invalid UTF-8 at byte 1"],
            &[],
        ),
        (
            "surrogate",
            vec![("doc.txt", EMOJI.into()), ("doc.ann", b"T1\tPER 1 9\tLavrov\n".to_vec())],
            &["doc.ann line 1", "falls inside a character"],
            &["--offsets", "utf16"],
        ),
        (
            "huge",
            vec![("doc.txt", text.into()), ("doc.ann", b"T1\tPER 0 99999999999999999999999\tLavrov\n".to_vec())],
            &["doc.ann line 1", "is not a number"],
            &[],
        ),
    ];
    for (name, files, needles, extra) in cases {
        let folder = s.path(&format!("brat-{name}"));
        for (f, bytes) in &files {
            s.input(&format!("brat-{name}/{f}"), bytes);
        }
        s.import_refused(&folder, "brat", extra, needles);
    }
}

#[test]
fn conll_hostile_files_are_refused_naming_the_line() {
    let s = Saved::new();
    let cases: Vec<(&str, Vec<u8>, &[&str])> = vec![
        ("bad-tag", b"-DOCSTART- -X- -X- O\n\nLavrov B-PER\nest X-PER\n".to_vec(), &["line 4"]),
        ("no-tag", b"-DOCSTART- -X- -X- O\n\nLavrov\n".to_vec(), &["line 3"]),
        ("invalid-utf8", b"-DOCSTART- -X- -X- O\n\nP\xe9kin B-GPE\n".to_vec(), &["line 3", "invalid UTF-8 at byte"]),
        ("binary", b"\0\0\0\x01\x02 B-PER\n".to_vec(), &["line 1"]),
    ];
    for (name, content, needles) in cases {
        let file = format!("{name}.conll");
        let input = s.input(&file, &content);
        let mut all = needles.to_vec();
        all.push(&file);
        s.import_refused(&input, "conll", &[], &all);
    }
}

#[test]
fn label_studio_hostile_tasks_are_refused_naming_task_and_result() {
    let s = Saved::new();
    let result = |start: Value, end: Value| json!({"id": "r1", "type": "labels", "from_name": "label", "to_name": "text", "value": {"start": start, "end": end, "labels": ["PER"]}});
    let task = |r: Value| json!([{"data": {"text": EMOJI}, "annotations": [{"result": [r]}]}]).to_string();
    let cases: Vec<(&str, String, &[&str], &[&str])> = vec![
        ("truncated", cut(&task(result(json!(2), json!(8))), 40).to_owned(), &["line 1, column", "EOF while parsing"], &[]),
        ("scalar", "42".to_owned(), &["top level", "expected a list of tasks"], &[]),
        ("no-data", json!([{"annotations": []}]).to_string(), &["task 1, data", "missing, or not an object"], &[]),
        ("start-string", task(result(json!("2"), json!(8))), &["task 1, annotation 1, result 1, value.start", "expected an integer offset"], &[]),
        ("past-end", task(result(json!(2), json!(800))), &["task 1, annotation 1, result 1", "value.end: offset 800 is outside the text"], &[]),
        ("reversed", task(result(json!(8), json!(2))), &["task 1, annotation 1, result 1", "start 8 is not before end 2"], &[]),
        ("surrogate", task(result(json!(1), json!(9))), &["task 1, annotation 1, result 1", "falls inside a character"], &["--offsets", "utf16"]),
        ("annotations-object", json!([{"data": {"text": "a"}, "annotations": {"x": 1}}]).to_string(), &["task 1, annotations", "expected a list"], &[]),
        ("dangling", json!([{"data": {"text": EMOJI}, "annotations": [{"result": [result(json!(2), json!(8)), {"type": "relation", "from_id": "r1", "to_id": "zz"}]}]}]).to_string(), &["task 1, annotation 1, result 2", "\"zz\" names no span"], &[]),
    ];
    for (name, content, needles, extra) in cases {
        let file = format!("{name}.ls.json");
        let input = s.input(&file, &content);
        let mut all = needles.to_vec();
        all.push(&file);
        s.import_refused(&input, "label-studio", extra, &all);
    }
}

#[test]
fn every_format_reads_an_empty_or_blank_file_without_choking() {
    // Legitimately readable as no documents (JSONL, CoNLL), or refused with
    // a place (JSON, DocBin); either way nothing changes.
    let s = Saved::new();
    for format in ["spanlab", "doccano", "spacy-jsonl", "docbin", "conll", "label-studio"] {
        for (name, content) in [("empty", ""), ("blank", " \n\r\n\t\n")] {
            let input = s.input(&format!("{name}.{format}"), content);
            let into = s.path(&format!("into-{name}-{format}"));
            let o = spanlab(&["import", path_str(&input), "--into", path_str(&into), "--format", format]);
            let msg = format!("{}{}", stdout(&o), stderr(&o));
            assert!(!msg.contains("panicked"), "{msg}");
            if o.status.success() {
                assert!(msg.contains("imported 0 documents"), "{format} {name}: {msg}");
            } else {
                assert!(msg.contains(&format!("{name}.{format}")), "{format} {name}: {msg}");
            }
        }
    }
    s.assert_unchanged();
}

// ---------------------------------------------------------------------------
// The window
// ---------------------------------------------------------------------------

/// A folder holding every kind of hostile file beside two good articles,
/// one of them annotated.
fn hostile_folder() -> Saved {
    let mut s = Saved::new();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty.txt", Vec::new()),
        ("blank.md", b" \n\t\n".to_vec()),
        ("nul.txt", b"Lavrov\0Wang".to_vec()),
        ("broken-utf8.txt", b"P\xc3\xa9kin \xc3\xa9t\xc3\xa9 \xff".to_vec()),
        ("utf16-bom.txt", utf16le("Zoë à Pékin", true)),
        ("utf16-nobom.txt", utf16be("Lavrov est à Moscou.", false)),
        ("cp1252.txt", b"Le pr\xe9sident \x80 \xe9t\xe9".to_vec()),
        ("truncated.jsonl", b"{\"text\": \"ok\"}\n{\"text\": \"cut".to_vec()),
        ("types.jsonl", b"{\"text\": 12}\n".to_vec()),
        ("deep.json", format!("{{\"format\": \"spanlab-dataset\", \"x\": {}}}", nested(100_000)).into_bytes()),
        ("dataset-types.json", b"{\"format\": \"spanlab-dataset\", \"version\": \"one\"}".to_vec()),
        ("noise.html", (0u32..2048).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("annotations/documents/zz.json", b"{ broken".to_vec()),
        ("annotations/documents/%2E%2E%2Fevil.json", b"[1, 2".to_vec()),
    ];
    for (name, bytes) in files {
        s.add(name, bytes);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("loop-b.txt", s.project.join("loop-a.txt")).expect("symlink");
        symlink("loop-a.txt", s.project.join("loop-b.txt")).expect("symlink");
        symlink("..", s.project.join("up")).expect("symlink");
        s.project_before = snapshot(&s.project);
    }
    s
}

#[test]
fn the_window_opens_a_folder_of_hostile_files_lists_what_it_can_and_shows_the_problems() {
    let s = hostile_folder();
    let mut h = harness(&s.project);
    settle(&mut h);
    let ids: Vec<String> = h.state().project.entries.iter().map(|e| e.id.0.clone()).collect();
    for id in ["a", "b", "empty", "blank", "nul", "broken-utf8", "utf16-bom", "utf16-nobom", "cp1252", "noise"] {
        assert!(ids.iter().any(|i| i == id), "{id} listed: {ids:?}");
    }
    let shown = messages(&h);
    for needle in ["truncated.jsonl:2:", "types.jsonl:1:", "deep.json:1:", "dataset-types.json:1:", "zz.json:1:", "%2E%2E%2Fevil.json:1:"] {
        assert!(shown.contains(needle), "{needle} in:\n{shown}");
    }
    // Open every document in turn, as clicking the list would: the readable
    // ones open, the others say why, naming their file; no panic.
    for (i, id) in ids.iter().enumerate() {
        let before = h.state().messages.len();
        h.state_mut().open_document(i);
        settle(&mut h);
        let opened = h.state().open.as_ref().map(|o| o.index) == Some(i);
        let readable = ["a", "b", "empty", "blank", "utf16-bom", "utf16-nobom", "cp1252"].contains(&id.as_str());
        assert_eq!(opened, readable, "{id}: {}", messages(&h));
        if !readable {
            let last = h.state().messages.last().expect("a message").clone();
            assert!(last.error && h.state().messages.len() > before, "{id}: {last:?}");
            let file = h.state().project.entries[i].source.clone();
            assert!(last.text.contains(&file), "{id}: {last:?}");
        }
    }
    // The status bar shows the last problem, naming the file.
    let last = h.state().messages.last().expect("a message").text.clone();
    let first_line = last.lines().next().unwrap_or_default().to_owned();
    assert!(
        h.query_all_by_label_contains(&first_line[..first_line.floor_char_boundary(40)]).next().is_some(),
        "status bar shows {first_line:?}"
    );
    drop(h);
    s.assert_kept();
}

#[test]
fn the_window_never_overwrites_a_damaged_annotation_file() {
    let mut s = Saved::new();
    let mut v = saved_a();
    v["spans"][0]["end"] = json!(999);
    s.add("annotations/documents/a.json", v.to_string());
    let mut h = harness(&s.project);
    settle(&mut h);
    let a = h.state().project.position(&DocId("a".into())).expect("listed");
    h.state_mut().open_document(a);
    h.run_ok();
    let last = h.state().messages.last().expect("a message").clone();
    assert!(last.error && last.text.contains("a.json") && last.text.contains("[0, 999)"), "{last:?}");
    // Keys meant for a document do nothing when it could not be opened.
    if h.state().open.as_ref().is_some_and(|o| o.index == a) {
        panic!("the damaged document must not open");
    }
    h.key_press(egui::Key::P);
    h.run_ok();
    drop(h);
    assert_eq!(fs::read(s.project.join("annotations/documents/a.json")).expect("read"), v.to_string().into_bytes());
}

#[test]
fn the_window_reports_a_failed_save_and_keeps_the_edit() {
    // The annotations folder cannot take the file: "documents" is a file
    // (root or not, this cannot be written).
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("P");
    fs::create_dir_all(root.join("annotations")).expect("mkdir");
    fs::write(root.join("a.txt"), TEXT_A).expect("write");
    fs::write(root.join("annotations/documents"), "not a folder").expect("write");
    let mut h = harness(&root);
    settle(&mut h);
    let (s, e) = find(TEXT_A, "Wang Yi");
    h.state_mut().open.as_mut().expect("open").selection = Selection::Text { anchor: CharIdx::new(s), head: CharIdx::new(e) };
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, spanlab::app::Command::Label("PER".into()));
    h.state_mut().flush_writes();
    h.run_ok();
    let open = h.state().open.as_ref().expect("open");
    assert!(open.doc.spans().iter().any(|x| open.doc.span_text(x) == "Wang Yi"), "the edit is kept in the window");
    let err = open.save_error.clone().expect("a save error");
    assert!(err.contains("documents") && err.contains("a.json"), "{err}");
    assert!(h.query_all_by_label_contains("not saved").next().is_some(), "the header says so");
    assert_eq!(fs::read_to_string(root.join("annotations/documents")).expect("read"), "not a folder");
}

#[test]
fn the_window_opens_a_10_mb_line_and_a_million_lines() {
    let mut s = Saved::new();
    let mut long = "Lavrov ".repeat(10_000_000 / 7);
    long.push_str("Pékin");
    s.add("long.txt", &long);
    let mut lines = String::with_capacity(30_000_000);
    for i in 0..1_000_000 {
        lines.push_str(&format!("Ligne {i} : Lavrov à Pékin.\n"));
    }
    s.add("lines.txt", &lines);
    let mut h = harness(&s.project);
    for id in ["long", "lines"] {
        let i = h.state().project.position(&DocId(id.into())).expect("listed");
        h.state_mut().open_document(i);
        h.run_ok();
        let open = h.state().open.as_ref().expect("open");
        assert_eq!(open.index, i);
        assert!(open.doc.text().len_bytes() >= 10_000_000);
    }
    drop(h);
    s.assert_kept();
}
