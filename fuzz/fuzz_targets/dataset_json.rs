//! The gold dataset's JSON on arbitrary bytes: `Dataset::from_json`,
//! `validate` and `record_to_document` must not panic. A dataset parsed
//! writes and parses back equal; a record that validates becomes a document
//! (import trusts that) whose annotation file loads back, and that document
//! exports back valid.

#![no_main]

use libfuzzer_sys::fuzz_target;
use spanlab::model::dataset::{ExportNotes, ExportOptions, document_record, export, record_to_document};
use spanlab::model::{Dataset, Schema};
use spanlab::store::annotations::AnnotationFile;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else { return };
    let Ok(dataset) = Dataset::from_json(json) else { return };
    let written = dataset.to_json();
    match Dataset::from_json(&written) {
        Ok(back) => assert_eq!(back.to_json(), written, "a dataset does not write back the same"),
        Err(e) => panic!("cannot parse a written dataset: {e}\n{written}"),
    }
    let schema = dataset.implied_schema();
    let problems = dataset.validate(Some(&schema));
    let _ = dataset.validate(Some(&Schema::news()));
    let mut docs = Vec::new();
    for (i, rec) in dataset.documents.iter().enumerate() {
        let doc = record_to_document(rec);
        let name = if rec.id.is_empty() { format!("documents[{i}]") } else { rec.id.clone() };
        let valid = !problems.iter().any(|p| p.document.as_deref() == Some(name.as_str()));
        match doc {
            Ok(doc) => {
                let _ = document_record(&doc, true, &mut ExportNotes::default());
                // An import writes the document's annotation file: the
                // project must load it back.
                let saved = AnnotationFile::from_document(&doc).to_json();
                let loaded = serde_json::from_str::<AnnotationFile>(&saved)
                    .map_err(|e| e.to_string())
                    .and_then(|f| f.into_document(doc.text().as_str().to_owned()));
                if let Err(e) = loaded {
                    panic!("an imported document's annotation file does not load: {e}\n{saved}");
                }
                docs.push(doc);
            }
            Err(p) if valid => panic!("a valid record is refused: {p}"),
            Err(_) => {}
        }
    }
    if problems.is_empty() {
        // Import then export: what was valid stays valid.
        if let Err(p) = export(&docs, &schema, &dataset.extra, ExportOptions::default()) {
            panic!("a valid dataset exports invalid: {p:#?}");
        }
    }
});
