//! The CoNLL tests: the lines written, the schemes read, re-attaching to
//! the original texts, round trips and hostile files.
//!
//! Owns: the test tokenizers and dataset builders. Must not touch: the
//! file system.

use proptest::prelude::*;

use super::*;
use crate::model::dataset::{DocRecord, EntityRecord};
use crate::model::{CharIdx, Dataset, Status, Text};
use crate::store::formats::tokens::test_tokenizer;
use crate::store::formats::{BaseToken, Direction, Format, RawDoc, RawEntity, Report, Tokenizer, dataset_of, numbered_id, testgen};

/// Whitespace-separated words, a sentence starting after a line break:
/// keeps `l'ONU,` whole, as a tokenizer that knows no French might.
fn words(s: &str) -> Vec<BaseToken> {
    let mut out = Vec::new();
    let mut start = None;
    let mut line_start = true;
    let n = s.chars().count();
    for (i, c) in s.chars().chain(std::iter::once(' ')).enumerate() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push(BaseToken { start: CharIdx::new(st), end: CharIdx::new(i.min(n)), sentence_start: line_start });
                line_start = false;
            }
            if c == '\n' {
                line_start = true;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    out
}

fn export_report() -> Report {
    Report::new(Format::Conll, Direction::Export)
}

fn import_report() -> Report {
    Report::new(Format::Conll, Direction::Import)
}

/// `(id, status, text, [(entity text, label)])`.
type DocSpec<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A dataset of documents, each entity the first occurrence of its text.
fn dataset(docs: &[DocSpec]) -> Dataset {
    let mut report = Report::new(Format::Spanlab, Direction::Import);
    let records = docs
        .iter()
        .map(|&(id, status, text, ents)| {
            let t = Text::from(text);
            let entities = ents
                .iter()
                .map(|&(what, label)| {
                    let at = t.find_all(what)[0].get();
                    RawEntity { start: at, end: at + what.chars().count(), label: label.to_owned(), ..RawEntity::default() }
                })
                .collect();
            RawDoc { id: id.to_owned(), text: text.to_owned(), status: Status::parse(status), entities, ..RawDoc::default() }
                .into_record(&mut report)
        })
        .collect();
    dataset_of(records, "news")
}

/// Each document's entities as `(text, label)`.
fn shown(d: &Dataset) -> Vec<Vec<(String, String)>> {
    d.documents.iter().map(|doc| doc.entities.iter().map(|e| (e.text.clone(), e.label.clone())).collect()).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|&(a, b)| (a.to_owned(), b.to_owned())).collect()
}

fn write_str(d: &Dataset, tokenizer: Tokenizer, report: &mut Report) -> String {
    String::from_utf8(write(d, tokenizer, report)).unwrap()
}

fn has(report: &Report, what: &str) -> bool {
    report.losses.iter().any(|l| l.what == what)
}

#[test]
fn reads_iob2_with_four_columns_and_tabs() {
    let file = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects\tVBZ\tB-VP\tO\nGerman JJ B-NP B-MISC\ncall O\n\n\
                Peter B-PER\nBlackburn I-PER\n\n-DOCSTART- -X- -X- O\n\nBRUSSELS B-LOC\n1996-08-22 O\n";
    let mut report = import_report();
    let d = read(file, None, &mut report).unwrap();
    assert_eq!(d.documents.len(), 2);
    assert_eq!(d.documents[0].id, "doc-0001");
    assert_eq!(d.documents[0].text, "EU rejects German call\nPeter Blackburn");
    assert_eq!(shown(&d)[0], pairs(&[("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]));
    assert_eq!((d.documents[0].entities[2].start, d.documents[0].entities[2].end), (23, 38));
    assert_eq!(shown(&d)[1], pairs(&[("BRUSSELS", "LOC")]));
    assert_eq!(d.schema.entity_labels, ["ORG", "MISC", "PER", "LOC"]);
    assert_eq!(report.losses.len(), 1, "{report}");
    assert_eq!((report.losses[0].what.as_str(), report.losses[0].count), (REBUILT, 2));
}

#[test]
fn reads_iob1_as_a_scheme_not_a_loss() {
    // No -DOCSTART-: one document. I- begins entities after O and after
    // another type; B- separates two of the same type.
    let file = "EU I-ORG\nrejects O\nGerman I-MISC\ncall O\nPeter I-PER\nBlackburn I-PER\nParis I-LOC\nLondon B-LOC\n";
    let mut report = import_report();
    let d = read(file, None, &mut report).unwrap();
    assert_eq!(shown(&d)[0], pairs(&[("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER"), ("Paris", "LOC"), ("London", "LOC")]));
    assert!(report.losses.iter().all(|l| l.what == REBUILT), "{report}");
}

#[test]
fn reads_bioes_and_bilou() {
    let file = "Macron S-PER\nvisits O\nthe B-ORG\nUnited I-ORG\nNations E-ORG\nin O\nParis U-LOC\nNew B-LOC\nYork L-LOC\n\
                Obama S-PER\nBiden S-PER\n";
    let d = read(file, None, &mut import_report()).unwrap();
    assert_eq!(
        shown(&d)[0],
        pairs(&[
            ("Macron", "PER"),
            ("the United Nations", "ORG"),
            ("Paris", "LOC"),
            ("New York", "LOC"),
            ("Obama", "PER"),
            ("Biden", "PER")
        ])
    );
}

#[test]
fn bad_tag_sequences_and_shapes_name_their_line() {
    let cases = [
        ("Peter B-PER\nParis I-LOC\n", "line 2", "mid-entity"),
        ("# sent_id = 1\nthe B-ORG\nUN E-LOC\n", "line 3", "mid-entity"),
        ("a O\n\nUN E-ORG\n", "line 3", "not begun"),
        ("a O\nb X-PER\n", "line 2", "unknown tag"),
        ("a O\nb O\nc B-\n", "line 3", "unknown tag"),
        ("a O\nb b-per\n", "line 2", "unknown tag"),
    ];
    for (file, place, message) in cases {
        let err = read(file, None, &mut import_report()).unwrap_err();
        assert_eq!(err.place, place, "{file:?}: {err}");
        assert!(err.message.contains(message), "{file:?}: {err}");
    }
}

#[test]
fn exports_exact_lines_with_apostrophes_crlf_and_emoji() {
    let text = "Selon l'ONU, Marie Curie 😀 part.\r\nLe Sénat vote.";
    let d = dataset(&[("doc-0001", "new", text, &[("ONU", "ORG"), ("Marie Curie", "PER"), ("Sénat", "ORG")])]);
    let mut report = export_report();
    let out = write_str(&d, &words, &mut report);
    let expected = "-DOCSTART- -X- O O\n\n\
                    Selon O\nl' O\nONU B-ORG\n, O\nMarie B-PER\nCurie I-PER\n😀 O\npart. O\n\n\
                    Le O\nSénat B-ORG\nvote. O\n\n";
    assert_eq!(out, expected);
    // Only the spacing is lost ("l'ONU," comes back as "l' ONU ,").
    assert_eq!(report.losses.iter().map(|l| l.what.as_str()).collect::<Vec<_>>(), [LOST_SPACING]);
    let back = read(&out, Some(&d), &mut import_report()).unwrap();
    assert_eq!(testgen::canon(&back), testgen::canon(&d));
    let rebuilt = read(&out, None, &mut import_report()).unwrap();
    assert_eq!(rebuilt.documents[0].text, "Selon l' ONU , Marie Curie 😀 part.\nLe Sénat vote.");
    assert_eq!(shown(&rebuilt), shown(&d));
}

#[test]
fn round_trip_with_texts_keeps_exact_offsets() {
    let text = "  Le  Sénat\r\n\r\nvote\tà Paris 😀. e\u{301}té\u{a0}l'ONU  ";
    let d = dataset(&[
        ("a", "done", text, &[("Sénat", "ORG"), ("Paris 😀", "LOC"), ("e\u{301}té", "DATE"), ("ONU", "ORG")]),
        ("b", "in_progress", "", &[]),
        ("c", "new", "Macron.\nMacron", &[("Macron", "PER")]),
    ]);
    let mut report = export_report();
    let out = write(&d, &test_tokenizer, &mut report);
    let back = read(std::str::from_utf8(&out).unwrap(), Some(&d), &mut import_report()).unwrap();
    assert_eq!(testgen::canon(&back), testgen::canon(&d));
    assert_eq!(back.documents[0].entities, d.documents[0].entities);
    assert_eq!(back.documents[0].sha256, d.documents[0].sha256);
    assert!(has(&report, LOST_IDS) && has(&report, LOST_SPACING), "{report}");
    assert!(report.losses.iter().any(|l| l.what.starts_with("document status")), "{report}");
}

#[test]
fn whitespace_in_entities_is_trimmed_or_dropped_and_reported() {
    let mut d = dataset(&[("doc-0001", "new", "à  Paris  ok", &[])]);
    let mk = |start, end, label: &str| EntityRecord {
        id: String::new(),
        start,
        end,
        label: label.to_owned(),
        text: String::new(),
        extra: Default::default(),
    };
    d.documents[0].entities = vec![mk(1, 3, "LOC"), mk(2, 10, "LOC"), mk(9, 40, "ORG"), mk(9, 12, "NEW LABEL")];
    let mut report = export_report();
    let out = write_str(&d, &test_tokenizer, &mut report);
    assert_eq!(out, "-DOCSTART- -X- O O\n\nà O\nParis B-LOC\nok B-NEW_LABEL\n\n");
    for what in [WHITESPACE_ONLY, TRIMMED, INVALID_OFFSETS, SPACED_LABEL] {
        assert!(has(&report, what), "{what}: {report}");
    }
}

#[test]
fn overlaps_keep_the_earliest_then_longest_and_name_the_rest() {
    let mut d = dataset(&[("d1", "new", "Le Paris Saint-Germain gagne", &[("Paris Saint-Germain", "ORG"), ("Paris", "LOC")])]);
    d.documents[0].relations.push(crate::model::dataset::RelationRecord {
        id: "R1".to_owned(),
        head: "T1".to_owned(),
        tail: "T2".to_owned(),
        label: "LOCATED_IN".to_owned(),
        extra: Default::default(),
    });
    let mut report = export_report();
    let out = write_str(&d, &words, &mut report);
    assert_eq!(out, "-DOCSTART- -X- O O\n\nLe O\nParis B-ORG\nSaint-Germain I-ORG\ngagne O\n\n");
    let overlap = report.losses.iter().find(|l| l.what == LOST_OVERLAPS).unwrap();
    assert_eq!(overlap.examples, ["document d1: LOC [3, 8) \"Paris\""]);
    assert!(has(&report, LOST_RELATIONS), "{report}");
    assert!(has(&report, LOST_IDS), "{report}");
    assert!(!has(&report, LOST_SPACING), "{report}");
}

#[test]
fn sentences_never_break_inside_an_entity() {
    let d = dataset(&[("doc-0001", "new", "Vive St. Louis. Oui", &[("St. Louis", "LOC")])]);
    let out = write_str(&d, &test_tokenizer, &mut export_report());
    assert_eq!(out, "-DOCSTART- -X- O O\n\nVive O\nSt B-LOC\n. I-LOC\nLouis I-LOC\n. O\n\nOui O\n\n");
}

#[test]
fn hash_and_docstart_tokens_survive_and_comments_are_skipped() {
    let text = "#paris -DOCSTART- # x";
    let d = dataset(&[("doc-0001", "new", text, &[("#paris", "ORG"), ("-DOCSTART-", "MISC")])]);
    let mut report = export_report();
    let out = write_str(&d, &words, &mut report);
    assert_eq!(out, "-DOCSTART- -X- O O\n\n#paris B-ORG\n- B-MISC\nDOCSTART- I-MISC\n# O\nx O\n\n");
    let back = read(&out, Some(&d), &mut import_report()).unwrap();
    assert_eq!(testgen::canon(&back), testgen::canon(&d));
    let commented = "# newdoc id = 3\n# text = Paris\nParis B-LOC\n";
    let back = read(commented, None, &mut import_report()).unwrap();
    assert_eq!(back.documents[0].text, "Paris");
}

#[test]
fn empty_files_and_lone_docstarts() {
    for file in ["", "\n\n", "\r\n", "# only a comment\n"] {
        let d = read(file, None, &mut import_report()).unwrap();
        assert!(d.documents.is_empty(), "{file:?}");
    }
    let d = read("-DOCSTART- -X- -X- O\n", None, &mut import_report()).unwrap();
    assert_eq!(d.documents.len(), 1);
    assert_eq!((d.documents[0].id.as_str(), d.documents[0].text.as_str()), ("doc-0001", ""));
    let d = read("-DOCSTART-\n-DOCSTART-", None, &mut import_report()).unwrap();
    assert_eq!(d.documents.len(), 2);
    // An empty dataset writes an empty file and reads back empty.
    let empty = dataset(&[]);
    let out = write(&empty, &test_tokenizer, &mut export_report());
    assert!(out.is_empty());
    assert!(read("", Some(&empty), &mut import_report()).unwrap().documents.is_empty());
}

/// spaCy's `ner` converter splits documents on exactly `-DOCSTART- -X- O O`
/// and found none in our files (`-DOCSTART- -X- -X- O`), so it merged
/// every document and took the delimiters for tokens: each document now
/// starts with spaCy's line, and every common spelling reads back.
#[test]
fn the_delimiter_is_the_one_spacy_looks_for_and_every_variant_reads() {
    let d = dataset(&[("doc-0001", "new", "Paris", &[("Paris", "LOC")]), ("doc-0002", "new", "Rome", &[])]);
    let out = write_str(&d, &words, &mut export_report());
    assert_eq!(out, "-DOCSTART- -X- O O\n\nParis B-LOC\n\n-DOCSTART- -X- O O\n\nRome O\n\n");
    assert_eq!(out.matches("-DOCSTART- -X- O O").count(), 2, "what spaCy splits on");
    for delimiter in
        ["-DOCSTART- -X- O O", "-DOCSTART- -X- -X- O", "-DOCSTART- -X- O", "-DOCSTART-\tO", "-DOCSTART-", "# newdoc", "# newdoc id = a1"]
    {
        let file = format!("{delimiter}\n\nParis B-LOC\n\n{delimiter}\nRome O\n");
        let back = read(&file, None, &mut import_report()).unwrap();
        assert_eq!(shown(&back), shown(&d), "{delimiter:?}");
    }
    // Other comments are still comments.
    let back = read("# sent_id = 1\nParis B-LOC\n# newdocs\nRome O\n", None, &mut import_report()).unwrap();
    assert_eq!(back.documents.len(), 1);
}

#[test]
fn a_one_column_line_is_an_error_naming_it() {
    let err = read("Paris B-LOC\nLondon\nRome O\n", None, &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 2");
    assert!(err.message.contains("one column"), "{err}");
    let err = read("-DOCSTART- -X- -X- O\r\n\r\nParis B-LOC\r\n\tLondon \r\n", None, &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 4");
}

#[test]
fn a_ten_thousand_token_sentence() {
    let text = (0..10_000).map(|i| if i % 7 == 0 { "Paris" } else { "et" }).collect::<Vec<_>>().join(" ");
    let d = dataset(&[("doc-0001", "new", &text, &[("et et Paris", "LOC")])]);
    let mut report = export_report();
    let out = write_str(&d, &test_tokenizer, &mut report);
    assert_eq!(out.lines().count(), 2 + 10_000 + 1);
    assert!(report.is_lossless(), "{report}");
    let back = read(&out, None, &mut import_report()).unwrap();
    assert_eq!(testgen::canon(&back), testgen::canon(&d));
    let back = read(&out, Some(&d), &mut import_report()).unwrap();
    assert_eq!(testgen::canon(&back), testgen::canon(&d));
    let tags: String = (0..10_000).map(|i| format!("w{i} {}\n", if i % 2 == 0 { "B-X" } else { "I-X" })).collect();
    let back = read(&tags, None, &mut import_report()).unwrap();
    assert_eq!(back.documents[0].entities.len(), 5_000);
}

#[test]
fn texts_that_do_not_match_are_errors_naming_the_line() {
    let d = dataset(&[("a", "new", "Paris est belle", &[]), ("b", "new", "Rome", &[])]);
    let file = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\njolie O\n\n-DOCSTART- -X- -X- O\n\nRome B-LOC\n";
    let err = read(file, Some(&d), &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 5");
    assert_eq!(err.message, "token \"jolie\" not found at code point 10 of document a: text has \"belle\"");
    let short = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\n\n-DOCSTART- -X- -X- O\n\nRome B-LOC\n";
    let err = read(short, Some(&d), &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 4");
    assert!(err.message.contains("goes on after its last token") && err.message.contains("belle"), "{err}");
    let past_end = "Paris O\nest O\nbelle O\n!! O\n";
    let err = read(past_end, Some(&dataset(&[("a", "new", "Paris est belle", &[])])), &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 4");
    assert!(err.message.contains("the end of the text"), "{err}");
    let more = format!("{file}-DOCSTART- -X- -X- O\n\nMilan O\n");
    let err = read(&more.replace("jolie", "belle"), Some(&d), &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 10");
    assert!(err.message.contains("no original text"), "{err}");
    let fewer = "-DOCSTART- -X- -X- O\n\nParis B-LOC\nest O\nbelle O\n";
    let err = read(fewer, Some(&d), &mut import_report()).unwrap_err();
    assert_eq!(err.place, "line 5");
    assert!(err.message.contains("the file ends after 1 documents but the original texts have 2"), "{err}");
}

/// Losses the original texts undo: ids, statuses and spacing come back
/// when a reader is given them.
fn undone_by_texts(what: &str) -> bool {
    what == LOST_IDS || what == LOST_SPACING || what.starts_with("document status")
}

/// Whether two of a document's entities overlap once trimmed of whitespace.
fn overlaps(doc: &DocRecord) -> bool {
    let trimmed: Vec<(usize, usize)> = doc
        .entities
        .iter()
        .filter_map(|e| {
            let chars: Vec<char> = doc.text.chars().collect();
            let (s, t) = (e.start as usize, e.end as usize);
            let lead = chars[s..t].iter().take_while(|c| c.is_whitespace()).count();
            let trail = chars[s..t].iter().rev().take_while(|c| c.is_whitespace()).count();
            (lead < t - s).then_some((s + lead, t - trail))
        })
        .collect();
    trimmed.iter().enumerate().any(|(i, a)| trimmed.iter().skip(i + 1).any(|b| a.0 < b.1 && b.0 < a.1))
}

/// Datasets whose texts CoNLL can rebuild: words joined by single
/// spaces, sentences by line breaks, ids `doc-0001`…, status `new`;
/// entities on whole words, possibly across a line break.
fn arb_plain_dataset() -> impl Strategy<Value = Dataset> {
    const WORDS: [&str; 7] = ["Paris", "Zoé", "😀", "東京", "e\u{301}", "مر", "ONU"];
    let sentence = proptest::collection::vec(0..WORDS.len(), 1..6);
    let doc = (proptest::collection::vec(sentence, 0..4), proptest::collection::vec((0usize..30, 1usize..4, 0usize..3), 0..5));
    proptest::collection::vec(doc, 1..4).prop_map(|docs| {
        let mut report = Report::new(Format::Spanlab, Direction::Import);
        let records = docs
            .into_iter()
            .enumerate()
            .map(|(i, (sentences, ents))| {
                let mut text = String::new();
                let mut spans: Vec<(usize, usize)> = Vec::new();
                for (j, sentence) in sentences.iter().enumerate() {
                    for (k, &w) in sentence.iter().enumerate() {
                        if j > 0 || k > 0 {
                            text.push(if k == 0 { '\n' } else { ' ' });
                        }
                        let at = text.chars().count();
                        text.push_str(WORDS[w]);
                        spans.push((at, text.chars().count()));
                    }
                }
                let mut raw = RawDoc { id: numbered_id(i), text, ..RawDoc::default() };
                let mut reach = 0;
                for (first, n, label) in ents {
                    let (Some(a), Some(b)) = (spans.get(first), spans.get(first + n - 1)) else { continue };
                    if a.0 >= reach {
                        reach = b.1;
                        raw.entities.push(RawEntity {
                            start: a.0,
                            end: b.1,
                            label: ["PER", "ORG", "LOC"][label].to_owned(),
                            ..RawEntity::default()
                        });
                    }
                }
                raw.into_record(&mut report)
            })
            .collect();
        dataset_of(records, "news")
    })
}

proptest! {
    #[test]
    fn plain_texts_round_trip_without_texts(x in arb_plain_dataset()) {
        let mut wr = export_report();
        let out = write(&x, &test_tokenizer, &mut wr);
        let y = read(std::str::from_utf8(&out).unwrap(), None, &mut import_report()).unwrap();
        let same = testgen::canon(&y) == testgen::canon(&x);
        prop_assert_eq!(same, wr.is_lossless(), "{}", wr);
        let crosses_lines = x.documents.iter().any(|d| d.entities.iter().any(|e| e.text.contains('\n')));
        prop_assert_eq!(same, !crosses_lines, "{}", wr);
    }

    #[test]
    fn round_trip_with_texts(x in testgen::arb_dataset(false, false)) {
        let mut wr = export_report();
        let out = write(&x, &test_tokenizer, &mut wr);
        let mut rr = import_report();
        let y = read(std::str::from_utf8(&out).unwrap(), Some(&x), &mut rr).unwrap();
        let same = testgen::canon(&y) == testgen::canon(&x);
        if wr.is_lossless() || wr.losses.iter().all(|l| undone_by_texts(&l.what)) {
            prop_assert!(same, "{wr}\n{:?}\n{:?}", testgen::canon(&x), testgen::canon(&y));
        }
        if !same {
            prop_assert!(!wr.is_lossless());
        }
        prop_assert!(rr.is_lossless(), "{rr}");
    }

    #[test]
    fn lossless_means_lossless_without_texts(x in testgen::arb_dataset(false, false)) {
        let mut x = x;
        for (i, d) in x.documents.iter_mut().enumerate() {
            d.id = numbered_id(i);
            d.status = Status::New;
        }
        let mut wr = export_report();
        let out = write(&x, &test_tokenizer, &mut wr);
        let y = read(std::str::from_utf8(&out).unwrap(), None, &mut import_report()).unwrap();
        let same = testgen::canon(&y) == testgen::canon(&x);
        prop_assert_eq!(same, wr.is_lossless(), "{}", wr);
    }

    #[test]
    fn overlaps_and_relations_are_named(x in testgen::arb_dataset(true, true)) {
        let mut wr = export_report();
        let out = write(&x, &test_tokenizer, &mut wr);
        let y = read(std::str::from_utf8(&out).unwrap(), Some(&x), &mut import_report()).unwrap();
        let had_overlaps = x.documents.iter().any(overlaps);
        let had_relations = x.documents.iter().any(|d| !d.relations.is_empty());
        prop_assert_eq!(has(&wr, LOST_OVERLAPS), had_overlaps, "{}", wr);
        prop_assert_eq!(has(&wr, LOST_RELATIONS), had_relations, "{}", wr);
        if testgen::canon(&y) != testgen::canon(&x) {
            prop_assert!(wr.losses.iter().any(|l| !undone_by_texts(&l.what)), "{}", wr);
        }
    }
}
