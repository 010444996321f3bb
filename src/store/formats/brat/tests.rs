//! The brat folder's tests: hand-written folders, the files written, round
//! trips, and hostile lines.
//!
//! Owns: the helpers that build folders from strings. Must not touch: the
//! file system (folders are `Source`s in memory).

use proptest::prelude::*;
use serde_json::{Value, json};

use super::read::id_for_stem;
use super::write::fragments;
use super::*;
use crate::model::{Dataset, Schema, Status};
use crate::store::formats::testgen::{arb_dataset, canon};
use crate::store::formats::{Direction, Format, FormatError, Offsets, Options, RawDoc, RawEntity, RawRelation, Report, Source, dataset_of};

fn folder(files: &[(&str, &str)]) -> Source {
    let mut files: Vec<(String, Vec<u8>)> = files.iter().map(|(p, b)| ((*p).to_owned(), b.as_bytes().to_vec())).collect();
    files.sort();
    Source::Folder(files)
}

fn import(source: &Source, offsets: Option<Offsets>) -> Result<(Dataset, Report), FormatError> {
    let mut report = Report::new(Format::Brat, Direction::Import);
    let options = Options { offsets, ..Options::default() };
    let d = read(source, &options, &mut report)?;
    Ok((d, report))
}

fn export(dataset: &Dataset, schema: &Schema, offsets: Option<Offsets>) -> (Vec<(String, Vec<u8>)>, Report) {
    let mut report = Report::new(Format::Brat, Direction::Export);
    let options = Options { offsets, ..Options::default() };
    let files = write(dataset, schema, &options, &mut report);
    (files, report)
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
    let bytes = files.iter().find(|(p, _)| p == name).map(|(_, b)| b.as_slice()).unwrap_or_default();
    std::str::from_utf8(bytes).unwrap()
}

fn losses(report: &Report) -> Vec<(String, usize)> {
    report.losses.iter().map(|l| (l.what.clone(), l.count)).collect()
}

const LAVROV: &str = "Sergueï Lavrov a rencontré Wang Yi à New\nYork le 3 mai.\n";

/// A dataset of one document from `(start, end, label, extra)` and
/// `(head index, tail index, label)`.
fn one_doc(id: &str, text: &str, ents: Vec<(usize, usize, &str, Value)>, rels: &[(usize, usize, &str)]) -> Dataset {
    let mut report = Report::new(Format::Spanlab, Direction::Import);
    let entities = ents
        .into_iter()
        .map(|(start, end, label, extra)| RawEntity { start, end, label: label.to_owned(), extra: serde_json::from_value(extra).unwrap() })
        .collect();
    let relations =
        rels.iter().map(|&(head, tail, label)| RawRelation { head, tail, label: label.to_owned(), ..RawRelation::default() }).collect();
    let raw = RawDoc { id: id.to_owned(), text: text.to_owned(), entities, relations, ..RawDoc::default() };
    dataset_of(vec![raw.into_record(&mut report)], "news")
}

#[test]
fn reads_a_hand_written_folder_with_every_line_type() {
    let ann = "T1\tPER 0 14\tSergueï Lavrov\n\
               T2\tPER 27 34\tWang Yi\r\n\
               T3\tGPE 37 40;41 45\tNew York\n\
               T4\tEVENT 17 26\trencontré\n\
               T5\tDATE 49 50;51 54\t3 mai\n\
               \n\
               R1\tMEETS Arg1:T1 Arg2:T2\t\n\
               E1\tEVENT:T4 Agent:T1 Theme:T2\n\
               R2\tLOCATED_IN Arg1:E1 Arg2:T3\n\
               A1\tNegated T1\n\
               M2\tConfidence T1 High\n\
               A3\tNegated E1\n\
               N1\tReference T1 Wikidata:Q1\tSergueï Lavrov\n\
               N2\tGazetteer T3 GeoNames:5128581\tNew York City\n\
               #1\tAnnotatorNotes T1\tRussian foreign minister\n\
               #2\tAnnotatorNotes T1\tsince 2004\n\
               #3\tAnnotatorNotes R1\ta note on a relation\n\
               *\tEquiv T1 T2\n";
    let source = folder(&[
        ("2016%2F01%2Flavrov.txt", LAVROV),
        ("2016%2F01%2Flavrov.ann", ann),
        ("empty.txt", "Rien."),
        ("annotation.conf", "[entities]\nPER\n"),
        (".DS_Store", "\u{0}\u{1}"),
    ]);
    let (d, report) = import(&source, None).unwrap();
    assert_eq!(d.documents.len(), 2);
    let doc = &d.documents[0];
    assert_eq!(doc.id, "2016/01/lavrov");
    assert_eq!(doc.source, "2016%2F01%2Flavrov.txt");
    assert_eq!(doc.text, LAVROV);
    assert_eq!(doc.status, Status::New);
    let got: Vec<(i64, i64, &str, &str)> = doc.entities.iter().map(|e| (e.start, e.end, e.label.as_str(), e.text.as_str())).collect();
    assert_eq!(
        got,
        [
            (0, 14, "PER", "Sergueï Lavrov"),
            (17, 26, "EVENT", "rencontré"),
            (27, 34, "PER", "Wang Yi"),
            (37, 45, "GPE", "New\nYork"),
            (49, 54, "DATE", "3 mai"),
        ]
    );
    let lavrov = &doc.entities[0];
    assert_eq!(lavrov.extra.get(ATTRIBUTES), Some(&json!({"Negated": true, "Confidence": "High"})));
    assert_eq!(lavrov.extra.get(NORMALIZATIONS), Some(&json!([{"resource": "Wikidata", "id": "Q1", "text": "Sergueï Lavrov"}])));
    assert_eq!(lavrov.extra.get(NOTE), Some(&json!("Russian foreign minister\nsince 2004")));
    assert_eq!(
        doc.entities[3].extra.get(NORMALIZATIONS),
        Some(&json!([{"resource": "GeoNames", "id": "5128581", "text": "New York City", "type": "Gazetteer"}]))
    );
    assert!(doc.entities[1].extra.is_empty() && doc.entities[2].extra.is_empty() && doc.entities[4].extra.is_empty());
    let rels: Vec<(&str, &str, &str)> = doc.relations.iter().map(|r| (r.head.as_str(), r.tail.as_str(), r.label.as_str())).collect();
    assert_eq!(rels, [("T1", "T3", "MEETS")]);
    assert_eq!(d.documents[1].id, "empty");
    assert!(d.documents[1].entities.is_empty());
    assert_eq!(
        losses(&report),
        [
            ("discontinuous spans imported as their covering span".to_owned(), 1),
            ("events (E lines; spanlab has no events; their triggers are kept as entities)".to_owned(), 1),
            ("relations to events or other relations (spanlab relations join entities)".to_owned(), 1),
            ("attributes of relations, events or other annotations".to_owned(), 1),
            ("notes on relations (spanlab relations have no note)".to_owned(), 1),
            ("equivalences (* lines; spanlab has no equivalence sets)".to_owned(), 1),
        ]
    );
    assert_eq!(report.losses[0].examples, ["2016%2F01%2Flavrov.ann line 5: T5 DATE 49 50;51 54"]);
    assert_eq!(report.losses[1].examples, ["2016%2F01%2Flavrov.ann line 8: E1 EVENT"]);
    assert_eq!(report.losses[2].examples, ["2016%2F01%2Flavrov.ann line 9: R2"]);
    assert!(d.validate(None).is_empty(), "{:?}", d.validate(None));
}

/// An `annotation.conf` in the style of brat's BioNLP example corpora:
/// a hierarchy with a grouping type, alternative names, a macro, events and
/// attributes spanlab has no place for, a symmetric relation, relations
/// defined over several lines, and nesting allowed by `ENTITY-NESTING`.
const BIONLP_CONF: &str = "# a comment\n[entities]\n\n!Physical\n  Protein | Gene or gene product\n  Entity\nChemical\n---\n\n\
    [relations]\n<PHYS>=Protein|Entity\nEquiv\tArg1:Protein, Arg2:Protein, <REL-TYPE>:symmetric-transitive\n\
    Protein-Component\tArg1:Protein, Arg2:Entity\nBinds\tArg1:Physical, Arg2:<PHYS>\nBinds\tArg1:Chemical, Arg2:Chemical\n\
    Any\tArg1:<ENTITY>, Arg2:Chemical\nENTITY-NESTING\tArg1:Protein, Arg2:Entity\n\n\
    [events]\nBinding\tTheme+:Protein\n\n[attributes]\nNegation\tArg:<EVENT>\n";

#[test]
fn annotation_conf_becomes_the_schema_with_its_hierarchy_and_overlap_policy() {
    let visual =
        "[labels]\nProtein | Protein | Pro\n\n[drawing]\nProtein\tbgColor:#7fa2ff, fgColor:black\nSPAN_DEFAULT\tbgColor:lightgreen\n";
    let s = read_conf("bionlp", BIONLP_CONF, Some(visual), "annotation.conf").unwrap();
    assert_eq!(s.entity_names(), ["Protein", "Entity", "Chemical"], "!Physical groups, is no label");
    assert!(s.allow_overlap, "ENTITY-NESTING allows nesting");
    assert_eq!(s.relation_names(), ["Equiv", "Protein-Component", "Binds", "Any"]);
    let r = |n: &str| s.relation(n).unwrap().clone();
    assert!(r("Equiv").symmetric);
    assert_eq!((r("Protein-Component").head, r("Protein-Component").tail), (vec!["Protein".to_owned()], vec!["Entity".to_owned()]));
    assert_eq!(r("Binds").head, ["Protein", "Entity", "Chemical"], "Physical is its children; the second line adds Chemical");
    assert_eq!(r("Binds").tail, ["Protein", "Entity", "Chemical"], "the macro expands");
    assert!(r("Any").head.is_empty(), "<ENTITY> is any entity");
    assert_eq!(s.entity("Protein").unwrap().color, "#7fa2ff");
    // Without an overlap rule brat forbids overlaps, and so does the schema.
    let plain = read_conf("x", "[entities]\nA\nB\n[relations]\nR\tArg1:A, Arg2:B\n", None, "annotation.conf").unwrap();
    assert!(!plain.allow_overlap);
    assert!(
        read_conf("x", "[entities]\nA\n[relations]\nA\tArg1:A, Arg2:A\n", None, "a/annotation.conf")
            .unwrap_err()
            .to_string()
            .contains("a/annotation.conf")
    );
}

/// brat corpora with overlapping spans could not be imported ("the schema
/// forbids overlapping spans"), even a folder spanlab wrote with
/// `<OVERLAP>` in its `annotation.conf`: reading hands the declared schema
/// on, with its overlap policy.
#[test]
fn reading_a_folder_hands_on_its_declared_schema() {
    let d =
        one_doc("a", LAVROV, vec![(0, 14, "PER", json!({})), (8, 14, "PER", json!({})), (27, 34, "PER", json!({}))], &[(0, 2, "MEETS")]);
    let (files, _) = export(&d, &Schema::news(), None);
    assert!(file(&files, "annotation.conf").contains("<OVERLAP>"));
    let source = Source::Folder(files);
    let (back, report) = import(&source, None).unwrap();
    let declared = report.declared_schema.expect("annotation.conf read");
    assert!(declared.allow_overlap);
    assert_eq!(declared.entity_names(), Schema::news().entity_names());
    assert!(declared.relation("MEETS").is_some_and(|r| r.allows("PER", "PER") && !r.allows("DATE", "PER")));
    assert!(back.validate(Some(&declared)).is_empty(), "{:?}", back.validate(Some(&declared)));
    let (_, no_conf) = import(&folder(&[("a.txt", "x"), ("a.ann", "")]), None).unwrap();
    assert_eq!(no_conf.declared_schema, None);
}

#[test]
fn writes_the_expected_ann_and_txt() {
    let lavrov = json!({
        "attributes": {"Confidence": "High", "Negated": true},
        "normalizations": [{"resource": "Wikidata", "id": "Q1", "text": "Sergueï Lavrov"}],
        "note": "minister\nsince 2004",
    });
    let mut d = one_doc(
        "2016/01/lavrov",
        LAVROV,
        vec![(0, 14, "PER", lavrov), (27, 34, "PER", json!({})), (37, 45, "GPE", json!({})), (49, 54, "DATE", json!({}))],
        &[(0, 1, "MEETS")],
    );
    d.documents[0].status = Status::Done;
    d.documents[0].extra.insert("comment".to_owned(), json!("checked"));
    d.documents[0].entities[1].extra.insert("suggestion".to_owned(), json!({"source": "dictionary"}));
    let (files, report) = export(&d, &Schema::news(), None);
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(names, ["2016%2F01%2Flavrov.ann", "2016%2F01%2Flavrov.txt", "annotation.conf", "visual.conf"]);
    assert_eq!(file(&files, "2016%2F01%2Flavrov.txt"), LAVROV);
    assert_eq!(
        file(&files, "2016%2F01%2Flavrov.ann"),
        "T1\tPER 0 14\tSergueï Lavrov\n\
         T2\tPER 27 34\tWang Yi\n\
         T3\tGPE 37 40;41 45\tNew York\n\
         T4\tDATE 49 54\t3 mai\n\
         R1\tMEETS Arg1:T1 Arg2:T2\n\
         A1\tConfidence T1 High\n\
         A2\tNegated T1\n\
         N1\tReference T1 Wikidata:Q1\tSergueï Lavrov\n\
         #1\tAnnotatorNotes T1\tminister\n\
         #2\tAnnotatorNotes T1\tsince 2004\n"
    );
    assert_eq!(
        losses(&report),
        [
            ("document status (brat has no place for it)".to_owned(), 1),
            ("document field \"comment\" (brat has no place for it)".to_owned(), 1),
            ("entity field \"suggestion\" (brat has no place for it)".to_owned(), 1),
        ]
    );
    let conf = file(&files, "annotation.conf");
    assert!(conf.contains("\n[attributes]\nConfidence\tArg:<ENTITY>, Value:High\nNegated\tArg:<ENTITY>\n"), "{conf}");
    // And back: everything but the status and the dropped fields.
    let (back, report) = import(&Source::Folder(files), None).unwrap();
    assert!(report.is_lossless(), "{report}");
    let mut expected = d.clone();
    expected.documents[0].status = Status::New;
    expected.documents[0].extra.clear();
    expected.documents[0].entities[1].extra.clear();
    expected.documents[0].source = "2016%2F01%2Flavrov.txt".to_owned();
    assert_eq!(back.documents, expected.documents);
}

#[test]
fn annotation_conf_of_the_news_schema() {
    let (files, report) = export(&one_doc("a", "", vec![], &[]), &Schema::news(), None);
    assert!(report.is_lossless());
    assert_eq!(
        file(&files, "annotation.conf"),
        "# brat annotation configuration, written by spanlab from the schema \"news\".\n\
         [entities]\nPER\nORG\nGPE\nLOC\nDATE\nEVENT\n\
         \n[relations]\n\
         MEETS\tArg1:PER, Arg2:PER\n\
         ROLE_IN\tArg1:PER, Arg2:ORG|GPE\n\
         VISITS\tArg1:PER, Arg2:GPE|LOC\n\
         MEMBER_OF\tArg1:GPE|ORG, Arg2:ORG\n\
         LOCATED_IN\tArg1:GPE|LOC|ORG|EVENT, Arg2:GPE|LOC\n\
         SUPPORTS\tArg1:PER|ORG|GPE, Arg2:PER|ORG|GPE|EVENT\n\
         OPPOSES\tArg1:PER|ORG|GPE, Arg2:PER|ORG|GPE|EVENT\n\
         PARTICIPATES_IN\tArg1:PER|ORG|GPE, Arg2:EVENT\n\
         DATE_OF\tArg1:EVENT, Arg2:DATE\n\
         \n[events]\n\n[attributes]\n"
    );
    assert!(file(&files, "visual.conf").starts_with("[labels]\n\n[drawing]\nPER\tbgColor:#E69F00\n"));
    // Overlaps (allowed by the schema or present in the data) and labels
    // the schema lacks are declared.
    let mut schema = Schema::news();
    schema.allow_overlap = true;
    let (files, _) = export(&one_doc("a", "ab", vec![(0, 2, "MISC", json!({}))], &[]), &schema, None);
    let conf = file(&files, "annotation.conf");
    assert!(conf.contains("EVENT\nMISC\n"), "{conf}");
    assert!(conf.contains("<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n"), "{conf}");
    let (files, _) =
        export(&one_doc("a", "abc", vec![(0, 2, "PER", json!({})), (1, 3, "ORG", json!({}))], &[(0, 1, "NEW_REL")]), &Schema::news(), None);
    let conf = file(&files, "annotation.conf");
    assert!(conf.contains("NEW_REL\tArg1:<ENTITY>, Arg2:<ENTITY>\n<OVERLAP>"), "{conf}");
}

#[test]
fn awkward_ids_become_safe_file_names_and_come_back() {
    let ids = ["a/b", "..", "../../etc/passwd", "a\\b", "with space", "😀 emoji", ".hidden", "100%", "a%2Fb", "C:\\x", "x.ann"];
    let mut report = Report::new(Format::Spanlab, Direction::Import);
    let records = ids
        .iter()
        .map(|id| RawDoc { id: (*id).to_owned(), text: format!("text of {id}"), ..RawDoc::default() }.into_record(&mut report))
        .collect();
    let d = dataset_of(records, "news");
    let (files, report) = export(&d, &Schema::news(), None);
    assert!(report.is_lossless(), "{report}");
    for (path, _) in &files {
        assert!(!path.contains('/') && !path.contains('\\') && !path.starts_with('.'), "{path}");
    }
    assert_eq!(files.len(), 2 * ids.len() + 2);
    let (back, _) = import(&Source::Folder(files), None).unwrap();
    let mut expected: Vec<&str> = ids.to_vec();
    expected.sort();
    let got: Vec<&str> = back.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(got, expected);
    for doc in &back.documents {
        assert_eq!(doc.text, format!("text of {}", doc.id));
    }
    // Stems that are not our encoding are taken as they are.
    assert_eq!(id_for_stem("100%"), "100%");
    assert_eq!(id_for_stem("a%zzb"), "a%zzb");
    assert_eq!(id_for_stem("bad%FF"), "bad%FF");
    assert_eq!(id_for_stem("sub/a%20b"), "sub/a b");
}

#[test]
fn line_breaks_inside_entities_are_fragments_and_come_back_exactly() {
    let text = "\nNew\r\nYork\n\n.\u{2028}x";
    assert_eq!(fragments(text, 0, 10), [(0, 0), (1, 4), (6, 10)]);
    assert_eq!(fragments(text, 1, 12), [(1, 4), (6, 10), (12, 12)]);
    assert_eq!(fragments(text, 10, 12), [(10, 10), (12, 12)]);
    assert_eq!(fragments(text, 1, 4), [(1, 4)]);
    let d = one_doc(
        "d",
        text,
        vec![
            (0, 10, "GPE", json!({})),
            (1, 12, "LOC", json!({})),
            (10, 12, "ORG", json!({})),
            (12, 13, "PER", json!({})),
            (13, 14, "DATE", json!({})),
        ],
        &[],
    );
    let (files, _) = export(&d, &Schema::news(), None);
    assert_eq!(
        file(&files, "d.ann"),
        "T1\tGPE 0 0;1 4;6 10\t New York\n\
         T2\tLOC 1 4;6 10;12 12\tNew York \n\
         T3\tORG 10 10;12 12\t \n\
         T4\tPER 12 13\t.\n\
         T5\tDATE 13 13;14 14\t \n"
    );
    let (back, report) = import(&Source::Folder(files), None).unwrap();
    assert!(report.is_lossless(), "{report}");
    assert_eq!(canon(&back), canon(&d));
}

#[test]
fn other_units_count_in_that_unit_and_say_so() {
    let text = "😀 Zoë à Paris";
    let d = one_doc("d", text, vec![(2, 5, "PER", json!({})), (8, 13, "GPE", json!({}))], &[]);
    for (unit, line) in [
        (Offsets::Chars, "T1\tPER 2 5\tZoë\nT2\tGPE 8 13\tParis\n"),
        (Offsets::Utf16, "T1\tPER 3 6\tZoë\nT2\tGPE 9 14\tParis\n"),
        (Offsets::Bytes, "T1\tPER 5 9\tZoë\nT2\tGPE 13 18\tParis\n"),
    ] {
        let (files, report) = export(&d, &Schema::news(), Some(unit));
        assert_eq!(file(&files, "d.ann"), line, "{unit}");
        assert_eq!(report.is_lossless(), unit == Offsets::Chars, "{report}");
        let (back, _) = import(&Source::Folder(files), Some(unit)).unwrap();
        assert_eq!(canon(&back), canon(&d));
    }
}

#[test]
fn what_brat_cannot_hold_is_reported_on_export() {
    let e = json!({
        "attributes": {"Has space": "a b", "Count": 3, "Off": false},
        "normalizations": [{"resource": "Wiki data", "id": "Q1", "text": "two\nlines"}, "garbage"],
        "note": "one\r\ntwo",
    });
    let d = one_doc("d", "Paris", vec![(0, 5, "New label", e)], &[]);
    let (files, report) = export(&d, &Schema::news(), None);
    assert_eq!(
        file(&files, "d.ann"),
        "T1\tNew_label 0 5\tParis\n\
         A1\tHas_space T1 a_b\n\
         N1\tReference T1 Wiki_data:Q1\ttwo lines\n\
         #1\tAnnotatorNotes T1\tone\n\
         #2\tAnnotatorNotes T1\ttwo\n"
    );
    let whats: Vec<String> = report.losses.iter().map(|l| l.what.clone()).collect();
    assert_eq!(
        whats,
        [
            "entity labels with spaces or line breaks, or empty (brat's field is one word), written with _",
            "attribute values other than true or a string (not written)",
            "attribute names with spaces or line breaks, or empty (brat's field is one word), written with _",
            "attribute values with spaces or line breaks, or empty (brat's field is one word), written with _",
            "normalization types, resources or ids with spaces, colons or line breaks, or empty, written with _",
            "line breaks in normalization texts (brat's text field is one line), written as spaces",
            "normalizations that are not {\"resource\", \"id\", \"text\"} strings (not written)",
            "line breaks in notes other than \\n (each note line is one # line), written as \\n",
        ]
    );
    assert_eq!(report.losses[1].count, 2, "3 and false");
}

/// The error of reading `a.txt` + `a.ann`.
fn error_of(text: &str, ann: &str, unit: Option<Offsets>) -> FormatError {
    match import(&folder(&[("a.txt", text), ("a.ann", ann)]), unit) {
        Ok((d, _)) => panic!("read {d:?}"),
        Err(e) => e,
    }
}

#[test]
fn hostile_inputs_are_errors_naming_file_and_line() {
    let text = "Paris 😀 Lyon";
    let cases: &[(&str, &str, &str)] = &[
        ("T1\tGPE 0 5\tParis\nT2\tGPE 5 2\tx\n", "a.ann line 2", "starts after it ends"),
        ("T1\tGPE 0 99\tParis\n", "a.ann line 1", "outside the text"),
        ("T1\tGPE -1 5\tParis\n", "a.ann line 1", "outside the text"),
        ("T1\tGPE 0 5\tLyon\n", "a.ann line 1", "the line says \"Lyon\""),
        ("T1\tGPE 0 5;6 7\tParis😀\n", "a.ann line 1", "is \"Paris 😀\""),
        ("T1\tGPE 3 3\t\n", "a.ann line 1", "covers no text"),
        ("T1\tGPE zero 5\tParis\n", "a.ann line 1", "not a number"),
        ("T1\tGPE 0 99999999999999999999\tParis\n", "a.ann line 1", "not a number"),
        ("T1\tGPE 0 5 7\tParis\n", "a.ann line 1", "expected START END"),
        ("T1\tGPE 0 5\n", "a.ann line 1", "expected TYPE START END"),
        ("\n\nhello world\n", "a.ann line 3", "expected an id"),
        ("X1\tfoo bar\n", "a.ann line 1", "unknown annotation type"),
        ("T1\tGPE 0 5\tParis\nT1\tGPE 8 12\tLyon\n", "a.ann line 2", "already used on line 1"),
        ("T1\tGPE 0 5\tParis\nR1\tLOCATED_IN Arg1:T1\n", "a.ann line 2", "expected two"),
        ("T1\tGPE 0 5\tParis\nR1\tLOCATED_IN Arg1:T1 Arg2:T9\n", "a.ann line 2", "\"T9\", which no line defines"),
        ("R1\tLOCATED_IN Arg1T1 Arg2:T2\n", "a.ann line 1", "expected ROLE:ID"),
        ("T1\tGPE 0 5\tParis\nA1\tNegated\n", "a.ann line 2", "expected NAME ID"),
        ("A1\tNegated T7\n", "a.ann line 1", "no line defines"),
        ("N1\tReference T1 Q1\tParis\n", "a.ann line 1", "expected RESOURCE:ID"),
        ("#1\tAnnotatorNotes\tnote\n", "a.ann line 1", "expected TYPE ID"),
        ("T1\tGPE 0 5\tParis\n*\tEquiv T1\n", "a.ann line 2", "two or more"),
        ("T1\tGPE 0 5\tParis\n*\tEquiv T1 T2\n", "a.ann line 2", "no line defines"),
        ("E1\tMEETING:T1\n", "a.ann line 1", "no line defines"),
    ];
    for (ann, place, message) in cases {
        let e = error_of(text, ann, None);
        assert_eq!(e.place, *place, "{ann:?}: {e}");
        assert!(e.message.contains(message), "{ann:?}: {e}");
    }
    // Inside a surrogate pair (UTF-16) or a UTF-8 sequence (bytes).
    let e = error_of(text, "T1\tX 7 8\t😀\n", Some(Offsets::Utf16));
    assert!(e.message.contains("inside a character"), "{e}");
    assert_eq!(e.place, "a.ann line 1");
    assert!(error_of(text, "T1\tX 6 7\t😀\n", Some(Offsets::Utf16)).message.contains("inside a character"));
    assert!(error_of(text, "T1\tX 7 9\t😀\n", Some(Offsets::Bytes)).message.contains("inside a character"));
    assert!(import(&folder(&[("a.txt", text), ("a.ann", "T1\tX 6 8\t😀\n")]), Some(Offsets::Chars)).is_err());
    assert!(import(&folder(&[("a.txt", text), ("a.ann", "T1\tX 6 7\t😀\n")]), Some(Offsets::Chars)).is_ok());

    // An .ann without its .txt; invalid UTF-8.
    let e = import(&folder(&[("a.txt", "x"), ("b.ann", "")]), None).unwrap_err();
    assert_eq!(e.place, "b.ann");
    assert!(e.message.contains("no b.txt"), "{e}");
    let e = import(&Source::File { name: "lonely.ann".to_owned(), bytes: b"T1\tX 0 1\tx\n".to_vec() }, None).unwrap_err();
    assert_eq!(e.place, "lonely.ann");
    let bad = Source::Folder(vec![("a.ann".to_owned(), b"\n\xFF".to_vec()), ("a.txt".to_owned(), b"x".to_vec())]);
    assert_eq!(import(&bad, None).unwrap_err().place, "a.ann line 2");
    let bad = Source::Folder(vec![("a.txt".to_owned(), b"ok\n\xC3".to_vec())]);
    assert_eq!(import(&bad, None).unwrap_err().place, "a.txt line 2");
    // Two files that name the same document.
    let e = import(&folder(&[("a b.txt", "x"), ("a%20b.txt", "y")]), None).unwrap_err();
    assert!(e.message.contains("\"a b\""), "{e}");
}

#[test]
fn crlf_texts_count_every_code_point() {
    let text = "Paris\r\nLyon";
    let (d, report) =
        import(&folder(&[("a.txt", text), ("a.ann", "T1\tGPE 7 11\tLyon\r\nT2\tGPE 0 5;7 11\tParis Lyon\r\n")]), None).unwrap();
    assert!(report.is_lossless());
    let got: Vec<(i64, i64, &str)> = d.documents[0].entities.iter().map(|e| (e.start, e.end, e.text.as_str())).collect();
    assert_eq!(got, [(0, 11, "Paris\r\nLyon"), (7, 11, "Lyon")]);
}

proptest! {
    #[test]
    fn read_of_write_is_the_dataset_but_its_statuses(d in arb_dataset(true, true), unit in 0..3usize) {
        let unit = Offsets::ALL[unit];
        let (files, report) = export(&d, &Schema::news(), Some(unit));
        let any_status = d.documents.iter().any(|doc| doc.status != Status::New);
        let status_lost = report.losses.iter().any(|l| l.what.starts_with("document status"));
        prop_assert_eq!(any_status, status_lost, "{}", report);
        let (back, report) = import(&Source::Folder(files), Some(unit)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(report.is_lossless(), "{}", report);
        let mut expected = d.clone();
        for doc in &mut expected.documents {
            doc.status = Status::New;
        }
        prop_assert_eq!(canon(&back), canon(&expected));
        // Entity texts (line breaks included) come back exactly.
        for (a, b) in back.documents.iter().zip(&d.documents) {
            let ta: Vec<&str> = a.entities.iter().map(|e| e.text.as_str()).collect();
            let tb: Vec<&str> = b.entities.iter().map(|e| e.text.as_str()).collect();
            prop_assert_eq!(ta, tb);
        }
    }

    #[test]
    fn any_ann_is_read_or_refused_never_a_panic(
        text in "[a-z😀\r\n é]{0,12}",
        lines in proptest::collection::vec(
            prop_oneof![
                "[TRAEMN#*][0-9]{0,2}\t[A-Za-z]{0,3} [0-9-]{0,3} [0-9;]{0,4}\t[a-z😀 ]{0,4}",
                "[TRA#][0-9]\t[A-Za-z]{1,3} (Arg[12]:)?[TRAE][0-9]( [A-Za-z:0-9]{0,4})?",
                ".{0,20}",
            ],
            0..8,
        ),
        unit in 0..3usize,
    ) {
        let ann = lines.join("\n");
        let _ = import(&folder(&[("a.txt", &text), ("a.ann", &ann)]), Some(Offsets::ALL[unit]));
    }
}
