//! A per-document annotation file parsed and placed on a text, as
//! `Project::load` does: arbitrary JSON must be an error or a document,
//! never a panic, and a loaded document must save and load back unchanged.
//!
//! Input layout: byte 0 holds flags (bit 0: replace the file's `sha256` by
//! the text's, so that the unchanged-text path is reached, not only the
//! re-anchoring one). The rest is cut at the first 0xFF byte: the text
//! before it (lossy UTF-8), the annotation file after it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanlab::model::document::sha256_hex;
use spanlab::store::annotations::AnnotationFile;

fuzz_target!(|data: &[u8]| {
    let [flags, rest @ ..] = data else { return };
    let (text, json) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let text = String::from_utf8_lossy(text).into_owned();
    let Ok(mut file) = serde_json::from_slice::<AnnotationFile>(json) else { return };
    if flags & 1 != 0 {
        file.sha256 = sha256_hex(&text);
    }
    let Ok((doc, _report)) = file.into_document(text.clone()) else { return };
    // What is loaded saves and loads back the same.
    let saved = AnnotationFile::from_document(&doc).to_json();
    let parsed: AnnotationFile = match serde_json::from_str(&saved) {
        Ok(f) => f,
        Err(e) => panic!("cannot parse a saved annotation file: {e}\n{saved}"),
    };
    let (again, report) = match parsed.into_document(text) {
        Ok(x) => x,
        Err(e) => panic!("cannot load a saved annotation file: {e}\n{saved}"),
    };
    assert!(!report.text_changed, "same text, same hash");
    assert_eq!(AnnotationFile::from_document(&again).to_json(), saved, "a save and load changed the file");
});
