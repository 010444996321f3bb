//! Reading texts to process from the paths a user names on the command line:
//! `.txt`/`.md` files, `.html` files, `.jsonl` files, dataset `.json` files
//! and project folders.
//!
//! Each text comes indexed ([`Text`]) with its SHA-256, made once: a
//! project folder's documents are loaded as [`crate::model::Document`]s,
//! which index and hash their text, and the CLI used to copy the text out
//! and index and hash it again.

use std::path::Path;

use super::StoreError;
use super::html::visible_text;
use super::project::{Project, SourceCache, read_dataset, read_jsonl, read_text_file};
use crate::model::Text;
use crate::model::document::sha256_hex;

/// One text to process, with the id and source it gets in a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDoc {
    pub id: String,
    pub source: String,
    /// The text, indexed.
    pub text: Text,
    /// The lower-case hex SHA-256 of the text.
    pub sha256: String,
}

impl InputDoc {
    /// A text with its id and source, indexed and hashed.
    pub fn new(id: String, source: String, text: String) -> Self {
        let sha256 = sha256_hex(&text);
        Self { id, source, text: Text::new(text), sha256 }
    }
}

/// Reads every named input, in the order given (folders in id order).
pub fn read_inputs(paths: &[impl AsRef<Path>]) -> Result<Vec<InputDoc>, StoreError> {
    let mut out = Vec::new();
    for p in paths {
        let path = p.as_ref();
        let meta = std::fs::metadata(path).map_err(|source| StoreError::Io { path: path.to_path_buf(), source })?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s).to_owned();
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
        if meta.is_dir() {
            let project = Project::open(path, None)?;
            let mut cache = SourceCache::default();
            for i in 0..project.entries.len() {
                let loaded = project.load_cached(i, &mut cache)?;
                // The document's index and hash, shared (not made again).
                let doc = loaded.doc;
                out.push(InputDoc { text: doc.text().clone(), sha256: doc.sha256().to_owned(), id: doc.id.0, source: doc.source });
            }
            continue;
        }
        match ext.as_str() {
            "jsonl" => {
                for (line, id, text, _) in read_jsonl(path)? {
                    out.push(InputDoc::new(id.unwrap_or_else(|| format!("{stem}-{line}")), format!("{name}#{line}"), text));
                }
            }
            "json" => {
                for d in read_dataset(path)?.documents {
                    out.push(InputDoc::new(d.id, d.source, d.text));
                }
            }
            "html" | "htm" => {
                let (html, _) = read_text_file(path)?;
                out.push(InputDoc::new(stem, name, visible_text(&html)));
            }
            _ => {
                let (text, _) = read_text_file(path)?;
                out.push(InputDoc::new(stem, name, text));
            }
        }
    }
    Ok(out)
}
