//! Every importer on arbitrary bytes: `formats::read` must return a dataset
//! that keeps the readers' promises, or an error, never panic. What it
//! returns must survive being written back in the same format and read again.
//!
//! Input layout: byte 0 picks the format (`Format::ALL[b % Format::ALL.len()]`), byte 1 the
//! options (bits 0-1: offsets none/chars/utf16/bytes; bit 2: CoNLL is read a
//! second time with the first result as its texts; bit 3: a DocBin's bytes
//! are zlib-compressed here, so that the fuzzer mutates the msgpack inside,
//! not the compressed stream). The rest is the file; for
//! brat it is cut on 0xFF bytes (never in UTF-8) into files named `d0.txt`,
//! `d0.ann`, `d1.txt`, `d1.ann`, … in turn.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanlab::model::{CharIdx, Dataset, Schema, Text};
use spanlab::store::formats::{self, Format, Offsets, Options, Source, Tokenizer, Written};

fuzz_target!(|data: &[u8]| {
    let [f, o, rest @ ..] = data else { return };
    let format = Format::ALL[usize::from(*f) % Format::ALL.len()];
    let offsets = [None, Some(Offsets::Chars), Some(Offsets::Utf16), Some(Offsets::Bytes)][usize::from(o & 3)];
    let options = Options { offsets, ..Options::default() };
    let compressed;
    let rest = if format == Format::Docbin && o & 8 != 0 {
        compressed = zlib(rest);
        &compressed[..]
    } else {
        rest
    };
    let source = source_of(format, rest);
    let Ok((dataset, _)) = formats::read(&source, format, &options, None) else { return };
    check(&dataset, format);
    if format == Format::Conll && o & 4 != 0 {
        // CoNLL re-attached to the texts it was read with.
        if let Ok((again, _)) = formats::read(&source, format, &options, Some(&dataset)) {
            check(&again, format);
        }
    }
    round_trip(&dataset, format, &options);
});

fn zlib(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn source_of(format: Format, bytes: &[u8]) -> Source {
    if format != Format::Brat {
        return Source::File { name: format!("input.{}", format.extension()), bytes: bytes.to_vec() };
    }
    let mut files: Vec<(String, Vec<u8>)> = bytes
        .split(|&b| b == 0xFF)
        .enumerate()
        .map(|(i, part)| (format!("d{}.{}", i / 2, if i % 2 == 0 { "txt" } else { "ann" }), part.to_vec()))
        .collect();
    files.sort();
    Source::Folder(files)
}

/// What every reader promises of the dataset it returns (`formats` module
/// docs and [`formats::RawDoc::into_record`]): canonical entities whose text is
/// the text at their code-point offsets, unique ids, relations between
/// entities of their document, a matching hash, a known status, documents
/// sorted by unique id.
/// The gold format is read as it is written (validation is the caller's
/// job: `spanlab validate`, import), so it is only round-tripped.
fn check(d: &Dataset, format: Format) {
    if format == Format::Spanlab {
        return;
    }
    for pair in d.documents.windows(2) {
        assert!(pair[0].id < pair[1].id, "{format}: documents not sorted by unique id: {:?} {:?}", pair[0].id, pair[1].id);
    }
    // Labels, overlaps and relation constraints are the schema's business,
    // not the reader's: check against a schema that allows everything.
    let problems: Vec<String> = d
        .validate(None)
        .into_iter()
        .map(|p| p.to_string())
        .filter(|p| {
            !(p.contains("unknown label")
                || p.contains("unknown relation label")
                || p.contains("the schema forbids overlapping spans")
                || p.contains(" is not allowed from "))
        })
        .collect();
    assert!(problems.is_empty(), "{format}: the reader returned an invalid dataset: {problems:#?}");
    for doc in &d.documents {
        let text = Text::new(doc.text.clone());
        for (i, e) in doc.entities.iter().enumerate() {
            assert_eq!(e.id, format!("T{}", i + 1), "{format}: entities numbered in order");
            let slice = text.slice(CharIdx::new(e.start as usize), CharIdx::new(e.end as usize));
            assert_eq!(slice, Some(e.text.as_str()), "{format}: document {}: entity {}", doc.id, e.id);
        }
        for pair in doc.entities.windows(2) {
            let key = |e: &spanlab::model::dataset::EntityRecord| (e.start, e.end, e.label.clone());
            assert!(key(&pair[0]) < key(&pair[1]), "{format}: document {}: entities not sorted and unique", doc.id);
        }
    }
}

/// Writes the dataset back in its format and reads that again.
fn round_trip(d: &Dataset, format: Format, options: &Options) {
    let tokenizer: Tokenizer = &formats::format_tokens;
    // A dataset a reader returned has its offsets inside its texts: writing
    // it never fails.
    let written = match formats::write(d, &Schema::news(), format, options, tokenizer) {
        Ok((written, _)) => written,
        Err(e) => panic!("{format}: cannot write what it read: {e}"),
    };
    let source = match written {
        Written::File(bytes) => Source::File { name: format!("output.{}", format.extension()), bytes },
        Written::Folder(mut files) => {
            files.sort();
            Source::Folder(files)
        }
    };
    match formats::read(&source, format, options, None) {
        Ok((back, _)) => {
            check(&back, format);
            assert_eq!(back.documents.len(), d.documents.len(), "{format}: documents lost in a round trip");
        }
        Err(e) => panic!("{format}: cannot read what it wrote: {e}"),
    }
}
