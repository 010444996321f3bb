//! The project's corpus-wide decisions (`annotations/decisions.json`): every
//! "label everywhere" and "reject everywhere" the annotator ran, kept so that
//! the suggestion memory relearns them whenever the project is opened (a
//! rejection made on documents not yet done would otherwise be forgotten).
//!
//! Owns: the file, written atomically, one entry per name and label (a later
//! decision replaces an earlier one on the same pair). Must not touch: the
//! documents (their edits go through the journal like any other), the engine
//! (the app feeds it).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::atomic::write_atomic;

/// The file's name in the annotations folder.
pub const DECISIONS_FILE: &str = "decisions.json";

/// What the annotator decided about a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The name is this label: the memory suggests it wherever it occurs.
    Is,
    /// The name is not this label: the memory vetoes such suggestions.
    IsNot,
}

/// One decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The name as it occurs in the text.
    pub text: String,
    pub label: String,
    pub verdict: Verdict,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    decisions: Vec<Decision>,
}

/// The decisions of an annotations folder (none when the file is absent).
pub fn read(annotations: &Path) -> Result<Vec<Decision>, StoreError> {
    let path = annotations.join(DECISIONS_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(StoreError::Io { path, source }),
    };
    let file: File = serde_json::from_slice(&bytes).map_err(|e| StoreError::Json {
        path: path.clone(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    Ok(file.decisions)
}

/// Adds `new` to the folder's decisions (replacing any on the same name and
/// label) and writes the file atomically.
pub fn record(annotations: &Path, new: &[Decision]) -> Result<(), StoreError> {
    if new.is_empty() {
        return Ok(());
    }
    let mut decisions = read(annotations)?;
    for d in new {
        decisions.retain(|old| (old.text.as_str(), old.label.as_str()) != (d.text.as_str(), d.label.as_str()));
        decisions.push(d.clone());
    }
    let path = annotations.join(DECISIONS_FILE);
    let mut json = serde_json::to_string_pretty(&File { decisions }).unwrap_or_default();
    json.push('\n');
    write_atomic(&path, json.as_bytes()).map_err(|source| StoreError::Io { path, source })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str, label: &str, verdict: Verdict) -> Decision {
        Decision { text: text.into(), label: label.into(), verdict }
    }

    #[test]
    fn a_later_decision_replaces_an_earlier_one_on_the_same_name_and_label() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(read(dir.path()).expect("absent is empty"), []);
        record(dir.path(), &[d("Linux", "PER", Verdict::IsNot), d("Oslo", "GPE", Verdict::Is)]).expect("writes");
        record(dir.path(), &[d("Linux", "PER", Verdict::Is)]).expect("writes");
        assert_eq!(read(dir.path()).expect("reads"), [d("Oslo", "GPE", Verdict::Is), d("Linux", "PER", Verdict::Is)]);
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it_and_is_left_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(DECISIONS_FILE), "{\"decisions\": [").expect("write");
        let e = read(dir.path()).expect_err("broken").to_string();
        assert!(e.contains(DECISIONS_FILE) && e.contains(":1:"), "{e}");
        assert!(record(dir.path(), &[d("x", "PER", Verdict::Is)]).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join(DECISIONS_FILE)).expect("read"), "{\"decisions\": [");
    }
}
