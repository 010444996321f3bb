//! Reading texts to process from the paths a user names on the command line:
//! `.txt`/`.md` files, `.html` files, `.jsonl` files, dataset `.json` files
//! and project folders.

use std::path::Path;

use super::StoreError;
use super::html::visible_text;
use super::project::{Project, SourceCache, read_dataset, read_jsonl, read_text_file};

/// One text to process, with the id and source it gets in a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputDoc {
    pub id: String,
    pub source: String,
    pub text: String,
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
                out.push(InputDoc {
                    id: loaded.doc.id.0.clone(),
                    source: loaded.doc.source.clone(),
                    text: loaded.doc.text().as_str().to_owned(),
                });
            }
            continue;
        }
        match ext.as_str() {
            "jsonl" => {
                for (line, id, text, _) in read_jsonl(path)? {
                    out.push(InputDoc { id: id.unwrap_or_else(|| format!("{stem}-{line}")), source: format!("{name}#{line}"), text });
                }
            }
            "json" => {
                for d in read_dataset(path)?.documents {
                    out.push(InputDoc { id: d.id, source: d.source, text: d.text });
                }
            }
            "html" | "htm" => {
                let (html, _) = read_text_file(path)?;
                out.push(InputDoc { id: stem, source: name, text: visible_text(&html) });
            }
            _ => {
                let (text, _) = read_text_file(path)?;
                out.push(InputDoc { id: stem, source: name, text });
            }
        }
    }
    Ok(out)
}
