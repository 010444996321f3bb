//! Reading articles from arbitrary bytes: decoding (encoding detection),
//! HTML's visible text, JSONL documents and dataset `.json` files, as
//! `Project::open` and `Project::load` do, without the file system.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use spanlab::store::decode::{decode, encode_for_file};
use spanlab::store::html::{decode_references, visible_text};
use spanlab::store::project::{parse_dataset_if_any, parse_jsonl};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz/article");
    let Ok(decoded) = decode(data) else {
        // Still read the bytes as the lossy text an HTML page could be.
        let lossy = String::from_utf8_lossy(data);
        let _ = visible_text(&lossy);
        return;
    };
    let text = decoded.text;
    // Every decoded text is written back (on import) so that it decodes the same.
    if !text.contains('\0') {
        let again = decode(&encode_for_file(&text)).map(|d| d.text);
        assert_eq!(again.as_deref(), Ok(text.as_str()), "encode_for_file does not give the text back");
    }
    let visible = visible_text(&text);
    assert_eq!(visible.trim(), visible, "the visible text is trimmed");
    let _ = decode_references(&text);
    if let Ok(docs) = parse_jsonl(&text, path) {
        let mut last = 0;
        for (line, _, _, _) in &docs {
            assert!(*line > last, "JSONL lines in order");
            last = *line;
        }
    }
    let _ = parse_dataset_if_any(&text, path);
});
