//! The DocBin's tests: writing and reading together, round trips, hostile
//! files, and a file spaCy made. The codec, the hash and the symbols are
//! tested beside their code; `tests/spacy.rs` has spaCy itself read awkward
//! DocBins spanlab writes, and spanlab read DocBins spaCy writes.
//!
//! Owns: the test helpers that build DocBins by hand. Must not touch: the
//! file system.

use std::io::Write;

use proptest::prelude::*;

use super::msgpack::{self, Pack, Value};
use super::murmur::hash_string;
use super::read::inflate;
use super::symbols::{Symbols, resolve};
use super::*;
use crate::model::dataset::{DocRecord, EntityRecord, RelationRecord};
use crate::model::markup::parse_markup;
use crate::model::{CharIdx, Dataset, Status, Text};
use crate::store::formats::testgen::{arb_dataset, canon};
use crate::store::formats::tokens::test_tokenizer;
use crate::store::formats::{Direction, Format, FormatError, RawDoc, RawEntity, Report, dataset_of};

/// Writes some msgpack.
type PackFn = dyn Fn(&mut Pack);
/// Entities as `(start, end, label)`.
type Spans<'a> = Vec<(i64, i64, &'a str)>;

fn export_report() -> Report {
    Report::new(Format::Docbin, Direction::Export)
}

fn import_report() -> Report {
    Report::new(Format::Docbin, Direction::Import)
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn unzlib(bytes: &[u8]) -> Vec<u8> {
    inflate(bytes).unwrap()
}

/// Re-encodes a decoded value (the kinds a DocBin holds).
fn encode(v: &Value, p: &mut Pack) {
    match v {
        Value::Map(entries) => {
            p.map(entries.len());
            for (k, v) in entries {
                encode(k, p);
                encode(v, p);
            }
        }
        Value::Array(items) => {
            p.array(items.len());
            for i in items {
                encode(i, p);
            }
        }
        Value::Str(s) => p.str(std::str::from_utf8(s).unwrap()),
        Value::Bin(b) => p.bin(b),
        Value::Uint(n) => p.uint(*n),
        Value::Bool(b) => p.bool(*b),
        other => panic!("not needed: {other:?}"),
    }
}

/// A DocBin with one top-level field replaced (`None`: removed).
fn with_field(file: &[u8], name: &str, value: Option<&[u8]>) -> Vec<u8> {
    let inflated = unzlib(file);
    let Value::Map(entries) = msgpack::decode(&inflated).unwrap() else { panic!("a map") };
    let mut p = Pack::default();
    let kept: Vec<_> = entries.iter().filter(|(k, _)| k.as_str() != Some(name)).collect();
    p.map(kept.len() + usize::from(value.is_some()));
    for (k, v) in kept {
        encode(k, &mut p);
        encode(v, &mut p);
    }
    let mut out = p.into_bytes();
    if let Some(v) = value {
        let mut key = Pack::default();
        key.str(name);
        out.extend_from_slice(&key.into_bytes());
        out.extend_from_slice(v);
    }
    zlib(&out)
}

/// A DocBin of rows of `attrs`, the other fields as spaCy writes them.
fn custom(attrs: &[u64], rows: &[&[u64]], lengths: &[i32], strings: &[&str]) -> Vec<u8> {
    let mut p = Pack::default();
    p.map(6);
    p.str("attrs");
    p.array(attrs.len());
    for &a in attrs {
        p.uint(a);
    }
    p.str("tokens");
    let table: Vec<u8> = rows.iter().flat_map(|r| r.iter().flat_map(|v| v.to_le_bytes())).collect();
    p.bin(&table);
    p.str("spaces");
    p.bin(&vec![1; rows.len()]);
    p.str("lengths");
    p.bin(&lengths.iter().flat_map(|n| n.to_le_bytes()).collect::<Vec<u8>>());
    p.str("strings");
    p.array(strings.len());
    for s in strings {
        p.str(s);
    }
    p.str("cats");
    p.array(lengths.len());
    for _ in lengths {
        p.map(0);
    }
    zlib(&p.into_bytes())
}

fn dataset_from_markup(docs: &[(&str, &str)]) -> Dataset {
    let mut report = import_report();
    let records = docs
        .iter()
        .map(|(id, markup)| {
            let (text, spans) = parse_markup(markup);
            let raw = RawDoc {
                id: (*id).to_owned(),
                text,
                status: Some(Status::Done),
                entities: spans
                    .into_iter()
                    .map(|(s, e, label)| RawEntity { start: s.get(), end: e.get(), label, ..RawEntity::default() })
                    .collect(),
                ..RawDoc::default()
            };
            raw.into_record(&mut report)
        })
        .collect();
    dataset_of(records, "news")
}

fn entities(d: &DocRecord) -> Spans<'_> {
    d.entities.iter().map(|e| (e.start, e.end, e.label.as_str())).collect()
}

// --- writing and reading ------------------------------------------------

#[test]
fn writes_tokens_spaces_and_iob_as_spacy_reads_them() {
    let ds = dataset_from_markup(&[("d1", "[Sergueï Lavrov]{PER} a rencontré [Wang Yi]{PER}  à\r\n[Pékin]{GPE}.")]);
    let mut w = export_report();
    let bytes = write(&ds, &test_tokenizer, &mut w);
    assert!(w.is_lossless(), "{w}");
    let inflated = unzlib(&bytes);
    let top = msgpack::decode(&inflated).unwrap();
    let attrs: Vec<u64> = top.get("attrs").unwrap().as_array().unwrap().iter().filter_map(Value::as_u64).collect();
    assert_eq!(attrs, [ORTH, ENT_IOB, ENT_TYPE]);
    let strings: Vec<&str> = top.get("strings").unwrap().as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let mut sorted = strings.clone();
    sorted.sort();
    assert_eq!(strings, sorted, "strings are sorted");
    let table = top.get("tokens").unwrap().as_bytes().unwrap();
    let values: Vec<u64> = table.chunks(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect();
    let symbols = Symbols::new();
    let map = symbols.table(&strings);
    let rows: Vec<(&str, u64, &str)> =
        values.chunks(3).map(|r| (resolve(&map, r[0]).unwrap(), r[1], resolve(&map, r[2]).unwrap())).collect();
    let spaces = top.get("spaces").unwrap().as_bytes().unwrap();
    let words: Vec<(&str, u8)> = rows.iter().zip(spaces).map(|(r, &s)| (r.0, s)).collect();
    assert_eq!(
        words,
        [
            ("Sergueï", 1),
            ("Lavrov", 1),
            ("a", 1),
            ("rencontré", 1),
            ("Wang", 1),
            ("Yi", 1),
            (" ", 0),
            ("à", 0),
            ("\r\n", 0),
            ("Pékin", 0),
            (".", 0)
        ]
    );
    let iob: Vec<u64> = rows.iter().map(|r| r.1).collect();
    assert_eq!(iob, [3, 1, 2, 2, 3, 1, 2, 2, 2, 3, 2]);
    assert_eq!(rows[0].2, "PER");
    assert_eq!(rows[2].2, "", "no type outside entities");
    assert_eq!(top.get("lengths").unwrap().as_bytes().unwrap(), 11i32.to_le_bytes());
    assert_eq!(top.get("span_groups").unwrap().as_array().unwrap(), [Value::Bin(&[0x90])]);
    let mut r = import_report();
    let back = read(&bytes, &mut r).unwrap();
    assert!(r.is_lossless(), "{r}");
    assert_eq!(canon(&back), canon(&ds));
    assert_eq!(back.documents[0].status, Status::Done);
}

#[test]
fn overlapping_entities_leave_doc_ents_but_come_back_from_user_data() {
    let mut ds = dataset_from_markup(&[("o", "[Université de Paris]{ORG} et Lyon")]);
    let doc = &mut ds.documents[0];
    // "Paris" inside the ORG, and "Paris et Lyon" straddling its end.
    let text = Text::from(doc.text.as_str());
    for (s, e, label) in [(14, 19, "GPE"), (14, 27, "LOC")] {
        let n = doc.entities.len() + 1;
        doc.entities.push(EntityRecord::new(n, &text, CharIdx::new(s), CharIdx::new(e), label));
    }
    doc.relations.push(RelationRecord::new(1, 2, 1, "LOCATED_IN"));
    let mut w = export_report();
    let bytes = write(&ds, &test_tokenizer, &mut w);
    let loss = w.losses.iter().find(|l| l.what == LOST_OVERLAP).unwrap();
    assert_eq!(loss.count, 2, "{w}");
    let mut r = import_report();
    let back = read(&bytes, &mut r).unwrap();
    assert!(r.is_lossless());
    assert_eq!(entities(&back.documents[0]), [(0, 19, "ORG"), (14, 19, "GPE"), (14, 27, "LOC")]);
    assert_eq!(canon(&back), canon(&ds));
    // What spaCy sees: the ORG only; "et Lyon" is missing, not outside.
    let spacy_view = with_field(&bytes, "user_data", None);
    let seen = read(&spacy_view, &mut import_report()).unwrap();
    assert_eq!(entities(&seen.documents[0]), [(0, 19, "ORG")]);
    assert_eq!(seen.documents[0].id, "doc-0001");
    let inflated = unzlib(&bytes);
    let top = msgpack::decode(&inflated).unwrap();
    let table = top.get("tokens").unwrap().as_bytes().unwrap();
    let iob: Vec<u64> = table.chunks(24).map(|r| u64::from_le_bytes(r[8..16].try_into().unwrap())).collect();
    // Université de Paris | et Lyon
    assert_eq!(iob, [3, 1, 1, 0, 0]);
}

#[test]
fn fields_with_no_place_are_reported() {
    let mut ds = dataset_from_markup(&[("f", "[Lavrov]{PER} parle"), ("g", "rien")]);
    ds.documents[0].extra.insert("comment".into(), "vérifier".into());
    ds.documents[0].entities[0].extra.insert("note".into(), 1.into());
    ds.documents[0].source = "f.txt".into();
    ds.documents[1].entities.push(EntityRecord {
        id: "T1".into(),
        start: 2,
        end: 40,
        label: "PER".into(),
        text: String::new(),
        extra: Default::default(),
    });
    let mut w = export_report();
    let bytes = write(&ds, &test_tokenizer, &mut w);
    let what: Vec<&str> = w.losses.iter().map(|l| l.what.as_str()).collect();
    assert!(what.iter().any(|w| w.contains("\"comment\"")), "{what:?}");
    assert!(what.iter().any(|w| w.contains("\"note\"")), "{what:?}");
    assert!(what.contains(&LOST_BAD_OFFSETS), "{what:?}");
    let back = read(&bytes, &mut import_report()).unwrap();
    assert_eq!(back.documents[0].source, "f.txt", "the source travels in user_data");
    assert!(back.documents[1].entities.is_empty());
}

#[test]
fn empty_documents_and_datasets() {
    let ds = dataset_from_markup(&[("a", ""), ("b", "   "), ("c", "\n")]);
    let bytes = write(&ds, &test_tokenizer, &mut export_report());
    let back = read(&bytes, &mut import_report()).unwrap();
    assert_eq!(canon(&back), canon(&ds));
    let none = dataset_from_markup(&[]);
    let back = read(&write(&none, &test_tokenizer, &mut export_report()), &mut import_report()).unwrap();
    assert!(back.documents.is_empty());
}

/// Checks one round trip; `Ok(true)` when something was reported lost.
fn check_round_trip(ds: &Dataset) -> Result<bool, TestCaseError> {
    let mut w = export_report();
    let bytes = write(ds, &test_tokenizer, &mut w);
    let mut r = import_report();
    let back = read(&bytes, &mut r).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let lossless = w.is_lossless() && r.is_lossless();
    if lossless {
        prop_assert_eq!(canon(&back), canon(ds));
    }
    if canon(&back) != canon(ds) {
        prop_assert!(!lossless, "canon differs but nothing was reported");
    }
    // spanlab's own files come back whole: overlaps travel in user_data.
    prop_assert_eq!(canon(&back), canon(ds));
    // What spaCy sees: the same texts, and doc.ents the non-overlapping
    // entities (earliest, then longest), each overlap reported.
    let seen = read(&with_field(&bytes, "user_data", None), &mut import_report()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let overlaps = w.losses.iter().find(|l| l.what == LOST_OVERLAP).map_or(0, |l| l.count);
    let mut dropped = 0;
    for (doc, spacy_doc) in ds.documents.iter().zip(&seen.documents) {
        prop_assert_eq!(&spacy_doc.text, &doc.text);
        let mut sorted = entities(doc);
        sorted.sort_by_key(|e| (e.0, std::cmp::Reverse(e.1), e.2));
        let mut reach = 0;
        let mut kept = Vec::new();
        for e in sorted {
            if e.0 >= reach {
                reach = e.1;
                kept.push(e);
            } else {
                dropped += 1;
            }
        }
        kept.sort();
        prop_assert_eq!(entities(spacy_doc), kept);
    }
    prop_assert_eq!(dropped, overlaps);
    Ok(!lossless)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn round_trip_without_overlaps(ds in arb_dataset(false, true)) {
        let lost = check_round_trip(&ds)?;
        prop_assert!(!lost, "nothing to lose without overlaps");
    }

    #[test]
    fn round_trip_with_overlaps(ds in arb_dataset(true, true)) {
        check_round_trip(&ds)?;
    }

    #[test]
    fn mangled_files_are_errors_not_panics(ds in arb_dataset(true, true), at in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
        let bytes = write(&ds, &test_tokenizer, &mut export_report());
        // A byte changed in the compressed file, and in the msgpack.
        let mut file = bytes.clone();
        let i = at % file.len();
        file[i] = byte;
        let _ = read(&file, &mut import_report());
        let mut inflated = unzlib(&bytes);
        let i = at % inflated.len();
        inflated[i] = byte;
        let _ = read(&zlib(&inflated), &mut import_report());
        // Cut short.
        let cut = cut % inflated.len();
        prop_assert!(read(&zlib(&inflated[..cut]), &mut import_report()).is_err());
        prop_assert!(read(&bytes[..cut % bytes.len()], &mut import_report()).is_err());
    }
}

// --- hostile input ------------------------------------------------------

fn read_err(bytes: &[u8]) -> FormatError {
    match read(bytes, &mut import_report()) {
        Ok(d) => panic!("read {} documents from a bad file", d.documents.len()),
        Err(e) => e,
    }
}

#[test]
fn garbage_and_truncated_files_are_errors() {
    assert_eq!(read_err(b"").place, "zlib at byte 0");
    assert!(read_err(b"not a docbin at all").message.contains("zlib"));
    let ds = dataset_from_markup(&[("a", "[Lavrov]{PER} à [Pékin]{GPE}"), ("b", "😀 e\u{301} مر")]);
    let bytes = write(&ds, &test_tokenizer, &mut export_report());
    for cut in 0..bytes.len() {
        read_err(&bytes[..cut]);
    }
    let inflated = unzlib(&bytes);
    for cut in 0..inflated.len() {
        read_err(&zlib(&inflated[..cut]));
    }
    assert!(read_err(&zlib(b"\x92\x01\x02")).message.contains("a map"));
    assert!(read_err(&zlib(b"\x81\x01\x02")).message.contains("string keys"));
}

#[test]
fn fields_of_the_wrong_type_are_errors() {
    let ds = dataset_from_markup(&[("a", "[Lavrov]{PER} à [Pékin]{GPE}")]);
    let bytes = write(&ds, &test_tokenizer, &mut export_report());
    let str_value = |s: &str| {
        let mut p = Pack::default();
        p.str(s);
        p.into_bytes()
    };
    let cases: [(&str, Vec<u8>, &str); 9] = [
        ("attrs", str_value("ORTH"), "\"attrs\""),
        ("attrs", vec![0x91, 0xa1, b'x'], "\"attrs\" item 1"),
        ("attrs", vec![0x91, 77], "\"attrs\""),
        ("tokens", vec![0x90], "\"tokens\""),
        ("lengths", vec![0xc4, 3, 1, 0, 0], "\"lengths\""),
        ("spaces", vec![0xc4, 1, 1], "\"spaces\""),
        ("strings", vec![0x91, 0x05], "\"strings\" item 1"),
        ("cats", vec![0x90], "\"cats\""),
        ("user_data", vec![0x91, 0x05], "document 1, user_data"),
    ];
    for (field, value, place) in cases {
        let e = read_err(&with_field(&bytes, field, Some(&value)));
        assert_eq!(e.place, place, "{field}: {e}");
    }
    for field in ["tokens", "strings", "attrs"] {
        assert!(read_err(&with_field(&bytes, field, None)).message.contains(field));
    }
    // spanlab's user_data with wrong types or indices.
    let user_data = |f: &dyn Fn(&mut Pack)| {
        let mut inner = Pack::default();
        inner.map(1);
        inner.str(USER_DATA_KEY);
        f(&mut inner);
        let mut p = Pack::default();
        p.array(1);
        p.bin(&inner.into_bytes());
        p.into_bytes()
    };
    let bad: [(&PackFn, &str); 4] = [
        (
            &|p| {
                p.map(1);
                p.str("id");
                p.uint(3);
            },
            "id",
        ),
        (
            &|p| {
                p.map(1);
                p.str("entities");
                p.array(1);
                p.array(3);
                p.uint(4);
                p.uint(400);
                p.str("GPE");
            },
            "user_data entity 1",
        ),
        (
            &|p| {
                p.map(1);
                p.str("relations");
                p.array(1);
                p.array(3);
                p.uint(0);
                p.uint(9);
                p.str("R");
            },
            "user_data relation 1",
        ),
        (&|p| p.array(0), "\"spanlab\""),
    ];
    for (f, place) in bad {
        let e = read_err(&with_field(&bytes, "user_data", Some(&user_data(f))));
        assert!(e.place.contains(place), "{e}");
    }
}

/// Found by fuzzing (target `importers`): an unknown status in
/// spanlab's `user_data` was read as it was, giving an invalid dataset.
#[test]
fn an_unknown_status_in_user_data_is_an_error() {
    let msgpack = b"\x86\xa5attrs\x91A\xa6tokens\xc4\x00\xa6spaces\xc4\x00\xa7lengths\xc4\x04\x00\x00\x00\x00\xa7strings\x90\
        \xa9user_data\x91\xc4\x17\x81\xa7spanlab\x81\xa6status\xa5bogus";
    let e = read_err(&zlib(msgpack));
    assert_eq!(e.place, "document 1, user_data \"spanlab\", status", "{e}");
    assert!(e.message.contains("\"bogus\" is not one of new"), "{e}");
}

#[test]
fn tables_that_do_not_add_up_are_errors() {
    let (paris, per) = (hash_string("Paris"), hash_string("PER"));
    let attrs = [ORTH, ENT_IOB, ENT_TYPE];
    // The lengths say 3 tokens, the table has 2.
    let e = read_err(&custom(&attrs, &[&[paris, 3, per], &[paris, 2, 0]], &[3], &["PER", "Paris"]));
    assert_eq!(e.place, "document 1");
    let e = read_err(&custom(&attrs, &[&[paris, 3, per], &[paris, 2, 0]], &[1], &["PER", "Paris"]));
    assert_eq!(e.place, "\"lengths\"");
    let e = read_err(&custom(&attrs, &[&[paris, 3, per]], &[-1, 2], &["PER", "Paris"]));
    assert!(e.message.contains("negative"), "{e}");
    // A hash absent from the strings, in ORTH and in ENT_TYPE.
    let e = read_err(&custom(&attrs, &[&[paris, 2, 0], &[hash_string("Lyon"), 2, 0]], &[2], &["Paris"]));
    assert_eq!(e.to_string(), format!("document 1, token 2: ORTH hash {} is not in the strings", hash_string("Lyon")));
    let e = read_err(&custom(&attrs, &[&[paris, 3, per]], &[1], &["Paris"]));
    assert_eq!(e.to_string(), format!("document 1, token 1: ENT_TYPE hash {per} is not in the strings"));
    // IOB values spaCy refuses.
    let e = read_err(&custom(&attrs, &[&[paris, 2, 0], &[paris, 1, per]], &[2], &["PER", "Paris"]));
    assert_eq!(e.place, "document 1, token 2");
    let e = read_err(&custom(&attrs, &[&[paris, 7, 0]], &[1], &["Paris"]));
    assert!(e.message.contains("ENT_IOB value 7"), "{e}");
    // Without ORTH there are no words.
    assert!(read_err(&custom(&[ENT_IOB], &[&[2]], &[1], &[])).message.contains("ORTH"));
    // A table that is not whole rows.
    let mut p = Pack::default();
    p.map(5);
    for (k, v) in [("tokens", vec![0u8; 12]), ("spaces", vec![]), ("lengths", vec![])] {
        p.str(k);
        p.bin(&v);
    }
    p.str("attrs");
    p.array(1);
    p.uint(ORTH);
    p.str("strings");
    p.array(0);
    assert_eq!(read_err(&zlib(&p.into_bytes())).place, "\"tokens\"");
}

#[test]
fn a_long_string_in_every_row_is_refused() {
    let long = "x".repeat(100_000);
    let hash = hash_string(&long);
    let row = [hash];
    let rows: Vec<&[u64]> = vec![&row[..]; 200_000];
    let file = custom(&[ORTH], &rows, &[200_000], &[&long]);
    assert!(file.len() < 100_000, "{}", file.len());
    let e = read_err(&file);
    assert!(e.message.contains("grow far past"), "{e}");
}

#[test]
fn a_zlib_bomb_is_refused() {
    let zeros = vec![0u8; 1 << 20];
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..400 {
        e.write_all(&zeros).unwrap();
    }
    let bomb = e.finish().unwrap();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    assert!(read_err(&bomb).message.contains("inflates to more than"));
}

// --- files spaCy made ---------------------------------------------------

/// `DocBin(docs=[d1, d2, d3]).to_bytes()` from spaCy 3.8.18 with
/// `spacy.blank("fr")`, default attributes, no user data:
/// d1 `"Emmanuel Macron a vu l'ONU à Paris.\r\n😀 OK"`, ents PER
/// "Emmanuel Macron", ORG "ONU", LOC "Paris"; d2 `""`; d3
/// `"Le Monde\u{a0}: e\u{301}té مرحبا"`, ent ORG "Le Monde", cats
/// `{"POLITIQUE": 1.0}`, spans `{"sc": [Le Monde/ORG]}`.
const SPACY_MADE: &str = concat!(
    "789ceb5c5e965a549c999fb7d840cf706962494951f15c47674f2f6f1f5f3fff80b38c47ce321e3dcb786c59497e766a5ef151f680939c82b35d543e",
    "ddaf9eb2f4c9dcc325890c04003394b6f33c54f3b3f5a5354c9c91803ec95683336797ffdf9e549476f0298fa516217b60e6a1db43086879a77fdbfc",
    "547b298c26a49e895883d1402793add6f74bc2476034adecf1ffaff8f19b75ce4c184d2b7bec2f86355d2f7c26d36df9dfa7d3d4f92221f5b074504f",
    "28e2d1c0bc88afbf8f84764bc26842eac9f58f41de917eb6ed5b26047e6759d512bcf80a21f530ff3492e89f4587d6f8bcb959bf1e4613524fae7fdc",
    "5df8f730966ed780d1b4b287b15f9673d7fd17076034adecb9d86df5fcdf4381f889a7ca36b79a9ceea2953def7424ffcfb9dffd914d55f2a4ceb9bc",
    "9d84d4e34ad78492c5498d3d263d6be3558e087d977e1ecf114ec81e9879a4e69f0b47f8f56f9b9cd23fd371cee7c92ebf1584d4931b6ed3b875d605",
    "4ce65e00a36965cf76ffe2c9d95b5a3ec3685ad9736cd997f987d33966c1685ad9b3acb8203139b5f88810231030308262971114d940d6f29cd4bcf4",
    "928ce2233c3c50c56c40bcbcb8a428332fbdf80e83dc8245bc5c8b141416ea2db45ae19a9b9b98579a9ab3d8c7df79914fea32dfc4e4a2fcbca5bef9",
    "7929a98bfcbd17fbfb852ef60f725f1ce01ab43420b128b37861e28a54a89e65a9671a4b0eaf5c94a3be282775592e44672e58677ef6e2fcbcd2a505",
    "201d8bca4a171d5ab0e8f08255375b6f6cbcb1f6c68a1bcb977c983fa36149726249f1e48686c69501fe3e9e219e81a1aea7ed3f409cbc342d2731bd",
    "7872e3a68cc4e2f8d2bcecbcfcf2bc78889f0f112fb81a48e7c5a717e59716144f3ec23801843c1a8f38362fc94bcc4d5d549c0c69ba342c05a92b9e",
    "78044771c7588f165b1c13817a0168f94734",
);

#[test]
fn reads_a_docbin_spacy_made() {
    let hex = SPACY_MADE;
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    assert!(bytes.len() < 2048);
    let mut r = import_report();
    let ds = read(&bytes, &mut r).unwrap();
    let docs: Vec<(&str, &str, Spans)> = ds.documents.iter().map(|d| (d.id.as_str(), d.text.as_str(), entities(d))).collect();
    assert_eq!(
        docs,
        [
            ("doc-0001", "Emmanuel Macron a vu l'ONU à Paris.\r\n😀 OK", vec![(0, 15, "PER"), (23, 26, "ORG"), (29, 34, "LOC")]),
            ("doc-0002", "", vec![]),
            ("doc-0003", "Le Monde\u{a0}: e\u{301}té مرحبا", vec![(0, 8, "ORG")]),
        ]
    );
    assert!(ds.documents.iter().all(|d| d.status == Status::New));
    let what: Vec<&str> = r.losses.iter().map(|l| l.what.as_str()).collect();
    assert_eq!(what, [LOST_CATS, LOST_SPAN_GROUP], "{r}");
    assert_eq!(r.losses[1].examples, ["document doc-0003: group \"sc\", 1 spans"]);
    assert_eq!(r.losses[0].examples, ["document doc-0003: \"POLITIQUE\" = 1"]);
}
